import { B24Error, type B24Context } from './context';
import type { FixturePipeline, SandboxStatus } from './fixture';
import { listResult, paginate, query, type ListField } from './list';
import type { MethodTable } from './methods';
import { intParam, objectParam, param } from './params';

/**
 * Pipelines and their stages (docs/crm-apis.md §2.2, §2.3):
 *
 * - `crm.category.list {entityTypeId: 2}`: deal pipelines in `result.categories`, camelCase,
 *   by `sort`; the default one has `id` 0 and `isDefault: "Y"` (and, as in the docs' sample, no
 *   `originId`/`originatorId`); pages of 50. Leads have no pipelines (`ENTITY_TYPE_NOT_SUPPORTED`);
 *   an unknown type is a missing smart process (`NOT_FOUND`).
 * - `crm.status.list`: every directory entry (DEAL_STAGE, DEAL_STAGE_{id}, STATUS, SOURCE,
 *   DEAL_TYPE) with string-typed `ID`/`SORT`, `C{id}:` stage codes outside the default pipeline,
 *   `SEMANTICS` null/"S"/"F" and `EXTRA` for stage directories; filter by any field, `order`
 *   (default: as stored); all in one answer with `total`.
 */

const ENTITY_NAMES: Record<number, string> = { 1: 'Lead', 3: 'Contact', 4: 'Company', 5: 'Invoice', 7: 'Quote', 8: 'Requisite', 31: 'SmartInvoice' };

const STATUS_FIELDS: Array<ListField<SandboxStatus>> = [
  { name: 'ID', kind: 'int', value: (s) => s.id },
  { name: 'ENTITY_ID', kind: 'status', value: (s) => s.entityId },
  { name: 'STATUS_ID', kind: 'status', value: (s) => s.statusId },
  { name: 'NAME', kind: 'string', value: (s) => s.name },
  { name: 'SORT', kind: 'int', value: (s) => s.sort },
  { name: 'SYSTEM', kind: 'string', value: (s) => (s.system ? 'Y' : 'N') },
  { name: 'CATEGORY_ID', kind: 'int', value: (s) => s.categoryId },
  { name: 'COLOR', kind: 'string', value: (s) => s.color },
  { name: 'SEMANTICS', kind: 'string', value: (s) => s.semantics },
];

export function statusJson(status: SandboxStatus) {
  return {
    ID: String(status.id),
    ENTITY_ID: status.entityId,
    STATUS_ID: status.statusId,
    NAME: status.name,
    NAME_INIT: status.system ? status.name : '',
    SORT: String(status.sort),
    SYSTEM: status.system ? 'Y' : 'N',
    CATEGORY_ID: status.categoryId === null ? null : String(status.categoryId),
    COLOR: status.color,
    SEMANTICS: status.semantics,
    ...(status.extra ? { EXTRA: { SEMANTICS: status.extra, COLOR: status.color } } : {}),
  };
}

const categoryJson = (pipeline: FixturePipeline) => ({
  id: pipeline.id,
  name: pipeline.name,
  sort: pipeline.sort,
  entityTypeId: 2,
  isDefault: pipeline.id === 0 ? 'Y' : 'N',
  ...(pipeline.id === 0 ? {} : { originId: '', originatorId: '' }),
});

export function pipelineMethods(ctx: B24Context): MethodTable {
  const { fixture, statuses } = ctx.portal;
  const categories = [...fixture.dealPipelines].sort((a, b) => a.sort - b.sort || a.id - b.id);
  const invalid = () => new B24Error(400, 'Invalid parameters.', 'Incorrect parameters passed.');

  return {
    'crm.category.list': (params) => {
      const entityTypeId = intParam(param(params, 'entityTypeId'));
      if (entityTypeId !== undefined && ENTITY_NAMES[entityTypeId]) {
        throw new B24Error(400, 'ENTITY_TYPE_NOT_SUPPORTED', `Entity type \`${ENTITY_NAMES[entityTypeId]}\` is not supported`);
      }
      if (entityTypeId !== 2) throw new B24Error(400, 'NOT_FOUND', 'Smart process not found');
      return listResult(paginate(categories, param(params, 'start'), categoryJson), 'categories');
    },

    'crm.status.list': (params) => {
      const filter = objectParam(param(params, 'filter'));
      const order = objectParam(param(params, 'order'));
      if (!filter || !order) throw invalid();
      const rows = query(statuses, STATUS_FIELDS, { filter, order, dialect: 'lenient', offset: fixture.portal.utcOffset });
      return { result: rows.map(statusJson), total: rows.length };
    },
  };
}
