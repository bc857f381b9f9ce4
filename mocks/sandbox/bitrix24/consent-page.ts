import { escapeHtml } from '../shared/http';

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

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

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
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
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
<form method="post" action="/oauth/authorize/">
  ${hidden('client_id', input.clientId)}
  ${input.state === null ? '' : hidden('state', input.state)}
  <div class="actions">
    <button type="submit" name="decision" value="allow">Allow</button>
    <button type="submit" name="decision" value="deny">Deny</button>
  </div>
</form>
<p lang="ru"><small>«Allow» — разрешить доступ, «Deny» — отказать.</small></p>`,
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
