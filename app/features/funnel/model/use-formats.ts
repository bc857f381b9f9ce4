import { useTranslation } from 'react-i18next';

import { funnelFormats, type FunnelFormats } from './format';

/** The funnel formats for the current UI language and the account's currency. */
export function useFunnelFormats(currency: string): FunnelFormats {
  const { i18n } = useTranslation();
  return funnelFormats(i18n.language, currency);
}
