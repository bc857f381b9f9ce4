import { Hono, type Context } from 'hono';

/**
 * Composes a sandbox's parts (OAuth, each API resource, fault injection) into one
 * `Request → Response` handler: plain `fetch`, so the same sandbox is served over HTTP
 * (`listen.ts`), through MSW (`msw.ts`) or called directly by a test.
 */

export interface FetchHandler {
  /** Answers one request, like a server would. */
  fetch(request: Request): Promise<Response>;
}

export interface RecordedRequest {
  method: string;
  path: string;
}

/** A part registers its routes (and middleware) on the app; parts run in the order given. */
export type SandboxPart = (app: Hono) => void;

export interface ComposeOptions {
  parts: SandboxPart[];
  /** What an unexpected exception answers (the CRM's own 500). */
  onError: () => Response;
  /** What an unknown route answers. */
  notFound: (c: Context) => Response;
  /** Where requests are recorded (a sandbox rebuilt with new data keeps its list); default a new one. */
  requests?: RecordedRequest[];
}

export interface ComposedSandbox extends FetchHandler {
  /** Every request received (method and path, never the query), oldest first. */
  readonly requests: ReadonlyArray<RecordedRequest>;
}

export function composeSandbox(options: ComposeOptions): ComposedSandbox {
  const requests: RecordedRequest[] = options.requests ?? [];
  const app = new Hono();
  app.onError(() => options.onError());
  app.use('*', async (c, next) => {
    requests.push({ method: c.req.method, path: new URL(c.req.url).pathname });
    await next();
  });
  for (const part of options.parts) part(app);
  app.notFound(options.notFound);
  return { fetch: async (request) => app.fetch(request), requests };
}
