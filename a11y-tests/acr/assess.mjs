// Decides each success criterion's conformance level from the evidence, for the Accessibility
// Conformance Report (scripts/acr). Two inputs: what the browser suite found on its last run
// (target/a11y-results.json, written by a11y-tests/evidence-reporter.ts) and the hand-kept
// list of criteria (docs/accessibility/criteria.json), which says for each criterion which
// checks and tests bear on it, whether they decide it on their own, and the manual procedure
// for what they cannot decide, with the date and result of its last run.
//
// The rule: a criterion "Supports" only when every piece of evidence named for it is present in
// the results and passed on every route listed, and either the automated checks decide it on
// their own or its manual procedure has been run and passed. Anything less is said as it is:
// a failure is "Does Not Support" (or "Partially Supports" when other evidence passed), evidence
// that is missing, partial or not yet run is "Partially Supports" with the reason, and a
// criterion with nothing run for it at all is "Not Evaluated". A criterion that names no
// evidence and gives no reason for not applying is an error in the criteria file.

export const LEVELS = ['Supports', 'Partially Supports', 'Does Not Support', 'Not Applicable', 'Not Evaluated'];

/** What each check of the browser suite does, in the words the report uses. */
export const CHECKS = {
  page: 'the page check with JavaScript off (status, `lang`, one h1 matching the title, heading levels never skipped, error summary linked to inline errors)',
  'link-purpose': 'the link-name check (no two links with the same name lead to different places)',
  tree: 'the accessibility-tree snapshot with JavaScript off, reviewed on every change',
  'tree-scripts': 'the accessibility-tree snapshot with JavaScript on',
  keyboard: 'the keyboard walk (skip link first, a visible focus of at least 3 px on every stop, reading order, no trap)',
  'skip-link': 'the skip-link check (it moves focus to main)',
  enhancements: 'the enhancement check (the script has enhanced every field it enhances)',
  axe: 'axe-core',
  lynx: 'the Lynx check (the text browser shows the main heading and every label)',
  'forced-colours': 'the forced-colours keyboard walk (a visible focus on every stop)',
  reflow: 'the reflow check (no sideways scrolling at 320 px wide)',
  'text-200': 'the 200 % text check (no sideways scrolling with text at twice its size)',
  nu: 'the Nu HTML checker (no errors in the HTML as served)',
};

/** The axe-core tag of a success criterion: 1.4.3 → wcag143. */
export function axeTag(id) {
  return `wcag${id.replaceAll('.', '')}`;
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The axe-core evidence for one criterion: the rules tagged with it, and where they passed,
 *  were violated, or could not decide. */
function axeEvidence(criterion, results) {
  const tag = axeTag(criterion.id);
  const rules = Object.entries(results.axeRules ?? {}).filter(([, r]) => r.tags.includes(tag)).map(([id]) => id).sort();
  const ran = Object.entries(results.routes ?? {}).filter(([, r]) => r.checks?.axe);
  const violated = [];
  const incomplete = [];
  let applied = 0;
  for (const [name, route] of ran) {
    const axe = route.checks.axe;
    let any = false;
    for (const v of axe.violations ?? []) if (rules.includes(v.id)) { violated.push(`${v.id} on ${name}`); any = true; }
    for (const v of axe.incomplete ?? []) if (rules.includes(v.id)) { incomplete.push(`${v.id} on ${name}`); any = true; }
    if ((axe.passes ?? []).some((id) => rules.includes(id))) any = true;
    if (any) applied++;
  }
  const violatedOn = new Set(violated.map((v) => v.split(' on ')[1]));
  const base = { kind: 'axe', name: `axe-core rules tagged ${tag}`, rules, routes: ran.length, applied, violated, incomplete, passedOn: ran.length - violatedOn.size };
  if (rules.length === 0) return { ...base, outcome: 'missing', said: `no axe-core rule of this run is tagged ${tag}` };
  if (ran.length === 0) return { ...base, outcome: 'missing', said: 'axe-core did not run' };
  if (violated.length > 0) return { ...base, outcome: 'fail', said: `axe-core (${rules.join(', ')}) found violations: ${violated.join('; ')}` };
  const where = applied === ran.length
    ? `on all ${ran.length} routes checked`
    : applied === 0
      ? `on the ${ran.length} routes checked, where they found nothing to check (no such elements)`
      : `on the ${plural(applied, 'route')} where they found something to check, of ${ran.length} checked`;
  const open = incomplete.length > 0 ? `; it could not decide ${plural(incomplete.length, 'case')}, for a person to check (${incomplete.slice(0, 5).join('; ')}${incomplete.length > 5 ? '; …' : ''})` : '';
  return { ...base, outcome: 'pass', said: `axe-core found no violation of ${rules.join(', ')} ${where}${open}` };
}

/** One named check of the browser suite (see CHECKS) on every route where it ran. */
function checkEvidence(check, results) {
  const ran = Object.entries(results.routes ?? {}).filter(([, r]) => r.checks?.[check]);
  const failed = ran.filter(([, r]) => !r.checks[check].passed).map(([name]) => name);
  const what = CHECKS[check] ?? check;
  const base = { kind: 'check', name: check, routes: ran.length, failed, passedOn: ran.length - failed.length };
  if (!(check in CHECKS)) return { ...base, outcome: 'missing', said: `"${check}" is not a check of the browser suite` };
  if (ran.length === 0) return { ...base, outcome: 'missing', said: `${what} did not run` };
  if (failed.length > 0) return { ...base, outcome: 'fail', said: `${what} failed on ${failed.join(', ')}` };
  return { ...base, outcome: 'pass', said: `${what} passed on ${plural(ran.length, 'route')}` };
}

/** One test of the browser suite, by file and title (as the results list them), in every project
 *  where it ran. */
function testEvidence(test, results) {
  const runs = (results.tests ?? []).filter((t) => t.file === test.file && t.title === test.title);
  const ran = runs.filter((t) => t.status !== 'skipped');
  const base = { kind: 'test', name: `${test.file}: ${test.title}` };
  if (ran.length === 0) return { ...base, outcome: 'missing', said: `the test "${test.title}" (${test.file}) did not run` };
  const failed = ran.filter((t) => t.status !== 'passed');
  if (failed.length > 0) return { ...base, outcome: 'fail', said: `the test "${test.title}" (${test.file}) ${failed.map((t) => `${t.status} with ${t.project}`).join(', ')}` };
  return { ...base, outcome: 'pass', said: `the test "${test.title}" (${test.file}) passed with ${ran.map((t) => t.project).join(' and ')}` };
}

/** The manual procedure's last run. */
function manualEvidence(manual) {
  const base = { kind: 'manual', name: 'manual procedure', procedure: manual.procedure, lastRun: manual.lastRun ?? null };
  if (!manual.lastRun || !manual.result) return { ...base, outcome: 'not run', said: 'the manual procedure has not been run yet' };
  const result = { pass: 'pass', fail: 'fail', partial: 'partial' }[manual.result];
  if (!result) throw new Error(`the manual result "${manual.result}" is not pass, fail or partial`);
  const notes = manual.notes ? `: ${manual.notes}` : '';
  const verb = { pass: 'passed', fail: 'failed', partial: 'passed in part' }[result];
  return { ...base, outcome: result, said: `the manual procedure ${verb} on ${manual.lastRun}${manual.by ? ` (${manual.by})` : ''}${notes}` };
}

/** The conformance level and the reasons for one criterion. Throws when the criteria file gives it neither
 *  evidence nor a reason it does not apply. */
export function assessCriterion(criterion, results) {
  const routesListed = results.routesListed ?? 0;
  if (criterion.notApplicable) {
    return { conformance: 'Not Applicable', reasons: [criterion.notApplicable], evidence: [] };
  }
  const evidence = [
    ...(criterion.axe ? [axeEvidence(criterion, results)] : []),
    ...(criterion.checks ?? []).map((c) => checkEvidence(c, results)),
    ...(criterion.tests ?? []).map((t) => testEvidence(t, results)),
    ...(criterion.manual ? [manualEvidence(criterion.manual)] : []),
  ];
  if (evidence.length === 0) {
    throw new Error(`${criterion.id} ${criterion.name} names no evidence and no reason it does not apply: add checks, tests or a manual procedure to the criteria file`);
  }
  const automated = evidence.filter((e) => e.kind !== 'manual');
  const manual = evidence.find((e) => e.kind === 'manual');
  const failed = evidence.filter((e) => e.outcome === 'fail');
  const passed = evidence.filter((e) => e.outcome === 'pass' || e.outcome === 'partial');
  const reasons = [];

  if (failed.length > 0) {
    // Failing on some routes while passing on others is a partial failure, not a total one.
    for (const e of failed) reasons.push(e.said);
    const somewhere = passed.length > 0 || failed.some((e) => (e.passedOn ?? 0) > 0);
    return { conformance: somewhere ? 'Partially Supports' : 'Does Not Support', reasons, evidence };
  }
  if (passed.length === 0) {
    return { conformance: 'Not Evaluated', reasons: evidence.map((e) => e.said), evidence };
  }

  // Everything that ran passed. What keeps it from "Supports"?
  for (const e of automated.filter((e) => e.outcome === 'missing')) reasons.push(`${e.said}, so it proves nothing in this report`);
  for (const e of automated.filter((e) => (e.kind === 'check' || e.kind === 'axe') && e.outcome === 'pass' && e.routes < routesListed)) {
    reasons.push(`${e.kind === 'axe' ? 'axe-core' : CHECKS[e.name]} ran on ${e.routes} of the ${routesListed} routes listed`);
  }
  const automatedProof = automated.length > 0 && automated.every((e) => e.outcome === 'pass');
  const manualProof = manual?.outcome === 'pass';
  const undecided = automated.filter((e) => e.kind === 'axe' && e.incomplete.length > 0);
  if (!manualProof) {
    for (const e of undecided) reasons.push(`axe-core could not decide ${plural(e.incomplete.length, 'case')} and no manual procedure has passed to settle them`);
    if (!criterion.automationDecides) {
      if (manual?.outcome === 'partial') reasons.push(manual.said);
      else if (manual) reasons.push(`the automated checks cannot decide all of this criterion (${criterion.automationLimit ?? 'it needs human judgement'}), and ${manual.said.replace(/^the manual procedure/, 'its manual procedure')}`);
      else reasons.push(`the automated checks cannot decide all of this criterion (${criterion.automationLimit ?? 'it needs human judgement'}) and it has no manual procedure`);
    }
  }
  for (const { problem, workaround } of knownExceptions(criterion)) reasons.push(`Known exception: ${problem} Workaround: ${workaround}`);
  if (!automatedProof && !(manualProof && automated.every((e) => e.outcome !== 'missing'))) {
    if (reasons.length === 0) reasons.push('not every piece of evidence named for it passed in this run');
  }
  const conformance = reasons.length === 0 ? 'Supports' : 'Partially Supports';
  if (conformance === 'Supports' && !evidence.some((e) => e.outcome === 'pass')) {
    throw new Error(`${criterion.id} ${criterion.name} would be "Supports" without passing evidence`);
  }
  return { conformance, reasons, evidence };
}

/** A criterion's known exceptions, each { problem, workaround }. Throws when one lacks either. */
export function knownExceptions(criterion) {
  for (const e of criterion.exceptions ?? []) {
    if (!e?.problem || !e?.workaround) throw new Error(`${criterion.id} ${criterion.name} has a known exception without a problem and a workaround`);
  }
  return criterion.exceptions ?? [];
}

/** What the criteria file alone records of a criterion, without any run of the browser suite:
 *  the basis of the accessibility statement (a11y-tests/acr/statement.mjs), which is built
 *  before the suite has run. `manual` is the last result of its manual procedure (pass, partial,
 *  fail, or "not run"; null when it has none); `proven` is true when nothing but the automated
 *  checks (which every change must pass) is needed: they decide it alone, or the manual
 *  procedure passed; `exceptions` are its known exceptions. */
export function recorded(criterion) {
  if (criterion.notApplicable) return { applies: false, manual: null, proven: true, exceptions: [] };
  const manual = criterion.manual ? (criterion.manual.lastRun && criterion.manual.result ? criterion.manual.result : 'not run') : null;
  if (manual && !['pass', 'partial', 'fail', 'not run'].includes(manual)) throw new Error(`the manual result "${manual}" of ${criterion.id} is not pass, fail or partial`);
  const proven = (criterion.automationDecides === true && manual !== 'fail') || manual === 'pass';
  return { applies: true, manual, proven, exceptions: knownExceptions(criterion) };
}

/** Every criterion assessed, in the criteria file's order, with the counts per level and level
 *  of WCAG. */
export function assess(criteria, results) {
  const rows = criteria.criteria.map((c) => ({ ...c, ...assessCriterion(c, results) }));
  const counts = {};
  for (const wcagLevel of ['A', 'AA', 'AAA']) {
    counts[wcagLevel] = Object.fromEntries(LEVELS.map((l) => [l, rows.filter((r) => r.conformance === l && r.level === wcagLevel).length]));
  }
  return { rows, counts };
}
