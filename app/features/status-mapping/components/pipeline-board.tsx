import { DndContext, DragOverlay, useDroppable, type DragEndEvent, type DragMoveEvent, type DragOverEvent, type DragStartEvent } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { DropdownMenu } from 'radix-ui';
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';

import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PAGE_ONLY_AUTO_SCROLL } from '@/lib/drop-target-dnd';
import { useFocusAfterCommit } from '@/lib/focus';
import type { CrmPipeline, CrmStatus } from '@/contracts/crm-schema';
import type { Marker, PipelineMapping } from '@/contracts/mapping-config';
import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { feedbackClass } from '@/components/ui/feedback';
import { ChevronIcon, PlusIcon } from '@/components/ui/icons';
import { menuClass } from '@/components/ui/menu';

import { boardInstructions, createBoardAnnouncements } from '../dnd/announcements';
import { createBoardCollision } from '../dnd/collision';
import { containerDropTarget, isCurrentPosition, statusDropTarget } from '../dnd/drop-target';
import { BOARD_ID, containerDndId, readDragData, readDropData, type DragData } from '../dnd/ids';
import { createKeyboardCoordinates } from '../dnd/keyboard-coordinates';
import { useBoardSensors } from '../dnd/sensors';
import { DragSessionStore } from '../dnd/session';
import { unmappedStatuses } from '../model/board';
import { addContainer, canAddContainer, moveContainer, removeContainer, renameContainer } from '../model/containers';
import { proposeSystemMarkers, setMarker } from '../model/markers';
import { moveStatus } from '../model/move-status';
import { defaultContainerName, type NamingContext } from '../model/naming';
import { pipelineProgress } from '../model/progress';
import { oneContainerPerStatus, putRemainingInto } from '../model/quick-actions';

import { BoardActionsContext, BoardStateContext, useBoardActions, useBoardState, type BoardActions, type BoardState } from './board-context';
import { boardMenuClass } from './board-menu';
import { newContainerId } from './container-id';
import { DropTargetContext, DropTargetStore } from './drop-target-store';
import { containerHandle, ONE_PER_STATUS_SELECTOR, statusChipSelector } from './focus';
import styles from './pipeline-board.module.css';
import { ContainerDragPreview, StatusContainer } from './status-container';
import { StatusDragPreview } from './status-item';
import { UnmappedList } from './unmapped-list';

const s = moduleClasses(styles, ['board', 'stages', 'columnHeader', 'columnTitle', 'toolbar', 'flags', 'stageList', 'stagesEmpty']);
const SMALL_BUTTON = buttonClass({ size: 'small' });
const STAGES_EMPTY = cx(feedbackClass.emptyState, s.stagesEmpty);

export interface PipelineBoardProps {
  pipeline: CrmPipeline;
  /** This pipeline's mapping: the user's draft. */
  board: PipelineMapping;
  onChange: (next: PipelineMapping) => void;
  /** More actions at the end of the board's toolbar ("Apply this mapping to…"). */
  toolbarEnd?: ReactNode;
}

interface MarkerMove {
  containerId: string;
  marker: Marker;
  ownerName: string;
  targetName: string;
}

/**
 * One pipeline's board: its unmapped statuses on the left, its containers (funnel order) on
 * the right, with drag and drop, menus and quick actions.
 *
 * Statuses move on drop only: during a drag the board does not change (the target is shown
 * as a line), so nothing reflows under the pointer and there is nothing to flicker; cancel
 * (Escape) simply drops the target. Every change goes through the pure model and `onChange`.
 */
export function PipelineBoard({ pipeline, board, onChange, toolbarEnd }: PipelineBoardProps) {
  const { t, i18n } = useTranslation();
  const statuses = pipeline.statuses;
  const statusesById = useMemo(() => new Map(statuses.map((status) => [status.id, status])), [statuses]);
  const naming = useMemo<NamingContext>(
    () => ({
      crmStatuses: statuses,
      defaultNames: ['en', 'ru'].map((language) => i18n.getFixedT(language)('mapping.container.defaultName')),
    }),
    [statuses, i18n],
  );

  // Stable actions read the latest values through this ref (written after each render and on each change).
  const latest = useRef({ board, onChange, naming, statuses, t });
  useLayoutEffect(() => {
    latest.current = { board, onChange, naming, statuses, t };
  });

  const [editingId, setEditingId] = useState<string | null>(null);
  const [markerMove, setMarkerMove] = useState<MarkerMove | null>(null);
  /** The container whose marker button opened the move confirmation (focus returns there). */
  const markerReturn = useRef<string | null>(null);
  const [confirmReplace, setConfirmReplace] = useState(false);
  const [activeDrag, setActiveDrag] = useState<DragData | null>(null);
  // The drop target is no state of the board: only the containers it leaves and enters re-render.
  const [dropTargets] = useState(() => new DropTargetStore());
  const [sessions] = useState(() => new DragSessionStore());

  const commit = useCallback((next: PipelineMapping) => {
    if (next === latest.current.board) return;
    latest.current.board = next;
    latest.current.onChange(next);
  }, []);

  const actions = useMemo<BoardActions>(() => {
    const current = () => latest.current;
    const withNewContainer = (afterAdd: (added: PipelineMapping, id: string) => PipelineMapping) => {
      const { board: now, t: translate } = current();
      if (!canAddContainer(now)) return null;
      const id = newContainerId();
      const added = addContainer(now, defaultContainerName(now, translate('mapping.container.defaultName')), () => id);
      commit(afterAdd(added, id));
      return id;
    };
    return {
      moveStatus: (statusId, target) => commit(moveStatus(current().board, statusId, target, { naming: current().naming })),
      moveToNewContainer: (statusId) => {
        withNewContainer((added, id) => moveStatus(added, statusId, { containerId: id }, { naming: current().naming }));
      },
      addContainer: () => {
        const id = withNewContainer((added) => added);
        if (id) setEditingId(id);
      },
      renameContainer: (containerId, name) => commit(renameContainer(current().board, containerId, name)),
      removeContainer: (containerId) => commit(removeContainer(current().board, containerId)),
      moveContainerBy: (containerId, delta) => {
        const now = current().board;
        const index = now.containers.findIndex((container) => container.id === containerId);
        if (index !== -1) commit(moveContainer(now, index, index + delta));
      },
      chooseMarker: (containerId, marker) => {
        const now = current().board;
        const result = setMarker(now, containerId, marker);
        if (result.ok) {
          commit(result.board);
          return;
        }
        if (marker === null) return;
        const target = now.containers.find((container) => container.id === containerId);
        markerReturn.current = containerId;
        setMarkerMove({ containerId, marker, ownerName: result.owner.name, targetName: target?.name ?? '' });
      },
      putRemainingInto: (containerId) =>
        commit(putRemainingInto(current().board, current().statuses, containerId, { naming: current().naming })),
      startRenaming: setEditingId,
    };
  }, [commit]);

  const applyOnePerStatus = useCallback(() => {
    // Markers for the won and lost statuses are proposed for the user to accept, never set silently.
    const fresh = oneContainerPerStatus(latest.current.statuses, newContainerId);
    commit({ ...latest.current.board, containers: fresh.containers.map((container) => ({ ...container, marker: null })) });
  }, [commit]);
  // The dialogs' callbacks are stable, so that a drag (its target changes as the pointer moves) does not re-render them.
  const closeMarkerMove = useCallback((open: boolean) => {
    if (!open) setMarkerMove(null);
  }, []);
  const pendingMarkerMove = useRef(markerMove);
  useLayoutEffect(() => {
    pendingMarkerMove.current = markerMove;
  });
  const confirmMarkerMove = useCallback(() => {
    const pending = pendingMarkerMove.current;
    if (pending) {
      const result = setMarker(latest.current.board, pending.containerId, pending.marker, { move: true });
      if (result.ok) commit(result.board);
    }
    setMarkerMove(null);
  }, [commit]);
  const markerReturnFocus = useCallback(() => document.querySelector<HTMLElement>(`[data-marker-trigger="${markerReturn.current}"]`), []);
  const confirmOnePerStatus = useCallback(() => {
    applyOnePerStatus();
    setConfirmReplace(false);
  }, [applyOnePerStatus]);
  const onePerStatusReturnFocus = useCallback(() => document.querySelector<HTMLElement>(ONE_PER_STATUS_SELECTOR), []);

  // Drag and drop.
  const collisionDetection = useMemo(() => createBoardCollision(sessions.get), [sessions]);
  const coordinateGetter = useMemo(() => createKeyboardCoordinates(sessions.get), [sessions]);
  const sensors = useBoardSensors(coordinateGetter);
  const statusName = useCallback(
    (statusId: string) => statusesById.get(statusId)?.name ?? t('mapping.status.stale', { id: statusId }),
    [statusesById, t],
  );
  const accessibility = useMemo(
    () => ({
      announcements: createBoardAnnouncements(t, sessions.get, statusName),
      screenReaderInstructions: boardInstructions(t),
      // Focus after a keyboard drop is ours (below): dnd-kit's comes a frame late and takes
      // focus back from wherever the user has gone meanwhile.
      restoreFocus: false,
    }),
    [t, sessions, statusName],
  );
  // A keyboard drop moves the item to a new element (or moves its element): focus follows it
  // in the same commit, so the next key press already reaches it.
  const focusAfterCommit = useFocusAfterCommit();

  const onDragStart = ({ active, activatorEvent }: DragStartEvent) => {
    sessions.start(latest.current.board, activatorEvent instanceof KeyboardEvent ? 'keyboard' : 'pointer');
    setEditingId(null);
    const drag = readDragData(active.data.current);
    setActiveDrag(drag);
    dropTargets.start(latest.current.board, drag?.type === 'status' ? drag.statusId : null);
  };

  // By keyboard the target changes with `over`; by pointer `over` is the board throughout and the
  // target (the collision detection's, in the session) can change on any move.
  const onDragOverOrMove = ({ active, over }: DragOverEvent | DragMoveEvent) => {
    const drag = readDragData(active.data.current);
    const now = sessions.get();
    if (drag?.type !== 'status' || !now) return;
    dropTargets.set(statusDropTarget(now, drag.statusId, over ? readDropData(over.data.current) : null));
  };

  const onDragEnd = ({ active, over, activatorEvent }: DragEndEvent) => {
    const drag = readDragData(active.data.current);
    const now = sessions.get();
    setActiveDrag(null);
    dropTargets.clear();
    if (drag && activatorEvent instanceof KeyboardEvent) {
      focusAfterCommit(() =>
        drag.type === 'status' ? document.querySelector<HTMLElement>(statusChipSelector(drag.statusId)) : containerHandle(drag.containerId),
      );
    }
    const drop = over ? readDropData(over.data.current) : null;
    if (!drag || !now) return;
    if (drag.type === 'container') {
      const targetId = containerDropTarget(now, drop);
      if (targetId === null) return;
      const ids = latest.current.board.containers.map((container) => container.id);
      commit(moveContainer(latest.current.board, ids.indexOf(drag.containerId), ids.indexOf(targetId)));
      return;
    }
    const target = statusDropTarget(now, drag.statusId, drop);
    if (!target || isCurrentPosition(now.board, drag.statusId, target)) return;
    commit(moveStatus(latest.current.board, drag.statusId, target, { naming: latest.current.naming }));
  };

  const onDragCancel = () => {
    setActiveDrag(null);
    dropTargets.clear();
  };

  // What to render.
  const unmapped = useMemo(() => unmappedStatuses(board, statuses), [board, statuses]);
  const proposals = useMemo(() => new Map(proposeSystemMarkers(board, statuses).map((p) => [p.containerId, p.marker])), [board, statuses]);
  const progress = useMemo(() => pipelineProgress(board, statuses), [board, statuses]);
  const state = useMemo<BoardState>(() => ({ board, statusesById, unmappedCount: unmapped.length }), [board, statusesById, unmapped.length]);
  // The sortable's items change only when containers are added, removed or reordered (not on every status move).
  const containerKey = board.containers.map((container) => container.id).join('\n');
  const sortableIds = useMemo(() => (containerKey === '' ? [] : containerKey.split('\n').map(containerDndId)), [containerKey]);

  const count = board.containers.length;

  return (
    <BoardActionsContext.Provider value={actions}>
      <BoardStateContext.Provider value={state}>
        <DropTargetContext.Provider value={dropTargets}>
        <DndContext
          sensors={sensors}
          collisionDetection={collisionDetection}
          accessibility={accessibility}
          autoScroll={PAGE_ONLY_AUTO_SCROLL}
          onDragStart={onDragStart}
          onDragOver={onDragOverOrMove}
          onDragMove={onDragOverOrMove}
          onDragEnd={onDragEnd}
          onDragCancel={onDragCancel}
        >
          <BoardDropArea dragging={activeDrag ? activeDrag.type : undefined}>
            <UnmappedList statuses={unmapped} total={statuses.length} />
            <section className={s.stages} aria-label={t('mapping.containers.title')}>
              <div className={s.columnHeader}>
                <h3 className={s.columnTitle}>{t('mapping.containers.title')}</h3>
                <BoardFlags emptyContainers={progress.emptyContainers} missingMarkers={progress.missingMarkers} />
              </div>
              <div className={s.toolbar}>
                <button type="button" className={SMALL_BUTTON} data-add-container="" onClick={() => actions.addContainer()} disabled={!canAddContainer(board)}>
                  <PlusIcon />
                  {t('mapping.containers.add')}
                </button>
                <button
                  type="button"
                  className={SMALL_BUTTON}
                  data-one-per-status=""
                  onClick={() => (board.containers.length > 0 ? setConfirmReplace(true) : applyOnePerStatus())}
                >
                  {t('mapping.quick.onePerStatus')}
                </button>
                <PutRemainingMenu disabled={unmapped.length === 0 || count === 0} />
                {toolbarEnd}
              </div>
              {count === 0 ? (
                <div className={STAGES_EMPTY}>
                  <p>{t('mapping.containers.empty')}</p>
                </div>
              ) : (
                <SortableContext items={sortableIds} strategy={verticalListSortingStrategy}>
                  <ol className={s.stageList}>
                    {board.containers.map((container, index) => (
                      <StatusContainer
                        key={container.id}
                        container={container}
                        index={index}
                        count={count}
                        statusesById={statusesById}
                        proposal={proposals.get(container.id) ?? null}
                        editing={editingId === container.id}
                        hasUnmapped={unmapped.length > 0}
                      />
                    ))}
                  </ol>
                </SortableContext>
              )}
            </section>
          </BoardDropArea>
          {createPortal(
            <DragOverlay dropAnimation={null}>
              {activeDrag ? <OverlayContent drag={activeDrag} board={board} statusesById={statusesById} /> : null}
            </DragOverlay>,
            document.body,
          )}
        </DndContext>
        <StableConfirmDialog
          open={markerMove !== null}
          onOpenChange={closeMarkerMove}
          title={t('mapping.marker.moveTitle', { marker: markerMove ? t(`mapping.markers.${markerMove.marker}`) : '' })}
          description={
            markerMove
              ? t('mapping.marker.moveDescription', {
                  marker: t(`mapping.markers.${markerMove.marker}`),
                  from: markerMove.ownerName,
                  to: markerMove.targetName,
                })
              : ''
          }
          confirmLabel={t('mapping.marker.moveConfirm')}
          cancelLabel={t('mapping.cancel')}
          onConfirm={confirmMarkerMove}
          // Opened from the marker menu: focus goes back to the marker button it came from.
          returnFocus={markerReturnFocus}
        />
        <StableConfirmDialog
          open={confirmReplace}
          onOpenChange={setConfirmReplace}
          title={t('mapping.quick.replaceTitle')}
          description={t('mapping.quick.replaceDescription', { count: board.containers.length })}
          confirmLabel={t('mapping.quick.replaceConfirm')}
          cancelLabel={t('mapping.cancel')}
          tone="danger"
          onConfirm={confirmOnePerStatus}
          returnFocus={onePerStatusReturnFocus}
        />
        </DropTargetContext.Provider>
      </BoardStateContext.Provider>
    </BoardActionsContext.Provider>
  );
}

/** The board, and the droppable every pointer drag of a status is over (BOARD_ID; the position is in the drag session). */
function BoardDropArea({ dragging, children }: { dragging: DragData['type'] | undefined; children: ReactNode }) {
  const { setNodeRef } = useDroppable({ id: BOARD_ID, data: { type: 'board' } });
  return (
    <div ref={setNodeRef} className={s.board} data-dragging={dragging}>
      {children}
    </div>
  );
}

const StableConfirmDialog = memo(ConfirmDialog);

const BoardFlags = memo(function BoardFlags({ emptyContainers, missingMarkers }: { emptyContainers: number; missingMarkers: Marker[] }) {
  const { t } = useTranslation();
  if (emptyContainers === 0 && missingMarkers.length === 0) return null;
  return (
    <ul className={s.flags}>
      {missingMarkers.map((marker) => (
        <li key={marker}>{t('mapping.flags.missingMarker', { marker: t(`mapping.markers.${marker}`) })}</li>
      ))}
      {emptyContainers > 0 ? <li>{t('mapping.flags.emptyContainers', { count: emptyContainers })}</li> : null}
    </ul>
  );
});

/** "Put the remaining statuses into…": every unmapped status, in CRM order, into the chosen container. */
const PutRemainingMenu = memo(function PutRemainingMenu({ disabled }: { disabled: boolean }) {
  const { t } = useTranslation();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className={SMALL_BUTTON} disabled={disabled}>
        {t('mapping.quick.putRemaining')}
        <ChevronIcon />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className={boardMenuClass} align="start" sideOffset={4} collisionPadding={8}>
          <PutRemainingItems />
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
});

function PutRemainingItems() {
  const { t } = useTranslation();
  const state = useBoardState();
  const actions = useBoardActions();
  return (
    <>
      <DropdownMenu.Label className={menuClass.label}>{t('mapping.quick.putRemainingTitle', { count: state.unmappedCount })}</DropdownMenu.Label>
      {state.board.containers.map((container) => (
        <DropdownMenu.Item key={container.id} className={menuClass.item} title={container.name} onSelect={() => actions.putRemainingInto(container.id)}>
          <span className={menuClass.itemText}>{container.name}</span>
        </DropdownMenu.Item>
      ))}
    </>
  );
}

function OverlayContent({ drag, board, statusesById }: { drag: DragData; board: PipelineMapping; statusesById: ReadonlyMap<string, CrmStatus> }) {
  const { t } = useTranslation();
  if (drag.type === 'status') {
    const status = statusesById.get(drag.statusId);
    return <StatusDragPreview status={status} name={status?.name ?? t('mapping.status.stale', { id: drag.statusId })} />;
  }
  const container = board.containers.find((candidate) => candidate.id === drag.containerId);
  if (!container) return null;
  return <ContainerDragPreview name={container.name} statusCount={container.statusIds.length} />;
}
