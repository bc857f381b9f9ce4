/** Response helpers every sandbox answers with: JSON bodies, RFC 9457-style problems, escaped HTML. */

export const json = (body: unknown, status: number, contentType = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });

export const noContent = () => new Response(null, { status: 204 });

/** A problem document as amoCRM writes them (`type` on httpstatus.es); `extra` adds fields such as `retry_after`. */
export function httpProblem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): Response {
  return json({ title, type: `https://httpstatus.es/${status}`, status, detail, ...extra }, status, 'application/problem+json');
}

/** Escapes text for HTML (consent and error pages). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
