// A check that never fails proves nothing. Each checker is run here on pages with known
// defects and must report them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { axeProblems, horizontalOverflow, htmlErrors, keyboardProblems, lynxProblems } from './checks';

const BROKEN = readFileSync(join(__dirname, 'fixtures', 'broken.html'), 'utf8');
const FIXTURE_URL = 'http://fixture.quorum.test/';

async function openFixture(page: import('@playwright/test').Page, html: string) {
  await page.route(`${FIXTURE_URL}**`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(FIXTURE_URL);
}

test.describe('each checker catches a known defect', () => {
  test('axe-core reports missing lang, missing alt text, a missing label, and contrast below AA and below AAA', async ({ page }, info) => {
    test.skip(info.project.name === 'javascript-off', 'axe-core needs scripts');
    await openFixture(page, BROKEN);
    const rules = (await axeProblems(page)).map((p) => p.split(' ')[0]);
    for (const rule of ['html-has-lang', 'image-alt', 'label', 'color-contrast', 'color-contrast-enhanced']) expect(rules).toContain(rule);
  });

  test('the keyboard walk reports a missing skip link and invisible focus', async ({ page }) => {
    await openFixture(page, BROKEN);
    const { problems } = await keyboardProblems(page);
    expect(problems.some((p) => p.includes('not the skip link'))).toBe(true);
    expect(problems.some((p) => p.startsWith('no visible focus style'))).toBe(true);
  });

  test('the keyboard walk reports a focus trap', async ({ page }, info) => {
    test.skip(info.project.name === 'javascript-off', 'a trap needs a script to hold focus');
    const trap = `<!DOCTYPE html><html lang="en"><title>Trap</title><a class="q-skip-link" href="#main">Skip</a>
      <main id="main"><input aria-label="Trap" id="trap"></main>
      <script>document.getElementById('trap').addEventListener('keydown', (e) => { if (e.key === 'Tab') e.preventDefault(); });</script></html>`;
    await openFixture(page, trap);
    const { problems } = await keyboardProblems(page);
    expect(problems.some((p) => p.includes('focus is trapped'))).toBe(true);
  });

  test('the Nu HTML checker reports invalid markup', async ({}, info) => {
    test.skip(info.project.name === 'javascript-off', 'the checker does not use the browser');
    const errors = (await htmlErrors({ broken: BROKEN })).broken;
    expect(errors.some((e) => e.includes('Duplicate ID'))).toBe(true);
    expect(errors.some((e) => e.includes('alt'))).toBe(true);
  });

  test('the Lynx check reports a missing heading and label', async ({}, info) => {
    test.skip(info.project.name === 'javascript-off', 'Lynx does not use the browser');
    const problems = await lynxProblems(BROKEN, 'Send a message', ['Email address']);
    expect(problems).toHaveLength(2);
  });

  test('the reflow check reports a page wider than 320 px', async ({ page }) => {
    await page.setViewportSize({ width: 320, height: 640 });
    await openFixture(page, '<!DOCTYPE html><html lang="en"><title>Wide</title><div style="width: 600px">Fixed width</div></html>');
    expect(await horizontalOverflow(page)).toBeGreaterThan(0);
  });

  test('the accessibility-tree snapshot reports a missing landmark', async ({ page }) => {
    await openFixture(page, BROKEN);
    await expect(expect(page.locator('body')).toMatchAriaSnapshot('- main', { timeout: 1000 })).rejects.toThrow();
  });
});
