// The ASVS check fails when it should: a renamed test, a missing file, a status without what it
// needs, a chapter that lost a requirement. Run by scripts/test with `node --test`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { problems } from './asvs.mjs';

const data = JSON.parse(readFileSync(new URL('./asvs.json', import.meta.url), 'utf8'));
const copy = () => structuredClone(data);

test('the assessment as committed has no problems', () => {
  assert.deepEqual(problems(data), []);
});

test('a test that no longer exists is found', () => {
  const changed = copy();
  const verified = changed.requirements.find((r) => r.status === 'Verified');
  verified.tests = ['app/tests/sessions.rs::no_such_test_exists', 'app/tests/no_such_file.rs::a_test'];
  const found = problems(changed);
  assert.ok(found.some((p) => p.includes('has no test named no_such_test_exists')), found.join('\n'));
  assert.ok(found.some((p) => p.includes('app/tests/no_such_file.rs does not exist')), found.join('\n'));
});

test('a helper function is not a test', () => {
  const changed = copy();
  changed.requirements[0].tests = ['app/tests/sign_in.rs::code_error'];
  assert.ok(problems(changed).some((p) => p.includes('has no test named code_error')));
});

test('a status without its evidence or reason is refused', () => {
  const changed = copy();
  const verified = changed.requirements.find((r) => r.status === 'Verified');
  verified.tests = [];
  const notMet = changed.requirements.find((r) => r.status === 'Not met');
  notMet.note = '';
  const found = problems(changed);
  assert.ok(found.some((p) => p.includes(`${verified.id} is "Verified" but cites no test`)));
  assert.ok(found.some((p) => p.includes(`${notMet.id} is "Not met" without a note`)));
});

test('a requirement dropped from a chapter is found', () => {
  const changed = copy();
  changed.requirements = changed.requirements.filter((r) => r.id !== 'V7.2.4');
  assert.ok(problems(changed).some((p) => p.startsWith('V7 Session Management lists 17 requirements')));
});

test('an ignored test proves nothing', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(join(tmpdir(), 'asvs-'));
  try {
    mkdirSync(join(root, 'tests'));
    writeFileSync(join(root, 'tests', 'a.rs'), '#[tokio::test]\n#[ignore = "slow"]\nasync fn skipped() {}\n\n#[test]\nfn runs() {}\n');
    const one = (name) => ({ ...data, requirementsPerChapter: {}, requirements: [{ id: 'V1.1.1', chapter: 'V1', status: 'Verified', tests: [`tests/a.rs::${name}`], references: [], note: '' }] });
    assert.deepEqual(problems(one('runs'), root), []);
    assert.ok(problems(one('skipped'), root).some((p) => p.includes('is ignored')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
