import { escapeHtml } from '../shared/http';
import { consentForm, htmlPage } from '../shared/pages';

/** The sandbox's consent window (amoCRM's "Предоставить доступ"), as plain escaped HTML. */

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; background: #f2f3f4; color: #1e2b37; margin: 0; }
  main { max-width: 440px; margin: 8vh auto; background: #fff; border-radius: 8px; padding: 32px; box-shadow: 0 2px 12px #0002; }
  h1 { font-size: 20px; margin: 0 0 16px; }
  .account { border: 1px solid #e6e8ea; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
  .badge { display: inline-block; font-size: 12px; background: #fff000; border-radius: 4px; padding: 0 6px; }
  ul { padding-left: 20px; }
  .actions { display: flex; gap: 12px; margin-top: 24px; }
  button { font: inherit; padding: 10px 20px; border-radius: 4px; border: 1px solid #98cbff; cursor: pointer; }
  button[value="allow"] { background: #4c8bf7; border-color: #4c8bf7; color: #fff; }
  button[value="deny"] { background: #fff; color: #1e2b37; }
  button:focus-visible { outline: 3px solid #1e2b37; outline-offset: 2px; }
`;

/** A page in this sandbox's colours. */
const page = (title: string, body: string) => htmlPage(title, STYLE, body);

export interface ConsentPageInput {
  integrationName: string;
  accountName: string;
  /** How the account is addressed, e.g. `demo.amocrm.ru` (here the sandbox's host). */
  accountAddress: string;
  userName: string;
  clientId: string;
  state: string | null;
  mode: string;
}

export function consentPage(input: ConsentPageInput): string {
  return page(
    `Предоставить доступ — ${input.integrationName}`,
    `<p><span class="badge">amoCRM · песочница / sandbox</span></p>
<h1>Интеграция «${escapeHtml(input.integrationName)}» запрашивает доступ к вашему аккаунту</h1>
<div class="account">
  <div>Аккаунт: <strong data-testid="account-name">${escapeHtml(input.accountName)}</strong></div>
  <div>Адрес: <span data-testid="account-address">${escapeHtml(input.accountAddress)}</span></div>
  <div>Пользователь: ${escapeHtml(input.userName)}</div>
</div>
<p>Интеграция получит доступ к:</p>
<ul>
  <li>сделкам, воронкам и статусам;</li>
  <li>дополнительным полям сделок;</li>
  <li>событиям изменения статусов.</li>
</ul>
${consentForm('/oauth/decision', [
  ['client_id', input.clientId],
  ['state', input.state],
  ['mode', input.mode],
])}`,
  );
}

export function errorPage(title: string, detail: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>`);
}
