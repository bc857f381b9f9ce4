import { useTranslation } from 'react-i18next';

import { moduleClasses } from '@/components/ui/class-names';
import type { CrmCustomField } from '@/contracts/crm-schema';

import { segmentFormula } from '../model/calculated-form';

import styles from './formula-chips.module.css';

const s = moduleClasses(styles, ['reads', 'label', 'text', 'chip']);

const DISPLAY_OPERATORS: Record<string, string> = { '*': '×', '/': '÷', '-': '−' };

/** The expression as people read it: field references become chips with the field's name. */
export function FormulaChips({ expression, customFields, id }: { expression: string; customFields: readonly CrmCustomField[]; id?: string }) {
  const { t } = useTranslation();
  const segments = segmentFormula(expression);
  if (segments.length === 0) return null;
  return (
    <p className={s.reads} id={id}>
      <span className={s.label}>{t('calculation.readsAs')}</span>{' '}
      {segments.map((segment, index) => {
        if (segment.kind === 'text') {
          return (
            <span key={index} className={s.text}>
              {segment.text.replace(/[*/-]/g, (char) => DISPLAY_OPERATORS[char] ?? char)}
            </span>
          );
        }
        const ref = segment.ref;
        const field = ref?.kind === 'custom' ? customFields.find((candidate) => candidate.id === ref.id) : undefined;
        const name = ref?.kind === 'price' ? t('calculation.dealAmount') : field?.name;
        const text = name ?? t('calculation.unknownChip', { raw: segment.raw });
        return (
          // A long name ends in an ellipsis: the whole name is its tooltip (and, as its text, in the expression's description).
          <span key={index} className={s.chip} title={text} data-unknown={name ? undefined : true}>
            {text}
          </span>
        );
      })}
    </p>
  );
}
