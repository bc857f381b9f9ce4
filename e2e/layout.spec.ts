import { expect, test } from '@playwright/test';

import { expectLayoutFits, findLayoutProblems } from './helpers/layout';
import {
  amoCard,
  comeBackFromConsent,
  confirmConnect,
  denyAccess,
  openCalculationWithField,
  openConnectorMenu,
  openDone,
  openFilterWithConditions,
  openLeaveDialog,
  openMappingFields,
  openMappingStatuses,
  openMoveToMenu,
  press,
  pressConnect,
  reportCoveredControls,
  showConnectors,
  tryAgain,
} from './helpers/states';
import { LANGS, LOCALE, LONG_TYPED, TEXT } from './helpers/texts';
import { VIEWPORTS } from './helpers/viewports';

/**
 * The layout check, no baseline needed: every page, step, dialog and menu, at 390, 768 and
 * 1440 px (phone and tablet as touch screens), in Russian and English. It fails when anything
 * sticks out of the viewport horizontally, or when text is cut inside a list row without an
 * ellipsis and its full text in a title or accessible name (see helpers/layout.ts for the
 * rules). Each state is checked softly, so one run lists every offender with its selector
 * path and text.
 *
 * Projects: `layout` (the demo account) and `layout-long-names` (a second product serving
 * mocks/fixtures/amocrm-long-names.json: 255-character pipeline, status, field and account
 * names, one long unbroken token; the names typed in the walk are at their 100-character limit).
 */
for (const viewport of VIEWPORTS) {
  for (const lang of LANGS) {
    const t = TEXT[lang];

    test.describe(`${viewport.name} ${viewport.use.viewport.width}px, ${lang}:`, () => {
      test.use({ ...viewport.use, locale: LOCALE[lang] });
      test.describe.configure({ timeout: 180_000 });

      test('every page, step, dialog and menu fits the width, and no text in a row is cut unreadably', async ({ page }, testInfo) => {
        const typed = testInfo.project.metadata.longNames ? LONG_TYPED[lang] : t.typed;
        // A control covered by another element is a layout problem too: reported, then the walk goes on.
        reportCoveredControls(page, (problem) => expect.soft([problem], 'a control a user cannot reach').toEqual([]));

        // Connectors, the Connect dialog, Back from the consent page, then Deny, Try again, Allow.
        await showConnectors(page, t, 'notConnected');
        await expectLayoutFits(page, 'Connectors (available)');
        await pressConnect(page, t);
        await expectLayoutFits(page, 'the Connect dialog');
        await confirmConnect(page, t);
        await comeBackFromConsent(page, t);
        await expectLayoutFits(page, 'Authorization: back from the consent page');
        await press(page, page.getByRole('button', { name: t.continueToCrm }));
        await denyAccess(page, t);
        await expectLayoutFits(page, 'Authorization: OAuth error');
        await tryAgain(page, t);
        await press(page, page.getByRole('button', { name: 'Allow' }));
        await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);

        await openFilterWithConditions(page, t, typed, 2);
        await expectLayoutFits(page, 'Filter with two conditions');

        const pipeline = await openMappingStatuses(page, t, typed);
        await expectLayoutFits(page, 'Mapping → Statuses');
        await openMoveToMenu(page, t, pipeline);
        await expectLayoutFits(page, 'Mapping → Statuses, a “Move to…” menu open');
        await page.keyboard.press('Escape');
        await expect(page.getByRole('menu')).toHaveCount(0);

        await openMappingFields(page, t);
        await expectLayoutFits(page, 'Mapping → Custom fields');

        await openCalculationWithField(page, t, typed);
        await expectLayoutFits(page, 'Calculation with a calculated field');
        await openLeaveDialog(page, t);
        await expectLayoutFits(page, 'the leave dialog');
        await page.keyboard.press('Escape');
        await expect(page.getByRole('alertdialog')).toHaveCount(0);

        await openDone(page, t, typed);
        await expectLayoutFits(page, 'Done');
        await press(page, page.getByRole('link', { name: t.toConnectors }));
        await expect(amoCard(page)).toContainText(t.connected);
        await expectLayoutFits(page, 'Connectors (connected)');
        await openConnectorMenu(page, t);
        await expectLayoutFits(page, 'Connectors, the card’s menu open');
      });
    });
  }
}

test.describe('the check itself', () => {
  test.use({ viewport: { width: 400, height: 600 } });

  test('finds what sticks out or is cut, and accepts an ellipsis that keeps the full text', async ({ page }) => {
    const long = 'Согласование договора с юридическим отделом заказчика';
    const nowrap = 'display: block; white-space: nowrap; width: 120px';
    await page.setContent(`<!doctype html>
      <body style="margin: 0; font: 16px sans-serif">
        <ul style="width: 300px">
          <li><span style="${nowrap}; overflow: hidden; text-overflow: ellipsis" title="${long}">${long}</span></li>
          <li><button style="width: 140px"><span style="${nowrap}; overflow: hidden; text-overflow: ellipsis">${long}</span></button></li>
          <li><span style="${nowrap}; overflow: hidden; text-overflow: ellipsis">no title: ${long}</span></li>
          <li><span style="${nowrap}; overflow: hidden">no ellipsis: ${long}</span></li>
          <li><span style="${nowrap}">spills: ${long}</span></li>
        </ul>
        <div style="overflow: auto; width: 300px">
          <ul><li><div style="display: flex; justify-content: flex-end; width: 28px"><span style="white-space: nowrap; flex: none">cut on the left: ${long}</span></div></li></ul>
        </div>
        <div style="overflow-x: auto; width: 300px"><div style="width: 900px">scrolls on purpose</div></div>
        <div style="width: 700px">too wide</div>
        <div style="overflow: hidden; width: 380px"><div style="width: 500px">cut by a hidden box</div></div>
        <div style="overflow: hidden; width: 300px; height: 20px; position: relative"><div style="position: absolute; left: 500px; width: 100px">parked off-canvas</div></div>
        <span style="position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0)">hidden: ${long} ${long}</span>
        <ul><li><button style="display: grid; width: 20px; padding: 0"><span>ещё не готово</span></button></li></ul>
      </body>`);
    const problems = await findLayoutProblems(page);
    expect(problems.map((problem) => [problem.kind, problem.text.slice(0, 16)])).toEqual([
      ['page-overflow', ''],
      ['element-overflow', 'too wide'],
      ['element-overflow', 'cut by a hidden '],
      ['clipped-text', 'no title: Соглас'],
      ['clipped-text', 'no ellipsis: Сог'],
      ['clipped-text', 'spills: Согласов'],
      ['clipped-text', 'cut on the left:'],
      ['clipped-text', 'ещё не готово'],
    ]);
    const detail = (text: string) => problems.find((problem) => problem.text.startsWith(text))?.detail;
    expect(detail('no title')).toContain('the full text is in neither a title nor an accessible name');
    expect(detail('no ellipsis')).toContain('without an ellipsis');
    expect(detail('spills')).toContain('spills out of its box');
    expect(detail('cut on the left')).toMatch(/cut on the left by its ancestor div/);
    expect(detail('ещё не готово')).toMatch(/spills out of its ancestor button/);
    expect(problems[1]!.selector).toBe('div:nth-of-type(3)');
  });
});
