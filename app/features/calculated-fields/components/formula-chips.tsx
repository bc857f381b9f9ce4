import { useTranslation } from 'react-i18next';

import type { CrmCustomField } from '@/contracts/crm-schema';

import { segmentFormula } from '../model/calculated-form';

const DISPLAY_OPERATORS: Record<string, string> = { '*': '×', '/': '÷', '-': '−' };

/** The expression as people read it: field references become chips with the field's name. */
export function FormulaChips({ expression, customFields, id }: { expression: string; customFields: readonly CrmCustomField[]; id?: string }) {
  const { t } = useTranslation();
  const segments = segmentFormula(expression);
  if (segments.length === 0) return null;
  return (
    <p className="formula-reads" id={id}>
      <span className="formula-reads-label">{t('calculation.readsAs')}</span>{' '}
      {segments.map((segment, index) => {
        if (segment.kind === 'text') {
          return (
            <span key={index} className="formula-text">
              {segment.text.replace(/[*/-]/g, (char) => DISPLAY_OPERATORS[char] ?? char)}
            </span>
          );
        }
        const ref = segment.ref;
        const field = ref?.kind === 'custom' ? customFields.find((candidate) => candidate.id === ref.id) : undefined;
        const name = ref?.kind === 'price' ? t('calculation.dealAmount') : field?.name;
        return (
          <span key={index} className="formula-chip" data-unknown={name ? undefined : true}>
            {name ?? t('calculation.unknownChip', { raw: segment.raw })}
          </span>
        );
      })}
    </p>
  );
}
