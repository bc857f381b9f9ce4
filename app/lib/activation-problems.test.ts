import { describe, expect, it } from 'vitest';

import { findActivationProblems } from '@/contracts/activation';
import type { CrmSchema } from '@/contracts/crm-schema';
import { emptyMappingConfig, type MappingConfig } from '@/contracts/mapping-config';

import { describeProblems, fixStepFor } from './activation-problems';

const schema: CrmSchema = {
  account: { id: '1', domain: 'demo.amocrm.ru', name: 'Demo' },
  pipelines: [
    {
      id: '10',
      name: 'Продажи',
      sort: 1,
      isMain: true,
      isArchive: false,
      statuses: [
        { id: '100', name: 'Новая', sort: 1, color: '#fff', kind: 'regular' },
        { id: '142', name: 'Успешно', sort: 2, color: '#fff', kind: 'won' },
        { id: '143', name: 'Закрыто', sort: 3, color: '#fff', kind: 'lost' },
      ],
    },
    { id: '20', name: 'Повторные', sort: 2, isMain: false, isArchive: false, statuses: [] },
  ],
  customFields: [{ id: '7', name: 'Себестоимость', code: null, type: 'monetary', enums: null, isNumeric: true, isTracking: false }],
  filterParameters: [{ key: 'LANDING', name: 'Лендинг', group: 'custom' }],
  fetchedAt: '2026-01-01T00:00:00.000Z',
};

describe('activation problems', () => {
  it('sends each problem to the step that fixes it', () => {
    expect(fixStepFor('/account')).toBe('authorize');
    expect(fixStepFor('/filter/conditions/0/value')).toBe('filter');
    expect(fixStepFor('/pipelines/0/containers')).toBe('mapping');
    expect(fixStepFor('/pipelines')).toBe('mapping');
    expect(fixStepFor('/customFields/otherFields/0')).toBe('mapping');
    expect(fixStepFor('/calculatedFields/1/expression')).toBe('calculation');
  });

  it('names pipelines, containers, statuses, parameters and fields', () => {
    const config: MappingConfig = {
      ...emptyMappingConfig('amocrm'),
      account: { id: '1', domain: 'demo.amocrm.ru', name: 'Demo' },
      filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: '' }] },
      pipelines: [{ pipelineId: '10', containers: [{ id: 'a', name: 'Успех', statusIds: ['142'], marker: 'completed' }] }],
      calculatedFields: [{ id: 'x', name: 'Маржа', expression: '{price} / 0' }],
    };
    const described = describeProblems(findActivationProblems(config, schema), config, schema);
    const byCode = new Map(described.map((problem) => [problem.messageKey, problem]));
    expect(byCode.get('value_required')).toMatchObject({ step: 'filter', params: { parameter: 'Лендинг', index: 1 } });
    expect(byCode.get('missing_marker_refusal')).toMatchObject({ step: 'mapping', params: { pipeline: 'Продажи' } });
    expect(byCode.get('unmapped_statuses')).toMatchObject({ params: { pipeline: 'Продажи', statuses: 'Новая, Закрыто', count: 2 } });
    expect(byCode.get('unmapped_pipeline')).toMatchObject({ params: { pipeline: 'Повторные' } });
    expect(byCode.get('formula')).toMatchObject({ step: 'calculation', params: { field: 'Маржа' } });
  });

  it('keeps the server message for codes it does not know', () => {
    const [problem] = describeProblems([{ pointer: '/pipelines', code: 'something_new', message: 'Server says so' }], emptyMappingConfig('amocrm'), schema);
    expect(problem).toMatchObject({ messageKey: null, fallback: 'Server says so', step: 'mapping' });
  });
});
