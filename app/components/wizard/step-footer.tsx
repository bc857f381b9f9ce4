import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

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
    <div className="step-footer">
      <div className="step-footer-status" aria-live="polite">
        {status}
      </div>
      <div className="step-footer-actions">
        {onBack ? (
          <button type="button" className="button" onClick={onBack}>
            {t('wizard.back')}
          </button>
        ) : null}
        {onSkip ? (
          <button type="button" className="button button--ghost" onClick={onSkip} disabled={busy}>
            {t('wizard.skip')}
          </button>
        ) : null}
        <button
          type={nextType}
          form={form}
          className="button button--primary"
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
