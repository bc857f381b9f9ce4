import { DndContext, DragOverlay } from '@dnd-kit/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import { useFieldArray, useForm, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { workingConfig } from '@/api/connector-config';
import { sampleDealsQueryOptions } from '@/api/crm';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { visuallyHidden } from '@/components/ui/visually-hidden';
import { LeaveDialog } from '@/components/wizard/leave-dialog';
import { StepFooter } from '@/components/wizard/step-footer';
import { stepLayout } from '@/components/wizard/step-layout';
import { SchemaStep } from '@/components/wizard/wizard-step';
import type { ConnectorId } from '@/contracts/connector';
import type { CrmSchema } from '@/contracts/crm-schema';
import { LIMITS, type CalculatedField, type ConfigEnvelope } from '@/contracts/mapping-config';
import { useAutosaveLeaveGuard } from '@/hooks/use-autosave-leave-guard';
import { useDraftAutosave } from '@/hooks/use-draft-autosave';
import { useUndoTarget } from '@/hooks/use-undo-target';
import { useFormDraftAutosave, type FormDraft } from '@/hooks/use-form-draft-autosave';
import type { FixStep } from '@/lib/activation-problems';
import { ActivationProblemsList } from '@/components/wizard/activation-problems-list';

import { useCalculationDnd } from '../dnd/use-calculation-dnd';
import {
  calculatedFormSchema,
  insertToken,
  newCalculatedField,
  numericFields,
  toDraftFields,
  toSavedFields,
  type CalculatedFormInput,
  type CalculatedFormValues,
  type NumericField,
} from '../model/calculated-form';
import { useActivation } from '../model/use-activation';

import { CalculatedFieldCard, type CalculatedFieldCardProps } from './calculated-field-card';
import { CalculationStatus } from './calculation-status';
import type { SampleDealsState } from './formula-preview';
import { NewFieldDropZone } from './new-field-drop-zone';
import { NumericFieldList } from './numeric-field-list';
import styles from './calculation-step.module.css';

const s = moduleClasses(styles, ['fieldsPanel', 'list', 'overlayName']);
const FIELDS_PANEL = cx(stepLayout.panel, s.fieldsPanel);

export interface CalculationStepProps {
  connector: ConnectorId;
  connectorName: string;
  envelope: ConfigEnvelope | null | undefined;
  /** After activation succeeded. */
  onDone: () => void;
  onBack: () => void;
  stepHref: (step: FixStep) => string;
  /** Shown in each field's card under its preview: the field over every matching deal (the wizard's totals). */
  totals?: CalculatedFieldCardProps['totals'];
}

export function CalculationStep(props: CalculationStepProps) {
  const { t } = useTranslation();
  const name = props.connectorName;
  return (
    <SchemaStep
      connector={props.connector}
      titleId="calc-step-title"
      title={t('calculation.title')}
      intro={t('calculation.intro')}
      loadingMessage={t('calculation.loadingSchema', { name })}
      errorMessage={t('calculation.schemaError', { name })}
    >
      {(schema) => <CalculationForm {...props} schema={schema} />}
    </SchemaStep>
  );
}

function CalculationForm({ connector, connectorName, envelope, onDone, onBack, stepHref, totals, schema }: CalculationStepProps & { schema: CrmSchema }) {
  const { t } = useTranslation();
  const sampleDeals = useQuery(sampleDealsQueryOptions(connector));
  const [confirmSkip, setConfirmSkip] = useState(false);
  const [activeIndex, setActiveIndex] = useState<number | null>(null);
  const [liveMessage, setLiveMessage] = useState('');
  const carets = useRef(new Map<string, { start: number; end: number }>());
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const listHeadingRef = useRef<HTMLHeadingElement>(null);
  const retryRef = useRef<HTMLButtonElement>(null);

  const customFields = schema.customFields;
  const numeric = useMemo(() => numericFields(customFields), [customFields]);
  const formSchema = useMemo(() => calculatedFormSchema(customFields), [customFields]);
  const config = workingConfig(connector, envelope);

  const form = useForm<CalculatedFormInput, unknown, CalculatedFormValues>({
    resolver: zodResolver(formSchema),
    defaultValues: { calculatedFields: config.calculatedFields },
    mode: 'onTouched',
  });
  const { control, register, handleSubmit, getValues, setValue, setError, formState, watch } = form;
  const { fields, append, remove } = useFieldArray({ control, name: 'calculatedFields' });
  const full = fields.length >= LIMITS.calculatedFields;
  const target = activeIndex !== null && activeIndex < fields.length ? activeIndex : fields.length - 1;

  // Every change is saved as a draft (debounced): named fields with their expressions as typed.
  // Next validates the expressions, saves and activates.
  const autosave = useDraftAutosave(connector, undefined, 'calculation');
  // Undo and redo write the calculated fields back (saved already): the form shows them.
  useUndoTarget(connector, 'calculation', autosave.schedule, (sections) => {
    if (sections.calculatedFields) form.reset({ calculatedFields: sections.calculatedFields });
  });
  const draft = useFormDraftAutosave<CalculatedFormInput, CalculatedField[]>({
    autosave,
    key: 'calculatedFields',
    watch,
    getValues,
    toDraft: calculatedDraft,
    write: (current, calculatedFields) => ({ ...current, calculatedFields }),
    errorPath: calculatedErrorPath,
    setError: (path, error, options) => setError(path as FieldPath<CalculatedFormInput>, error, options),
  });
  // Leaving (Back, the stepper) sends what is queued first; it asks when that fails, or when
  // a field cannot be saved yet (no name of its own) — unless the user already chose to go.
  const activation = useActivation(connector, autosave, onDone);
  const leaveGuard = useAutosaveLeaveGuard(autosave, draft.unsaved.length > 0 && !activation.done);

  const dealAmount = t('calculation.dealAmount');
  const nameOf = useCallback((field: NumericField) => field.name ?? dealAmount, [dealAmount]);

  const deals: SampleDealsState = sampleDeals.isPending
    ? { status: 'pending' }
    : sampleDeals.isError
      ? { status: 'error', error: sampleDeals.error }
      : { status: 'success', deals: sampleDeals.data.deals };

  const addField = useCallback(
    (field: NumericField) => {
      const index = fields.length;
      if (index >= LIMITS.calculatedFields) return;
      append(newCalculatedField(field.token), { shouldFocus: true, focusName: `calculatedFields.${index}.name` });
      setActiveIndex(index);
      setLiveMessage(t('calculation.added', { index: index + 1, name: nameOf(field) }));
    },
    [append, fields.length, nameOf, t],
  );

  const insertField = useCallback(
    (field: NumericField, index: number, { focus = true } = {}) => {
      const row = fields[index];
      if (!row) return;
      const path = `calculatedFields.${index}.expression` as const;
      const current = getValues(path) ?? '';
      const caret = carets.current.get(row.id) ?? { start: current.length, end: current.length };
      const { value, caret: next } = insertToken(current, caret.start, caret.end, field.token);
      setValue(path, value, { shouldDirty: true, shouldTouch: true, shouldValidate: formState.isSubmitted });
      carets.current.set(row.id, { start: next, end: next });
      const input = inputs.current.get(row.id);
      if (input && focus) {
        input.focus();
        input.setSelectionRange(next, next);
      }
      setActiveIndex(index);
      setLiveMessage(t('calculation.inserted', { index: index + 1, name: nameOf(field) }));
    },
    [fields, getValues, setValue, formState.isSubmitted, nameOf, t],
  );

  const insertIntoTarget = useCallback((field: NumericField) => insertField(field, target), [insertField, target]);

  const removeField = (index: number) => {
    remove(index);
    setActiveIndex(null);
    setLiveMessage(t('calculation.removed', { index: index + 1 }));
    listHeadingRef.current?.focus();
  };

  const onCaret = useCallback((rowKey: string, start: number, end: number) => carets.current.set(rowKey, { start, end }), []);
  const expressionRef = useCallback((rowKey: string, element: HTMLInputElement | null) => {
    if (element) inputs.current.set(rowKey, element);
    else inputs.current.delete(rowKey);
  }, []);

  const dnd = useCalculationDnd({
    count: fields.length,
    onAdd: addField,
    onInsert: (field, index) => insertField(field, index, { focus: false }),
  });
  const { dragged } = dnd;

  const onSubmit = (event: FormEvent<HTMLFormElement>) =>
    void handleSubmit(async (values) => {
      const saved = toSavedFields(values);
      if (await draft.submit({ section: saved, rows: saved.map((_, index) => index), unsaved: [] })) await activation.activate();
    })(event);

  // Skip goes on without checking the expressions; fields that cannot be saved yet are lost, so it asks first.
  const skip = () => {
    if (draft.unsaved.length > 0) setConfirmSkip(true);
    else void activation.saveAndActivate();
  };

  const fieldErrors = formState.errors.calculatedFields;
  const invalidCount = Array.isArray(fieldErrors) ? fieldErrors.filter(Boolean).length : 0;
  const unsavedNumbers = draft.unsaved.map((index) => index + 1);
  const unsavedMessage = t('calculation.leaveUnsaved', { count: unsavedNumbers.length, list: unsavedNumbers.join(', ') });
  const busy = activation.pending || formState.isSubmitting;
  const status = (
    <CalculationStatus
      connectorName={connectorName}
      autosave={autosave}
      activationError={activation.error}
      activating={activation.pending}
      unsaved={unsavedNumbers}
      invalidCount={invalidCount}
      retryRef={retryRef}
    />
  );
  // Staying: to "Try again" when a save failed, else to the name the first unsaved field needs.
  const stayFocus = () => {
    const row = fields[draft.unsaved[0] ?? -1];
    return retryRef.current ?? (row ? document.getElementById(`calc-${row.id}-name`) : null);
  };

  return (
    <>
      <form id="calculation-form" className={stepLayout.form} onSubmit={onSubmit} noValidate>
        <DndContext {...dnd.context}>
          <div className={stepLayout.columns}>
            <NumericFieldList
              fields={numeric}
              nameOf={nameOf}
              onAdd={addField}
              onInsert={fields.length > 0 ? insertIntoTarget : null}
              insertTarget={target + 1}
              full={full}
            />
            <section className={FIELDS_PANEL} aria-labelledby="calc-fields-title" data-drop-target={dragged ? true : undefined}>
              <div className={stepLayout.panelHead}>
                <h3 id="calc-fields-title" className={stepLayout.panelTitle} ref={listHeadingRef} tabIndex={-1}>
                  {t('calculation.calculatedFields')}
                </h3>
                <p className={stepLayout.hint}>{t('calculation.hint')}</p>
              </div>
              {fields.length > 0 ? (
                <ol className={s.list}>
                  {fields.map((row, index) => (
                    <CalculatedFieldCard
                      key={row.id}
                      rowKey={row.id}
                      index={index}
                      control={control}
                      register={register}
                      customFields={customFields}
                      deals={deals}
                      connectorName={connectorName}
                      active={index === target && fields.length > 1}
                      dropTarget={dragged !== null}
                      onRemove={removeField}
                      onActivate={setActiveIndex}
                      onCaret={onCaret}
                      expressionRef={expressionRef}
                      totals={totals}
                    />
                  ))}
                </ol>
              ) : null}
              {full ? (
                <p className={stepLayout.limit}>{t('calculation.limit', { count: LIMITS.calculatedFields })}</p>
              ) : (
                <NewFieldDropZone empty={fields.length === 0} dragging={dragged !== null} />
              )}
            </section>
          </div>
          {createPortal(
            <DragOverlay dropAnimation={null}>
              {dragged ? (
                <div className={stepLayout.dragOverlay}>
                  <span className={s.overlayName}>{dragged.name}</span>
                </div>
              ) : null}
            </DragOverlay>,
            document.body,
          )}
        </DndContext>
        <p className={visuallyHidden} role="status">
          {liveMessage}
        </p>
        {activation.problems ? (
          <ActivationProblemsList
            problems={activation.problems}
            config={workingConfig(connector, envelope)}
            schema={schema}
            connectorName={connectorName}
            stepHref={stepHref}
            autoFocus
          />
        ) : null}
        <StepFooter onBack={onBack} onSkip={skip} nextType="submit" form="calculation-form" busy={busy} status={status} />
      </form>
      <LeaveDialog guard={leaveGuard} unsavedDescription={unsavedMessage} returnFocus={stayFocus} />
      <ConfirmDialog
        open={confirmSkip}
        onOpenChange={setConfirmSkip}
        title={t('wizard.unsaved.title')}
        description={unsavedMessage}
        confirmLabel={t('wizard.unsaved.leave')}
        cancelLabel={t('wizard.unsaved.stay')}
        tone="danger"
        onConfirm={() => {
          setConfirmSkip(false);
          void activation.saveAndActivate();
        }}
      />
    </>
  );
}

/** A server error's place in the form: `/calculatedFields/<i>/name|expression` → that field's row. */
function calculatedErrorPath(pointer: string, rowOf: (index: number) => number | undefined): string | null {
  const match = /^\/calculatedFields\/(\d+)\/(name|expression)$/.exec(pointer);
  const row = match ? rowOf(Number(match[1])) : undefined;
  return match && row !== undefined ? `calculatedFields.${row}.${match[2]}` : null;
}

/** The draft of the calculated fields, in the shape the autosave wants. */
function calculatedDraft(values: CalculatedFormInput, previous: CalculatedField[] | null): FormDraft<CalculatedField[]> {
  const { fields, rows, unsaved } = toDraftFields(values.calculatedFields, new Map((previous ?? []).map((field) => [field.id, field])));
  return { section: fields, rows, unsaved };
}
