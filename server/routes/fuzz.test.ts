import zlib from 'node:zlib';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ConnectorId } from '../../app/contracts/connector';
import { configEnvelopeSchema } from '../../app/contracts/mapping-config';
import { problemSchema } from '../../app/contracts/problem';
import { MAX_BODY_BYTES } from '../app';
import { FakeTiming } from '../testing/crm-test-kit';
import { connectThroughSandbox } from '../testing/sandbox-oauth';
import { createTestServer, TEST_ORIGIN, TestClient, type TestServer } from '../testing/test-server';

/**
 * Property-based fuzzing of every endpoint the API serves (issue 13, item 4): every path in
 * GET /api/openapi.json (a new endpoint is covered without touching this file) plus the
 * readiness check, with arbitrary path parameters, query strings, headers and bodies, from a
 * workspace that has amoCRM (OAuth) and RetailCRM (API key) connected. Whatever comes in:
 * - the answer is never a 5xx, and every error is a problem document with a code;
 * - a refused request (4xx) changes nothing in the workspace (the API's view and the stored rows);
 * - no response (body or header) carries a token or code the sandbox issued.
 * fast-check prints the seed and the shrunk request when a property fails.
 */

const CONNECTOR_IDS: ConnectorId[] = ['amocrm', 'bitrix24', 'retailcrm'];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
type Method = (typeof METHODS)[number];

interface Endpoint {
  template: string;
  methods: Method[];
}

interface FuzzRequest {
  endpoint: Endpoint;
  method: Method;
  connector: string;
  query: string;
  headers: Array<[string, string]>;
  cookie: 'own' | 'none' | 'tampered' | 'garbage';
  origin: string | undefined;
  body: { contentType: string | undefined; data: string | Uint8Array<ArrayBuffer> } | undefined;
}

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength });
/** Any string a query or a path may carry, Cyrillic and astral characters included. */
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength });

const connectorParam = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<string>(...CONNECTOR_IDS) },
  { weight: 1, arbitrary: fc.constantFrom('AMOCRM', 'amocrm ', 'amo', '..', '.', '%00', '%2e%2e', '%ZZ', 'constructor', '__proto__', 'toString', '0') },
  { weight: 2, arbitrary: anyText(30).filter((s) => s.length > 0).map((s) => encodeURIComponent(s)) },
);

const QUERY_KEYS = ['refresh', 'limit', 'cursor', 'since', 'after', 'page', 'version', 'code', 'state', 'referer', 'error', 'domain', 'member_id', 'pipeline', 'stage', 'from', 'to', 'q'];
const queryValue = fc.oneof(
  fc.constantFrom('', '1', '0', '-1', 'true', 'NaN', '1e309', '9999999999999999999999', '0x10', ' 1', 'null', '[]', '{}', 'demo.amocrm.ru', 'https://evil.example', '127.0.0.1:8788'),
  anyText(40),
);
const query = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  {
    weight: 5,
    arbitrary: fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), anyText(10)), queryValue), { maxLength: 6 })
      .map((pairs) => `?${new URLSearchParams(pairs).toString()}`),
  },
  // Not what URLSearchParams would write: stray percent signs, bare keys, repeated separators.
  { weight: 1, arbitrary: fc.constantFrom('?', '?%', '?%zz=1', '?refresh', '?&&&=&', '?refresh=1&refresh=0', `?q=${'x'.repeat(8000)}`, '?limit=%00') },
);

const ifMatch = fc.oneof(
  fc.constantFrom('"1"', 'W/"1"', '*', '"0"', '"-1"', '""', '"abc"', '1', 'W/', '"1", "2"', 'W/"1", "1"', '"1.5"', '"99999999999999999999"', '"1'),
  printable(30),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/problem+json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'multipart/form-data',
  'application/octet-stream',
  '',
  'garbage/;;;=',
);
const header = fc.oneof(
  ifMatch.map((value): [string, string] => ['If-Match', value]),
  fc.constantFrom('gzip', 'deflate', 'br', 'gzip;q=0, *', 'identity', '*', 'x').map((value): [string, string] => ['Accept-Encoding', value]),
  fc.constantFrom('application/json', 'text/html', '*/*', 'application/problem+json', 'x/y').map((value): [string, string] => ['Accept', value]),
  fc.constantFrom('same-origin', 'cross-site', 'same-site', 'none', 'x').map((value): [string, string] => ['Sec-Fetch-Site', value]),
  fc.constantFrom('X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Proto', 'Host', 'Referer', 'Authorization', 'X-Request-Id', 'If-None-Match', 'Range')
    .chain((name) => printable(40).map((value): [string, string] => [name, value])),
);
const origin = fc.constantFrom(undefined, TEST_ORIGIN, 'http://localhost:8787', 'http://[::1]:8787', 'https://127.0.0.1:8787', 'http://127.0.0.1:8788', 'https://evil.example', 'null', 'garbage');

/** JSON of an arbitrary JS value (fc.anything) where there is one; its string form otherwise. */
function serializeAnything(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return 'x';
  }
}

const bodyData = fc.oneof(
  { weight: 4, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }).map(serializeAnything) },
  { weight: 1, arbitrary: anyText(200) },
  // Bodies around the 1 MB cap: JSON strings and objects of exactly that many bytes.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(MAX_BODY_BYTES - 1, MAX_BODY_BYTES, MAX_BODY_BYTES + 1, 300_000), fc.constantFrom('string', 'object', 'cyrillic'))
      .map(([size, shape]) => {
        if (shape === 'object') return `{"pipelines":"${'a'.repeat(size - 17)}"}`;
        if (shape === 'cyrillic') return `"${'я'.repeat(Math.floor((size - 2) / 2))}"`; // 2 bytes a character
        return `"${'a'.repeat(size - 2)}"`;
      }),
  },
  // Not UTF-8 at all: lone continuation bytes, overlong forms, a truncated sequence.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom([0xff, 0xfe], [0xc3, 0x28], [0x80], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0x28], [0xc0, 0xaf]), fc.uint8Array({ maxLength: 100 }))
      .map(([prefix, rest]) => new Uint8Array([0x7b, 0x22, ...prefix, ...rest])),
  },
);
const body = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.record({ contentType: fc.option(contentType, { nil: undefined, freq: 4 }), data: bodyData }) },
);

function decode(bytes: Uint8Array, encoding: string | null): string {
  const buffer = Buffer.from(bytes);
  if (encoding === 'gzip') return zlib.gunzipSync(buffer).toString('utf8');
  if (encoding === 'deflate') return zlib.inflateSync(buffer).toString('utf8');
  if (encoding === 'br') return zlib.brotliDecompressSync(buffer).toString('utf8');
  return buffer.toString('utf8');
}

/** Every (container, key) of a JSON value, the value itself under a wrapper first. */
function nodesOf(value: unknown): Array<[object, string]> {
  const wrapper = { root: value };
  const nodes: Array<[object, string]> = [];
  const walk = (parent: object, key: string, node: unknown) => {
    nodes.push([parent, key]);
    if (node !== null && typeof node === 'object') {
      for (const [childKey, child] of Object.entries(node)) walk(node, childKey, child);
    }
  };
  walk(wrapper, 'root', value);
  return nodes.slice(1).length > 0 ? nodes.slice(1) : nodes;
}

let server: TestServer;
let browser: TestClient;
let endpoints: Endpoint[];
let ownWorkspace: string;

/** What a refused request must leave as it was: the API's view of the workspace and its stored rows. */
async function snapshot(): Promise<string> {
  const parts: unknown[] = [];
  const list = await browser.request('/api/connectors');
  parts.push(list.status, await list.text());
  for (const connector of CONNECTOR_IDS) {
    const config = await browser.request(`/api/connectors/${connector}/config`);
    parts.push(connector, config.status, config.headers.get('ETag'), await config.text());
    parts.push(await server.repo.getConnection(ownWorkspace, connector), await server.repo.getCredentials(ownWorkspace, connector));
  }
  return JSON.stringify(parts);
}

function issuedSecrets(): string[] {
  return [...server.crm!.sandbox.issuedSecrets()].map((secret) => secret.slice(-16));
}

async function connectBoth(): Promise<void> {
  const retail = server.crm!.retailcrm!;
  if (!(await server.repo.getCredentials(ownWorkspace, 'amocrm'))) await connectThroughSandbox(browser, server.crm!.sandbox);
  if (!(await server.repo.getCredentials(ownWorkspace, 'retailcrm'))) {
    const connected = await browser.request('/api/connectors/retailcrm/api-key', { method: 'POST', json: { accountUrl: retail.origin, apiKey: retail.apiKey } });
    if (connected.status !== 200) throw new Error(`RetailCRM did not connect: ${connected.status} ${await connected.text()}`);
  }
}

function cookieHeader(kind: FuzzRequest['cookie'], garbage: string): string | undefined {
  const own = browser.sessionCookie!;
  if (kind === 'own') return own;
  if (kind === 'none') return undefined;
  if (kind === 'tampered') {
    // The same workspace id with another signature, or another id with this signature.
    const [name, value] = own.split('=') as [string, string];
    const decoded = decodeURIComponent(value);
    const [id, signature] = decoded.split('.') as [string, string];
    return garbage.length % 2 === 0 ? `${name}=${encodeURIComponent(`${id}.${signature.slice(1)}A`)}` : `${name}=${encodeURIComponent(`${garbage}.${signature}`)}`;
  }
  return `${own.split('=')[0]}=${encodeURIComponent(garbage)}; other=${garbage}`;
}

/** Sends one fuzzed request straight into the app; checks the answer and the state; returns the status. */
async function check(request: FuzzRequest, cookieGarbage: string): Promise<number> {
  const before = await snapshot();
  const url = `${TEST_ORIGIN}${request.endpoint.template.replace('{connector}', request.connector)}${request.query}`;
  const headers = new Headers();
  for (const [name, value] of request.headers) headers.set(name, value);
  const cookie = cookieHeader(request.cookie, cookieGarbage);
  if (cookie !== undefined) headers.set('Cookie', cookie);
  if (request.origin !== undefined) headers.set('Origin', request.origin);
  const withBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
  if (withBody && request.body!.contentType !== undefined) headers.set('Content-Type', request.body!.contentType);
  const response = await server.app.request(url, { method: request.method, headers, body: withBody ? request.body!.data : undefined });

  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = decode(bytes, response.headers.get('Content-Encoding'));
  const where = `${request.method} ${url.slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`;
  expect(response.status, where).toBeLessThan(500);
  if (response.status >= 400 && request.method !== 'HEAD') {
    expect(response.headers.get('Content-Type'), where).toContain('application/problem+json');
    const problem = problemSchema.parse(JSON.parse(text));
    expect(problem.status, where).toBe(response.status);
    expect(problem.code.length, where).toBeGreaterThan(0);
  }
  const sent = `${JSON.stringify([...response.headers])}\n${text}`;
  for (const secret of issuedSecrets()) expect(sent.includes(secret), `${where}: a sandbox secret in the response`).toBe(false);

  if (response.status >= 400) {
    expect(await snapshot(), `${where}: a refused request changed the workspace`).toBe(before);
  } else {
    // An accepted request may change things (a reset, a disconnect, a sync): let it finish and
    // connect again, so the next run starts from a connected workspace.
    await server.dealSync.idle();
    await connectBoth();
  }
  return response.status;
}

/** Runs per property (a longer hunt: raise it locally; 1,500 runs took 34 s on SQLite). */
const NUM_RUNS = 150;
/** A property's budget on a loaded 2-core machine (150 runs take a few seconds alone). */
const PROPERTY_TIMEOUT_MS = 30_000;

beforeAll(async () => {
  // The adapters' pauses (rate limit, retries) on a clock of their own, so a sync the fuzz starts
  // takes milliseconds instead of seconds of real waiting.
  const timing = new FakeTiming(Date.now());
  server = createTestServer({ testCrm: { sandbox: { now: timing.now }, adapter: { timing }, now: timing.now, retailcrm: { sandbox: { now: timing.now }, adapter: { timing } } } });
  browser = new TestClient(server);
  await browser.request('/api/connectors');
  ownWorkspace = decodeURIComponent(browser.sessionCookie!.split('=')[1]!).split('.')[0]!;
  await connectBoth();
  const doc = (await (await browser.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  endpoints = Object.entries(doc.paths).map(([template, operations]) => ({
    template,
    methods: Object.keys(operations).map((method) => method.toUpperCase()).filter((method): method is Method => (METHODS as readonly string[]).includes(method)),
  }));
  // Not in the OpenAPI document (operations, not the product's API) but served all the same.
  endpoints.push({ template: '/api/ready', methods: ['GET'] });
});

afterAll(async () => {
  await server?.close();
});

function fuzzRequest(endpointList: () => Endpoint[]): fc.Arbitrary<FuzzRequest> {
  return fc
    .constantFrom(...endpointList())
    .chain((endpoint) =>
      fc.record({
        endpoint: fc.constant(endpoint),
        method: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...endpoint.methods) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
        connector: connectorParam,
        query,
        headers: fc.array(header, { maxLength: 4 }),
        cookie: fc.constantFrom<FuzzRequest['cookie']>('own', 'own', 'own', 'none', 'tampered', 'garbage'),
        origin,
        body,
      }),
    );
}

describe('fuzzing every endpoint (fast-check)', () => {
  it('covers every path of the OpenAPI document, with its methods', () => {
    const templates = endpoints.map((endpoint) => endpoint.template);
    expect(templates).toEqual(expect.arrayContaining(['/api/health', '/api/connectors', '/api/connectors/{connector}/config', '/api/oauth/{connector}/callback']));
    expect(endpoints.length).toBeGreaterThanOrEqual(17);
    for (const endpoint of endpoints) expect(endpoint.methods.length, endpoint.template).toBeGreaterThan(0);
    // The leak check has something to look for: the authorization code and the first pair of tokens.
    expect(issuedSecrets().length).toBeGreaterThanOrEqual(3);
  });

  it('any request to any endpoint: never a 5xx, errors are problem documents, a refusal changes nothing, no secret leaks', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fuzzRequest(() => endpoints), printable(60), async (request, garbage) => {
        const status = await check(request, garbage);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
      { numRuns: NUM_RUNS },
    );
    // The fuzz reached past the front door: some requests refused, some answered.
    expect([...statuses.keys()].some((status) => status >= 400)).toBe(true);
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
  }, PROPERTY_TIMEOUT_MS);

  it('near-valid configurations: a stored one with one part replaced or removed, under any If-Match', async () => {
    const configEndpoint = endpoints.find((endpoint) => endpoint.template === '/api/connectors/{connector}/config')!;
    const edit = fc.record({
      connector: fc.constantFrom<ConnectorId>('amocrm', 'retailcrm'),
      /** Which node of the stored configuration (an index into its nodes, modulo their count). */
      node: fc.nat(),
      change: fc.oneof(fc.constant({ kind: 'remove' as const }), fc.jsonValue({ maxDepth: 2 }).map((value) => ({ kind: 'replace' as const, value }))),
      // Weighted so that about one edit in ten is saved (P(none saved in 150 runs) < 1e-6).
      ifMatch: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('current', 'current', 'weak', 'stale', 'next', 'none', 'star').map((kind) => ({ kind })) },
        { weight: 1, arbitrary: ifMatch.map((value) => ({ kind: 'raw' as const, value })) },
      ),
    });
    const outcomes = new Set<'saved' | 'refused'>();
    await fc.assert(
      fc.asyncProperty(edit, async ({ connector, node, change, ifMatch: tag }) => {
        let stored = await browser.request(`/api/connectors/${connector}/config`);
        // None saved yet (or a disconnect removed it): a reset saves the connector's empty one.
        if (stored.status === 404) stored = await browser.request(`/api/connectors/${connector}/reset`, { method: 'POST' });
        const envelope = configEnvelopeSchema.parse(await stored.json());
        const config = structuredClone(envelope.config) as unknown;
        const nodes = nodesOf(config);
        const [parent, key] = nodes[node % nodes.length]!;
        if (change.kind === 'remove') {
          if (Array.isArray(parent)) parent.splice(Number(key), 1);
          else delete (parent as Record<string, unknown>)[key];
        } else {
          (parent as Record<string, unknown>)[key] = change.value;
        }
        const version = envelope.version;
        const header =
          tag.kind === 'raw' ? tag.value
          : tag.kind === 'current' ? `"${version}"`
          : tag.kind === 'weak' ? `W/"${version}"`
          : tag.kind === 'stale' ? `"${Math.max(0, version - 1)}"`
          : tag.kind === 'next' ? `"${version + 1}"`
          : tag.kind === 'star' ? '*'
          : undefined;
        const status = await check(
          {
            endpoint: configEndpoint,
            method: 'PUT',
            connector,
            query: '',
            headers: header === undefined ? [] : [['If-Match', header]],
            cookie: 'own',
            origin: TEST_ORIGIN,
            body: { contentType: 'application/json', data: JSON.stringify(config) },
          },
          '',
        );
        // RFC 9110: If-Match compares strongly, so a weak tag never matches.
        if (tag.kind === 'weak') expect(status).toBeGreaterThanOrEqual(400);
        if (tag.kind === 'stale' || tag.kind === 'next') expect(status).toBeGreaterThanOrEqual(400);
        outcomes.add(status < 300 ? 'saved' : 'refused');
      }),
      { numRuns: NUM_RUNS },
    );
    // Near enough to be saved sometimes, far enough to be refused at other times.
    expect([...outcomes].sort()).toEqual(['refused', 'saved']);
  }, PROPERTY_TIMEOUT_MS);

  it('bodies for the state-changing endpoints of a connected connector, from the own origin and session', async () => {
    const writes = () =>
      endpoints
        .filter((endpoint) => endpoint.template.includes('{connector}'))
        .map((endpoint) => ({ ...endpoint, methods: endpoint.methods.filter((method) => method === 'POST' || method === 'PUT' || method === 'DELETE') }))
        .filter((endpoint) => endpoint.methods.length > 0);
    const request = fc
      .tuple(fc.constantFrom(...writes()), fc.constantFrom<ConnectorId>('amocrm', 'retailcrm'), body, fc.array(ifMatch, { maxLength: 1 }))
      .chain(([endpoint, connector, requestBody, ifMatchValues]) =>
        fc.constantFrom(...endpoint.methods).map(
          (method): FuzzRequest => ({
            endpoint,
            method,
            connector,
            query: '',
            headers: ifMatchValues.map((value): [string, string] => ['If-Match', value]),
            cookie: 'own',
            origin: TEST_ORIGIN,
            body: requestBody,
          }),
        ),
      );
    await fc.assert(
      fc.asyncProperty(request, async (generated) => {
        await check(generated, '');
      }),
      { numRuns: NUM_RUNS },
    );
  }, PROPERTY_TIMEOUT_MS);
});
