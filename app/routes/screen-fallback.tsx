import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import styles from './screen-fallback.module.css';

/** How long a screen's code may take before the fallback says it is loading. */
export const FALLBACK_MESSAGE_DELAY_MS = 1000;

/**
 * The Suspense fallback of a lazily loaded screen (a page, a wizard step). Usually it is
 * never seen: the code is preloaded with the data and navigations keep the previous screen
 * until the next one is ready. It is an empty polite live region of fixed height (nothing
 * moves when it gets text or is replaced); only when the download takes longer than a
 * moment does it say, and announce, that the screen is loading.
 */
export function ScreenFallback() {
  const { t } = useTranslation();
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setSlow(true), FALLBACK_MESSAGE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, []);
  return (
    <div className={styles.fallback} role="status" aria-live="polite" data-testid="screen-fallback">
      {slow ? t('app.loading') : null}
    </div>
  );
}
