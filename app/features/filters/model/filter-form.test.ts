import { describe, expect, it } from 'vitest';

import type { FilterParameter } from '@/contracts/crm-schema';

import { errorCode, filterFormSchema, groupParameters, newCondition, pointerToFormPath, toDraftFilter, toSavedFilter } from './filter-form';

describe('filter form rules', () => {
  it('requires a value for equals, not equals and contains, not for the emptiness operators', () => {
    const result = filterFormSchema.safeParse({
      match: 'all',
      conditions: [
        newCondition('LANDING'),
        { ...newCondition('UTM_SOURCE'), operator: 'is_empty' },
        { ...newCondition('UTM_MEDIUM'), operator: 'contains', value: '   ' },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['conditions.0.value', 'value_required'],
      ['conditions.2.value', 'value_required'],
    ]);
  });

  it('saves trimmed values and drops values the operator ignores', () => {
    expect(
      toSavedFilter({
        match: 'any',
        conditions: [
          { ...newCondition('LANDING'), value: ' site-42 ' },
          { ...newCondition('UTM_SOURCE'), operator: 'is_not_empty', value: 'left over' },
        ],
      }),
    ).toEqual({
      match: 'any',
      conditions: [
        { field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' },
        { field: 'UTM_SOURCE', action: 'include', operator: 'is_not_empty', value: '' },
      ],
    });
  });

  it('drafts the filter as typed (empty and untrimmed values too), leaving out only what the contract refuses', () => {
    const draft = toDraftFilter({
      conditions: [
        newCondition('LANDING'),
        { ...newCondition('UTM_SOURCE'), value: ' site ' },
        { ...newCondition('UTM_MEDIUM'), value: 'x'.repeat(1001) },
        { ...newCondition('UTM_TERM'), operator: 'is_empty', value: 'kept' },
      ],
    });
    expect(draft).toEqual({
      filter: {
        match: 'all',
        conditions: [
          { field: 'LANDING', action: 'include', operator: 'equals', value: '' },
          { field: 'UTM_SOURCE', action: 'include', operator: 'equals', value: ' site ' },
          { field: 'UTM_TERM', action: 'include', operator: 'is_empty', value: 'kept' },
        ],
      },
      rows: [0, 1, 3],
      unsaved: [2],
    });
  });

  it('maps server JSON pointers onto the form fields', () => {
    expect(pointerToFormPath('/filter/conditions/3/value')).toBe('conditions.3.value');
    expect(pointerToFormPath('/filter/conditions/0/field')).toBe('conditions.0.field');
    expect(pointerToFormPath('/filter/conditions/0')).toBe('conditions.0.field');
    expect(pointerToFormPath('/filter/match')).toBe('match');
    expect(pointerToFormPath('/filter/conditions')).toBe('conditions');
    expect(pointerToFormPath('/pipelines/0/containers')).toBeNull();
    expect(pointerToFormPath('/filter/conditions/x/value')).toBeNull();
    expect(pointerToFormPath('/filter/conditions/0/__proto__')).toBeNull();
  });

  it('turns form errors into message codes', () => {
    expect(errorCode({ type: 'custom', message: 'value_required' })).toBe('value_required');
    expect(errorCode({ type: 'too_big', message: 'Too big: expected string to have <=1000 characters' })).toBe('too_long');
    expect(errorCode({ type: 'server', message: 'unknown_parameter' })).toBe('unknown_parameter');
    expect(errorCode({ type: 'invalid_type', message: 'Expected string' })).toBe('invalid');
    expect(errorCode(undefined)).toBeNull();
  });

  it('searches parameters by name or key and groups them in display order', () => {
    const parameters: FilterParameter[] = [
      { key: 'cf:1', name: 'LANDING', group: 'custom' },
      { key: 'UTM_SOURCE', name: 'utm_source', group: 'tracking' },
      { key: 'price', name: 'Сумма сделки', group: 'system' },
    ];
    expect(groupParameters(parameters, '').map((entry) => entry.group)).toEqual(['system', 'tracking', 'custom']);
    expect(groupParameters(parameters, 'utm')).toEqual([{ group: 'tracking', parameters: [parameters[1]] }]);
    expect(groupParameters(parameters, 'СУММА')[0]?.parameters).toEqual([parameters[2]]);
    expect(groupParameters(parameters, 'cf:1')[0]?.parameters).toEqual([parameters[0]]);
    expect(groupParameters(parameters, 'nothing')).toEqual([]);
  });
});
