import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { visuallyHidden } from '@/components/ui/visually-hidden';

import { STEP_IDS, stepPath, type StepId, type StepStatus } from './steps';
import styles from './stepper.module.css';

/** The wizard's steps as an ordered list of links; the current one is marked `aria-current="step"`. */
export function Stepper({ connector, current, statuses }: { connector: string; current: StepId; statuses: Record<StepId, StepStatus> }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('wizard.stepsLabel')}>
      <ol className={styles.list}>
        {STEP_IDS.map((step, index) => {
          const status = statuses[step];
          const isCurrent = step === current;
          const label = t(`wizard.steps.${step}`);
          const statusText = t(`wizard.stepStatus.${status}`);
          return (
            <li key={step} className={styles.item} data-status={status} data-current={isCurrent || undefined}>
              {status === 'locked' && !isCurrent ? (
                <span className={styles.link} aria-disabled="true">
                  <span className={styles.index} aria-hidden="true">
                    {index + 1}
                  </span>
                  <span className={styles.label}>
                    {label}
                    <span className={visuallyHidden}>, {statusText}</span>
                  </span>
                </span>
              ) : (
                <Link className={styles.link} to={stepPath(connector, step)} aria-current={isCurrent ? 'step' : undefined}>
                  <span className={styles.index} aria-hidden="true">
                    {status === 'done' ? '✓' : index + 1}
                  </span>
                  <span className={styles.label}>
                    {label}
                    <span className={visuallyHidden}>, {statusText}</span>
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
