import type { DraggableAttributes, DraggableSyntheticListeners } from '@dnd-kit/core';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { DropdownMenu } from 'radix-ui';
import { memo, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import type { CrmStatus } from '@/contracts/crm-schema';
import type { Container, Marker } from '@/contracts/mapping-config';
import { buttonClass, iconButtonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { GripIcon, MoreIcon } from '@/components/ui/icons';
import { menuClass } from '@/components/ui/menu';

import type { DropIndicator } from '../dnd/drop-target';
import { containerDndId, type DragData } from '../dnd/ids';

import { useBoardActions } from './board-context';
import { boardMenuClass } from './board-menu';
import { ContainerName } from './container-name';
import { useDropIndicator } from './drop-target-store';
import { ADD_CONTAINER_SELECTOR, focusSoon } from './focus';
import { MarkerPicker } from './marker-picker';
import styles from './status-container.module.css';
import { StatusItem } from './status-item';

const s = moduleClasses(styles, ['stage', 'card', 'header', 'handle', 'empty', 'suggestion', 'statuses', 'preview', 'previewName', 'previewCount']);
/** The container's reorder grip: an icon button (28px, 44px on a touch screen) of its own, not the steps' drag handle. */
const HANDLE = iconButtonClass(s.handle);
const ICON_BUTTON = iconButtonClass();
const SMALL_BUTTON = buttonClass({ size: 'small' });
const DANGER_ITEM = cx(menuClass.item, menuClass.itemDanger);

export interface StatusContainerProps {
  container: Container;
  index: number;
  count: number;
  statusesById: ReadonlyMap<string, CrmStatus>;
  /** A suggested marker (won → Completed deal, lost → Refusal) the user can accept. */
  proposal: Marker | null;
  editing: boolean;
  hasUnmapped: boolean;
}

/**
 * A funnel stage: a `role="group"` named after the container, sortable by its handle
 * (pointer, touch or keyboard) and by "Move up/down", and a droppable for statuses as a whole
 * (so an empty container always takes a drop).
 */
export const StatusContainer = memo(function StatusContainer(props: StatusContainerProps) {
  const { t } = useTranslation();
  const { container } = props;
  const data: DragData = { type: 'container', containerId: container.id };
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, transform, transition, isDragging } = useSortable({
    id: containerDndId(container.id),
    data,
    attributes: { roleDescription: t('mapping.dnd.stageRoleDescription') },
  });
  const style = { transform: CSS.Translate.toString(transform), transition };
  // How this container shows the drop target (only the container under the drag has one).
  const drop = useDropIndicator(container.id);
  const dropKind = drop?.kind ?? null;
  const dropBefore = drop?.kind === 'before' ? drop.statusId : null;
  // This shell re-renders whenever dnd-kit's context changes (every change of the drag's target);
  // the card below only when its own props do.
  return (
    <li
      ref={setNodeRef}
      style={style}
      className={s.stage}
      data-dragging={isDragging || undefined}
      data-drop={dropKind ?? undefined}
      data-container-id={container.id}
    >
      <ContainerCard {...props} dropKind={dropKind} dropBefore={dropBefore} handleRef={setActivatorNodeRef} handleAttributes={attributes} handleListeners={listeners} />
    </li>
  );
});

interface ContainerCardProps extends StatusContainerProps {
  dropKind: DropIndicator['kind'] | null;
  dropBefore: string | null;
  handleRef: (element: HTMLElement | null) => void;
  handleAttributes: DraggableAttributes;
  handleListeners: DraggableSyntheticListeners;
}

const ContainerCard = memo(function ContainerCard(props: ContainerCardProps) {
  const { container, index, count, statusesById, dropKind, dropBefore, proposal, editing, hasUnmapped, handleRef, handleAttributes, handleListeners } = props;
  const { t } = useTranslation();
  const actions = useBoardActions();
  const empty = container.statusIds.length === 0;

  return (
    <div role="group" aria-label={container.name} className={s.card} data-marker={container.marker ?? undefined}>
      <div className={s.header}>
        <button
          ref={handleRef}
          type="button"
          className={HANDLE}
          data-container-handle
          {...handleAttributes}
          {...handleListeners}
          aria-label={t('mapping.container.handle', { name: container.name, position: index + 1, total: count })}
        >
          <GripIcon />
        </button>
        <ContainerName containerId={container.id} name={container.name} editing={editing} />
        <MarkerPicker containerId={container.id} containerName={container.name} marker={container.marker} />
        <ContainerMenu containerId={container.id} name={container.name} index={index} count={count} hasUnmapped={hasUnmapped} />
      </div>
      {proposal ? (
        <div className={s.suggestion} data-marker={proposal}>
          <span>{t('mapping.marker.suggested', { marker: t(`mapping.markers.${proposal}`) })}</span>
          <button
            type="button"
            className={SMALL_BUTTON}
            aria-label={t('mapping.marker.acceptLabel', { marker: t(`mapping.markers.${proposal}`), name: container.name })}
            onClick={() => actions.chooseMarker(container.id, proposal)}
          >
            {t('mapping.marker.accept')}
          </button>
        </div>
      ) : null}
      {empty ? (
        <p className={s.empty}>{t('mapping.container.empty')}</p>
      ) : (
        <ol className={s.statuses} data-drop-end={dropKind === 'end' || undefined}>
          {container.statusIds.map((statusId) => (
            <StatusItem
              key={statusId}
              statusId={statusId}
              status={statusesById.get(statusId)}
              containerId={container.id}
              dropBefore={dropBefore === statusId}
            />
          ))}
        </ol>
      )}
    </div>
  );
});

const ContainerMenu = memo(function ContainerMenu({ containerId, name, index, count, hasUnmapped }: { containerId: string; name: string; index: number; count: number; hasUnmapped: boolean }) {
  const { t } = useTranslation();
  const actions = useBoardActions();
  // Where focus goes when the menu closes: back to its button, into the name field, or (the container is gone) to "Add container".
  const focusAfter = useRef<'trigger' | 'name' | 'add'>('trigger');
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className={ICON_BUTTON} aria-label={t('mapping.container.actions', { name })} data-container-menu={containerId}>
        <MoreIcon />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className={boardMenuClass}
          align="end"
          sideOffset={4}
          collisionPadding={8}
          onCloseAutoFocus={(event) => {
            const next = focusAfter.current;
            focusAfter.current = 'trigger';
            if (next === 'trigger') return;
            event.preventDefault();
            if (next === 'add') focusSoon(ADD_CONTAINER_SELECTOR);
          }}
        >
          <DropdownMenu.Item
            className={menuClass.item}
            onSelect={() => {
              focusAfter.current = 'name';
              actions.startRenaming(containerId);
            }}
          >
            {t('mapping.container.renameItem')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className={menuClass.item} disabled={index === 0} onSelect={() => actions.moveContainerBy(containerId, -1)}>
            {t('mapping.container.moveUp')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className={menuClass.item} disabled={index === count - 1} onSelect={() => actions.moveContainerBy(containerId, 1)}>
            {t('mapping.container.moveDown')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className={menuClass.item} disabled={!hasUnmapped} onSelect={() => actions.putRemainingInto(containerId)}>
            {t('mapping.container.putRemainingHere')}
          </DropdownMenu.Item>
          <DropdownMenu.Separator className={menuClass.separator} />
          <DropdownMenu.Item
            className={DANGER_ITEM}
            onSelect={() => {
              focusAfter.current = 'add';
              actions.removeContainer(containerId);
            }}
          >
            {t('mapping.container.delete')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
});

/** The copy of a container that follows the pointer or the finger while it is reordered (inside <DragOverlay>). */
export function ContainerDragPreview({ name, statusCount }: { name: string; statusCount: number }) {
  const { t } = useTranslation();
  return (
    <div className={s.preview}>
      <span className={s.previewName} title={name}>
        {name}
      </span>
      <span className={s.previewCount}>{t('mapping.container.statusCount', { count: statusCount })}</span>
    </div>
  );
}
