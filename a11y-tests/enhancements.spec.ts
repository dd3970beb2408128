// The progressive enhancements of public/enhance.js, as people meet them, in both projects.
// With JavaScript on: a text box with a length limit shows the GOV.UK character count under it,
// described to the field and updated as the person types, and a visually hidden polite live
// region says the same once typing pauses (the page's clock is Playwright's, so the pause is
// exact, not slept); over the limit the count says "too many", as the server counts (a line
// break is the two characters a browser sends); the dot vote's running total updates in a
// polite status region; and axe passes with all of it shown. With JavaScript off: the same
// pages show none of it, and the same forms send and are checked by the server as ever.
import { expect, test, type Page } from '@playwright/test';
import { axeProblems, postForm, signIn } from './checks';

/**
 * Installs Playwright's clock and stops it, so that only `runFor` moves the page's time: an
 * installed clock otherwise also runs with the real one, and a slow machine's real second
 * would announce the count before the test has stopped typing. It must run again (`resume`)
 * before axe, which waits on timers of its own.
 */
async function stoppedClock(page: Page) {
  const start = new Date('2026-01-01T09:00:00Z');
  await page.clock.install({ time: start });
  return () => page.clock.pauseAt(new Date(start.getTime() + 60_000));
}

/** The pause after the last keystroke before the live region speaks (as in enhance.js). */
const ANNOUNCE_AFTER_MS = 1000;

/** A thread of a new open group, made by posting the forms, with the person signed in. */
async function newThread(page: Page): Promise<string> {
  await signIn(page.request, true);
  const handle = `en-${process.pid}-${Date.now()}`;
  await postForm(page.request, '/groups/new', { name: 'Riverside Tenants', handle, description: '', privacy: 'open', join_mode: 'open' });
  const started = await postForm(page.request, `/g/${handle}/threads/new`, { title: 'Heating repairs in block B', context: '', visibility: 'public' }, false);
  const thread = (started.headers().location ?? '').split('?')[0];
  expect(thread).toMatch(/^\/t\/[0-9a-f]{32}$/);
  return thread;
}

/** A dot vote of 10 dots over three options, in a new thread; returns its address. */
async function newDotVote(page: Page): Promise<string> {
  const thread = await newThread(page);
  const week = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const started = await postForm(
    page.request,
    `${thread}/polls/new?kind=dot-vote`,
    {
      title: 'Where should our budget go?',
      details: '',
      options: 'Write to the landlord\nAsk the council to inspect\nBuy heaters for the block',
      dot_total: '10',
      time_zone: 'UTC',
      closes_at: `${week}T12:00`,
      hide_results: 'never',
      reason: 'optional',
    },
    false,
  );
  const poll = (started.headers().location ?? '').split('?')[0];
  expect(poll).toMatch(/^\/p\/[0-9a-f]{32}$/);
  return poll;
}

test.describe('with JavaScript on', () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, 'the enhancements need scripts');

  test('a comment box counts what is typed, and the live region says it once typing pauses', async ({ page }) => {
    const thread = await newThread(page);
    const stop = await stoppedClock(page);
    await page.goto(thread);
    await stop();
    const box = page.getByRole('textbox', { name: 'Your comment' });
    const count = page.locator('#body-count');
    const live = page.locator('#body-count + [aria-live="polite"]');

    await expect(count).toHaveText('You have 10,000 characters remaining');
    await expect(count).toBeVisible();
    await expect(count).toHaveAttribute('aria-hidden', 'true');
    await expect(live).toHaveClass(/\bq-visually-hidden\b/);
    await expect(box).toHaveAttribute('aria-describedby', 'body-hint body-count');
    await expect(box).toHaveAccessibleDescription(/ You have 10,000 characters remaining$/);
    // Nothing is announced before the person types.
    await expect(live).toHaveText('');

    await box.pressSequentially('Hello');
    await expect(count).toHaveText('You have 9,995 characters remaining');
    await expect(box).toHaveAccessibleDescription(/ You have 9,995 characters remaining$/);
    // Seen at once, said only after a pause: not while the person is still typing.
    await page.clock.runFor(ANNOUNCE_AFTER_MS - 100);
    await expect(live).toHaveText('');
    await box.pressSequentially(' all');
    await page.clock.runFor(ANNOUNCE_AFTER_MS - 100);
    await expect(live).toHaveText('');
    await page.clock.runFor(200);
    await expect(live).toHaveText('You have 9,991 characters remaining');
    await expect(count).toHaveText('You have 9,991 characters remaining');

    // Pasted text counts too, and axe finds nothing wrong with the count shown.
    await box.fill('x'.repeat(9_999));
    await expect(count).toHaveText('You have 1 character remaining');
    await page.clock.runFor(ANNOUNCE_AFTER_MS);
    await expect(live).toHaveText('You have 1 character remaining');
    await page.clock.resume(); // axe waits on timers of its own
    expect(await axeProblems(page)).toEqual([]);
  });

  test('over the limit the count says how many too many, as the server counts them', async ({ page }) => {
    const stop = await stoppedClock(page);
    await page.goto('/design/forms');
    await stop();
    const message = page.getByRole('textbox', { name: 'Message' });
    const count = page.locator('#message-count');
    const live = page.locator('#message-count + [aria-live="polite"]');
    await expect(count).toHaveText('You have 500 characters remaining');

    await message.fill('x'.repeat(505));
    await expect(count).toHaveText('You have 5 characters too many');
    await expect(count).toHaveClass(/\bq-character-count--over\b/);
    await expect(message).toHaveClass(/\bq-textarea--error\b/);
    await page.clock.runFor(ANNOUNCE_AFTER_MS);
    await expect(live).toHaveText('You have 5 characters too many');
    await page.clock.resume(); // axe waits on timers of its own
    expect(await axeProblems(page)).toEqual([]);

    // Back within the limit, the warning goes. A character beyond the Basic Multilingual Plane
    // is one character, as the server counts it.
    await message.fill('x'.repeat(499) + '😀');
    await expect(count).toHaveText('You have 0 characters remaining');
    await expect(count).not.toHaveClass(/\bq-character-count--over\b/);
    await expect(message).not.toHaveClass(/\bq-textarea--error\b/);

    // A line break is sent as two characters (CR LF), and the server counts both: so does the
    // count, and the server refuses what the count said was one too many.
    await message.fill('x'.repeat(250) + '\n' + 'x'.repeat(249));
    await expect(count).toHaveText('You have 1 character too many');
    await page.getByRole('textbox', { name: 'Full name' }).fill('Ann Lee');
    await page.getByRole('textbox', { name: 'Email address' }).fill('ann@example.org');
    await page.getByRole('radio', { name: 'Email', exact: true }).check();
    await page.getByRole('button', { name: 'Send message' }).click();
    await expect(page).toHaveTitle('Error: Form pattern – Quorum');
    await expect(page.locator('#message-error')).toContainText('Message must be 500 characters or fewer');
    // The answer comes back with its count, still over, next to the server's error.
    await expect(page.locator('#message-count')).toHaveText('You have 1 character too many');
    await expect(message).toHaveAttribute('aria-describedby', 'message-hint message-error message-count');
    expect(await axeProblems(page)).toEqual([]);
  });

  test('the dot vote keeps a running total in a polite status region', async ({ page }) => {
    const poll = await newDotVote(page);
    await page.goto(poll);
    const ballot = page.getByRole('form', { name: 'Your ballot' });
    const dots = ballot.getByRole('group', { name: /Share out up to 10 dots/ });
    const total = dots.getByRole('status');
    await expect(total).toHaveText('0 of 10 dots used');
    await expect(total).toHaveAttribute('aria-live', 'polite');

    await dots.getByRole('textbox', { name: 'Write to the landlord' }).fill('6');
    await expect(total).toHaveText('6 of 10 dots used');
    await dots.getByRole('textbox', { name: 'Ask the council to inspect' }).fill('3');
    await expect(total).toHaveText('9 of 10 dots used');
    await dots.getByRole('textbox', { name: 'Buy heaters for the block' }).fill('2');
    await expect(total).toHaveText('11 of 10 dots used: 1 too many');
    await expect(total).toHaveClass(/\bq-dot-total--over\b/);
    expect(await axeProblems(page)).toEqual([]);

    // The server still checks the sum: the over-full ballot comes back with its error and its
    // total, still over.
    await ballot.getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveTitle(/^Error: /);
    await expect(page.getByRole('alert')).toContainText('You have given 11 dots; share out no more than 10');
    await expect(page.getByRole('group', { name: /Share out up to 10 dots/ }).getByRole('status')).toHaveText('11 of 10 dots used: 1 too many');
    expect(await axeProblems(page)).toEqual([]);

    await page.getByRole('textbox', { name: 'Buy heaters for the block' }).fill('1');
    await expect(page.getByRole('group', { name: /Share out up to 10 dots/ }).getByRole('status')).toHaveText('10 of 10 dots used');
    await page.getByRole('form', { name: 'Your ballot' }).getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveTitle('Check your vote – Quorum');
  });
});

test.describe('with JavaScript off', () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled, 'what the pages are without the enhancements');

  test('text boxes have no count, and the form sends and is checked by the server', async ({ page }) => {
    await page.goto('/design/forms');
    const message = page.getByRole('textbox', { name: 'Message' });
    await expect(page.locator('.q-character-count')).toHaveCount(0);
    await expect(message).toHaveAttribute('data-maxlength', '500');
    await expect(message).not.toHaveAttribute('maxlength', /.*/);
    await expect(message).toHaveAccessibleDescription('You can enter up to 500 characters.');
    // Nothing cuts what is typed: the server says what to fix.
    await message.fill('x'.repeat(505));
    await expect(message).toHaveValue('x'.repeat(505));
    await page.getByRole('textbox', { name: 'Full name' }).fill('Ann Lee');
    await page.getByRole('textbox', { name: 'Email address' }).fill('ann@example.org');
    await page.getByRole('radio', { name: 'Email', exact: true }).check();
    await page.getByRole('button', { name: 'Send message' }).click();
    await expect(page).toHaveTitle('Error: Form pattern – Quorum');
    await expect(page.locator('#message-error')).toContainText('Message must be 500 characters or fewer');
    await page.getByRole('textbox', { name: 'Message' }).fill('Hello');
    await page.getByRole('button', { name: 'Send message' }).click();
    await expect(page).toHaveTitle('Message sent – Quorum');
  });

  test('a comment box has no count, and the comment posts', async ({ page }) => {
    const thread = await newThread(page);
    await page.goto(thread);
    await expect(page.locator('.q-character-count')).toHaveCount(0);
    const box = page.getByRole('textbox', { name: 'Your comment' });
    await expect(box).toHaveAttribute('aria-describedby', 'body-hint');
    await box.fill('We should write to the landlord first.');
    await page.getByRole('button', { name: 'Post comment' }).click();
    await expect(page.getByText('We should write to the landlord first.')).toBeVisible();
  });

  test('the dot vote has no running total, and the ballot sends', async ({ page }) => {
    const poll = await newDotVote(page);
    await page.goto(poll);
    await expect(page.locator('.q-dot-total')).toHaveCount(0);
    await expect(page.getByRole('group', { name: /Share out up to 10 dots/ }).getByRole('status')).toHaveCount(0);
    await page.getByRole('textbox', { name: 'Write to the landlord' }).fill('6');
    await page.getByRole('textbox', { name: 'Ask the council to inspect' }).fill('4');
    await page.getByRole('form', { name: 'Your ballot' }).getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveTitle('Check your vote – Quorum');
  });
});
