import { describe, expect, it } from 'vitest';

import {
  LIMITS,
  MARKERS,
  SCHEMA_VERSION,
  configEnvelopeSchema,
  containerSchema,
  emptyMappingConfig,
  mappingConfigSchema,
  type MappingConfigInput,
} from './mapping-config';
import { toJsonPointer, zodIssuesToFieldErrors, type FieldError } from './problem';
import { sampleConfigInput } from './testing/sample-config';

type ContainerInput = NonNullable<MappingConfigInput['pipelines']>[number]['containers'][number];

const config = sampleConfigInput;

function withContainers(...containers: ContainerInput[]): MappingConfigInput {
  return config({ pipelines: [{ pipelineId: '1', containers }] });
}

/** The field errors the API would return for `input` (empty when valid). */
function errors(input: unknown): FieldError[] {
  const result = mappingConfigSchema.safeParse(input);
  return result.success ? [] : zodIssuesToFieldErrors(result.error.issues);
}

function pointers(input: unknown): string[] {
  return errors(input).map((error) => error.pointer);
}

const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

describe('mappingConfigSchema: a valid document', () => {
  it('accepts the product spec example unchanged', () => {
    const result = mappingConfigSchema.safeParse(config());
    expect(result.success).toBe(true);
    expect(result.data).toEqual(config());
  });

  it('fills every default from the minimum', () => {
    expect(mappingConfigSchema.parse({ schemaVersion: 2, connector: 'bitrix24' })).toEqual({
      schemaVersion: SCHEMA_VERSION,
      connector: 'bitrix24',
      account: null,
      filter: { match: 'all', conditions: [] },
      pipelines: [],
      customFields: { otherFields: [] },
      calculatedFields: [],
    });
    expect(emptyMappingConfig('amocrm')).toEqual(mappingConfigSchema.parse({ schemaVersion: 2, connector: 'amocrm' }));
  });

  it('defaults a container marker to null and a condition value to ""', () => {
    expect(containerSchema.parse({ id: 'a', name: 'A', statusIds: [] }).marker).toBeNull();
    const parsed = mappingConfigSchema.parse(
      config({ filter: { conditions: [{ field: 'LANDING', action: 'exclude', operator: 'is_empty' }] } }),
    );
    expect(parsed.filter).toEqual({
      match: 'all',
      conditions: [{ field: 'LANDING', action: 'exclude', operator: 'is_empty', value: '' }],
    });
    expect(mappingConfigSchema.parse(config({ customFields: {} })).customFields).toEqual({ otherFields: [] });
  });

  it('accepts every marker and empty containers (activation, not the schema, refuses those)', () => {
    const containers = MARKERS.map((marker, i) => ({ id: `c${i}`, name: marker, statusIds: [], marker }));
    expect(errors(withContainers(...containers))).toEqual([]);
  });

  it('strips unknown keys', () => {
    const parsed = mappingConfigSchema.parse({
      ...config(),
      extra: true,
      pipelines: [{ pipelineId: '1', containers: [{ id: 'a', name: 'A', statusIds: ['1'], autoName: true }] }],
    });
    expect(parsed).not.toHaveProperty('extra');
    expect(parsed.pipelines[0]!.containers[0]).not.toHaveProperty('autoName');
  });
});

describe('mappingConfigSchema: names and ids', () => {
  it('trims names and ids', () => {
    const parsed = mappingConfigSchema.parse(withContainers({ id: '  c1 ', name: '  In work \n', statusIds: ['1'] }));
    expect(parsed.pipelines[0]!.containers[0]).toMatchObject({ id: 'c1', name: 'In work' });
  });

  it('refuses a blank name with a pointer to it', () => {
    expect(errors(withContainers({ id: 'c1', name: '   ', statusIds: ['1'] }))).toEqual([
      { pointer: '/pipelines/0/containers/0/name', message: 'Name must not be empty', code: 'too_small' },
    ]);
    expect(pointers(config({ calculatedFields: [{ id: 'k', name: '', expression: '1' }] }))).toEqual([
      '/calculatedFields/0/name',
    ]);
  });

  it('allows names of exactly the limit (after trimming) and refuses one more', () => {
    const exact = 'n'.repeat(LIMITS.name);
    expect(errors(withContainers({ id: 'c', name: ` ${exact} `, statusIds: [] }))).toEqual([]);
    expect(errors(withContainers({ id: 'c', name: `${exact}n`, statusIds: [] }))).toEqual([
      {
        pointer: '/pipelines/0/containers/0/name',
        message: `Name must be at most ${LIMITS.name} characters`,
        code: 'too_big',
      },
    ]);
  });

  it('refuses blank and too long ids', () => {
    expect(pointers(withContainers({ id: ' ', name: 'A', statusIds: [] }))).toEqual(['/pipelines/0/containers/0/id']);
    expect(pointers(withContainers({ id: 'i'.repeat(LIMITS.id + 1), name: 'A', statusIds: [] }))).toEqual([
      '/pipelines/0/containers/0/id',
    ]);
    expect(errors(withContainers({ id: 'i'.repeat(LIMITS.id), name: 'A', statusIds: [] }))).toEqual([]);
  });
});

describe('mappingConfigSchema: statuses, markers and containers in a pipeline', () => {
  it('refuses a status in two containers, pointing at the second', () => {
    const result = errors(
      withContainers(
        { id: 'a', name: 'A', statusIds: ['1', '2'] },
        { id: 'b', name: 'B', statusIds: ['3'] },
        { id: 'c', name: 'C', statusIds: ['4', '2'] },
      ),
    );
    expect(result).toEqual([
      { pointer: '/pipelines/0/containers/2/statusIds/1', message: 'Status 2 is already in container "A"', code: 'custom' },
    ]);
  });

  it('refuses a status twice in one container', () => {
    expect(pointers(withContainers({ id: 'a', name: 'A', statusIds: ['5', '6', '5'] }))).toEqual([
      '/pipelines/0/containers/0/statusIds/2',
    ]);
  });

  it('allows the same status id in different pipelines (142 and 143 are in every pipeline)', () => {
    const container = { id: 'won', name: 'Won', statusIds: ['142'], marker: 'completed' as const };
    expect(
      errors(
        config({
          pipelines: [
            { pipelineId: '1', containers: [container] },
            { pipelineId: '2', containers: [container] },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('refuses a marker twice in a pipeline, pointing at the second', () => {
    expect(
      errors(
        withContainers(
          { id: 'a', name: 'Won', statusIds: ['1'], marker: 'completed' },
          { id: 'b', name: 'B', statusIds: ['2'], marker: 'pause' },
          { id: 'c', name: 'C', statusIds: ['3'], marker: 'completed' },
        ),
      ),
    ).toEqual([
      {
        pointer: '/pipelines/0/containers/2/marker',
        message: 'Marker "completed" is already set on container "Won"',
        code: 'custom',
      },
    ]);
  });

  it('allows the same marker once in each pipeline', () => {
    const pipelines = ['1', '2'].map((pipelineId) => ({
      pipelineId,
      containers: [{ id: 'a', name: 'A', statusIds: ['142'], marker: 'completed' as const }],
    }));
    expect(errors(config({ pipelines }))).toEqual([]);
  });

  it('refuses an unknown marker', () => {
    expect(errors(withContainers({ id: 'a', name: 'A', statusIds: [], marker: 'won' as never }))).toMatchObject([
      { pointer: '/pipelines/0/containers/0/marker', code: 'invalid_value' },
    ]);
  });

  it('refuses duplicate container ids (after trimming) within a pipeline only', () => {
    expect(
      errors(withContainers({ id: 'a', name: 'A', statusIds: [] }, { id: ' a ', name: 'B', statusIds: [] })),
    ).toEqual([{ pointer: '/pipelines/0/containers/1/id', message: 'Container id "a" is used twice', code: 'custom' }]);
    const pipelines = ['1', '2'].map((pipelineId) => ({ pipelineId, containers: [{ id: 'a', name: 'A', statusIds: [] }] }));
    expect(errors(config({ pipelines }))).toEqual([]);
  });

  it('refuses a pipeline mapped twice', () => {
    const pipeline = { pipelineId: '7', containers: [] };
    expect(errors(config({ pipelines: [pipeline, { pipelineId: '8', containers: [] }, pipeline] }))).toEqual([
      { pointer: '/pipelines/2/pipelineId', message: 'Pipeline 7 is mapped twice', code: 'custom' },
    ]);
  });

  it('accepts the ids of every CRM: amoCRM numbers, Bitrix24 stages and fields, RetailCRM codes', () => {
    expect(errors(withContainers({ id: 'a', name: 'A', statusIds: ['142', 'C1:WON', 'cancel-other', 'PREPAYMENT_INVOICE'] }))).toEqual([]);
    expect(errors(config({ pipelines: [{ pipelineId: '0', containers: [] }] }))).toEqual([]);
    expect(errors(config({ customFields: { otherFields: ['1016236', 'UF_CRM_1713790573', 'margin.rub'] } }))).toEqual([]);
  });

  it('refuses ids that are not CRM ids: empty, spaces, braces, quotes, longer than 64, numbers', () => {
    const bad = ['', 'a b', '{cf:1}', 'x"y', 'x'.repeat(65), 'статус'];
    expect(pointers(withContainers({ id: 'a', name: 'A', statusIds: [...bad, 'ok'] }))).toEqual(
      bad.map((_, i) => `/pipelines/0/containers/0/statusIds/${i}`),
    );
    expect(pointers(config({ pipelines: [{ pipelineId: 7 as never, containers: [] }] }))).toEqual(['/pipelines/0/pipelineId']);
    expect(pointers(config({ customFields: { otherFields: [1016236 as never] } }))).toEqual(['/customFields/otherFields/0']);
  });
});

describe('mappingConfigSchema: other cross-field rules', () => {
  it('refuses a custom field listed twice', () => {
    expect(errors(config({ customFields: { otherFields: ['1', '2', '1'] } }))).toEqual([
      { pointer: '/customFields/otherFields/2', message: 'Field 1 is listed twice', code: 'custom' },
    ]);
  });

  it('refuses duplicate calculated-field ids and names (names case-insensitively, after trimming)', () => {
    expect(
      errors(
        config({
          calculatedFields: [
            { id: 'k1', name: 'Margin', expression: '1' },
            { id: 'k1', name: 'Other', expression: '1' },
            { id: 'k3', name: ' MARGIN ', expression: '1' },
          ],
        }),
      ),
    ).toEqual([
      { pointer: '/calculatedFields/1/id', message: 'Duplicate id', code: 'custom' },
      { pointer: '/calculatedFields/2/name', message: 'A calculated field named "MARGIN" already exists', code: 'custom' },
    ]);
  });

  it('does not check expressions (activation does)', () => {
    expect(errors(config({ calculatedFields: [{ id: 'k', name: 'Broken', expression: '1 +' }] }))).toEqual([]);
  });
});

describe('mappingConfigSchema: the document', () => {
  it('refuses another schema version or connector', () => {
    expect(pointers({ ...config(), schemaVersion: 1 })).toEqual(['/schemaVersion']);
    // Which connectors exist is the API's registry (the route checks the path's); the document only needs an id.
    expect(pointers({ ...config(), connector: 'Sales Force' })).toEqual(['/connector']);
  });

  it('checks the filter', () => {
    expect(
      pointers(
        config({
          filter: { match: 'some' as never, conditions: [{ field: ' ', action: 'drop' as never, operator: 'gt' as never }] },
        }),
      ),
    ).toEqual(['/filter/match', '/filter/conditions/0/field', '/filter/conditions/0/action', '/filter/conditions/0/operator']);
  });
});

describe('mappingConfigSchema: limits', () => {
  const cases: Array<[string, (n: number) => MappingConfigInput, number, string]> = [
    ['pipelines', (n) => config({ pipelines: many(n, (i) => ({ pipelineId: String(i + 1), containers: [] })) }), LIMITS.pipelines, '/pipelines'],
    [
      'containers per pipeline',
      (n) => withContainers(...many(n, (i) => ({ id: `c${i}`, name: `C${i}`, statusIds: [] }))),
      LIMITS.containersPerPipeline,
      '/pipelines/0/containers',
    ],
    [
      'statuses per container',
      (n) => withContainers({ id: 'c', name: 'C', statusIds: many(n, (i) => String(i + 1)) }),
      LIMITS.statusesPerContainer,
      '/pipelines/0/containers/0/statusIds',
    ],
    [
      'filter conditions',
      (n) =>
        config({
          filter: { conditions: many(n, () => ({ field: 'LANDING', action: 'include' as const, operator: 'is_empty' as const })) },
        }),
      LIMITS.conditions,
      '/filter/conditions',
    ],
    [
      'other fields',
      (n) => config({ customFields: { otherFields: many(n, (i) => String(i + 1)) } }),
      LIMITS.otherFields,
      '/customFields/otherFields',
    ],
    [
      'calculated fields',
      (n) => config({ calculatedFields: many(n, (i) => ({ id: `k${i}`, name: `F${i}`, expression: '1' })) }),
      LIMITS.calculatedFields,
      '/calculatedFields',
    ],
    [
      'expression length',
      (n) => config({ calculatedFields: [{ id: 'k', name: 'F', expression: '1'.repeat(n) }] }),
      LIMITS.expression,
      '/calculatedFields/0/expression',
    ],
    [
      'filter field length',
      (n) => config({ filter: { conditions: [{ field: 'f'.repeat(n), action: 'include', operator: 'is_empty' }] } }),
      LIMITS.filterField,
      '/filter/conditions/0/field',
    ],
    [
      'filter value length',
      (n) => config({ filter: { conditions: [{ field: 'F', action: 'include', operator: 'equals', value: 'v'.repeat(n) }] } }),
      LIMITS.filterValue,
      '/filter/conditions/0/value',
    ],
  ];

  it.each(cases)('%s: the limit is accepted, one more is refused', (_name, make, limit, pointer) => {
    expect(errors(make(limit))).toEqual([]);
    expect(errors(make(limit + 1))).toMatchObject([{ pointer, code: 'too_big' }]);
  });
});

describe('configEnvelopeSchema', () => {
  it('wraps a valid config', () => {
    const envelope = {
      version: 3,
      status: 'draft',
      config: config(),
      updatedAt: '2025-01-01T00:00:00.000Z',
      activatedVersion: null,
    };
    expect(configEnvelopeSchema.safeParse(envelope).success).toBe(true);
    expect(configEnvelopeSchema.safeParse({ ...envelope, updatedAt: 'yesterday' }).success).toBe(false);
    expect(configEnvelopeSchema.safeParse({ ...envelope, version: -1 }).success).toBe(false);
  });
});

describe('toJsonPointer', () => {
  it('escapes ~ and / (RFC 6901) and gives "" for the root', () => {
    expect(toJsonPointer([])).toBe('');
    expect(toJsonPointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
  });
});
