import { useDraggable, useDroppable } from '@dnd-kit/core';
import { DropdownMenu } from 'radix-ui';
import { memo, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import type { CrmStatus } from '@/contracts/crm-schema';
import { NO_DND_ATTRIBUTE } from '@/lib/drop-target-dnd';
import { iconButtonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { ArrowIcon, MoreIcon, PlusIcon } from '@/components/ui/icons';
import { menuClass } from '@/components/ui/menu';
import { stepLayout } from '@/components/wizard/step-layout';

import type { MoveTarget } from '../model/move-status';
import { statusDndId, type DragData, type DropData } from '../dnd/ids';

import { useBoardActions, useBoardState } from './board-context';
import { boardMenuClass } from './board-menu';
import { focusSoon, statusChipSelector } from './focus';
import styles from './status-item.module.css';

const s = moduleClasses(styles, ['item', 'chip', 'swatch', 'name']);
const CHIP = cx(stepLayout.dragChip, s.chip);
const PREVIEW = cx(stepLayout.dragChip, stepLayout.dragChipOverlay, s.chip);

/** A status's visible name: the CRM's, or a note that the CRM no longer has it. */
export function useStatusName(status: CrmStatus | undefined, statusId: string): string {
  const { t } = useTranslation();
  return status ? status.name : t('mapping.status.stale', { id: statusId });
}

/** The CRM colour swatch (a decoration: the name is the label) and the name. */
export const StatusLabel = memo(function StatusLabel({ status, name }: { status: CrmStatus | undefined; name: string }) {
  return (
    <>
      <span className={s.swatch} style={{ backgroundColor: status?.color ?? 'transparent' }} aria-hidden="true" />
      <span className={s.name}>{name}</span>
    </>
  );
});

/** The copy of a status's chip that follows the pointer or the finger (inside <DragOverlay>). */
export function StatusDragPreview({ status, name }: { status: CrmStatus | undefined; name: string }) {
  return (
    <div className={PREVIEW} title={name}>
      <StatusLabel status={status} name={name} />
    </div>
  );
}

export interface StatusItemProps {
  statusId: string;
  status: CrmStatus | undefined;
  /** The container holding it, or null in the unmapped list. */
  containerId: string | null;
  /** The drop line is drawn just above this item. */
  dropBefore: boolean;
}

/**
 * One status, draggable by its label (a `role="button"` inside the `<li>`, never the `<li>`
 * itself) with a "Move to…" menu beside it as the non-drag alternative. Inside a container
 * the row is also a droppable: the position just before it.
 */
export const StatusItem = memo(function StatusItem({ statusId, status, containerId, dropBefore }: StatusItemProps) {
  const { t } = useTranslation();
  const name = useStatusName(status, statusId);
  const id = statusDndId(statusId);
  const dragData: DragData = { type: 'status', statusId, containerId };
  const { setNodeRef, attributes, listeners, isDragging } = useDraggable({
    id,
    data: dragData,
    attributes: { roleDescription: t('mapping.dnd.roleDescription') },
  });
  const dropData: DropData | undefined = containerId === null ? undefined : { type: 'status', statusId, containerId };
  const { setNodeRef: setDropRef } = useDroppable({ id, data: dropData, disabled: containerId === null });

  return (
    <li
      ref={setDropRef}
      className={s.item}
      data-drop-before={dropBefore || undefined}
      data-dragging={isDragging || undefined}
      data-stale={status ? undefined : true}
    >
      <div
        ref={setNodeRef}
        className={CHIP}
        // A long name is cut to two lines: the whole name is its tooltip (and, as its text, its accessible name).
        title={name}
        data-status-chip=""
        data-status-id={statusId}
        {...attributes}
        {...listeners}
      >
        <StatusLabel status={status} name={name} />
      </div>
      <MoveToMenu statusId={statusId} name={name} containerId={containerId} stale={status === undefined} />
    </li>
  );
});

/** The "Move to…" menu of a status: every container, a new one, or back to the list. */
const MoveToMenu = memo(function MoveToMenu({ statusId, name, containerId, stale }: { statusId: string; name: string; containerId: string | null; stale: boolean }) {
  const { t } = useTranslation();
  const moved = useRef(false);
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className={iconButtonClass()} aria-label={t('mapping.status.moveTo', { name })} {...{ [NO_DND_ATTRIBUTE]: '' }}>
        <MoreIcon />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className={boardMenuClass}
          align="end"
          sideOffset={4}
          collisionPadding={8}
          onCloseAutoFocus={(event) => {
            if (!moved.current) return;
            // The status now lives elsewhere (a new element): follow it.
            moved.current = false;
            event.preventDefault();
            focusSoon(statusChipSelector(statusId));
          }}
        >
          <MoveToItems statusId={statusId} containerId={containerId} stale={stale} onMoved={() => (moved.current = true)} />
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
});

function MoveToItems({ statusId, containerId, stale, onMoved }: { statusId: string; containerId: string | null; stale: boolean; onMoved: () => void }) {
  const { t } = useTranslation();
  const { board } = useBoardState();
  const actions = useBoardActions();
  const move = (target: MoveTarget) => {
    onMoved();
    actions.moveStatus(statusId, target);
  };
  if (stale) {
    // The CRM no longer has it: the only sensible move is out of the mapping.
    return (
      <DropdownMenu.Item className={menuClass.item} onSelect={() => actions.moveStatus(statusId, { containerId: null })}>
        <span className={menuClass.itemText}>{t('mapping.status.removeStale')}</span>
      </DropdownMenu.Item>
    );
  }
  return (
    <>
      <DropdownMenu.Label className={menuClass.label}>{t('mapping.status.moveToTitle')}</DropdownMenu.Label>
      {board.containers.map((container) => (
        <DropdownMenu.Item
          key={container.id}
          className={menuClass.item}
          title={container.name}
          disabled={container.id === containerId}
          onSelect={() => move({ containerId: container.id })}
        >
          <ArrowIcon />
          <span className={menuClass.itemText}>{container.name}</span>
          {container.id === containerId ? <span className={menuClass.itemHint}>{t('mapping.status.here')}</span> : null}
        </DropdownMenu.Item>
      ))}
      <DropdownMenu.Item
        className={menuClass.item}
        onSelect={() => {
          onMoved();
          actions.moveToNewContainer(statusId);
        }}
      >
        <PlusIcon />
        <span className={menuClass.itemText}>{t('mapping.status.toNewContainer')}</span>
      </DropdownMenu.Item>
      {containerId !== null ? (
        <>
          <DropdownMenu.Separator className={menuClass.separator} />
          <DropdownMenu.Item className={menuClass.item} onSelect={() => move({ containerId: null })}>
            <span className={menuClass.itemText}>{t('mapping.status.backToList')}</span>
          </DropdownMenu.Item>
        </>
      ) : null}
    </>
  );
}
