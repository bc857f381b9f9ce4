import { ownerOf, type B24Context } from './context';
import type { MethodTable } from './methods';

/**
 * Who and what the token belongs to. Neither method names the portal: Bitrix24 identifies it by
 * `member_id` and its address (`domain`), both in the callback and in every token answer.
 *
 * - `profile`: the user who authorized the application (`ID` is a string, `ADMIN` a boolean);
 * - `app.info`: the application on this portal (a local application: `STATUS` `L`) and the plan;
 * - `crm.currency.base.get`: the portal's base currency (the code, e.g. `RUB`), what amounts are in.
 */
export function portalMethods(ctx: B24Context): MethodTable {
  const { portal } = ctx.portal.fixture;
  const [, licenseType = ''] = portal.license.split('_');
  return {
    profile: () => {
      const user = ownerOf(ctx);
      return {
        result: { ID: String(user.id), ADMIN: user.admin, NAME: user.name, LAST_NAME: user.lastName, PERSONAL_GENDER: '', TIME_ZONE: '' },
      };
    },
    'app.info': () => ({
      result: {
        ID: ctx.integration.appId,
        CODE: ctx.integration.clientId,
        VERSION: 1,
        STATUS: 'L',
        INSTALLED: true,
        PAYMENT_EXPIRED: 'N',
        DAYS: null,
        LANGUAGE_ID: portal.language,
        LICENSE: portal.license,
        LICENSE_TYPE: licenseType,
        LICENSE_FAMILY: licenseType.replace(/\d+$/, ''),
      },
    }),
    'crm.currency.base.get': () => ({ result: portal.currency }),
  };
}
