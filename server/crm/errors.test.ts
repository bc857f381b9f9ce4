import { describe, expect, it } from 'vitest';

import { allCrmCalls, CrmError, crmProblem } from './errors';

describe('crmProblem', () => {
  it('tells a rate-limited client how long to wait, in whole seconds', () => {
    expect(crmProblem(new CrmError('crm_rate_limited', 'slow down', 2.5))).toMatchObject({
      status: 503,
      init: { code: 'crm_rate_limited', retryAfter: 3 },
    });
    expect(crmProblem(new CrmError('crm_rate_limited', 'slow down', 0)).init.retryAfter).toBe(1);
  });

  it('sends no retryAfter when the CRM named none, nor for other failures', () => {
    expect(crmProblem(new CrmError('crm_rate_limited', 'slow down')).init).not.toHaveProperty('retryAfter');
    expect(crmProblem(new CrmError('crm_unavailable', 'down', 5)).init).not.toHaveProperty('retryAfter');
  });
});

describe('allCrmCalls', () => {
  const revoked = new CrmError('crm_access_revoked', 'refused');
  const gone = new CrmError('crm_not_connected', 'removed');

  it('answers every result, in order', async () => {
    expect(await allCrmCalls([Promise.resolve(1), Promise.resolve('two')] as const)).toEqual([1, 'two']);
  });

  it('when calls fail together, a revoked access is said over the access being gone, whichever failed first', async () => {
    await expect(allCrmCalls([Promise.reject(gone), Promise.reject(revoked)])).rejects.toBe(revoked);
    await expect(allCrmCalls([Promise.reject(revoked), Promise.reject(gone)])).rejects.toBe(revoked);
  });

  it('otherwise the first failure', async () => {
    const down = new CrmError('crm_unavailable', 'down');
    await expect(allCrmCalls([Promise.resolve(1), Promise.reject(down), Promise.reject(gone)])).rejects.toBe(down);
  });
});
