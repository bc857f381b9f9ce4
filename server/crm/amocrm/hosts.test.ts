import { describe, expect, it } from 'vitest';

import { accountBaseUrl } from './hosts';

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
