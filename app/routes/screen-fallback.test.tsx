import { act, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { initI18n } from '@/lib/i18n';

import { FALLBACK_MESSAGE_DELAY_MS, ScreenFallback } from './screen-fallback';

afterEach(() => {
  vi.useRealTimers();
});

describe('the fallback of a screen still downloading', () => {
  it('is a silent polite live region at first, and says (and so announces) that it is loading after a moment', () => {
    vi.useFakeTimers();
    render(
      <I18nextProvider i18n={initI18n('en')}>
        <ScreenFallback />
      </I18nextProvider>,
    );
    const status = screen.getByRole('status');
    expect(status).toHaveAttribute('aria-live', 'polite');
    expect(status).toBeEmptyDOMElement();
    act(() => {
      vi.advanceTimersByTime(FALLBACK_MESSAGE_DELAY_MS - 1);
    });
    expect(status).toBeEmptyDOMElement();
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(status).toHaveTextContent('Loading…');
  });
});
