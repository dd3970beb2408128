// Quorum's OWASP ASVS 5.0 self-assessment: docs/security/asvs.json is the source (each Level 1
// and 2 requirement of the chapters Quorum owns, its status, the tests that prove it and where in
// the code or docs it is met), docs/security/asvs.md is written from it.
//
//   node docs/security/asvs.mjs write   writes asvs.md
//   node docs/security/asvs.mjs check   fails when a cited test or file no longer exists, a status
//                                       lacks what it needs, or asvs.md is not what `write` makes
//
// A cited test is `path::name`: the file must exist and define `fn name(` after a `#[test]` or
// `#[tokio::test]` attribute, and not `#[ignore]` it, so that renaming, deleting or ignoring a
// test fails the check.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const SOURCE = join(HERE, 'asvs.json');
const DOCUMENT = join(HERE, 'asvs.md');

const STATUSES = ['Verified', 'Met by design', 'Partly met', 'Not met', 'Not applicable'];

/** Problems with the assessment, one sentence each. */
export function problems(data, root = ROOT) {
  const found = [];
  const sources = new Map();
  const read = (path) => {
    if (!sources.has(path)) sources.set(path, existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : null);
    return sources.get(path);
  };
  const ids = new Set();
  for (const r of data.requirements) {
    if (ids.has(r.id)) found.push(`${r.id} is listed twice.`);
    ids.add(r.id);
    if (!STATUSES.includes(r.status)) found.push(`${r.id} has the unknown status "${r.status}".`);
    if (r.status === 'Verified' && r.tests.length === 0) found.push(`${r.id} is "Verified" but cites no test.`);
    if (r.status === 'Met by design' && r.references.length === 0) found.push(`${r.id} is "Met by design" but says nowhere where.`);
    if (r.status !== 'Verified' && r.status !== 'Met by design' && !r.note) found.push(`${r.id} is "${r.status}" without a note saying why.`);
    for (const test of r.tests) {
      const [path, name] = test.split('::');
      const text = name ? read(path) : null;
      if (!name) found.push(`${r.id} cites "${test}", which is not path::name.`);
      else if (text === null) found.push(`${r.id} cites ${test}, but ${path} does not exist.`);
      else {
        const attributes = text.match(new RegExp(`((?:#\\[[^\\]]*\\]\\s*)+)(?:pub )?(?:async )?fn ${name}\\(`))?.[1] ?? '';
        if (!/#\[(tokio::)?test\b/.test(attributes)) found.push(`${r.id} cites ${test}, but ${path} has no test named ${name}.`);
        else if (/#\[ignore\b/.test(attributes)) found.push(`${r.id} cites ${test}, which is ignored, so it proves nothing.`);
      }
    }
    for (const path of r.references) if (!existsSync(join(root, path))) found.push(`${r.id} refers to ${path}, which does not exist.`);
  }
  for (const [chapter, count] of Object.entries(data.requirementsPerChapter)) {
    const listed = data.requirements.filter((r) => r.chapter === chapter).length;
    if (listed !== count) found.push(`${chapter} lists ${listed} requirements, not the ${count} of ASVS 5.0 Levels 1 and 2.`);
  }
  return found;
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The document, as Markdown. */
export function markdown(data) {
  const lines = [];
  const counts = (rows) => STATUSES.map((s) => rows.filter((r) => r.status === s).length);
  lines.push('# Quorum: security self-assessment against OWASP ASVS 5.0', '');
  lines.push(`<!-- Written by \`scripts/asvs write\` from docs/security/asvs.json: edit that file, not this one. -->`, '');
  lines.push(`Standard: ${data.standard}, Levels 1 and 2. Source: ${data.source}. Assessed: ${data.assessed}.`, '');
  lines.push('Chapters: ' + data.chapters.join('; ') + '. The other chapters (API and web services, self-contained tokens, OAuth and OIDC, secure communication, configuration, secure coding and architecture, WebRTC) are not assessed here: most concern what Quorum does not have (OAuth, WebRTC, an API) or how it is deployed (TLS in front of it).', '');
  lines.push('Each requirement has one status:', '');
  for (const [status, meaning] of Object.entries(data.statuses)) lines.push(`- **${status}**: ${meaning}`);
  lines.push('', 'A cited test is `file::name`, a Rust test run by `cargo test` in `scripts/test`; `scripts/asvs check` (run first in `scripts/test`) fails when one no longer exists.', '');
  lines.push('## Summary', '');
  lines.push(`| Chapter | ${STATUSES.join(' | ')} |`, `| --- | ${STATUSES.map(() => '---:').join(' | ')} |`);
  for (const chapter of data.chapters) {
    lines.push(`| ${chapter} | ${counts(data.requirements.filter((r) => r.chapter === chapter)).join(' | ')} |`);
  }
  lines.push(`| **All ${data.requirements.length}** | ${counts(data.requirements).map((n) => `**${n}**`).join(' | ')} |`, '');
  const open = data.requirements.filter((r) => r.status === 'Not met' || r.status === 'Partly met');
  lines.push('Not met or partly met: ' + open.map((r) => `${r.id} (${r.status.toLowerCase()})`).join(', ') + '.', '');
  for (const chapter of data.chapters) {
    lines.push(`## ${chapter}`, '');
    lines.push('| Id | Level | Requirement | Status | Evidence |', '| --- | --- | --- | --- | --- |');
    for (const r of data.requirements.filter((x) => x.chapter === chapter)) {
      const evidence = [
        r.note,
        r.tests.length ? `Tests: ${r.tests.map((t) => `\`${t}\``).join(', ')}.` : '',
        r.references.length ? `See ${r.references.map((p) => `\`${p}\``).join(', ')}.` : '',
      ].filter(Boolean).join(' ');
      lines.push(`| ${r.id} | ${r.level} | ${cell(r.requirement)} | ${r.status} | ${cell(evidence)} |`);
    }
    lines.push('');
  }
  lines.push('## Cryptographic inventory', '');
  lines.push('| Use | Algorithm | Where |', '| --- | --- | --- |');
  for (const item of data.cryptographicInventory) lines.push(`| ${cell(item.use)} | ${cell(item.algorithm)} | \`${item.where}\` |`);
  lines.push('');
  return lines.join('\n');
}

function main() {
  const mode = process.argv[2];
  const data = JSON.parse(readFileSync(SOURCE, 'utf8'));
  if (mode === 'write') {
    writeFileSync(DOCUMENT, markdown(data));
    console.log('docs/security/asvs.md written.');
  }
  if (mode !== 'write' && mode !== 'check') {
    console.error('Usage: scripts/asvs check | write');
    process.exit(2);
  }
  const found = problems(data);
  if (mode === 'check' && (!existsSync(DOCUMENT) || readFileSync(DOCUMENT, 'utf8') !== markdown(data))) {
    found.push('docs/security/asvs.md is not what docs/security/asvs.json makes: run scripts/asvs write.');
  }
  if (found.length > 0) {
    for (const problem of found) console.error(problem);
    process.exit(1);
  }
  if (mode === 'check') console.log(`ASVS self-assessment: ${data.requirements.length} requirements, every cited test and file found.`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
