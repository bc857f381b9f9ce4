import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import { isOwnOrigin, sameOriginOnly } from './same-origin';

describe('isOwnOrigin', () => {
  it.each([
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787', true],
    ['http://127.0.0.1:8787', 'http://localhost:8787', true],
    ['http://127.0.0.1:8787', 'http://[::1]:8787', true],
    ['http://localhost:8787', 'http://127.0.0.1:8787', true],
    ['http://[::1]:8787', 'http://localhost:8787', true],
    ['http://localhost', 'http://127.0.0.1', true],
    // Another port or scheme is another origin, loopback or not.
    ['http://127.0.0.1:8787', 'http://localhost:5173', false],
    ['http://127.0.0.1:8787', 'https://localhost:8787', false],
    ['http://127.0.0.1:8787', 'http://127.0.0.2:8787', false],
    ['http://127.0.0.1:8787', 'http://localhost.evil.com:8787', false],
    ['http://127.0.0.1:8787', 'http://evil.com:8787', false],
    ['http://127.0.0.1:8787', 'null', false],
    ['http://127.0.0.1:8787', 'http://user@localhost:8787', false],
    ['http://127.0.0.1:8787', 'http://localhost:8787/path', false],
    // A public URL on a real host accepts only itself.
    ['https://hub.example.com', 'https://hub.example.com', true],
    ['https://hub.example.com', 'https://localhost', false],
    ['https://hub.example.com', 'http://hub.example.com', false],
  ])('public %s, Origin %s → %s', (publicUrl, origin, expected) => {
    expect(isOwnOrigin(publicUrl, origin)).toBe(expected);
  });
});

describe('sameOriginOnly', () => {
  const app = new Hono();
  app.use('*', sameOriginOnly('http://127.0.0.1:8787'));
  app.all('*', (c) => c.text('ok'));
  const post = (headers: Record<string, string>) => app.request('http://127.0.0.1:8787/api/x', { method: 'POST', headers });

  it('lets a write from any loopback name of the same server through', async () => {
    expect((await post({ Origin: 'http://localhost:8787', 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    expect((await post({ Origin: 'http://[::1]:8787' })).status).toBe(200);
    expect((await post({})).status).toBe(200);
  });

  it('refuses other origins and cross-site fetches', async () => {
    expect((await post({ Origin: 'http://localhost:9999' })).status).toBe(403);
    expect((await post({ Origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ Origin: 'http://localhost:8787', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
  });
});
