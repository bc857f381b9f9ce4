import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { afterEach, describe, expect, it } from 'vitest';

import { sampleConfigInput } from '../../app/contracts/testing/sample-config';
import { createTestServer, makeTempDir, TestClient, type TestServer } from '../testing/test-server';

import { precompressDir } from './precompress';

const servers: TestServer[] = [];
const temps: Array<() => void> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const cleanup of temps.splice(0)) cleanup();
});

function serverWith(staticDir?: string) {
  const server = createTestServer(staticDir ? { staticDir } : {});
  servers.push(server);
  return { server, client: new TestClient(server) };
}

const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe('API responses', () => {
  it('GET /api/connectors with Accept-Encoding: gzip is gzip-encoded and decodes to the same JSON', async () => {
    const { client } = serverWith();
    const plain = await client.request('/api/connectors');
    expect(plain.headers.get('Content-Encoding')).toBeNull();
    const expected: unknown = await plain.json();
    const gzipped = await client.request('/api/connectors', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers.get('Content-Encoding')).toBe('gzip');
    expect(gzipped.headers.get('Vary')).toMatch(/Accept-Encoding/);
    expect(JSON.parse(zlib.gunzipSync(await bytes(gzipped)).toString('utf8'))).toEqual(expected);
  });

  it('a compressed configuration keeps its strong ETag, which If-Match accepts', async () => {
    const { client } = serverWith();
    const saved = await client.request('/api/connectors/amocrm/config', { method: 'PUT', json: sampleConfigInput({ account: null }), headers: { 'If-Match': '"0"' } });
    expect(saved.status).toBe(200);
    const read = await client.request('/api/connectors/amocrm/config', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(read.headers.get('Content-Encoding')).toBe('gzip');
    const etag = read.headers.get('ETag');
    expect(etag).toBe('"1"');
    const { config } = JSON.parse(zlib.gunzipSync(await bytes(read)).toString('utf8')) as { config: object };
    const again = await client.request('/api/connectors/amocrm/config', { method: 'PUT', json: { ...config, account: null }, headers: { 'If-Match': etag! } });
    expect(again.status).toBe(200);
  });
});

describe('built assets', () => {
  function builtSpa() {
    const temp = makeTempDir();
    temps.push(temp.cleanup);
    fs.mkdirSync(path.join(temp.dir, 'assets'));
    fs.writeFileSync(path.join(temp.dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>');
    const script = Array.from({ length: 2000 }, (_, i) => `export const value${i} = ${JSON.stringify(`value number ${i}`)};`).join('\n');
    fs.writeFileSync(path.join(temp.dir, 'assets', 'index-abc123.js'), script);
    fs.writeFileSync(path.join(temp.dir, 'assets', 'tiny-abc123.js'), 'export {};');
    const written = precompressDir(temp.dir);
    return { dir: temp.dir, script, written };
  }

  it('are precompressed at build time: .br and .gz next to text files over 1 kB, smaller than the file', () => {
    const { dir, written } = builtSpa();
    expect(written.map((entry) => entry.file)).toEqual([path.join('assets', 'index-abc123.js')]);
    const [entry] = written;
    expect(entry!.brotli).toBeLessThan(entry!.gzip);
    expect(entry!.gzip).toBeLessThan(entry!.raw / 3);
    expect(fs.existsSync(path.join(dir, 'assets', 'tiny-abc123.js.gz'))).toBe(false);
  });

  it('are served as br or gzip as the browser accepts, with Vary: Accept-Encoding and the long cache', async () => {
    const { dir, script } = builtSpa();
    const { client } = serverWith(dir);
    const asset = '/assets/index-abc123.js';
    const br = await client.request(asset, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('Content-Encoding')).toBe('br');
    expect(br.headers.get('Content-Type')).toMatch(/javascript/);
    expect(br.headers.get('Vary')).toMatch(/Accept-Encoding/);
    expect(br.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(zlib.brotliDecompressSync(await bytes(br)).toString('utf8')).toBe(script);
    const gzip = await client.request(asset, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gzip.headers.get('Content-Encoding')).toBe('gzip');
    expect(zlib.gunzipSync(await bytes(gzip)).toString('utf8')).toBe(script);
    const identity = await client.request(asset);
    expect(identity.headers.get('Content-Encoding')).toBeNull();
    expect(identity.headers.get('Vary')).toMatch(/Accept-Encoding/);
    expect((await bytes(identity)).toString('utf8')).toBe(script);
  });

  it('index.html is revalidated every time (no-cache) at /, /index.html and a deep link, while a hashed asset is immutable', async () => {
    const { dir } = builtSpa();
    const { client } = serverWith(dir);
    for (const page of ['/', '/index.html', '/setup/amocrm/mapping']) {
      const response = await client.request(page, { headers: { 'Accept-Encoding': 'gzip, br' } });
      expect(response.status, page).toBe(200);
      expect(response.headers.get('Content-Type'), page).toMatch(/^text\/html/);
      expect(response.headers.get('Cache-Control'), page).toBe('no-cache');
      expect(await response.text(), page).toContain('/assets/index-abc123.js');
    }
    const asset = await client.request('/assets/index-abc123.js');
    expect(asset.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
  });
});
