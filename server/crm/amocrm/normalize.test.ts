import { describe, expect, it } from 'vitest';

import { crmStatusSchema } from '../../../app/contracts/crm-schema';

import { NEUTRAL_STATUS_COLOR, pipelinesSchema, toPipelines } from './normalize';

describe('status colours', () => {
  const colours: Array<string | null | undefined> = [
    '#99ccff',
    '#CCFF66',
    '#fff',
    '#ffcc6680',
    'red',
    'url(javascript:alert(1))',
    '#fff; background-image: url(https://evil.example/x)',
    'expression(alert(1))',
    '#12',
    '#ggghhh',
    '',
    null,
    undefined,
  ];
  const body = pipelinesSchema.parse({
    _embedded: {
      pipelines: [
        {
          id: 1,
          name: 'Воронка',
          sort: 1,
          _embedded: {
            statuses: colours.map((color, i) => ({ id: 100 + i, name: `S${i}`, sort: i, ...(color === undefined ? {} : { color }) })),
          },
        },
      ],
    },
  });

  it('keep hex colours and turn anything else neutral', () => {
    const statuses = toPipelines(body)[0]!.statuses;
    expect(statuses.map((status) => status.color)).toEqual([
      '#99ccff',
      '#CCFF66',
      '#fff',
      '#ffcc6680',
      ...Array<string>(colours.length - 4).fill(NEUTRAL_STATUS_COLOR),
    ]);
    for (const status of statuses) expect(crmStatusSchema.safeParse(status).success).toBe(true);
  });
});
