// The accessibility statement says only what the criteria file records: its status follows the
// exceptions and the manual checks, and the committed statement.rs is what the criteria make.
// Run by scripts/test with `node --test a11y-tests/acr/`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { longDate, rust, statement } from './statement.mjs';

const criteriaFile = JSON.parse(readFileSync(new URL('../../docs/accessibility/criteria.json', import.meta.url), 'utf8'));

const proven = { id: '1.4.3', name: 'Contrast (Minimum)', level: 'AA', version: '2.0', remarks: '', axe: true, automationDecides: true };
const judged = (result) => ({
  id: '2.4.6', name: 'Headings and Labels', level: 'AA', version: '2.0', remarks: '', checks: ['page'], automationDecides: false,
  manual: { procedure: 'Read them.', lastRun: result ? '2026-11-30' : null, result },
});
const file = (...criteria) => ({ criteria });

test('every criterion proven and no exception: fully conforms', () => {
  const s = statement(file(proven, judged('pass')));
  assert.equal(s.status, 'fully conforms');
  assert.deepEqual(s.exceptions, []);
  assert.equal(s.manualRuns, 'The manual checks were last run on 30 November 2026.');
});

test('a known exception at level A or AA: partially conforms, and the exception is listed with its workaround', () => {
  const exception = { problem: 'Links expire.', workaround: 'Ask for a new one.' };
  const s = statement(file({ ...proven, exceptions: [exception] }, judged('pass')));
  assert.equal(s.status, 'partially conforms');
  assert.match(s.statusReason, /known exceptions listed below \(1\.4\.3\)/);
  assert.deepEqual(s.exceptions, [{ criterion: '1.4.3 Contrast (Minimum) (level AA)', items: [exception] }]);
});

test('a manual check not run or passed only in part: not fully conforms, and the criterion is listed as not checked', () => {
  for (const result of [null, 'partial', 'fail']) {
    const s = statement(file(proven, judged(result)));
    assert.equal(s.status, 'partially conforms', `manual result ${result}`);
    if (result !== 'fail') assert.deepEqual(s.notFullyChecked, ['2.4.6 Headings and Labels (level AA)']);
  }
});

test('an exception at level AAA is listed, and leaves the level AA status alone', () => {
  const aaa = { ...proven, id: '2.4.9', name: 'Link Purpose (Link Only)', level: 'AAA', exceptions: [{ problem: 'p', workaround: 'w' }] };
  const s = statement(file(proven, aaa));
  assert.equal(s.status, 'fully conforms');
  assert.equal(s.exceptions.length, 1);
});

test('an exception without a workaround is refused', () => {
  assert.throws(() => statement(file({ ...proven, exceptions: [{ problem: 'Links expire.' }] })), /without a problem and a workaround/);
  assert.throws(() => statement(file({ ...proven, exceptions: ['Links expire.'] })), /without a problem and a workaround/);
});

test('dates of the manual checks are the ones recorded', () => {
  assert.equal(longDate('2026-12-07'), '7 December 2026');
  const two = statement(file(judged('pass'), { ...judged('pass'), id: '3.3.2', manual: { ...judged('pass').manual, lastRun: '2026-12-07' } }));
  assert.equal(two.manualRuns, 'The manual checks were last run between 30 November 2026 and 7 December 2026.');
});

test('Rust string literals escape quotes and backslashes', () => {
  const source = rust({ ...statement(file(proven)), statusReason: 'a "quoted" \\ word' });
  assert.match(source, /STATUS_REASON: &str = "a \\"quoted\\" \\\\ word";/);
});

test('the committed statement is what the criteria file makes', () => {
  const committed = readFileSync(new URL('../../docs/accessibility/statement.rs', import.meta.url), 'utf8');
  assert.equal(committed, rust(statement(criteriaFile)), 'run scripts/statement write');
});
