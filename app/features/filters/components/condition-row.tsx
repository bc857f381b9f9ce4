import { useFormState, useWatch, type Control, type UseFormRegister } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { formClass } from '@/components/ui/form';
import { CloseIcon } from '@/components/ui/icons';
import { stepLayout } from '@/components/wizard/step-layout';
import { FILTER_OPERATORS } from '@/contracts/mapping-config';

import { errorCode, MAX_VALUE_LENGTH, usesValue, type FilterFormInput, type FilterFormValues } from '../model/filter-form';

import styles from './condition-row.module.css';

const s = moduleClasses(styles, [
  'condition',
  'group',
  'body',
  'index',
  'lead',
  'when',
  'subject',
  'parameter',
  'operator',
  'value',
  'valueSpacer',
  'remove',
  'note',
  'error',
]);
const INDEX = cx(stepLayout.rowIndex, s.index);
const SELECT = formClass.input;
const OPERATOR = cx(formClass.input, s.operator);
const VALUE = cx(formClass.input, s.value);
const REMOVE = buttonClass({ variant: 'ghost', size: 'small', className: cx(stepLayout.rowRemove, s.remove) });
const ERROR = cx(formClass.error, s.error);

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
    <li className={s.condition} data-invalid={valueError || fieldError ? true : undefined}>
      <div role="group" aria-label={label} className={s.group}>
        <div className={s.body}>
          <span className={INDEX} aria-hidden="true">
            {index + 1}
          </span>
          {/* Phrases that stay together when the row wraps: "Include when", "LANDING Equals". */}
          <span className={s.lead}>
            <select className={SELECT} aria-label={t('filters.action.label')} {...register(`conditions.${index}.action`)}>
              <option value="include">{t('filters.action.include')}</option>
              <option value="exclude">{t('filters.action.exclude')}</option>
            </select>
            <span className={s.when}>{t('filters.when')}</span>
          </span>
          <span className={s.subject}>
            {/* A long name ends in an ellipsis: the whole name is its tooltip (and in the group's name). */}
            <span className={s.parameter} title={name} data-unknown={known ? undefined : true}>
              {name}
            </span>
            <select className={OPERATOR} aria-label={t('filters.operator.label')} {...register(`conditions.${index}.operator`)}>
              {FILTER_OPERATORS.map((value) => (
                <option key={value} value={value}>
                  {t(`filters.operator.${value}`)}
                </option>
              ))}
            </select>
          </span>
          {showValue ? (
            <input
              className={VALUE}
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
            <span className={s.valueSpacer} />
          )}
          <button type="button" className={REMOVE} aria-label={t('filters.remove', { index: index + 1, name })} onClick={() => onRemove(index)}>
            <CloseIcon />
          </button>
        </div>
        {!known ? <p className={s.note}>{t('filters.unknownParameter')}</p> : null}
        {showValue && valueError ? (
          <p id={`${base}-value-error`} className={ERROR}>
            {t(`filters.errors.${valueError}`, { max: MAX_VALUE_LENGTH })}
          </p>
        ) : null}
        {fieldError ? <p className={ERROR}>{t(`filters.errors.${fieldError}`, { max: MAX_VALUE_LENGTH })}</p> : null}
      </div>
    </li>
  );
}
