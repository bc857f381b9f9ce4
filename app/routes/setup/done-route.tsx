import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { useActivateConnector, workingConfig } from '@/api/connector-config';
import { pageClass } from '@/components/layouts/page';
import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { formClass } from '@/components/ui/form';
import { describeApiError } from '@/lib/api-errors';
import { WizardStep } from '@/components/wizard/wizard-step';
import { findActivationProblems } from '@/contracts/activation';
import { CRM_CHANGED_REASON } from '@/contracts/drift';
import { ApiError } from '@/lib/api-client';
import { ActivationProblemsList } from '@/components/wizard/activation-problems-list';
import { FunnelSummary } from '@/features/funnel/components/funnel-summary';

import { useWizard } from './setup-layout';
import styles from './done-route.module.css';
import { stepPath } from './steps';

const s = moduleClasses(styles, ['step', 'hero', 'mark', 'account', 'summary', 'summaryList', 'actions']);
const ACCOUNT = cx(pageClass.intro, s.account);

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
    const account = summary.account ? t('connectors.finished.account', { account: summary.account.name }) : null;
    return (
      <section className={s.step} aria-labelledby="done-title">
        <div className={s.hero}>
          <svg className={s.mark} viewBox="0 0 48 48" width="56" height="56" aria-hidden="true" focusable="false">
            <circle cx="24" cy="24" r="24" fill="currentColor" opacity="0.14" />
            <path d="M14 25l7 7 13-15" fill="none" stroke="currentColor" strokeWidth="3.5" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <h2 id="done-title">{t('connectors.finished.title', { name })}</h2>
          {account ? <p className={ACCOUNT}>{account}</p> : null}
        </div>
        <div className={s.summary}>
          <h3>{t('connectors.finished.summaryTitle')}</h3>
          <ul className={s.summaryList}>
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
        <FunnelSummary connector={connector} config={config} schema={schema} />
        <div className={s.actions}>
          <Link className={buttonClass({ variant: 'primary' })} to="/connectors">
            {t('connectors.finished.toConnectors')}
          </Link>
        </div>
      </section>
    );
  }

  const serverProblems = activate.error instanceof ApiError && activate.error.code === 'config_incomplete' ? (activate.error.problem?.errors ?? []) : null;
  const problems = serverProblems ?? findActivationProblems(config, schema ?? null);
  // Connected once, then the CRM changed under it: the review's result is activated again.
  const reactivating = summary?.state === 'attention' && summary.attentionReason === CRM_CHANGED_REASON;
  return (
    <WizardStep
      className={s.step}
      titleId="done-title"
      title={reactivating ? t('connectors.finished.reactivateTitle', { name }) : t('connectors.finished.notYetTitle', { name })}
      intro={
        problems.length > 0
          ? t('connectors.finished.notYetIntro')
          : reactivating
            ? t('connectors.finished.reactivateReady', { name })
            : t('connectors.finished.notYetReady', { name })
      }
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
        <p className={formClass.error} role="alert">
          {describeApiError(activate.error, t, name)}
        </p>
      ) : null}
      <div className={s.actions}>
        {problems.length === 0 ? (
          <button type="button" className={buttonClass({ variant: 'primary' })} onClick={() => activate.mutate()} disabled={activate.isPending}>
            {activate.isPending ? t('connectors.finished.finishing') : reactivating ? t('connectors.finished.reactivate') : t('connectors.finished.finish')}
          </button>
        ) : null}
        <Link className={buttonClass()} to="/connectors">
          {t('connectors.finished.toConnectors')}
        </Link>
      </div>
    </WizardStep>
  );
}
