// Every route and state in routes.json, checked the same way: status, title and heading, and a
// heading outline that skips no level; links that say where they lead (no two alike that lead to
// different places); axe; a keyboard walk; an accessibility-tree snapshot; and
// Lynx. Playwright runs this file in both projects, and each check runs where it means
// something. The page itself (status, heading, snapshot, keyboard, skip link) is checked with
// JavaScript off, which is how every page must work: pages link one deferred enhancement script
// (public/enhance.js), and the first check proves it is the only script, external and deferred,
// and that nothing it adds is there without it. With JavaScript on the page is checked once the
// script has run, as people with scripts meet it: axe, the CSS-only forced-colours and reflow
// checks, and the accessibility tree again. Lynx, a browser of its own, runs there too.
//
// The accessibility tree with JavaScript on: the script mostly adds to the page what the tree
// does not show (a count message that is aria-hidden, a live region that stays empty until the
// person types), so for nearly every route the tree with scripts must equal the one without,
// and is compared with the same `<name>.aria.yml` (read, never written, by this project).
// Where the script adds to the tree (the dot vote's running total), the route says so with
// `scriptTree` in routes.json and this project keeps its own `<name>-js.aria.yml`. A file per
// route and project would double the snapshots to review and hide that they are the same;
// this way a `.js` file exists only where the script changes what a screen reader meets, and a
// change anywhere else fails.
//
// Each project opens the state once and runs its checks on it in turn, each a step of its own
// (a failure names the step): setting a state up (sign-in, groups, threads, a form sent) costs
// far more than any check, so one opening a project instead of one a check keeps the suite
// quick. Only the 200% text check needs a page of its own, with the stylesheet changed.
import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ambiguousLinks, axeFindings, checked, enhancementsRun, ENHANCED, headingOutline, headingProblems, horizontalOverflow, keyboardProblems, lynxProblems, openState, outlineText, servedHtml } from './checks';
import { routes } from './routes';

const PAGE_ITSELF = 'the page itself is checked with JavaScript off, how every page must work; with scripts on, what the script changes is checked in the next test';

for (const route of routes) {
  test.describe(`${route.name} (${route.submit ? 'POST' : 'GET'} ${route.path})`, () => {
    if (route.edge) test.use({ baseURL: process.env.QUORUM_EDGE_URL });

    test('the page itself: served whole, snapshot, keyboard walk, skip link', async ({ page }, info) => {
      info.annotations.push({ type: 'route', description: route.name });
      test.skip(info.project.name === 'javascript-on', PAGE_ITSELF);
      test.setTimeout(120_000);
      const status = await openState(page, route);
      await checked(info, route.name, 'page', 'is served whole, with one h1 and a title that matches it', async (note) => {
        note({ status, errorState: !!route.errorTitle });
        expect(status).toBe(route.status ?? 200);
        await expect(page.locator('html')).toHaveAttribute('lang', 'en');
        await expect(page.locator('h1')).toHaveCount(1);
        await expect(page.locator('h1')).toHaveText(route.h1);
        await expect(page).toHaveTitle(`${route.errorTitle ? 'Error: ' : ''}${route.title ?? route.h1} – Quorum`);
        // One script, the enhancements, external and deferred; and, scripts being off, nothing
        // it would add: what is checked here is the page without it.
        await expect(page.locator('script')).toHaveCount(1);
        await expect(page.locator('head > script[src^="/assets/quorum-"][src$=".js"][defer]')).toHaveCount(1);
        await expect(page.locator(ENHANCED)).toHaveCount(0);
        const outline = await headingOutline(page);
        note({ headings: outline.length });
        expect(headingProblems(outline), outlineText(outline)).toEqual([]);
        if (route.errorTitle) {
          const summary = page.getByRole('alert');
          await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
          const links = summary.getByRole('link');
          note({ errorLinks: await links.count() });
          expect(await links.count()).toBeGreaterThan(0);
          for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) {
            const id = href.slice(1);
            await expect(page.locator(`[id="${id}"]`), `the summary link ${href} leads to a field`).toHaveCount(1);
            await expect(page.locator(`[id="${id}-error"]`), `the field ${id} shows its error inline`).toBeVisible();
          }
        }
      });
      await checked(info, route.name, 'link-purpose', 'no two links with the same name lead to different places', async (note) => {
        const ambiguous = await ambiguousLinks(page);
        note({ links: await page.locator('a[href]').count(), ambiguous });
        expect(ambiguous).toEqual([]);
      });
      await checked(info, route.name, 'tree', 'accessibility tree snapshot', async () => {
        await expect(page.locator('body')).toMatchAriaSnapshot({ name: `${route.name}.aria.yml` });
        if (route.outline) expect(outlineText(await headingOutline(page))).toMatchSnapshot(`${route.name}.outline.txt`);
      });
      await checked(info, route.name, 'keyboard', 'keyboard walk: skip link first, visible focus, reading order, no trap', async (note) => {
        const { problems, stops } = await keyboardProblems(page);
        note({ stops: stops.length, problems });
        expect(problems, `stops: ${stops.join(' → ')}`).toEqual([]);
        expect(stops.length).toBeGreaterThan(1);
      });
      await checked(info, route.name, 'skip-link', 'the skip link moves focus to main', async () => {
        // The walk above has checked that the first Tab reaches it.
        const skipLink = page.getByRole('link', { name: 'Skip to main content' });
        await skipLink.focus();
        await expect(page.locator(':focus')).toHaveText('Skip to main content');
        await page.keyboard.press('Enter');
        await expect(page.locator('main#main')).toBeFocused();
      });
    });

    test('with the enhancements: tree, axe, forced colours, Lynx and reflow', async ({ browser, page, request }, info) => {
      info.annotations.push({ type: 'route', description: route.name });
      test.skip(info.project.name === 'javascript-off', 'axe-core is a script, and the rest are CSS only or another browser: once, where scripts run, is enough');
      test.setTimeout(120_000);
      await openState(page, route);
      await checked(info, route.name, 'enhancements', 'the enhancement script has run on every field it enhances', async () => {
        await enhancementsRun(page);
      });
      await checked(info, route.name, 'tree-scripts', 'accessibility tree with the enhancements', async (note) => {
        if (route.scriptTree) {
          await expect(page.locator('body')).toMatchAriaSnapshot({ name: `${route.name}-js.aria.yml` });
          return;
        }
        // The tree must be the one the JavaScript-off project keeps (see the top of this file).
        const withoutScripts = join(__dirname, 'snapshots', `${route.name}.aria.yml`);
        if (!existsSync(withoutScripts)) {
          info.annotations.push({ type: 'note', description: `no ${route.name}.aria.yml yet: the JavaScript-off project writes it` });
          note({ compared: false });
          return;
        }
        await expect(page.locator('body')).toMatchAriaSnapshot(readFileSync(withoutScripts, 'utf8'));
      });
      await checked(info, route.name, 'axe', 'axe-core finds no violations once the script has run', async (note) => {
        const { problems, ...findings } = await axeFindings(page);
        note(findings);
        expect(problems).toEqual([]);
      });
      await checked(info, route.name, 'lynx', 'Lynx shows the main heading and every label', async (note) => {
        const labels = (await page.locator('main label, main legend').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
        const { html } = await servedHtml(request, route);
        const problems = await lynxProblems(html, route.h1, labels);
        note({ labels: labels.length, problems });
        expect(problems).toEqual([]);
      });
      await checked(info, route.name, 'forced-colours', 'keeps a visible focus in forced-colours mode', async (note) => {
        await page.emulateMedia({ forcedColors: 'active' });
        const { problems, stops } = await keyboardProblems(page);
        note({ stops: stops.length, problems });
        expect(problems).toEqual([]);
        await page.emulateMedia({ forcedColors: 'none' });
      });
      await checked(info, route.name, 'reflow', 'reflows at 320 px wide without sideways scrolling', async (note) => {
        await page.setViewportSize({ width: 320, height: 640 });
        const overflow = await horizontalOverflow(page);
        note({ width: 320, overflow });
        expect(overflow, 'sideways scroll at 320 px').toBeLessThanOrEqual(0);
      });
      await checked(info, route.name, 'text-200', 'reflows at 200% text without sideways scrolling', async (note) => {
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
        const overflow = await horizontalOverflow(zoomed);
        note({ fontSize: '32px', overflow });
        expect(overflow, 'sideways scroll at 200% text').toBeLessThanOrEqual(0);
        await context.close();
      });
    });
  });
}
