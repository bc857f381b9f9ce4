import { useTranslation } from 'react-i18next';

import { useConnectorName } from '@/api/connectors';
import { useRefreshDeals } from '@/api/deals';
import { buttonClass } from '@/components/ui/button';
import { moduleClasses } from '@/components/ui/class-names';
import type { ConnectorId } from '@/contracts/connector';
import type { DealSync } from '@/contracts/deals';
import { visuallyHidden } from '@/components/ui/visually-hidden';
import { describeApiError } from '@/lib/api-errors';

import { funnelFormats, relativeTime } from '../model/format';

import styles from './deal-sync-status.module.css';

const s = moduleClasses(styles, ['status', 'text', 'bar', 'failed']);
const SMALL_BUTTON = buttonClass({ variant: 'ghost', size: 'small' });

/**
 * Where loading the account's deals stands: "Loading deals from amoCRM: 1,250 of 2,000" with a
 * progress bar, "Deals loaded 5 minutes ago" with "Load again", or why it stopped with "Try again".
 * Announced politely as it changes.
 */
export function DealSyncStatus({ connector, sync }: { connector: ConnectorId; sync: DealSync | undefined }) {
  const { t, i18n } = useTranslation();
  const crm = useConnectorName(connector);
  const refresh = useRefreshDeals(connector);
  const formats = funnelFormats(i18n.language, 'RUB');
  if (!sync) return null;

  const loading = sync.state === 'loading' || refresh.isPending;
  let text: string;
  let when: React.ReactNode = null;
  if (sync.state === 'loading') {
    const loaded = formats.count(sync.loaded);
    text = sync.total !== null ? t('funnel.sync.loadingOf', { crm, loaded, total: formats.count(sync.total) }) : t('funnel.sync.loading', { crm, loaded });
  } else if (sync.state === 'failed') {
    text = t('funnel.sync.failed', { reason: sync.error?.message ?? '' });
  } else if (sync.syncedAt) {
    // The count on screen; when, in the tooltip and for screen readers (a time that ticks would
    // make the line change under the user's eyes).
    text = t('funnel.sync.done', { count: sync.loaded, formatted: formats.count(sync.loaded) });
    when = (
      <time dateTime={sync.syncedAt} className={visuallyHidden}>
        {` ${relativeTime(i18n.language, sync.syncedAt)}`}
      </time>
    );
  } else {
    text = t('funnel.sync.idle');
  }
  const share = sync.state === 'loading' && sync.total ? Math.min(1, sync.loaded / sync.total) : null;

  return (
    <div className={s.status} data-state={sync.state}>
      <p
        className={sync.state === 'failed' ? s.failed : s.text}
        role="status"
        title={sync.syncedAt && sync.state === 'done' ? `${relativeTime(i18n.language, sync.syncedAt)} · ${new Date(sync.syncedAt).toLocaleString(i18n.language)}` : undefined}
      >
        {text}
        {when}
      </p>
      {sync.state === 'loading' ? (
        <progress className={s.bar} max={1} value={share ?? undefined} aria-label={text} />
      ) : (
        <button type="button" className={SMALL_BUTTON} onClick={() => refresh.mutate()} disabled={loading}>
          {sync.state === 'failed' ? t('funnel.sync.retry') : sync.syncedAt ? t('funnel.sync.refresh') : t('funnel.sync.start')}
        </button>
      )}
      {refresh.isError ? (
        <p role="alert" className={s.failed}>
          {describeApiError(refresh.error, t, crm)}
        </p>
      ) : null}
    </div>
  );
}
