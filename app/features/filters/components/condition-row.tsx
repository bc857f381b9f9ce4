import { useFormState, useWatch, type Control, type UseFormRegister } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { CloseIcon } from '@/components/ui/icons';

import { FILTER_OPERATORS } from '@/contracts/mapping-config';

import { errorCode, MAX_VALUE_LENGTH, usesValue, type FilterFormInput, type FilterFormValues } from '../model/filter-form';

export interface ConditionRowProps {
  index: number;
  /** The parameter's display name (its key when the CRM no longer has it). */
  name: string;
  known: boolean;
  control: Control<FilterFormInput, unknown, FilterFormValues>;
  register: UseFormRegister<FilterFormInput>;
  onRemove: (index: number) => void;
}

/** "Include | Exclude — when [parameter] — Equals | … — [value]", as one labelled group. */
export function ConditionRow({ index, name, known, control, register, onRemove }: ConditionRowProps) {
  const { t } = useTranslation();
  const operator = useWatch({ control, name: `conditions.${index}.operator` }) ?? 'equals';
  const { errors } = useFormState({ control, name: [`conditions.${index}.value`, `conditions.${index}.field`] });
  const rowErrors = errors.conditions?.[index];
  const valueError = errorCode(rowErrors?.value);
  const fieldError = errorCode(rowErrors?.field);
  const base = `filter-condition-${index}`;
  const label = t('filters.condition', { index: index + 1, name });
  const showValue = usesValue(operator);
  return (
    <li className="condition" data-invalid={valueError || fieldError ? true : undefined}>
      <div role="group" aria-label={label} className="condition-group">
        <div className="condition-body">
          <span className="row-index" aria-hidden="true">
            {index + 1}
          </span>
          <select className="field-input condition-action" aria-label={t('filters.action.label')} {...register(`conditions.${index}.action`)}>
            <option value="include">{t('filters.action.include')}</option>
            <option value="exclude">{t('filters.action.exclude')}</option>
          </select>
          <span className="condition-when">{t('filters.when')}</span>
          <span className="condition-parameter" data-unknown={known ? undefined : true}>
            {name}
          </span>
          <select className="field-input condition-operator" aria-label={t('filters.operator.label')} {...register(`conditions.${index}.operator`)}>
            {FILTER_OPERATORS.map((value) => (
              <option key={value} value={value}>
                {t(`filters.operator.${value}`)}
              </option>
            ))}
          </select>
          {showValue ? (
            <input
              className="field-input condition-value"
              type="text"
              aria-label={t('filters.value')}
              placeholder={t('filters.valuePlaceholder')}
              maxLength={MAX_VALUE_LENGTH}
              aria-invalid={valueError ? true : undefined}
              aria-describedby={valueError ? `${base}-value-error` : undefined}
              autoComplete="off"
              {...register(`conditions.${index}.value`)}
            />
          ) : (
            <span className="condition-value-spacer" />
          )}
          <button type="button" className="button button--ghost button--small row-remove" aria-label={t('filters.remove', { index: index + 1, name })} onClick={() => onRemove(index)}>
            <CloseIcon />
          </button>
        </div>
        {!known ? <p className="condition-note">{t('filters.unknownParameter')}</p> : null}
        {showValue && valueError ? (
          <p id={`${base}-value-error`} className="field-error">
            {t(`filters.errors.${valueError}`, { max: MAX_VALUE_LENGTH })}
          </p>
        ) : null}
        {fieldError ? <p className="field-error">{t(`filters.errors.${fieldError}`, { max: MAX_VALUE_LENGTH })}</p> : null}
      </div>
    </li>
  );
}
