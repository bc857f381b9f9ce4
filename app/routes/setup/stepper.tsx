import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { STEP_IDS, stepPath, type StepId, type StepStatus } from './steps';

/** The wizard's steps as an ordered list of links; the current one is marked `aria-current="step"`. */
export function Stepper({ connector, current, statuses }: { connector: string; current: StepId; statuses: Record<StepId, StepStatus> }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('wizard.stepsLabel')} className="stepper">
      <ol>
        {STEP_IDS.map((step, index) => {
          const status = statuses[step];
          const isCurrent = step === current;
          const label = t(`wizard.steps.${step}`);
          const statusText = t(`wizard.stepStatus.${status}`);
          return (
            <li key={step} className="stepper-item" data-status={status} data-current={isCurrent || undefined}>
              {status === 'locked' && !isCurrent ? (
                <span className="stepper-link" aria-disabled="true">
                  <span className="stepper-index" aria-hidden="true">
                    {index + 1}
                  </span>
                  <span>
                    {label}
                    <span className="visually-hidden">, {statusText}</span>
                  </span>
                </span>
              ) : (
                <Link className="stepper-link" to={stepPath(connector, step)} aria-current={isCurrent ? 'step' : undefined}>
                  <span className="stepper-index" aria-hidden="true">
                    {status === 'done' ? '✓' : index + 1}
                  </span>
                  <span>
                    {label}
                    <span className="visually-hidden">, {statusText}</span>
                  </span>
                </Link>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
