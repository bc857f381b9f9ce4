import type * as en from '../en';
import type * as ru from '../ru';

/** One language's i18next `translation` namespace: every area's catalogue under its own key (`t('mapping.…')`), common keys at the root. */
export function catalogueResource<C extends typeof en | typeof ru>(catalog: C) {
  const { common, ...areas } = catalog;
  return { ...common, ...areas };
}
