import '@testing-library/jest-dom/vitest';

import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

import { setDealsEngine } from '@/features/funnel/model/use-deals';
import { loadLanguage } from '@/lib/i18n';
import { useDriftReviewStore } from '@/stores/drift-review-store';

// The app downloads one language's catalogue at a time; components under test render at once in either.
await Promise.all([loadLanguage('en'), loadLanguage('ru')]);

afterEach(() => {
  cleanup();
  window.localStorage.clear();
  window.sessionStorage.clear();
  // A store kept in sessionStorage also lives in memory: each test starts without answers.
  useDriftReviewStore.setState({ acknowledged: {} });
  // jsdom has no Worker: the deals engine runs on the test's thread; each test reads its own deals.
  setDealsEngine(undefined);
});
