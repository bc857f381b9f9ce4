import { useQuery } from '@tanstack/react-query';
import { Dialog } from 'radix-ui';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { connectorConfigQueryOptions, workingConfig } from '@/api/connector-config';
import type { DraftSections } from '@/api/kept-draft';
import { useRestoreVersion, versionListQueryOptions, versionQueryOptions } from '@/api/versions';
import { buttonClass } from '@/components/ui/button';
import { cx } from '@/components/ui/class-names';
import { dialogClass } from '@/components/ui/dialog';
import { feedbackClass } from '@/components/ui/feedback';
import { visuallyHidden } from '@/components/ui/visually-hidden';
import { diffConfigs, type ConfigChange } from '@/contracts/config-diff';
import type { ConnectorId } from '@/contracts/connector';
import type { CrmSchema } from '@/contracts/crm-schema';
import type { MappingConfig } from '@/contracts/mapping-config';
import type { ConfigVersionSummary } from '@/contracts/versions';
import { describeApiError } from '@/lib/api-errors';
import { showWritten, type HistoryScope } from '@/stores/history-store';

import styles from './version-history.module.css';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** One change in the user's language ("moved 3 statuses", "marker Refusal added to «Lost»"). */
export function describeConfigChange(change: ConfigChange, t: Translate, pipelineName: (id: string) => string): string {
  switch (change.kind) {
    case 'statuses_moved':
    case 'other_fields_added':
    case 'other_fields_removed':
      return t(`versions.change.${change.kind}`, { count: change.count });
    case 'pipeline_mapped':
    case 'pipeline_unmapped':
    case 'containers_reordered':
      return t(`versions.change.${change.kind}`, { pipeline: pipelineName(change.pipelineId) });
    case 'marker_added':
    case 'marker_removed':
      return t(`versions.change.${change.kind}`, { marker: t(`mapping.markers.${change.marker}`), container: change.container });
    case 'filter_changed':
      return t('versions.change.filter_changed');
    default:
      return t(`versions.change.${change.kind}`, change);
  }
}

/** The one-line summary of a version: its first changes, then how many more. */
export function summaryLine(version: Pick<ConfigVersionSummary, 'changes'>, t: Translate, pipelineName: (id: string) => string, shown = 3): string {
  if (version.changes.length === 0) return t('versions.noChanges');
  const words = version.changes.slice(0, shown).map((change) => describeConfigChange(change, t, pipelineName));
  const rest = version.changes.length - shown;
  return rest > 0 ? `${words.join(', ')} ${t('versions.more', { count: rest })}` : words.join(', ');
}

/** Every section of `config`, and each pipeline mapped in `current` but not in it as none: what a restore writes. */
function sectionsOf(config: MappingConfig, current: MappingConfig): DraftSections {
  const pipelines: NonNullable<DraftSections['pipelines']> = {};
  for (const pipeline of current.pipelines) pipelines[pipeline.pipelineId] = null;
  for (const pipeline of config.pipelines) pipelines[pipeline.pipelineId] = pipeline;
  return { filter: config.filter, customFields: config.customFields, calculatedFields: config.calculatedFields, pipelines };
}

export interface VersionHistoryProps {
  connector: ConnectorId;
  /** The step on screen: it shows what a restore wrote. */
  scope: HistoryScope;
  /** For the pipelines' names. */
  schema: CrmSchema | undefined;
}

/**
 * History: a button in the wizard's chrome opening the kept versions of the configuration
 * (a dialog; on a phone a full-width sheet): time, activated or draft, what changed. A version
 * chosen shows how it differs from the current draft; Restore makes it the draft.
 */
export function VersionHistory({ connector, scope, schema }: VersionHistoryProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  return (
    <>
      <Dialog.Root open={open} onOpenChange={setOpen}>
        <Dialog.Trigger className={buttonClass({ variant: 'ghost', size: 'small' })} title={t('versions.openTitle')} data-history="versions">
          {t('versions.open')}
        </Dialog.Trigger>
        <Dialog.Portal>
          <Dialog.Overlay className={dialogClass.overlay} />
          <Dialog.Content className={cx(dialogClass.content, styles.panel)}>
            {open ? <HistoryPanel connector={connector} scope={scope} schema={schema} onRestored={setAnnouncement} /> : null}
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
      <p className={visuallyHidden} role="status" aria-live="polite">
        {announcement}
      </p>
    </>
  );
}

function HistoryPanel({ connector, scope, schema, onRestored }: VersionHistoryProps & { onRestored: (message: string) => void }) {
  const { t, i18n } = useTranslation();
  const list = useQuery(versionListQueryOptions(connector));
  const draft = useQuery(connectorConfigQueryOptions(connector));
  const current = workingConfig(connector, draft.data);
  const [selected, setSelected] = useState<number | null>(null);
  const restore = useRestoreVersion(connector);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const pipelineName = useMemo(() => {
    const names = new Map(schema?.pipelines.map((pipeline) => [pipeline.id, pipeline.name]));
    return (id: string) => names.get(id) ?? id;
  }, [schema]);
  const format = useMemo(() => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }), [i18n.language]);
  const limit = list.data?.limit ?? 200;

  const onRestore = (number: number) => {
    setMessage(null);
    restore.mutate(number, {
      onSuccess: (envelope) => {
        showWritten(connector, scope, sectionsOf(envelope.config, current));
        const text = t('versions.restoredAnnouncement', { number });
        setMessage({ text, error: false });
        onRestored(text);
        setSelected(null);
      },
      onError: (error) => setMessage({ text: t('versions.restoreFailed', { reason: describeApiError(error, t) }), error: true }),
    });
  };

  return (
    <div className={styles.layout}>
      <div className={styles.head}>
        <Dialog.Title className={dialogClass.title}>{t('versions.title')}</Dialog.Title>
        <Dialog.Close className={buttonClass({ variant: 'ghost', size: 'small' })}>{t('versions.close')}</Dialog.Close>
      </div>
      <Dialog.Description className={dialogClass.description}>{t('versions.description', { limit })}</Dialog.Description>
      {message ? (
        <p className={message.error ? feedbackClass.errorPanel : styles.done} role={message.error ? 'alert' : undefined}>
          {message.text}
        </p>
      ) : null}
      <div className={styles.columns}>
        <section aria-label={t('versions.list')} className={styles.listBox}>
          {list.isPending ? <p role="status">{t('versions.loading')}</p> : null}
          {list.isError ? (
            <div role="alert" className={feedbackClass.errorPanel}>
              <p>{t('versions.failed')}</p>
              <button type="button" className={buttonClass({ size: 'small' })} onClick={() => void list.refetch()}>
                {t('versions.retry')}
              </button>
            </div>
          ) : null}
          {list.data && list.data.versions.length === 0 ? <p>{t('versions.empty')}</p> : null}
          {list.data && list.data.versions.length > 0 ? (
            <ul className={styles.list}>
              {list.data.versions.map((version) => (
                <li key={version.number}>
                  <button
                    type="button"
                    className={styles.row}
                    aria-pressed={selected === version.number}
                    data-version={version.number}
                    onClick={() => setSelected(version.number)}
                  >
                    <span className={styles.rowHead}>
                      <span className={styles.rowTitle}>{t('versions.number', { number: version.number })}</span>
                      <time dateTime={version.savedAt}>{format.format(new Date(version.savedAt))}</time>
                    </span>
                    <span className={styles.badges}>
                      <span className={cx(styles.badge, version.activated ? styles.badgeActive : undefined)}>
                        {version.activated ? t('versions.activated') : t('versions.draft')}
                      </span>
                      {version.current ? <span className={styles.badge}>{t('versions.current')}</span> : null}
                      {version.kind === 'reset' ? <span className={styles.badge}>{t('versions.reset')}</span> : null}
                      {version.kind === 'restore' && version.restoredFrom !== null ? (
                        <span className={styles.badge}>{t('versions.restored', { number: version.restoredFrom })}</span>
                      ) : null}
                    </span>
                    <span className={styles.summary}>{summaryLine(version, t, pipelineName)}</span>
                    <span className={styles.who}>{t('versions.savedBy')}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
        <section className={styles.detail} aria-live="polite">
          {selected === null ? <p className={styles.hint}>{t('versions.pickVersion')}</p> : (
            <VersionDiff connector={connector} number={selected} current={current} pipelineName={pipelineName} restoring={restore.isPending} onRestore={onRestore} />
          )}
        </section>
      </div>
    </div>
  );
}

function VersionDiff({
  connector,
  number,
  current,
  pipelineName,
  restoring,
  onRestore,
}: {
  connector: ConnectorId;
  number: number;
  current: MappingConfig;
  pipelineName: (id: string) => string;
  restoring: boolean;
  onRestore: (number: number) => void;
}) {
  const { t } = useTranslation();
  const version = useQuery(versionQueryOptions(connector, number));
  const changes = useMemo(() => (version.data ? diffConfigs(current, version.data.config) : []), [current, version.data]);
  if (version.isPending) return <p role="status">{t('versions.loadingVersion')}</p>;
  if (version.isError) return <p role="alert">{describeApiError(version.error, t)}</p>;
  return (
    <div className={styles.diff}>
      <h3 className={styles.diffTitle}>{t('versions.compareTitle', { number })}</h3>
      {changes.length === 0 ? (
        <p>{t('versions.sameAsCurrent')}</p>
      ) : (
        <ul className={styles.changes}>
          {changes.map((change, i) => (
            <li key={i}>{describeConfigChange(change, t, pipelineName)}</li>
          ))}
        </ul>
      )}
      <button type="button" className={buttonClass({ variant: 'primary' })} disabled={restoring || changes.length === 0} onClick={() => onRestore(number)}>
        {restoring ? t('versions.restoring') : t('versions.restore')}
      </button>
    </div>
  );
}
