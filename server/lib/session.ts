import { getSignedCookie, setSignedCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';

import type { Repository, Workspace } from '../db/repository';

export const SESSION_COOKIE = 'hc_session';
const ONE_YEAR = 365 * 24 * 3600;

export type SessionVariables = { workspace: Workspace };

/**
 * Finds the request's workspace from its signed session cookie, or creates a workspace and
 * a session on the first visit. HttpOnly and SameSite=Lax: scripts cannot read it and
 * other sites cannot send it with their requests.
 */
export function sessionMiddleware(repo: Repository, secret: string, secure: boolean) {
  return createMiddleware<{ Variables: SessionVariables }>(async (c, next) => {
    const id = await getSignedCookie(c, secret, SESSION_COOKIE);
    let workspace = typeof id === 'string' ? repo.getWorkspace(id) : null;
    if (!workspace) {
      workspace = repo.createWorkspace();
      await setSignedCookie(c, SESSION_COOKIE, workspace.id, secret, {
        httpOnly: true,
        sameSite: 'Lax',
        secure,
        path: '/',
        maxAge: ONE_YEAR,
      });
    }
    c.set('workspace', workspace);
    await next();
  });
}
