import { DndContext, DragOverlay, useDroppable, type DragEndEvent, type DragOverEvent, type DragStartEvent } from '@dnd-kit/core';
import { memo, useCallback, useDeferredValue, useId, useLayoutEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { feedbackClass } from '@/components/ui/feedback';
import { formClass } from '@/components/ui/form';
import { stepLayout } from '@/components/wizard/step-layout';
import type { CrmCustomField } from '@/contracts/crm-schema';
import { PAGE_ONLY_AUTO_SCROLL } from '@/lib/drop-target-dnd';
import { useFocusAfterCommit } from '@/lib/focus';
import { useLongList } from '@/lib/long-list';

import {
  createFieldAnnouncements,
  createZoneCollision,
  createZoneCoordinates,
  FieldDragSession,
  isZone,
  LIST_ZONE,
  OTHER_ZONE,
  readFieldData,
  useFieldSensors,
  type FieldDragData,
  type Zone,
} from '../dnd/fields-dnd';
import { addField, addFields, matchesQuery, removeField, selectableFields, trackingFieldCount } from '../model/fields';

import styles from './custom-fields.module.css';
import { FieldItem, FieldLabel } from './field-item';

const s = moduleClasses(styles, [
  'section',
  'search',
  'searchInput',
  'board',
  'zone',
  'zoneHeader',
  'zoneTitle',
  'zoneCount',
  'zoneActions',
  'zoneNote',
  'list',
  'chip',
  'empty',
  'emptyAll',
]);
const SEARCH_INPUT = cx(formClass.input, s.searchInput);
const OVERLAY_CHIP = cx(stepLayout.dragChip, stepLayout.dragChipOverlay, s.chip);
const EMPTY_ALL = cx(s.empty, s.emptyAll);
const ZONE_BUTTON = buttonClass({ size: 'small' });
const ZONE_BUTTON_GHOST = buttonClass({ variant: 'ghost', size: 'small' });

export interface CustomFieldsProps {
  /** Every custom field of the CRM account (tracking ones are filtered out here). */
  fields: CrmCustomField[];
  /** The "Other fields" container: field ids to load; empty = all. */
  selected: readonly string[];
  onChange: (next: readonly string[]) => void;
}

/**
 * The Custom fields section: the account's fields (searchable; tracking/UTM fields are
 * always transferred, so not offered) and the fixed "Other fields" container, which cannot
 * be added, renamed or deleted. Fields move by drag, by keyboard drag, or by Add / Remove.
 */
export function CustomFields({ fields, selected, onChange }: CustomFieldsProps) {
  const { t } = useTranslation();
  const selectable = useMemo(() => selectableFields(fields), [fields]);
  const byId = useMemo(() => new Map(selectable.map((field) => [field.id, field])), [selectable]);
  const tracking = useMemo(() => trackingFieldCount(fields), [fields]);
  const [query, setQuery] = useState('');
  const search = useDeferredValue(query);
  const searchId = useId();

  const latest = useRef({ selected, onChange });
  useLayoutEffect(() => {
    latest.current = { selected, onChange };
  });
  const commit = useCallback((next: readonly string[]) => {
    if (next === latest.current.selected) return;
    latest.current.selected = next;
    latest.current.onChange(next);
  }, []);
  const onAdd = useCallback((fieldId: string) => commit(addField(latest.current.selected, fieldId)), [commit]);
  const onRemove = useCallback((fieldId: string) => commit(removeField(latest.current.selected, fieldId)), [commit]);

  const chosen = useMemo(() => new Set(selected), [selected]);
  const available = useMemo(
    () => selectable.filter((field) => !chosen.has(field.id) && matchesQuery(field, search)),
    [selectable, chosen, search],
  );
  const availableIds = useMemo(() => available.map((field) => field.id), [available]);
  const chosenShown = useMemo(
    () =>
      selected.filter((id) => {
        const field = byId.get(id);
        return field ? matchesQuery(field, search) : true;
      }),
    [selected, byId, search],
  );

  // Drag and drop: moves apply on drop; the zone under the drag is highlighted meanwhile.
  const [active, setActive] = useState<FieldDragData | null>(null);
  const [overZone, setOverZone] = useState<Zone | null>(null);
  const [session] = useState(() => new FieldDragSession());
  const collisionDetection = useMemo(() => createZoneCollision(session), [session]);
  const coordinateGetter = useMemo(() => createZoneCoordinates(session), [session]);
  const sensors = useFieldSensors(coordinateGetter);
  const fieldName = useCallback((fieldId: string) => byId.get(fieldId)?.name ?? t('mapping.fields.stale', { id: fieldId }), [byId, t]);
  const accessibility = useMemo(
    () => ({
      announcements: createFieldAnnouncements(t, fieldName),
      screenReaderInstructions: { draggable: t('mapping.fields.dnd.instructions') },
      // Focus after a keyboard drop is ours (below): dnd-kit's comes a frame late and takes
      // focus back from wherever the user has gone meanwhile.
      restoreFocus: false,
    }),
    [t, fieldName],
  );
  // A dropped field is a new element in the other zone: focus follows it in the same commit
  // (or, in a long list where it is not rendered yet, once the list has scrolled to it).
  const focusAfterCommit = useFocusAfterCommit();
  const listFocus = useRef<Record<Zone, FocusField | null>>({ [LIST_ZONE]: null, [OTHER_ZONE]: null });

  const onDragStart = ({ active: dragged, activatorEvent }: DragStartEvent) => {
    const data = readFieldData(dragged.data.current);
    session.start(activatorEvent instanceof KeyboardEvent, data?.zone ?? null);
    setActive(data);
    setOverZone(null);
  };
  const onDragOver = ({ over }: DragOverEvent) => setOverZone(isZone(over?.id) ? over.id : null);
  const onDragEnd = ({ active: dragged, over, activatorEvent }: DragEndEvent) => {
    const data = readFieldData(dragged.data.current);
    setActive(null);
    setOverZone(null);
    if (data && activatorEvent instanceof KeyboardEvent) {
      // The chip is the one element marked with its field's id (a CSS Modules class name is no selector).
      focusAfterCommit(() => {
        const chip = document.querySelector<HTMLElement>(`[data-field-id="${CSS.escape(data.fieldId)}"]`);
        if (!chip) for (const focusField of Object.values(listFocus.current)) focusField?.(data.fieldId);
        return chip;
      });
    }
    if (!data || !isZone(over?.id) || over.id === data.zone) return;
    if (over.id === OTHER_ZONE) onAdd(data.fieldId);
    else onRemove(data.fieldId);
  };
  const onDragCancel = () => {
    setActive(null);
    setOverZone(null);
  };

  const highlight = (zone: Zone) => active !== null && overZone === zone && active.zone !== zone;

  return (
    <div className={s.section}>
      {tracking > 0 ? (
        <p className={feedbackClass.notice}>{t('mapping.fields.trackingNote', { count: tracking })}</p>
      ) : null}
      <div className={s.search}>
        <label htmlFor={searchId}>{t('mapping.fields.search')}</label>
        <input
          id={searchId}
          type="search"
          className={SEARCH_INPUT}
          value={query}
          placeholder={t('mapping.fields.searchPlaceholder')}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <DndContext
        sensors={sensors}
        collisionDetection={collisionDetection}
        accessibility={accessibility}
        autoScroll={PAGE_ONLY_AUTO_SCROLL}
        onDragStart={onDragStart}
        onDragOver={onDragOver}
        onDragEnd={onDragEnd}
        onDragCancel={onDragCancel}
      >
        <div className={s.board}>
          <FieldZone
            zone={LIST_ZONE}
            label={t('mapping.fields.listTitle')}
            count={t('mapping.fields.listCount', { count: selectable.length - selected.filter((id) => byId.has(id)).length })}
            highlighted={highlight(LIST_ZONE)}
            actions={
              available.length > 0 ? (
                <button type="button" className={ZONE_BUTTON} onClick={() => commit(addFields(latest.current.selected, available.map((field) => field.id)))}>
                  {t(search.trim() ? 'mapping.fields.addShown' : 'mapping.fields.addAll', { count: available.length })}
                </button>
              ) : null
            }
          >
            {available.length > 0 ? (
              <FieldList
                ids={availableIds}
                byId={byId}
                zone={LIST_ZONE}
                label={t('mapping.fields.listTitle')}
                dragging={active !== null}
                focusRef={listFocus}
                onAdd={onAdd}
                onRemove={onRemove}
              />
            ) : (
              <p className={s.empty}>{search.trim() ? t('mapping.fields.noMatch', { query: search.trim() }) : t('mapping.fields.allChosen')}</p>
            )}
          </FieldZone>
          <FieldZone
            zone={OTHER_ZONE}
            label={t('mapping.fields.otherTitle')}
            count={t('mapping.fields.otherCount', { count: selected.length })}
            highlighted={highlight(OTHER_ZONE)}
            fixedNote={t('mapping.fields.otherFixed')}
            actions={
              selected.length > 0 ? (
                <button type="button" className={ZONE_BUTTON_GHOST} onClick={() => commit([])}>
                  {t('mapping.fields.clear')}
                </button>
              ) : null
            }
          >
            {selected.length === 0 ? (
              <p className={EMPTY_ALL} data-drop={highlight(OTHER_ZONE) || undefined}>
                {t('mapping.fields.otherEmpty', { count: selectable.length })}
              </p>
            ) : chosenShown.length > 0 ? (
              <FieldList
                ids={chosenShown}
                byId={byId}
                zone={OTHER_ZONE}
                label={t('mapping.fields.otherTitle')}
                dragging={active !== null}
                focusRef={listFocus}
                onAdd={onAdd}
                onRemove={onRemove}
              />
            ) : (
              <p className={s.empty}>{t('mapping.fields.noMatch', { query: search.trim() })}</p>
            )}
          </FieldZone>
        </div>
        {createPortal(
          <DragOverlay dropAnimation={null}>
            {active ? (
              <div className={OVERLAY_CHIP}>
                <FieldLabel field={byId.get(active.fieldId)} name={fieldName(active.fieldId)} />
              </div>
            ) : null}
          </DragOverlay>,
          document.body,
        )}
      </DndContext>
    </div>
  );
}

function FieldZone({
  zone,
  label,
  count,
  highlighted,
  fixedNote,
  actions,
  children,
}: {
  zone: Zone;
  label: string;
  count: string;
  highlighted: boolean;
  fixedNote?: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const { setNodeRef } = useDroppable({ id: zone, data: { type: 'zone' } });
  return (
    <div ref={setNodeRef} role="group" aria-label={label} className={s.zone} data-zone={zone} data-drop={highlighted || undefined}>
      <div className={s.zoneHeader}>
        <h3 className={s.zoneTitle}>{label}</h3>
        <span className={s.zoneCount}>{count}</span>
        {actions ? <div className={s.zoneActions}>{actions}</div> : null}
      </div>
      {fixedNote ? <p className={s.zoneNote}>{fixedNote}</p> : null}
      {children}
    </div>
  );
}

/** Puts the keyboard on a field of a list (scrolling a long list to it first); false when the list has no such field. */
type FocusField = (fieldId: string) => boolean;

/** Row height before measuring (a chip of one line) and the list's CSS gap. */
const FIELD_ROW_ESTIMATE = 38;
const FIELD_ROW_GAP = 6;
const FIELD_PARTS = ['chip', 'action'] as const;

/**
 * A zone's fields: one tab stop (Up/Down between fields, Left/Right between a field and its Add /
 * Remove button, Home/End, PageUp/PageDown), and only the rows near the list's view rendered
 * when it is long (app/lib/long-list.ts). The drop target is the zone as a whole, so rows that
 * are not rendered lose nothing.
 */
const FieldList = memo(function FieldList({
  ids,
  byId,
  zone,
  label,
  dragging,
  focusRef,
  onAdd,
  onRemove,
}: {
  ids: string[];
  byId: ReadonlyMap<string, CrmCustomField>;
  zone: Zone;
  label: string;
  dragging: boolean;
  focusRef: RefObject<Record<Zone, FocusField | null>>;
  onAdd: (fieldId: string) => void;
  onRemove: (fieldId: string) => void;
}) {
  const list = useLongList({ keys: ids, estimateSize: FIELD_ROW_ESTIMATE, gap: FIELD_ROW_GAP, parts: FIELD_PARTS, paused: dragging });
  const { focusRow, scrollRef } = list;
  useLayoutEffect(() => {
    const registry = focusRef.current;
    registry[zone] = (fieldId) => {
      if (!ids.includes(fieldId)) return false;
      focusRow(fieldId, 'chip');
      return true;
    };
    return () => {
      registry[zone] = null;
    };
  }, [focusRef, zone, ids, focusRow]);
  return (
    <ul ref={(element) => void (scrollRef.current = element)} className={s.list} aria-label={label} {...list.listProps}>
      {list.spacers.before > 0 ? <li aria-hidden="true" role="presentation" style={{ height: list.spacers.before }} /> : null}
      {list.rows.map(({ index, key }) => (
        <FieldItem
          key={key}
          fieldId={key}
          field={byId.get(key)}
          zone={zone}
          index={index}
          setSize={list.total}
          chipTabIndex={list.tabIndexFor(key, 'chip')}
          actionTabIndex={list.tabIndexFor(key, 'action')}
          onAdd={onAdd}
          onRemove={onRemove}
        />
      ))}
      {list.spacers.after > 0 ? <li aria-hidden="true" role="presentation" style={{ height: list.spacers.after }} /> : null}
    </ul>
  );
});
