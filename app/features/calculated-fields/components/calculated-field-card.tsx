import { useDroppable } from '@dnd-kit/core';
import { useMemo } from 'react';
import { useFormState, useWatch, type Control, type UseFormRegister } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { CloseIcon } from '@/components/ui/icons';

import type { CrmCustomField } from '@/contracts/crm-schema';
import { checkFormula } from '@/contracts/formula';
import { LIMITS } from '@/contracts/mapping-config';

import { formulaErrorParams, formulaMessageKey, nameErrorCode, type CalculatedFormInput, type CalculatedFormValues } from '../model/calculated-form';
import { FormulaChips } from './formula-chips';
import { FormulaPreview, type SampleDealsState } from './formula-preview';

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
  onRemove: (index: number) => void;
  onActivate: (index: number) => void;
  onCaret: (rowKey: string, start: number, end: number) => void;
  expressionRef: (rowKey: string, element: HTMLInputElement | null) => void;
}

/** One calculated field: its name, its expression (validated as typed, shown with field names) and a preview. */
export function CalculatedFieldCard(props: CalculatedFieldCardProps) {
  const { rowKey, index, control, register, customFields, deals, connectorName, active, onRemove, onActivate, onCaret, expressionRef } = props;
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
  const { ref: expressionRegisterRef, ...expressionField } = register(`calculatedFields.${index}.expression`);
  const trackCaret = (element: HTMLInputElement) => onCaret(rowKey, element.selectionStart ?? element.value.length, element.selectionEnd ?? element.value.length);

  return (
    <li ref={setNodeRef} className="calc-card" data-over={isOver || undefined} data-active={active || undefined}>
      <div role="group" aria-label={label} className="calc-card-body" onFocus={() => onActivate(index)}>
        <div className="calc-card-head">
          <span className="row-index" aria-hidden="true">
            {index + 1}
          </span>
          <span className="calc-card-title">{trimmed || t('calculation.fieldUnnamed', { index: index + 1 })}</span>
          <button
            type="button"
            className="button button--ghost button--small row-remove"
            aria-label={t('calculation.remove', { index: index + 1, name: trimmed })}
            onClick={() => onRemove(index)}
          >
            <CloseIcon />
          </button>
        </div>

        <div className="calc-field">
          <label htmlFor={`${base}-name`}>{t('calculation.name')}</label>
          <input
            id={`${base}-name`}
            className="field-input"
            type="text"
            placeholder={t('calculation.namePlaceholder')}
            maxLength={LIMITS.name}
            autoComplete="off"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${base}-name-error` : undefined}
            {...register(`calculatedFields.${index}.name`)}
          />
          {nameError ? (
            <p id={`${base}-name-error`} className="field-error">
              {t(`calculation.errors.${nameError}`, { max: LIMITS.name })}
            </p>
          ) : null}
        </div>

        <div className="calc-field">
          <label htmlFor={`${base}-expression`}>{t('calculation.expression')}</label>
          <input
            id={`${base}-expression`}
            className="field-input calc-expression"
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
          <p id={`${base}-hint`} className="step-hint">
            {t('calculation.expressionHint')}
          </p>
          <FormulaChips id={`${base}-reads`} expression={expression} customFields={customFields} />
          <p id={`${base}-status`} className={result.ok ? 'calc-status calc-status--ok' : 'calc-status calc-status--error'}>
            {result.ok
              ? t('calculation.valid')
              : t(`calculation.formulaErrors.${formulaMessageKey(result.error.code)}`, formulaErrorParams(result.error, customFields))}
          </p>
        </div>

        <FormulaPreview ast={result.ok ? result.ast : null} deals={deals} connectorName={connectorName} />
      </div>
    </li>
  );
}
