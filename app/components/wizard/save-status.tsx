import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError } from '@/lib/api-client';

export type SaveState = { status: 'idle' | 'pending' | 'saved' } | { status: 'error'; error: unknown; retry: () => void };

/** "Saving…" / "All changes saved" / an error with "Try again" — one line, announced politely. */
export function SaveStatus({ state, retryRef }: { state: SaveState; retryRef?: Ref<HTMLButtonElement> }) {
  const { t } = useTranslation();
  switch (state.status) {
    case 'pending':
      return <span className="save-status">{t('wizard.saving')}</span>;
    case 'saved':
      return <span className="save-status save-status--ok">{t('wizard.saved')}</span>;
    case 'error':
      return (
        <span className="save-status save-status--error" role="alert">
          {describeApiError(state.error, t)}{' '}
          <button ref={retryRef} type="button" className="button button--small" onClick={state.retry}>
            {t('wizard.retry')}
          </button>
        </span>
      );
    default:
      return null;
  }
}

/** A user-facing sentence for an API failure: the message catalogue by code, else the server's detail. */
export function describeApiError(error: unknown, t: (key: string, options?: Record<string, unknown>) => string): string {
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`;
    const translated = t(key, { defaultValue: '' });
    if (translated) return translated;
    if (error.problem?.detail) return error.problem.detail;
  }
  return t('errors.generic');
}
