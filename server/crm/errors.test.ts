import { describe, expect, it } from 'vitest';

import { CrmError, crmProblem } from './errors';

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
