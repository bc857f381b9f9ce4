/**
 * The sandbox amoCRM's public entry: what the demo program, the server's test kit and the
 * tests use. Pure (no file system, no network): `account-file.ts` reads fixture files,
 * `msw.ts` hands it to MSW, `../shared/listen.ts` serves it over HTTP.
 */
export {
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_DEFAULT_ORIGIN,
  SANDBOX_DEFAULT_REDIRECT_URI,
  type SandboxIntegration,
} from './context';
export { DEFAULT_FAULTS, parseSandboxFaults, SandboxFaultsError, type SandboxFaults } from './faults';
export {
  accountFixtureSchema,
  buildSandboxAccount,
  demoAccount,
  LEAD_FIELD_TYPES,
  SandboxFixtureError,
  type AccountFixture,
  type AccountFixtureInput,
  type SandboxAccount,
  type SandboxLead,
  type SandboxStatusChange,
} from './fixture';
export { createSandboxAmo, type SandboxAmo, type SandboxOptions } from './router';
