import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { describeApiError } from '@/lib/api-errors';

import styles from './save-status.module.css';

const classes = moduleClasses(styles, ['saveStatus', 'ok', 'error', 'withAction']);

/**
 * For a step's own status line in the footer: `status` always, plus `ok` (green) or `error` (red):
 * `cx(saveStatusClass.status, saveStatusClass.error)`. `withAction` lays out a message with a button.
 */
export const saveStatusClass = {
  status: classes.saveStatus,
  ok: classes.ok,
  error: classes.error,
  withAction: classes.withAction,
} as const satisfies Record<string, string>;

export type SaveState = { status: 'idle' | 'pending' | 'saved' } | { status: 'error'; error: unknown; retry: () => void };

/** "Saving…" / "All changes saved" / an error with "Try again" — one line, announced politely. */
export function SaveStatus({ state, retryRef }: { state: SaveState; retryRef?: Ref<HTMLButtonElement> }) {
  const { t } = useTranslation();
  switch (state.status) {
    case 'pending':
      return <span className={saveStatusClass.status}>{t('wizard.saving')}</span>;
    case 'saved':
      return <span className={cx(saveStatusClass.status, saveStatusClass.ok)}>{t('wizard.saved')}</span>;
    case 'error':
      return (
        <span className={cx(saveStatusClass.status, saveStatusClass.error, saveStatusClass.withAction)} role="alert">
          {describeApiError(state.error, t)}{' '}
          <button ref={retryRef} type="button" className={buttonClass({ size: 'small' })} onClick={state.retry}>
            {t('wizard.retry')}
          </button>
        </span>
      );
    default:
      return null;
  }
}

