import { randomUUID } from 'node:crypto';

import { getSignedCookie, setSignedCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';

import type { Repository, SweepOptions } from '../db/repository';

import type { Logger } from './logger';

export const SESSION_COOKIE = 'hc_session';
const ONE_YEAR = 365 * 24 * 3600;
/** How often (at most) a request also sweeps stale OAuth states and empty workspaces. */
export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

const WORKSPACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The request's workspace: only its id. Its row in the database may not exist yet — it is
 * created by the workspace's first write (see `Repository`) — and reads of a workspace
 * without a row answer as an empty workspace.
 */
export interface SessionWorkspace {
  id: string;
}

export type SessionVariables = { workspace: SessionWorkspace };

export interface SessionOptions {
  /** Clock of the sweep (Unix ms). */
  now?: () => number;
  /** The sweep's ages (`Repository.sweep`); `now` comes from the clock above. */
  sweep?: Omit<SweepOptions, 'now'>;
  /** Default `SWEEP_INTERVAL_MS`; 0 sweeps on every request. */
  sweepIntervalMs?: number;
  logger?: Logger;
}

/**
 * Finds the request's workspace from its signed session cookie. A request without one (or
 * with a forged, tampered or malformed one) gets a new workspace id in a new cookie — and
 * nothing is written: the id is the whole session, and the workspace's row appears with its
 * first write (a saved draft, an authorization). So a visitor who only looks, or a stranger
 * sending cookie-less requests, leaves no trace in the database, while the browser keeps the
 * same workspace from its first request on (the OAuth callback checks the state's workspace
 * against this cookie). HttpOnly and SameSite=Lax: scripts cannot read it and other sites
 * cannot send it with their requests.
 *
 * At most every `sweepIntervalMs`, a request also runs `Repository.sweep`: expired OAuth
 * states and workspaces left with nothing (after a disconnect, or states that expired) go.
 */
export function sessionMiddleware(repo: Repository, secret: string, secure: boolean, options: SessionOptions = {}) {
  const now = options.now ?? (() => Date.now());
  const interval = options.sweepIntervalMs ?? SWEEP_INTERVAL_MS;
  let lastSweep = Number.NEGATIVE_INFINITY;

  const sweep = async () => {
    const at = now();
    if (at - lastSweep < interval && at >= lastSweep) return;
    lastSweep = at;
    try {
      const swept = await repo.sweep({ ...options.sweep, now: at });
      if (swept.states + swept.workspaces > 0) options.logger?.info('swept stale oauth states and empty workspaces', swept);
    } catch (error) {
      // A sweep that fails (a busy database) is tried again at the next interval; the request goes on.
      options.logger?.warn('sweep failed', { error: String(error) });
    }
  };

  return createMiddleware<{ Variables: SessionVariables }>(async (c, next) => {
    const cookie = await getSignedCookie(c, secret, SESSION_COOKIE);
    let id = typeof cookie === 'string' && WORKSPACE_ID.test(cookie) ? cookie : null;
    if (id === null) {
      id = randomUUID();
      await setSignedCookie(c, SESSION_COOKIE, id, secret, {
        httpOnly: true,
        sameSite: 'Lax',
        secure,
        path: '/',
        maxAge: ONE_YEAR,
      });
    }
    c.set('workspace', { id });
    await sweep();
    await next();
  });
}
