import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useNavigate, useOutletContext, useParams } from 'react-router';

import { connectorConfigQueryOptions } from '@/api/connector-config';
import { connectorsQueryOptions } from '@/api/connectors';
import { crmSchemaQueryOptions } from '@/api/crm';
import { pageClass } from '@/components/layouts/page';
import { buttonClass } from '@/components/ui/button';
import { feedbackClass } from '@/components/ui/feedback';
import { HistoryControls } from '@/components/wizard/history-controls';
import { VersionHistory } from '@/components/wizard/version-history';
import { describeApiError } from '@/lib/api-errors';
import { connectorIdSchema, type ConnectorId } from '@/contracts/connector';
import { useWizardStore } from '@/stores/wizard-store';

import styles from './setup-layout.module.css';
import { Stepper } from './stepper';
import { deriveStepStatuses, isStepId, resumeStep, stepPath, type StepId, type StepStatus, type WizardData } from './steps';

export interface WizardContext extends WizardData {
  connector: ConnectorId;
  step: StepId;
  statuses: Record<StepId, StepStatus>;
  goTo: (step: StepId, search?: string) => void;
}

/** For the step routes: the connector, the loaded data and navigation. */
export function useWizard(): WizardContext {
  return useOutletContext<WizardContext>();
}

/** The steps that edit the draft (each with its own undo history). */
function isEditingStep(step: StepId): step is 'filter' | 'mapping' | 'calculation' {
  return step === 'filter' || step === 'mapping' || step === 'calculation';
}

function useWizardData(connector: ConnectorId) {
  const connectors = useQuery(connectorsQueryOptions());
  const summary = connectors.data?.connectors.find((item) => item.id === connector);
  const config = useQuery({ ...connectorConfigQueryOptions(connector), enabled: Boolean(summary?.supported) });
  const schema = useQuery({ ...crmSchemaQueryOptions(connector), enabled: Boolean(summary?.hasAccess) });
  return { connectors, summary, config, schema };
}

export function SetupLayout() {
  const { t } = useTranslation();
  // The child routes (routes.tsx) name the step; none without one.
  const { connectorId, step } = useParams();
  const parsed = connectorIdSchema.safeParse(connectorId);
  if (!parsed.success) return <Navigate to="/connectors" replace />;
  return <SetupShell key={parsed.data} connector={parsed.data} step={step} t={t} />;
}

function SetupShell({ connector, step, t }: { connector: ConnectorId; step: string | undefined; t: (key: string, options?: Record<string, unknown>) => string }) {
  const navigate = useNavigate();
  const { connectors, summary, config, schema } = useWizardData(connector);
  const remembered = useWizardStore((state) => state.lastStep[connector]);
  const setLastStep = useWizardStore((state) => state.setLastStep);

  const data: WizardData = { summary, envelope: config.data, schema: schema.data };
  const statuses = useMemo(
    () => deriveStepStatuses({ summary, envelope: config.data, schema: schema.data }),
    [summary, config.data, schema.data],
  );
  const currentStep = isStepId(step) ? step : null;

  useEffect(() => {
    if (currentStep) setLastStep(connector, currentStep);
  }, [connector, currentStep, setLastStep]);

  // A connector the catalogue does not offer (unknown, or "Coming soon") has no wizard.
  if (connectors.data && !summary?.supported) return <Navigate to="/connectors" replace />;
  // A failed background refetch keeps the data it had: the step (and what is typed in it) stays.
  if ((connectors.isError && !connectors.data) || (config.isError && config.data === undefined)) {
    const error = connectors.error ?? config.error;
    return (
      <section className={pageClass.page}>
        <div role="alert" className={feedbackClass.errorPanel}>
          <p>{describeApiError(error, t, summary?.name)}</p>
          <button
            type="button"
            className={buttonClass()}
            onClick={() => {
              void connectors.refetch();
              void config.refetch();
            }}
          >
            {t('wizard.retry')}
          </button>
        </div>
      </section>
    );
  }
  if (connectors.isPending || config.isPending) {
    return (
      <section className={pageClass.page} aria-busy="true">
        <p role="status">{t('wizard.loading')}</p>
      </section>
    );
  }
  if (!currentStep) return <Navigate to={stepPath(connector, resumeStep(statuses, remembered))} replace />;
  if (statuses[currentStep] === 'locked') return <Navigate to={stepPath(connector, 'authorize')} replace />;

  const context: WizardContext = {
    ...data,
    connector,
    step: currentStep,
    statuses,
    goTo: (target, search = '') => void navigate(stepPath(connector, target, search)),
  };

  return (
    <section className={styles.wizard}>
      <header className={pageClass.header}>
        <h1>{t('wizard.title', { name: summary?.name ?? connector })}</h1>
        {summary?.account ? <p className={pageClass.intro}>{t('wizard.account', { name: summary.account.name, domain: summary.account.domain })}</p> : null}
      </header>
      <Stepper connector={connector} current={currentStep} statuses={statuses} />
      {isEditingStep(currentStep) ? (
        <div className={styles.tools}>
          <HistoryControls connector={connector} scope={currentStep} schema={schema.data} />
          {config.data ? <VersionHistory connector={connector} scope={currentStep} schema={schema.data} /> : null}
        </div>
      ) : null}
      <div className={styles.body}>
        <Outlet context={context} />
      </div>
    </section>
  );
}
