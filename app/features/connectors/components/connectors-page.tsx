import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { connectorsQueryOptions } from '@/api/connectors';

import { ConnectorCard } from './connector-card';
import './connectors.css';

export function ConnectorsPage() {
  const { t } = useTranslation();
  const connectors = useQuery(connectorsQueryOptions());
  const [notice, setNotice] = useState('');
  return (
    <section className="page connectors-page" aria-labelledby="connectors-title">
      <header className="page-header">
        <h1 id="connectors-title">{t('connectors.title')}</h1>
        <p className="page-intro">{t('connectors.intro')}</p>
      </header>
      <p className="connectors-notice" role="status">
        {notice}
      </p>
      {connectors.isPending ? (
        <div className="connector-grid" aria-busy="true">
          <p role="status" className="connectors-loading">
            {t('connectors.loading')}
          </p>
          {[0, 1, 2].map((index) => (
            <div key={index} className="connector-card connector-card--skeleton" aria-hidden="true" />
          ))}
        </div>
      ) : null}
      {connectors.isError ? (
        <div role="alert" className="error-panel">
          <p>{t('connectors.loadError')}</p>
          <button type="button" className="button" onClick={() => void connectors.refetch()}>
            {t('connectors.retry')}
          </button>
        </div>
      ) : null}
      {connectors.data ? (
        <ul className="connector-grid" aria-label={t('connectors.catalogue')}>
          {connectors.data.connectors.map((connector) => (
            <li key={connector.id} className="connector-grid-item">
              <ConnectorCard connector={connector} onNotice={setNotice} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
