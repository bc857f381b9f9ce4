import * as en from './en';
import { catalogueResource } from './model/resource';
import * as ru from './ru';

/**
 * Both languages' i18next resources, for tests and the catalogue checks. The app does not
 * import this module: it loads the one language in use (`loadLanguage` in `@/lib/i18n`).
 */
export const resources = {
  en: { translation: catalogueResource(en) },
  ru: { translation: catalogueResource(ru) },
} as const;
