import { B24Error, formatDateTime, type B24Context, type B24Object } from './context';
import type { SandboxStageChange } from './fixture';
import { listParam, intParam, objectParam, param } from './params';
import { listResult, paginate, query, type ListField } from './list';
import type { MethodTable } from './methods';

/**
 * `crm.stagehistory.list` (docs/crm-apis.md §2.6): `entityTypeId` 1 (leads: STATUS_ID,
 * STATUS_SEMANTIC_ID) or 2 (deals: CATEGORY_ID, STAGE_ID, STAGE_SEMANTIC_ID); rows in
 * `result.items` with integer numbers; `filter` and `order` only on the row's own fields (an
 * allow-list: anything else, a bad value or a bad direction → 400 `INVALID_ARG_VALUE`), `select`,
 * `start` with the standard paging (50, `next`, `total`, `-1`). Old and new invoices (5, 31) are
 * supported and empty here; other types → 400 `ENTITY_TYPE_NOT_SUPPORTED`.
 */

const COMMON: Array<ListField<SandboxStageChange>> = [
  { name: 'ID', kind: 'int', value: (row) => row.id },
  { name: 'TYPE_ID', kind: 'int', value: (row) => row.typeId },
  { name: 'OWNER_ID', kind: 'int', value: (row) => row.ownerId },
  { name: 'CREATED_TIME', kind: 'datetime', value: (row) => row.createdAt },
];
const DEAL_ROW: Array<ListField<SandboxStageChange>> = [
  ...COMMON,
  { name: 'CATEGORY_ID', kind: 'int', value: (row) => row.categoryId },
  { name: 'STAGE_SEMANTIC_ID', kind: 'status', value: (row) => row.semantic },
  { name: 'STAGE_ID', kind: 'status', value: (row) => row.stageId },
];
const LEAD_ROW: Array<ListField<SandboxStageChange>> = [
  ...COMMON,
  { name: 'STATUS_SEMANTIC_ID', kind: 'status', value: (row) => row.semantic },
  { name: 'STATUS_ID', kind: 'status', value: (row) => row.stageId },
];
const ENTITY_NAMES: Record<number, string> = { 3: 'CONTACT', 4: 'COMPANY', 7: 'QUOTE', 8: 'REQUISITE' };

function rowJson(row: SandboxStageChange, offset: string): B24Object {
  const common = { ID: row.id, TYPE_ID: row.typeId, OWNER_ID: row.ownerId, CREATED_TIME: formatDateTime(row.createdAt, offset) };
  return row.entityTypeId === 2
    ? { ...common, CATEGORY_ID: row.categoryId, STAGE_SEMANTIC_ID: row.semantic, STAGE_ID: row.stageId }
    : { ...common, STATUS_SEMANTIC_ID: row.semantic, STATUS_ID: row.stageId };
}

export function stageHistoryMethods(ctx: B24Context): MethodTable {
  const offset = ctx.portal.fixture.portal.utcOffset;
  const byType = {
    1: ctx.portal.history.filter((row) => row.entityTypeId === 1),
    2: ctx.portal.history.filter((row) => row.entityTypeId === 2),
  };

  return {
    'crm.stagehistory.list': (params) => {
      const entityTypeId = intParam(param(params, 'entityTypeId'));
      if (entityTypeId === 5 || entityTypeId === 31) return listResult(paginate([], param(params, 'start'), (row) => row), 'items');
      if (entityTypeId !== 1 && entityTypeId !== 2) {
        const raw = param(params, 'entityTypeId');
        const name = entityTypeId === undefined ? (typeof raw === 'string' ? raw : JSON.stringify(raw ?? '')) : (ENTITY_NAMES[entityTypeId] ?? String(entityTypeId));
        throw new B24Error(400, 'ENTITY_TYPE_NOT_SUPPORTED', `Entity type ${name} is not supported`);
      }
      const filter = objectParam(param(params, 'filter'));
      const order = objectParam(param(params, 'order'));
      if (!filter) throw new B24Error(400, 'INVALID_ARG_VALUE', 'Invalid filter: must be an object');
      if (!order) throw new B24Error(400, 'INVALID_ARG_VALUE', 'Invalid order: must be an object');
      const fields = entityTypeId === 2 ? DEAL_ROW : LEAD_ROW;
      const rows = query(byType[entityTypeId], fields, { filter, order, dialect: 'strict', offset });
      const select = new Set(listParam(param(params, 'select')).filter((item): item is string => typeof item === 'string').map((item) => item.toUpperCase()));
      const render = (row: SandboxStageChange) => {
        const full = rowJson(row, offset);
        return select.size === 0 ? full : Object.fromEntries(Object.entries(full).filter(([key]) => select.has(key)));
      };
      return listResult(paginate(rows, param(params, 'start'), render), 'items');
    },
  };
}
