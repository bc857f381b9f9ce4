import { expect, type Locator, type Page } from '@playwright/test';

import type { CrmPipeline, CrmSchema } from '../../app/contracts/crm-schema';
import type { MappingConfig, PipelineMapping } from '../../app/contracts/mapping-config';
import { tap, whatCovers } from '../fixtures/touch';

import type { Texts } from './texts';
import { authorizeViaSandbox, readConfig, readSchema, saveCompleteMapping } from './wizard';

/**
 * Every page, step and dialog of the product in a state with data, reached the way a user
 * gets there: through the UI, or through the product's own API with `page.request` (the same
 * session cookie as the page) where the UI way is long and already covered by other specs.
 * Each function ends when the user sees the state (never after a fixed time). Account-agnostic:
 * the names come from the CRM schema, so the same walk runs on the demo account and on the
 * long-names account. Shared by visual.spec.ts and layout.spec.ts.
 */

/** What a user types in the walk (see `TEXT[lang].typed` and `LONG_TYPED`). */
export type Typed = Texts['typed'];

const touchPages = new WeakMap<Page, boolean>();
const coveredReports = new WeakMap<Page, (problem: string) => void>();

/**
 * For the layout check, whose job is to list every problem: a control that something covers
 * is reported through `report` and then pressed with the keyboard (Enter), so the walk goes
 * on instead of stopping at the first overlap.
 */
export function reportCoveredControls(page: Page, report: (problem: string) => void): void {
  coveredReports.set(page, report);
}

/** A tap on a touch screen, a click with a mouse: whatever this page's device does. */
export async function press(page: Page, target: Locator): Promise<void> {
  const report = coveredReports.get(page);
  if (report) {
    await expect(target).toBeVisible();
    let covered = 'on top';
    // Twice: the first look scrolls a covered control to the middle of the screen. A control
    // replaced by a re-render in between is simply looked up again.
    for (let look = 0; look < 3; look += 1) {
      try {
        await target.scrollIntoViewIfNeeded({ timeout: 2_000 });
        covered = await whatCovers(target);
      } catch {
        covered = 'on top';
        continue;
      }
      if (covered === 'on top' || look >= 1) break;
    }
    if (covered !== 'on top') {
      report(`${target.toString()} is ${covered}`);
      await target.press('Enter');
      return;
    }
  }
  let touch = touchPages.get(page);
  if (touch === undefined) {
    touch = await page.evaluate(() => navigator.maxTouchPoints > 0);
    touchPages.set(page, touch);
  }
  if (touch) await tap(target);
  else await target.click();
}

export const amoCard = (page: Page) => page.getByRole('article', { name: 'amoCRM' });

/** Merges `patch` into the saved configuration (a draft save, as the wizard's autosave does). */
export async function saveConfig(page: Page, patch: Partial<MappingConfig>): Promise<void> {
  const current = await readConfig(page);
  const response = await page.request.put('/api/connectors/amocrm/config', {
    headers: { 'If-Match': `"${current.body?.version ?? 0}"` },
    data: { ...(current.body?.config ?? { schemaVersion: 2, connector: 'amocrm' }), ...patch },
  });
  expect(response.ok(), await response.text()).toBe(true);
}

export const activePipelines = (schema: CrmSchema): CrmPipeline[] => schema.pipelines.filter((pipeline) => !pipeline.isArchive);

/** A container name taken from a status, as the product makes one (trimmed, at most 100 characters). */
const nameFrom = (text: string) => text.trim().slice(0, 100).trimEnd();

/**
 * The README's mapping: the unsorted and the first working status grouped in one container,
 * the next two in another, one status left unmapped, the won and the lost status each in a
 * container named after it, marked Completed deal and Refusal.
 */
export function mappingWithContainersAndMarkers(pipeline: CrmPipeline, typed: Typed): PipelineMapping {
  const ids = (kind: string) => pipeline.statuses.filter((status) => status.kind === kind);
  const regular = ids('regular');
  const won = ids('won')[0]!;
  const lost = ids('lost')[0]!;
  return {
    pipelineId: pipeline.id,
    containers: [
      { id: `first-${pipeline.id}`, name: typed.firstContainer, statusIds: [...ids('unsorted'), ...regular.slice(0, 1)].map((s) => s.id), marker: null },
      { id: `second-${pipeline.id}`, name: typed.secondContainer, statusIds: regular.slice(1, 3).map((s) => s.id), marker: null },
      { id: `won-${pipeline.id}`, name: nameFrom(won.name), statusIds: [won.id], marker: 'completed' },
      { id: `lost-${pipeline.id}`, name: nameFrom(lost.name), statusIds: [lost.id], marker: 'refusal' },
    ],
  };
}

/** The custom fields a user may choose (tracking fields are always transferred, so never offered). */
export const choosableFields = (schema: CrmSchema) => schema.customFields.filter((field) => !field.isTracking);

/** The money (else number) field the calculated field subtracts from the deal amount. */
export function costField(schema: CrmSchema) {
  const numeric = schema.customFields.filter((field) => field.isNumeric);
  return numeric.find((field) => field.type === 'monetary') ?? numeric[0]!;
}

/** The filter parameter of the first condition: LANDING when the account has it. */
export function filterParameters(schema: CrmSchema) {
  const custom = schema.filterParameters.filter((parameter) => parameter.group === 'custom');
  const first = custom.find((parameter) => parameter.key === 'LANDING') ?? custom[0]!;
  const second = custom.find((parameter) => parameter !== first) ?? schema.filterParameters.find((parameter) => parameter !== first)!;
  return { first, second };
}

// ——— Connectors and authorization ———

export async function showConnectors(page: Page, t: Texts, state: 'notConnected' | 'connected'): Promise<void> {
  await page.goto('/connectors');
  await expect(page.getByRole('heading', { level: 1, name: t.connectorsTitle })).toBeVisible();
  await expect(amoCard(page)).toContainText(t[state]);
  await expect(page.getByRole('article', { name: 'Bitrix24' })).toBeVisible();
}

/** On Connectors: Connect → "Connect amoCRM?". */
export async function pressConnect(page: Page, t: Texts): Promise<Locator> {
  await press(page, amoCard(page).getByRole('button', { name: t.connect, exact: true }));
  const dialog = page.getByRole('dialog', { name: t.connectDialog });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** In "Connect amoCRM?": Connect → the sandbox amoCRM's consent page. */
export async function confirmConnect(page: Page, t: Texts): Promise<void> {
  await press(page, page.getByRole('dialog', { name: t.connectDialog }).getByRole('button', { name: t.connect, exact: true }));
  await expect(page.getByRole('button', { name: 'Allow' })).toBeVisible();
}

/** On the consent page: Deny → the explained OAuth error with Try again. */
export async function denyAccess(page: Page, t: Texts): Promise<void> {
  await press(page, page.getByRole('button', { name: 'Deny' }));
  await expect(page).toHaveURL(/oauth_error=access_denied/);
  await expect(page.getByRole('alert').getByRole('heading', { name: t.authErrorTitle })).toBeVisible();
  await expect(page.getByRole('alert').getByRole('button', { name: t.tryAgain })).toBeVisible();
}

/** On the OAuth error: Try again → the consent page again. */
export async function tryAgain(page: Page, t: Texts): Promise<void> {
  await press(page, page.getByRole('alert').getByRole('button', { name: t.tryAgain }));
  await expect(page.getByRole('button', { name: 'Allow' })).toBeVisible();
}

/** On the consent page: the browser's Back button → "You came back before allowing access". */
export async function comeBackFromConsent(page: Page, t: Texts): Promise<void> {
  await page.goBack();
  await expect(page).toHaveURL(/\/setup\/amocrm\/authorize/);
  await expect(page.getByText(t.cameBack)).toBeVisible();
  await expect(page.getByRole('button', { name: t.continueToCrm })).toBeVisible();
}

export async function openConnectDialog(page: Page, t: Texts): Promise<Locator> {
  await showConnectors(page, t, 'notConnected');
  return pressConnect(page, t);
}

export async function openAuthorizationCameBack(page: Page, t: Texts): Promise<void> {
  await openConnectDialog(page, t);
  await confirmConnect(page, t);
  await comeBackFromConsent(page, t);
}

export async function openOAuthError(page: Page, t: Texts): Promise<void> {
  await openConnectDialog(page, t);
  await confirmConnect(page, t);
  await denyAccess(page, t);
}

/** The connected card's "⋯" menu (hover first with a mouse, as a person would; tap on a touch screen). */
export async function openConnectorMenu(page: Page, t: Texts): Promise<Locator> {
  const trigger = amoCard(page).getByRole('button', { name: t.connectorActions });
  if (!(await page.evaluate(() => navigator.maxTouchPoints > 0))) await amoCard(page).hover();
  await press(page, trigger);
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitem', { name: t.edit })).toBeVisible();
  return menu;
}

// ——— Filter ———

/** Filter with one condition (its Add button, a value), or two (the second "is not empty"). All saved. */
export async function openFilterWithConditions(page: Page, t: Texts, typed: Typed, count: 1 | 2 = 1): Promise<void> {
  await authorizeViaSandbox(page);
  const schema = await readSchema(page);
  await page.goto('/setup/amocrm/filter');
  await expect(page.getByRole('heading', { level: 2, name: t.filterTitle })).toBeVisible();
  const { first, second } = filterParameters(schema);
  await press(page, page.getByRole('button', { name: t.addCondition(first.name), exact: true }));
  const condition = page.getByRole('group', { name: t.condition(1, first.name), exact: true });
  await condition.getByRole('textbox', { name: t.value }).fill(typed.filterValue);
  if (count === 2) {
    await press(page, page.getByRole('button', { name: t.addCondition(second.name), exact: true }));
    const next = page.getByRole('group', { name: t.condition(2, second.name), exact: true });
    await next.getByRole('combobox', { name: t.comparison }).selectOption('is_not_empty');
  }
  await expect(page.getByText(t.saved)).toBeVisible();
  await expect.poll(async () => ((await readConfig(page)).body?.config as MappingConfig | undefined)?.filter.conditions.length).toBe(count);
  // The deals that match, counted once the deals' snapshot is in.
  await expect(page.getByTestId('filter-match-count')).toBeVisible();
}

// ——— Mapping ———

/** Mapping → Statuses of the first pipeline: grouped containers, markers, one status unmapped. */
export async function openMappingStatuses(page: Page, t: Texts, typed: Typed): Promise<CrmPipeline> {
  await authorizeViaSandbox(page);
  const pipeline = activePipelines(await readSchema(page))[0]!;
  await saveConfig(page, { pipelines: [mappingWithContainersAndMarkers(pipeline, typed)] });
  await page.goto(`/setup/amocrm/mapping?pipeline=${pipeline.id}`);
  await expect(page.getByRole('tab', { name: t.statusesTab })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('group', { name: typed.firstContainer, exact: true })).toBeVisible();
  await expect(page.getByRole('group', { name: t.unmapped })).toBeVisible();
  // The live funnel, computed once the deals' snapshot is in.
  await expect(page.getByTestId('funnel-panel').getByRole('table').first()).toBeVisible();
  return pipeline;
}

/** A status's "Move to…" menu, opened (on the status left in the unmapped list). */
export async function openMoveToMenu(page: Page, t: Texts, pipeline: CrmPipeline): Promise<Locator> {
  const left = pipeline.statuses.filter((status) => status.kind === 'regular')[3] ?? pipeline.statuses[0]!;
  await press(page, page.getByRole('button', { name: t.moveTo(left.name), exact: true }));
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitem').first()).toBeVisible();
  return menu;
}

/** Mapping → Custom fields with two fields chosen by their Add buttons. All saved. */
export async function openMappingFields(page: Page, t: Texts): Promise<void> {
  await authorizeViaSandbox(page);
  const fields = choosableFields(await readSchema(page)).slice(0, 2);
  await page.goto('/setup/amocrm/mapping?section=fields');
  await expect(page.getByRole('tab', { name: t.fieldsTab })).toHaveAttribute('aria-selected', 'true');
  for (const field of fields) await press(page, page.getByRole('button', { name: t.addToOther(field.name), exact: true }));
  const other = page.getByRole('group', { name: t.otherFields });
  for (const field of fields) await expect(other.getByRole('button', { name: field.name, exact: true })).toBeVisible();
  await expect(page.getByText(t.saved)).toBeVisible();
}

// ——— Calculation ———

/** Calculation with one calculated field (deal amount − cost), valid, its preview shown. All saved. */
export async function openCalculationWithField(page: Page, t: Texts, typed: Typed): Promise<void> {
  await authorizeViaSandbox(page);
  await saveCompleteMapping(page);
  const cost = costField(await readSchema(page));
  await page.goto('/setup/amocrm/calculation');
  await expect(page.getByRole('heading', { level: 2, name: t.calculationTitle })).toBeVisible();
  await press(page, page.getByRole('button', { name: t.addCalculated(t.dealAmount), exact: true }));
  await page.getByRole('group', { name: t.calculatedField(1), exact: true }).getByRole('textbox', { name: t.name }).fill(typed.calculated);
  const field = page.getByRole('group', { name: t.calculatedFieldNamed(1, typed.calculated), exact: true });
  const expression = field.getByRole('textbox', { name: t.expression });
  await expression.fill(`{price} - {cf:${cost.id}}`);
  await expect(expression).toHaveAccessibleDescription(t.expressionValid);
  await expect(field.getByRole('table', { name: t.preview }).getByRole('row')).not.toHaveCount(0);
  await expect(field.getByTestId('calculated-totals')).toBeVisible();
  await expect(page.getByText(t.saved)).toBeVisible();
  // Typing leaves the caret in the expression; the user's next step starts from here.
  await expression.blur();
}

/** From the calculation step: a second field started but not named, then Back: "Leave without saving?". */
export async function openLeaveDialog(page: Page, t: Texts): Promise<Locator> {
  await press(page, page.getByRole('button', { name: t.addCalculated(t.dealAmount), exact: true }));
  await expect(page.getByRole('group', { name: t.calculatedField(2), exact: true })).toBeVisible();
  await press(page, page.getByRole('button', { name: t.back, exact: true }));
  const dialog = page.getByRole('alertdialog', { name: t.leaveTitle });
  await expect(dialog).toBeVisible();
  return dialog;
}

// ——— Done and connected ———

/**
 * Authorized, every pipeline mapped, a filter condition, two custom fields and a calculated
 * field saved and the connector activated through the API: what the wizard leaves behind.
 */
export async function connectWithEverything(page: Page, typed: Typed): Promise<void> {
  await authorizeViaSandbox(page);
  const schema = await readSchema(page);
  const { first } = filterParameters(schema);
  await saveCompleteMapping(page, {
    filter: { match: 'all', conditions: [{ field: first.key, action: 'include', operator: 'equals', value: typed.filterValue }] },
    customFields: { otherFields: choosableFields(schema).slice(0, 2).map((field) => field.id) },
    calculatedFields: [{ id: 'calc-1', name: typed.calculated, expression: `{price} - {cf:${costField(schema).id}}` }],
  });
  const activated = await page.request.post('/api/connectors/amocrm/activate');
  expect(activated.ok(), await activated.text()).toBe(true);
}

export async function openDone(page: Page, t: Texts, typed: Typed): Promise<void> {
  await connectWithEverything(page, typed);
  await page.goto('/setup/amocrm/done');
  await expect(page.getByRole('heading', { name: t.doneTitle })).toBeVisible();
  await expect(page.getByTestId('funnel-summary').getByRole('table')).toBeVisible();
}
