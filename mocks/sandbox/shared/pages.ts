import { escapeHtml } from './http';

/**
 * The frame of a sandbox's own HTML pages (its consent page and its error pages): plain escaped
 * HTML, no scripts. Each CRM's sandbox writes its own stylesheet, wording and fields; the
 * document around them and the Allow / Deny form are the same for all.
 */

/** A whole Russian-language page: `title` (escaped), the CRM's `style` and `body` (already HTML) in one `<main>`. */
export function htmlPage(title: string, style: string, body: string): string {
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** A hidden form field; the value is escaped. */
export function hiddenInput(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

/** One hidden field of the consent form; a null value (e.g. no `state` in the request) writes no field. */
export type ConsentField = readonly [name: string, value: string | null];

/**
 * The consent form: posts its hidden `fields` and `decision=allow` or `decision=deny` (the two
 * buttons) to `action`, followed by a line that says in Russian what the buttons do.
 */
export function consentForm(action: string, fields: readonly ConsentField[]): string {
  const hidden = fields.map(([name, value]) => `  ${value === null ? '' : hiddenInput(name, value)}\n`).join('');
  return `<form method="post" action="${escapeHtml(action)}">
${hidden}  <div class="actions">
    <button type="submit" name="decision" value="allow">Allow</button>
    <button type="submit" name="decision" value="deny">Deny</button>
  </div>
</form>
<p lang="ru"><small>«Allow» — разрешить доступ, «Deny» — отказать.</small></p>`;
}
