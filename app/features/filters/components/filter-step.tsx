import {
  DndContext,
  DragOverlay,
  useDroppable,
  type Announcements,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { useCallback, useMemo, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { Controller, useFieldArray, useForm, useWatch, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ToggleGroup } from 'radix-ui';

import { workingConfig } from '@/api/connector-config';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { visuallyHidden } from '@/components/ui/visually-hidden';
import { LeaveDialog } from '@/components/wizard/leave-dialog';
import { SaveStatus, saveStatusClass } from '@/components/wizard/save-status';
import { StepFooter } from '@/components/wizard/step-footer';
import { stepLayout } from '@/components/wizard/step-layout';
import { SchemaStep } from '@/components/wizard/wizard-step';
import type { ConnectorId } from '@/contracts/connector';
import type { CrmSchema, FilterParameter } from '@/contracts/crm-schema';
import type { ConfigEnvelope, Filter } from '@/contracts/mapping-config';
import { useAutosaveLeaveGuard } from '@/hooks/use-autosave-leave-guard';
import { useDraftAutosave } from '@/hooks/use-draft-autosave';
import { useUndoTarget } from '@/hooks/use-undo-target';
import { useFormDraftAutosave, type FormDraft } from '@/hooks/use-form-draft-autosave';
import { PAGE_ONLY_AUTO_SCROLL, useDropTargetSensors } from '@/lib/drop-target-dnd';

import {
  filterFormSchema,
  MAX_CONDITIONS,
  newCondition,
  pointerToFormPath,
  toDraftFilter,
  toSavedFilter,
  type FilterFormInput,
  type FilterFormValues,
} from '../model/filter-form';

import { ConditionRow } from './condition-row';
import { ParameterList } from './parameter-list';
import styles from './filter-step.module.css';

const s = moduleClasses(styles, ['conditionsPanel', 'conditionsEmpty', 'match', 'segmented', 'segmentedItem', 'conditionList', 'overlayName']);
const STATUS_ERROR = cx(saveStatusClass.status, saveStatusClass.error);

const CONDITIONS_DROP_ID = 'filter-conditions';
export interface FilterStepProps {
  connector: ConnectorId;
  connectorName: string;
  envelope: ConfigEnvelope | null | undefined;
  /** After the filter is validated and saved. */
  onNext: () => void;
  /** Go on without validating (what is typed is kept as a draft). */
  onSkip: () => void;
  onBack: () => void;
  /** Shown under the conditions with the filter as typed (the wizard's "N of M deals match"). */
  consequence?: (filter: Filter, schema: CrmSchema) => ReactNode;
}

export function FilterStep(props: FilterStepProps) {
  const { t } = useTranslation();
  const name = props.connectorName;
  return (
    <SchemaStep
      connector={props.connector}
      titleId="filter-step-title"
      title={t('filters.title')}
      intro={t('filters.intro')}
      loadingMessage={t('filters.loadingSchema', { name })}
      errorMessage={t('filters.schemaError', { name })}
    >
      {(schema) => <FilterForm {...props} schema={schema} parameters={schema.filterParameters} />}
    </SchemaStep>
  );
}

function FilterForm({
  connector,
  envelope,
  onNext,
  onSkip,
  onBack,
  consequence,
  schema,
  parameters,
}: FilterStepProps & { schema: CrmSchema; parameters: FilterParameter[] }) {
  const { t } = useTranslation();
  const [liveMessage, setLiveMessage] = useState('');
  const [activeParameter, setActiveParameter] = useState<FilterParameter | null>(null);
  const conditionsHeadingRef = useRef<HTMLHeadingElement>(null);
  const retryRef = useRef<HTMLButtonElement>(null);

  const savedFilter = workingConfig(connector, envelope).filter;
  const form = useForm<FilterFormInput, unknown, FilterFormValues>({
    resolver: zodResolver(filterFormSchema),
    defaultValues: savedFilter,
  });
  const { control, register, handleSubmit, setError, formState, watch, getValues } = form;
  const { fields, append, remove } = useFieldArray({ control, name: 'conditions' });
  const typed = useWatch({ control }) as FilterFormInput;
  const typedFilter = useMemo(() => (consequence ? toDraftFilter(typed).filter : null), [consequence, typed]);

  // Every change is saved as a draft (debounced); Next validates and saves the cleaned-up filter.
  const autosave = useDraftAutosave(connector, undefined, 'filter');
  // Undo and redo write the filter back (saved already): the form shows it.
  useUndoTarget(connector, 'filter', autosave.schedule, (sections) => {
    if (sections.filter) form.reset(sections.filter);
  });
  const draft = useFormDraftAutosave<FilterFormInput, Filter>({
    autosave,
    key: 'filter',
    watch,
    getValues,
    toDraft: filterDraft,
    write: (config, filter) => ({ ...config, filter }),
    errorPath: filterErrorPath,
    setError: (path, error, options) => setError(path as FieldPath<FilterFormInput>, error, options),
  });
  // Leaving (Back, Skip, the stepper) sends what is queued first; only a failed save asks.
  const leaveGuard = useAutosaveLeaveGuard(autosave, draft.unsaved.length > 0);

  const names = useMemo(() => new Map(parameters.map((parameter) => [parameter.key, parameter.name])), [parameters]);
  const nameOf = useCallback((key: string) => names.get(key) ?? key, [names]);
  const usage = useMemo(() => {
    const counts = new Map<string, number>();
    for (const field of fields) counts.set(field.field, (counts.get(field.field) ?? 0) + 1);
    return counts;
  }, [fields]);
  const full = fields.length >= MAX_CONDITIONS;

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

  const sensors = useDropTargetSensors();

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

  const onSubmit = (event: FormEvent<HTMLFormElement>) =>
    void handleSubmit(async (values) => {
      const filter = toSavedFilter(values);
      if (await draft.submit({ section: filter, rows: filter.conditions.map((_, index) => index), unsaved: [] })) onNext();
    })(event);

  const conditionErrors = (formState.errors.conditions ?? []) as ReadonlyArray<unknown>;
  const invalidCount = Array.isArray(conditionErrors) ? conditionErrors.filter(Boolean).length : 0;
  const status =
    autosave.state.status === 'error' ? (
      <SaveStatus state={autosave.state} retryRef={retryRef} />
    ) : draft.unsaved.length > 0 ? (
      <span className={STATUS_ERROR}>{t('filters.notSaved', { count: draft.unsaved.length })}</span>
    ) : invalidCount > 0 ? (
      <span className={STATUS_ERROR}>{t('filters.fixErrors', { count: invalidCount })}</span>
    ) : (
      <SaveStatus state={autosave.state} retryRef={retryRef} />
    );

  return (
    <>
      <form id="filter-form" className={stepLayout.form} onSubmit={onSubmit} noValidate>
        <DndContext
          sensors={sensors}
          autoScroll={PAGE_ONLY_AUTO_SCROLL}
          onDragStart={onDragStart}
          onDragEnd={onDragEnd}
          onDragCancel={() => setActiveParameter(null)}
          accessibility={{ announcements, screenReaderInstructions: { draggable: t('filters.dnd.instructions') } }}
        >
          <div className={stepLayout.columns}>
            <ParameterList parameters={parameters} usage={usage} onAdd={addCondition} full={full} />
            <ConditionsArea headingRef={conditionsHeadingRef} dragging={activeParameter !== null}>
              {fields.length >= 2 ? (
                <Controller
                  control={control}
                  name="match"
                  render={({ field }) => (
                    <div className={s.match}>
                      <span id="filter-match-label">{t('filters.match.label')}</span>
                      <ToggleGroup.Root
                        type="single"
                        className={s.segmented}
                        aria-labelledby="filter-match-label"
                        value={field.value ?? 'all'}
                        onValueChange={(value) => {
                          if (value === 'all' || value === 'any') field.onChange(value);
                        }}
                      >
                        <ToggleGroup.Item className={s.segmentedItem} value="all">
                          {t('filters.match.all')}
                        </ToggleGroup.Item>
                        <ToggleGroup.Item className={s.segmentedItem} value="any">
                          {t('filters.match.any')}
                        </ToggleGroup.Item>
                      </ToggleGroup.Root>
                    </div>
                  )}
                />
              ) : null}
              {fields.length === 0 ? (
                <p className={s.conditionsEmpty}>{activeParameter ? t('filters.dropHere') : t('filters.empty')}</p>
              ) : (
                <ol className={s.conditionList}>
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
              {full ? <p className={stepLayout.limit}>{t('filters.limit', { count: MAX_CONDITIONS })}</p> : null}
              {consequence && typedFilter ? consequence(typedFilter, schema) : null}
            </ConditionsArea>
          </div>
          {createPortal(
            <DragOverlay dropAnimation={null}>
              {activeParameter ? (
                <div className={stepLayout.dragOverlay}>
                  <span className={s.overlayName}>{activeParameter.name}</span>
                </div>
              ) : null}
            </DragOverlay>,
            document.body,
          )}
        </DndContext>
        <p className={visuallyHidden} role="status">
          {liveMessage}
        </p>
        <StepFooter onBack={onBack} onSkip={onSkip} nextType="submit" form="filter-form" busy={formState.isSubmitting} status={status} />
      </form>
      <LeaveDialog guard={leaveGuard} returnFocus={retryRef} unsavedDescription={t('filters.leaveUnsaved', { count: draft.unsaved.length })} />
    </>
  );
}

/** A server error's place in the form: `/filter/conditions/<i>/…` → that condition's row. */
function filterErrorPath(pointer: string, rowOf: (index: number) => number | undefined): string | null {
  return (
    pointerToFormPath(pointer)?.replace(/^conditions\.(\d+)/, (whole, index: string) => {
      const row = rowOf(Number(index));
      return row === undefined ? whole : `conditions.${row}`;
    }) ?? null
  );
}

/** The draft of the filter, in the shape the autosave wants. */
function filterDraft(values: FilterFormInput): FormDraft<Filter> {
  const { filter, rows, unsaved } = toDraftFilter(values);
  return { section: filter, rows, unsaved };
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
      className={cx(stepLayout.panel, s.conditionsPanel)}
      aria-labelledby="filter-conditions-title"
      data-drop-target={dragging || undefined}
      data-over={isOver || undefined}
    >
      <div className={stepLayout.panelHead}>
        <h3 id="filter-conditions-title" className={stepLayout.panelTitle} ref={headingRef} tabIndex={-1}>
          {t('filters.conditions')}
        </h3>
        <p className={stepLayout.hint}>{t('filters.conditionsHint')}</p>
      </div>
      {children}
    </section>
  );
}
