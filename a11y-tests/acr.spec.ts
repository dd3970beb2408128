// The Accessibility Conformance Report is itself accessible and valid: scripts/acr's builder
// makes it here from results made up to hold every kind of row (criteria that pass, fail, are
// partly proven, not evaluated, not applicable), and axe-core, the Nu HTML checker, the keyboard
// walk's focus rules and the reflow check run on it. Made-up results keep this test the same on
// every run and independent of the order in which the suite's files run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { axeProblems, horizontalOverflow, htmlErrors } from './checks';
import { routes } from './routes';

const ROOT = resolve(__dirname, '..');
const REPORT_URL = 'http://report.quorum.test/';

/** Results in which every route passed every check, except that `nu` failed on the second and
 *  the keyboard walk was never run on the third, with three of axe-core's rules (one of them
 *  undecided once). */
function madeUpResults() {
  const byName: Record<string, unknown> = {};
  routes.forEach((route, i) => {
    const checks: Record<string, unknown> = {};
    for (const check of ['page', 'link-purpose', 'tree', 'tree-scripts', 'skip-link', 'enhancements', 'lynx', 'forced-colours', 'reflow', 'text-200']) {
      checks[check] = { passed: true, project: 'javascript-off' };
    }
    if (i !== 2) checks.keyboard = { passed: true, stops: 10, problems: [], project: 'javascript-off' };
    checks.nu = { passed: i !== 1, errors: i === 1 ? ['line 3: Duplicate ID “x”.'] : [], project: 'javascript-on' };
    checks.axe = { passed: true, passes: ['color-contrast', 'image-alt', 'html-has-lang'], violations: [], incomplete: i === 0 ? [{ id: 'color-contrast', nodes: ['mark'] }] : [], project: 'javascript-on' };
    byName[route.name] = { path: route.path, method: route.submit ? 'POST' : 'GET', checks, tests: {} };
  });
  return {
    started: '2026-12-07T00:00:00.000Z',
    finished: '2026-12-07T00:15:00.000Z',
    status: 'failed',
    arguments: ['test'],
    commit: '0123456789abcdef0123456789abcdef01234567',
    uncommittedChanges: false,
    tools: { 'axe-core': '4.14.1' },
    routesListed: routes.length,
    routesChecked: routes.length,
    axeRules: {
      'color-contrast': { tags: ['wcag2aa', 'wcag143'], help: 'Elements must meet minimum color contrast ratio thresholds' },
      'image-alt': { tags: ['wcag2a', 'wcag111'], help: 'Images must have alternative text' },
      'html-has-lang': { tags: ['wcag2a', 'wcag311'], help: '<html> element must have a lang attribute' },
    },
    routes: byName,
    tests: [],
  };
}

test('the conformance report passes axe-core and the Nu HTML checker, and reflows', async ({ page }, info) => {
  test.skip(info.project.name === 'javascript-off', 'axe-core needs scripts; the report has none of its own');
  const dir = mkdtempSync(join(tmpdir(), 'quorum-acr-'));
  try {
    const resultsFile = join(dir, 'results.json');
    writeFileSync(resultsFile, JSON.stringify(madeUpResults()));
    execFileSync('node', [join(ROOT, 'a11y-tests', 'acr', 'build.mjs'), '--results', resultsFile, '--out', dir], { stdio: 'pipe' });
    const html = readFileSync(join(dir, 'accessibility-conformance-report.html'), 'utf8');
    const data = JSON.parse(readFileSync(join(dir, 'accessibility-conformance-report.json'), 'utf8'));
    const levels = new Set(data.criteria.map((c: { conformance: string }) => c.conformance));
    for (const level of ['Supports', 'Partially Supports', 'Not Applicable', 'Not Evaluated']) expect(levels, `a row "${level}"`).toContain(level);

    expect((await htmlErrors({ report: html })).report).toEqual([]);
    await page.route(`${REPORT_URL}**`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
    await page.goto(REPORT_URL);
    await expect(page.locator('h1')).toHaveText('Quorum Accessibility Conformance Report');
    expect(await axeProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await horizontalOverflow(page), 'sideways scroll at 320 px').toBeLessThanOrEqual(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
