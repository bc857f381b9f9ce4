import { useDroppable } from '@dnd-kit/core';
import { useMemo } from 'react';
import { useFormState, useWatch, type Control, type UseFormRegister } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { formClass } from '@/components/ui/form';
import { CloseIcon } from '@/components/ui/icons';
import { stepLayout } from '@/components/wizard/step-layout';
import type { CrmCustomField } from '@/contracts/crm-schema';
import { checkFormula } from '@/contracts/formula';
import { LIMITS } from '@/contracts/mapping-config';

import { formulaErrorParams, formulaMessageKey, nameErrorCode, type CalculatedFormInput, type CalculatedFormValues } from '../model/calculated-form';

import { FormulaChips } from './formula-chips';
import { FormulaPreview, type SampleDealsState } from './formula-preview';
import styles from './calculated-field-card.module.css';

const s = moduleClasses(styles, ['card', 'body', 'head', 'title', 'field', 'label', 'input', 'expression', 'status', 'statusOk', 'statusError', 'remove']);
const REMOVE = buttonClass({ variant: 'ghost', size: 'small', className: cx(stepLayout.rowRemove, s.remove) });
const NAME_INPUT = cx(formClass.input, s.input);
const EXPRESSION_INPUT = cx(formClass.input, s.input, s.expression);
const STATUS_OK = cx(s.status, s.statusOk);
const STATUS_ERROR = cx(s.status, s.statusError);

export const calcDropId = (key: string) => `calc:${key}`;

export interface CalculatedFieldCardProps {
  /** The row's stable key (react-hook-form's field-array id). */
  rowKey: string;
  index: number;
  control: Control<CalculatedFormInput, unknown, CalculatedFormValues>;
  register: UseFormRegister<CalculatedFormInput>;
  customFields: readonly CrmCustomField[];
  deals: SampleDealsState;
  connectorName: string;
  active: boolean;
  /** A numeric field is being dragged: the card is a drop place (it inserts the field). */
  dropTarget: boolean;
  onRemove: (index: number) => void;
  onActivate: (index: number) => void;
  onCaret: (rowKey: string, start: number, end: number) => void;
  expressionRef: (rowKey: string, element: HTMLInputElement | null) => void;
  /** The field over every matching deal (a slot the wizard fills); given the expression as typed. */
  totals?: (field: { name: string; expression: string }) => React.ReactNode;
}

/** One calculated field: its name, its expression (validated as typed, shown with field names) and a preview. */
export function CalculatedFieldCard(props: CalculatedFieldCardProps) {
  const { rowKey, index, control, register, customFields, deals, connectorName, active, dropTarget, onRemove, onActivate, onCaret, expressionRef, totals } = props;
  const { t } = useTranslation();
  const name = useWatch({ control, name: `calculatedFields.${index}.name` }) ?? '';
  const expression = useWatch({ control, name: `calculatedFields.${index}.expression` }) ?? '';
  const { errors } = useFormState({ control, name: `calculatedFields.${index}.name` });
  const nameError = nameErrorCode(errors.calculatedFields?.[index]?.name);
  const result = useMemo(() => checkFormula(expression, customFields), [expression, customFields]);
  const { setNodeRef, isOver } = useDroppable({ id: calcDropId(rowKey), data: { index } });

  const base = `calc-${rowKey}`;
  const trimmed = name.trim();
  const label = trimmed ? t('calculation.field', { index: index + 1, name: trimmed }) : t('calculation.fieldUnnamed', { index: index + 1 });
  const title = trimmed || t('calculation.fieldUnnamed', { index: index + 1 });
  const { ref: expressionRegisterRef, ...expressionField } = register(`calculatedFields.${index}.expression`);
  const trackCaret = (element: HTMLInputElement) => onCaret(rowKey, element.selectionStart ?? element.value.length, element.selectionEnd ?? element.value.length);

  return (
    <li ref={setNodeRef} className={s.card} data-over={isOver || undefined} data-active={active || undefined} data-drop-target={dropTarget || undefined}>
      <div role="group" aria-label={label} className={s.body} onFocus={() => onActivate(index)}>
        <div className={s.head}>
          <span className={stepLayout.rowIndex} aria-hidden="true">
            {index + 1}
          </span>
          {/* A long name ends in an ellipsis: the whole name is its tooltip (and in the group's name). */}
          <span className={s.title} title={title}>
            {title}
          </span>
          <button
            type="button"
            className={REMOVE}
            aria-label={t('calculation.remove', { index: index + 1, name: trimmed })}
            onClick={() => onRemove(index)}
          >
            <CloseIcon />
          </button>
        </div>

        <div className={s.field}>
          <label className={s.label} htmlFor={`${base}-name`}>{t('calculation.name')}</label>
          <input
            id={`${base}-name`}
            className={NAME_INPUT}
            type="text"
            placeholder={t('calculation.namePlaceholder')}
            maxLength={LIMITS.name}
            autoComplete="off"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${base}-name-error` : undefined}
            {...register(`calculatedFields.${index}.name`)}
          />
          {nameError ? (
            <p id={`${base}-name-error`} className={formClass.error}>
              {t(`calculation.errors.${nameError}`, { max: LIMITS.name })}
            </p>
          ) : null}
        </div>

        <div className={s.field}>
          <label className={s.label} htmlFor={`${base}-expression`}>{t('calculation.expression')}</label>
          <input
            id={`${base}-expression`}
            className={EXPRESSION_INPUT}
            type="text"
            spellCheck={false}
            autoComplete="off"
            maxLength={LIMITS.expression}
            aria-invalid={result.ok ? undefined : true}
            aria-describedby={`${base}-reads ${base}-status ${base}-hint`}
            {...expressionField}
            ref={(element) => {
              expressionRegisterRef(element);
              expressionRef(rowKey, element);
            }}
            onSelect={(event) => trackCaret(event.currentTarget)}
            onBlur={(event) => {
              trackCaret(event.currentTarget);
              void expressionField.onBlur(event);
            }}
          />
          <p id={`${base}-hint`} className={stepLayout.hint}>
            {t('calculation.expressionHint')}
          </p>
          <FormulaChips id={`${base}-reads`} expression={expression} customFields={customFields} />
          <p id={`${base}-status`} className={result.ok ? STATUS_OK : STATUS_ERROR}>
            {result.ok
              ? t('calculation.valid')
              : t(`calculation.formulaErrors.${formulaMessageKey(result.error.code)}`, formulaErrorParams(result.error, customFields))}
          </p>
        </div>

        <FormulaPreview ast={result.ok ? result.ast : null} deals={deals} connectorName={connectorName} />
        {totals && result.ok ? totals({ name: trimmed, expression }) : null}
      </div>
    </li>
  );
}
