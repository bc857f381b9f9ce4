import i18next, { type i18n as I18n, type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';

import type { Catalog } from '@/locales/catalog';
import { catalogueResource } from '@/locales/model/resource';

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'hub-connect.language';

/** A language's whole catalogue (i18next's `translation` namespace). */
type Translation = Catalog;

/**
 * Each language's catalogue is its own chunk, downloaded only when that language is used:
 * the one in use before the first render (main.tsx), the other one when the user switches.
 */
const catalogues: Record<Language, () => Promise<Translation>> = {
  en: () => import('@/locales/en').then((catalog): Translation => catalogueResource(catalog)),
  ru: () => import('@/locales/ru').then((catalog): Translation => catalogueResource(catalog)),
};

/** The app's one i18next instance (its own, not i18next's global one). */
const instance: I18n = i18next.createInstance();
const loaded = new Map<Language, Translation>();
const loading = new Map<Language, Promise<void>>();
/** The language last asked for: a slower download of an earlier choice must not win over it. */
let wanted: Language | null = null;

export function isLanguageLoaded(language: Language): boolean {
  return loaded.has(language);
}

/** Downloads `language`'s catalogue once (concurrent calls share the download; a failed one can be retried). */
export function loadLanguage(language: Language): Promise<void> {
  if (loaded.has(language)) return Promise.resolve();
  let pending = loading.get(language);
  if (!pending) {
    pending = catalogues[language]().then(
      (translation) => {
        loaded.set(language, translation);
        loading.delete(language);
        if (instance.isInitialized) instance.addResourceBundle(language, 'translation', translation, true, true);
      },
      (error: unknown) => {
        loading.delete(language);
        throw error;
      },
    );
    loading.set(language, pending);
  }
  return pending;
}

/** The remembered choice, else the browser's language: Russian for `ru`, English otherwise. */
export function detectLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored === 'ru' || stored === 'en') return stored;
  } catch {
    // Storage can be unavailable (privacy mode); fall through to the browser's language.
  }
  const browser = (navigator.languages?.[0] ?? navigator.language ?? '').toLowerCase();
  return browser.startsWith('ru') ? 'ru' : 'en';
}

/**
 * Switches to `language`: at once when its catalogue is here, else after downloading it, the
 * page staying in the current language meanwhile (never a flash of keys).
 */
function switchLanguage(language: Language): Promise<void> {
  wanted = language;
  if (loaded.has(language)) {
    if (instance.language === language) return Promise.resolve();
    return instance.changeLanguage(language).then(() => undefined);
  }
  return loadLanguage(language).then(async () => {
    if (wanted === language) await instance.changeLanguage(language);
  });
}

/**
 * Remembers the user's choice and switches to it (once its catalogue has arrived, if this is
 * the first time; a failed download leaves the page as it was, and choosing again retries).
 */
export function rememberLanguage(language: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered, but still switched for this page.
  }
  switchLanguage(language).catch(() => undefined);
}

/**
 * The app's i18next, in `language`. Synchronous: the language's catalogue must have been
 * loaded already (`prepareI18n` does both; tests load both catalogues in their setup).
 */
export function initI18n(language: Language = detectLanguage()): I18n {
  if (!instance.isInitialized) {
    wanted = language;
    const resources: Resource = {};
    for (const [lng, translation] of loaded) resources[lng] = { translation };
    void instance.use(initReactI18next).init({
      resources,
      lng: language,
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
      returnNull: false,
    });
    instance.on('languageChanged', (lng) => {
      document.documentElement.lang = lng;
    });
    document.documentElement.lang = language;
    // Not downloaded yet (or the download failed): shown once it arrives.
    if (!loaded.has(language)) {
      loadLanguage(language).then(
        () => void instance.changeLanguage(language),
        () => undefined,
      );
    }
  } else if (instance.language !== language || wanted !== language) {
    void switchLanguage(language);
  }
  return instance;
}

/** Before the first render: downloads the catalogue of the language to show, then initializes i18next in it. */
export async function prepareI18n(language: Language = detectLanguage()): Promise<I18n> {
  await loadLanguage(language);
  return initI18n(language);
}
