import { useTranslation } from 'react-i18next';

import { moduleClasses } from '@/components/ui/class-names';
import { visuallyHidden } from '@/components/ui/visually-hidden';
import { describeApiError } from '@/lib/api-errors';
import type { SampleDeal } from '@/contracts/crm-schema';
import { evaluateFormula, type FormulaNode } from '@/contracts/formula';

import styles from './formula-preview.module.css';

const s = moduleClasses(styles, ['preview', 'deal', 'value', 'note']);

export type SampleDealsState = { status: 'pending' } | { status: 'error'; error: unknown } | { status: 'success'; deals: SampleDeal[] };

export const PREVIEW_DEALS = 5;

/** The expression's value on a few of the account's deals ("—" when a value is missing). */
export function FormulaPreview({ ast, deals, connectorName }: { ast: FormulaNode | null; deals: SampleDealsState; connectorName: string }) {
  const { t, i18n } = useTranslation();
  if (deals.status === 'pending') return <p className={s.note}>{t('calculation.preview.loading')}</p>;
  if (deals.status === 'error') {
    return <p className={s.note}>{t('calculation.preview.error', { reason: describeApiError(deals.error, t, connectorName) })}</p>;
  }
  if (deals.deals.length === 0) return <p className={s.note}>{t('calculation.preview.noDeals')}</p>;
  if (!ast) return <p className={s.note}>{t('calculation.preview.invalid')}</p>;
  const format = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
  return (
    <table className={s.preview}>
      <caption>{t('calculation.preview.caption', { name: connectorName })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('calculation.preview.deal')}</th>
          <th scope="col">{t('calculation.preview.value')}</th>
        </tr>
      </thead>
      <tbody>
        {deals.deals.slice(0, PREVIEW_DEALS).map((deal) => {
          const value = evaluateFormula(ast, { price: deal.price, custom: deal.values });
          return (
            <tr key={deal.id}>
              <th scope="row" className={s.deal} title={deal.name}>
                {deal.name}
              </th>
              <td className={s.value}>
                {value === null ? (
                  <>
                    <span aria-hidden="true">{t('calculation.preview.none')}</span>
                    <span className={visuallyHidden}>{t('calculation.preview.noneLabel')}</span>
                  </>
                ) : (
                  format.format(value)
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
