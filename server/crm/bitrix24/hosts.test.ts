import { describe, expect, it } from 'vitest';

import { addressHost, BITRIX24_CLOUD_ZONES, bitrix24Destinations, isPortalHost, MAX_ADDRESS_LENGTH, portalRule } from './hosts';

describe('addressHost', () => {
  it('takes the host of a bare host or an http(s) URL, as a browser parses it', () => {
    expect(addressHost('company.bitrix24.ru')).toBe('company.bitrix24.ru');
    expect(addressHost('  Company.Bitrix24.RU  ')).toBe('company.bitrix24.ru');
    expect(addressHost('http://x.bitrix24.ru/path')).toBe('x.bitrix24.ru');
    expect(addressHost('https://x.bitrix24.ru:443/crm/?a=1#b')).toBe('x.bitrix24.ru');
    expect(addressHost('x.bitrix24.ru:444')).toBe('x.bitrix24.ru:444');
    expect(addressHost('Портал.bitrix24.ru')).toMatch(/^xn--[a-z0-9-]+\.bitrix24\.ru$/);
  });

  it('refuses user info, other schemes, junk and overlong input', () => {
    for (const input of ['', '   ', 'user@x.bitrix24.ru', 'https://user:pw@x.bitrix24.ru/', 'ftp://x.bitrix24.ru', 'javascript:alert(1)', 'mailto:a@x.bitrix24.ru', 'http://', 'a b.bitrix24.ru']) {
      expect(addressHost(input), input).toBeNull();
    }
    expect(addressHost(`${'a'.repeat(MAX_ADDRESS_LENGTH - 12)}.bitrix24.ru`)).not.toBeNull();
    expect(addressHost(`${'a'.repeat(MAX_ADDRESS_LENGTH - 11)}.bitrix24.ru`)).toBeNull();
    expect(addressHost('x'.repeat(300))).toBeNull();
  });
});

describe('isPortalHost', () => {
  it('accepts <name>.bitrix24.<zone> in every cloud zone, punycode names included', () => {
    for (const zone of BITRIX24_CLOUD_ZONES) expect(isPortalHost(`b24-aokwy2.bitrix24.${zone}`), zone).toBe(true);
    expect(isPortalHost('xn--80aqafgn.bitrix24.ru')).toBe(true);
  });

  it('refuses everything else', () => {
    const refused = [
      'bitrix24.ru',
      'evil.com',
      'bitrix24.ru.evil.com',
      'x.bitrix24.ru.evil.com',
      'a.b.bitrix24.ru',
      'x.bitrix24.ru:444',
      'x.bitrix24.ru.',
      'x.bitrix24.evil',
      'x.bitrix24.br', // Brazil is com.br
      'x.bitrix24.com.evil',
      '-x.bitrix24.ru',
      'x-.bitrix24.ru',
      'x_y.bitrix24.ru',
      'X.bitrix24.ru', // hosts arrive lower-cased
      `${'a'.repeat(64)}.bitrix24.ru`,
    ];
    for (const host of refused) expect(isPortalHost(host), host).toBe(false);
  });
});

describe('portalRule', () => {
  it('names the portal of a typed address, at https', () => {
    const rule = portalRule();
    expect(rule.only).toBeNull();
    expect(rule.fromAddress('https://Firma.Bitrix24.de/crm/')).toEqual({ host: 'firma.bitrix24.de', origin: 'https://firma.bitrix24.de' });
    expect(rule.fromAddress('http://x.bitrix24.ru/path')).toEqual({ host: 'x.bitrix24.ru', origin: 'https://x.bitrix24.ru' });
    for (const address of ['evil.com', 'bitrix24.ru.evil.com', 'user@x.bitrix24.ru', 'x.bitrix24.ru:444', 'https://x.bitrix24.ru:8443/', 'x'.repeat(300)]) {
      expect(rule.fromAddress(address), address).toBeNull();
    }
  });

  it('takes a callback domain only as a bare host', () => {
    const rule = portalRule();
    expect(rule.fromDomain('x.bitrix24.ru')).toEqual({ host: 'x.bitrix24.ru', origin: 'https://x.bitrix24.ru' });
    expect(rule.fromDomain('X.Bitrix24.RU')).toEqual({ host: 'x.bitrix24.ru', origin: 'https://x.bitrix24.ru' });
    for (const domain of [null, undefined, '', 'x.bitrix24.ru/rest', 'https://x.bitrix24.ru', 'user@x.bitrix24.ru', 'x.bitrix24.ru:444', 'evil.com']) {
      expect(rule.fromDomain(domain), String(domain)).toBeNull();
    }
  });

  it('with a sandbox: its host exactly, and nothing else', () => {
    const rule = portalRule('http://127.0.0.1:8789');
    expect(rule.only).toBe('127.0.0.1:8789');
    const sandbox = { host: '127.0.0.1:8789', origin: 'http://127.0.0.1:8789' };
    expect(rule.fromAddress('127.0.0.1:8789')).toEqual(sandbox);
    expect(rule.fromAddress('http://127.0.0.1:8789/')).toEqual(sandbox);
    expect(rule.fromDomain('127.0.0.1:8789')).toEqual(sandbox);
    for (const address of ['company.bitrix24.ru', '127.0.0.1', '127.0.0.1:8790', 'localhost:8789', 'user@127.0.0.1:8789']) {
      expect(rule.fromAddress(address), address).toBeNull();
      expect(rule.fromDomain(address), address).toBeNull();
    }
  });
});

describe('portal addresses and callback domains: tricks', () => {
  it.each(['127.0.0.1', '[::1]', '2130706433', 'x.bitrix24.ru.', 'x.bitrix24.ru@evil.com', 'evil.com#.bitrix24.ru', 'x.bitrix24.ru%2F@evil.com', 'x.bitrix24.ru:80'])(
    'refuses %j as an address and as a domain',
    (input) => {
      const rule = portalRule();
      expect(rule.fromAddress(input)).toBeNull();
      expect(rule.fromDomain(input)).toBeNull();
    },
  );
});

describe('bitrix24Destinations (where the client may send anything at all)', () => {
  const OAUTH = 'https://oauth.bitrix.info';

  it('in production: https cloud portals on the default port, and the OAuth server', () => {
    const destinations = bitrix24Destinations(OAUTH);
    for (const url of ['https://x.bitrix24.ru/rest/app.info', 'https://firma.bitrix24.de/rest/batch', `${OAUTH}/oauth/token/?grant_type=refresh_token`]) {
      expect(destinations.allows(new URL(url)), url).toBe(true);
    }
    for (const url of [
      'http://x.bitrix24.ru/rest/',
      'https://x.bitrix24.ru:8443/rest/',
      'https://user:pw@x.bitrix24.ru/rest/',
      'https://x.bitrix24.ru./rest/',
      'https://x.bitrix24.ru.evil.com/rest/',
      'https://oauth.bitrix.info.evil.com/oauth/token/',
      'http://oauth.bitrix.info/oauth/token/',
      'https://127.0.0.1/rest/',
      'http://127.0.0.1:8789/rest/', // a sandbox's, stored before the switch to production
    ]) {
      expect(destinations.allows(new URL(url)), url).toBe(false);
    }
  });

  it('with a sandbox: its origin exactly, not even Bitrix24 itself', () => {
    const destinations = bitrix24Destinations('http://127.0.0.1:8789', 'http://127.0.0.1:8789');
    expect(destinations.allows(new URL('http://127.0.0.1:8789/rest/app.info'))).toBe(true);
    for (const url of ['https://x.bitrix24.ru/rest/', `${OAUTH}/oauth/token/`, 'http://localhost:8789/', 'http://127.0.0.1:8788/']) {
      expect(destinations.allows(new URL(url)), url).toBe(false);
    }
  });
});
