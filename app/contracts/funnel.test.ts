import { describe, expect, it } from 'vitest';

import type { DealStatusChange, FunnelContainer, FunnelDeal, FunnelReport, FunnelTotals } from './deals';
import { compileFunnel, computeFunnel, countMatching, dealVisits, summarizeCalculated, type FunnelContext } from './funnel';
import { mappingConfigSchema, type Filter, type FilterCondition, type MappingConfig, type MappingConfigInput } from './mapping-config';

// ---- fixtures --------------------------------------------------------------------------------

const context: FunnelContext = {
  fields: [
    { id: '100', code: 'LANDING', isNumeric: false },
    { id: '101', code: null, isNumeric: false },
    { id: '102', code: 'LANDING', isNumeric: false }, // the code is taken: keyed cf:102
    { id: '200', code: 'COST', isNumeric: true },
    { id: '201', code: null, isNumeric: true },
    { id: '300', code: null, isNumeric: false },
  ],
};

/** Pipeline 10: four stages (new, work, offer, won) and three outcome containers. */
const PIPELINE_10: MappingConfigInput['pipelines'] = [
  {
    pipelineId: '10',
    containers: [
      { id: 'new', name: 'New', statusIds: ['s1'], marker: null },
      { id: 'lost', name: 'Lost', statusIds: ['143'], marker: 'refusal' },
      { id: 'work', name: 'Work', statusIds: ['s2', 's3'], marker: null },
      { id: 'offer', name: 'Offer', statusIds: ['s4'], marker: null },
      { id: 'won', name: 'Won', statusIds: ['142'], marker: 'completed' },
      { id: 'ret', name: 'Returned', statusIds: ['r1'], marker: 'return' },
      { id: 'hold', name: 'On hold', statusIds: ['p1'], marker: 'pause' },
    ],
  },
];

/** Pipeline 20: the same amoCRM ids 142 and 143 as pipeline 10, in containers of its own. */
const PIPELINE_20: MappingConfigInput['pipelines'] = [
  {
    pipelineId: '20',
    containers: [
      { id: 'x', name: 'X', statusIds: ['x1'], marker: null },
      { id: 'y', name: 'Y', statusIds: ['y1'], marker: null },
      { id: 'z', name: 'Z', statusIds: ['142'], marker: 'completed' },
      { id: 'zLost', name: 'Z lost', statusIds: ['143'], marker: 'refusal' },
    ],
  },
];

function config(overrides: Partial<MappingConfigInput> = {}): MappingConfig {
  return mappingConfigSchema.parse({ schemaVersion: 2, connector: 'amocrm', pipelines: PIPELINE_10, ...overrides });
}

function deal(id: string, statusId: string, more: Partial<FunnelDeal> = {}): FunnelDeal {
  return { id, pipelineId: '10', statusId, amount: null, createdAt: 0, updatedAt: 0, visited: [statusId], fields: {}, ...more };
}

function filter(match: Filter['match'], ...conditions: Array<Partial<FilterCondition> & Pick<FilterCondition, 'operator'>>): Filter {
  return { match, conditions: conditions.map((condition) => ({ field: 'LANDING', action: 'include', value: '', ...condition })) };
}

function pipelineOf(report: FunnelReport, pipelineId: string) {
  const pipeline = report.pipelines.find((p) => p.pipelineId === pipelineId);
  if (!pipeline) throw new Error(`no pipeline ${pipelineId} in the report`);
  return pipeline;
}

function totals(values: Partial<FunnelTotals>): FunnelTotals {
  return { deals: 0, matched: 0, won: 0, lost: 0, returned: 0, paused: 0, open: 0, unmapped: 0, salesVolume: 0, returnedVolume: 0, ...values };
}

// ---- the filter ------------------------------------------------------------------------------

describe('the filter', () => {
  const deals = [
    deal('exact', 's1', { fields: { '100': ['site-42'] } }),
    deal('padded', 's1', { fields: { '100': ['  site-42  '] } }),
    deal('upper', 's1', { fields: { '100': ['Site-42'] } }),
    deal('multi', 's1', { fields: { '100': ['other', 'site-42'] } }),
    deal('blank', 's1', { fields: { '100': ['   '] } }),
    deal('none', 's1', { fields: { '101': ['site-42'] } }),
    deal('inside', 's1', { fields: { '100': ['my-SITE-42-page'] } }),
  ];
  const kept = (f: Filter) => deals.filter(compileFunnel(config({ filter: f }), context).matches).map((d) => d.id);

  it.each<[string, Filter, string[]]>([
    ['equals: any trimmed value is the trimmed value', filter('all', { operator: 'equals', value: ' site-42 ' }), ['exact', 'padded', 'multi']],
    ['not_equals: no value is it (no value at all included)', filter('all', { operator: 'not_equals', value: 'site-42' }), ['upper', 'blank', 'none', 'inside']],
    ['contains: case-insensitive, any value', filter('all', { operator: 'contains', value: 'SITE-42' }), ['exact', 'padded', 'upper', 'multi', 'inside']],
    ['contains: an empty value matches any value', filter('all', { operator: 'contains', value: '' }), ['exact', 'padded', 'upper', 'multi', 'blank', 'inside']],
    ['is_empty: no non-blank value', filter('all', { operator: 'is_empty' }), ['blank', 'none']],
    ['is_not_empty: a non-blank value', filter('all', { operator: 'is_not_empty' }), ['exact', 'padded', 'upper', 'multi', 'inside']],
    ['exclude equals', filter('all', { operator: 'equals', value: 'site-42', action: 'exclude' }), ['upper', 'blank', 'none', 'inside']],
    ['exclude is_empty', filter('all', { operator: 'is_empty', action: 'exclude' }), ['exact', 'padded', 'upper', 'multi', 'inside']],
    ['a cf:<id> key', filter('all', { field: 'cf:101', operator: 'equals', value: 'site-42' }), ['none']],
    ['a key naming no field: no values (equals)', filter('all', { field: 'NOPE', operator: 'equals', value: 'site-42' }), []],
    ['a key naming no field: no values (is_empty)', filter('all', { field: 'NOPE', operator: 'is_empty' }), ['exact', 'padded', 'upper', 'multi', 'blank', 'none', 'inside']],
    ['a key naming no field: excluded equals keeps all', filter('all', { field: 'cf:999', operator: 'equals', value: 'x', action: 'exclude' }), ['exact', 'padded', 'upper', 'multi', 'blank', 'none', 'inside']],
    [
      'all: every condition',
      filter('all', { operator: 'contains', value: 'site' }, { operator: 'equals', value: 'site-42', action: 'exclude' }),
      ['upper', 'inside'],
    ],
    ['any: one condition', filter('any', { operator: 'is_empty' }, { operator: 'equals', value: 'Site-42' }), ['upper', 'blank', 'none']],
    ['no conditions (all): every deal', { match: 'all', conditions: [] }, ['exact', 'padded', 'upper', 'multi', 'blank', 'none', 'inside']],
    ['no conditions (any): every deal', { match: 'any', conditions: [] }, ['exact', 'padded', 'upper', 'multi', 'blank', 'none', 'inside']],
  ])('%s', (_name, f, expected) => {
    expect(kept(f)).toEqual(expected);
    expect(countMatching(f, deals, context)).toBe(expected.length);
  });

  it('a code used by two fields names the first; the second is cf:<id>', () => {
    const byCode = [deal('first', 's1', { fields: { '100': ['a'] } }), deal('second', 's1', { fields: { '102': ['a'] } })];
    expect(countMatching(filter('all', { field: 'LANDING', operator: 'equals', value: 'a' }), byCode, context)).toBe(1);
    expect(byCode.filter(compileFunnel(config({ filter: filter('all', { field: 'cf:102', operator: 'equals', value: 'a' }) }), context).matches).map((d) => d.id)).toEqual([
      'second',
    ]);
  });

  it('countMatching reads any iterable once', () => {
    function* stream() {
      yield deal('a', 's1', { fields: { '100': ['x'] } });
      yield deal('b', 's1');
    }
    expect(countMatching(filter('all', { operator: 'is_not_empty' }), stream(), context)).toBe(1);
  });
});

// ---- the funnel ------------------------------------------------------------------------------

describe('computeFunnel: stages, outcomes and figures', () => {
  const deals = [
    deal('open', 's3', { visited: ['s1', 's3'], amount: 10 }),
    deal('wonSkipping', '142', { visited: ['s1', '142'], amount: 1000 }), // jumped over work and offer
    deal('lostMiddle', '143', { visited: ['s1', 's2', '143'], amount: 500 }),
    deal('wonReturned', 'r1', { visited: ['s1', 's4', '142', 'r1'], amount: 300 }),
    deal('returnedNeverWon', 'r1', { visited: ['s2', 'r1'], amount: 200 }),
    deal('reentry', 's2', { visited: ['s1', 's2', 's1', 's3', 's2'], amount: 7 }),
    deal('paused', 'p1', { visited: ['s1', 's2', 'p1'], amount: 5 }),
    deal('unmapped', 'zzz', { visited: ['s1', 'zzz'], amount: 9999 }),
    deal('wonNoAmount', '142', { visited: ['142'], amount: null }),
  ];
  const report = computeFunnel(config(), deals, context, '2025-01-02T03:04:05.000Z');

  it('counts each stage once per deal, with back-fill for won and won-then-returned deals only', () => {
    // reached: new   = open, wonSkipping, lostMiddle, wonReturned, reentry, paused, wonNoAmount      = 7
    //          work  = the same + returnedNeverWon                                                  = 8
    //          offer = wonSkipping, wonReturned, wonNoAmount                                        = 3
    //          won   = wonSkipping, wonReturned, wonNoAmount                                        = 3
    const expected: FunnelContainer[] = [
      { containerId: 'new', kind: 'stage', reached: 7, current: 0, conversionToNext: 8 / 7 },
      { containerId: 'lost', kind: 'outcome', current: 1 },
      { containerId: 'work', kind: 'stage', reached: 8, current: 2, conversionToNext: 3 / 8 },
      { containerId: 'offer', kind: 'stage', reached: 3, current: 0, conversionToNext: 1 },
      { containerId: 'won', kind: 'stage', reached: 3, current: 2 },
      { containerId: 'ret', kind: 'outcome', current: 2 },
      { containerId: 'hold', kind: 'outcome', current: 1 },
    ];
    expect(pipelineOf(report, '10').containers).toEqual(expected);
    const last = pipelineOf(report, '10').containers.find((c) => c.containerId === 'won');
    expect(last && 'conversionToNext' in last).toBe(false);
  });

  it('totals: outcomes, sales and returned volume', () => {
    const expected = totals({ deals: 9, matched: 9, won: 2, lost: 1, returned: 2, paused: 1, open: 2, unmapped: 1, salesVolume: 1000, returnedVolume: 300 });
    expect(pipelineOf(report, '10').totals).toEqual(expected);
    expect(report.totals).toEqual(expected);
    expect(report.syncedAt).toBe('2025-01-02T03:04:05.000Z');
  });

  it('place: container, outcome, reached stages and sales volume per deal', () => {
    const funnel = compileFunnel(config(), context);
    const placed = Object.fromEntries(deals.map((d) => [d.id, funnel.place(d)]));
    expect(placed).toEqual({
      open: { containerId: 'work', outcome: 'open', reachedContainerIds: ['new', 'work'], salesVolume: 0 },
      wonSkipping: { containerId: 'won', outcome: 'won', reachedContainerIds: ['new', 'work', 'offer', 'won'], salesVolume: 1000 },
      lostMiddle: { containerId: 'lost', outcome: 'lost', reachedContainerIds: ['new', 'work'], salesVolume: 0 },
      wonReturned: { containerId: 'ret', outcome: 'returned', reachedContainerIds: ['new', 'work', 'offer', 'won'], salesVolume: 0 },
      returnedNeverWon: { containerId: 'ret', outcome: 'returned', reachedContainerIds: ['work'], salesVolume: 0 },
      reentry: { containerId: 'work', outcome: 'open', reachedContainerIds: ['new', 'work'], salesVolume: 0 },
      paused: { containerId: 'hold', outcome: 'paused', reachedContainerIds: ['new', 'work'], salesVolume: 0 },
      unmapped: { containerId: null, outcome: 'unmapped', reachedContainerIds: [], salesVolume: 0 },
      wonNoAmount: { containerId: 'won', outcome: 'won', reachedContainerIds: ['new', 'work', 'offer', 'won'], salesVolume: 0 },
    });
  });

  it('a won deal back-fills only up to the Completed deal container, not the stages after it', () => {
    const after = config({
      pipelines: [
        {
          pipelineId: '10',
          containers: [
            { id: 'a', name: 'A', statusIds: ['a1'], marker: null },
            { id: 'won', name: 'Won', statusIds: ['142'], marker: 'completed' },
            { id: 'upsell', name: 'Upsell', statusIds: ['u1'], marker: null },
          ],
        },
      ],
    });
    expect(compileFunnel(after, context).place(deal('w', '142')).reachedContainerIds).toEqual(['a', 'won']);
    // A deal in a stage after Completed that had been won is open and reaches where it has been.
    expect(compileFunnel(after, context).place(deal('u', 'u1', { visited: ['142', 'u1'] }))).toEqual({
      containerId: 'upsell',
      outcome: 'open',
      reachedContainerIds: ['won', 'upsell'],
      salesVolume: 0,
    });
  });

  it('the filter comes first: deals counts every deal, the figures only the matching ones', () => {
    const f = filter('all', { operator: 'equals', value: 'yes' });
    const r = computeFunnel(config({ filter: f }), [
      deal('in', '142', { amount: 100, fields: { '100': ['yes'] } }),
      deal('out', '142', { amount: 50 }),
      deal('outUnmapped', 'zzz'),
    ], context);
    expect(pipelineOf(r, '10').totals).toEqual(totals({ deals: 3, matched: 1, won: 1, salesVolume: 100 }));
    expect(pipelineOf(r, '10').containers.find((c) => c.containerId === 'won')).toEqual({ containerId: 'won', kind: 'stage', reached: 1, current: 1 });
    expect(pipelineOf(r, '10').containers.find((c) => c.containerId === 'new')).toMatchObject({ reached: 1, current: 0 });
  });

  it('conversion is null after a stage nobody reached, 0 before a stage nobody reached', () => {
    const r = computeFunnel(config({ pipelines: PIPELINE_20 }), [deal('y', 'y1', { pipelineId: '20' })], context);
    expect(pipelineOf(r, '20').containers).toEqual([
      { containerId: 'x', kind: 'stage', reached: 0, current: 0, conversionToNext: null },
      { containerId: 'y', kind: 'stage', reached: 1, current: 1, conversionToNext: 0 },
      { containerId: 'z', kind: 'stage', reached: 0, current: 0 },
      { containerId: 'zLost', kind: 'outcome', current: 0 },
    ]);
  });

  it('a pipeline without containers or without a Completed deal container', () => {
    const r = computeFunnel(
      config({
        pipelines: [
          { pipelineId: '10', containers: [] },
          { pipelineId: '30', containers: [{ id: 'only', name: 'Only', statusIds: ['o1'], marker: 'refusal' }] },
        ],
      }),
      [deal('a', 's1'), deal('b', 'o1', { pipelineId: '30' })],
      context,
    );
    expect(pipelineOf(r, '10')).toEqual({ pipelineId: '10', totals: totals({ deals: 1, matched: 1, unmapped: 1 }), containers: [] });
    expect(pipelineOf(r, '30')).toEqual({
      pipelineId: '30',
      totals: totals({ deals: 1, matched: 1, lost: 1 }),
      containers: [{ containerId: 'only', kind: 'outcome', current: 1 }],
    });
  });
});

describe('computeFunnel: pipelines', () => {
  const twoPipelines = config({ pipelines: [...PIPELINE_10, ...PIPELINE_20] });

  it('142 and 143 are looked up in the deal’s own pipeline', () => {
    const r = computeFunnel(
      twoPipelines,
      [
        deal('won20', '142', { pipelineId: '20', visited: ['x1', '142'], amount: 70 }),
        deal('lost20', '143', { pipelineId: '20', visited: ['143'] }),
        deal('won10', '142', { amount: 30 }),
      ],
      context,
    );
    expect(pipelineOf(r, '20').totals).toEqual(totals({ deals: 2, matched: 2, won: 1, lost: 1, salesVolume: 70 }));
    expect(pipelineOf(r, '20').containers).toEqual([
      { containerId: 'x', kind: 'stage', reached: 1, current: 0, conversionToNext: 1 },
      { containerId: 'y', kind: 'stage', reached: 1, current: 0, conversionToNext: 1 },
      { containerId: 'z', kind: 'stage', reached: 1, current: 1 },
      { containerId: 'zLost', kind: 'outcome', current: 1 },
    ]);
    expect(pipelineOf(r, '10').totals).toEqual(totals({ deals: 1, matched: 1, won: 1, salesVolume: 30 }));
    expect(r.totals).toEqual(totals({ deals: 3, matched: 3, won: 2, lost: 1, salesVolume: 100 }));
  });

  it('a deal moved from another pipeline: its positions there are ignored', () => {
    // Won (142) in pipeline 20, then moved to pipeline 10's s1 and on to s2.
    const changes: DealStatusChange[] = [
      { at: 100, before: { pipelineId: '20', statusId: 'x1' }, after: { pipelineId: '20', statusId: '142' } },
      { at: 200, before: { pipelineId: '20', statusId: '142' }, after: { pipelineId: '10', statusId: 's1' } },
      { at: 300, before: { pipelineId: '10', statusId: 's1' }, after: { pipelineId: '10', statusId: 's2' } },
    ];
    const moved = deal('moved', 's2', { visited: dealVisits({ pipelineId: '10', statusId: 's2' }, changes) });
    expect(moved.visited).toEqual(['s1', 's2']);
    expect(compileFunnel(twoPipelines, context).place(moved)).toEqual({ containerId: 'work', outcome: 'open', reachedContainerIds: ['new', 'work'], salesVolume: 0 });
    const r = computeFunnel(twoPipelines, [moved], context);
    expect(pipelineOf(r, '20').totals.deals).toBe(0);
    expect(pipelineOf(r, '10').containers.find((c) => c.containerId === 'won')).toEqual({ containerId: 'won', kind: 'stage', reached: 0, current: 0 });
  });

  it('configured pipelines in order (even empty), then the others in order of first appearance, all unmapped', () => {
    const r = computeFunnel(
      twoPipelines,
      [deal('a', '142', { pipelineId: '99', amount: 5 }), deal('b', 's1', { pipelineId: '77' }), deal('c', 's1', { pipelineId: '99' }), deal('d', 's1')],
      context,
    );
    expect(r.pipelines.map((p) => p.pipelineId)).toEqual(['10', '20', '99', '77']);
    expect(pipelineOf(r, '20')).toMatchObject({ totals: totals({}) });
    expect(pipelineOf(r, '99')).toEqual({ pipelineId: '99', totals: totals({ deals: 2, matched: 2, unmapped: 2 }), containers: [] });
    expect(pipelineOf(r, '77')).toEqual({ pipelineId: '77', totals: totals({ deals: 1, matched: 1, unmapped: 1 }), containers: [] });
    expect(r.totals).toEqual(totals({ deals: 4, matched: 4, open: 1, unmapped: 3 }));
    expect(compileFunnel(twoPipelines, context).place(deal('a', '142', { pipelineId: '99' }))).toEqual({
      containerId: null,
      outcome: 'unmapped',
      reachedContainerIds: [],
      salesVolume: 0,
    });
  });

  it('an empty account: every configured pipeline with zero figures', () => {
    const r = computeFunnel(twoPipelines, [], context);
    expect(r.pipelines.map((p) => p.pipelineId)).toEqual(['10', '20']);
    expect(r.totals).toEqual(totals({}));
    expect(pipelineOf(r, '10').containers[0]).toEqual({ containerId: 'new', kind: 'stage', reached: 0, current: 0, conversionToNext: null });
  });

  it('a counter can report more than once and keep counting', () => {
    const counter = compileFunnel(config(), context).counter();
    counter.add(deal('a', 's1'));
    const first = counter.report(null);
    counter.add(deal('b', 's1'));
    expect(first.totals.matched).toBe(1);
    expect(counter.report(null).totals.matched).toBe(2);
  });
});

// ---- calculated fields -------------------------------------------------------------------------

describe('calculated fields', () => {
  const withCalculated = config({
    filter: filter('all', { operator: 'is_not_empty' }),
    calculatedFields: [
      { id: 'k1', name: 'Margin', expression: '{price} - {cf:200}' },
      { id: 'k2', name: 'Ratio', expression: '{cf:200} / {cf:201}' },
      { id: 'k3', name: 'Notes', expression: '{cf:300} + 1' },
      { id: 'k4', name: 'Broken', expression: '{price} +' },
      { id: 'k5', name: 'Unknown', expression: '{cf:999} + 1' },
    ],
  });
  const landing = { '100': ['x'] };
  const m1 = deal('m1', 's1', { amount: 1000, fields: { ...landing, '200': ['12,5'], '201': ['0'] } });
  const m2 = deal('m2', 's1', { amount: null, fields: { ...landing, '200': [' 10 '], '201': ['4'] } });
  const m3 = deal('m3', 's1', { amount: 50, fields: { ...landing, '200': ['7'], '201': ['2'], '300': ['5'] } });
  const m4 = deal('m4', 's1', { amount: 100, fields: { '200': ['20', '999'], '201': ['  '] } }); // not matching the filter

  it('evaluates each formula per deal, keyed by name', () => {
    const funnel = compileFunnel(withCalculated, context);
    const none = { Notes: null, Broken: null, Unknown: null };
    expect(funnel.calculated(m1)).toEqual({ Margin: 987.5, Ratio: null, ...none }); // comma decimal; division by zero
    expect(funnel.calculated(m2)).toEqual({ Margin: null, Ratio: 2.5, ...none }); // no amount; trimmed value
    expect(funnel.calculated(m3)).toEqual({ Margin: 43, Ratio: 3.5, ...none }); // a text field is never read as a number
    expect(funnel.calculated(m4)).toEqual({ Margin: 80, Ratio: null, ...none }); // the first value; a blank one is missing
  });

  it.each([
    ['abc', null],
    ['0x10', null],
    ['Infinity', null],
    ['1 000', null],
    ['', null],
    ['-3.5', 3.5 + 100],
    ['+2,25', 100 - 2.25],
    ['1e2', 0],
    [',5', 99.5],
  ])('a custom value %j', (text, expected) => {
    const funnel = compileFunnel(config({ calculatedFields: [{ id: 'k', name: 'K', expression: '{price} - {cf:200}' }] }), context);
    expect(funnel.calculated(deal('d', 's1', { amount: 100, fields: { '200': [text] } }))).toEqual({ K: expected });
  });

  it('summarizeCalculated: count, total and average over the matching deals, keyed by id', () => {
    expect(summarizeCalculated(withCalculated, [m1, m2, m3, m4], context)).toEqual({
      k1: { count: 2, total: 1030.5, average: 515.25 },
      k2: { count: 2, total: 6, average: 3 },
      k3: { count: 0, total: 0, average: null },
      k4: { count: 0, total: 0, average: null },
      k5: { count: 0, total: 0, average: null },
    });
  });

  it('summarizeCalculated with no calculated fields', () => {
    expect(summarizeCalculated(config(), [m1], context)).toEqual({});
  });
});

// ---- dealVisits ------------------------------------------------------------------------------

describe('dealVisits', () => {
  const at = (statusId: string) => ({ pipelineId: '10', statusId });

  it('no changes: the current status', () => {
    expect(dealVisits({ pipelineId: '10', statusId: 's3' }, [])).toEqual(['s3']);
  });

  it('the first status is the earliest change’s before', () => {
    expect(dealVisits({ pipelineId: '10', statusId: 's2' }, [{ at: 10, before: at('s1'), after: at('s2') }])).toEqual(['s1', 's2']);
  });

  it('changes are taken in time order, whatever their order in the list', () => {
    const changes: DealStatusChange[] = [
      { at: 30, before: at('s3'), after: at('s4') },
      { at: 10, before: at('s1'), after: at('s2') },
      { at: 20, before: at('s2'), after: at('s3') },
    ];
    expect(dealVisits({ pipelineId: '10', statusId: 's4' }, changes)).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('a status visited twice is listed once, where first reached', () => {
    const changes: DealStatusChange[] = [
      { at: 1, before: null, after: at('s1') },
      { at: 2, before: at('s1'), after: at('s2') },
      { at: 3, before: at('s2'), after: at('s1') },
      { at: 4, before: at('s1'), after: at('s3') },
    ];
    expect(dealVisits({ pipelineId: '10', statusId: 's3' }, changes)).toEqual(['s1', 's2', 's3']);
  });

  it('re-entry through dealVisits counts once per stage', () => {
    const changes: DealStatusChange[] = [
      { at: 1, before: at('s1'), after: at('s2') },
      { at: 2, before: at('s2'), after: at('s1') },
      { at: 3, before: at('s1'), after: at('s3') },
      { at: 4, before: at('s3'), after: at('s1') },
    ];
    const d = deal('d', 's1', { visited: dealVisits({ pipelineId: '10', statusId: 's1' }, changes) });
    const r = computeFunnel(config(), [d], context);
    expect(pipelineOf(r, '10').containers.filter((c) => c.kind === 'stage').map((c) => [c.containerId, c.reached, c.current])).toEqual([
      ['new', 1, 1],
      ['work', 1, 0],
      ['offer', 0, 0],
      ['won', 0, 0],
    ]);
  });
});
