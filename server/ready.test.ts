import { afterEach, describe, expect, it } from 'vitest';

import { createTestServer, type TestServer } from './testing/index';

const servers: TestServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

describe('GET /api/ready', () => {
  it('is 200 while the database answers, 503 not_ready once it does not; /api/health stays 200', async () => {
    const server = createTestServer();
    servers.push(server);
    const ready = await server.app.request('http://127.0.0.1:8787/api/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    await server.repo.close();
    const down = await server.app.request('http://127.0.0.1:8787/api/ready');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ code: 'not_ready' });
    expect((await server.app.request('http://127.0.0.1:8787/api/health')).status).toBe(200);
  });
});
