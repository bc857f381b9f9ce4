import { z } from 'zod';

import demoFixture from '../../fixtures/amocrm-account.json';
import { validateFixture } from '../shared/fixture';
import { seededDice, type SeededDice } from '../shared/random';

/**
 * The sandbox amoCRM's account fixture: the JSON format `SANDBOX_AMOCRM_ACCOUNT` points at
 * (documented in the README), its validation, and the seeded generator that turns a few
 * lines of `generate` settings into a few hundred deals with status-change histories.
 * Pure: no file system, so the same code runs in Node, in MSW and in a browser.
 */

/** Lead custom-field types amoCRM allows on leads (docs/crm-apis.md §1.4). */
export const LEAD_FIELD_TYPES = [
  'text',
  'numeric',
  'checkbox',
  'select',
  'multiselect',
  'date',
  'url',
  'date_time',
  'textarea',
  'radiobutton',
  'streetaddress',
  'smart_address',
  'birthday',
  'legal_entity',
  'tracking_data',
  'chained_list',
  'monetary',
  'file',
] as const;
export type LeadFieldType = (typeof LEAD_FIELD_TYPES)[number];

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const unixTime = z.number().int().nonnegative();
const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: 'must be a hex colour like #99ccff' });

const statusSchema = z.object({
  id,
  name: z.string().min(1).max(255),
  sort: z.number().int(),
  color: hexColor,
  /** 1 = unsorted ("Неразобранное"), 0 = every other status, 142 and 143 included. */
  type: z.union([z.literal(0), z.literal(1)]).default(0),
});

const pipelineSchema = z.object({
  id,
  name: z.string().min(1).max(255),
  sort: z.number().int(),
  is_main: z.boolean().default(false),
  is_unsorted_on: z.boolean().default(true),
  is_archive: z.boolean().default(false),
  /** In CRM order; must include 142 and 143 (they repeat in every pipeline). At most 100. */
  statuses: z.array(statusSchema).min(3).max(100),
});

const enumSchema = z.object({
  id,
  value: z.string().min(1).max(255),
  sort: z.number().int().default(500),
  code: z.string().nullable().default(null),
});

const customFieldSchema = z.object({
  id,
  name: z.string().min(1).max(255),
  type: z.enum(LEAD_FIELD_TYPES),
  code: z.string().min(1).max(255).nullable().default(null),
  sort: z.number().int().default(500),
  enums: z.array(enumSchema).nullable().default(null),
  /** Monetary fields only, e.g. `RUB`. */
  currency: z.string().nullable().default(null),
  group_id: z.string().nullable().default(null),
  is_api_only: z.boolean().default(false),
  is_predefined: z.boolean().default(false),
  is_deletable: z.boolean().default(true),
});

const valueSchema = z.union([z.string(), z.number(), z.boolean()]);

const explicitLeadSchema = z.object({
  id,
  name: z.string().max(255),
  price: z.number().int().nonnegative().nullable().default(null),
  pipeline_id: id,
  status_id: id,
  created_at: unixTime,
  updated_at: unixTime.optional(),
  closed_at: unixTime.nullable().optional(),
  responsible_user_id: id.optional(),
  /** Values by field id; select fields take the enum's value text. */
  custom_fields_values: z.record(z.string().regex(/^\d+$/), z.array(valueSchema)).default({}),
  /** Earlier positions, oldest first; each becomes a `lead_status_changed` event. */
  history: z.array(z.object({ at: unixTime, pipeline_id: id, status_id: id })).default([]),
});

const fieldSpecSchema = z.object({
  /** Share of deals that get a value (0..1). */
  fill: z.number().min(0).max(1).default(0.7),
  /** Text-like fields: one of these. */
  oneOf: z.array(z.string()).min(1).optional(),
  /** Numeric/monetary fields: an integer in this range. */
  range: z.tuple([z.number(), z.number()]).optional(),
  /** Numeric/monetary fields: this share of the deal's amount, e.g. [0.4, 0.7]. */
  priceShare: z.tuple([z.number(), z.number()]).optional(),
  /** Text fields: a string of this many digits (e.g. a Yandex Metrica client id). */
  digits: z.number().int().min(1).max(30).optional(),
});

const generateSchema = z.object({
  seed: z.number().int(),
  /** How many deals to generate. */
  leads: z.number().int().min(0).max(20000),
  /** Creation dates fall in [from, to] (ISO dates). */
  from: z.iso.date(),
  to: z.iso.date(),
  firstLeadId: id.default(20000001),
  price: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).default([10000, 500000]),
  /** Deal names are "<product> — <company>". */
  companies: z.array(z.string()).min(1).default(['ООО «Ромашка»']),
  products: z.array(z.string()).min(1).default(['Сделка']),
  /** Per field (by code or id): how to fill it. Fields not listed get type-based defaults. */
  fields: z.record(z.string(), fieldSpecSchema).default({}),
});

export const accountFixtureSchema = z
  .object({
    account: z.object({
      id,
      name: z.string().min(1).max(255),
      subdomain: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'lowercase letters, digits and dashes' }),
      country: z.string().default('RU'),
      currency: z.string().default('RUB'),
      currency_symbol: z.string().default('₽'),
      created_at: unixTime.default(1690000000),
    }),
    /** The first user is the account owner and the one who grants access. */
    users: z.array(z.object({ id, name: z.string().min(1) })).min(1),
    pipelines: z.array(pipelineSchema).min(1).max(50),
    custom_fields: z.array(customFieldSchema).default([]),
    leads: z.array(explicitLeadSchema).default([]),
    generate: generateSchema.optional(),
  })
  .superRefine((fixture, ctx) => {
    const pipelineIds = new Set<number>();
    fixture.pipelines.forEach((pipeline, p) => {
      if (pipelineIds.has(pipeline.id)) ctx.addIssue({ code: 'custom', path: ['pipelines', p, 'id'], message: 'duplicate pipeline id' });
      pipelineIds.add(pipeline.id);
      const statusIds = new Set(pipeline.statuses.map((status) => status.id));
      if (statusIds.size !== pipeline.statuses.length) {
        ctx.addIssue({ code: 'custom', path: ['pipelines', p, 'statuses'], message: 'duplicate status id' });
      }
      for (const system of [142, 143]) {
        if (!statusIds.has(system)) {
          ctx.addIssue({ code: 'custom', path: ['pipelines', p, 'statuses'], message: `status ${system} is missing (every pipeline has 142 and 143)` });
        }
      }
      if (pipeline.statuses.filter((status) => status.type === 1).length > 1) {
        ctx.addIssue({ code: 'custom', path: ['pipelines', p, 'statuses'], message: 'at most one unsorted (type 1) status' });
      }
    });
    if (fixture.pipelines.filter((pipeline) => pipeline.is_main).length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['pipelines'], message: 'exactly one pipeline must have is_main: true' });
    }
    const fieldIds = new Set<number>();
    fixture.custom_fields.forEach((field, f) => {
      if (fieldIds.has(field.id)) ctx.addIssue({ code: 'custom', path: ['custom_fields', f, 'id'], message: 'duplicate field id' });
      fieldIds.add(field.id);
      const hasEnums = ['select', 'multiselect', 'radiobutton'].includes(field.type);
      if (hasEnums && !field.enums?.length) {
        ctx.addIssue({ code: 'custom', path: ['custom_fields', f, 'enums'], message: `${field.type} fields need enums` });
      }
    });
    fixture.leads.forEach((lead, l) => {
      const pipeline = fixture.pipelines.find((candidate) => candidate.id === lead.pipeline_id);
      if (!pipeline) ctx.addIssue({ code: 'custom', path: ['leads', l, 'pipeline_id'], message: 'unknown pipeline' });
      else if (!pipeline.statuses.some((status) => status.id === lead.status_id)) {
        ctx.addIssue({ code: 'custom', path: ['leads', l, 'status_id'], message: 'unknown status in this pipeline' });
      }
      for (const fieldId of Object.keys(lead.custom_fields_values)) {
        if (!fieldIds.has(Number(fieldId))) {
          ctx.addIssue({ code: 'custom', path: ['leads', l, 'custom_fields_values', fieldId], message: 'unknown field' });
        }
      }
    });
  });

export type AccountFixture = z.output<typeof accountFixtureSchema>;
export type AccountFixtureInput = z.input<typeof accountFixtureSchema>;
export type FixturePipeline = AccountFixture['pipelines'][number];
export type FixtureStatus = FixturePipeline['statuses'][number];
export type FixtureCustomField = AccountFixture['custom_fields'][number];

export interface SandboxLeadValue {
  fieldId: number;
  /** Plain values; for select fields, enum ids. */
  values: Array<string | number | boolean>;
}

export interface SandboxLead {
  id: number;
  name: string;
  price: number | null;
  pipelineId: number;
  statusId: number;
  responsibleUserId: number;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  values: SandboxLeadValue[];
}

export interface SandboxStatusChange {
  id: string;
  leadId: number;
  createdAt: number;
  createdBy: number;
  before: { pipelineId: number; statusId: number };
  after: { pipelineId: number; statusId: number };
}

/** A validated fixture with its deals and events materialized. */
export interface SandboxAccount {
  fixture: AccountFixture;
  leads: SandboxLead[];
  events: SandboxStatusChange[];
}

export class SandboxFixtureError extends Error {}

/** Validates a parsed fixture and generates its deals. Throws `SandboxFixtureError` naming each problem. */
export function buildSandboxAccount(input: unknown): SandboxAccount {
  const fixture = validateFixture(accountFixtureSchema, input, 'Invalid sandbox account fixture', (message) => new SandboxFixtureError(message));
  const leads: SandboxLead[] = [];
  const events: SandboxStatusChange[] = [];
  const eventIds = eventIdFactory(fixture.account.id);
  const owner = fixture.users[0]!.id;

  for (const lead of fixture.leads) {
    const fields = new Map(fixture.custom_fields.map((field) => [field.id, field]));
    const values: SandboxLeadValue[] = Object.entries(lead.custom_fields_values).map(([fieldId, raw]) => {
      const field = fields.get(Number(fieldId))!;
      return {
        fieldId: field.id,
        values: raw.map((value) => field.enums?.find((option) => option.value === value)?.id ?? value),
      };
    });
    const history = [...lead.history, { at: lead.updated_at ?? lead.created_at, pipeline_id: lead.pipeline_id, status_id: lead.status_id }];
    for (let i = 1; i < history.length; i += 1) {
      const before = history[i - 1]!;
      const after = history[i]!;
      events.push({
        id: eventIds(),
        leadId: lead.id,
        createdAt: after.at,
        createdBy: lead.responsible_user_id ?? owner,
        before: { pipelineId: before.pipeline_id, statusId: before.status_id },
        after: { pipelineId: after.pipeline_id, statusId: after.status_id },
      });
    }
    leads.push({
      id: lead.id,
      name: lead.name,
      price: lead.price,
      pipelineId: lead.pipeline_id,
      statusId: lead.status_id,
      responsibleUserId: lead.responsible_user_id ?? owner,
      createdAt: lead.created_at,
      updatedAt: lead.updated_at ?? lead.created_at,
      closedAt: lead.closed_at ?? null,
      values,
    });
  }

  if (fixture.generate) generateLeads(fixture, fixture.generate, leads, events, eventIds);
  leads.sort((a, b) => a.id - b.id);
  events.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  return { fixture, leads, events };
}

/** Event ids are strings in amoCRM (`01pz58t6p04ymgsgfbmfyfy1mf`): 26 base-36 characters here. */
function eventIdFactory(accountId: number): () => string {
  let counter = 0;
  return () => {
    counter += 1;
    return `01${accountId.toString(36)}${counter.toString(36).padStart(8, '0')}`.padEnd(26, '0');
  };
}

type GenerateSpec = NonNullable<AccountFixture['generate']>;
type FieldSpec = GenerateSpec['fields'][string];

const HOUR = 3600;

function generateLeads(
  fixture: AccountFixture,
  spec: GenerateSpec,
  leads: SandboxLead[],
  events: SandboxStatusChange[],
  nextEventId: () => string,
): void {
  const dice = seededDice(spec.seed);
  const { random, between, pick } = dice;
  const from = Date.parse(`${spec.from}T00:00:00Z`) / 1000;
  const to = Date.parse(`${spec.to}T23:59:59Z`) / 1000;
  // Active pipelines get the deals; the main one most of them.
  const active = fixture.pipelines.filter((pipeline) => !pipeline.is_archive);
  const pool = active.length > 0 ? active : fixture.pipelines;
  const weighted = pool.flatMap((pipeline) => Array<FixturePipeline>(pipeline.is_main ? 3 : 1).fill(pipeline));

  for (let i = 0; i < spec.leads; i += 1) {
    const pipeline = pick(weighted);
    const unsorted = pipeline.statuses.find((status) => status.type === 1);
    const regular = pipeline.statuses.filter((status) => status.type === 0 && status.id !== 142 && status.id !== 143);
    const createdAt = between(from, to);
    const responsible = pick(fixture.users).id;
    const leadId = spec.firstLeadId + i;

    // Walk the funnel: unsorted → regular stages in order → won (142) or lost (143), or stop open.
    const path: Array<{ statusId: number; at: number }> = [];
    let at = createdAt;
    if (unsorted && pipeline.is_unsorted_on && random() < 0.5) path.push({ statusId: unsorted.id, at });
    let closedAt: number | null = null;
    for (let stage = 0; stage < regular.length; stage += 1) {
      if (path.length > 0) at += between(HOUR, 6 * 24 * HOUR);
      if (at > to) break;
      path.push({ statusId: regular[stage]!.id, at });
      const roll = random();
      if (roll < 0.07) {
        at += between(HOUR, 5 * 24 * HOUR);
        if (at <= to) {
          path.push({ statusId: 143, at });
          closedAt = at;
        }
        break;
      }
      if (roll < 0.2) break; // still in progress here
      if (stage === regular.length - 1) {
        at += between(HOUR, 4 * 24 * HOUR);
        if (at <= to) {
          path.push({ statusId: random() < 0.8 ? 142 : 143, at });
          closedAt = at;
        }
      }
    }
    if (path.length === 0) path.push({ statusId: (unsorted ?? regular[0] ?? pipeline.statuses[0]!).id, at: createdAt });

    for (let step = 1; step < path.length; step += 1) {
      events.push({
        id: nextEventId(),
        leadId,
        createdAt: path[step]!.at,
        createdBy: responsible,
        before: { pipelineId: pipeline.id, statusId: path[step - 1]!.statusId },
        after: { pipelineId: pipeline.id, statusId: path[step]!.statusId },
      });
    }

    const price = Math.round(between(spec.price[0], spec.price[1]) / 1000) * 1000;
    const values: SandboxLeadValue[] = [];
    for (const field of fixture.custom_fields) {
      const fieldSpec = spec.fields[String(field.id)] ?? (field.code ? spec.fields[field.code] : undefined);
      const value = generateValue(field, fieldSpec, price, createdAt, dice);
      if (value) values.push({ fieldId: field.id, values: value });
    }

    leads.push({
      id: leadId,
      name: `${pick(spec.products)} — ${pick(spec.companies)}`,
      price,
      pipelineId: pipeline.id,
      statusId: path[path.length - 1]!.statusId,
      responsibleUserId: responsible,
      createdAt,
      updatedAt: path[path.length - 1]!.at,
      closedAt,
      values,
    });
  }
}

function generateValue(
  field: FixtureCustomField,
  spec: FieldSpec | undefined,
  price: number,
  createdAt: number,
  dice: SeededDice,
): Array<string | number | boolean> | null {
  const fill = spec?.fill ?? (field.type === 'tracking_data' ? 0.6 : 0.7);
  // Always draw, so adding a spec for one field does not reshuffle the others.
  const { random, between, pick } = dice;
  const roll = random();
  if (roll >= fill) return null;
  if (spec?.oneOf) return [pick(spec.oneOf)];
  if (spec?.digits) return [Array.from({ length: spec.digits }, (_, i) => (i === 0 ? between(1, 9) : between(0, 9))).join('')];
  if (spec?.priceShare) return [Math.round(price * (spec.priceShare[0] + random() * (spec.priceShare[1] - spec.priceShare[0])))];
  if (spec?.range) return [between(spec.range[0], spec.range[1])];
  switch (field.type) {
    case 'numeric':
      return [between(1, 100)];
    case 'monetary':
      return [Math.round(price * (0.2 + random() * 0.5))];
    case 'checkbox':
      return [random() < 0.5];
    case 'date':
    case 'date_time':
    case 'birthday':
      return [createdAt + between(0, 30) * 24 * HOUR];
    case 'select':
    case 'radiobutton':
      return [pick(field.enums ?? []).id];
    case 'multiselect': {
      const options = field.enums ?? [];
      const chosen = options.filter(() => random() < 0.4);
      return (chosen.length > 0 ? chosen : [pick(options)]).map((option) => option.id);
    }
    case 'url':
      return [`https://example-${between(1, 99)}.ru`];
    default:
      return [`${field.name} ${between(1, 999)}`];
  }
}

let demo: SandboxAccount | undefined;
/** The default account (`mocks/fixtures/amocrm-account.json`), built once. */
export function demoAccount(): SandboxAccount {
  demo ??= buildSandboxAccount(demoFixture);
  return demo;
}
