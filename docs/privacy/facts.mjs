// Quorum's privacy facts sheet, for a data protection officer: docs/privacy/data.json says, for
// each table the migrations make, why it exists, how long it is kept, who can see it and which
// of its columns hold personal data; this script checks that every column of every migration is
// accounted for (personal or not) and writes docs/privacy/facts.md, and the same facts as Rust
// source, docs/privacy/facts.rs, which the page /privacy/facts includes at compile time (so a
// data protection officer reads them on the instance itself, and they cannot drift apart).
//
//   node docs/privacy/facts.mjs write   writes facts.md and facts.rs
//   node docs/privacy/facts.mjs check   fails when a table or column of the migrations is not in
//                                       data.json (or data.json names one that is gone), or
//                                       facts.md or facts.rs is not what `write` makes
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const SOURCE = join(HERE, 'data.json');
const DOCUMENT = join(HERE, 'facts.md');
const PAGE_DATA = join(HERE, 'facts.rs');

/** Every table the migrations create, with its columns, in the order they were added. */
export function schema(sql) {
  const tables = new Map();
  const text = sql.replace(/--[^\n]*/g, '');
  for (const start of text.matchAll(/CREATE (?:VIRTUAL )?TABLE (\w+)(?: USING \w+)?\s*\(/g)) {
    const columns = [];
    let depth = 1;
    let part = '';
    for (let i = start.index + start[0].length; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (c === '(') depth++;
      if (c === ')') depth--;
      if ((c === ',' && depth === 1) || depth === 0) {
        const first = part.trim().split(/\s+/)[0];
        if (first && !/^\s*\w+\s*=/.test(part) && !/^(PRIMARY|UNIQUE|CHECK|FOREIGN|CONSTRAINT)$/i.test(first)) columns.push(first);
        part = '';
      } else part += c;
    }
    tables.set(start[1], columns);
  }
  for (const [, name, column] of text.matchAll(/ALTER TABLE (\w+) ADD COLUMN (\w+)/g)) tables.get(name)?.push(column);
  return tables;
}

export function migrationsSql(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}

/** The tables of both engines' migrations, each with every column either engine gives it. */
export function bothEngines(root = ROOT) {
  const union = new Map();
  for (const engine of ['postgres', 'sqlite']) {
    for (const [table, columns] of schema(migrationsSql(join(root, 'migrations', engine)))) {
      const known = union.get(table) ?? [];
      union.set(table, [...known, ...columns.filter((c) => !known.includes(c))]);
    }
  }
  return union;
}

/** Problems, one sentence each. */
export function problems(data, tables) {
  const found = [];
  for (const [table, columns] of tables) {
    const facts = data.tables[table];
    if (!facts) {
      found.push(`The table ${table} is not in docs/privacy/data.json: say why it exists, how long it is kept, who can see it and which columns are personal.`);
      continue;
    }
    for (const field of ['purpose', 'retention', 'whoCanSee']) if (!facts[field]) found.push(`${table} does not say its ${field}.`);
    for (const column of columns) {
      const personal = column in facts.personal;
      const not = facts.notPersonal.includes(column);
      if (!personal && !not) found.push(`The column ${table}.${column} is not in docs/privacy/data.json: list it as personal (saying what it holds) or not.`);
      if (personal && not) found.push(`${table}.${column} is listed as both personal and not.`);
    }
    for (const column of [...Object.keys(facts.personal), ...facts.notPersonal]) {
      if (!columns.includes(column)) found.push(`docs/privacy/data.json names ${table}.${column}, which the migrations do not make.`);
    }
  }
  for (const table of Object.keys(data.tables)) if (!tables.has(table)) found.push(`docs/privacy/data.json names the table ${table}, which the migrations do not make.`);
  return found;
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdown(data, tables) {
  const lines = ['# Quorum: privacy facts', ''];
  lines.push('<!-- Written by `scripts/privacy write` from docs/privacy/data.json and the migrations: edit data.json, not this one. -->', '');
  lines.push('What personal data Quorum stores, why, for how long, who can see it, and where it goes. Every table and column the migrations create (`migrations/postgres` and `migrations/sqlite`) is listed in `docs/privacy/data.json`; `scripts/privacy check`, run by `scripts/test`, fails when one is added without saying what it holds.', '');
  lines.push(data.notStored, '');
  lines.push('## Where personal data goes', '', '| Processor | What it receives | When |', '| --- | --- | --- |');
  for (const p of data.processors) lines.push(`| ${cell(p.name)} | ${cell(p.receives)} | ${cell(p.when)} |`);
  lines.push('', '## Personal data, table by table', '');
  lines.push('| Table | Personal data (column: what it holds) | Why | Kept for | Who can see it |', '| --- | --- | --- | --- | --- |');
  for (const [table] of tables) {
    const f = data.tables[table];
    const personal = Object.entries(f.personal);
    if (personal.length === 0) continue;
    lines.push(`| \`${table}\` | ${cell(personal.map(([c, what]) => `\`${c}\`: ${what}`).join('; '))} | ${cell(f.purpose)} | ${cell(f.retention)} | ${cell(f.whoCanSee)} |`);
  }
  const other = [...tables.keys()].filter((t) => Object.keys(data.tables[t].personal).length === 0);
  lines.push('', `Tables with no personal data: ${other.map((t) => `\`${t}\` (${data.tables[t].purpose.replace(/\.$/, '').toLowerCase()})`).join('; ')}.`, '');
  return lines.join('\n');
}

/** A Rust string literal. */
const literal = (text) => `"${String(text).replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;

/** The same facts as Rust source, for app/src/pages/info/privacy_facts.rs to include. */
export function rust(data, tables) {
  const processors = data.processors.map((p) => `    Processor {\n        name: ${literal(p.name)},\n        receives: ${literal(p.receives)},\n        when: ${literal(p.when)},\n    },\n`).join('');
  const personal = [...tables.keys()].filter((t) => Object.keys(data.tables[t].personal).length > 0).map((t) => {
    const f = data.tables[t];
    const columns = Object.entries(f.personal).map(([c, what]) => `            (${literal(c)}, ${literal(what)}),\n`).join('');
    return `    Table {\n        name: ${literal(t)},\n        personal: &[\n${columns}        ],\n        purpose: ${literal(f.purpose)},\n        retention: ${literal(f.retention)},\n        who_can_see: ${literal(f.whoCanSee)},\n    },\n`;
  }).join('');
  const other = [...tables.keys()].filter((t) => Object.keys(data.tables[t].personal).length === 0)
    .map((t) => `    (${literal(t)}, ${literal(data.tables[t].purpose)}),\n`).join('');
  return `// Written by \`scripts/privacy write\` (docs/privacy/facts.mjs) from docs/privacy/data.json and
// the migrations: edit data.json, not this one. \`scripts/privacy check\`, run by scripts/test,
// fails when this file is not what they make.

/// What is stored nowhere, or kept out of the logs.
pub const NOT_STORED: &str = ${literal(data.notStored)};

/// Where personal data goes beyond Quorum's own server.
pub const PROCESSORS: &[Processor] = &[\n${processors}];

/// Every table that holds personal data, in the order the migrations make them.
pub const TABLES: &[Table] = &[\n${personal}];

/// The tables with no personal data, and what each is for.
pub const OTHER_TABLES: &[(&str, &str)] = &[\n${other}];
`;
}

function main() {
  const mode = process.argv[2];
  if (mode !== 'write' && mode !== 'check') {
    console.error('Usage: scripts/privacy check | write');
    process.exit(2);
  }
  const data = JSON.parse(readFileSync(SOURCE, 'utf8'));
  const tables = bothEngines();
  const found = problems(data, tables);
  if (found.length === 0 && mode === 'write') {
    writeFileSync(DOCUMENT, markdown(data, tables));
    writeFileSync(PAGE_DATA, rust(data, tables));
    console.log('docs/privacy/facts.md and docs/privacy/facts.rs written.');
  }
  if (found.length === 0 && mode === 'check' && (!existsSync(DOCUMENT) || readFileSync(DOCUMENT, 'utf8') !== markdown(data, tables))) {
    found.push('docs/privacy/facts.md is not what docs/privacy/data.json makes: run scripts/privacy write.');
  }
  if (found.length === 0 && mode === 'check' && (!existsSync(PAGE_DATA) || readFileSync(PAGE_DATA, 'utf8') !== rust(data, tables))) {
    found.push('docs/privacy/facts.rs (the page /privacy/facts) is not what docs/privacy/data.json makes: run scripts/privacy write.');
  }
  if (found.length > 0) {
    for (const problem of found) console.error(problem);
    process.exit(1);
  }
  if (mode === 'check') console.log(`Privacy facts: ${tables.size} tables, every column accounted for.`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
