import { isIP } from 'node:net';

import type { ApiKeyErrorCode } from '../../../app/contracts/oauth';
import type { CrmDestinations } from '../http/client';

/**
 * Which RetailCRM accounts we talk to. The user types the account's address, and the server then
 * sends the user's API key there: the address is untrusted input, checked before any request
 * leaves (docs/crm-apis.md §3, "Account URL"). The rules follow RetailCRM's own validator: `https`
 * only, no port, an empty path (or `/`), no query, no fragment, no `user:pass@`; the host is one
 * label under RetailCRM's SaaS domains (`<shop>.retailcrm.ru|.retailcrm.pro|.simla.com|.simla.io`);
 * a bare IP is never an account, and a name that resolves to a private, loopback or link-local
 * address is refused too. Redirects are never followed (the shared client sends `redirect: manual`).
 * With a sandbox (`RETAILCRM_SANDBOX_ORIGIN`), that origin exactly is the only address accepted.
 */

/** RetailCRM's hosting domains: an account is `<shop>.<domain>`. */
export const RETAILCRM_DOMAINS: readonly string[] = ['retailcrm.ru', 'retailcrm.pro', 'simla.com', 'simla.io'];

/** What to type, for the authorization step. */
export const ACCOUNT_URL_EXAMPLE = 'https://shop.retailcrm.ru';

/** Longer input is refused outright. */
export const MAX_ACCOUNT_URL_LENGTH = 255;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ACCOUNT_HOST = new RegExp(`^${LABEL}\\.(?:${RETAILCRM_DOMAINS.map((domain) => domain.replace(/\./g, '\\.')).join('|')})$`);

export const isAccountHost = (host: string): boolean => ACCOUNT_HOST.test(host);

/** An account address that passed the rules: the origin to call and the host (the account's `domain`). */
export interface AccountAddress {
  origin: string;
  host: string;
}

export type AddressCheck = { ok: true; address: AccountAddress } | { ok: false; code: ApiKeyErrorCode; message: string };

const refuse = (code: ApiKeyErrorCode, message: string): AddressCheck => ({ ok: false, code, message });

/** IPv4 and IPv6 addresses no account lives at: private, loopback, link-local, unspecified, CGNAT, multicast, reserved. */
export function isNonPublicAddress(ip: string): boolean {
  const version = isIP(ip);
  if (version === 4) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  if (version === 6) {
    const lower = ip.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped?.[1]) return isNonPublicAddress(mapped[1]);
    return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || /^ff/.test(lower) || lower.startsWith('64:ff9b:') || lower.startsWith('2001:db8');
  }
  return true;
}

/**
 * Checks a typed account address against the rules (see the file comment), without any network:
 * a bare host (`shop.retailcrm.ru`) is read as `https://shop.retailcrm.ru`.
 */
export function checkAccountUrl(input: string, sandboxOrigin?: string): AddressCheck {
  const text = input.trim();
  if (text === '') return refuse('address_required', 'Enter the address of your RetailCRM account, e.g. https://shop.retailcrm.ru.');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (text.length > MAX_ACCOUNT_URL_LENGTH || /[\s\u0000-\u001f\u007f\\]/.test(text) || text.startsWith('/')) {
    return refuse('address_invalid', 'This is not a web address. Enter it like https://shop.retailcrm.ru.');
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  const hasAuthority = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  // `shop.retailcrm.ru:8443` looks like a scheme to a parser; a scheme is followed by `//`.
  const withScheme = scheme && hasAuthority ? text : scheme && /^[a-z0-9.-]+:\d+/i.test(text) ? `https://${text}` : scheme ? null : `https://${text}`;
  if (withScheme === null) return refuse('address_scheme', 'Only https:// addresses are allowed.');
  if (!URL.canParse(withScheme)) return refuse('address_invalid', 'This is not a web address. Enter it like https://shop.retailcrm.ru.');
  const url = new URL(withScheme);
  if (!sandboxOrigin && url.protocol !== 'https:') return refuse('address_scheme', 'Only https:// addresses are allowed.');
  const authority = withScheme.slice(withScheme.indexOf('//') + 2).split(/[/?#]/)[0] ?? '';

  if (url.username !== '' || url.password !== '' || authority.includes('@')) {
    return refuse('address_userinfo', 'The address must not contain a user name or password (user@host).');
  }
  if (url.search !== '' || withScheme.includes('?')) return refuse('address_query', 'The address must not contain a query (?…).');
  if (url.hash !== '' || withScheme.includes('#')) return refuse('address_query', 'The address must not contain a fragment (#…).');
  if (url.pathname !== '/' && url.pathname !== '') return refuse('address_path', 'The address must not contain a path: enter only https://<shop>.retailcrm.ru.');

  if (sandboxOrigin) {
    const sandbox = new URL(sandboxOrigin);
    if (url.origin === sandbox.origin) return { ok: true, address: { origin: sandbox.origin, host: sandbox.host } };
    return refuse('address_not_allowed', `This server is set up for the sandbox RetailCRM only: enter ${sandbox.origin}.`);
  }

  if (url.port !== '' || /:\d*$/.test(authority.replace(/^\[.*\]/, ''))) return refuse('address_port', 'The address must not contain a port.');
  const host = url.hostname;
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) {
    return refuse('address_ip', 'An IP address is not a RetailCRM account: enter the account’s address, like https://shop.retailcrm.ru.');
  }
  if (!isAccountHost(host)) {
    return refuse('address_not_allowed', `This is not a RetailCRM account address: it must end in ${RETAILCRM_DOMAINS.map((domain) => `.${domain}`).join(', ')}.`);
  }
  return { ok: true, address: { origin: url.origin, host } };
}

/** Resolves a host name to its addresses (node's `dns.promises.lookup(host, { all: true })`). */
export type ResolveHost = (host: string) => Promise<string[]>;

/**
 * Where the RetailCRM client may send anything (checked on every request, before it leaves):
 * with a sandbox, its origin exactly; otherwise `https://<shop>.<RetailCRM domain>` on the default
 * port without user info. So a stored connection's base URL (say, one made before the server was
 * switched to the sandbox) cannot send the key anywhere else either.
 */
export function retailCrmDestinations(sandboxOrigin?: string): CrmDestinations {
  const clean = (url: URL) => url.username === '' && url.password === '';
  if (sandboxOrigin) {
    const sandbox = new URL(sandboxOrigin).origin;
    return { allows: (url) => clean(url) && url.origin === sandbox, description: `the sandbox at ${sandbox} (RETAILCRM_SANDBOX_ORIGIN)` };
  }
  return {
    allows: (url) => clean(url) && url.protocol === 'https:' && url.port === '' && isAccountHost(url.hostname),
    description: `RetailCRM accounts (https://<shop>.${RETAILCRM_DOMAINS.join(', .')})`,
  };
}
