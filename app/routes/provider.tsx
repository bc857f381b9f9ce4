import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';

import { initI18n, type Language } from '@/lib/i18n';

export function AppProvider({ queryClient, language, children }: { queryClient: QueryClient; language?: Language; children: ReactNode }) {
  const i18n = initI18n(language);
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </I18nextProvider>
  );
}
