// The conformance report never says "Supports" without evidence. Run by scripts/test with
// `node --test a11y-tests/acr/`, on results made up here, so it needs no browser.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assess, assessCriterion } from './assess.mjs';

const criteriaFile = JSON.parse(readFileSync(new URL('../../docs/accessibility/criteria.json', import.meta.url), 'utf8'));

/** Results of a run over `routes` routes in which every named check passed and axe-core's
 *  rules `passes` passed, unless `failing` names a check (or axe rule) and the route it failed on. */
function results({ routes = 3, listed = routes, checks = ['keyboard', 'page', 'nu'], passes = ['color-contrast'], failing = {}, incomplete = [], tests = [] } = {}) {
  const byName = {};
  for (let i = 0; i < routes; i++) {
    const name = `route-${i}`;
    const entry = { path: `/r/${i}`, method: 'GET', checks: {}, tests: {} };
    for (const check of checks) entry.checks[check] = { passed: failing[check] !== name, project: 'javascript-off' };
    entry.checks.axe = {
      passed: !Object.keys(failing).some((k) => k.startsWith('axe:') && failing[k] === name),
      passes: passes.filter((rule) => failing[`axe:${rule}`] !== name),
      violations: passes.filter((rule) => failing[`axe:${rule}`] === name).map((id) => ({ id, impact: 'serious', nodes: ['p'] })),
      incomplete: incomplete.map((id) => ({ id, nodes: ['span'] })),
      project: 'javascript-on',
    };
    byName[name] = entry;
  }
  return {
    routesListed: listed,
    routesChecked: routes,
    axeRules: {
      'color-contrast': { tags: ['wcag2aa', 'wcag143'], help: 'contrast' },
      'image-alt': { tags: ['wcag2a', 'wcag111'], help: 'alt' },
    },
    routes: byName,
    tests,
  };
}

const decided = { id: '1.4.3', name: 'Contrast (Minimum)', level: 'AA', version: '2.0', remarks: '', axe: true, automationDecides: true };
const judged = {
  id: '2.4.6', name: 'Headings and Labels', level: 'AA', version: '2.0', remarks: '', checks: ['page'], automationDecides: false,
  manual: { procedure: 'Read them.', lastRun: null, result: null },
};

test('evidence that decides a criterion and passed everywhere: Supports', () => {
  assert.equal(assessCriterion(decided, results()).conformance, 'Supports');
});

test('no run at all: only a criterion proven by its manual procedure alone can be Supports', () => {
  const empty = { routesListed: 143, routes: {}, axeRules: {}, tests: [] };
  for (const c of criteriaFile.criteria) {
    const { conformance } = assessCriterion(c, empty);
    const automated = c.axe || c.checks?.length || c.tests?.length;
    if (automated || c.manual?.result !== 'pass') assert.notEqual(conformance, 'Supports', `${c.id} is Supports with no results`);
  }
});

test('a violation on one route of three: Partially Supports, naming it', () => {
  const { conformance, reasons } = assessCriterion(decided, results({ failing: { 'axe:color-contrast': 'route-1' } }));
  assert.equal(conformance, 'Partially Supports');
  assert.match(reasons.join(' '), /color-contrast on route-1/);
});

test('a check failed on every route: Does Not Support', () => {
  const c = { ...decided, axe: false, checks: ['nu'] };
  const r = results({ routes: 1, failing: { nu: 'route-0' } });
  assert.equal(assessCriterion(c, r).conformance, 'Does Not Support');
});

test('a run over fewer routes than listed: Partially Supports', () => {
  assert.equal(assessCriterion(decided, results({ routes: 2, listed: 143 })).conformance, 'Partially Supports');
});

test('a named check that did not run: not Supports', () => {
  const c = { ...decided, checks: ['reflow'] };
  assert.equal(assessCriterion(c, results()).conformance, 'Partially Supports');
});

test('a named test that did not run, or was skipped: not Supports', () => {
  const t = { file: 'a11y-tests/x.spec.ts', title: 'does it' };
  const c = { ...decided, axe: false, checks: [], tests: [t] };
  assert.equal(assessCriterion(c, results()).conformance, 'Not Evaluated');
  const skipped = results({ tests: [{ ...t, project: 'javascript-on', status: 'skipped' }] });
  assert.equal(assessCriterion(c, skipped).conformance, 'Not Evaluated');
  const passed = results({ tests: [{ ...t, project: 'javascript-on', status: 'passed' }] });
  assert.equal(assessCriterion(c, passed).conformance, 'Supports');
});

test('no axe-core rule tagged for the criterion: the axe evidence proves nothing', () => {
  const c = { ...decided, id: '2.4.7', checks: ['keyboard'] };
  assert.equal(assessCriterion(c, results()).conformance, 'Partially Supports');
});

test('axe-core could not decide some cases and no manual procedure passed: Partially Supports', () => {
  assert.equal(assessCriterion(decided, results({ incomplete: ['color-contrast'] })).conformance, 'Partially Supports');
});

test('automation that cannot decide: Partially Supports until the manual procedure passes', () => {
  assert.equal(assessCriterion(judged, results()).conformance, 'Partially Supports');
  const run = { ...judged, manual: { ...judged.manual, lastRun: '2026-12-07', result: 'pass' } };
  assert.equal(assessCriterion(run, results()).conformance, 'Supports');
  const failed = { ...judged, manual: { ...judged.manual, lastRun: '2026-12-07', result: 'fail' } };
  assert.equal(assessCriterion(failed, results()).conformance, 'Partially Supports');
});

test('only a manual procedure, not yet run: Not Evaluated', () => {
  const c = { ...judged, checks: [] };
  assert.equal(assessCriterion(c, results()).conformance, 'Not Evaluated');
});

test('a known exception: at most Partially Supports', () => {
  assert.equal(assessCriterion({ ...decided, exceptions: [{ problem: 'One page fails.', workaround: 'Use the other.' }] }, results()).conformance, 'Partially Supports');
});

test('a criterion with no evidence and no reason it does not apply is refused', () => {
  assert.throws(() => assessCriterion({ id: '1.3.3', name: 'Sensory Characteristics', level: 'A', remarks: '' }, results()), /names no evidence/);
});

test('the criteria file: every WCAG 2.1 A and AA criterion once, and every criterion assessable', () => {
  const ids = criteriaFile.criteria.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'a criterion is listed twice');
  const counts = { A: 0, AA: 0 };
  for (const c of criteriaFile.criteria) if (c.level in counts) counts[c.level]++;
  assert.deepEqual(counts, { A: 30, AA: 20 });
  for (const c of criteriaFile.criteria) {
    assert.ok(c.notApplicable || c.axe || c.checks?.length || c.tests?.length || c.manual, `${c.id} has no evidence`);
    if (c.manual?.lastRun) assert.match(c.manual.lastRun, /^\d{4}-\d{2}-\d{2}$/, `${c.id}'s last run is not a date`);
  }
  const { rows } = assess(criteriaFile, results());
  for (const row of rows.filter((r) => r.conformance === 'Supports')) {
    assert.ok(row.evidence.length > 0 && row.evidence.every((e) => e.outcome === 'pass'), `${row.id} is Supports without all its evidence passing`);
  }
});

test('axe-core rules that found nothing to check on any route pass, and say so', () => {
  const c = { ...decided, id: '1.1.1', name: 'Non-text Content', level: 'A' };
  const { conformance, evidence } = assessCriterion(c, results());
  assert.equal(conformance, 'Supports');
  assert.match(evidence[0].said, /found nothing to check/);
});
