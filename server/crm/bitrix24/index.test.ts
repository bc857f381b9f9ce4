import { describe, expect, it } from 'vitest';

import { createLogger } from '../../lib/logger';

import { bitrix24Connector } from './index';

const PUBLIC_URL = 'http://127.0.0.1:8787';
const common = { publicUrl: PUBLIC_URL, timeoutMs: 5000, logger: createLogger('silent') };

function configure(source: Record<string, string | undefined>) {
  const result = bitrix24Connector.configure(source, PUBLIC_URL);
  if (!result.ok) throw new Error(result.issues.join('\n'));
  return result.connector;
}

describe('the Bitrix24 registry entry', () => {
  it('names, draws and limits Bitrix24', () => {
    expect(bitrix24Connector).toMatchObject({
      id: 'bitrix24',
      name: 'Bitrix24',
      authKind: 'oauth2',
      logo: { text: 'B24', from: '#0c8fc7', to: '#2fc6f6' },
      rateLimit: { kind: 'leaky', drainPerSecond: 2, burst: 50 },
      credentialVariables: ['BITRIX24_CLIENT_ID', 'BITRIX24_CLIENT_SECRET'],
    });
  });

  it('without credentials configures nothing', () => {
    const connector = configure({});
    expect(connector.description).toBe('not configured');
    expect(connector.create(common)).toBeNull();
    expect(connector.redirectUri).toBe(`${PUBLIC_URL}/api/oauth/bitrix24/callback`);
  });

  it('with credentials talks to Bitrix24 itself: any cloud portal the user types', () => {
    const connector = configure({ BITRIX24_CLIENT_ID: 'local.abc.1', BITRIX24_CLIENT_SECRET: 'secret', BITRIX24_REDIRECT_URI: 'https://hub.example/cb' });
    expect(connector.description).toBe('Bitrix24 itself (BITRIX24_CLIENT_ID is set)');
    expect(connector.redirectUri).toBe('https://hub.example/cb');
    const adapter = connector.create(common)!;
    expect(adapter.connector).toBe('bitrix24');
    expect(adapter.accountAddress).toEqual({ example: 'company.bitrix24.ru', value: null });
    expect(adapter.authorizeUrl('st', 'firma.bitrix24.kz')).toBe('https://firma.bitrix24.kz/oauth/authorize/?client_id=local.abc.1&state=st');
  });

  it('with a sandbox origin accepts that sandbox only', () => {
    const connector = configure({ BITRIX24_CLIENT_ID: 'local.abc.1', BITRIX24_CLIENT_SECRET: 'secret', BITRIX24_SANDBOX_ORIGIN: 'http://127.0.0.1:8789/' });
    expect(connector.description).toBe('the sandbox at http://127.0.0.1:8789 (BITRIX24_SANDBOX_ORIGIN)');
    const adapter = connector.create(common)!;
    expect(adapter.accountAddress).toEqual({ example: 'company.bitrix24.ru', value: '127.0.0.1:8789' });
    expect(adapter.authorizeUrl('st', '127.0.0.1:8789')).toBe('http://127.0.0.1:8789/oauth/authorize/?client_id=local.abc.1&state=st');
    expect(() => adapter.authorizeUrl('st', 'firma.bitrix24.kz')).toThrow(expect.objectContaining({ code: 'address_not_allowed' }));
  });

  it('reports half the credentials, a sandbox without them and a bad origin under the variable’s name', () => {
    const issues = (source: Record<string, string>) => {
      const result = bitrix24Connector.configure(source, PUBLIC_URL);
      return result.ok ? [] : result.issues;
    };
    expect(issues({ BITRIX24_CLIENT_ID: 'local.abc.1' })).toEqual([expect.stringMatching(/BITRIX24_CLIENT_SECRET: BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET must be set together/)]);
    expect(issues({ BITRIX24_SANDBOX_ORIGIN: 'http://127.0.0.1:8789' })).toEqual([expect.stringMatching(/BITRIX24_SANDBOX_ORIGIN: needs BITRIX24_CLIENT_ID/)]);
    expect(issues({ BITRIX24_CLIENT_ID: 'a', BITRIX24_CLIENT_SECRET: 'b', BITRIX24_SANDBOX_ORIGIN: 'http://127.0.0.1:8789/rest' })).toEqual([
      expect.stringMatching(/BITRIX24_SANDBOX_ORIGIN: must be an origin/),
    ]);
    expect(issues({ BITRIX24_CLIENT_ID: 'a', BITRIX24_CLIENT_SECRET: 'b', BITRIX24_REDIRECT_URI: 'not a url' })[0]).toMatch(/^ {2}BITRIX24_REDIRECT_URI: /);
    expect(issues({ BITRIX24_CLIENT_ID: '', BITRIX24_CLIENT_SECRET: '  ' })).toEqual([]);
  });
});
