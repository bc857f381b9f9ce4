import type { DraggableAttributes, DraggableSyntheticListeners } from '@dnd-kit/core';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { DropdownMenu } from 'radix-ui';
import { memo, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import type { CrmStatus } from '@/contracts/crm-schema';
import type { Container, Marker } from '@/contracts/mapping-config';

import { containerDndId, type DragData } from '../dnd/ids';
import type { DropIndicator } from '../dnd/drop-target';

import { useBoardActions } from './board-context';
import { ContainerName } from './container-name';
import { ADD_CONTAINER_SELECTOR, focusSoon } from './focus';
import { GripIcon, MoreIcon } from '@/components/ui/icons';
import { MarkerPicker } from './marker-picker';
import { StatusItem } from './status-item';

export interface StatusContainerProps {
  container: Container;
  index: number;
  count: number;
  statusesById: ReadonlyMap<number, CrmStatus>;
  /** How this container shows the current drop target (only the container under the drag gets one). */
  dropKind: DropIndicator['kind'] | null;
  dropBefore: number | null;
  /** A suggested marker (142 → Completed deal, 143 → Refusal) the user can accept. */
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
  // This shell re-renders whenever dnd-kit's context changes (every change of the drag's target);
  // the card below only when its own props do.
  return (
    <li
      ref={setNodeRef}
      style={style}
      className="stage"
      data-dragging={isDragging || undefined}
      data-drop={props.dropKind ?? undefined}
      data-container-id={container.id}
    >
      <ContainerCard {...props} handleRef={setActivatorNodeRef} handleAttributes={attributes} handleListeners={listeners} />
    </li>
  );
});

interface ContainerCardProps extends StatusContainerProps {
  handleRef: (element: HTMLElement | null) => void;
  handleAttributes: DraggableAttributes;
  handleListeners: DraggableSyntheticListeners;
}

const ContainerCard = memo(function ContainerCard(props: ContainerCardProps) {
  const { container, index, count, statusesById, dropKind, dropBefore, proposal, editing, hasUnmapped } = props;
  const { t } = useTranslation();
  const actions = useBoardActions();
  const empty = container.statusIds.length === 0;

  return (
    <div role="group" aria-label={container.name} className="stage-card" data-marker={container.marker ?? undefined}>
      <div className="stage-header">
        <button
          ref={props.handleRef}
          type="button"
          className="drag-handle"
          {...props.handleAttributes}
          {...props.handleListeners}
          aria-label={t('mapping.container.handle', { name: container.name, position: index + 1, total: count })}
        >
          <GripIcon />
        </button>
        <ContainerName containerId={container.id} name={container.name} editing={editing} />
        <MarkerPicker containerId={container.id} containerName={container.name} marker={container.marker} />
        <ContainerMenu containerId={container.id} name={container.name} index={index} count={count} hasUnmapped={hasUnmapped} />
      </div>
      {proposal ? (
        <div className="stage-suggestion" data-marker={proposal}>
          <span>{t('mapping.marker.suggested', { marker: t(`mapping.markers.${proposal}`) })}</span>
          <button
            type="button"
            className="button button--small"
            aria-label={t('mapping.marker.acceptLabel', { marker: t(`mapping.markers.${proposal}`), name: container.name })}
            onClick={() => actions.chooseMarker(container.id, proposal)}
          >
            {t('mapping.marker.accept')}
          </button>
        </div>
      ) : null}
      {empty ? (
        <p className="stage-empty">{t('mapping.container.empty')}</p>
      ) : (
        <ol className="stage-statuses" data-drop-end={dropKind === 'end' || undefined}>
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
      <DropdownMenu.Trigger className="icon-button" aria-label={t('mapping.container.actions', { name })} data-container-menu={containerId}>
        <MoreIcon />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className="menu board-menu"
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
            className="menu-item"
            onSelect={() => {
              focusAfter.current = 'name';
              actions.startRenaming(containerId);
            }}
          >
            {t('mapping.container.renameItem')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu-item" disabled={index === 0} onSelect={() => actions.moveContainerBy(containerId, -1)}>
            {t('mapping.container.moveUp')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu-item" disabled={index === count - 1} onSelect={() => actions.moveContainerBy(containerId, 1)}>
            {t('mapping.container.moveDown')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu-item" disabled={!hasUnmapped} onSelect={() => actions.putRemainingInto(containerId)}>
            {t('mapping.container.putRemainingHere')}
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Item className="menu-item menu-item--danger" onSelect={() => {
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
