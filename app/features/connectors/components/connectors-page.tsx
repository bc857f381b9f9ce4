import { useQuery } from '@tanstack/react-query';
import { useState, type ComponentType, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { connectorsQueryOptions } from '@/api/connectors';
import type { ConnectorSummary } from '@/contracts/connector';
import { pageClass } from '@/components/layouts/page';
import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { feedbackClass } from '@/components/ui/feedback';

import type { ExtraConnectorAction } from './connector-actions-menu';
import { ConnectorCard } from './connector-card';
import styles from './connectors.module.css';

const s = moduleClasses(styles, ['grid', 'gridItem', 'notice', 'loading', 'card', 'skeleton']);
const SKELETON = cx(s.card, s.skeleton);

export interface ConnectorsPageProps {
  /** What the CRM changed under a connector (composed in by the route from the review feature). */
  driftSummary?: (connector: ConnectorSummary) => ReactNode;
  /**
   * Wraps each card and gives it more ⋯ menu entries (export and import, from the transfer
   * feature, composed in by the route); it may render next to the card (its dialog).
   */
  cardActions?: ComponentType<{
    connector: ConnectorSummary;
    onNotice: (message: string) => void;
    children: (actions: ExtraConnectorAction[]) => ReactNode;
  }>;
}

export function ConnectorsPage({ driftSummary, cardActions: CardActions }: ConnectorsPageProps = {}) {
  const { t } = useTranslation();
  const connectors = useQuery(connectorsQueryOptions());
  const [notice, setNotice] = useState('');
  return (
    <section className={pageClass.page} aria-labelledby="connectors-title">
      <header className={pageClass.header}>
        <h1 id="connectors-title">{t('connectors.title')}</h1>
        <p className={pageClass.intro}>{t('connectors.intro')}</p>
      </header>
      <p className={s.notice} role="status">
        {notice}
      </p>
      {connectors.isPending ? (
        <div className={s.grid} aria-busy="true">
          <p role="status" className={s.loading}>
            {t('connectors.loading')}
          </p>
          {[0, 1, 2].map((index) => (
            <div key={index} className={SKELETON} aria-hidden="true" />
          ))}
        </div>
      ) : null}
      {connectors.isError ? (
        <div role="alert" className={feedbackClass.errorPanel}>
          <p>{t('connectors.loadError')}</p>
          <button type="button" className={buttonClass()} onClick={() => void connectors.refetch()}>
            {t('connectors.retry')}
          </button>
        </div>
      ) : null}
      {connectors.data ? (
        <ul className={s.grid} aria-label={t('connectors.catalogue')}>
          {connectors.data.connectors.map((connector) => (
            <li key={connector.id} className={s.gridItem}>
              {CardActions ? (
                <CardActions connector={connector} onNotice={setNotice}>
                  {(actions) => (
                    <ConnectorCard
                      connector={connector}
                      onNotice={setNotice}
                      driftSummary={connector.drift ? driftSummary?.(connector) : undefined}
                      extraActions={actions}
                    />
                  )}
                </CardActions>
              ) : (
                <ConnectorCard connector={connector} onNotice={setNotice} driftSummary={connector.drift ? driftSummary?.(connector) : undefined} />
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
