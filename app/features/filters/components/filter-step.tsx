import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { Controller, useFieldArray, useForm, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ToggleGroup } from 'radix-ui';

import { useSaveConfig, workingConfig } from '@/api/connector-config';
import { crmSchemaQueryOptions } from '@/api/crm';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { StepFooter } from '@/components/wizard/step-footer';
import { describeApiError } from '@/components/wizard/save-status';
import type { ConnectorId } from '@/contracts/connector';
import type { FilterParameter } from '@/contracts/crm-schema';
import type { ConfigEnvelope } from '@/contracts/mapping-config';
import { useUnsavedChangesPrompt } from '@/hooks/use-unsaved-changes-prompt';
import { ApiError } from '@/lib/api-client';

import {
  filterFormSchema,
  MAX_CONDITIONS,
  newCondition,
  pointerToFormPath,
  toSavedFilter,
  type FilterFormInput,
  type FilterFormValues,
} from '../model/filter-form';
import { ConditionRow } from './condition-row';
import { ParameterList } from './parameter-list';
import './filters.css';

const CONDITIONS_DROP_ID = 'filter-conditions';
const ARROWS = ['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown'];

/** Keyboard drags jump between two places: the parameter's own spot and the conditions area. */
const keyboardCoordinates: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  if (!ARROWS.includes(event.code)) return undefined;
  event.preventDefault();
  if (event.code === 'ArrowLeft') {
    // The dragged node itself stays in place (a DragOverlay moves), so its rect is home.
    const home = context.activeNode?.getBoundingClientRect();
    return home ? { x: home.left, y: home.top } : currentCoordinates;
  }
  const target = context.droppableRects.get(CONDITIONS_DROP_ID);
  return target ? { x: target.left + 16, y: target.top + 16 } : currentCoordinates;
};

export interface FilterStepProps {
  connector: ConnectorId;
  connectorName: string;
  envelope: ConfigEnvelope | null | undefined;
  /** After a successful save. */
  onNext: () => void;
  /** Leave without touching the saved filter. */
  onSkip: () => void;
}

export function FilterStep(props: FilterStepProps) {
  const { t } = useTranslation();
  const schema = useQuery(crmSchemaQueryOptions(props.connector));
  if (schema.isPending) {
    return (
      <StepShell>
        <p className="step-loading" role="status">
          {t('filters.loadingSchema', { name: props.connectorName })}
        </p>
      </StepShell>
    );
  }
  if (schema.isError) {
    return (
      <StepShell>
        <div className="error-panel" role="alert">
          <p>
            {t('filters.schemaError', { name: props.connectorName })} {describeApiError(schema.error, t)}
          </p>
          <button type="button" className="button" onClick={() => void schema.refetch()}>
            {t('filters.retry')}
          </button>
        </div>
      </StepShell>
    );
  }
  return <FilterForm {...props} parameters={schema.data.filterParameters} />;
}

function StepShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section className="filter-step" aria-labelledby="filter-step-title">
      <header className="step-header">
        <h2 id="filter-step-title">{t('filters.title')}</h2>
        <p className="page-intro">{t('filters.intro')}</p>
      </header>
      {children}
    </section>
  );
}

function FilterForm({ connector, envelope, onNext, onSkip, parameters }: FilterStepProps & { parameters: FilterParameter[] }) {
  const { t } = useTranslation();
  const save = useSaveConfig(connector);
  const [saved, setSaved] = useState(false);
  const [liveMessage, setLiveMessage] = useState('');
  const [activeParameter, setActiveParameter] = useState<FilterParameter | null>(null);
  const conditionsHeadingRef = useRef<HTMLHeadingElement>(null);

  const savedFilter = workingConfig(connector, envelope).filter;
  const form = useForm<FilterFormInput, unknown, FilterFormValues>({
    resolver: zodResolver(filterFormSchema),
    defaultValues: savedFilter,
  });
  const { control, register, handleSubmit, setError, formState } = form;
  const { fields, append, remove } = useFieldArray({ control, name: 'conditions' });

  const names = useMemo(() => new Map(parameters.map((parameter) => [parameter.key, parameter.name])), [parameters]);
  const nameOf = useCallback((key: string) => names.get(key) ?? key, [names]);
  const usage = useMemo(() => {
    const counts = new Map<string, number>();
    for (const field of fields) counts.set(field.field, (counts.get(field.field) ?? 0) + 1);
    return counts;
  }, [fields]);
  const full = fields.length >= MAX_CONDITIONS;

  const blocker = useUnsavedChangesPrompt(formState.isDirty && !saved);
  // Declared after the prompt, so the prompt has let go before Next navigates.
  const goNext = useEffectEvent(onNext);
  useEffect(() => {
    if (saved) goNext();
  }, [saved]);

  const addCondition = useCallback(
    (parameter: FilterParameter, { focus = true } = {}) => {
      const index = fields.length;
      if (index >= MAX_CONDITIONS) return;
      append(newCondition(parameter.key), { shouldFocus: focus, focusName: `conditions.${index}.value` });
      setLiveMessage(t('filters.added', { name: parameter.name, index: index + 1 }));
    },
    [append, fields.length, t],
  );

  const removeCondition = (index: number) => {
    const field = fields[index];
    remove(index);
    if (field) setLiveMessage(t('filters.removed', { index: index + 1, name: nameOf(field.field) }));
    conditionsHeadingRef.current?.focus();
  };

  const sensors = useSensors(
    // A distance, not a delay: a double-click never starts a drag.
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates }),
  );

  const parameterOf = (data: unknown): FilterParameter | null =>
    data && typeof data === 'object' && 'parameter' in data ? (data.parameter as FilterParameter) : null;

  const onDragStart = ({ active }: DragStartEvent) => setActiveParameter(parameterOf(active.data.current));
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setActiveParameter(null);
    const parameter = parameterOf(active.data.current);
    if (parameter && over?.id === CONDITIONS_DROP_ID) addCondition(parameter, { focus: false });
  };

  const announcements: Announcements = {
    onDragStart: ({ active }) => t('filters.dnd.pickedUp', { name: parameterOf(active.data.current)?.name ?? '' }),
    onDragOver: ({ active, over }) => {
      const name = parameterOf(active.data.current)?.name ?? '';
      return over ? t('filters.dnd.over', { name }) : t('filters.dnd.notOver', { name });
    },
    onDragEnd: ({ active, over }) => {
      const name = parameterOf(active.data.current)?.name ?? '';
      return over ? t('filters.dnd.dropped', { name, index: fields.length + 1 }) : t('filters.dnd.droppedOutside', { name });
    },
    onDragCancel: ({ active }) => t('filters.dnd.cancelled', { name: parameterOf(active.data.current)?.name ?? '' }),
  };

  const applyServerErrors = (error: unknown) => {
    if (!(error instanceof ApiError) || error.status !== 422) return;
    let first = true;
    for (const fieldError of error.problem?.errors ?? []) {
      const path = pointerToFormPath(fieldError.pointer);
      if (!path) continue;
      setError(path as FieldPath<FilterFormInput>, { type: 'server', message: fieldError.code ?? fieldError.message }, { shouldFocus: first });
      first = false;
    }
  };

  const onSubmit = handleSubmit(async (values) => {
    const filter = toSavedFilter(values);
    try {
      await save.mutateAsync((config) => ({ ...config, filter }));
      setSaved(true);
    } catch (error) {
      applyServerErrors(error);
    }
  });

  const conditionErrors = (formState.errors.conditions ?? []) as ReadonlyArray<unknown>;
  const invalidCount = Array.isArray(conditionErrors) ? conditionErrors.filter(Boolean).length : 0;
  const status = save.isError ? (
    <span className="save-status save-status--error" role="alert">
      {describeApiError(save.error, t)}
    </span>
  ) : invalidCount > 0 ? (
    <span className="save-status save-status--error">{t('filters.fixErrors', { count: invalidCount })}</span>
  ) : save.isPending ? (
    <span className="save-status">{t('wizard.saving')}</span>
  ) : null;

  return (
    <StepShell>
      <form id="filter-form" className="filter-form" onSubmit={(event) => void onSubmit(event)} noValidate>
        <DndContext
          sensors={sensors}
          onDragStart={onDragStart}
          onDragEnd={onDragEnd}
          onDragCancel={() => setActiveParameter(null)}
          accessibility={{ announcements, screenReaderInstructions: { draggable: t('filters.dnd.instructions') } }}
        >
          <div className="filter-columns">
            <ParameterList parameters={parameters} usage={usage} onAdd={addCondition} full={full} />
            <ConditionsArea headingRef={conditionsHeadingRef} dragging={activeParameter !== null}>
              {fields.length >= 2 ? (
                <Controller
                  control={control}
                  name="match"
                  render={({ field }) => (
                    <div className="filter-match">
                      <span id="filter-match-label">{t('filters.match.label')}</span>
                      <ToggleGroup.Root
                        type="single"
                        className="segmented"
                        aria-labelledby="filter-match-label"
                        value={field.value ?? 'all'}
                        onValueChange={(value) => {
                          if (value === 'all' || value === 'any') field.onChange(value);
                        }}
                      >
                        <ToggleGroup.Item className="segmented-item" value="all">
                          {t('filters.match.all')}
                        </ToggleGroup.Item>
                        <ToggleGroup.Item className="segmented-item" value="any">
                          {t('filters.match.any')}
                        </ToggleGroup.Item>
                      </ToggleGroup.Root>
                    </div>
                  )}
                />
              ) : null}
              {fields.length === 0 ? (
                <p className="conditions-empty">{activeParameter ? t('filters.dropHere') : t('filters.empty')}</p>
              ) : (
                <ol className="condition-list">
                  {fields.map((field, index) => (
                    <ConditionRow
                      key={field.id}
                      index={index}
                      name={nameOf(field.field)}
                      known={names.has(field.field)}
                      control={control}
                      register={register}
                      onRemove={removeCondition}
                    />
                  ))}
                </ol>
              )}
              {full ? <p className="conditions-limit">{t('filters.limit', { count: MAX_CONDITIONS })}</p> : null}
            </ConditionsArea>
          </div>
          {createPortal(
            <DragOverlay dropAnimation={null}>
              {activeParameter ? <div className="parameter-overlay">{activeParameter.name}</div> : null}
            </DragOverlay>,
            document.body,
          )}
        </DndContext>
        <p className="visually-hidden" role="status">
          {liveMessage}
        </p>
        <StepFooter
          // With unsaved edits the prompt asks first.
          onSkip={onSkip}
          nextType="submit"
          form="filter-form"
          busy={save.isPending || formState.isSubmitting}
          status={status}
        />
      </form>
      <ConfirmDialog
        open={blocker.state === 'blocked'}
        onOpenChange={(open) => {
          if (!open) blocker.reset?.();
        }}
        title={t('wizard.unsaved.title')}
        description={t('wizard.unsaved.description')}
        confirmLabel={t('wizard.unsaved.leave')}
        cancelLabel={t('wizard.unsaved.stay')}
        tone="danger"
        onConfirm={() => blocker.proceed?.()}
      />
    </StepShell>
  );
}

function ConditionsArea({
  children,
  headingRef,
  dragging,
}: {
  children: ReactNode;
  headingRef: RefObject<HTMLHeadingElement | null>;
  dragging: boolean;
}) {
  const { t } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: CONDITIONS_DROP_ID });
  return (
    <section
      ref={setNodeRef}
      className="filter-panel conditions-panel"
      aria-labelledby="filter-conditions-title"
      data-drop-target={dragging || undefined}
      data-over={isOver || undefined}
    >
      <div className="conditions-head">
        <h3 id="filter-conditions-title" className="filter-panel-title" ref={headingRef} tabIndex={-1}>
          {t('filters.conditions')}
        </h3>
        <p className="conditions-hint">{t('filters.conditionsHint')}</p>
      </div>
      {children}
    </section>
  );
}
