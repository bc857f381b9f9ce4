import type { ConnectorId } from '../../app/contracts/connector';
import { authorizeResponseSchema } from '../../app/contracts/oauth';
import type { FetchHandler } from '../../mocks/sandbox/shared/compose';

import { TEST_ORIGIN, type TestClient } from './test-server';

/**
 * The OAuth round trip as a browser plays it against a sandbox CRM (amoCRM by default, or
 * Bitrix24: both sandboxes' consent pages share one form): the product's authorize endpoint,
 * the consent page (Allow or Deny) and the product's callback.
 */

const unescapeHtml = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/**
 * `POST /api/connectors/{connector}/authorize`; the consent page's URL (throws when the
 * workspace is authorized already, or the API refuses).
 */
export async function startAuthorization(browser: TestClient, body: unknown = {}, connector: ConnectorId = 'amocrm'): Promise<string> {
  const response = await browser.request(`/api/connectors/${connector}/authorize`, { method: 'POST', json: body });
  if (response.status !== 200) throw new Error(`authorize answered ${response.status}`);
  const result = authorizeResponseSchema.parse(await response.json());
  if (result.status !== 'redirect') throw new Error(`expected a redirect, got ${result.status}`);
  return result.authorizeUrl;
}

/**
 * Opens the consent page and presses the button with that name; returns where the sandbox
 * redirects (the product's callback). `fetchImpl` reaches the sandbox: MSW's global fetch or
 * `sandbox.fetch` directly.
 */
export async function pressOnConsentPage(
  authorizeUrl: string,
  button: 'Allow' | 'Deny',
  fetchImpl: (request: Request) => Promise<Response> = (request) => fetch(request),
): Promise<URL> {
  const page = await fetchImpl(new Request(authorizeUrl));
  if (page.status !== 200) throw new Error(`the consent page answered ${page.status}`);
  const html = await page.text();
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
  if (!form?.[1] || !form[2]) throw new Error('The sandbox consent page has no form');
  const fields = new URLSearchParams();
  for (const input of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.append(input[1] ?? '', unescapeHtml(input[2] ?? ''));
  }
  const pressed = new RegExp(`<button type="submit" name="([^"]+)" value="([^"]+)">${button}</button>`).exec(form[2]);
  if (!pressed?.[1] || !pressed[2]) throw new Error(`The consent page has no ${button} button`);
  fields.append(pressed[1], pressed[2]);
  const decision = await fetchImpl(new Request(new URL(form[1], authorizeUrl), { method: 'POST', body: fields, redirect: 'manual' }));
  if (decision.status !== 302) throw new Error(`the consent decision answered ${decision.status}`);
  return new URL(decision.headers.get('Location') ?? '');
}

/** Follows the CRM's redirect to the product's callback (same browser); where the product sends the browser. */
export async function followCallback(browser: TestClient, callback: URL): Promise<URL> {
  if (callback.origin !== TEST_ORIGIN) throw new Error(`the callback goes to ${callback.origin}`);
  const response = await browser.request(`${callback.pathname}${callback.search}`);
  if (response.status !== 302) throw new Error(`the callback answered ${response.status}`);
  return new URL(response.headers.get('Location') ?? '', TEST_ORIGIN);
}

/**
 * A whole authorization with "Allow", straight into the connector's in-memory sandbox (no MSW
 * needed); throws unless the product sends the browser back to that connector's wizard with
 * `oauth=success`.
 */
export async function connectThroughSandbox(
  browser: TestClient,
  sandbox: FetchHandler,
  body: unknown = {},
  connector: ConnectorId = 'amocrm',
): Promise<void> {
  const authorizeUrl = await startAuthorization(browser, body, connector);
  const callback = await pressOnConsentPage(authorizeUrl, 'Allow', (request) => sandbox.fetch(request));
  const location = await followCallback(browser, callback);
  if (location.pathname !== `/setup/${connector}/authorize` || location.searchParams.get('oauth') !== 'success') {
    throw new Error(`OAuth did not succeed: ${location.toString()}`);
  }
}
