import { describe, expect, it } from 'vitest';

import type { ApiKeyErrorCode } from '../../../app/contracts/oauth';

import { checkAccountUrl, isNonPublicAddress, retailCrmDestinations } from './hosts';

/** The account URL is untrusted: every rule of docs/crm-apis.md §3 ("Account URL"), one case at least each. */

const refused = (input: string, sandbox?: string): ApiKeyErrorCode | 'accepted' => {
  const check = checkAccountUrl(input, sandbox);
  return check.ok ? 'accepted' : check.code;
};

describe('checkAccountUrl', () => {
  it.each([
    ['https://asd.retailcrm.ru', 'asd.retailcrm.ru'],
    ['https://test.retailcrm.pro', 'test.retailcrm.pro'],
    ['https://blabla.simla.com', 'blabla.simla.com'],
    ['https://shop.simla.io/', 'shop.simla.io'],
    ['shop.retailcrm.ru', 'shop.retailcrm.ru'],
    ['  HTTPS://Shop.RetailCRM.ru  ', 'shop.retailcrm.ru'],
    ['https://xn--80aswg.retailcrm.ru', 'xn--80aswg.retailcrm.ru'],
  ])('accepts %s as https://%s', (input, host) => {
    const check = checkAccountUrl(input);
    expect(check).toEqual({ ok: true, address: { origin: `https://${host}`, host } });
  });

  it.each<[string, ApiKeyErrorCode]>([
    ['', 'address_required'],
    ['   ', 'address_required'],
    ['not a url', 'address_invalid'],
    ['//shop.retailcrm.ru', 'address_invalid'],
    ['https://shop.retailcrm.ru\\@evil.example', 'address_invalid'],
    [`https://${'a'.repeat(250)}.retailcrm.ru`, 'address_invalid'],
    // another scheme
    ['http://shop.retailcrm.ru', 'address_scheme'],
    ['ftp://shop.retailcrm.ru', 'address_scheme'],
    ['javascript:alert(1)', 'address_scheme'],
    ['file:///etc/passwd', 'address_scheme'],
    ['data:text/html,hi', 'address_scheme'],
    // user info
    ['https://user@shop.retailcrm.ru', 'address_userinfo'],
    ['https://test:test@blabla.simla.com', 'address_userinfo'],
    ['https://shop.retailcrm.ru@evil.example', 'address_userinfo'],
    ['user@shop.retailcrm.ru', 'address_userinfo'],
    // port
    ['https://asd.retailcrm.ru:90', 'address_port'],
    ['https://shop.retailcrm.ru:443', 'address_port'],
    ['shop.retailcrm.ru:8443', 'address_port'],
    // path, query and fragment tricks
    ['https://test.retailcrm.pro/test', 'address_path'],
    ['https://evil.example/shop.retailcrm.ru', 'address_path'],
    ['https://shop.retailcrm.ru/api/v5/orders', 'address_path'],
    ['https://shop.retailcrm.ru/..%2f..%2f', 'address_path'],
    ['https://shop.retailcrm.ru?next=https://evil.example', 'address_query'],
    ['https://shop.retailcrm.ru/?', 'address_query'],
    ['https://blabla.simla.com#test', 'address_query'],
    // bare IPs, whatever their spelling
    ['https://127.0.0.1', 'address_ip'],
    ['https://10.0.0.5', 'address_ip'],
    ['https://2130706433', 'address_ip'],
    ['https://0x7f.0.0.1', 'address_ip'],
    ['https://[::1]', 'address_ip'],
    ['https://[::ffff:169.254.169.254]', 'address_ip'],
    ['169.254.169.254', 'address_ip'],
    // not RetailCRM's
    ['https://localhost', 'address_not_allowed'],
    ['https://retailcrm.ru', 'address_not_allowed'],
    ['https://a.b.retailcrm.ru', 'address_not_allowed'],
    ['https://shop.retailcrm.ru.evil.example', 'address_not_allowed'],
    ['https://shopretailcrm.ru', 'address_not_allowed'],
    ['https://raisa.retailcrm.es', 'address_not_allowed'],
    ['https://test.simlachat.com', 'address_not_allowed'],
    ['https://shop.retailcrm.ru.', 'address_not_allowed'],
  ])('refuses %j: %s', (input, code) => {
    expect(refused(input)).toBe(code);
  });

  it('gives each refusal a message for the person who typed it', () => {
    const check = checkAccountUrl('http://shop.retailcrm.ru');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(/https/);
  });

  it('with a sandbox, accepts exactly its origin and nothing else', () => {
    const sandbox = 'http://127.0.0.1:8790';
    expect(checkAccountUrl('http://127.0.0.1:8790', sandbox)).toEqual({ ok: true, address: { origin: sandbox, host: '127.0.0.1:8790' } });
    expect(refused('http://127.0.0.1:8790/', sandbox)).toBe('accepted');
    expect(refused('https://shop.retailcrm.ru', sandbox)).toBe('address_not_allowed');
    expect(refused('http://127.0.0.1:8791', sandbox)).toBe('address_not_allowed');
    expect(refused('http://localhost:8790', sandbox)).toBe('address_not_allowed');
    expect(refused('http://127.0.0.1:8790/api', sandbox)).toBe('address_path');
    expect(refused('http://x@127.0.0.1:8790', sandbox)).toBe('address_userinfo');
    expect(refused('http://127.0.0.1:8790?a=1', sandbox)).toBe('address_query');
  });
});

describe('isNonPublicAddress', () => {
  it.each(['10.1.2.3', '127.0.0.1', '0.0.0.0', '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '224.0.0.1', '::1', '::', 'fc00::1', 'fd12::1', 'fe80::1', '::ffff:10.0.0.1', 'nonsense'])(
    '%s is not public',
    (ip) => expect(isNonPublicAddress(ip)).toBe(true),
  );
  it.each(['95.213.1.1', '8.8.8.8', '172.32.0.1', '2a00:1450:4010::1'])('%s is public', (ip) => expect(isNonPublicAddress(ip)).toBe(false));
});

describe('retailCrmDestinations', () => {
  it('lets the client contact RetailCRM accounts over https only', () => {
    const destinations = retailCrmDestinations();
    expect(destinations.allows(new URL('https://shop.retailcrm.ru/api/v5/orders'))).toBe(true);
    for (const url of ['http://shop.retailcrm.ru/', 'https://shop.retailcrm.ru:8443/', 'https://u:p@shop.retailcrm.ru/', 'https://127.0.0.1/', 'https://evil.example/']) {
      expect(destinations.allows(new URL(url)), url).toBe(false);
    }
  });

  it('with a sandbox, only the sandbox', () => {
    const destinations = retailCrmDestinations('http://127.0.0.1:8790');
    expect(destinations.allows(new URL('http://127.0.0.1:8790/api/credentials'))).toBe(true);
    expect(destinations.allows(new URL('https://shop.retailcrm.ru/api/credentials'))).toBe(false);
  });
});
