/**
 * The funnel's numbers in the UI language's formats: counts (`1 250` / `1,250`), money in the
 * account's currency without kopecks, by its sign (`1 250 000 ₽` / `₽1,250,000`), conversions as percents.
 */
export interface FunnelFormats {
  count: (value: number) => string;
  money: (value: number) => string;
  percent: (value: number | null | undefined) => string;
}

const cache = new Map<string, FunnelFormats>();

function moneyFormat(language: string, currency: string): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency, currencyDisplay: 'narrowSymbol', maximumFractionDigits: 0 });
  } catch {
    // A code this browser does not know: the plain number, then the code.
    const plain = new Intl.NumberFormat(language, { maximumFractionDigits: 0 });
    return { format: (value: number) => `${plain.format(value)} ${currency}` } as Intl.NumberFormat;
  }
}

export function funnelFormats(language: string, currency: string): FunnelFormats {
  const key = `${language}|${currency}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const count = new Intl.NumberFormat(language, { maximumFractionDigits: 0 });
  const money = moneyFormat(language, currency);
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 });
  const formats: FunnelFormats = {
    count: (value) => count.format(value),
    money: (value) => money.format(value),
    percent: (value) => (value === null || value === undefined ? '—' : percent.format(value)),
  };
  cache.set(key, formats);
  return formats;
}

/** "5 minutes ago", "yesterday", or the date, in the UI language. */
export function relativeTime(language: string, iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
