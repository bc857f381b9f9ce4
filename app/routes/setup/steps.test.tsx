import { describe, expect, it } from 'vitest';

import type { ConnectorSummary } from '@/contracts/connector';
import { emptyMappingConfig, type ConfigEnvelope, type MappingConfig } from '@/contracts/mapping-config';

import { buildTestCrmSchema, TEST_ACCOUNT } from '../../../mocks/api/crm-schema-fixture';

import { deriveStepStatuses } from './steps';

const schema = buildTestCrmSchema();

const summary: ConnectorSummary = {
  id: 'amocrm',
  name: 'amoCRM',
  supported: true,
  authKind: 'oauth2',
  logo: { text: 'amo', from: '#1868d6', to: '#2fa4f0' },
  address: null,
  state: 'draft',
  hasAccess: true,
  account: { ...TEST_ACCOUNT },
  attentionReason: null,
  drift: null,
  createdAt: null,
  updatedAt: null,
  connectedAt: null,
};

function envelope(changes: Partial<MappingConfig>): ConfigEnvelope {
  return {
    version: 3,
    status: 'draft',
    config: { ...emptyMappingConfig('amocrm'), account: { ...TEST_ACCOUNT }, ...changes },
    updatedAt: '2026-01-01T00:00:00.000Z',
    activatedVersion: null,
  };
}

const condition = (operator: 'equals' | 'not_equals' | 'contains' | 'is_empty' | 'is_not_empty', value: string) =>
  ({ field: 'LANDING', action: 'include', operator, value }) as const;
const calculated = (expression: string, id = 'c1') => ({ id, name: `Field ${id}`, expression });

const statuses = (changes: Partial<MappingConfig>, withSchema = true) =>
  deriveStepStatuses({ summary, envelope: envelope(changes), schema: withSchema ? schema : undefined });

describe('deriveStepStatuses: the optional steps', () => {
  it('filter: optional while empty, done when every condition is complete', () => {
    expect(statuses({}).filter).toBe('optional');
    expect(
      statuses({
        filter: { match: 'all', conditions: [condition('equals', 'site-42'), condition('is_empty', ''), condition('is_not_empty', '')] },
      }).filter,
    ).toBe('done');
  });

  it.each(['equals', 'not_equals', 'contains'] as const)('filter: not done while a %s condition has no value (blank counts as none)', (operator) => {
    expect(statuses({ filter: { match: 'all', conditions: [condition('equals', 'site-42'), condition(operator, '')] } }).filter).toBe('optional');
    expect(statuses({ filter: { match: 'any', conditions: [condition(operator, '   ')] } }).filter).toBe('optional');
  });

  it('filter: not done while a condition uses a parameter the CRM no longer has', () => {
    expect(statuses({ filter: { match: 'all', conditions: [{ ...condition('equals', 'x'), field: 'GONE' }] } }).filter).toBe('optional');
  });

  it('calculation: optional while empty, done when every expression is valid against the CRM fields', () => {
    expect(statuses({}).calculation).toBe('optional');
    expect(statuses({ calculatedFields: [calculated('{price} - {cf:1016240}'), calculated('{cf:1016244} * 2', 'c2')] }).calculation).toBe('done');
  });

  it.each([
    ['half-typed', '{price} -'],
    ['empty', ''],
    ['an unknown field', '{price} - {cf:99}'],
    ['a non-numeric field', '{cf:1016236} * 2'],
    ['a division by zero', '{price} / 0'],
  ])('calculation: not done while an expression is %s', (_case, expression) => {
    expect(statuses({ calculatedFields: [calculated('{price} * 2'), calculated(expression, 'c2')] }).calculation).toBe('optional');
  });

  it('calculation: not done before the CRM fields are known (the expressions cannot be checked yet)', () => {
    expect(statuses({ calculatedFields: [calculated('{price} * 2')] }, false).calculation).toBe('optional');
  });

  it('locks both until authorized', () => {
    const result = deriveStepStatuses({ summary: { ...summary, hasAccess: false }, envelope: envelope({}), schema });
    expect([result.authorize, result.filter, result.calculation]).toEqual(['todo', 'locked', 'locked']);
  });
});
