import type { ConnectorId } from '@/contracts/connector';

/** How long after leaving for the CRM a return without a result counts as "came back early". */
export const RETURN_WINDOW_MS = 10 * 60_000;

const key = (connector: ConnectorId) => `hub-connect.oauth-left.${connector}`;

/**
 * Remembers (per tab) that the browser was sent to the CRM's consent page, so that coming
 * back with the browser's Back button shows a choice instead of bouncing to the CRM again:
 * the authorization step must never redirect in a loop.
 */
export const redirectGuard = {
  mark(connector: ConnectorId, now = Date.now()): void {
    try {
      window.sessionStorage.setItem(key(connector), String(now));
    } catch {
      // Without storage the guard is off; the step still works.
    }
  },
  clear(connector: ConnectorId): void {
    try {
      window.sessionStorage.removeItem(key(connector));
    } catch {
      // Nothing to clear.
    }
  },
  recentlyLeft(connector: ConnectorId, now = Date.now()): boolean {
    try {
      const left = Number(window.sessionStorage.getItem(key(connector)));
      return Number.isFinite(left) && left > 0 && now - left < RETURN_WINDOW_MS;
    } catch {
      return false;
    }
  },
};
