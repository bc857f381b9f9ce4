import { describe, expect, it } from 'vitest';

import type { CrmCustomField } from '@/contracts/crm-schema';
import { LIMITS } from '@/contracts/mapping-config';

import { addField, addFields, matchesQuery, removeField, selectableFields, trackingFieldCount } from './fields';

const field = (id: string, name: string, overrides: Partial<CrmCustomField> = {}): CrmCustomField => ({
  id,
  name,
  code: null,
  type: 'text',
  enums: null,
  isNumeric: false,
  isTracking: false,
  ...overrides,
});

describe('custom fields model', () => {
  const fields = [field('1', 'LANDING', { code: 'LANDING' }), field('2', 'utm_source', { isTracking: true, code: 'UTM_SOURCE' }), field('3', 'Тип клиента')];

  it('offers every field except tracking ones and counts those', () => {
    expect(selectableFields(fields).map((f) => f.id)).toEqual(['1', '3']);
    expect(trackingFieldCount(fields)).toBe(1);
  });

  it('adds and removes without duplicates, returning the same array on no-ops', () => {
    const one = addField([], '3');
    expect(one).toEqual(['3']);
    expect(addField(one, '3')).toBe(one);
    expect(addFields(one, ['1', '3'])).toEqual(['3', '1']);
    expect(addFields(one, ['3'])).toBe(one);
    expect(removeField(['3', '1'], '3')).toEqual(['1']);
    const kept = ['1'];
    expect(removeField(kept, '9')).toBe(kept);
  });

  it('respects the contract limit', () => {
    const full = Array.from({ length: LIMITS.otherFields }, (_, i) => String(i + 1));
    expect(addField(full, '99999')).toBe(full);
    expect(addFields(full, ['99999'])).toBe(full);
  });

  it('matches names and codes case-insensitively', () => {
    expect(matchesQuery(fields[0]!, 'land')).toBe(true);
    expect(matchesQuery(fields[2]!, 'КЛИЕНТ')).toBe(true);
    expect(matchesQuery(fields[2]!, 'utm')).toBe(false);
    expect(matchesQuery(fields[2]!, '  ')).toBe(true);
  });
});
