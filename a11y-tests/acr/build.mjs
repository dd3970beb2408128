// Builds Quorum's Accessibility Conformance Report, in the shape of the VPAT 2.5 (WCAG edition)
// and of EN 301 549's chapter 9, from the browser suite's results and the criteria file (see
// assess.mjs for how a level is decided). Writes one HTML file, accessible and valid on its own
// (no script, no external style), and a JSON twin with the same content, for other tools.
//
//   node a11y-tests/acr/build.mjs [--results FILE] [--criteria FILE] [--out DIR]
//
// Exits 1 with one sentence when the results are missing or a criterion cannot be assessed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assess, CHECKS, LEVELS } from './assess.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** `code` spans for text between backticks, everything else escaped. */
const inline = (text) => escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');

const TERMS = {
  Supports: 'The functionality of the product has at least one method that meets the criterion without known defects or meets with equivalent facilitation.',
  'Partially Supports': 'Some functionality of the product does not meet the criterion, or the evidence for it is not complete: the remarks say which.',
  'Does Not Support': 'The majority of product functionality does not meet the criterion.',
  'Not Applicable': 'The criterion is not relevant to the product.',
  'Not Evaluated': 'The product has not been evaluated against the criterion: no check or procedure for it has been run.',
};

/** The whole report as data: what the JSON twin holds and the HTML shows. */
export function report(criteria, results, { resultsFile = 'target/a11y-results.json', criteriaFile = 'docs/accessibility/criteria.json' } = {}) {
  const { rows, counts } = assess(criteria, results);
  const routes = Object.entries(results.routes ?? {}).map(([name, r]) => ({
    name,
    method: r.method,
    path: r.path,
    checks: Object.keys(r.checks ?? {}).length,
    failed: Object.entries(r.checks ?? {}).filter(([, c]) => !c.passed).map(([id]) => id),
  }));
  return {
    title: `${criteria.product.name} Accessibility Conformance Report`,
    standard: 'WCAG 2.1 levels A and AA (which include WCAG 2.0 A and AA), the level AAA criteria Quorum targets, and EN 301 549 V3.2.1 chapter 9 (Web)',
    format: 'Based on the VPAT® 2.5 (WCAG edition and EN 301 549 edition) of the Information Technology Industry Council',
    product: { ...criteria.product, version: results.commit ? `commit ${results.commit.slice(0, 12)}${results.uncommittedChanges ? ' with uncommitted changes' : ''}` : 'unknown' },
    date: (results.finished ?? new Date().toISOString()).slice(0, 10),
    evidence: {
      resultsFile,
      criteriaFile,
      runStarted: results.started ?? null,
      runFinished: results.finished ?? null,
      runStatus: results.status ?? null,
      runArguments: results.arguments ?? [],
      tools: results.tools ?? {},
      routesListed: results.routesListed ?? 0,
      routesChecked: results.routesChecked ?? 0,
    },
    terms: TERMS,
    counts,
    criteria: rows.map((r) => ({
      id: r.id,
      name: r.name,
      level: r.level,
      version: r.version,
      conformance: r.conformance,
      remarks: r.remarks,
      reasons: r.reasons,
      evidence: r.evidence.map(({ kind, name, outcome, said }) => ({ kind, name, outcome, said })),
      manualProcedure: r.manual ?? null,
    })),
    routes,
  };
}

/** A sentence of evidence or reason, ending in one full stop. */
const sentence = (text) => `${inline(text.replace(/\.+$/, ''))}.`;

function row(c) {
  const evidence = c.evidence.length > 0
    ? `<p>Evidence:</p><ul>${c.evidence.map((e) => `<li>${sentence(e.said)}</li>`).join('')}</ul>`
    : '';
  const reasons = c.conformance === 'Supports' || c.conformance === 'Not Applicable' || c.reasons.length === 0
    ? ''
    : `<p>Why not “Supports”:</p><ul>${c.reasons.map((r) => `<li>${sentence(r)}</li>`).join('')}</ul>`;
  const remarks = c.conformance === 'Not Applicable' ? inline(c.reasons[0]) : inline(c.remarks);
  const procedure = c.manualProcedure ? `<p>Manual procedure: ${inline(c.manualProcedure.procedure)}</p>` : '';
  return `<tr id="sc-${c.id}"><th scope="row">${c.id} ${escape(c.name)} (Level ${c.level}${c.version === '2.1' ? ', WCAG 2.1 only' : ''})</th>`
    + `<td>${c.conformance}</td><td><p>${remarks}</p>${reasons}${evidence}${procedure}</td></tr>`;
}

function table(data, level, caption) {
  const rows = data.criteria.filter((c) => c.level === level);
  return `<section aria-labelledby="table-${level}"><h2 id="table-${level}">${caption}</h2>`
    + `<table><caption>${caption}: ${rows.length} success criteria</caption>`
    + '<thead><tr><th scope="col">Criteria</th><th scope="col">Conformance Level</th><th scope="col">Remarks and Explanations</th></tr></thead>'
    + `<tbody>${rows.map(row).join('')}</tbody></table></section>`;
}

const STYLE = `
body { margin: 0; font-family: system-ui, sans-serif; font-size: 1rem; line-height: 1.5; color: #0b0c0c; background: #fff; }
main { max-width: 70rem; margin: 0 auto; padding: 1rem; }
p, li { max-width: 70ch; }
a { color: #1d3d8f; text-decoration: underline; }
a:focus-visible { outline: 3px solid #0b0c0c; background: #ffdd00; color: #0b0c0c; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
caption { text-align: left; font-weight: 700; padding-bottom: 0.5rem; }
th, td { border: 1px solid #505a5f; padding: 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f3f2f1; }
tbody th { width: 22%; font-weight: 700; }
tbody td:nth-child(2) { width: 12%; }
td p, td ul { margin: 0 0 0.5rem; }
code { font-size: 0.95em; overflow-wrap: anywhere; }
.table-scroll { overflow-x: auto; }
@media (max-width: 40rem) { table, thead, tbody, tr, th, td, caption { display: block; width: auto !important; } thead { display: none; } }
`;

/** The report as one HTML document. */
export function html(data) {
  const ev = data.evidence;
  const countRows = LEVELS.map((l) => `<tr><th scope="row">${l}</th>${['A', 'AA', 'AAA'].map((w) => `<td>${data.counts[w][l]}</td>`).join('')}</tr>`).join('');
  const tools = Object.entries(ev.tools).filter(([, v]) => v).map(([k, v]) => `<li>${escape(k)}: ${escape(v)}</li>`).join('');
  const checks = Object.entries(CHECKS).map(([id, what]) => `<li><code>${escape(id)}</code>: ${inline(what)}</li>`).join('');
  const notSupported = data.criteria.filter((c) => c.conformance !== 'Supports' && c.conformance !== 'Not Applicable');
  const routeRows = data.routes.map((r) => `<tr><th scope="row">${escape(r.name)}</th><td>${escape(r.method)} <code>${escape(r.path)}</code></td><td>${r.checks}</td><td>${r.failed.length ? escape(r.failed.join(', ')) : 'none'}</td></tr>`).join('');
  const en = data.criteria.filter((c) => c.level !== 'AAA').map((c) => `<tr><th scope="row">9.${c.id} ${escape(c.name)}</th><td>${c.conformance}</td><td><a href="#sc-${c.id}">See WCAG ${c.id}</a></td></tr>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escape(data.title)}</h1>
<p>${escape(data.format)}. Report date: ${data.date}.</p>

<h2>Product information</h2>
<dl>
<dt>Name of product</dt><dd>${escape(data.product.name)}, ${escape(data.product.version)}</dd>
<dt>Description</dt><dd>${escape(data.product.description)}</dd>
<dt>Contact</dt><dd>${escape(data.product.contact)}</dd>
<dt>Standards</dt><dd>${escape(data.standard)}</dd>
</dl>

<h2>Evaluation methods used</h2>
<p>Every level below is decided by a script (<code>scripts/acr</code>) from two files, never written by hand: the results of the last run of Quorum's browser suite (<code>${escape(ev.resultsFile)}</code>) and the versioned list of criteria with the evidence that bears on each and the manual procedures for what no tool decides (<code>${escape(ev.criteriaFile)}</code>). A criterion is “Supports” only when every piece of evidence named for it passed on every route, and either the automated checks decide it entirely or its manual procedure has passed.</p>
<p>The run: started ${escape(ev.runStarted ?? 'unknown')}, finished ${escape(ev.runFinished ?? 'unknown')}, outcome “${escape(ev.runStatus ?? 'unknown')}”, ${ev.routesChecked} of the ${ev.routesListed} routes and states of <code>a11y-tests/routes.json</code> checked${ev.runArguments.length ? ` (run as <code>playwright ${escape(ev.runArguments.join(' '))}</code>)` : ''}. Each route and state is opened in Chromium with JavaScript off and with JavaScript on, and these checks run on it:</p>
<ul>${checks}</ul>
<p>Tools:</p>
<ul>${tools}</ul>

<h2>Terms</h2>
<dl>${Object.entries(data.terms).map(([k, v]) => `<dt>${k}</dt><dd>${escape(v)}</dd>`).join('')}</dl>

<h2>Summary</h2>
<table><caption>Number of success criteria at each conformance level</caption>
<thead><tr><th scope="col">Conformance level</th><th scope="col">Level A</th><th scope="col">Level AA</th><th scope="col">Level AAA (targeted)</th></tr></thead>
<tbody>${countRows}</tbody></table>
${notSupported.length ? `<p>Criteria that are not “Supports”: ${notSupported.map((c) => `<a href="#sc-${c.id}">${c.id} ${escape(c.name)}</a> (${c.conformance})`).join(', ')}.</p>` : '<p>Every criterion that applies is “Supports”.</p>'}

${table(data, 'A', 'WCAG Level A success criteria')}
${table(data, 'AA', 'WCAG Level AA success criteria')}
${table(data, 'AAA', 'WCAG Level AAA success criteria that Quorum targets')}

<section aria-labelledby="en301549"><h2 id="en301549">EN 301 549 chapter 9: Web</h2>
<p>Clause 9 of EN 301 549 V3.2.1 requires WCAG 2.1 levels A and AA; each of its clauses 9.1.1.1 to 9.4.1.3 matches the WCAG criterion of the same number. Chapters 10 (non-web documents), 11 (software) and 12 (documentation and support) are not part of this report.</p>
<table><caption>EN 301 549 clause 9 and the WCAG 2.1 criteria it adopts</caption>
<thead><tr><th scope="col">Criteria</th><th scope="col">Conformance Level</th><th scope="col">Remarks and Explanations</th></tr></thead>
<tbody>${en}</tbody></table></section>

<section aria-labelledby="routes"><h2 id="routes">Routes and states tested</h2>
<div class="table-scroll" role="region" aria-labelledby="routes-caption" tabindex="0">
<table><caption id="routes-caption">The routes and states of the browser suite, with the number of checks recorded for each in this run</caption>
<thead><tr><th scope="col">Route and state</th><th scope="col">Request</th><th scope="col">Checks recorded</th><th scope="col">Checks failed</th></tr></thead>
<tbody>${routeRows}</tbody></table></div></section>
</main>
</body>
</html>
`;
}

function argument(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return resolve(at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback);
}

function main() {
  const resultsFile = argument('results', join(ROOT, 'target', 'a11y-results.json'));
  const criteriaFile = argument('criteria', join(ROOT, 'docs', 'accessibility', 'criteria.json'));
  const out = argument('out', join(ROOT, 'target', 'acr'));
  let results;
  try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    console.error(`No results at ${relative(process.cwd(), resultsFile)}: run the browser suite first (scripts/test, or npx playwright test).`);
    process.exit(1);
  }
  let data;
  try {
    const criteria = JSON.parse(readFileSync(criteriaFile, 'utf8'));
    data = report(criteria, results, { resultsFile: relative(ROOT, resultsFile), criteriaFile: relative(ROOT, criteriaFile) });
  } catch (e) {
    console.error(`The report cannot be built: ${e.message}.`);
    process.exit(1);
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'accessibility-conformance-report.html'), html(data));
  writeFileSync(join(out, 'accessibility-conformance-report.json'), JSON.stringify(data, null, 1) + '\n');
  const line = (w) => LEVELS.map((l) => `${data.counts[w][l]} ${l}`).join(', ');
  console.log(`Accessibility Conformance Report written to ${relative(process.cwd(), out)}/accessibility-conformance-report.{html,json}`);
  console.log(`  evidence: ${data.evidence.routesChecked} of ${data.evidence.routesListed} routes, run ${data.evidence.runFinished ?? 'unknown'} (${data.evidence.runStatus ?? 'unknown'})`);
  for (const w of ['A', 'AA', 'AAA']) console.log(`  level ${w.padEnd(3)} ${line(w)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
