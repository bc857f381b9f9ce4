import { B24Error, type B24Context, type B24Object } from './context';
import { DEAL_FIELDS, LEAD_FIELDS, userFieldOut, userListFields, type StandardField } from './entity-fields';
import type { SandboxDeal, SandboxLead } from './fixture';
import { listResult, paginate, query, selection, type ListField } from './list';
import type { MethodTable } from './methods';
import { objectParam, param } from './params';

/**
 * `crm.deal.list` and `crm.lead.list` (docs/crm-apis.md §2.6): `select` (`*`, `UF_*`, names;
 * default both masks), `filter` with the operator prefixes (unknown fields are ignored, as the
 * old list methods do), `order`, `start` (pages of exactly 50, `next`, `total`; `-1` = no
 * count). Parameter names in either case (`SELECT`/`select`). Every value is written as
 * Bitrix24 does: IDs, amounts and flags as strings, datetimes with the portal's offset.
 * A non-object `filter`/`order` → 400 with an empty `error`.
 */

function listParams(params: B24Object): { filter: B24Object; order: B24Object } {
  const filter = objectParam(param(params, 'filter'));
  if (!filter) throw new B24Error(400, '', "Parameter 'filter' must be array.");
  const order = objectParam(param(params, 'order'));
  if (!order) throw new B24Error(400, '', "Parameter 'order' must be array.");
  return { filter, order };
}

const listed = <Row>(fields: Array<StandardField<Row>>) => fields.filter((field) => !field.notListed);

export function itemMethods(ctx: B24Context): MethodTable {
  const { fixture, userFields, deals, leads } = ctx.portal;
  const { utcOffset: offset, currency } = fixture.portal;
  const dealStandard = listed(DEAL_FIELDS);
  const dealFilterFields: Array<ListField<SandboxDeal>> = [...dealStandard, ...userListFields(userFields)];
  const leadStandard = listed(LEAD_FIELDS);

  return {
    'crm.deal.list': (params) => {
      const { filter, order } = listParams(params);
      const chosen = selection(param(params, 'select'), dealStandard, userFields);
      const rows = query(deals, dealFilterFields, { filter, order, dialect: 'lenient', offset });
      const render = (deal: SandboxDeal) => {
        const row: B24Object = {};
        for (const field of dealStandard) if (chosen.has(field.name)) row[field.name] = field.out(deal, offset);
        for (const field of userFields) {
          if (chosen.has(field.fieldName)) row[field.fieldName] = userFieldOut(field, deal.values[field.fieldName], offset, currency);
        }
        return row;
      };
      return listResult(paginate(rows, param(params, 'start'), render));
    },

    'crm.lead.list': (params) => {
      const { filter, order } = listParams(params);
      const chosen = selection(param(params, 'select'), leadStandard, []);
      const rows = query(leads, leadStandard, { filter, order, dialect: 'lenient', offset });
      const render = (lead: SandboxLead) => {
        const row: B24Object = {};
        for (const field of leadStandard) if (chosen.has(field.name)) row[field.name] = field.out(lead, offset);
        return row;
      };
      return listResult(paginate(rows, param(params, 'start'), render));
    },
  };
}
