import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';

import styles from './step-footer.module.css';

export interface StepFooterProps {
  onBack?: () => void;
  onSkip?: () => void;
  onNext?: () => void;
  nextLabel?: string;
  nextDisabled?: boolean;
  busy?: boolean;
  /** Shown beside the buttons: save state, a hint why Next is disabled… */
  status?: ReactNode;
  /** With a form: Next submits it instead of calling onNext. */
  nextType?: 'button' | 'submit';
  form?: string;
}

/** Back / Skip / Next, the same on every step. */
export function StepFooter({ onBack, onSkip, onNext, nextLabel, nextDisabled, busy, status, nextType = 'button', form }: StepFooterProps) {
  const { t } = useTranslation();
  return (
    <div className={styles.footer}>
      <div className={styles.status} aria-live="polite">
        {status}
      </div>
      <div className={styles.actions}>
        {onBack ? (
          <button type="button" className={buttonClass()} onClick={onBack}>
            {t('wizard.back')}
          </button>
        ) : null}
        {onSkip ? (
          <button type="button" className={buttonClass({ variant: 'ghost' })} onClick={onSkip} disabled={busy}>
            {t('wizard.skip')}
          </button>
        ) : null}
        <button
          type={nextType}
          form={form}
          className={buttonClass({ variant: 'primary' })}
          onClick={nextType === 'button' ? onNext : undefined}
          disabled={nextDisabled || busy}
          aria-busy={busy || undefined}
        >
          {nextLabel ?? t('wizard.next')}
        </button>
      </div>
    </div>
  );
}
