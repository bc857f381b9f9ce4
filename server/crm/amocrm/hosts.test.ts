import { describe, expect, it } from 'vitest';

import { accountBaseUrl, amoCrmDestinations } from './hosts';

const SANDBOX = 'http://127.0.0.1:8788';

describe('accountBaseUrl (which host a callback referer lets us contact)', () => {
  it.each([
    ['example.amocrm.ru', 'https://example.amocrm.ru'],
    ['my-company.amocrm.com', 'https://my-company.amocrm.com'],
    ['shop42.kommo.com', 'https://shop42.kommo.com'],
    ['Demo.AmoCRM.ru', 'https://demo.amocrm.ru'],
  ])('accepts %s', (referer, expected) => {
    expect(accountBaseUrl(referer)).toBe(expected);
  });

  it.each([
    'evil.com',
    'amocrm.ru.evil.com',
    'example.amocrm.ru.evil.com',
    'amocrm.ru',
    'evilamocrm.ru',
    'a.b.amocrm.ru',
    '127.0.0.1',
    '127.0.0.1:9999',
    'localhost:8788',
    'user@host',
    'example.amocrm.ru@evil.com',
    'evil.com@example.amocrm.ru',
    'example.amocrm.ru:443',
    'example.amocrm.ru/path',
    'https://example.amocrm.ru',
    'example.amocrm.ru.',
    'example.amocrm.ru#.evil.com',
    ' example.amocrm.ru',
    '-bad.amocrm.ru',
    'example.amocrm.ru\nevil.com',
    '',
  ])('refuses %j', (referer) => {
    expect(accountBaseUrl(referer)).toBeNull();
    expect(accountBaseUrl(referer, SANDBOX)).toBeNull();
  });

  it('accepts the sandbox only when one is configured, and then nothing else', () => {
    expect(accountBaseUrl('127.0.0.1:8788')).toBeNull();
    expect(accountBaseUrl('127.0.0.1:8788', SANDBOX)).toBe(SANDBOX);
    expect(accountBaseUrl(null, SANDBOX)).toBeNull();
    for (const host of ['example.amocrm.ru', 'shop42.kommo.com', 'localhost:8788', '127.0.0.1']) {
      expect(accountBaseUrl(host, SANDBOX)).toBeNull();
    }
  });
});

describe('amoCrmDestinations (where the client may send anything at all)', () => {
  const production = amoCrmDestinations();
  const sandbox = amoCrmDestinations(SANDBOX);

  it('in production: https account hosts on the default port only', () => {
    for (const url of ['https://example.amocrm.ru/oauth2/access_token', 'https://shop42.kommo.com/api/v4/leads', 'https://x.amocrm.com:443/api/v4/account']) {
      expect(production.allows(new URL(url)), url).toBe(true);
    }
    for (const url of [
      'http://example.amocrm.ru/',
      'https://example.amocrm.ru:8443/',
      'https://user@example.amocrm.ru/',
      'https://example.amocrm.ru.evil.com/',
      'https://example.amocrm.ru./',
      'https://www.amocrm.ru.evil.com/',
      'https://127.0.0.1/',
      'https://[::1]/',
      'https://2130706433/', // 127.0.0.1 as a number
      'http://127.0.0.1:8788/oauth2/access_token', // a sandbox's, stored before the switch to production
      'ftp://example.amocrm.ru/',
    ]) {
      expect(production.allows(new URL(url)), url).toBe(false);
    }
  });

  it('with a sandbox: its origin exactly, not even amoCRM itself', () => {
    expect(sandbox.allows(new URL(`${SANDBOX}/oauth2/access_token`))).toBe(true);
    for (const url of ['https://demo.amocrm.ru/oauth2/access_token', 'http://127.0.0.1:8789/', 'http://localhost:8788/', 'https://127.0.0.1:8788/', 'http://user@127.0.0.1:8788/']) {
      expect(sandbox.allows(new URL(url)), url).toBe(false);
    }
    expect(sandbox.description).toBe('the sandbox at http://127.0.0.1:8788 (AMOCRM_SANDBOX_ORIGIN)');
  });
});
