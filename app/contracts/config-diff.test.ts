import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { diffConfigs, type ConfigChange } from './config-diff';
import { emptyMappingConfig, mappingConfigSchema, MARKERS, type MappingConfig } from './mapping-config';
import { sampleConfigInput } from './testing/sample-config';

const base = (): MappingConfig => mappingConfigSchema.parse(sampleConfigInput());
const P = '3177727';

describe('diffConfigs', () => {
  it('says nothing for the same configuration, nor for another account or the order of other fields', () => {
    const config = base();
    expect(diffConfigs(config, structuredClone(config))).toEqual([]);
    expect(diffConfigs(config, { ...config, account: null })).toEqual([]);
    const fields = { ...config, customFields: { otherFields: ['1', '2', '3'] } };
    expect(diffConfigs(fields, { ...fields, customFields: { otherFields: ['3', '1', '2'] } })).toEqual([]);
  });

  it('counts statuses moved, placed and taken out over every pipeline', () => {
    const before = base();
    const after = structuredClone(before);
    const [work, won] = after.pipelines[0]!.containers;
    work!.statusIds = ['32392156']; // 32392159 taken out
    won!.statusIds = ['142', '32392160']; // 32392160 placed
    expect(diffConfigs(before, after)).toEqual([{ kind: 'statuses_moved', count: 2 }]);
    // Moved from one container to another: one status.
    const moved = structuredClone(before);
    moved.pipelines[0]!.containers[0]!.statusIds = ['32392156'];
    moved.pipelines[0]!.containers[1]!.statusIds = ['142', '32392159'];
    expect(diffConfigs(before, moved)).toEqual([{ kind: 'statuses_moved', count: 1 }]);
  });

  it('names containers added, removed, renamed, reordered and markers set or taken off', () => {
    const before = base();
    const after = structuredClone(before);
    const board = after.pipelines[0]!;
    board.containers = [
      { ...board.containers[1]!, name: 'Won', marker: null },
      board.containers[0]!,
      { id: 'c9', name: 'Paused', statusIds: [], marker: 'pause' },
    ];
    // c3 («Closed and not realized», refusal) removed; c2 renamed and its marker taken off; c9 added with one.
    expect(diffConfigs(before, after)).toEqual<ConfigChange[]>([
      { kind: 'statuses_moved', count: 1 },
      { kind: 'container_removed', pipelineId: P, name: 'Closed and not realized' },
      { kind: 'marker_removed', pipelineId: P, marker: 'refusal', container: 'Closed and not realized' },
      { kind: 'container_renamed', pipelineId: P, from: 'Successfully realized', to: 'Won' },
      { kind: 'marker_removed', pipelineId: P, marker: 'completed', container: 'Successfully realized' },
      { kind: 'container_added', pipelineId: P, name: 'Paused' },
      { kind: 'marker_added', pipelineId: P, marker: 'pause', container: 'Paused' },
      { kind: 'containers_reordered', pipelineId: P },
    ]);
  });

  it('pipelines mapped and unmapped, other fields, the filter and calculated fields', () => {
    const before = base();
    const after: MappingConfig = {
      ...before,
      pipelines: [{ pipelineId: '999', containers: [{ id: 'x', name: 'X', statusIds: ['1', '2'], marker: null }] }],
      customFields: { otherFields: ['a', 'b'] },
      filter: { match: 'any', conditions: before.filter.conditions },
      calculatedFields: [
        { id: 'k1', name: 'Profit', expression: '{price} * 0.4' },
        { id: 'k2', name: 'Fee', expression: '{price}' },
      ],
    };
    expect(diffConfigs(before, after)).toEqual<ConfigChange[]>([
      { kind: 'statuses_moved', count: 6 },
      { kind: 'pipeline_mapped', pipelineId: '999' },
      { kind: 'pipeline_unmapped', pipelineId: P },
      { kind: 'other_fields_added', count: 2 },
      { kind: 'other_fields_removed', count: 1 },
      { kind: 'filter_changed', conditions: 1 },
      { kind: 'calculated_field_renamed', from: 'Margin', to: 'Profit' },
      { kind: 'calculated_field_changed', name: 'Profit' },
      { kind: 'calculated_field_added', name: 'Fee' },
    ]);
    expect(diffConfigs(after, { ...after, calculatedFields: [] }).map((change) => change.kind)).toEqual(['calculated_field_removed', 'calculated_field_removed']);
    expect(diffConfigs(emptyMappingConfig('amocrm'), emptyMappingConfig('amocrm'))).toEqual([]);
  });
});

/** Small random configurations of one connector: a few pipelines, containers, statuses, fields. */
const configArb: fc.Arbitrary<MappingConfig> = fc
  .record({
    pipelines: fc.uniqueArray(fc.constantFrom('p1', 'p2', 'p3'), { maxLength: 3 }),
    statuses: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }), { minLength: 3, maxLength: 3 }),
    names: fc.array(fc.constantFrom('A', 'B', 'C'), { minLength: 4, maxLength: 4 }),
    markers: fc.array(fc.option(fc.constantFrom(...MARKERS), { nil: null }), { minLength: 4, maxLength: 4 }),
    order: fc.boolean(),
    fields: fc.uniqueArray(fc.constantFrom('f1', 'f2', 'f3', 'f4'), { maxLength: 4 }),
    match: fc.constantFrom('all' as const, 'any' as const),
    calc: fc.uniqueArray(fc.constantFrom('k1', 'k2', 'k3'), { maxLength: 3 }),
    formula: fc.constantFrom('{price}', '{price} * 2'),
  })
  .map(({ pipelines, statuses, names, markers, order, fields, match, calc, formula }) => {
    const containers = [0, 1, 2, 3].map((i) => ({
      id: `c${i}`,
      name: names[i]!,
      statusIds: [] as string[],
      // One container per marker.
      marker: markers.indexOf(markers[i]!) === i ? markers[i]! : null,
    }));
    statuses.forEach((homes, s) => homes.forEach((home, h) => containers[home]!.statusIds.includes(`s${s}${h}`) || containers[home]!.statusIds.push(`s${s}${h}`)));
    const seen = new Set<string>();
    for (const container of containers) container.statusIds = container.statusIds.filter((id) => !seen.has(id) && seen.add(id));
    return mappingConfigSchema.parse({
      schemaVersion: 2,
      connector: 'amocrm',
      pipelines: pipelines.map((pipelineId) => ({ pipelineId, containers: order ? [...containers].reverse() : containers })),
      customFields: { otherFields: fields },
      filter: { match, conditions: [] },
      calculatedFields: calc.map((id) => ({ id, name: id.toUpperCase(), expression: formula })),
    });
  });

const INVERSE: Partial<Record<ConfigChange['kind'], ConfigChange['kind']>> = {
  pipeline_mapped: 'pipeline_unmapped',
  pipeline_unmapped: 'pipeline_mapped',
  container_added: 'container_removed',
  container_removed: 'container_added',
  marker_added: 'marker_removed',
  marker_removed: 'marker_added',
  other_fields_added: 'other_fields_removed',
  other_fields_removed: 'other_fields_added',
  calculated_field_added: 'calculated_field_removed',
  calculated_field_removed: 'calculated_field_added',
};
const count = (changes: ConfigChange[], kind: ConfigChange['kind']) => changes.filter((change) => change.kind === kind).length;

describe('diffConfigs properties', () => {
  it('diff(a, a) is empty', () => {
    fc.assert(
      fc.property(configArb, (a) => {
        expect(diffConfigs(a, structuredClone(a))).toEqual([]);
      }),
    );
  });

  it('diff(b, a) is diff(a, b) turned around: as many statuses moved, each addition a removal', () => {
    fc.assert(
      fc.property(configArb, configArb, (a, b) => {
        const forth = diffConfigs(a, b);
        const back = diffConfigs(b, a);
        expect(count(back, 'statuses_moved')).toBe(count(forth, 'statuses_moved'));
        expect(back.find((change) => change.kind === 'statuses_moved')).toEqual(forth.find((change) => change.kind === 'statuses_moved'));
        for (const [kind, inverse] of Object.entries(INVERSE)) expect(count(back, inverse)).toBe(count(forth, kind as ConfigChange['kind']));
        expect(count(back, 'container_renamed')).toBe(count(forth, 'container_renamed'));
        expect(count(back, 'filter_changed')).toBe(count(forth, 'filter_changed'));
      }),
    );
  });

  it('an empty diff means the same mapping (boards, filter, formulas and the set of other fields)', () => {
    fc.assert(
      fc.property(configArb, configArb, (a, b) => {
        if (diffConfigs(a, b).length > 0) return;
        expect(b.pipelines).toEqual(a.pipelines.map((pipeline) => b.pipelines.find((other) => other.pipelineId === pipeline.pipelineId)));
        expect(b.filter).toEqual(a.filter);
        expect(b.calculatedFields).toEqual(a.calculatedFields);
        expect(new Set(b.customFields.otherFields)).toEqual(new Set(a.customFields.otherFields));
      }),
    );
  });
});
