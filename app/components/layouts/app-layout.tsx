import { ToggleGroup } from 'radix-ui';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';

import { LANGUAGES, rememberLanguage, type Language } from '@/lib/i18n';

import './app-layout.css';

const isLanguage = (value: string): value is Language => (LANGUAGES as readonly string[]).includes(value);

export function AppLayout() {
  const { t, i18n } = useTranslation();
  const current = isLanguage(i18n.language) ? i18n.language : 'en';
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <aside className="sidebar">
        <div className="sidebar-inner">
          <div className="brand">
            <img src="/favicon.svg" alt="" width={32} height={32} />
            <span className="brand-text">
              <span className="brand-name">{t('app.name')}</span>
              <span className="brand-tagline">{t('app.tagline')}</span>
            </span>
          </div>
          <nav aria-label={t('nav.main')}>
            <ul className="nav-list">
              <li>
                <NavLink to="/connectors" className="nav-link">
                  <svg className="nav-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
                    <path
                      d="M7 3v4M13 3v4M5 7h10v3a5 5 0 0 1-10 0V7zM10 15v2"
                      fill="none"
                      stroke="currentColor"
                      strokeWidth="1.7"
                      strokeLinecap="round"
                      strokeLinejoin="round"
                    />
                  </svg>
                  <span>{t('nav.connectors')}</span>
                </NavLink>
              </li>
            </ul>
          </nav>
          <div className="sidebar-footer">
            <span id="language-switch-label" className="language-label">
              {t('app.language')}
            </span>
            <ToggleGroup.Root
              type="single"
              className="language-toggle"
              aria-labelledby="language-switch-label"
              value={current}
              onValueChange={(value) => {
                // A single toggle group can be emptied by pressing the active item: keep the choice.
                if (isLanguage(value)) rememberLanguage(value);
              }}
            >
              {LANGUAGES.map((language) => (
                <ToggleGroup.Item key={language} value={language} lang={language} className="language-option">
                  {t(`app.languages.${language}`)}
                </ToggleGroup.Item>
              ))}
            </ToggleGroup.Root>
          </div>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
