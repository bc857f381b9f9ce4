/**
 * The sandbox Bitrix24's public entry: what the demo program, the server's test kit and the
 * tests use. Pure (no file system, no network): `portal-file.ts` reads fixture files, `msw.ts`
 * hands it to MSW, `../shared/listen.ts` serves it over HTTP.
 */
export {
  BITRIX24_SANDBOX_CLIENT_ID,
  BITRIX24_SANDBOX_CLIENT_SECRET,
  BITRIX24_SANDBOX_DEFAULT_ORIGIN,
  BITRIX24_SANDBOX_DEFAULT_REDIRECT_URI,
  type Bitrix24Integration,
} from './context';
export { BITRIX24_DEFAULT_FAULTS, parseBitrix24Faults, SandboxFaultsError, type Bitrix24SandboxFaults } from './faults';
export {
  buildSandboxPortal,
  demoPortal,
  MAX_DEAL_USER_FIELDS,
  portalFixtureSchema,
  SandboxPortalFixtureError,
  USER_FIELD_TYPES,
  UTM_FIELDS,
  type PortalFixture,
  type PortalFixtureInput,
  type SandboxDeal,
  type SandboxLead,
  type SandboxPortal,
  type SandboxStageChange,
  type SandboxStatus,
} from './fixture';
export { BITRIX24_SCOPE } from './oauth';
export { BATCH_LIMIT } from './rest';
export { PAGE_SIZE } from './list';
export { createSandboxBitrix24, type Bitrix24SandboxOptions, type SandboxBitrix24 } from './router';
