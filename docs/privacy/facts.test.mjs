// The privacy facts check fails when the schema and the facts part: a new column or table that
// no one has described, or a described column that is gone. Run by scripts/test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { bothEngines, markdown, problems, rust, schema } from './facts.mjs';

const data = JSON.parse(readFileSync(new URL('./data.json', import.meta.url), 'utf8'));

test('every table and column of both engines is accounted for', () => {
  assert.deepEqual(problems(data, bothEngines()), []);
});

test('columns are read from tables, constraints and FTS options left out', () => {
  const tables = schema(`CREATE TABLE a (
    id TEXT PRIMARY KEY CHECK (id = 'x'), -- a comment, with a comma
    b  BIGINT NOT NULL,
    PRIMARY KEY (id, b),
    CHECK (b > 0)
  ) STRICT;
  CREATE VIRTUAL TABLE s USING fts5 (title, thread_id UNINDEXED, tokenize = 'porter');
  ALTER TABLE a ADD COLUMN c TEXT;`);
  assert.deepEqual([...tables], [['a', ['id', 'b', 'c']], ['s', ['title', 'thread_id']]]);
});

test('a new column or table, or a column that is gone, is found', () => {
  const tables = bothEngines();
  tables.set('accounts', [...tables.get('accounts'), 'phone']);
  tables.set('devices', ['id']);
  tables.set('sessions', tables.get('sessions').filter((c) => c !== 'device'));
  const found = problems(data, tables);
  assert.ok(found.some((p) => p.includes('accounts.phone is not in')), found.join('\n'));
  assert.ok(found.some((p) => p.includes('The table devices is not in')), found.join('\n'));
  assert.ok(found.some((p) => p.includes('names sessions.device, which the migrations do not make')), found.join('\n'));
});

test('the committed sheet and the page /privacy/facts are what data.json makes', () => {
  const committed = (name) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
  assert.equal(committed('facts.md'), markdown(data, bothEngines()), 'run scripts/privacy write');
  assert.equal(committed('facts.rs'), rust(data, bothEngines()), 'run scripts/privacy write');
});
