import { escapeHtml } from '../shared/http';
import { consentForm, htmlPage } from '../shared/pages';

/**
 * The sandbox portal's pages, as plain escaped HTML: the consent page (a real portal skips it
 * for an installed application and a logged-in user; the sandbox asks, so a demo or a test can
 * say Deny) and the portal's own error page (Bitrix24 reports authorization failures there and
 * never redirects with error parameters).
 */

const STYLE = `
  body { font: 16px/1.5 "Open Sans", system-ui, sans-serif; background: #eef2f4; color: #333; margin: 0; }
  main { max-width: 460px; margin: 8vh auto; background: #fff; border-radius: 12px; padding: 32px; box-shadow: 0 2px 12px #0002; }
  h1 { font-size: 20px; margin: 0 0 16px; }
  .portal { border: 1px solid #dfe3e6; border-radius: 8px; padding: 12px 16px; margin: 16px 0; }
  .badge { display: inline-block; font-size: 12px; background: #2fc6f6; color: #fff; border-radius: 4px; padding: 0 6px; }
  ul { padding-left: 20px; }
  .actions { display: flex; gap: 12px; margin-top: 24px; flex-wrap: wrap; }
  button, .link { font: inherit; padding: 10px 20px; border-radius: 6px; border: 1px solid #bdc1c6; cursor: pointer; text-decoration: none; color: #333; background: #fff; }
  button[value="allow"] { background: #bbed21; border-color: #bbed21; color: #535c69; }
  button:focus-visible, .link:focus-visible { outline: 3px solid #333; outline-offset: 2px; }
`;

/** A page in this sandbox's colours. */
const page = (title: string, body: string) => htmlPage(title, STYLE, body);

export interface ConsentPageInput {
  appName: string;
  portalTitle: string;
  /** The portal's address: here the sandbox's host. */
  portalAddress: string;
  userName: string;
  clientId: string;
  state: string | null;
  scope: string;
}

export function consentPage(input: ConsentPageInput): string {
  return page(
    `Авторизация приложения — ${input.appName}`,
    `<p><span class="badge">Битрикс24 · песочница / sandbox</span></p>
<h1>Приложение «${escapeHtml(input.appName)}» запрашивает доступ к вашему Битрикс24</h1>
<div class="portal">
  <div>Битрикс24: <strong data-testid="portal-name">${escapeHtml(input.portalTitle)}</strong></div>
  <div>Адрес: <span data-testid="portal-address">${escapeHtml(input.portalAddress)}</span></div>
  <div>Пользователь: ${escapeHtml(input.userName)}</div>
</div>
<p>Приложение получит доступ (scope <code>${escapeHtml(input.scope)}</code>) к:</p>
<ul>
  <li>сделкам, лидам и истории их стадий;</li>
  <li>воронкам, стадиям и полям CRM.</li>
</ul>
${consentForm('/oauth/authorize/', [
  ['client_id', input.clientId],
  ['state', input.state],
])}`,
  );
}

export interface PageLink {
  href: string;
  text: string;
}

/** The portal's error page: what happened, and links (back to the application, try again). */
export function errorPage(title: string, detail: string, links: PageLink[] = []): string {
  const actions = links.length === 0 ? '' : `<div class="actions">${links.map((link) => `<a class="link" href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a>`).join('')}</div>`;
  return page(title, `<p><span class="badge">Битрикс24 · песочница / sandbox</span></p>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(detail)}</p>
${actions}`);
}
