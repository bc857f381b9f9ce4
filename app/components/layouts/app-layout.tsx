import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';

import { LANGUAGES, rememberLanguage, type Language } from '@/lib/i18n';

export function AppLayout() {
  const { t, i18n } = useTranslation();
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <aside className="sidebar">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>{t('app.name')}</span>
        </div>
        <nav aria-label={t('nav.main')}>
          <ul className="nav-list">
            <li>
              <NavLink to="/connectors" className="nav-link">
                {t('nav.connectors')}
              </NavLink>
            </li>
          </ul>
        </nav>
        <label className="language-switch">
          <span>{t('app.language')}</span>
          <select value={i18n.language} onChange={(event) => rememberLanguage(event.target.value as Language)}>
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {language === 'ru' ? 'Русский' : 'English'}
              </option>
            ))}
          </select>
        </label>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
