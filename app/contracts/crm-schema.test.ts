import { describe, expect, it } from 'vitest';

import { crmStatusSchema } from './crm-schema';

describe('crmStatusSchema.color', () => {
  const status = (color: string) => ({ id: '142', name: 'Успешно реализовано', sort: 10000, color, kind: 'won' });

  it.each(['#fff', '#FFF', '#c1c1c1', '#CCFF66', '#ccff6680'])('accepts the hex colour %s', (color) => {
    expect(crmStatusSchema.safeParse(status(color)).success).toBe(true);
  });

  it.each(['red', 'c1c1c1', '#c1', '#c1c1c1c1c', '#zzzzzz', '#fff;background:url(x)', 'url(javascript:alert(1))', ' #fff', ''])(
    'refuses %j (it would go into an inline style)',
    (color) => {
      expect(crmStatusSchema.safeParse(status(color)).success).toBe(false);
    },
  );
});
