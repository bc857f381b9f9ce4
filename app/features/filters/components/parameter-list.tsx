import { useDraggable } from '@dnd-kit/core';
import { memo, useDeferredValue, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { GripIcon } from '@/components/ui/icons';
import type { FilterParameter } from '@/contracts/crm-schema';

import { groupParameters } from '../model/filter-form';

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
    <section className="step-panel step-panel--source parameter-panel" aria-labelledby={`${searchId}-title`}>
      <h3 id={`${searchId}-title`} className="step-panel-title">
        {t('filters.parameters')}
      </h3>
      <label className="visually-hidden" htmlFor={searchId}>
        {t('filters.search')}
      </label>
      <input
        id={searchId}
        className="field-input parameter-search"
        type="search"
        placeholder={t('filters.searchPlaceholder')}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        autoComplete="off"
      />
      {parameters.length === 0 ? <p className="parameter-empty">{t('filters.noParameters')}</p> : null}
      {parameters.length > 0 && groups.length === 0 ? (
        <p className="parameter-empty" role="status">
          {t('filters.noMatches', { query: deferredQuery })}
        </p>
      ) : null}
      <div className="parameter-groups">
        {groups.map(({ group, parameters: items }) => (
          <div key={group} className="parameter-group">
            <h4 id={`${searchId}-${group}`} className="parameter-group-title">
              {t(`filters.groups.${group}`)}
            </h4>
            <ul className="parameter-list" aria-labelledby={`${searchId}-${group}`}>
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
    <li className="drag-source parameter-item" data-dragging={isDragging || undefined}>
      {/* The draggable is inside the <li> (dnd-kit gives it role="button"). */}
      <div
        ref={setNodeRef}
        className="drag-handle"
        {...attributes}
        {...listeners}
        aria-label={parameter.name}
        onDoubleClick={() => {
          if (!full) onAdd(parameter);
        }}
      >
        <GripIcon className="drag-grip" />
        <span className="parameter-name">{parameter.name}</span>
      </div>
      {used > 0 ? <span className="parameter-used">{t('filters.used', { count: used })}</span> : null}
      <button
        type="button"
        className="button button--small parameter-add"
        aria-label={t('filters.addLabel', { name: parameter.name })}
        onClick={() => onAdd(parameter)}
        disabled={full}
      >
        {t('filters.add')}
      </button>
    </li>
  );
});
