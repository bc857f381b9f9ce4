import type { CrmSchema } from '../crm-schema';
import type { MappingConfigInput } from '../mapping-config';

/**
 * The mapping configuration of product.md's example (one pipeline: "In work", 142 as Completed
 * deal, 143 as Refusal; LANDING = site-42; one custom field; one calculated field), for tests of
 * the contract, the activation rules and the API.
 */
export function sampleConfigInput(overrides: Partial<MappingConfigInput> = {}): MappingConfigInput {
  return {
    schemaVersion: 2,
    connector: 'amocrm',
    account: { id: '31234567', domain: 'demo.amocrm.ru', name: 'Demo' },
    filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' }] },
    pipelines: [
      {
        pipelineId: '3177727',
        containers: [
          { id: 'c1', name: 'In work', statusIds: ['32392156', '32392159'], marker: null },
          { id: 'c2', name: 'Successfully realized', statusIds: ['142'], marker: 'completed' },
          { id: 'c3', name: 'Closed and not realized', statusIds: ['143'], marker: 'refusal' },
        ],
      },
    ],
    customFields: { otherFields: ['1016236'] },
    calculatedFields: [{ id: 'k1', name: 'Margin', expression: '{price} * 0.3' }],
    ...overrides,
  };
}

/** Every non-archived pipeline of `schema` mapped: its working statuses in one container, 142 completed, 143 refusal. */
export function completeConfigFor(schema: CrmSchema): MappingConfigInput {
  return {
    schemaVersion: 2,
    connector: 'amocrm',
    pipelines: schema.pipelines
      .filter((pipeline) => !pipeline.isArchive)
      .map((pipeline) => ({
        pipelineId: pipeline.id,
        containers: [
          { id: `w${pipeline.id}`, name: 'In work', marker: null, statusIds: pipeline.statuses.filter((st) => st.id !== '142' && st.id !== '143').map((st) => st.id) },
          { id: `c${pipeline.id}`, name: 'Won', statusIds: ['142'], marker: 'completed' },
          { id: `r${pipeline.id}`, name: 'Lost', statusIds: ['143'], marker: 'refusal' },
        ],
      })),
  };
}
