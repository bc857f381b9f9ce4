import { expect, test, type Page } from '@playwright/test';

import { dragByKeyboard, dragByMouse } from './fixtures/dnd';
import {
  authorizeViaSandbox,
  expectNoSeriousViolations,
  readConfig,
  readConnector,
  saveCompleteMapping,
} from './helpers/wizard';

const parameters = (page: Page) => page.getByRole('region', { name: 'Parameters' });
const conditions = (page: Page) => page.getByRole('region', { name: 'Conditions' });

test.describe('the filter step', () => {
  test.beforeEach(async ({ page }) => {
    await authorizeViaSandbox(page);
    await page.goto('/setup/amocrm/filter');
    await expect(page.getByRole('heading', { level: 2, name: 'Data filtering' })).toBeVisible();
  });

  test('a parameter becomes a condition by pointer drag, keyboard drag, double-click or Add; Next saves', async ({ page }) => {
    await expectNoSeriousViolations(page);

    // Pointer drag (past the activation distance), onto the conditions area.
    await dragByMouse(page, parameters(page).getByRole('button', { name: 'LANDING', exact: true }), conditions(page));
    await expect(page.getByRole('group', { name: 'Condition 1: LANDING' })).toBeVisible();

    // Keyboard drag: Space, Right arrow to the conditions, Space.
    await dragByKeyboard(page, parameters(page).getByRole('button', { name: 'utm_source', exact: true }), ['ArrowRight']);
    await expect(page.getByRole('group', { name: 'Condition 2: utm_source' })).toBeVisible();

    // A keyboard drag cancelled with Left (back home) adds nothing.
    await dragByKeyboard(page, parameters(page).getByRole('button', { name: 'utm_medium', exact: true }), ['ArrowRight', 'ArrowLeft']);
    await expect(conditions(page).getByRole('group')).toHaveCount(2);

    // Search, then the Add button (the non-drag alternative).
    await parameters(page).getByRole('searchbox', { name: 'Search parameters' }).fill('utm_camp');
    await parameters(page).getByRole('button', { name: 'Add utm_campaign as a condition' }).click();
    await expect(page.getByRole('group', { name: 'Condition 3: utm_campaign' })).toBeVisible();
    await parameters(page).getByRole('searchbox', { name: 'Search parameters' }).fill('');

    const first = page.getByRole('group', { name: 'Condition 1: LANDING' });
    await first.getByRole('textbox', { name: 'Value' }).fill('site-42');
    const second = page.getByRole('group', { name: 'Condition 2: utm_source' });
    await second.getByRole('combobox', { name: 'Include or exclude' }).selectOption({ label: 'Exclude' });
    await second.getByRole('combobox', { name: 'Comparison' }).selectOption({ label: 'Is empty' });
    await expect(second.getByRole('textbox', { name: 'Value' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Remove condition 3: utm_campaign' }).click();
    await page.getByRole('radio', { name: 'Any condition' }).click();
    await expectNoSeriousViolations(page);

    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/mapping(\?|$)/);
    const { body } = await readConfig(page);
    expect(body?.config.filter).toEqual({
      match: 'any',
      conditions: [
        { field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' },
        { field: expect.stringContaining('UTM_SOURCE') as unknown as string, action: 'exclude', operator: 'is_empty', value: '' },
      ],
    });
  });

  test('an empty value is explained; the draft is kept, so Skip moves on without losing it', async ({ page }) => {
    await parameters(page).getByRole('button', { name: 'LANDING', exact: true }).dblclick();
    await page.getByRole('button', { name: 'Next' }).click();
    const value = page.getByRole('group', { name: 'Condition 1: LANDING' }).getByRole('textbox', { name: 'Value' });
    await expect(value).toBeFocused();
    await expect(value).toHaveAccessibleDescription('Enter a value, or choose “Is empty” / “Is not empty”.');
    await expectNoSeriousViolations(page);

    // Nothing typed is lost: the condition was saved as a draft, so Skip neither asks nor drops it.
    await page.getByRole('button', { name: 'Skip' }).click();
    await expect(page).toHaveURL(/\/mapping(\?|$)/);
    await expect.poll(async () => (await readConfig(page)).body?.config.filter).toEqual({
      match: 'all',
      conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: '' }],
    });
  });
});

test.describe('the calculation step', () => {
  test.beforeEach(async ({ page }) => {
    await authorizeViaSandbox(page);
    await saveCompleteMapping(page);
    await page.goto('/setup/amocrm/calculation');
    await expect(page.getByRole('heading', { level: 2, name: 'Calculation' })).toBeVisible();
  });

  test('drag a field in, name it, complete the expression with errors as you type, preview, Next → Done → Connected', async ({ page }) => {
    await expectNoSeriousViolations(page);
    const numeric = page.getByRole('list', { name: 'Numeric fields' });

    // Pointer drag of the deal amount onto "new calculated field".
    // The drop place for a new field (its text changes while dragging, so it is found by its data attribute).
    await dragByMouse(page, numeric.getByRole('button', { name: 'Deal amount', exact: true }), page.locator('[data-calc-new-zone]'));
    const card = page.getByRole('group', { name: 'Calculated field 1' });
    await expect(card.getByRole('textbox', { name: 'Expression' })).toHaveValue('{price}');
    await card.getByRole('textbox', { name: 'Name' }).fill('Margin');

    const expression = page.getByRole('group', { name: 'Calculated field 1: Margin' }).getByRole('textbox', { name: 'Expression' });
    await expression.press('End');
    await page.keyboard.type(' / 0');
    await expect(expression).toHaveAccessibleDescription(/Division by zero at position 11/);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(' - {cf:424242}');
    await expect(expression).toHaveAccessibleDescription(/Field \{cf:424242\} at position 11 does not exist in the CRM/);
    await expectNoSeriousViolations(page);
    await expression.fill('{price} - ');
    await expression.press('End');

    // Keyboard drag of a monetary field into the existing calculated field (inserted at the caret).
    await dragByKeyboard(page, numeric.getByRole('button', { name: 'Себестоимость', exact: true }), ['ArrowRight']);
    await expect(expression).toHaveValue(/^\{price\} - \{cf:\d+\}$/);
    const margin = page.getByRole('group', { name: 'Calculated field 1: Margin' });
    await expect(margin).toContainText('Reads as: Deal amount − Себестоимость');
    await expect(expression).toHaveAccessibleDescription(/The expression is valid\./);
    const preview = margin.getByRole('table', { name: 'Preview on sample deals from amoCRM' });
    await expect(preview.getByRole('row')).not.toHaveCount(0);
    await expect(preview.getByRole('cell').filter({ hasText: /\d/ }).first()).toBeVisible();
    await expectNoSeriousViolations(page);

    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/done$/);
    await expect(page.getByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeVisible();
    await expectNoSeriousViolations(page);
    const { body } = await readConfig(page);
    expect(body?.config.calculatedFields).toEqual([{ id: expect.any(String) as unknown as string, name: 'Margin', expression: expect.stringMatching(/^\{price\} - \{cf:\d+\}$/) as unknown as string }]);

    await page.getByRole('link', { name: 'Go to Connectors' }).click();
    await expect(page.getByRole('article', { name: 'amoCRM' }).getByText('Connected', { exact: true })).toBeVisible();
    expect((await readConnector(page))?.state).toBe('connected');
  });

  test('activation problems are listed with links to the step that fixes them', async ({ page }) => {
    // A filter condition without a value is saved as a draft, but stops activation.
    await saveCompleteMapping(page, { filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: '' }] } });
    await page.reload();
    await page.getByRole('button', { name: 'Next' }).click();
    const problems = page.getByRole('region', { name: 'A few things are missing before amoCRM can be connected' });
    await expect(problems).toBeVisible();
    await expect(problems.getByRole('listitem')).toHaveText(['Filter condition 1 (LANDING) has no value. Fix in Filter']);
    await expectNoSeriousViolations(page);
    await problems.getByRole('link', { name: 'Fix in Filter' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);
    await expect(page.getByRole('group', { name: 'Condition 1: LANDING' })).toBeVisible();
  });
});
