import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { connectorsQueryOptions } from '@/api/connectors';
import type { ConnectorSummary } from '@/contracts/connector';

function ConnectorCard({ connector }: { connector: ConnectorSummary }) {
  const { t } = useTranslation();
  const titleId = `connector-${connector.id}-title`;
  return (
    <article className="connector-card" aria-labelledby={titleId} data-state={connector.state}>
      <div className={`connector-logo connector-logo--${connector.id}`} aria-hidden="true">
        {connector.name.slice(0, 1)}
      </div>
      <h2 id={titleId} className="connector-name">
        {connector.name}
      </h2>
      <p className="connector-state">
        {connector.supported ? t(`connectors.state.${connector.state}`) : t('connectors.comingSoon')}
      </p>
      {connector.account ? <p className="connector-account">{t('connectors.account', { name: connector.account.name })}</p> : null}
    </article>
  );
}

export function ConnectorsPage() {
  const { t } = useTranslation();
  const connectors = useQuery(connectorsQueryOptions());
  return (
    <section className="page">
      <header className="page-header">
        <h1>{t('connectors.title')}</h1>
        <p className="page-intro">{t('connectors.intro')}</p>
      </header>
      {connectors.isPending ? <p role="status">{t('connectors.loading')}</p> : null}
      {connectors.isError ? (
        <div role="alert" className="error-panel">
          <p>{t('connectors.loadError')}</p>
          <button type="button" className="button" onClick={() => void connectors.refetch()}>
            {t('connectors.retry')}
          </button>
        </div>
      ) : null}
      {connectors.data ? (
        <div className="connector-grid">
          {connectors.data.connectors.map((connector) => (
            <ConnectorCard key={connector.id} connector={connector} />
          ))}
        </div>
      ) : null}
    </section>
  );
}
