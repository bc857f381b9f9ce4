import { ToggleGroup } from 'radix-ui';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation } from 'react-router';

import { CloseIcon, MenuIcon } from '@/components/ui/icons';
import { LANGUAGES, rememberLanguage, type Language } from '@/lib/i18n';

import styles from './app-layout.module.css';

const isLanguage = (value: string): value is Language => (LANGUAGES as readonly string[]).includes(value);

const PANEL_ID = 'app-navigation-panel';

/**
 * The navigation panel's open state on a phone (elsewhere the panel is always shown and the
 * menu button hidden). It belongs to the location it was opened at, so any navigation closes it.
 */
function useNavigationPanel(buttonRef: RefObject<HTMLButtonElement | null>, panelRef: RefObject<HTMLElement | null>) {
  const { key } = useLocation();
  const [openAt, setOpenAt] = useState<string | null>(null);
  const open = openAt === key;

  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      const focusWasInside = panelRef.current?.contains(document.activeElement) ?? false;
      setOpenAt(null);
      if (focusWasInside || document.activeElement === document.body) buttonRef.current?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [open, buttonRef, panelRef]);

  return {
    open,
    toggle: () => setOpenAt(open ? null : key),
    close: () => setOpenAt(null),
  };
}

export function AppLayout() {
  const { t, i18n } = useTranslation();
  const current = isLanguage(i18n.language) ? i18n.language : 'en';
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panel = useNavigationPanel(menuButtonRef, panelRef);
  return (
    <div className={styles.shell}>
      <a className={styles.skipLink} href="#main">
        {t('app.skipToContent')}
      </a>
      <aside className={styles.sidebar}>
        <div className={styles.sidebarInner}>
          <div className={styles.bar}>
            <div className={styles.brand}>
              <img className={styles.brandLogo} src="/favicon.svg" alt="" width={32} height={32} />
              <span className={styles.brandText}>
                <span className={styles.brandName}>{t('app.name')}</span>
                <span className={styles.brandTagline}>{t('app.tagline')}</span>
              </span>
            </div>
            <button
              ref={menuButtonRef}
              type="button"
              className={styles.menuButton}
              aria-label={t('nav.main')}
              aria-expanded={panel.open}
              aria-controls={PANEL_ID}
              onClick={panel.toggle}
            >
              {panel.open ? <CloseIcon width={20} height={20} /> : <MenuIcon width={20} height={20} />}
            </button>
          </div>
          <div ref={panelRef} id={PANEL_ID} className={styles.panel} data-open={panel.open || undefined}>
            <nav aria-label={t('nav.main')}>
              <ul className={styles.navList}>
                <li>
                  <NavLink to="/connectors" className={styles.navLink} onClick={panel.close}>
                    <svg className={styles.navIcon} viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
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
            <div className={styles.sidebarFooter}>
              <span id="language-switch-label" className={styles.languageLabel}>
                {t('app.language')}
              </span>
              <ToggleGroup.Root
                type="single"
                className={styles.languageToggle}
                aria-labelledby="language-switch-label"
                value={current}
                onValueChange={(value) => {
                  // A single toggle group can be emptied by pressing the active item: keep the choice.
                  if (isLanguage(value)) rememberLanguage(value);
                }}
              >
                {LANGUAGES.map((language) => (
                  <ToggleGroup.Item key={language} value={language} lang={language} className={styles.languageOption}>
                    {t(`app.languages.${language}`)}
                  </ToggleGroup.Item>
                ))}
              </ToggleGroup.Root>
            </div>
          </div>
        </div>
      </aside>
      {panel.open ? <div className={styles.backdrop} aria-hidden="true" onClick={panel.close} /> : null}
      <main id="main" className={styles.main} tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
