// A ranked-choice poll as people use it, with the keyboard alone, in both projects (JavaScript
// on and off): a member signs in, starts a ranked-choice poll in a thread (choosing the kind,
// then filling the form), ranks the options with the rank selects, checks the vote and casts
// it, reads the results table and its summary, then closes the poll and writes the outcome.
// Only page.keyboard moves and acts; the mouse is never used. The group and the thread are
// made by posting their forms, as the thread journey already walks through them by keyboard.
// A second test walks the meeting-time form, whose date-and-time fields the routes' keyboard
// walk cannot cover (see below).
import { expect, test, type Page } from '@playwright/test';
import { axeProblems, postForm, signIn, signInByKeyboard, tabTo, tabToElement, uniqueEmail } from './checks';

/** A `datetime-local` value `days` from now, in UTC (the zone of a new account). */
function daysAhead(days: number): { year: string; month: string; day: string } {
  const at = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  return {
    year: String(at.getUTCFullYear()),
    month: String(at.getUTCMonth() + 1).padStart(2, '0'),
    day: String(at.getUTCDate()).padStart(2, '0'),
  };
}

/** Types a date and time into the focused `datetime-local` field, as a keyboard user does in
 *  Chromium's field in the suite's en-US locale: month, day and year (each moves on to the
 *  next part once complete, except the year), Tab to the time, then hours, minutes and AM/PM. */
async function typeDateTime(page: Page, days: number, time: { hours: string; minutes: string; pm: boolean }) {
  const { year, month, day } = daysAhead(days);
  await page.keyboard.type(`${month}${day}${year}`);
  await page.keyboard.press('Tab');
  await page.keyboard.type(`${time.hours}${time.minutes}${time.pm ? 'P' : 'A'}`);
}

/** Moves through a group of radios with the arrow keys, as Tab stops only once in a group,
 *  until the radio named `name` has focus (which also checks it). */
async function arrowToRadio(page: Page, name: string | RegExp) {
  const target = page.getByRole('radio', { name, exact: typeof name === 'string' });
  for (let i = 0; i < 12; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`the arrow keys never reached the radio "${name}"`);
}

/** Chooses an option of the focused select by keyboard: typing its text selects it. */
async function chooseInSelect(page: Page, text: string) {
  await page.keyboard.type(text);
}

test('a member starts a ranked-choice poll, votes, closes it and writes the outcome, by keyboard alone', async ({ page }, info) => {
  test.setTimeout(120_000);
  const handle = `kp-${process.pid}-${Date.now()}`;
  const name = 'Rosa Tenant';

  await page.goto('/');
  await tabTo(page, 'link', 'Sign in');
  await page.keyboard.press('Enter');
  await signInByKeyboard(page, uniqueEmail('voter'), name);
  await postForm(page.request, '/groups/new', { name: 'Canal Street Tenants', handle, description: '', privacy: 'open', join_mode: 'open' });
  const started = await postForm(
    page.request,
    `/g/${handle}/threads/new`,
    { title: 'Spending the repair fund', context: 'We have £600 left this year.', visibility: 'public' },
    false,
  );
  const thread = (started.headers().location ?? '').split('?')[0];
  expect(thread).toMatch(/^\/t\/[0-9a-f]{32}$/);

  // From the thread, "Start a poll" asks for the kind first.
  await page.goto(thread);
  await tabTo(page, 'link', 'Start a poll');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Start a poll – Quorum');
  // Continuing without a kind asks for one, with the error summary first.
  await tabTo(page, 'button', 'Continue');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Error: Start a poll – Quorum');
  await expect(page.getByRole('alert')).toContainText('Choose the kind of poll');
  await tabTo(page, 'radio', 'Proposal');
  await arrowToRadio(page, 'Ranked choice');
  await expect(page.getByRole('radio', { name: 'Ranked choice' })).toBeChecked();
  await tabTo(page, 'button', 'Continue');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Start a poll: ranked choice – Quorum');

  // The form: a title, one option a line, and a closing time a week ahead.
  await tabTo(page, 'textbox', 'Title');
  await page.keyboard.type('How should we spend the repair fund?');
  await tabTo(page, 'textbox', 'Options');
  await page.keyboard.type('New lights in the stairwell\nA bench in the courtyard\nPaint for the entrance');
  await tabToElement(page, page.getByLabel('Closing time'), 'the closing time');
  await typeDateTime(page, 7, { hours: '05', minutes: '00', pm: true });
  await expect(page.getByLabel('Closing time')).toHaveValue(/^\d{4}-\d{2}-\d{2}T17:00$/);
  await tabTo(page, 'radio', /^Borda count/);
  await arrowToRadio(page, /^Instant runoff/);
  await expect(page.getByRole('radio', { name: /^Instant runoff/ })).toBeChecked();
  await tabTo(page, 'button', 'Start poll');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/p\/[0-9a-f]{32}\?done=started$/);
  await expect(page.getByRole('status')).toContainText('The poll has started.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('How should we spend the repair fund?');

  // Ranking with the selects: a select per option, named by the option, in the page's order.
  // Typing the place's name picks it, as in any select.
  const ballot = page.getByRole('form', { name: 'Your ballot' });
  await tabToElement(page, ballot.getByRole('combobox', { name: 'Rank for New lights in the stairwell' }), 'the rank for the lights');
  await chooseInSelect(page, '2nd');
  await tabToElement(page, ballot.getByRole('combobox', { name: 'Rank for A bench in the courtyard' }), 'the rank for the bench');
  await chooseInSelect(page, '1st');
  await expect(ballot.getByRole('combobox', { name: 'Rank for A bench in the courtyard' })).toHaveValue('1');
  await expect(ballot.getByRole('combobox', { name: 'Rank for New lights in the stairwell' })).toHaveValue('2');
  await tabTo(page, 'textbox', 'Your reason (optional)', ballot);
  await page.keyboard.type('Somewhere to sit while we wait for the lift.');
  await tabTo(page, 'button', 'Continue', ballot);
  await page.keyboard.press('Enter');

  // "Check your vote" lists the ranks in words before anything counts.
  await expect(page).toHaveTitle('Check your vote – Quorum');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your vote');
  await expect(page.getByRole('listitem').filter({ hasText: '1. A bench in the courtyard' })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: '2. New lights in the stairwell' })).toBeVisible();
  if (info.project.name === 'javascript-on') expect(await axeProblems(page)).toEqual([]);
  await tabTo(page, 'button', 'Cast vote');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/p\/[0-9a-f]{32}\?done=voted$/);
  await expect(page.getByRole('status')).toContainText('Your vote has been counted.');
  const poll = new URL(page.url()).pathname;

  // The results: a table with a caption, and a summary in a sentence.
  const results = page.getByRole('region', { name: 'Results' });
  await expect(results.getByRole('table')).toBeVisible();
  await expect(results.locator('caption')).not.toBeEmpty();
  await expect(results.locator('p.q-lead')).toContainText('A bench in the courtyard');
  await expect(page.getByText('1 of 1 person has voted.')).toBeVisible();

  // Closing early asks to confirm first.
  await tabTo(page, 'link', 'Close the poll now');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Close the poll now? – Quorum');
  await tabTo(page, 'button', 'Close the poll');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(`${poll}?done=closed`);
  await expect(page.getByRole('status')).toContainText('The poll is closed.');
  await expect(page.getByRole('form', { name: 'Your ballot' })).toHaveCount(0);

  // The outcome, written once the poll is closed.
  await tabTo(page, 'link', 'Write the outcome');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Write the outcome – Quorum');
  await tabTo(page, 'textbox', 'Outcome statement');
  await page.keyboard.type('We buy **a bench** for the courtyard this month.');
  await tabTo(page, 'button', 'Save outcome');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(`${poll}?done=outcome`);
  await expect(page.getByRole('status')).toContainText('The outcome has been saved');
  const outcome = page.getByRole('region', { name: 'Outcome' });
  await expect(outcome.getByRole('strong')).toHaveText('a bench');
  await expect(outcome).toContainText(`Written by ${name} on`);
});

// The meeting form has nine date-and-time fields, and Chromium stops Tab at each part of each
// one (month, day, year, hours, minutes, AM/PM and the calendar button), so the routes' keyboard
// walk, which allows a few stops more than there are controls, cannot finish on it. This walks
// it in full instead: every stop in order shows its focus, and the form's error state links each
// error to its field.
test('the meeting form can be walked and filled by keyboard, its errors linked to the fields', async ({ page }, info) => {
  test.setTimeout(90_000);
  const handle = `km-${process.pid}-${Date.now()}`;
  await signIn(page.request, true);
  await postForm(page.request, '/groups/new', { name: 'Canal Street Tenants', handle, description: '', privacy: 'open', join_mode: 'open' });
  const started = await postForm(page.request, `/g/${handle}/threads/new`, { title: 'Meeting the council', context: '', visibility: 'public' }, false);
  const thread = (started.headers().location ?? '').split('?')[0];
  await page.goto(`${thread}/polls/new?kind=meeting`);
  await expect(page).toHaveTitle('Start a poll: meeting time – Quorum');
  if (info.project.name === 'javascript-on') expect(await axeProblems(page)).toEqual([]);

  // Tab from the top to the "Start poll" button: every stop is seen, in reading order.
  const problems: string[] = [];
  let last = -1;
  let stops = 0;
  for (; stops < 150; stops++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return {
        id: el.id || el.tagName,
        order: Array.from(document.querySelectorAll('*')).indexOf(el),
        visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 3) || (style.boxShadow !== 'none' && style.boxShadow !== ''),
        button: el.textContent?.trim() === 'Start poll',
      };
    });
    if (!stop.visible) problems.push(`no visible focus on ${stop.id}`);
    if (stop.order < last) problems.push(`Tab goes back to ${stop.id}`);
    last = stop.order;
    if (stop.button) break;
  }
  expect(problems).toEqual([]);
  expect(stops).toBeLessThan(150);

  // A time in the past: the error summary comes first and links to the first time field.
  await page.getByLabel('Title').focus();
  await page.keyboard.type('When shall we meet the council?');
  await tabToElement(page, page.getByLabel('Time 1', { exact: true }), 'the first time');
  await page.keyboard.type('01012020');
  await page.keyboard.press('Tab');
  await page.keyboard.type('1000A');
  await tabTo(page, 'button', 'Start poll');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Error: Start a poll: meeting time – Quorum');
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('link', { name: 'Every time must be in the future' })).toHaveAttribute('href', '#time-0');
  await expect(page.locator('#time-0-error')).toBeVisible();
  await expect(summary.getByRole('link', { name: 'Enter when the poll closes' })).toHaveAttribute('href', '#closes_at');
  if (info.project.name === 'javascript-on') expect(await axeProblems(page)).toEqual([]);
});
