import { useDraggable } from '@dnd-kit/core';
import { memo, useDeferredValue, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { formClass } from '@/components/ui/form';
import { GripIcon } from '@/components/ui/icons';
import { visuallyHidden } from '@/components/ui/visually-hidden';
import { stepLayout } from '@/components/wizard/step-layout';
import type { FilterParameter } from '@/contracts/crm-schema';

import { groupParameters } from '../model/filter-form';

import styles from './parameter-list.module.css';

const s = moduleClasses(styles, ['panel', 'search', 'groups', 'group', 'groupTitle', 'list', 'item', 'handle', 'name', 'used', 'add', 'empty']);
const PANEL = cx(stepLayout.panel, stepLayout.panelSource, s.panel);
const ITEM = cx(stepLayout.dragSource, s.item);
const HANDLE = cx(stepLayout.dragHandle, s.handle);

export const parameterDragId = (key: string) => `parameter:${key}`;

export interface ParameterListProps {
  parameters: readonly FilterParameter[];
  /** How many conditions use each parameter key. */
  usage: ReadonlyMap<string, number>;
  onAdd: (parameter: FilterParameter) => void;
  /** The condition limit is reached. */
  full: boolean;
}

/** The searchable, grouped list of parameters; each can be dragged, double-clicked or added with its button. */
export function ParameterList({ parameters, usage, onAdd, full }: ParameterListProps) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const groups = groupParameters(parameters, deferredQuery);
  const searchId = useId();
  return (
    <section className={PANEL} aria-labelledby={`${searchId}-title`}>
      <h3 id={`${searchId}-title`} className={stepLayout.panelTitle}>
        {t('filters.parameters')}
      </h3>
      <label className={visuallyHidden} htmlFor={searchId}>
        {t('filters.search')}
      </label>
      <input
        id={searchId}
        className={cx(formClass.input, s.search)}
        type="search"
        placeholder={t('filters.searchPlaceholder')}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        autoComplete="off"
      />
      {parameters.length === 0 ? <p className={s.empty}>{t('filters.noParameters')}</p> : null}
      {parameters.length > 0 && groups.length === 0 ? (
        <p className={s.empty} role="status">
          {t('filters.noMatches', { query: deferredQuery })}
        </p>
      ) : null}
      <div className={s.groups}>
        {groups.map(({ group, parameters: items }) => (
          <div key={group} className={s.group}>
            <h4 id={`${searchId}-${group}`} className={s.groupTitle}>
              {t(`filters.groups.${group}`)}
            </h4>
            <ul className={s.list} aria-labelledby={`${searchId}-${group}`}>
              {items.map((parameter) => (
                <ParameterItem
                  key={parameter.key}
                  parameter={parameter}
                  used={usage.get(parameter.key) ?? 0}
                  onAdd={onAdd}
                  full={full}
                />
              ))}
            </ul>
          </div>
        ))}
      </div>
    </section>
  );
}

interface ParameterItemProps {
  parameter: FilterParameter;
  used: number;
  onAdd: (parameter: FilterParameter) => void;
  full: boolean;
}

const ParameterItem = memo(function ParameterItem({ parameter, used, onAdd, full }: ParameterItemProps) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({
    id: parameterDragId(parameter.key),
    data: { parameter },
    disabled: full,
  });
  return (
    <li className={ITEM} data-dragging={isDragging || undefined}>
      {/* The draggable is inside the <li> (dnd-kit gives it role="button"). */}
      <div
        ref={setNodeRef}
        className={HANDLE}
        {...attributes}
        {...listeners}
        aria-label={parameter.name}
        // A long name ends in an ellipsis: the whole name is its tooltip (and its accessible name).
        title={parameter.name}
        onDoubleClick={() => {
          if (!full) onAdd(parameter);
        }}
      >
        <GripIcon className={stepLayout.dragGrip} />
        <span className={s.name}>{parameter.name}</span>
      </div>
      {used > 0 ? <span className={s.used}>{t('filters.used', { count: used })}</span> : null}
      <button
        type="button"
        className={buttonClass({ size: 'small', className: s.add })}
        aria-label={t('filters.addLabel', { name: parameter.name })}
        onClick={() => onAdd(parameter)}
        disabled={full}
      >
        {t('filters.add')}
      </button>
    </li>
  );
});
