import { describe, expect, it } from 'vitest';

import { REQUIRED_MARKERS, describeFormulaError, findActivationProblems } from './activation';
import type { CrmPipeline, CrmSchema, CrmStatus } from './crm-schema';
import type { FormulaErrorCode } from './formula';
import { mappingConfigSchema, type MappingConfig, type MappingConfigInput } from './mapping-config';
import { sampleConfigInput } from './testing/sample-config';

const ACCOUNT = { id: '31234567', domain: 'demo.amocrm.ru', name: 'Demo' };

function status(id: number, name: string, kind: CrmStatus['kind'] = 'regular'): CrmStatus {
  return { id: String(id), name, sort: id, color: '#99ccff', kind };
}

function pipeline(id: number, statuses: CrmStatus[], extra: Partial<CrmPipeline> = {}): CrmPipeline {
  return { id: String(id), name: `Pipeline ${id}`, sort: id, isMain: false, isArchive: false, statuses, ...extra };
}

const SALES = pipeline(3177727, [
  status(32392156, 'First contact'),
  status(32392159, 'Negotiation'),
  status(142, 'Successfully realized', 'won'),
  status(143, 'Closed and not realized', 'lost'),
]);

function crm(overrides: Partial<CrmSchema> = {}): CrmSchema {
  return {
    account: ACCOUNT,
    pipelines: [SALES, pipeline(999, [status(1, 'Old')], { isArchive: true })],
    customFields: [
      { id: '1016236', name: 'Margin', code: null, type: 'numeric', enums: null, isNumeric: true, isTracking: false },
      { id: '1016240', name: 'City', code: null, type: 'text', enums: null, isNumeric: false, isTracking: false },
      { id: '1016250', name: 'utm_source', code: 'UTM_SOURCE', type: 'tracking_data', enums: null, isNumeric: false, isTracking: true },
    ],
    filterParameters: [
      { key: 'LANDING', name: 'Landing', group: 'system' },
      { key: 'UTM_SOURCE', name: 'utm_source', group: 'tracking' },
    ],
    fetchedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function config(overrides: Partial<MappingConfigInput> = {}): MappingConfig {
  return mappingConfigSchema.parse(
    sampleConfigInput({
      account: ACCOUNT,
      calculatedFields: [{ id: 'k1', name: 'Net', expression: '{price} - {cf:1016236}' }],
      ...overrides,
    }),
  );
}

type ContainersInput = NonNullable<MappingConfigInput['pipelines']>[number]['containers'];

function withSalesContainers(containers: ContainersInput): MappingConfig {
  return config({ pipelines: [{ pipelineId: '3177727', containers }] });
}

const codes = (problems: ReturnType<typeof findActivationProblems>) => problems.map((p) => `${p.pointer} ${p.code}`);

describe('findActivationProblems: a complete configuration', () => {
  it('has no problems with the CRM schema', () => {
    expect(findActivationProblems(config(), crm())).toEqual([]);
  });

  it('has no problems without the CRM schema', () => {
    expect(findActivationProblems(config(), null)).toEqual([]);
  });

  it('requires completed and refusal', () => {
    expect(REQUIRED_MARKERS).toEqual(['completed', 'refusal']);
  });
});

describe('findActivationProblems: rules that need no CRM schema', () => {
  it('requires authorization', () => {
    expect(findActivationProblems(config({ account: null }), null)).toEqual([
      { pointer: '/account', code: 'not_authorized', message: 'Authorize access to the CRM first' },
    ]);
  });

  it('requires a value for value operators only', () => {
    const problems = findActivationProblems(
      config({
        filter: {
          conditions: [
            { field: 'LANDING', action: 'include', operator: 'equals', value: '  ' },
            { field: 'LANDING', action: 'include', operator: 'not_equals', value: '' },
            { field: 'LANDING', action: 'include', operator: 'contains', value: '' },
            { field: 'LANDING', action: 'exclude', operator: 'is_empty', value: '' },
            { field: 'LANDING', action: 'exclude', operator: 'is_not_empty' },
          ],
        },
      }),
      null,
    );
    expect(codes(problems)).toEqual([
      '/filter/conditions/0/value value_required',
      '/filter/conditions/1/value value_required',
      '/filter/conditions/2/value value_required',
    ]);
    expect(problems[0]!.message).toBe('Enter a value for the condition on LANDING');
  });

  it('requires at least one pipeline', () => {
    expect(codes(findActivationProblems(config({ pipelines: [] }), null))).toEqual(['/pipelines no_pipelines']);
  });

  it('requires containers, statuses in each, and both markers', () => {
    const noContainers = findActivationProblems(config({ pipelines: [{ pipelineId: '3177727', containers: [] }] }), null);
    expect(codes(noContainers)).toEqual([
      '/pipelines/0/containers no_containers',
      '/pipelines/0/containers missing_marker_completed',
      '/pipelines/0/containers missing_marker_refusal',
    ]);

    const problems = findActivationProblems(
      withSalesContainers([
        { id: 'c1', name: 'In work', statusIds: ['32392156', '32392159', '142', '143'] },
        { id: 'c2', name: 'Empty', statusIds: [], marker: 'completed' },
      ]),
      null,
    );
    expect(problems).toEqual([
      { pointer: '/pipelines/0/containers/1/statusIds', code: 'empty_container', message: 'Container "Empty" has no statuses' },
      {
        pointer: '/pipelines/0/containers',
        code: 'missing_marker_refusal',
        message: 'Set the "refusal" marker on one container',
      },
    ]);
  });

  it('checks the syntax of calculated fields but not field ids', () => {
    const problems = findActivationProblems(
      config({
        calculatedFields: [
          { id: 'k1', name: 'Unknown field is fine', expression: '{cf:424242} * 2' },
          { id: 'k2', name: 'Broken', expression: '{price} +' },
          { id: 'k3', name: 'Zero', expression: '{price} / (0)' },
          { id: 'k4', name: 'Empty', expression: '' },
        ],
      }),
      null,
    );
    expect(problems).toEqual([
      { pointer: '/calculatedFields/1/expression', code: 'formula_unexpected_end', message: 'The expression ends too early' },
      { pointer: '/calculatedFields/2/expression', code: 'formula_division_by_zero', message: 'Division by zero at position 11' },
      { pointer: '/calculatedFields/3/expression', code: 'formula_empty', message: 'The expression is empty' },
    ]);
  });

  it('does not check CRM ids without the CRM schema', () => {
    const problems = findActivationProblems(
      config({
        filter: { conditions: [{ field: 'NOPE', action: 'include', operator: 'is_empty' }] },
        customFields: { otherFields: ['5', '6'] },
      }),
      null,
    );
    expect(problems).toEqual([]);
  });
});

describe('findActivationProblems: rules that need the CRM schema', () => {
  it('refuses another account', () => {
    expect(codes(findActivationProblems(config(), crm({ account: { ...ACCOUNT, id: '1' } })))).toEqual([
      '/account/id account_mismatch',
    ]);
  });

  it('refuses unknown filter parameters', () => {
    const problems = findActivationProblems(
      config({ filter: { conditions: [{ field: 'UTM_SOURCE', action: 'include', operator: 'equals', value: 'x' }, { field: 'GONE', action: 'include', operator: 'is_empty' }] } }),
      crm(),
    );
    expect(problems).toEqual([
      { pointer: '/filter/conditions/1/field', code: 'unknown_parameter', message: 'The parameter GONE does not exist in the CRM' },
    ]);
  });

  it('refuses a pipeline the CRM no longer has, and asks for the unmapped ones', () => {
    const problems = findActivationProblems(
      config({
        pipelines: [
          {
            pipelineId: '555',
            containers: [
              { id: 'a', name: 'A', statusIds: ['1'], marker: 'completed' },
              { id: 'b', name: 'B', statusIds: ['2'], marker: 'refusal' },
            ],
          },
        ],
      }),
      crm(),
    );
    expect(codes(problems)).toEqual(['/pipelines/0/pipelineId unknown_pipeline', '/pipelines unmapped_pipeline']);
    expect(problems[1]!.message).toBe('Pipeline "Pipeline 3177727" is not mapped yet');
  });

  it('does not ask for archived pipelines', () => {
    const problems = findActivationProblems(config(), crm());
    expect(problems.some((p) => p.code === 'unmapped_pipeline')).toBe(false);
  });

  it('refuses statuses the pipeline no longer has and lists unmapped ones by name', () => {
    const problems = findActivationProblems(
      withSalesContainers([
        { id: 'c1', name: 'In work', statusIds: ['32392156', '777'] },
        { id: 'c2', name: 'Won', statusIds: ['142'], marker: 'completed' },
        { id: 'c3', name: 'Lost', statusIds: ['143'], marker: 'refusal' },
      ]),
      crm(),
    );
    expect(problems).toEqual([
      {
        pointer: '/pipelines/0/containers/0/statusIds/1',
        code: 'unknown_status',
        message: 'Status 777 no longer exists in the CRM',
      },
      { pointer: '/pipelines/0/containers', code: 'unmapped_statuses', message: 'Statuses not in any container: Negotiation' },
    ]);
  });

  it('refuses a status of another pipeline', () => {
    const problems = findActivationProblems(
      withSalesContainers([
        { id: 'c1', name: 'In work', statusIds: ['32392156', '32392159', '1'] },
        { id: 'c2', name: 'Won', statusIds: ['142'], marker: 'completed' },
        { id: 'c3', name: 'Lost', statusIds: ['143'], marker: 'refusal' },
      ]),
      crm(),
    );
    expect(codes(problems)).toEqual(['/pipelines/0/containers/0/statusIds/2 unknown_status']);
  });

  it('refuses unknown and tracking custom fields', () => {
    const problems = findActivationProblems(config({ customFields: { otherFields: ['1016236', '4040', '1016250'] } }), crm());
    expect(problems).toEqual([
      { pointer: '/customFields/otherFields/1', code: 'unknown_field', message: 'Field 4040 no longer exists in the CRM' },
      {
        pointer: '/customFields/otherFields/2',
        code: 'tracking_field',
        message: 'utm_source is always transferred and cannot be chosen',
      },
    ]);
  });

  it('refuses formulas over unknown or non-numeric fields', () => {
    const problems = findActivationProblems(
      config({
        calculatedFields: [
          { id: 'k1', name: 'Good', expression: '{cf:1016236} / {price}' },
          { id: 'k2', name: 'Unknown', expression: '{price} - {cf:4040}' },
          { id: 'k3', name: 'Text', expression: '{cf:1016240} * 2' },
        ],
      }),
      crm(),
    );
    expect(problems).toEqual([
      {
        pointer: '/calculatedFields/1/expression',
        code: 'formula_unknown_field',
        message: 'The field {cf:4040} does not exist in the CRM',
      },
      { pointer: '/calculatedFields/2/expression', code: 'formula_non_numeric_field', message: 'The field {cf:1016240} is not numeric' },
    ]);
  });

  it('reports every problem of a pipeline at once, in a stable order', () => {
    const problems = findActivationProblems(
      withSalesContainers([{ id: 'c1', name: 'Only', statusIds: ['32392156'] }, { id: 'c2', name: 'Empty', statusIds: [] }]),
      crm(),
    );
    expect(codes(problems)).toEqual([
      '/pipelines/0/containers/1/statusIds empty_container',
      '/pipelines/0/containers missing_marker_completed',
      '/pipelines/0/containers missing_marker_refusal',
      '/pipelines/0/containers unmapped_statuses',
    ]);
  });
});

describe('describeFormulaError', () => {
  it('describes every code, with 1-based positions', () => {
    const messages: Record<FormulaErrorCode, string> = {
      empty: 'The expression is empty',
      unexpected_character: 'Unexpected character "#" at position 3',
      unexpected_token: 'Unexpected "#" at position 3',
      unexpected_end: 'The expression ends too early',
      unclosed_parenthesis: 'The parenthesis at position 3 is never closed',
      bad_field_reference: '"#" is not a field reference',
      unknown_field: 'The field # does not exist in the CRM',
      non_numeric_field: 'The field # is not numeric',
      division_by_zero: 'Division by zero at position 3',
      too_long: 'The expression is too long',
    };
    for (const [code, message] of Object.entries(messages) as Array<[FormulaErrorCode, string]>) {
      expect(describeFormulaError({ code, position: 2, text: '#' })).toBe(message);
    }
  });
});
