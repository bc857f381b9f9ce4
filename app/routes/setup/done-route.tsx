import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { useActivateConnector, workingConfig } from '@/api/connector-config';
import { describeApiError } from '@/components/wizard/save-status';
import { WizardStep } from '@/components/wizard/wizard-step';
import { findActivationProblems } from '@/contracts/activation';
import { ApiError } from '@/lib/api-client';
import { ActivationProblemsList } from '@/features/calculated-fields/components/activation-problems-list';

import { useWizard } from './setup-layout';
import { stepPath } from './steps';
import './done-route.css';

/** The end of the wizard: congratulations when connected; otherwise what is still missing, with the way back. */
export function DoneRoute() {
  const { t } = useTranslation();
  const { connector, summary, envelope, schema } = useWizard();
  const activate = useActivateConnector(connector);
  const name = summary?.name ?? connector;
  const config = workingConfig(connector, envelope);

  if (summary?.state === 'connected') {
    const conditions = config.filter.conditions.length;
    const fields = config.customFields.otherFields.length;
    return (
      <section className="done-step" aria-labelledby="done-title">
        <div className="done-hero">
          <svg className="done-mark" viewBox="0 0 48 48" width="56" height="56" aria-hidden="true" focusable="false">
            <circle cx="24" cy="24" r="24" fill="currentColor" opacity="0.14" />
            <path d="M14 25l7 7 13-15" fill="none" stroke="currentColor" strokeWidth="3.5" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <h2 id="done-title">{t('connectors.finished.title', { name })}</h2>
          {summary.account ? <p className="page-intro">{t('connectors.finished.account', { account: summary.account.name })}</p> : null}
        </div>
        <div className="done-summary">
          <h3>{t('connectors.finished.summaryTitle')}</h3>
          <ul>
            <li>
              {conditions > 0 ? t('connectors.finished.summaryFilter', { count: conditions }) : t('connectors.finished.summaryFilterNone')}
            </li>
            <li>{t('connectors.finished.summaryPipelines', { count: config.pipelines.length })}</li>
            <li>{fields > 0 ? t('connectors.finished.summaryFields', { count: fields }) : t('connectors.finished.summaryFieldsAll')}</li>
            <li>
              {config.calculatedFields.length > 0
                ? t('connectors.finished.summaryCalculated', { count: config.calculatedFields.length })
                : t('connectors.finished.summaryCalculatedNone')}
            </li>
          </ul>
        </div>
        <div className="done-actions">
          <Link className="button button--primary" to="/connectors">
            {t('connectors.finished.toConnectors')}
          </Link>
        </div>
      </section>
    );
  }

  const serverProblems = activate.error instanceof ApiError && activate.error.code === 'config_incomplete' ? (activate.error.problem?.errors ?? []) : null;
  const problems = serverProblems ?? findActivationProblems(config, schema ?? null);
  return (
    <WizardStep
      className="done-step"
      titleId="done-title"
      title={t('connectors.finished.notYetTitle', { name })}
      intro={problems.length > 0 ? t('connectors.finished.notYetIntro') : t('connectors.finished.notYetReady', { name })}
    >
      {problems.length > 0 ? (
        <ActivationProblemsList
          problems={problems}
          config={config}
          schema={schema}
          connectorName={name}
          stepHref={(step) => stepPath(connector, step)}
          autoFocus={serverProblems !== null}
        />
      ) : null}
      {activate.isError && !serverProblems ? (
        <p className="field-error" role="alert">
          {describeApiError(activate.error, t)}
        </p>
      ) : null}
      <div className="done-actions">
        {problems.length === 0 ? (
          <button type="button" className="button button--primary" onClick={() => activate.mutate()} disabled={activate.isPending}>
            {activate.isPending ? t('connectors.finished.finishing') : t('connectors.finished.finish')}
          </button>
        ) : null}
        <Link className="button" to="/connectors">
          {t('connectors.finished.toConnectors')}
        </Link>
      </div>
    </WizardStep>
  );
}
