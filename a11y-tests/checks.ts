// The checks run on every route. Each returns the problems it finds as plain sentences instead
// of throwing, so that the same check can be shown to fail on a page with known defects
// (checkers.spec.ts) and to pass on every real page (routes.spec.ts).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Locator, type Page, type TestInfo } from '@playwright/test';
import type { Route, Step } from './routes';

const run = promisify(execFile);

/** The WCAG levels Quorum claims, plus AAA (which includes 7:1 contrast) and best practice. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag2aaa', 'best-practice'];

/** One axe-core rule as the evidence file keeps it: its id, its tags (the WCAG success criteria
 *  it tests, such as `wcag143`) and what it checks. */
export interface AxeRule {
  id: string;
  tags: string[];
  help: string;
}

/** What axe-core found on a page: the rules that passed, were violated, or could not decide
 *  (incomplete: a person must look), each with the elements concerned for the last two, and the
 *  rules that found nothing to check (inapplicable: no image for the alt-text rule). */
export interface AxeFindings {
  problems: string[];
  passes: string[];
  inapplicable: string[];
  violations: { id: string; impact: string | null; nodes: string[] }[];
  incomplete: { id: string; nodes: string[] }[];
  rules: AxeRule[];
  version: string;
}

/** axe-core on the page as it is now, every outcome kept (see `AxeFindings`); `problems` has one
 *  line per violated rule, with the elements at fault. */
export async function axeFindings(page: Page): Promise<AxeFindings> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const targets = (nodes: { target: unknown[] }[]) => nodes.map((n) => n.target.join(' '));
  const all = [...results.passes, ...results.violations, ...results.incomplete, ...results.inapplicable];
  return {
    problems: results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${targets(v.nodes).join(', ')}`),
    passes: results.passes.map((r) => r.id),
    inapplicable: results.inapplicable.map((r) => r.id),
    violations: results.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, nodes: targets(v.nodes) })),
    incomplete: results.incomplete.map((r) => ({ id: r.id, nodes: targets(r.nodes) })),
    rules: all.map((r) => ({ id: r.id, tags: r.tags, help: r.help })),
    version: results.testEngine.version,
  };
}

/** axe-core on the page as it is now: one line per violated rule, with the elements at fault. */
export async function axeProblems(page: Page): Promise<string[]> {
  return (await axeFindings(page)).problems;
}

/** The attachment name under which a check files what it found, for the evidence reporter
 *  (a11y-tests/evidence-reporter.ts), which merges them into target/a11y-results.json. */
export const EVIDENCE = 'quorum-evidence';

/** One check's outcome on one route's state: which check, whether it passed, and the facts it
 *  saw (counts, rule ids, errors), so that a report can say what proves what. */
export interface Evidence {
  route: string;
  check: string;
  passed: boolean;
  error?: string;
  [fact: string]: unknown;
}

/** Files a check's outcome with the test, for the evidence reporter. */
export async function fileEvidence(info: TestInfo, evidence: Evidence) {
  await info.attach(EVIDENCE, { body: JSON.stringify(evidence), contentType: 'application/json' });
}

/** Runs a check as a named step and files its outcome: passed when `body` returns, failed (with
 *  the first line of the error) when it throws, which still fails the test as before. `body` may
 *  note facts as it goes, which are filed either way. */
export async function checked(
  info: TestInfo,
  route: string,
  check: string,
  title: string,
  body: (note: (facts: Record<string, unknown>) => void) => Promise<void>,
) {
  await test.step(title, async () => {
    const facts: Record<string, unknown> = {};
    try {
      await body((more) => Object.assign(facts, more));
    } catch (e) {
      const error = String((e as Error)?.message ?? e).replace(/\u001b\[[0-9;]*m/g, '').split('\n')[0];
      await fileEvidence(info, { ...facts, route, check, passed: false, error });
      throw e;
    }
    await fileEvidence(info, { ...facts, route, check, passed: true });
  });
}

/** What the enhancement script (public/enhance.js) adds to a page: a character count under a
 *  field, the dot vote's running total. None of it may be there with JavaScript off. */
export const ENHANCED = '.q-character-count, .q-dot-total';

/** Waits until the enhancement script has run on every field it enhances: each field with a
 *  length limit is described by its count message, each dot-vote fieldset shows its total. */
export async function enhancementsRun(page: Page) {
  const limited = page.locator('[data-maxlength]');
  for (const field of await limited.all()) {
    const id = await field.getAttribute('id');
    await expect(field, `the count of #${id}`).toHaveAttribute('aria-describedby', new RegExp(`(^| )${id}-count$`));
    await expect(page.locator(`[id="${id}-count"]`)).toHaveText(/^You have [\d,]+ characters? (remaining|too many)$/);
  }
  for (const fieldset of await page.locator('fieldset[data-dot-total]').all()) {
    await expect(fieldset.locator('.q-dot-total[role="status"]')).toHaveText(/^[\d,]+ of [\d,]+ dots? used/);
  }
}

const MAIL_DIR = () => process.env.QUORUM_TEST_MAIL_DIR ?? '';

/** Decodes a quoted-printable mail body. */
function quotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** The newest email Quorum sent to `to` (and, when given, whose text matches `kind`, so that a
 *  test waiting for a new kind of email is not handed an older one), as the suite's SMTP sink
 *  filed it. */
export async function latestEmail(to: string, kind?: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const files = readdirSync(MAIL_DIR()).filter((f) => f.endsWith('.eml')).sort().reverse();
    for (const file of files) {
      const raw = readFileSync(join(MAIL_DIR(), file), 'utf8');
      if (raw.includes(`To: ${to}`)) {
        const mail = quotedPrintable(raw);
        if (!kind || kind.test(mail)) return mail;
        break;
      }
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no email to ${to} arrived`);
}

/** The CSRF token of the browser context behind `api` (its cookie), after one page load: of a
 *  page with a form, since pages anyone may read are shared by caches and set no cookie. */
export async function csrfToken(api: APIRequestContext): Promise<string> {
  let cookie = (await api.storageState()).cookies.find((c) => c.name.endsWith('quorum_csrf'));
  if (!cookie) {
    await api.get('/sign-in');
    cookie = (await api.storageState()).cookies.find((c) => c.name.endsWith('quorum_csrf'));
  }
  return cookie?.value ?? '';
}

/** Sends a form the way a browser does: with the CSRF token, following the redirect (unless
 *  `follow` is false, when the answer is the redirect itself, with its `Location`). */
export async function postForm(
  api: APIRequestContext,
  path: string,
  fields: Record<string, string | string[]>,
  follow = true,
  files: Record<string, string[]> = {},
) {
  if (Object.keys(files).length > 0) {
    // A form with a file field, as a browser sends it.
    const form = new FormData();
    form.append('csrf_token', await csrfToken(api));
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(name, v);
    for (const [name, list] of Object.entries(files)) {
      for (const file of list) form.append(name, new Blob([readFileSync(fixture(file))]), file);
    }
    return api.post(path, { multipart: form, ...(follow ? {} : { maxRedirects: 0 }) });
  }
  const body = new URLSearchParams({ csrf_token: await csrfToken(api) });
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return api.post(path, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    data: body.toString(),
    ...(follow ? {} : { maxRedirects: 0 }),
  });
}

let counter = 0;
/** A new address for each use, so parallel tests never replace each other's sign-in. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now()}-${counter++}@example.org`;
}

/** Signs in a new person by the emailed code. */
export async function signIn(api: APIRequestContext, named: boolean): Promise<string> {
  const email = uniqueEmail('person');
  await postForm(api, '/sign-in', { email });
  const code = (await latestEmail(email)).match(/\b(\d{3} \d{3})\b/)?.[1] ?? '';
  const answer = await postForm(api, '/sign-in/check', { code });
  if (!answer.url().includes('/welcome')) throw new Error(`sign-in by code failed: ${answer.status()} ${answer.url()}`);
  if (named) {
    const welcomed = await postForm(api, '/welcome', { name: 'Ann Example', next: '/' }, false);
    // A name that did not take would show up much later as a snapshot of someone unnamed.
    if (welcomed.status() !== 303) throw new Error(`naming the new account failed: ${welcomed.status()} ${(await welcomed.text()).slice(0, 300)}`);
  }
  return email;
}

/** The values of this preparation's placeholders: `handle`, the dates `week`, `fortnight` and
 *  `month` (7, 14 and 30 days from now, as `YYYY-MM-DD` in UTC, for closing and meeting times,
 *  which must be in the future), and what `before` steps captured. */
let placeholders: Record<string, string> = {};
/** A new group handle for each preparation of a state, so states never collide. */
function uniqueHandle(): string {
  return `qg-${process.pid}-${Date.now()}-${counter++}`;
}

/** A route's path, form or answers with its placeholders filled in: `{handle}` is the group
 *  handle of this preparation, `{thread}` (or any name a `before` step captured) its value. */
export function withPlaceholders(text: string): string {
  return text.replace(/\{([a-z]+)\}/g, (whole, name: string) => placeholders[name] ?? whole);
}

/** Where a route's form posts. */
export function formPath(route: Route, path: string): string {
  return route.form ? withPlaceholders(route.form) : path;
}

/** The text of a piece of HTML as a screen reader gets it from a link: tags dropped (visually
 *  hidden text kept), entities decoded, white space collapsed. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_, e: string) => {
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
      if (e[0] !== '#') return named[e.toLowerCase()];
      return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** The path of a file in `fixtures/`, for file fields. */
export function fixture(name: string): string {
  return join(__dirname, 'fixtures', name);
}

/** Comments of a few hundred characters with some markdown, each different, for `{sample}`. */
const SAMPLES: string[] = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'comments.json'), 'utf8'));

/** The address of the person this preparation signed in last, and first. */
let signedInAs = '';
let signedInFirst = '';

/** Signs in again as `email`, an account that exists, by the emailed code. */
async function signInAgain(api: APIRequestContext, email: string) {
  await postForm(api, '/sign-in', { email });
  const code = (await latestEmail(email, /Subject: Sign in to Quorum/)).match(/\b(\d{3} \d{3})\b/)?.[1] ?? '';
  const answer = await postForm(api, '/sign-in/check', { code });
  if (answer.status() >= 400) throw new Error(`signing in again failed: ${answer.status()} ${answer.url()}`);
  signedInAs = email;
}

/** Runs one `before` step (see `Step` in routes.ts). Returns the email address it used, if any. */
async function runStep(api: APIRequestContext, step: Step): Promise<string | undefined> {
  if (step.signOut) {
    await postForm(api, '/sign-out', {});
    return undefined;
  }
  if (step.signIn) {
    signedInAs = await signIn(api, true);
    return undefined;
  }
  if (step.signInAgain) {
    await signInAgain(api, signedInFirst);
    return undefined;
  }
  if (step.operator) {
    // As an operator of the instance would: the command, on the suite server's data folder.
    const binary = join(__dirname, '..', 'target', 'release', 'quorum');
    execFileSync(binary, ['--data-dir', process.env.QUORUM_TEST_DATA_DIR ?? '', 'operator', 'add', signedInAs], { stdio: 'ignore' });
    return undefined;
  }
  const path = withPlaceholders(step.path ?? '');
  let email: string | undefined;
  const first = step.first ?? 1;
  const times = step.repeat ?? 1;
  for (let n = first; n < first + times; n++) {
    const fields: Record<string, string | string[]> = {};
    const fill = (value: string) => withPlaceholders(value).replaceAll('{n}', String(n)).replaceAll('{sample}', SAMPLES[(n - 1) % SAMPLES.length]);
    for (const [name, value] of Object.entries(step.fields ?? {})) {
      fields[name] = Array.isArray(value) ? value.map(fill) : value === 'unique' ? uniqueEmail('before') : fill(value);
    }
    const address = fields.email ?? fields.addresses;
    email = typeof address === 'string' ? address : email;
    const answer = await postForm(api, path, fields, false, step.files);
    if (step.repeat && answer.status() >= 400) throw new Error(`before step ${path} ({n} = ${n}) was answered ${answer.status()}`);
    for (const [name, pattern] of Object.entries(step.capture ?? {})) {
      const location = answer.headers().location ?? '';
      const value = location.match(new RegExp(pattern))?.[1];
      if (!value) throw new Error(`before step ${path} was answered ${answer.status()} to "${location}": no ${name} matching ${pattern}`);
      placeholders[name] = value;
    }
  }
  return email;
}

/** Does what must happen before a route's state can be seen, through `api` (which shares its
 *  cookies with the browser page when it is `page.request`). Returns the path to open. */
export async function prepare(api: APIRequestContext, route: Route): Promise<string> {
  const daysAhead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  placeholders = { handle: uniqueHandle(), week: daysAhead(7), fortnight: daysAhead(14), month: daysAhead(30) };
  signedInAs = route.signedIn ? await signIn(api, route.signedIn === 'named') : '';
  signedInFirst = signedInAs;
  let lastEmail = '';
  for (const step of route.before ?? []) lastEmail = (await runStep(api, step)) ?? lastEmail;
  if (route.emailLink) {
    const pattern = route.emailLink === 'invitation'
      ? /https?:\/\/[^\s"<]*\/invitations\/[A-Za-z0-9_-]{43}/
      : route.emailLink === 'unsubscribe'
        ? /https?:\/\/[^\s"<>]*\/unsubscribe\/[A-Za-z0-9_.-]+/
        : /https?:\/\/[^\s"<]*\/sign-in\/link\/[A-Za-z0-9_-]+/;
    const to = route.emailLink === 'unsubscribe' ? signedInFirst : lastEmail;
    const link = (await latestEmail(to, route.emailLink === 'unsubscribe' ? /unsubscribe/ : undefined)).match(pattern)?.[0];
    if (!link) throw new Error('no link in the email');
    return new URL(link).pathname;
  }
  if (route.followLink) {
    const from = withPlaceholders(route.followLink.from);
    const html = await (await api.get(from)).text();
    const href = [...html.matchAll(/<a href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)].find((m) => htmlText(m[2]) === route.followLink?.text)?.[1];
    if (!href) throw new Error(`no link "${route.followLink.text}" on ${from}`);
    // The page itself, without a fragment: a fragment moves where Tab starts, and the keyboard
    // walk checks the page from its top.
    return href.replaceAll('&amp;', '&').replace(/#.*$/, '');
  }
  return withPlaceholders(route.path);
}

/** A route's form answers, with "unique" replaced by a new address (so that per-address rate
 *  limits, which the suite does not widen, are never reached by repeating a state) and the
 *  placeholders filled in. */
export function answers(route: Route): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(route.submit ?? {}).map(([k, v]) => [k, v === 'unique' ? uniqueEmail('answer') : Array.isArray(v) ? v : withPlaceholders(v)]),
  );
}

/** Opens a route's state in the browser the way a person would reach it. */
export async function openState(page: Page, route: Route): Promise<number> {
  const path = await prepare(page.request, route);
  const response = await page.goto(path);
  if (!route.submit) return response?.status() ?? 0;
  const form = route.form ? page.locator(`main form[action="${withPlaceholders(route.form)}"]`) : page.locator('main form').first();
  const fields = answers(route);
  await fillForm(form, fields);
  for (const [name, list] of Object.entries(route.files ?? {})) {
    await form.locator(`input[type="file"][name="${name}"]`).setInputFiles(list.map(fixture));
  }
  // An answer that names one of the form's submit buttons (such as intent=preview) is sent by
  // pressing that button, as a person would; otherwise the first button sends the form.
  const buttons = form.locator('button[type="submit"]');
  const named = await buttons.evaluateAll((bs) => bs.map((b) => [b.getAttribute('name'), b.getAttribute('value')]));
  const pressed = named.findIndex(([name, value]) => name !== null && name in fields && [fields[name]].flat()[0] === value);
  const [posted] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    buttons.nth(Math.max(pressed, 0)).click(),
  ]);
  await page.waitForLoadState('load');
  return posted.status();
}

/** Types into text fields and ticks radios and checkboxes, by field name. A name that belongs to
 *  a submit button is left for `openState` to press. */
export async function fillForm(form: Locator, fields: Record<string, string | string[]>) {
  for (const [name, value] of Object.entries(fields)) {
    const controls = form.locator(`[name="${name}"]`);
    const type = await controls.first().getAttribute('type');
    if (type === 'submit') continue;
    if (type === 'radio' || type === 'checkbox') {
      for (const v of [value].flat()) await form.locator(`[name="${name}"][value="${v}"]`).check();
    } else {
      await controls.first().fill([value].flat().join(''));
    }
  }
}

/** What a browser sends for a route's form: the form's hidden fields (except the CSRF token,
 *  which `postForm` adds) and the radios and checkboxes ticked as it comes, with the route's
 *  answers over them. */
export async function formFields(api: APIRequestContext, route: Route, path: string): Promise<Record<string, string | string[]>> {
  const html = await (await api.get(path)).text();
  const action = formPath(route, path);
  const form = [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(`action="${action}"`)) ?? '';
  const sent: Record<string, string | string[]> = {};
  for (const [input] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = input.match(/name="([^"]*)"/)?.[1];
    const type = input.match(/type="([^"]*)"/)?.[1];
    const value = input.match(/value="([^"]*)"/)?.[1] ?? '';
    if (!name || name === 'csrf_token') continue;
    if (type === 'hidden') sent[name] = value;
    else if ((type === 'radio' || type === 'checkbox') && /\schecked\b/.test(input)) sent[name] = name in sent ? [sent[name], value].flat() : value;
  }
  return { ...sent, ...answers(route) };
}

/** The HTML exactly as the server sends it for a route's state (not the browser's DOM). */
export async function servedHtml(request: APIRequestContext, route: Route): Promise<{ status: number; html: string }> {
  const path = await prepare(request, route);
  const response = route.submit
    ? await postForm(request, formPath(route, path), await formFields(request, route, path), true, route.files)
    : await request.get(path, { maxRedirects: 0 });
  return { status: response.status(), html: await response.text() };
}

interface Stop {
  description: string;
  /** Position in document order among all elements, to compare with the reading order. */
  order: number;
  focusVisible: boolean;
  inViewport: boolean;
  isSkipLink: boolean;
}

/** Describes the focused element: what it is, where it is in the document, and whether its
 *  focus can be seen (an outline of at least 3px, or a box shadow, that differs from its
 *  unfocused style). */
async function focusedStop(page: Page): Promise<Stop | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement) return null;
    const all = Array.from(document.querySelectorAll('*'));
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 3;
    const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
    const rect = el.getBoundingClientRect();
    const label = (el.getAttribute('aria-label') || el.textContent || (el as HTMLInputElement).name || '').trim().slice(0, 40);
    return {
      description: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${label}"`,
      order: all.indexOf(el),
      focusVisible: outline || shadow,
      inViewport: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0,
      isSkipLink: el.matches('a.q-skip-link[href="#main"]'),
    };
  });
}

/** A keyboard walk from the top of the page: the first Tab reaches the skip link; every stop
 *  shows a visible focus style and is on screen once focused; stops come in reading order; and
 *  Tab never gets stuck (it leaves the page after the last control and comes back to the start). */
export async function keyboardProblems(page: Page): Promise<{ problems: string[]; stops: string[] }> {
  const problems: string[] = [];
  const stops: Stop[] = [];
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const focusable = await page
    .locator('a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])')
    .count();
  // Chromium gives each part of a date or time field a Tab stop of its own (day, month, year,
  // hours, minutes, and AM/PM where the locale has it).
  const dateParts = await page.locator('input[type="datetime-local"]').count() * 6
    + await page.locator('input[type="date"], input[type="time"]').count() * 3;
  const limit = focusable + dateParts + 5;
  let returned = false;
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const stop = await focusedStop(page);
    if (stop === null) {
      // Focus left the document (to the browser's own controls): the walk is complete.
      if (stops.length > 0) {
        await page.keyboard.press('Tab');
        const again = await focusedStop(page);
        returned = again?.isSkipLink ?? false;
        break;
      }
      continue;
    }
    if (stops.length > 0 && stop.order === stops[0].order) {
      returned = true;
      break;
    }
    stops.push(stop);
  }
  if (stops.length === 0) problems.push('Tab reached nothing on the page');
  else if (!stops[0].isSkipLink) problems.push(`the first Tab reached ${stops[0].description}, not the skip link to #main`);
  for (const stop of stops) {
    if (!stop.focusVisible) problems.push(`no visible focus style on ${stop.description}`);
    if (!stop.inViewport) problems.push(`${stop.description} is not on screen when focused`);
  }
  for (let i = 1; i < stops.length; i++) {
    if (stops[i].order < stops[i - 1].order) problems.push(`Tab order goes back from ${stops[i - 1].description} to ${stops[i].description}`);
  }
  if (stops.length > 0 && !returned) problems.push(`Tab did not return to the start after ${stops.length} stops: focus is trapped`);
  return { problems, stops: stops.map((s) => s.description) };
}

/** Links whose accessible names are the same but which lead to different places (WCAG 2.4.9,
 *  link purpose from the link alone): a screen reader's list of links would show two "Edit"s
 *  with nothing to tell them apart. The name is computed as a browser does for a link: its
 *  aria-label, or else its text (visually hidden text included, `aria-hidden` parts and
 *  nothing else left out) and the text alternative of any image in it. */
export async function ambiguousLinks(page: Page): Promise<string[]> {
  const links = await page.evaluate(() => {
    const text = (node: Node): string => {
      if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
      if (!(node instanceof Element) || node.getAttribute('aria-hidden') === 'true') return '';
      if (node instanceof HTMLImageElement) return node.alt;
      return Array.from(node.childNodes).map(text).join('');
    };
    return Array.from(document.querySelectorAll<HTMLAnchorElement>('a[href]')).map((a) => ({
      name: (a.getAttribute('aria-label') ?? text(a)).replace(/\s+/g, ' ').trim().toLowerCase(),
      href: a.href,
    }));
  });
  const places = new Map<string, Set<string>>();
  for (const { name, href } of links) {
    if (!places.has(name)) places.set(name, new Set());
    places.get(name)!.add(href);
  }
  return [...places]
    .filter(([, hrefs]) => hrefs.size > 1)
    .map(([name, hrefs]) => `"${name}" leads to ${hrefs.size} places: ${[...hrefs].map((h) => new URL(h).pathname + new URL(h).search).join(', ')}`);
}

/** Whether the page makes the reader scroll sideways (WCAG 1.4.10, reflow). Elements that
 *  scroll inside themselves, such as a wide table's region, do not count. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** The page read by the Lynx text browser, as a person using it would see it. */
export async function lynxDump(html: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'quorum-lynx-'));
  try {
    const file = join(dir, 'page.html');
    writeFileSync(file, html);
    const { stdout } = await run('lynx', ['-dump', '-force_html', '-nolist', '-display_charset=utf-8', '-width=100', file]);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What Lynx must show: the main heading and the text of every label and legend. */
export async function lynxProblems(html: string, h1: string, labels: string[]): Promise<string[]> {
  const text = (await lynxDump(html)).replace(/\s+/g, ' ');
  const problems: string[] = [];
  if (!text.includes(h1)) problems.push(`Lynx does not show the main heading "${h1}"`);
  for (const label of labels) if (!text.includes(label)) problems.push(`Lynx does not show the label "${label}"`);
  return problems;
}

const VNU_JAR = resolve(__dirname, '..', 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');

/** The Nu HTML checker on a set of documents at once (one Java start for all). Returns the
 *  errors per document name. */
export async function htmlErrors(documents: Record<string, string>): Promise<Record<string, string[]>> {
  const dir = mkdtempSync(join(tmpdir(), 'quorum-vnu-'));
  try {
    const files: string[] = [];
    const byFile = new Map<string, string>();
    for (const [name, html] of Object.entries(documents)) {
      const file = join(dir, `${name}.html`);
      writeFileSync(file, html);
      files.push(file);
      byFile.set(`file:${file}`, name);
    }
    let output: string;
    try {
      output = execFileSync('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', '--stdout', ...files], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (e) {
      // vnu exits 1 when it finds errors; its report is still on stdout.
      output = (e as { stdout?: string }).stdout ?? '';
      if (!output) throw e;
    }
    const report = JSON.parse(output) as { messages: { type: string; url?: string; message: string; lastLine?: number }[] };
    const result: Record<string, string[]> = Object.fromEntries(Object.keys(documents).map((n) => [n, []]));
    for (const m of report.messages) {
      if (m.type !== 'error') continue;
      const name = (m.url && byFile.get(m.url.replace(/^file:\/*/, 'file:/'))) ?? m.url ?? 'unknown';
      (result[name] ??= []).push(`line ${m.lastLine ?? '?'}: ${m.message}`);
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Presses Tab until the element with this accessible role and name (inside `within`, the
 *  whole page by default) has focus, as a keyboard user moves through a page. */
export async function tabTo(
  page: Page,
  role: 'textbox' | 'radio' | 'checkbox' | 'button' | 'link',
  name: string | RegExp,
  within: Page | Locator = page,
) {
  await tabToElement(page, within.getByRole(role, { name, exact: typeof name === 'string' }), `the ${role} "${name}"`);
}

/** Presses Tab until `target` (one element) has focus; `description` names it in the error. */
export async function tabToElement(page: Page, target: Locator, description = String(target)) {
  // Fail soon, naming what is missing, rather than wait on each Tab for what is not there (the
  // wait lets a page that is still loading after the last key press arrive).
  await target.waitFor({ state: 'attached', timeout: 10_000 }).catch(() => {
    throw new Error(`there is no ${description} on the page`);
  });
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`Tab never reached ${description}`);
}

/** Signs in a new person with the keyboard, from the sign-in page, by the code from their
 *  email, and names them. */
export async function signInByKeyboard(page: Page, email: string, name: string) {
  await tabTo(page, 'textbox', 'Email address');
  await page.keyboard.type(email);
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Check your email – Quorum');
  const signInMail = await latestEmail(email, /Subject: (Create your Quorum account|Sign in to Quorum)/);
  const code = signInMail.match(/\b(\d{3} \d{3})\b/)?.[1] ?? '';
  await tabTo(page, 'textbox', 'Code from the email');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('What should we call you? – Quorum');
  await tabTo(page, 'textbox', 'Your name');
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('link', { name: `Your account (${name})` })).toBeVisible();
}

export interface Heading {
  level: number;
  text: string;
}

/** The page's headings in document order, with their levels and text (white space collapsed). */
export async function headingOutline(page: Page): Promise<Heading[]> {
  return page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((hs) =>
    hs.map((h) => ({ level: Number(h.tagName[1]), text: (h.textContent ?? '').replace(/\s+/g, ' ').trim() })),
  );
}

/** Skipped heading levels (WCAG 1.3.1, 2.4.10): each heading may go at most one level deeper
 *  than the one before it. The outline starts under an imagined level 1, so an error summary's
 *  h2 may come before the page's h1, as the GOV.UK pattern puts it. */
export function headingProblems(outline: Heading[]): string[] {
  const problems: string[] = [];
  let previous = 1;
  for (const { level, text } of outline) {
    if (level > previous + 1) problems.push(`h${level} "${text}" follows an h${previous}: h${previous + 1} is skipped`);
    previous = level;
  }
  return problems;
}

/** The outline as text for a snapshot: one "h<level> text" a line, indented by level, with
 *  dates and times (which change from run to run) written as "<time>". */
export function outlineText(outline: Heading[]): string {
  return outline
    .map(({ level, text }) => `${'  '.repeat(level - 1)}h${level} ${text.replace(/\b\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} UTC\b/g, '<time>')}`)
    .join('\n') + '\n';
}
