import type { CrmDestinations } from '../http/client';

/**
 * Which Bitrix24 portals we talk to. Bitrix24 has no central consent page: the user types the
 * portal's address, the browser is sent to that portal, and the callback names the portal
 * again (`domain`). The consent page, and later every REST call with our access token, go to
 * that host, so only real Bitrix24 cloud portal hosts qualify — `<name>.bitrix24.<zone>`, one
 * label before `bitrix24`, no port, no user info — or, when the product is configured for a
 * sandbox (`BITRIX24_SANDBOX_ORIGIN`), that sandbox's host exactly and nothing else.
 */

/**
 * Bitrix24's cloud zones (its helpdesk lists the zones a portal can live in: Brazil and Turkey
 * are `com.br` and `com.tr`). A portal is `<name>.bitrix24.<zone>`.
 */
export const BITRIX24_CLOUD_ZONES: readonly string[] = [
  'ru',
  'com',
  'by',
  'kz',
  'ua',
  'de',
  'eu',
  'in',
  'es',
  'fr',
  'it',
  'pl',
  'uk',
  'com.br',
  'com.tr',
  'cn',
  'jp',
  'vn',
  'id',
];

/** A DNS label: letters, digits and inner hyphens (IDN names arrive here as punycode, `xn--…`). */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const PORTAL_HOST = new RegExp(`^${LABEL}\\.bitrix24\\.(?:${BITRIX24_CLOUD_ZONES.map((zone) => zone.replace('.', '\\.')).join('|')})$`);

/** Longer input is refused outright (a host name has at most 253 characters). */
export const MAX_ADDRESS_LENGTH = 255;

/** An example of what to type, for the authorization step. */
export const PORTAL_ADDRESS_EXAMPLE = 'company.bitrix24.ru';

/**
 * The host an address names: a bare host (`company.bitrix24.ru`) or an http(s) URL, of which
 * only the host counts. Parsed as a browser would (lower-cased, IDN as punycode, the default
 * port dropped); null for anything with user info, another scheme, or that does not parse.
 */
export function addressHost(input: string): string | null {
  const text = input.trim();
  if (text === '' || text.length > MAX_ADDRESS_LENGTH) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  if (!URL.canParse(withScheme)) return null;
  const url = new URL(withScheme);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url.host === '' ? null : url.host;
}

export const isPortalHost = (host: string): boolean => PORTAL_HOST.test(host);

/** Where a portal lives: its host (the account's `domain`) and the origin we contact. */
export interface Portal {
  host: string;
  origin: string;
}

/** The rule every address and callback `domain` is checked against (see the file comment). */
export interface PortalRule {
  /** The portal a typed address names, or null when it is not allowed. */
  fromAddress(input: string): Portal | null;
  /** The portal a callback's `domain` names: a bare host, exactly (no URL, no path). */
  fromDomain(domain: string | null | undefined): Portal | null;
  /** The sandbox's host when configured for one (the only address accepted), else null. */
  readonly only: string | null;
}

export function portalRule(sandboxOrigin?: string): PortalRule {
  const sandbox = sandboxOrigin ? new URL(sandboxOrigin) : null;
  const portalOf = (host: string | null): Portal | null => {
    if (host === null) return null;
    if (sandbox) return host === sandbox.host ? { host, origin: sandbox.origin } : null;
    return isPortalHost(host) ? { host, origin: `https://${host}` } : null;
  };
  return {
    only: sandbox ? sandbox.host : null,
    fromAddress: (input) => portalOf(addressHost(input)),
    fromDomain(domain) {
      if (!domain) return null;
      const host = addressHost(domain);
      // The callback names a host, nothing more: `x.bitrix24.ru/path` or a URL is not one.
      return host !== null && host === domain.trim().toLowerCase() ? portalOf(host) : null;
    },
  };
}

/**
 * Where the Bitrix24 client may send anything (checked on every request, before it leaves):
 * with a sandbox, its origin exactly (it is the OAuth server too); otherwise a cloud portal
 * (`https://<name>.bitrix24.<zone>`, default port, no user info) and the OAuth server. So
 * neither a callback's `domain`, a token answer's `client_endpoint` nor a stored connection's
 * base URL (say, one made before the server was switched to the sandbox) can send the code,
 * the client secret or a token anywhere else.
 */
export function bitrix24Destinations(oauthServer: string, sandboxOrigin?: string): CrmDestinations {
  const oauth = new URL(oauthServer).origin;
  const clean = (url: URL) => url.username === '' && url.password === '';
  if (sandboxOrigin) {
    const sandbox = new URL(sandboxOrigin).origin;
    return {
      allows: (url) => clean(url) && (url.origin === sandbox || url.origin === oauth),
      description: `the sandbox at ${sandbox} (BITRIX24_SANDBOX_ORIGIN)`,
    };
  }
  return {
    allows: (url) => clean(url) && (url.origin === oauth || (url.protocol === 'https:' && url.port === '' && isPortalHost(url.hostname))),
    description: `Bitrix24 portals (https://<name>.bitrix24.<zone>) and ${oauth}`,
  };
}
