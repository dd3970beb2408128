// Writes what the browser suite found to target/a11y-results.json on every run that checks a
// route (a run of only the budget or a journey leaves the last one in place), for the
// Accessibility Conformance Report (scripts/acr) and anyone who wants the facts rather than
// the log. The checks file their outcomes as `quorum-evidence` attachments (see `checked` in
// checks.ts); this reporter merges them by route and check, and keeps every other test's title
// and outcome (the journeys, the checkers' own tests), so that a criterion can name the test that
// proves it. Nothing here decides pass or fail: the tests do, as before.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { EVIDENCE, type AxeRule, type Evidence } from './checks';
import { routes } from './routes';

const ROOT = resolve(__dirname, '..');
export const RESULTS_FILE = join(ROOT, 'target', 'a11y-results.json');

interface RouteResult {
  path: string;
  method: 'GET' | 'POST';
  /** Each check's outcome, by check id (`axe`, `keyboard`, `nu`, …), with the project it ran in. */
  checks: Record<string, CheckOutcome>;
  /** The outcome of each of the route's tests, by project (a test that failed before its first
   *  check shows here and nowhere else). */
  tests: Record<string, string>;
}

/** One check's outcome on a route: passed or not, the project it ran in, and its facts. */
type CheckOutcome = Omit<Evidence, 'route' | 'check'> & { project: string };

interface TestRecord {
  file: string;
  title: string;
  project: string;
  status: string;
}

function quietly(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function packageVersion(name: string): string | null {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

export default class EvidenceReporter implements Reporter {
  private started = new Date();
  private routes: Record<string, RouteResult> = {};
  private axeRules: Record<string, Omit<AxeRule, 'id'>> = {};
  private axeVersion: string | null = null;
  private tests: TestRecord[] = [];
  private commit: string | null = null;
  private uncommittedChanges = false;

  onBegin() {
    this.started = new Date();
    // The code as the run starts, which is what it tests.
    this.commit = quietly('git', ['-C', ROOT, 'rev-parse', 'HEAD']);
    this.uncommittedChanges = (quietly('git', ['-C', ROOT, 'status', '--porcelain']) ?? '') !== '';
    for (const route of routes) {
      this.routes[route.name] = { path: route.path, method: route.submit ? 'POST' : 'GET', checks: {}, tests: {} };
    }
    this.tests = [];
  }

  onTestEnd(test: TestCase, result: TestResult) {
    const project = test.parent.project()?.name ?? '';
    const file = relative(ROOT, test.location.file);
    const route = test.annotations.find((a) => a.type === 'route')?.description;
    const title = test.titlePath().slice(3).join(' › ');
    this.tests.push({ file, title, project, status: result.status });
    if (route && this.routes[route]) this.routes[route].tests[project] = result.status;
    for (const attachment of result.attachments) {
      if (attachment.name !== EVIDENCE || !attachment.body) continue;
      const evidence = JSON.parse(attachment.body.toString('utf8')) as Evidence & { rules?: AxeRule[]; version?: string };
      const { rules, version, route: name, check, ...facts } = evidence;
      for (const rule of rules ?? []) this.axeRules[rule.id] = { tags: rule.tags, help: rule.help };
      if (version) this.axeVersion = version;
      const entry = (this.routes[name] ??= { path: '', method: 'GET', checks: {}, tests: {} });
      entry.checks[check] = { ...facts, project };
    }
  }

  onEnd(result: FullResult) {
    const checked = Object.values(this.routes).filter((r) => Object.keys(r.checks).length > 0).length;
    if (checked === 0) {
      // A run of no route's checks (the page-weight budget, one journey) says nothing about
      // conformance: the last run that did stays in place.
      console.log(`No route was checked in this run: ${relative(process.cwd(), RESULTS_FILE)} is left as it was`);
      return;
    }
    const report = {
      about: 'What Quorum\'s browser suite found, per route and state and per check; written by a11y-tests/evidence-reporter.ts',
      started: this.started.toISOString(),
      finished: new Date().toISOString(),
      status: result.status,
      /** What the suite was run with: a run narrowed by files or --grep covers fewer routes. */
      arguments: process.argv.slice(2),
      commit: this.commit,
      uncommittedChanges: this.uncommittedChanges,
      tools: {
        'axe-core': this.axeVersion ?? packageVersion('axe-core'),
        '@axe-core/playwright': packageVersion('@axe-core/playwright'),
        '@playwright/test': packageVersion('@playwright/test'),
        'vnu-jar': packageVersion('vnu-jar'),
        chromium: quietly('/usr/bin/chromium', ['--version']),
        lynx: quietly('lynx', ['-version'])?.split('\n')[0] ?? null,
      },
      routesListed: routes.length,
      routesChecked: checked,
      axeRules: Object.fromEntries(Object.entries(this.axeRules).sort(([a], [b]) => a.localeCompare(b))),
      routes: this.routes,
      tests: this.tests.sort((a, b) => `${a.file} ${a.title} ${a.project}`.localeCompare(`${b.file} ${b.title} ${b.project}`)),
    };
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, JSON.stringify(report, null, 1) + '\n');
    console.log(`Evidence of ${checked} of ${routes.length} routes and ${this.tests.length} tests written to ${relative(process.cwd(), RESULTS_FILE)}`);
  }

  printsToStdio() {
    return false;
  }
}
