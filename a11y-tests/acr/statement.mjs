// The accessibility statement's content (the page at /accessibility), derived from the same
// criteria file as the conformance report (docs/accessibility/criteria.json), at build time: the
// conformance status, the known exceptions with their workarounds, what has not yet been checked
// by hand, and the dates of the manual procedures' last runs. It is written as a Rust source file,
// docs/accessibility/statement.rs, which the page includes when Quorum is compiled, so the app
// needs no JSON parser and the statement cannot say more than the data.
//
// The statement is built before any run of the browser suite (a fresh clone compiles first), so
// it reads only what the criteria file records (see `recorded` in assess.mjs): the automated
// checks are taken as passing because every change must pass them (scripts/test); the report
// (scripts/acr) is where a run's results are weighed.
//
//   node a11y-tests/acr/statement.mjs write   writes docs/accessibility/statement.rs
//   node a11y-tests/acr/statement.mjs check   fails when that file is not what `write` makes
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recorded } from './assess.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CRITERIA = join(ROOT, 'docs', 'accessibility', 'criteria.json');
const OUTPUT = join(ROOT, 'docs', 'accessibility', 'statement.rs');

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** 2026-12-07 → 7 December 2026. */
export function longDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const label = (c) => `${c.id} ${c.name} (level ${c.level})`;

/** The statement as data: what the page shows, every sentence of it that depends on the criteria. */
export function statement(criteria) {
  const rows = criteria.criteria.map((c) => ({ ...c, recorded: recorded(c) }));
  const aa = rows.filter((c) => c.level === 'A' || c.level === 'AA');
  const applying = aa.filter((c) => c.recorded.applies);
  const withExceptions = aa.filter((c) => c.recorded.exceptions.length > 0);
  const failed = aa.filter((c) => c.recorded.manual === 'fail');
  const unproven = applying.filter((c) => !c.recorded.proven);
  const fully = withExceptions.length === 0 && failed.length === 0 && unproven.length === 0;

  const status = fully ? 'fully conforms' : 'partially conforms';
  const because = [];
  if (withExceptions.length > 0) because.push(`${plural(withExceptions.length, 'criterion', 'criteria')} at levels A and AA ${withExceptions.length === 1 ? 'has' : 'have'} the known exceptions listed below (${withExceptions.map((c) => c.id).join(', ')})`);
  if (failed.length > 0) because.push(`the manual check of ${failed.map((c) => c.id).join(', ')} failed`);
  if (unproven.length > 0) because.push(`the manual checks of ${plural(unproven.length, 'criterion', 'criteria')} at levels A and AA, which no tool can decide, are not yet complete, so full conformance is not yet shown`);
  const statusReason = fully
    ? `Every one of the ${applying.length} criteria at levels A and AA that apply to Quorum is met, shown by the automated checks or by a manual check that passed.`
    : `It partially conforms because ${because.join('; and ')}.`;

  const exceptions = rows.filter((c) => c.recorded.exceptions.length > 0).map((c) => ({ criterion: label(c), items: c.recorded.exceptions }));

  const manual = rows.filter((c) => c.recorded.manual !== null);
  const count = (result) => manual.filter((c) => c.recorded.manual === result).length;
  const decidedByTools = rows.filter((c) => c.recorded.applies && c.automationDecides === true && c.recorded.manual === null).length;
  const notApplicable = rows.filter((c) => !c.recorded.applies).length;
  const evidence = [
    `${rows.length} criteria are assessed: every WCAG 2.0 and 2.1 criterion at levels A and AA, and the ${plural(rows.filter((c) => c.level === 'AAA').length, 'level AAA criterion', 'level AAA criteria')} Quorum aims for.`,
    `${plural(notApplicable, 'criterion does', 'criteria do')} not apply to Quorum (it has no audio or video, for example).`,
    `${plural(decidedByTools, 'criterion is', 'criteria are')} decided by the automated checks alone.`,
    `${plural(manual.length, 'criterion needs', 'criteria need')} a person to check what no tool can decide: ${count('pass')} of these manual checks passed, ${count('partial')} passed in part, ${count('fail')} failed and ${count('not run')} ${count('not run') === 1 ? 'has' : 'have'} not been run yet.`,
  ];

  const notFullyChecked = rows.filter((c) => c.recorded.applies && (c.recorded.manual === 'not run' || c.recorded.manual === 'partial')).map(label);
  const dates = [...new Set(manual.map((c) => c.manual.lastRun).filter(Boolean))].sort();
  const manualRuns = dates.length === 0
    ? 'No manual check has been run yet.'
    : dates.length === 1
      ? `The manual checks were last run on ${longDate(dates[0])}.`
      : `The manual checks were last run between ${longDate(dates[0])} and ${longDate(dates.at(-1))}.`;

  return { status, statusReason, exceptions, evidence, notFullyChecked, manualRuns };
}

/** A Rust string literal. */
const literal = (text) => `"${String(text).replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
const strings = (list) => (list.length === 0 ? '&[]' : `&[\n${list.map((s) => `    ${literal(s)},\n`).join('')}]`);

/** The statement as Rust source, for app/src/pages/info/accessibility.rs to include. */
export function rust(data) {
  const exceptions = data.exceptions.map((c) => `    KnownExceptions {\n        criterion: ${literal(c.criterion)},\n        exceptions: &[\n${c.items.map((e) => `            KnownException {\n                problem: ${literal(e.problem)},\n                workaround: ${literal(e.workaround)},\n            },\n`).join('')}        ],\n    },\n`).join('');
  return `// Written by \`scripts/statement write\` (a11y-tests/acr/statement.mjs) from
// docs/accessibility/criteria.json: edit that file, not this one. \`scripts/statement check\`,
// run by scripts/test, fails when this file is not what the criteria file makes.

/// Quorum's conformance with WCAG 2.1 level AA, as the criteria file records it.
pub const STATUS: &str = ${literal(data.status)};

/// Why the status is what it is.
pub const STATUS_REASON: &str = ${literal(data.statusReason)};

/// Every criterion with known exceptions, at levels A, AA and the AAA criteria Quorum targets.
pub const EXCEPTIONS: &[KnownExceptions] = &[\n${exceptions}];

/// What the evidence is, in numbers.
pub const EVIDENCE: &[&str] = ${strings(data.evidence)};

/// Criteria whose manual check has not been run, or passed only in part.
pub const NOT_FULLY_CHECKED: &[&str] = ${strings(data.notFullyChecked)};

/// When the manual checks were last run.
pub const MANUAL_RUNS: &str = ${literal(data.manualRuns)};
`;
}

function main() {
  const mode = process.argv[2];
  if (mode !== 'write' && mode !== 'check') {
    console.error('Usage: scripts/statement check | write');
    process.exit(2);
  }
  let source;
  try {
    source = rust(statement(JSON.parse(readFileSync(CRITERIA, 'utf8'))));
  } catch (e) {
    console.error(`The accessibility statement cannot be built: ${e.message}.`);
    process.exit(1);
  }
  if (mode === 'write') {
    writeFileSync(OUTPUT, source);
    console.log('docs/accessibility/statement.rs written.');
  } else if (!existsSync(OUTPUT) || readFileSync(OUTPUT, 'utf8') !== source) {
    console.error('docs/accessibility/statement.rs is not what docs/accessibility/criteria.json makes: run scripts/statement write.');
    process.exit(1);
  } else {
    console.log('Accessibility statement: up to date with the criteria file.');
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
