/**
 * The sandbox RetailCRM's public entry: what the demo program, the server's test kit and the
 * tests use. Pure (no file system, no network): `shop-file.ts` reads fixture files, `msw.ts`
 * hands it to MSW, `../shared/listen.ts` serves it over HTTP.
 */
export {
  buildSandboxShop,
  CUSTOM_FIELD_TYPES,
  DEFAULT_SCOPES,
  demoShop,
  formatShopTime,
  parseShopTime,
  SandboxShopFixtureError,
  shopFixtureSchema,
  SHOP_UTC_OFFSET_MS,
  type SandboxHistoryEntry,
  type SandboxOrder,
  type SandboxShop,
  type ShopFixture,
  type ShopFixtureInput,
} from './fixture';
export {
  createSandboxRetailCrm,
  METHOD_SCOPES,
  PAGE_LIMITS,
  parseRetailCrmFaults,
  RETAILCRM_DEFAULT_FAULTS,
  RETAILCRM_SANDBOX_DEFAULT_ORIGIN,
  type RetailCrmSandboxFaults,
  type RetailCrmSandboxOptions,
  type SandboxRetailCrm,
} from './router';
