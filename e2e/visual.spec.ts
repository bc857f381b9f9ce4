import path from 'node:path';

import { expect, test, type Page } from '@playwright/test';

import {
  amoCard,
  comeBackFromConsent,
  confirmConnect,
  denyAccess,
  openCalculationWithField,
  openConnectDialog,
  openConnectorMenu,
  openDone,
  openLeaveDialog,
  openMappingFields,
  openMappingStatuses,
  openFilterWithConditions,
  press,
  showConnectors,
} from './helpers/states';
import { LANGS, LOCALE, TEXT } from './helpers/texts';

/**
 * Visual regression: a screenshot of every page, step and dialog with data, in Russian and
 * English, compared with the committed baseline in e2e/__screenshots__/visual.spec.ts/<project>/.
 * Runs in the projects `phone` (390×844, touch), `tablet` (768×1024, touch) and `desktop`
 * (1440×900): 12 screenshots × 2 languages × 3 widths = 72 baselines.
 *
 * Every test starts in a fresh browser context, which is a fresh workspace (the session
 * cookie), and reaches its state as a user would (see helpers/states.ts). Comparisons are soft,
 * so one test reports all of its screenshots. Still frames (`animations: 'disabled'`, no caret,
 * `maxDiffPixelRatio: 0.002`: the config's `expect.toHaveScreenshot`), fonts loaded (Playwright
 * waits for `document.fonts.ready`), and anything that would differ between runs masked.
 *
 * Update the baselines on purpose with `npm run test:e2e:update-screenshots`, in the Debian
 * Chromium CI uses. `UPDATE_README_SCREENSHOTS=1` also rewrites the README's screenshots
 * (public/screenshots/mapping-step.png from desktop, mapping-phone.png from phone).
 */

/** Content that differs between runs: times and dates (none shown today; kept masked if they appear). */
const volatile = (page: Page) => [page.locator('time, [datetime]')];

/**
 * A page wider than a phone's screen makes the phone zoom out a little, and not always at the
 * same moment, so its screenshots can differ from run to run (843 instead of 844 px high). The
 * test is annotated with the cause, so a pixel diff there comes with its explanation
 * (layout.spec.ts, on wip/layout-check, lists the elements that stick out).
 */
async function noteSidewaysZoom(page: Page, name: string): Promise<void> {
  if (!test.info().project.use.isMobile) return;
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  if (scrollWidth > clientWidth) {
    test.info().annotations.push({
      type: 'warning',
      description: `${name}: the page is wider than the screen (${scrollWidth} > ${clientWidth} px), so a phone zooms out and the screenshot may not be stable`,
    });
  }
}

/** A whole page (scrolled from top to bottom). With a mouse, parked where it hovers nothing. */
async function expectPage(page: Page, name: string, hasTouch: boolean): Promise<void> {
  if (!hasTouch) await page.mouse.move(0, 0);
  await noteSidewaysZoom(page, name);
  await expect.soft(page, `screenshot ${name}`).toHaveScreenshot(`${name}.png`, { fullPage: true, mask: volatile(page) });
}

/** What the screen shows (dialogs and menus: they overlay the viewport, not the page). */
async function expectScreen(page: Page, name: string): Promise<void> {
  await noteSidewaysZoom(page, name);
  await expect.soft(page, `screenshot ${name}`).toHaveScreenshot(`${name}.png`, { mask: volatile(page) });
}

const README_SCREENSHOTS = process.env.UPDATE_README_SCREENSHOTS === '1';
const readmeScreenshot = (file: string) => path.join(test.info().project.testDir, '..', 'public', 'screenshots', file);

for (const lang of LANGS) {
  const t = TEXT[lang];
  const typed = t.typed;

  test.describe(`${lang}:`, () => {
    test.use({ locale: LOCALE[lang] });
    test.describe.configure({ timeout: 90_000 });

    test('Connectors (available) and the Connect dialog', async ({ page, hasTouch }) => {
      await showConnectors(page, t, 'notConnected');
      // The touch projects really are touch screens: the coarse-pointer styles apply.
      expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(hasTouch);
      await expectPage(page, `${lang}-connectors-available`, hasTouch);
      await openConnectDialog(page, t);
      await expectScreen(page, `${lang}-connect-dialog`);
    });

    test('Authorization: back from the consent page, and the OAuth error', async ({ page, hasTouch }) => {
      await openConnectDialog(page, t);
      await confirmConnect(page, t);
      await comeBackFromConsent(page, t);
      await expectPage(page, `${lang}-authorize-came-back`, hasTouch);
      await press(page, page.getByRole('button', { name: t.continueToCrm }));
      await denyAccess(page, t);
      await expectPage(page, `${lang}-authorize-oauth-error`, hasTouch);
    });

    test('RetailCRM: the API-key form with its sandbox note, and a wrong key refused on its field', async ({ page, hasTouch }) => {
      await showConnectors(page, t, 'notConnected');
      await press(page, page.getByRole('article', { name: 'RetailCRM' }).getByRole('button', { name: t.connect, exact: true }));
      await press(page, page.getByRole('dialog', { name: t.apiKey.dialog }).getByRole('button', { name: t.connect, exact: true }));
      const note = page.getByRole('region', { name: t.apiKey.sandbox });
      await expect(note.locator('code')).toHaveCount(2);
      const [address, key] = await note.locator('code').allTextContents();
      // The sandbox's address carries the port this run chose: the note shows the default one in
      // the screenshot, and the field holding the real one is masked.
      const steadyAddress = () => note.locator('code').first().evaluate((code) => (code.textContent = 'http://127.0.0.1:8803'));
      const addressField = page.getByRole('textbox', { name: t.apiKey.address });
      await steadyAddress();
      await expectPage(page, `${lang}-authorize-api-key`, hasTouch);
      await addressField.fill(address!);
      await page.getByLabel(t.apiKey.key, { exact: true }).fill(`${key}x`);
      await press(page, page.getByRole('button', { name: t.apiKey.submit }));
      await expect(page.getByText(t.apiKey.wrongKey)).toBeVisible();
      await steadyAddress();
      if (!hasTouch) await page.mouse.move(0, 0);
      await expect.soft(page, `screenshot ${lang}-authorize-api-key-refused`).toHaveScreenshot(`${lang}-authorize-api-key-refused.png`, { fullPage: true, mask: [addressField] });
    });

    test('Filter with a condition', async ({ page, hasTouch }) => {
      await openFilterWithConditions(page, t, typed);
      await expectPage(page, `${lang}-filter-condition`, hasTouch);
    });

    test('Mapping → Statuses with containers and markers', async ({ page, hasTouch }, testInfo) => {
      await openMappingStatuses(page, t, typed);
      await expectPage(page, `${lang}-mapping-statuses`, hasTouch);
      if (README_SCREENSHOTS && lang === 'ru') {
        if (testInfo.project.name === 'desktop') {
          await page.mouse.move(0, 0);
          await page.screenshot({ path: readmeScreenshot('mapping-step.png'), fullPage: true, animations: 'disabled', caret: 'hide' });
        }
        if (testInfo.project.name === 'phone') {
          // The board itself, from the section tabs down, as a phone shows it.
          await page.getByRole('tablist').first().evaluate((element) => element.scrollIntoView({ block: 'start' }));
          await page.screenshot({ path: readmeScreenshot('mapping-phone.png'), animations: 'disabled', caret: 'hide' });
        }
      }
    });

    test('Mapping → Custom fields with fields chosen', async ({ page, hasTouch }) => {
      await openMappingFields(page, t);
      await expectPage(page, `${lang}-mapping-fields`, hasTouch);
    });

    test('Calculation with a calculated field, then the leave dialog', async ({ page, hasTouch }) => {
      await openCalculationWithField(page, t, typed);
      await expectPage(page, `${lang}-calculation`, hasTouch);
      await openLeaveDialog(page, t);
      await expectScreen(page, `${lang}-leave-dialog`);
    });

    test('Done, then Connectors with the card connected and its menu open', async ({ page, hasTouch }) => {
      await openDone(page, t, typed);
      await expectPage(page, `${lang}-done`, hasTouch);
      await press(page, page.getByRole('link', { name: t.toConnectors }));
      await expect(amoCard(page)).toContainText(t.connected);
      await expectPage(page, `${lang}-connectors-connected`, hasTouch);
      await openConnectorMenu(page, t);
      await expectScreen(page, `${lang}-connectors-menu`);
    });
  });
}
