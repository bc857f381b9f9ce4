import { bench, describe } from 'vitest';

import { findActivationProblems } from './activation';
import type { CrmSchema } from './crm-schema';
import { parseFormula } from './formula';
import { mappingConfigSchema, type MappingConfigInput } from './mapping-config';

/**
 * Validation cost at amoCRM's limits (50 pipelines × 100 statuses, hundreds of fields) versus
 * a typical account (3 pipelines × 8 statuses). Budget: a full save's validation stays under
 * 10 ms at the limits, so the API answers drag autosaves instantly.
 */

function buildAccount(pipelines: number, statuses: number, fields: number) {
  const schema: CrmSchema = {
    account: { id: '1', domain: 'bench', name: 'Bench' },
    pipelines: Array.from({ length: pipelines }, (_, p) => ({
      id: String(1000 + p),
      name: `Pipeline ${p}`,
      sort: p,
      isMain: p === 0,
      isArchive: false,
      statuses: Array.from({ length: statuses }, (_, s) => ({
        id: s === statuses - 2 ? '142' : s === statuses - 1 ? '143' : String(100_000 + p * 1000 + s),
        name: `Status ${s}`,
        sort: s * 10,
        color: '#99ccff',
        kind: s === statuses - 2 ? ('won' as const) : s === statuses - 1 ? ('lost' as const) : ('regular' as const),
      })),
    })),
    customFields: Array.from({ length: fields }, (_, f) => ({
      id: String(5000 + f),
      name: `Field ${f}`,
      code: null,
      type: f % 3 === 0 ? 'numeric' : 'text',
      enums: null,
      isNumeric: f % 3 === 0,
      isTracking: false,
    })),
    filterParameters: [],
    fetchedAt: new Date(0).toISOString(),
  };
  const config: MappingConfigInput = {
    schemaVersion: 2,
    connector: 'amocrm',
    account: schema.account,
    pipelines: schema.pipelines.map((pipeline) => {
      const regular = pipeline.statuses.filter((status) => status.kind === 'regular');
      const half = Math.ceil(regular.length / 2);
      return {
        pipelineId: pipeline.id,
        containers: [
          { id: 'a', name: 'Early', statusIds: regular.slice(0, half).map((s) => s.id), marker: null },
          { id: 'b', name: 'Late', statusIds: regular.slice(half).map((s) => s.id), marker: 'pause' as const },
          { id: 'won', name: 'Won', statusIds: ['142'], marker: 'completed' as const },
          { id: 'lost', name: 'Lost', statusIds: ['143'], marker: 'refusal' as const },
        ],
      };
    }),
    customFields: { otherFields: schema.customFields.slice(0, Math.min(200, fields)).map((field) => field.id) },
    calculatedFields: Array.from({ length: 10 }, (_, i) => ({
      id: `k${i}`,
      name: `Calc ${i}`,
      expression: `({price} - {cf:${5000 + i * 3}}) * 1.2 / ({cf:5003} + 1)`,
    })),
  };
  return { schema, config };
}

const typical = buildAccount(3, 8, 30);
const limits = buildAccount(50, 100, 500);
const limitsParsed = mappingConfigSchema.parse(limits.config);
const typicalParsed = mappingConfigSchema.parse(typical.config);

describe('validate a saved configuration (mappingConfigSchema.parse)', () => {
  bench('typical account: 3 pipelines × 8 statuses', () => {
    mappingConfigSchema.parse(typical.config);
  });
  bench('amoCRM limits: 50 pipelines × 100 statuses, 200 fields', () => {
    mappingConfigSchema.parse(limits.config);
  });
});

describe('activation checks against the CRM schema (findActivationProblems)', () => {
  bench('typical account', () => {
    findActivationProblems(typicalParsed, typical.schema);
  });
  bench('amoCRM limits', () => {
    findActivationProblems(limitsParsed, limits.schema);
  });
});

describe('formula parsing', () => {
  const short = '{price} * 0.3';
  const long = Array.from({ length: 60 }, (_, i) => `({cf:${5000 + i}} - ${i}.5)`).join(' + ');
  bench('short expression', () => {
    parseFormula(short);
  });
  bench('60-term expression', () => {
    parseFormula(long);
  });
});
