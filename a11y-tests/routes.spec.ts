// Every route and state in routes.json, checked the same way: status, title and heading, and a
// heading outline that skips no level; axe; a keyboard walk; an accessibility-tree snapshot; and
// Lynx. Playwright runs this file in both projects, and each check runs once, where it means
// something: the page itself (status, heading, no script, keyboard, skip link, snapshot) with
// JavaScript off, which is how every page must work; axe, being a script, and the CSS-only
// reflow and forced-colours checks, and Lynx, a browser of its own, with JavaScript on. No page
// has a script (the first check fails any that has one), so with JavaScript on a page is the
// same page: were one to gain a script, its checks with JavaScript on belong here again.
import { expect, test } from '@playwright/test';
import { axeProblems, headingOutline, headingProblems, horizontalOverflow, keyboardProblems, lynxProblems, openState, outlineText, servedHtml } from './checks';
import { routes } from './routes';

const PAGE_ITSELF = 'the page itself is checked with JavaScript off: no page has a script, so it is the same page';

for (const route of routes) {
  test.describe(`${route.name} (${route.submit ? 'POST' : 'GET'} ${route.path})`, () => {
    if (route.edge) test.use({ baseURL: process.env.QUORUM_EDGE_URL });
    test('is served whole, with one h1 and a title that matches it', async ({ page }, info) => {
      test.skip(info.project.name === 'javascript-on', PAGE_ITSELF);
      expect(await openState(page, route)).toBe(route.status ?? 200);
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      await expect(page.locator('h1')).toHaveCount(1);
      await expect(page.locator('h1')).toHaveText(route.h1);
      await expect(page).toHaveTitle(`${route.errorTitle ? 'Error: ' : ''}${route.title ?? route.h1} – Quorum`);
      await expect(page.locator('script')).toHaveCount(0);
      const outline = await headingOutline(page);
      expect(headingProblems(outline), outlineText(outline)).toEqual([]);
      if (route.errorTitle) {
        const summary = page.getByRole('alert');
        await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
        const links = summary.getByRole('link');
        expect(await links.count()).toBeGreaterThan(0);
        for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) {
          const id = href.slice(1);
          await expect(page.locator(`[id="${id}"]`), `the summary link ${href} leads to a field`).toHaveCount(1);
          await expect(page.locator(`[id="${id}-error"]`), `the field ${id} shows its error inline`).toBeVisible();
        }
      }
    });

    test('axe-core finds no violations', async ({ page }, info) => {
      test.skip(info.project.name === 'javascript-off', 'axe-core is a script: it runs where scripts run, on the same HTML');
      await openState(page, route);
      expect(await axeProblems(page)).toEqual([]);
    });

    test('keyboard walk: skip link first, visible focus, reading order, no trap', async ({ page }, info) => {
      test.skip(info.project.name === 'javascript-on', PAGE_ITSELF);
      await openState(page, route);
      const { problems, stops } = await keyboardProblems(page);
      expect(problems, `stops: ${stops.join(' → ')}`).toEqual([]);
      expect(stops.length).toBeGreaterThan(1);
    });

    test('the skip link moves focus to main', async ({ page }, info) => {
      test.skip(info.project.name === 'javascript-on', PAGE_ITSELF);
      await openState(page, route);
      await page.keyboard.press('Tab');
      await expect(page.locator(':focus')).toHaveText('Skip to main content');
      await page.keyboard.press('Enter');
      await expect(page.locator('main#main')).toBeFocused();
    });

    test('reflows at 320 px wide and at 200% text without sideways scrolling', async ({ browser, page }, info) => {
      test.skip(info.project.name === 'javascript-off', 'layout is CSS only and no page has a script: once is enough');
      await page.setViewportSize({ width: 320, height: 640 });
      await openState(page, route);
      expect(await horizontalOverflow(page), 'sideways scroll at 320 px').toBeLessThanOrEqual(0);
      // Text-only zoom: the user's default font size doubled, added to the stylesheet as it is
      // fetched (an injected style would need scripts, and the CSP forbids inline style).
      const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
      await context.route('**/assets/*.css', async (request) => {
        const response = await request.fetch();
        await request.fulfill({ response, body: `${await response.text()}\nhtml { font-size: 200% !important; }` });
      });
      const zoomed = await context.newPage();
      await openState(zoomed, route);
      expect(await zoomed.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('32px');
      expect(await horizontalOverflow(zoomed), 'sideways scroll at 200% text').toBeLessThanOrEqual(0);
      await context.close();
    });

    test('keeps a visible focus in forced-colours mode', async ({ page }, info) => {
      test.skip(info.project.name === 'javascript-off', 'forced colours are CSS only and no page has a script: once is enough');
      await page.emulateMedia({ forcedColors: 'active' });
      await openState(page, route);
      const { problems } = await keyboardProblems(page);
      expect(problems).toEqual([]);
    });

    test('accessibility tree snapshot', async ({ page }, info) => {
      test.skip(info.project.name === 'javascript-on', PAGE_ITSELF);
      await openState(page, route);
      await expect(page.locator('body')).toMatchAriaSnapshot({ name: `${route.name}.aria.yml` });
      if (route.outline) expect(outlineText(await headingOutline(page))).toMatchSnapshot(`${route.name}.outline.txt`);
    });

    test('Lynx shows the main heading and every label', async ({ page, request }, info) => {
      test.skip(info.project.name === 'javascript-off', 'Lynx runs no scripts either way: once is enough');
      await openState(page, route);
      const labels = (await page.locator('main label, main legend').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      const { html } = await servedHtml(request, route);
      expect(await lynxProblems(html, route.h1, labels)).toEqual([]);
    });
  });
}
