import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import { z } from 'zod';

import { connectorIdSchema } from '../../app/contracts/connector';
import { problemSchema, zodIssuesToFieldErrors } from '../../app/contracts/problem';

import { ProblemError } from './problem';
import type { SessionVariables } from './session';

/**
 * Routes as data: each endpoint is one `createRoute` (method, path, request and response
 * schemas from app/contracts, its documentation) registered with `app.openapi(route, handler)`.
 * The same definition validates the request, types the handler's answer, writes the OpenAPI
 * document and types the SPA's client (`hc<ApiType>`, app/api/client.ts). Errors stay RFC 9457
 * problem documents: a request the definition refuses becomes the same problem the hand-written
 * checks answered before (404 `unknown_connector`, 422 `validation_failed` with JSON pointers).
 */

/** What a failed request validation answers, by where it failed. */
type SessionEnv = { Variables: SessionVariables };

const refuseInvalidRequest: Hook<unknown, SessionEnv, string, undefined> = (result) => {
  if (result.success) return;
  const { target } = result;
  const issues = result.error.issues;
  if (target === 'param' && issues.some((issue) => issue.path[0] === 'connector')) {
    throw new ProblemError(404, { code: 'unknown_connector', detail: 'Unknown connector. See GET /api/connectors for the known ones.' });
  }
  throw new ProblemError(target === 'json' ? 422 : 400, {
    code: 'validation_failed',
    detail: `The request's ${target ?? 'input'} is not valid; see errors.`,
    errors: zodIssuesToFieldErrors(issues),
  });
};

/** A route group behind the session middleware (`c.get('workspace')`), refusing bad input as problems. */
export const sessionRoutes = () => new OpenAPIHono<SessionEnv>({ defaultHook: refuseInvalidRequest });

/** The `{connector}` path parameter every connector route has. */
export const connectorParams = z.object({
  connector: connectorIdSchema.meta({ param: { name: 'connector', in: 'path' }, description: 'A connector id from GET /api/connectors' }),
});

/** A JSON response of a route definition. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const problemComponent = problemSchema.meta({ id: 'Problem' });

/** A problem response (RFC 9457) of a route definition. */
export const problemOf = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemComponent } },
});
