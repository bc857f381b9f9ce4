import fs from 'node:fs';
import path from 'node:path';

import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { except } from 'hono/combine';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';

import type { CrmDeps } from './crm/registry';
import { createDriftService, type DriftService } from './crm/drift';
import { createSchemaProvider, type SchemaProvider } from './crm/schema-cache';
import type { Repository } from './db/repository';
import { compressApi } from './lib/compression';
import { closeConnectionOfUnreadBody } from './lib/http-limits';
import type { Logger } from './lib/logger';
import { problem, ProblemError } from './lib/problem';
import { rateLimit, type RateLimitSettings } from './lib/rate-limit';
import { sameOriginOnly } from './lib/same-origin';
import { sessionMiddleware, type SessionVariables } from './lib/session';
import { API_VERSION, buildOpenApiDocument } from './openapi';
import { connectorRoutes } from './routes/connectors';
import { crmRoutes } from './routes/crm';
import { crmOpenApiPaths, crmOpenApiSchemas } from './routes/crm.openapi';
import { driftOpenApiPaths, driftOpenApiSchemas } from './routes/drift.openapi';
import { oauthRoutes } from './routes/oauth';
import { funnelRoutes } from './routes/funnel';
import { funnelOpenApiPaths, funnelOpenApiSchemas } from './routes/funnel.openapi';
import { syncRoutes } from './routes/sync';
import { versionRoutes } from './routes/versions';
import { versionsOpenApiPaths, versionsOpenApiSchemas } from './routes/versions.openapi';
import { isImportPath, transferRoutes } from './routes/transfer';
import { transferOpenApiPaths, transferOpenApiSchemas } from './routes/transfer.openapi';
import { createDealSync, type DealSyncService } from './sync/deal-sync';

/**
 * The route groups defined as data (server/lib/api-route.ts), composed under their prefixes. Its
 * type is the SPA's client type (`ApiType`, app/api/client.ts); its definitions write the OpenAPI
 * document's paths for them.
 */
function typedApi(groups: { sync: ReturnType<typeof syncRoutes> }) {
  return new OpenAPIHono().route('/api/connectors', groups.sync);
}

/** The typed API: what `hc<ApiType>` in the SPA calls. A type only: the SPA never imports the server. */
export type ApiType = ReturnType<typeof typedApi>;

/** How long `GET /api/ready` waits for the database. */
const READY_TIMEOUT_MS = 2000;

export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppDeps {
  repo: Repository;
  logger: Logger;
  sessionSecret: string;
  /** The URL users reach the product at (used for cookies' Secure flag and the OpenAPI server). */
  publicUrl: string;
  /** Built SPA to serve; omitted in API-only tests. */
  staticDir?: string;
  /** CRM adapters and the token cipher. */
  crm: CrmDeps;
  /**
   * The deal sync (`server/sync/`); default: one over `repo` and `crm`. The server's start passes
   * its own, to resume unfinished runs and to stop it before the database closes.
   */
  dealSync?: DealSyncService;
  /**
   * How the CRM schema is obtained (one cache for every route); default: one over `repo` and `crm`.
   * The server's start passes its own, shared with its drift check.
   */
  schemas?: SchemaProvider;
  /**
   * The CRM drift records (`server/crm/drift.ts`); default: one over `repo` and `schemas` without a
   * periodic check. The server's start passes its own, which checks periodically and stops on shutdown.
   */
  drift?: DriftService;
  /** The per-client rate limit on /api/* (the server's start passes the configured one); none when omitted. */
  rateLimit?: RateLimitSettings;
}

/**
 * Security headers on every response (API, SPA, assets, errors). The CSP fits the built SPA:
 * its own scripts only (no inline ones), inline styles allowed (React sets colours and drag
 * transforms in style attributes), images from itself or data: URLs, requests to itself only,
 * workers from its own scripts only,
 * never framed. The consent page is the CRM's (or the sandbox's own server), reached by a
 * full-page navigation, which the CSP does not restrict. `overwrite: false` keeps a header a
 * handler chose itself: the OAuth callback's `Referrer-Policy: no-referrer`, so the code in
 * its URL never travels on as a Referer.
 */
export function securityHeaders(https: boolean) {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      // The deals worker (app/features/funnel/model/deals.worker.ts), a script of the build's own.
      workerSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    },
    referrerPolicy: 'strict-origin-when-cross-origin',
    xFrameOptions: 'DENY',
    // Browsers ignore HSTS over plain HTTP; send it only when the product is served over HTTPS.
    strictTransportSecurity: https ? 'max-age=15552000; includeSubDomains' : false,
    overwrite: false,
  });
}

export function createApp(deps: AppDeps) {
  const app = new Hono<{ Variables: SessionVariables }>();

  app.onError((error, c) => {
    if (error instanceof ProblemError) return problem(c, error.status, error.init);
    if (error instanceof HTTPException) {
      return problem(c, error.status, { code: 'http_error', detail: error.message });
    }
    deps.logger.error('unhandled error', { method: c.req.method, path: c.req.path, error: String(error) });
    return problem(c, 500, { code: 'internal_error', detail: 'Something went wrong on our side. Try again in a moment.' });
  });

  app.use('*', securityHeaders(deps.publicUrl.startsWith('https:')));

  // Structured request log: method, path (never the query string, which may carry OAuth codes), status, time.
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      workspace: c.get('workspace')?.id,
    });
  });

  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.use('/api/*', closeConnectionOfUnreadBody());
  app.use('/api/*', compressApi());
  if (deps.rateLimit) {
    // Health stays out: a load balancer's checks must not be refused for a flood from the same address.
    app.use('/api/*', rateLimit(deps.rateLimit, { exempt: ['/api/health', '/api/ready'] }));
  }
  app.use('/api/*', sameOriginOnly(deps.publicUrl));
  const apiBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => problem(c, 413, { code: 'body_too_large', detail: 'The request body is over 1 MB.' }),
  });
  // An imported file has a limit of its own (4 MB, `IMPORT_MAX_BYTES`), applied by its route.
  app.use('/api/*', except((c) => isImportPath(c.req.path), apiBodyLimit));

  app.get('/api/health', (c) => c.json({ status: 'ok' as const, version: API_VERSION }));
  // Readiness (for a load balancer): the process is up AND its database answers within 2 s.
  app.get('/api/ready', async (c) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        deps.repo.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('database ping timed out')), READY_TIMEOUT_MS);
        }),
      ]);
      return c.json({ status: 'ready' as const });
    } catch (error) {
      deps.logger.warn('not ready: the database does not answer', { reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown' });
      return problem(c, 503, { code: 'not_ready', detail: 'The database does not answer.' });
    } finally {
      clearTimeout(timer);
    }
  });
  let openApiDocument: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get('/api/openapi.json', (c) => {
    openApiDocument ??= buildOpenApiDocument({
      serverUrl: deps.publicUrl,
      extraPaths: { ...crmOpenApiPaths, ...funnelOpenApiPaths, ...driftOpenApiPaths, ...versionsOpenApiPaths, ...transferOpenApiPaths },
      extraSchemas: { ...crmOpenApiSchemas, ...funnelOpenApiSchemas, ...driftOpenApiSchemas, ...versionsOpenApiSchemas, ...transferOpenApiSchemas },
      generated: api.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Hub Connect API', version: API_VERSION } }),
    });
    return c.json(openApiDocument);
  });

  const session = sessionMiddleware(deps.repo, deps.sessionSecret, deps.publicUrl.startsWith('https:'), { logger: deps.logger, now: deps.crm.now });
  // '/api/connectors/*' also matches '/api/connectors' itself.
  app.use('/api/connectors/*', session);
  // One schema provider for GET …/schema and activation: the same cache, the same CRM reads.
  const schemas = deps.schemas ?? createSchemaProvider(deps.repo, deps.crm);
  const drift = deps.drift ?? createDriftService({ repo: deps.repo, schemas, logger: deps.logger, now: deps.crm.now });
  app.route('/api/connectors', connectorRoutes(deps.repo, { schemas, logger: deps.logger, adapters: deps.crm.adapters, drift }));
  const dealSync = deps.dealSync ?? createDealSync({ repo: deps.repo, crm: deps.crm, logger: deps.logger });
  app.route('/api/connectors', crmRoutes(deps.repo, deps.crm, deps.logger, schemas, dealSync, drift));
  const api = typedApi({ sync: syncRoutes(deps.repo, deps.crm, dealSync) });
  app.route('/', api);
  app.route('/api/connectors', versionRoutes(deps.repo, deps.crm.adapters));
  app.route('/api/connectors', funnelRoutes(deps.repo, deps.crm, deps.logger, schemas));
  app.route('/api/connectors', transferRoutes(deps.repo, { schemas, logger: deps.logger, adapters: deps.crm.adapters, now: deps.crm.now }));
  // The OAuth callback finds its workspace from the one-time state, not the session middleware.
  app.route('/api/oauth', oauthRoutes(deps.repo, deps.crm, deps.logger, deps.sessionSecret, dealSync));

  app.all('/api/*', (c) =>
    problem(c, 404, { code: 'not_found', detail: `No API endpoint ${c.req.method} ${c.req.path}. See /api/openapi.json.` }),
  );

  const staticDir = deps.staticDir;
  if (staticDir && fs.existsSync(path.join(staticDir, 'index.html'))) {
    const root = path.relative(process.cwd(), staticDir) || '.';
    const indexHtml = fs.readFileSync(path.join(staticDir, 'index.html'), 'utf8');
    app.use('/assets/*', async (c, next) => {
      await next();
      if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
    });
    // index.html (at `/`, `/index.html` and every deep link) names the hashed assets of the build
    // that is running: a browser must ask again each time (a 304 when unchanged), or it would keep
    // loading the chunks of a build that is gone after a deploy.
    app.use('*', async (c, next) => {
      await next();
      if (!c.req.path.startsWith('/assets/') && /^text\/html/.test(c.res.headers.get('Content-Type') ?? '')) c.header('Cache-Control', 'no-cache');
    });
    // A built asset's `.br` or `.gz` sibling (written at build time) when the browser accepts it.
    app.use('*', async (c, next) => {
      await next();
      if (c.res.status === 200 && !c.res.headers.get('Vary')?.match(/accept-encoding/i) && /^(text\/|application\/(javascript|json)|image\/svg)/.test(c.res.headers.get('Content-Type') ?? '')) {
        c.res.headers.append('Vary', 'Accept-Encoding');
      }
    });
    app.use('*', serveStatic({ root, precompressed: true }));
    // Deep links (/setup/amocrm/mapping) are the SPA's routes: answer them with index.html.
    app.get('*', (c) => c.html(indexHtml));
  } else {
    app.get('*', (c) =>
      c.text('The web app is not built. Run `npm start` (or `npm run build`), or use `npm run dev`.', 503),
    );
  }

  return app;
}
