import * as en from './en';
import * as ru from './ru';

const build = (catalog: typeof en | typeof ru) => {
  const { common, ...areas } = catalog;
  return { ...common, ...areas };
};

/** i18next resources: every area's catalogue under its own key (`t('mapping.…')`), common keys at the root. */
export const resources = {
  en: { translation: build(en) },
  ru: { translation: build(ru) },
} as const;
