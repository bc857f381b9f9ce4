/**
 * The server's test kit, for tests outside server/ (the SPA's API bridge, mocks/api/bridge.ts):
 * the real API in-process over a throwaway SQLite file, its CRM side backed by an in-memory
 * sandbox amoCRM, and the OAuth round trip as a browser plays it.
 */
export { createTestCrm, FakeTiming, sandboxFetch, type TestCrm, type TestCrmOptions } from './crm-test-kit';
export { connectThroughSandbox, followCallback, pressOnConsentPage, startAuthorization } from './sandbox-oauth';
export { createTestServer, freePort, makeTempDir, TEST_ORIGIN, TestClient, type TestServer } from './test-server';
