import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import viteConfig from '../vite.config';

import { createTestServer, makeTempDir, TestClient, type TestServer } from './testing/test-server';

const servers: TestServer[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

function serverWithSpa(publicUrl?: string) {
  const web = makeTempDir('hub-connect-web-');
  cleanups.push(web.cleanup);
  fs.writeFileSync(path.join(web.dir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/app.js"></script>');
  fs.mkdirSync(path.join(web.dir, 'assets'));
  fs.writeFileSync(path.join(web.dir, 'assets', 'app.js'), 'console.log(1)');
  const server = createTestServer({ staticDir: web.dir, ...(publicUrl ? { publicUrl } : {}) });
  servers.push(server);
  return server;
}

function expectSecurityHeaders(response: Response) {
  const csp = response.headers.get('Content-Security-Policy') ?? '';
  const directives = new Map(csp.split(';').map((part) => {
    const [name = '', ...values] = part.trim().split(/\s+/);
    return [name, values.join(' ')] as const;
  }));
  expect(directives.get('default-src')).toBe("'self'");
  expect(directives.get('script-src')).toBe("'self'");
  expect(directives.get('style-src')).toBe("'self' 'unsafe-inline'");
  expect(directives.get('img-src')).toBe("'self' data:");
  expect(directives.get('connect-src')).toBe("'self'");
  expect(directives.get('worker-src')).toBe("'self'");
  expect(directives.get('frame-ancestors')).toBe("'none'");
  expect(directives.get('base-uri')).toBe("'self'");
  expect(directives.get('form-action')).toBe("'self'");
  expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  expect(response.headers.get('X-Frame-Options')).toBe('DENY');
}

describe('security headers', () => {
  it('are on the SPA, its assets, deep links, API answers and problem documents', async () => {
    const server = serverWithSpa();
    const client = new TestClient(server);
    for (const pathname of ['/', '/assets/app.js', '/setup/amocrm/mapping', '/api/health', '/api/connectors', '/api/nope']) {
      const response = await client.request(pathname);
      expectSecurityHeaders(response);
      expect(response.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('Strict-Transport-Security')).toBeNull();
    }
    const refused = await client.request('/api/connectors/amocrm/reset', { method: 'POST', headers: { Origin: 'https://evil.example' } });
    expect(refused.status).toBe(403);
    expectSecurityHeaders(refused);
  });

  it('the OAuth callback sends no Referer at all (its URL carries the code)', async () => {
    const server = serverWithSpa();
    const response = await new TestClient(server).request('/api/oauth/amocrm/callback?code=secret&state=nope');
    expect(response.status).toBe(302);
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
    expectSecurityHeaders(response);
  });

  it('HSTS only when the product is served over HTTPS', async () => {
    const server = serverWithSpa('https://hub.example.com');
    const response = await server.app.request('https://hub.example.com/api/health');
    expect(response.headers.get('Strict-Transport-Security')).toMatch(/^max-age=\d+/);
  });

  it('the production build ships no source maps', () => {
    expect(viteConfig.build?.sourcemap).toBe(false);
  });
});
