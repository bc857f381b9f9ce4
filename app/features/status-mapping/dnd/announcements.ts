import type { Announcements, Over, Active, ScreenReaderInstructions } from '@dnd-kit/core';
import type { TFunction } from 'i18next';

import { positionOf } from '../model/board';

import { readDragData, readDropData } from './ids';
import { containerDropTarget, isCurrentPosition, othersIn, statusDropTarget, type DropTarget } from './drop-target';
import type { DragSession } from './session';

/**
 * Screen-reader announcements in the UI language that name the status (or stage) and the
 * container with the position — "Проработка заявки moved to In work, position 2 of 3" —
 * never an id. They read the drag session (the board as it was when the drag started).
 */
export function createBoardAnnouncements(
  t: TFunction,
  getSession: () => DragSession | null,
  statusName: (statusId: string) => string,
): Announcements {
  const containerName = (session: DragSession, containerId: string) =>
    session.board.containers.find((container) => container.id === containerId)?.name ?? '';

  const where = (session: DragSession, statusId: string, target: DropTarget) => {
    if (target.containerId === null) return null;
    const total = othersIn(session.board, target.containerId, statusId).length + 1;
    return { container: containerName(session, target.containerId), position: target.index + 1, total };
  };

  const containerPlace = (session: DragSession, containerId: string) => ({
    position: session.board.containers.findIndex((container) => container.id === containerId) + 1,
    total: session.board.containers.length,
  });

  const describe = (kind: 'over' | 'end', active: Active, over: Over | null): string | undefined => {
    const session = getSession();
    const drag = readDragData(active.data.current);
    if (!session || !drag) return undefined;
    if (drag.type === 'container') {
      const name = containerName(session, drag.containerId);
      const targetId = containerDropTarget(session, over ? readDropData(over.data.current) : null);
      if (targetId === null) {
        return kind === 'end' ? t('mapping.dnd.stageDroppedNowhere', { name }) : t('mapping.dnd.stageNotOver', { name });
      }
      const place = containerPlace(session, targetId);
      return t(kind === 'end' ? 'mapping.dnd.stageDropped' : 'mapping.dnd.stageOver', { name, ...place });
    }
    const name = statusName(drag.statusId);
    const target = statusDropTarget(session, drag.statusId, over ? readDropData(over.data.current) : null);
    if (kind === 'over' && session.mode === 'pointer') {
      // A pointer drag is announced from its moves (its `over` is the board throughout): once per position.
      const key = target ? `${target.containerId ?? ''}\n${target.index}` : '';
      if (key === session.announcedTarget) return undefined;
      session.announcedTarget = key;
    }
    if (!target) return t(kind === 'end' ? 'mapping.dnd.droppedNowhere' : 'mapping.dnd.notOver', { name });
    if (kind === 'over' && !session.announcedFirstOver) {
      session.announcedFirstOver = true;
      if (isCurrentPosition(session.board, drag.statusId, target)) return undefined;
    }
    if (kind === 'end' && isCurrentPosition(session.board, drag.statusId, target)) {
      return t('mapping.dnd.droppedInPlace', { name });
    }
    const place = where(session, drag.statusId, target);
    if (!place) return t(kind === 'end' ? 'mapping.dnd.droppedInList' : 'mapping.dnd.overList', { name });
    return t(kind === 'end' ? 'mapping.dnd.dropped' : 'mapping.dnd.over', { name, ...place });
  };

  return {
    onDragStart({ active }) {
      const session = getSession();
      const drag = readDragData(active.data.current);
      if (!session || !drag) return undefined;
      if (drag.type === 'container') {
        return t('mapping.dnd.stagePickedUp', { name: containerName(session, drag.containerId), ...containerPlace(session, drag.containerId) });
      }
      const name = statusName(drag.statusId);
      const place = where(session, drag.statusId, positionOf(session.board, drag.statusId));
      return place ? t('mapping.dnd.pickedUp', { name, ...place }) : t('mapping.dnd.pickedUpFromList', { name });
    },
    onDragOver({ active, over }) {
      return describe('over', active, over);
    },
    onDragMove({ active, over }) {
      const pointerStatusDrag = getSession()?.mode === 'pointer' && readDragData(active.data.current)?.type === 'status';
      return pointerStatusDrag ? describe('over', active, over) : undefined;
    },
    onDragEnd({ active, over }) {
      return describe('end', active, over);
    },
    onDragCancel({ active }) {
      const session = getSession();
      const drag = readDragData(active.data.current);
      if (!session || !drag) return undefined;
      if (drag.type === 'container') {
        return t('mapping.dnd.stageCancelled', { name: containerName(session, drag.containerId), ...containerPlace(session, drag.containerId) });
      }
      const name = statusName(drag.statusId);
      const place = where(session, drag.statusId, positionOf(session.board, drag.statusId));
      return place ? t('mapping.dnd.cancelled', { name, ...place }) : t('mapping.dnd.cancelledInList', { name });
    },
  };
}

export function boardInstructions(t: TFunction): ScreenReaderInstructions {
  return { draggable: t('mapping.dnd.instructions') };
}
