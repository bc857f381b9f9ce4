/**
 * Leaving the SPA for another site (the CRM's consent page). One seam, so tests can watch
 * the redirect instead of the test browser trying to follow it.
 */
export const browserLocation = {
  assign(url: string): void {
    window.location.assign(url);
  },
};
