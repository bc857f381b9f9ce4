/**
 * The server's test kit, for tests outside server/ (the SPA's API bridge, mocks/api/bridge.ts):
 * the real API in-process over a throwaway SQLite file, its CRM side backed by an in-memory
 * sandbox amoCRM (and, with `testCrm: { bitrix24: true }`, a sandbox Bitrix24 next to it), and
 * the OAuth round trip as a browser plays it.
 */
export {
  createTestCrm,
  FakeTiming,
  oauthCallbackUrl,
  sandboxFetch,
  type TestBitrix24,
  type TestBitrix24Options,
  type TestCrm,
  type TestCrmOptions,
  type TestRetailCrm,
  type TestRetailCrmOptions,
} from './crm-test-kit';
export { connectThroughSandbox, followCallback, pressOnConsentPage, startAuthorization } from './sandbox-oauth';
export { collect } from './collect';
export { syncThroughApi, workspaceIdOf } from './deal-sync';
export { createTestServer, freePort, makeTempDir, TEST_ORIGIN, TestClient, type TestServer, type TestServerOptions } from './test-server';
