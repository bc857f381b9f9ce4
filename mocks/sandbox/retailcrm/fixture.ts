import { z } from 'zod';

import demoFixture from '../../fixtures/retailcrm-demo.json';
import { validateFixture } from '../shared/fixture';
import { seededDice } from '../shared/random';

/**
 * The sandbox RetailCRM's shop (`SANDBOX_RETAILCRM_ACCOUNT`, default `mocks/fixtures/retailcrm-demo.json`):
 * the account (its subdomain, currency and API key), its sites, its status groups with their
 * statuses (each in `ordering` order), the order custom fields, and the orders — listed in
 * `orders` with their status paths, or generated from a seed (`generate`), or both. Every order's
 * status history (the `orders/history` entries: one creation entry, then one per status change)
 * follows from its path.
 */

/** RetailCRM's status and group codes and custom field codes: lower-case letters, digits, `-` and `_`. */
const code = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'must be a code: a-z, 0-9, - and _' });
const dateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/, { message: 'must be Y-m-d or Y-m-d H:i:s (Moscow time)' });

export const CUSTOM_FIELD_TYPES = ['boolean', 'date', 'datetime', 'dictionary', 'email', 'integer', 'multiselect_dictionary', 'numeric', 'string', 'text'] as const;

/** The scopes a new key has unless the fixture says otherwise (a read-only connector's, and more). */
export const DEFAULT_SCOPES = ['order_read', 'reference_read', 'custom_fields_read', 'customer_read', 'user_read'] as const;

const statusSchema = z.object({ code, name: z.string().min(1).max(255), ordering: z.number().int(), active: z.boolean().default(true) });

const groupSchema = z.object({
  code,
  name: z.string().min(1).max(255),
  ordering: z.number().int(),
  process: z.boolean().default(true),
  active: z.boolean().default(true),
  statuses: z.array(statusSchema).min(1),
});

const orderSchema = z.object({
  id: z.number().int().positive(),
  number: z.string().min(1).max(64).optional(),
  site: code.optional(),
  /** The statuses the order went through, the first being its status at creation: `[{ status, at }]`. */
  path: z.array(z.object({ status: code, at: dateTime })).min(1),
  totalSumm: z.number().min(0),
  customFields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

export const shopFixtureSchema = z
  .object({
    account: z.object({
      subdomain: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/),
      currency: z.string().regex(/^[A-Z]{3}$/),
      /** The API key that reads everything (its scopes: `scopes`, default `DEFAULT_SCOPES`). */
      apiKey: z.string().min(16).max(128),
      scopes: z.array(z.string()).optional(),
    }),
    sites: z.array(z.object({ code, name: z.string().min(1).max(255), currency: z.string().regex(/^[A-Z]{3}$/) })).min(1),
    statusGroups: z.array(groupSchema).min(1),
    customFields: z
      .array(z.object({ code, name: z.string().min(1).max(255), type: z.enum(CUSTOM_FIELD_TYPES), ordering: z.number().int().default(0) }))
      .default([]),
    orders: z.array(orderSchema).default([]),
    generate: z
      .object({
        orders: z.number().int().min(0).max(20_000),
        seed: z.number().int().min(0),
        from: dateTime,
        to: dateTime,
      })
      .optional(),
  })
  .superRefine((fixture, ctx) => {
    const statuses = new Set<string>();
    fixture.statusGroups.forEach((group, g) =>
      group.statuses.forEach((status, s) => {
        if (statuses.has(status.code)) ctx.addIssue({ code: 'custom', path: ['statusGroups', g, 'statuses', s, 'code'], message: `status ${status.code} twice` });
        statuses.add(status.code);
      }),
    );
    const sites = new Set(fixture.sites.map((site) => site.code));
    const ids = new Set<number>();
    fixture.orders.forEach((order, o) => {
      if (ids.has(order.id)) ctx.addIssue({ code: 'custom', path: ['orders', o, 'id'], message: `order ${order.id} twice` });
      ids.add(order.id);
      if (order.site && !sites.has(order.site)) ctx.addIssue({ code: 'custom', path: ['orders', o, 'site'], message: `unknown site ${order.site}` });
      order.path.forEach((step, p) => {
        if (!statuses.has(step.status)) ctx.addIssue({ code: 'custom', path: ['orders', o, 'path', p, 'status'], message: `unknown status ${step.status}` });
      });
    });
  });

export type ShopFixtureInput = z.input<typeof shopFixtureSchema>;
export type ShopFixture = z.output<typeof shopFixtureSchema>;

export interface SandboxStatus {
  code: string;
  name: string;
  ordering: number;
  active: boolean;
  group: string;
}

export interface SandboxStatusGroup {
  code: string;
  name: string;
  ordering: number;
  process: boolean;
  active: boolean;
  statuses: string[];
}

export interface SandboxOrder {
  id: number;
  number: string;
  site: string;
  status: string;
  /** Unix ms. */
  createdAt: number;
  statusUpdatedAt: number;
  totalSumm: number;
  currency: string;
  customFields: Record<string, string | number | boolean>;
}

/** One `orders/history` entry: the creation (oldStatus null) or a status change. */
export interface SandboxHistoryEntry {
  id: number;
  orderId: number;
  /** Unix ms. */
  createdAt: number;
  oldStatus: string | null;
  newStatus: string;
}

export interface SandboxShop {
  fixture: ShopFixture;
  statuses: SandboxStatus[];
  groups: SandboxStatusGroup[];
  /** By id, ascending. */
  orders: SandboxOrder[];
  /** By id (= time), ascending. */
  history: SandboxHistoryEntry[];
}

export class SandboxShopFixtureError extends Error {}

/** RetailCRM writes date-times in the account's time; the sandbox's accounts are in Moscow (UTC+3, no DST). */
export const SHOP_UTC_OFFSET_MS = 3 * 3600_000;

export function parseShopTime(text: string): number {
  const [date = '', time = '00:00:00'] = text.split(' ');
  return Date.parse(`${date}T${time}Z`) - SHOP_UTC_OFFSET_MS;
}

export function formatShopTime(ms: number): string {
  return new Date(ms + SHOP_UTC_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function formatShopDate(ms: number): string {
  return formatShopTime(ms).slice(0, 10);
}

/** Generated orders: a walk through the process groups, ending completed, cancelled or still open. */
function generatedOrders(fixture: ShopFixture, firstId: number): Array<z.output<typeof orderSchema>> {
  const spec = fixture.generate;
  if (!spec || spec.orders === 0) return [];
  const dice = seededDice(spec.seed);
  const groups = [...fixture.statusGroups].sort((a, b) => a.ordering - b.ordering);
  const byOrdering = (group: (typeof groups)[number]) => [...group.statuses].sort((a, b) => a.ordering - b.ordering);
  const first = groups[0] ? byOrdering(groups[0])[0]?.code : undefined;
  const process = groups.filter((group) => group.process).flatMap((group) => byOrdering(group).slice(0, 2).map((status) => status.code));
  const won = groups.find((group) => group.code === 'complete');
  const lost = groups.find((group) => group.code === 'cancel');
  const from = parseShopTime(spec.from);
  const to = parseShopTime(spec.to);
  const step = (to - from) / spec.orders;
  const sites = fixture.sites.map((site) => site.code);
  const sources = ['yandex', 'google', 'vk', 'email'];
  const orders: Array<z.output<typeof orderSchema>> = [];
  for (let i = 0; i < spec.orders; i += 1) {
    const createdAt = Math.round(from + i * step + dice.between(0, Math.max(0, Math.floor(step) - 1)));
    const path = [{ status: first ?? process[0] ?? 'new', at: formatShopTime(createdAt) }];
    let at = createdAt;
    const depth = dice.between(0, process.length);
    for (const status of process.slice(0, depth)) {
      at += dice.between(1, 48) * 3600_000;
      path.push({ status, at: formatShopTime(at) });
    }
    const ending = dice.random();
    if (won && depth >= process.length - 1 && ending < 0.75) {
      at += dice.between(1, 72) * 3600_000;
      path.push({ status: byOrdering(won)[0]!.code, at: formatShopTime(at) });
    } else if (lost && ending < 0.45) {
      at += dice.between(1, 72) * 3600_000;
      path.push({ status: dice.pick(byOrdering(lost)).code, at: formatShopTime(at) });
    }
    const totalSumm = dice.between(8, 600) * 100;
    const customFields: Record<string, string | number | boolean> = {};
    for (const field of fixture.customFields) {
      if (dice.random() < 0.2) continue; // empty fields are not returned at all
      if (field.code === 'utm_source') customFields[field.code] = dice.pick(sources);
      else if (field.code === 'utm_medium') customFields[field.code] = dice.pick(['cpc', 'organic', 'social']);
      else if (field.code === 'utm_campaign') customFields[field.code] = dice.pick(['autumn_sale', 'brand', 'retargeting']);
      else if (field.type === 'numeric') customFields[field.code] = Math.round(totalSumm * dice.between(5, 40)) / 100;
      else if (field.type === 'integer') customFields[field.code] = dice.between(1, 9);
      else if (field.type === 'boolean') customFields[field.code] = dice.random() < 0.3;
      else if (field.type === 'string' || field.type === 'text') customFields[field.code] = dice.pick(['/sale', '/catalog/sofas', '/promo/autumn', '/']);
    }
    orders.push({ id: firstId + i, site: dice.pick(sites), path, totalSumm, customFields });
  }
  return orders;
}

/** Validates a fixture and builds the shop the sandbox serves. */
export function buildSandboxShop(input: unknown): SandboxShop {
  const fixture = validateFixture(shopFixtureSchema, input, 'The sandbox RetailCRM shop fixture is not valid', (message) => new SandboxShopFixtureError(message));
  const groups = [...fixture.statusGroups].sort((a, b) => a.ordering - b.ordering);
  const statuses: SandboxStatus[] = groups.flatMap((group) =>
    [...group.statuses].sort((a, b) => a.ordering - b.ordering).map((status) => ({ ...status, group: group.code })),
  );
  const firstGenerated = Math.max(1000, ...fixture.orders.map((order) => order.id + 1));
  const listed = [...fixture.orders, ...generatedOrders(fixture, firstGenerated)].sort((a, b) => a.id - b.id);
  const changes: Array<Omit<SandboxHistoryEntry, 'id'>> = [];
  const orders: SandboxOrder[] = listed.map((order) => {
    const times = order.path.map((step) => parseShopTime(step.at));
    order.path.forEach((step, index) =>
      changes.push({ orderId: order.id, createdAt: times[index]!, oldStatus: index === 0 ? null : order.path[index - 1]!.status, newStatus: step.status }),
    );
    return {
      id: order.id,
      number: order.number ?? `${order.id}A`,
      site: order.site ?? fixture.sites[0]!.code,
      status: order.path.at(-1)!.status,
      createdAt: times[0]!,
      statusUpdatedAt: times.at(-1)!,
      totalSumm: order.totalSumm,
      currency: fixture.account.currency,
      customFields: order.customFields,
    };
  });
  const history = changes
    .sort((a, b) => a.createdAt - b.createdAt || a.orderId - b.orderId)
    .map((change, index) => ({ ...change, id: 5000 + index }));
  return {
    fixture,
    statuses,
    groups: groups.map((group) => ({
      code: group.code,
      name: group.name,
      ordering: group.ordering,
      process: group.process,
      active: group.active,
      statuses: [...group.statuses].sort((a, b) => a.ordering - b.ordering).map((status) => status.code),
    })),
    orders,
    history,
  };
}

/** The demo shop (`mocks/fixtures/retailcrm-demo.json`). */
export function demoShop(): SandboxShop {
  return buildSandboxShop(demoFixture);
}
