import { z } from 'zod';

import demoFixture from '../../fixtures/bitrix24-demo.json';
import { validateFixture } from '../shared/fixture';

import { PortalBuilder } from './portal-builder';

/**
 * The sandbox Bitrix24's portal fixture: the JSON format `SANDBOX_BITRIX24_ACCOUNT` points at
 * (documented in the README), its validation (every problem named by its path), the directories
 * (`crm.status` entries, user fields) and the materialized portal; `portal-builder.ts` turns
 * the deals, leads and the few lines of `generate` settings into a few hundred deals and leads
 * with stage histories that end at their current stage. Pure: no file system, so the same code
 * runs in Node, in MSW and in a browser.
 */

/** `USER_TYPE_ID` values of CRM user fields (docs/crm-apis.md §2.4). */
export const USER_FIELD_TYPES = [
  'string',
  'integer',
  'double',
  'boolean',
  'enumeration',
  'datetime',
  'date',
  'money',
  'url',
  'address',
  'file',
  'employee',
  'crm_status',
  'iblock_section',
  'iblock_element',
  'crm',
] as const;
export type UserFieldType = (typeof USER_FIELD_TYPES)[number];

/** The standard UTM fields of deals and leads (standard fields, not `UF_CRM_*`). */
export const UTM_FIELDS = ['UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN', 'UTM_CONTENT', 'UTM_TERM'] as const;
export type UtmField = (typeof UTM_FIELDS)[number];

/** A portal may hold at most 1016 deal user fields [B11]. */
export const MAX_DEAL_USER_FIELDS = 1016;

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: 'must be a hex colour like #39A8EF' });
const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO datetime with an offset, e.g. 2025-03-04T10:15:00+03:00' });
const language = z.string().regex(/^[a-z]{2}$/, { message: 'a two-letter Bitrix24 language id (ru, en, de, ua, la, …)' });
const directoryCode = z.string().regex(/^[A-Z0-9_]{1,50}$/, { message: 'upper-case letters, digits and _' });

const stageSchema = z.object({
  /** `crm.status` ID; assigned in order when omitted. */
  id: id.optional(),
  /** The code deals carry in STAGE_ID: `NEW`, `WON`, `UC_4F1Q2A`; `C{pipeline id}:…` outside the default pipeline. */
  statusId: z.string().regex(/^(C\d+:)?[A-Z0-9_]{1,50}$/, { message: 'a stage code like NEW, UC_4F1Q2A or C3:NEW' }),
  name: z.string().trim().min(1).max(255),
  sort: z.number().int().min(0),
  color: hexColor,
  /** `S` success, `F` failure; omitted = in progress (`SEMANTICS: null`). */
  semantics: z.enum(['S', 'F']).optional(),
});

const pipelineSchema = z.object({
  /** 0 is the default pipeline ("Общая"); the others get `C{id}:` stage prefixes. */
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  name: z.string().trim().min(1).max(255),
  sort: z.number().int().min(0).default(500),
  /** In-progress stages, then exactly one success stage, then the failure stages (by sort). */
  stages: z.array(stageSchema).min(3).max(100),
});

const directoryEntrySchema = z.object({ id: id.optional(), statusId: directoryCode, name: z.string().trim().min(1).max(255) });

const enumItemSchema = z.object({
  id,
  value: z.string().trim().min(1).max(255),
  sort: z.number().int().min(0).optional(),
  def: z.boolean().default(false),
  xmlId: z.string().optional(),
});

const userFieldSchema = z.object({
  /** `crm.deal.userfield.list` ID; assigned in order when omitted. */
  id: id.optional(),
  fieldName: z
    .string()
    .max(50)
    .regex(/^UF_CRM_[A-Z0-9_]+$/, { message: 'must be UF_CRM_ followed by upper-case letters, digits or _ (e.g. UF_CRM_1713790573)' }),
  type: z.enum(USER_FIELD_TYPES),
  /** One label (in the portal's language) or one per language: `{ "ru": "Посадочная страница", "en": "Landing page" }`. */
  label: z.union([z.string().trim().min(1), z.record(language, z.string().trim().min(1))]),
  sort: z.number().int().min(0).default(100),
  multiple: z.boolean().default(false),
  mandatory: z.boolean().default(false),
  xmlId: z.string().nullable().default(null),
  settings: z.record(z.string(), z.json()).optional(),
  /** `enumeration` fields only. */
  items: z.array(enumItemSchema).optional(),
});

const fieldValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number()]))]);
const utmSchema = z.partialRecord(z.enum(UTM_FIELDS), z.string().nullable()).default({});

const dealPositionSchema = z.object({ at: isoDateTime, stageId: z.string(), categoryId: z.number().int().min(0).optional() });

/** What a hand-written deal and a hand-written lead both carry (the same item fields in Bitrix24, and the same time checks). */
const explicitItemFields = {
  opportunity: z.number().nonnegative().default(0),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  createdAt: isoDateTime,
  /** When the item reached its current stage (MOVED_TIME); required with a history, else the creation time. */
  movedAt: isoDateTime.optional(),
  /** DATE_MODIFY; default MOVED_TIME. */
  modifiedAt: isoDateTime.optional(),
  assignedById: id.optional(),
};

const explicitDealSchema = z.object({
  id,
  title: z.string().trim().min(1).max(255),
  categoryId: z.number().int().min(0).default(0),
  stageId: z.string(),
  ...explicitItemFields,
  leadId: id.nullable().default(null),
  typeId: directoryCode.optional(),
  sourceId: directoryCode.nullable().optional(),
  utm: utmSchema,
  /** User-field values by FIELD_NAME; enumeration values by item VALUE text or item ID. */
  values: z.record(z.string(), fieldValueSchema).default({}),
  /** Earlier positions, oldest first: the first one is where the deal was created (at `createdAt`). */
  history: z.array(dealPositionSchema).default([]),
});

const explicitLeadSchema = z.object({
  id,
  title: z.string().trim().min(1).max(255),
  statusId: z.string(),
  ...explicitItemFields,
  sourceId: directoryCode.nullable().optional(),
  utm: utmSchema,
  history: z.array(z.object({ at: isoDateTime, statusId: z.string() })).default([]),
});

const fieldSpecSchema = z.object({
  /** Share of deals that get a value (0..1). */
  fill: z.number().min(0).max(1).default(0.7),
  /** Text fields (and UTM): one of these. */
  oneOf: z.array(z.string()).min(1).optional(),
  /** Numeric and money fields: a number in this range. */
  range: z.tuple([z.number(), z.number()]).optional(),
  /** Decimal places of generated `double` values. */
  decimals: z.number().int().min(0).max(4).default(0),
  /** Numeric and money fields: this share of the deal's amount, e.g. [0.4, 0.7]. */
  priceShare: z.tuple([z.number(), z.number()]).optional(),
  /** Text fields: a string of this many digits (e.g. a Yandex Metrica client id). */
  digits: z.number().int().min(1).max(30).optional(),
});

const generateSchema = z.object({
  seed: z.number().int(),
  /** How many deals to generate (converted leads become some of them). */
  deals: z.number().int().min(0).max(20000),
  /** How many leads to generate. */
  leads: z.number().int().min(0).max(20000).default(0),
  /** Creation dates fall in [from, to] (ISO dates, the portal's time zone); nothing moves after `to`. */
  from: z.iso.date(),
  to: z.iso.date(),
  firstDealId: id.default(1),
  firstLeadId: id.default(1),
  opportunity: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).default([10000, 500000]),
  /** Titles are "<product> — <company>". */
  companies: z.array(z.string().min(1)).min(1).default(['ООО «Ромашка»']),
  products: z.array(z.string().min(1)).min(1).default(['Сделка']),
  /** Relative weight of each pipeline (by id) for new deals; default: the default pipeline 3, the others 1. */
  pipelineWeights: z.record(z.string().regex(/^\d+$/), z.number().min(0)).optional(),
  /** Share of deals of the default pipeline moved to another pipeline on the way (TYPE_ID 5). */
  pipelineChange: z.number().min(0).max(1).default(0.04),
  /** Per field (UTM_* or UF_CRM_* name): how to fill it. UTM fields not listed stay empty; user fields get type-based defaults. */
  fields: z.record(z.string(), fieldSpecSchema).default({}),
});

const DEFAULT_LEAD_STAGES: Array<z.input<typeof stageSchema>> = [
  { statusId: 'NEW', name: 'Не обработан', sort: 10, color: '#39A8EF' },
  { statusId: 'IN_PROCESS', name: 'В работе', sort: 20, color: '#2FC6F6' },
  { statusId: 'PROCESSED', name: 'Обработан', sort: 30, color: '#55D0E0' },
  { statusId: 'CONVERTED', name: 'Качественный лид', sort: 50, color: '#7BD500', semantics: 'S' },
  { statusId: 'JUNK', name: 'Некачественный лид', sort: 60, color: '#FF5752', semantics: 'F' },
];
const DEFAULT_SOURCES = [
  { statusId: 'CALL', name: 'Звонок' },
  { statusId: 'EMAIL', name: 'Электронная почта' },
  { statusId: 'WEB', name: 'Веб-сайт' },
  { statusId: 'ADVERTISING', name: 'Реклама' },
  { statusId: 'PARTNER', name: 'Существующий клиент' },
  { statusId: 'RECOMMENDATION', name: 'По рекомендации' },
  { statusId: 'WEBFORM', name: 'CRM-форма' },
  { statusId: 'OTHER', name: 'Другое' },
];
const DEFAULT_DEAL_TYPES = [
  { statusId: 'SALE', name: 'Продажа' },
  { statusId: 'COMPLEX', name: 'Комплексная продажа' },
  { statusId: 'GOODS', name: 'Продажа товара' },
  { statusId: 'SERVICES', name: 'Продажа услуги' },
];

export const portalFixtureSchema = z
  .object({
    portal: z.object({
      /** The portal's unique id (`member_id` on the callback and in token answers): 32 hex digits. */
      memberId: z.string().regex(/^[0-9a-f]{32}$/, { message: 'must be 32 lowercase hex digits' }),
      /** Shown on the consent page (Bitrix24 has no REST method naming a portal; its address is the sandbox's host). */
      title: z.string().trim().min(1).max(255),
      /** The portal's language: the labels of `crm.deal.fields` and `app.info` LANGUAGE_ID. */
      language: language.default('ru'),
      /** The portal's time zone offset: every datetime is written with it. */
      utcOffset: z.string().regex(/^[+-]\d\d:\d\d$/, { message: 'an offset like +03:00' }).default('+03:00'),
      currency: z.string().regex(/^[A-Z]{3}$/).default('RUB'),
      /** `app.info` LICENSE: the region prefix and the plan, e.g. ru_pro100, ru_ent250. */
      license: z.string().regex(/^[a-z]{2}_[a-z0-9]+$/, { message: 'a plan like ru_pro100' }).default('ru_pro100'),
    }),
    /** The first user authorizes the application (`profile`); deals are assigned to all of them. */
    users: z
      .array(z.object({ id, name: z.string().trim().min(1), lastName: z.string().trim().default(''), admin: z.boolean().default(false) }))
      .min(1),
    /** Deal pipelines (`crm.category.list`, `crm.status.list` DEAL_STAGE / DEAL_STAGE_{id}); exactly one has id 0. */
    dealPipelines: z.array(pipelineSchema).min(1),
    /** The lead pipeline (`crm.status.list` STATUS); default: Bitrix24's five lead stages. */
    leadStages: z.array(stageSchema).min(3).max(100).default(DEFAULT_LEAD_STAGES),
    /** The SOURCE directory (deals' and leads' SOURCE_ID). */
    sources: z.array(directoryEntrySchema).default(DEFAULT_SOURCES),
    /** The DEAL_TYPE directory (deals' TYPE_ID). */
    dealTypes: z.array(directoryEntrySchema).min(1).default(DEFAULT_DEAL_TYPES),
    /** Deal user fields (`UF_CRM_*`), at most 1016. */
    dealFields: z.array(userFieldSchema).max(MAX_DEAL_USER_FIELDS).default([]),
    deals: z.array(explicitDealSchema).default([]),
    leads: z.array(explicitLeadSchema).default([]),
    generate: generateSchema.optional(),
  })
  .superRefine((fixture, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    const stageIds = new Set<number>();
    const checkStageIds = (path: Array<string | number>, entries: Array<{ id?: number | undefined }>) => {
      entries.forEach((entry, index) => {
        if (entry.id === undefined) return;
        if (stageIds.has(entry.id)) issue([...path, index, 'id'], `duplicate crm.status id ${entry.id}`);
        stageIds.add(entry.id);
      });
    };
    const checkStages = (path: Array<string | number>, stages: FixtureStage[], prefix: string, what: string) => {
      const codes = new Set<string>();
      stages.forEach((stage, index) => {
        if (codes.has(stage.statusId)) issue([...path, index, 'statusId'], `duplicate stage ${stage.statusId}`);
        codes.add(stage.statusId);
        if (prefix === '' ? stage.statusId.includes(':') : !stage.statusId.startsWith(prefix)) {
          issue(
            [...path, index, 'statusId'],
            prefix === '' ? `${what} stage ids have no C{id}: prefix (got "${stage.statusId}")` : `stage ids of ${what} start with "${prefix}" (got "${stage.statusId}")`,
          );
        }
      });
      const success = stages.filter((stage) => stage.semantics === 'S');
      const failure = stages.filter((stage) => stage.semantics === 'F');
      const progress = stages.filter((stage) => stage.semantics === undefined);
      if (success.length !== 1) issue(path, `${what} needs exactly one success (S) stage, found ${success.length}`);
      if (failure.length === 0) issue(path, `${what} needs at least one failure (F) stage`);
      if (progress.length === 0) issue(path, `${what} needs at least one in-progress stage`);
      const won = success[0];
      if (won && (progress.some((stage) => stage.sort >= won.sort) || failure.some((stage) => stage.sort <= won.sort))) {
        issue(path, `in ${what} the success stage must sort after every in-progress stage and before the failure stages`);
      }
      checkStageIds(path, stages);
    };

    const pipelineIds = new Set<number>();
    fixture.dealPipelines.forEach((pipeline, p) => {
      if (pipelineIds.has(pipeline.id)) issue(['dealPipelines', p, 'id'], `duplicate pipeline id ${pipeline.id}`);
      pipelineIds.add(pipeline.id);
      checkStages(['dealPipelines', p, 'stages'], pipeline.stages, pipeline.id === 0 ? '' : `C${pipeline.id}:`, `pipeline ${pipeline.id}`);
    });
    if (!pipelineIds.has(0)) issue(['dealPipelines'], 'the default pipeline (id 0) is missing');
    checkStages(['leadStages'], fixture.leadStages, '', 'the lead pipeline');
    checkStageIds(['sources'], fixture.sources);
    checkStageIds(['dealTypes'], fixture.dealTypes);

    const userIds = new Set<number>();
    fixture.users.forEach((user, u) => {
      if (userIds.has(user.id)) issue(['users', u, 'id'], `duplicate user id ${user.id}`);
      userIds.add(user.id);
    });

    const fieldNames = new Map<string, FixtureUserField>();
    const fieldIds = new Set<number>();
    fixture.dealFields.forEach((field, f) => {
      if (fieldNames.has(field.fieldName)) issue(['dealFields', f, 'fieldName'], `duplicate field ${field.fieldName}`);
      fieldNames.set(field.fieldName, field);
      if (field.id !== undefined) {
        if (fieldIds.has(field.id)) issue(['dealFields', f, 'id'], `duplicate field id ${field.id}`);
        fieldIds.add(field.id);
      }
      if (field.type === 'enumeration' && !field.items?.length) issue(['dealFields', f, 'items'], 'enumeration fields need items');
      if (field.type !== 'enumeration' && field.items) issue(['dealFields', f, 'items'], 'only enumeration fields have items');
      const itemIds = new Set<number>();
      field.items?.forEach((item, i) => {
        if (itemIds.has(item.id)) issue(['dealFields', f, 'items', i, 'id'], `duplicate item id ${item.id}`);
        itemIds.add(item.id);
      });
    });

    const pipelineById = new Map(fixture.dealPipelines.map((pipeline) => [pipeline.id, pipeline]));
    const sourceCodes = new Set(fixture.sources.map((source) => source.statusId));
    const typeCodes = new Set(fixture.dealTypes.map((type) => type.statusId));
    const leadIds = new Set<number>();
    fixture.leads.forEach((lead, l) => {
      if (leadIds.has(lead.id)) issue(['leads', l, 'id'], `duplicate lead id ${lead.id}`);
      leadIds.add(lead.id);
      const path = [...lead.history.map((entry) => ({ at: entry.at, statusId: entry.statusId })), { at: lead.movedAt, statusId: lead.statusId }];
      path.forEach((entry, index) => {
        if (!fixture.leadStages.some((stage) => stage.statusId === entry.statusId)) {
          issue(['leads', l, index < lead.history.length ? `history.${index}.statusId` : 'statusId'], `unknown lead stage ${entry.statusId}`);
        }
      });
      checkTimes(issue, ['leads', l], lead.createdAt, lead.history, lead.movedAt, lead.modifiedAt);
      if (lead.assignedById !== undefined && !userIds.has(lead.assignedById)) issue(['leads', l, 'assignedById'], 'unknown user');
      if (lead.sourceId && !sourceCodes.has(lead.sourceId)) issue(['leads', l, 'sourceId'], `unknown source ${lead.sourceId}`);
    });

    const dealIds = new Set<number>();
    fixture.deals.forEach((deal, d) => {
      if (dealIds.has(deal.id)) issue(['deals', d, 'id'], `duplicate deal id ${deal.id}`);
      dealIds.add(deal.id);
      const positions = [...deal.history, { at: deal.movedAt, stageId: deal.stageId, categoryId: deal.categoryId }];
      positions.forEach((position, index) => {
        const categoryId = position.categoryId ?? deal.categoryId;
        const where = index < deal.history.length ? ['history', index] : [];
        const pipeline = pipelineById.get(categoryId);
        if (!pipeline) issue(['deals', d, ...where, 'categoryId'], `unknown pipeline ${categoryId}`);
        else if (!pipeline.stages.some((stage) => stage.statusId === position.stageId)) {
          issue(['deals', d, ...where, 'stageId'], `stage ${position.stageId} is not in pipeline ${categoryId}`);
        }
      });
      checkTimes(issue, ['deals', d], deal.createdAt, deal.history, deal.movedAt, deal.modifiedAt);
      if (deal.assignedById !== undefined && !userIds.has(deal.assignedById)) issue(['deals', d, 'assignedById'], 'unknown user');
      if (deal.leadId !== null && !leadIds.has(deal.leadId)) issue(['deals', d, 'leadId'], `unknown lead ${deal.leadId}`);
      if (deal.sourceId && !sourceCodes.has(deal.sourceId)) issue(['deals', d, 'sourceId'], `unknown source ${deal.sourceId}`);
      if (deal.typeId && !typeCodes.has(deal.typeId)) issue(['deals', d, 'typeId'], `unknown deal type ${deal.typeId}`);
      for (const [name, value] of Object.entries(deal.values)) {
        const field = fieldNames.get(name);
        if (!field) {
          issue(['deals', d, 'values', name], 'unknown field');
          continue;
        }
        const list = Array.isArray(value) ? value : value === null ? [] : [value];
        if (Array.isArray(value) && !field.multiple) issue(['deals', d, 'values', name], 'a list for a single-value field');
        if (field.type === 'enumeration') {
          for (const item of list) {
            if (!field.items?.some((option) => option.id === item || option.value === item)) {
              issue(['deals', d, 'values', name], `no item ${JSON.stringify(item)} in ${name}`);
            }
          }
        }
      }
    });

    const generate = fixture.generate;
    if (generate) {
      if (generate.from > generate.to) issue(['generate', 'to'], 'must not be before from');
      for (const name of Object.keys(generate.fields)) {
        if (!fieldNames.has(name) && !(UTM_FIELDS as readonly string[]).includes(name)) {
          issue(['generate', 'fields', name], 'unknown field (a UTM_* field or one of dealFields)');
        }
      }
      for (const pipelineId of Object.keys(generate.pipelineWeights ?? {})) {
        if (!pipelineById.has(Number(pipelineId))) issue(['generate', 'pipelineWeights', pipelineId], 'unknown pipeline');
      }
      const weights = fixture.dealPipelines.map((pipeline) => generate.pipelineWeights?.[String(pipeline.id)] ?? (pipeline.id === 0 ? 3 : 1));
      if (generate.deals > 0 && weights.every((weight) => Math.round(weight * 10) === 0)) {
        issue(['generate', 'pipelineWeights'], 'at least one pipeline needs a weight of 0.1 or more');
      }
    }
  });

function checkTimes(
  issue: (path: Array<string | number>, message: string) => void,
  path: Array<string | number>,
  createdAt: string,
  history: Array<{ at: string }>,
  movedAt: string | undefined,
  modifiedAt: string | undefined,
): void {
  const created = Date.parse(createdAt);
  if (history.length > 0 && Date.parse(history[0]!.at) !== created) issue([...path, 'history', 0, 'at'], 'the first position is the creation: its at must equal createdAt');
  if (history.length > 0 && movedAt === undefined) issue([...path, 'movedAt'], 'is required with a history (when the current stage was reached)');
  let previous = created;
  [...history.map((entry) => entry.at), movedAt].forEach((at, index) => {
    if (at === undefined) return;
    if (Date.parse(at) < previous) issue([...path, index < history.length ? `history.${index}.at` : 'movedAt'], 'positions must not go back in time');
    previous = Date.parse(at);
  });
  if (modifiedAt !== undefined && Date.parse(modifiedAt) < previous) issue([...path, 'modifiedAt'], 'must not be before the last move');
}

export type PortalFixture = z.output<typeof portalFixtureSchema>;
export type PortalFixtureInput = z.input<typeof portalFixtureSchema>;
export type FixturePipeline = PortalFixture['dealPipelines'][number];
export type FixtureStage = z.output<typeof stageSchema>;
export type FixtureUserField = PortalFixture['dealFields'][number];

export type Semantic = 'P' | 'S' | 'F';

/** One `crm.status` entry, with its ID assigned. */
export interface SandboxStatus {
  id: number;
  /** DEAL_STAGE, DEAL_STAGE_{id}, STATUS, SOURCE, DEAL_TYPE. */
  entityId: string;
  statusId: string;
  name: string;
  sort: number;
  /** The first stage, the success stage and the first failure stage are the pipeline's system stages. */
  system: boolean;
  /** The pipeline of a deal stage outside the default pipeline; null otherwise. */
  categoryId: number | null;
  color: string | null;
  /** `null` in progress, `S`, `F`; stage directories only. */
  semantics: 'S' | 'F' | null;
  /** `EXTRA.SEMANTICS`: only stage directories have EXTRA. */
  extra: 'process' | 'success' | 'failure' | 'apology' | null;
}

/** A user field with its ID and its labels by language. */
export interface SandboxUserField extends Omit<FixtureUserField, 'label' | 'id'> {
  id: number;
  labels: Record<string, string>;
}

/** A user-field value as stored: text, a number, a flag, enumeration item ids, or a list (multiple fields). */
export type UserFieldValue = string | number | boolean | Array<string | number>;

export interface SandboxDeal {
  id: number;
  title: string;
  typeId: string;
  categoryId: number;
  stageId: string;
  semantic: Semantic;
  opportunity: number;
  currencyId: string;
  leadId: number | null;
  sourceId: string | null;
  assignedById: number;
  createdById: number;
  /** Unix ms. */
  createdAt: number;
  modifiedAt: number;
  movedAt: number;
  beginDate: number;
  closeDate: number;
  closed: boolean;
  /** In the pipeline's first stage. */
  isNew: boolean;
  isReturnCustomer: boolean;
  utm: Record<UtmField, string | null>;
  /** By FIELD_NAME; a field without a value is absent. */
  values: Record<string, UserFieldValue>;
}

export interface SandboxLead {
  id: number;
  title: string;
  statusId: string;
  semantic: Semantic;
  opportunity: number;
  currencyId: string;
  sourceId: string | null;
  assignedById: number;
  createdAt: number;
  modifiedAt: number;
  movedAt: number;
  closedAt: number | null;
  utm: Record<UtmField, string | null>;
}

/** One `crm.stagehistory.list` row. */
export interface SandboxStageChange {
  id: number;
  /** 1 lead, 2 deal. */
  entityTypeId: 1 | 2;
  ownerId: number;
  /** 1 created, 2 moved to an in-progress stage, 3 moved to a final stage, 5 moved to another pipeline. */
  typeId: 1 | 2 | 3 | 5;
  createdAt: number;
  /** Deals only. */
  categoryId: number | null;
  stageId: string;
  semantic: Semantic;
}

/** A validated fixture with its directories, deals, leads and stage histories materialized. */
export interface SandboxPortal {
  fixture: PortalFixture;
  statuses: SandboxStatus[];
  userFields: SandboxUserField[];
  deals: SandboxDeal[];
  leads: SandboxLead[];
  /** Deals' and leads' stage changes, oldest first (ID order is time order). */
  history: SandboxStageChange[];
}

export class SandboxPortalFixtureError extends Error {}

/** Validates a parsed fixture and generates its deals. Throws `SandboxPortalFixtureError` naming each problem. */
export function buildSandboxPortal(input: unknown): SandboxPortal {
  const fixture = validateFixture(portalFixtureSchema, input, 'Invalid sandbox Bitrix24 portal fixture', (message) => new SandboxPortalFixtureError(message));
  const statuses = buildStatuses(fixture);
  const userFields = buildUserFields(fixture);
  const builder = new PortalBuilder(fixture, userFields);
  for (const lead of fixture.leads) builder.addExplicitLead(lead);
  for (const deal of fixture.deals) builder.addExplicitDeal(deal);
  if (fixture.generate) builder.generate(fixture.generate);
  return { fixture, statuses, userFields, ...builder.finish() };
}

function buildStatuses(fixture: PortalFixture): SandboxStatus[] {
  const taken = new Set<number>();
  const collect = (entry: { id?: number | undefined }) => {
    if (entry.id !== undefined) taken.add(entry.id);
  };
  fixture.dealPipelines.forEach((pipeline) => pipeline.stages.forEach(collect));
  fixture.leadStages.forEach(collect);
  fixture.sources.forEach(collect);
  fixture.dealTypes.forEach(collect);
  let next = 1;
  const nextId = (given: number | undefined) => {
    if (given !== undefined) return given;
    while (taken.has(next)) next += 1;
    taken.add(next);
    return next;
  };

  const stageEntries = (entityId: string, categoryId: number | null, stages: FixtureStage[]): SandboxStatus[] => {
    const sorted = [...stages].sort((a, b) => a.sort - b.sort);
    const firstFailure = sorted.find((stage) => stage.semantics === 'F');
    return sorted.map((stage, index) => ({
      id: nextId(stage.id),
      entityId,
      statusId: stage.statusId,
      name: stage.name,
      sort: stage.sort,
      system: index === 0 || stage.semantics === 'S' || stage === firstFailure,
      categoryId,
      color: stage.color.toUpperCase(),
      semantics: stage.semantics ?? null,
      extra: stage.semantics === 'S' ? 'success' : stage.semantics === 'F' ? (stage === firstFailure ? 'failure' : 'apology') : 'process',
    }));
  };
  const directory = (entityId: string, entries: PortalFixture['sources']): SandboxStatus[] =>
    entries.map((entry, index) => ({
      id: nextId(entry.id),
      entityId,
      statusId: entry.statusId,
      name: entry.name,
      sort: (index + 1) * 10,
      system: true,
      categoryId: null,
      color: null,
      semantics: null,
      extra: null,
    }));

  return [
    ...directory('SOURCE', fixture.sources),
    ...directory('DEAL_TYPE', fixture.dealTypes),
    ...stageEntries('STATUS', null, fixture.leadStages),
    ...fixture.dealPipelines.flatMap((pipeline) =>
      stageEntries(pipeline.id === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${pipeline.id}`, pipeline.id === 0 ? null : pipeline.id, pipeline.stages),
    ),
  ];
}

function buildUserFields(fixture: PortalFixture): SandboxUserField[] {
  const taken = new Set(fixture.dealFields.flatMap((field) => (field.id === undefined ? [] : [field.id])));
  let next = 101;
  return fixture.dealFields.map(({ label, id: given, ...field }) => {
    let fieldId = given;
    if (fieldId === undefined) {
      while (taken.has(next)) next += 1;
      fieldId = next;
      taken.add(next);
    }
    return { ...field, id: fieldId, labels: typeof label === 'string' ? { [fixture.portal.language]: label } : label };
  });
}

let demo: SandboxPortal | undefined;
/** The default portal (`mocks/fixtures/bitrix24-demo.json`), built once. */
export function demoPortal(): SandboxPortal {
  demo ??= buildSandboxPortal(demoFixture);
  return demo;
}
