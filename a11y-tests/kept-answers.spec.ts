// No lost answers when a session ends (WCAG 2.2.5), as a person meets it with the keyboard,
// in both projects: Rosa writes a comment, her session is ended from her other device before
// she sends it, and sending it takes her to sign in again, which tells her that her answers are
// kept; signed in, she sees her comment on a page of its own and sends it with one button.
// With JavaScript on, axe checks that page too (the route list cannot reach it: it is shown
// once, to one browser).
import { expect, test, type APIRequestContext } from '@playwright/test';
import { axeProblems, keyboardProblems, latestEmail, postForm, signInByKeyboard, tabTo, uniqueEmail } from './checks';

const SIGN_IN = /Subject: Sign in to Quorum/;

/** The sign-in code of the newest sign-in email to `email`, once it is not `before` (the one
 *  that was newest before asking: the new email may take a moment to arrive). */
async function newCode(email: string, before: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const mail = await latestEmail(email, SIGN_IN).catch(() => '');
    if (mail && mail !== before) return mail.match(/\b(\d{3} \d{3})\b/)?.[1] ?? '';
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no new sign-in email to ${email}`);
}

/** The newest sign-in email to `email`, or '' when none has come. */
async function newestSignIn(email: string): Promise<string> {
  return latestEmail(email, SIGN_IN).catch(() => '');
}

/** Signs `email` in on `api` by the emailed code (the account exists and is named). */
async function signInAgain(api: APIRequestContext, email: string) {
  const before = await newestSignIn(email);
  await postForm(api, '/sign-in', { email });
  const code = await newCode(email, before);
  const answer = await postForm(api, '/sign-in/check', { code });
  expect(answer.ok(), `sign-in by code: ${answer.status()}`).toBe(true);
}

test('a comment written as the session ends is kept, and sent after signing in again', async ({ page, browser }, info) => {
  test.setTimeout(120_000);
  const email = uniqueEmail('kept');
  const handle = `ka-${process.pid}-${Date.now()}`;
  await page.goto('/sign-in');
  await signInByKeyboard(page, email, 'Rosa Tenant');
  await postForm(page.request, '/groups/new', { name: 'Canal Street Tenants', handle, privacy: 'closed', join_mode: 'invitation' });
  const started = await postForm(page.request, `/g/${handle}/threads/new`, { title: 'Lift out of order', context: 'Since Friday.' });
  const thread = new URL(started.url()).pathname;

  await page.goto(thread);
  await tabTo(page, 'textbox', 'Your comment');
  await page.keyboard.type('I have written to the landlord about the lift.');

  // Her phone ends every other session, this one among them.
  const phone = await browser.newContext();
  await signInAgain(phone.request, email);
  await postForm(phone.request, '/account/sessions/end-others', {});

  await tabTo(page, 'button', 'Post comment');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Sign in to Quorum – Quorum');
  await expect(page.getByText('Your session ended before your answers could be sent.')).toBeVisible();
  const before = await newestSignIn(email);
  await tabTo(page, 'textbox', 'Email address');
  await page.keyboard.type(email);
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Check your email – Quorum');
  const code = await newCode(email, before);
  await tabTo(page, 'textbox', 'Code from the email');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');

  await expect(page).toHaveTitle('Send your answers – Quorum');
  await expect(page.getByRole('heading', { level: 2, name: 'Your comment' })).toBeVisible();
  await expect(page.getByText('I have written to the landlord about the lift.')).toBeVisible();
  const { problems } = await keyboardProblems(page);
  expect(problems).toEqual([]);
  if (info.project.name === 'javascript-on') expect(await axeProblems(page)).toEqual([]);
  // Nothing was sent before she says so.
  expect(await (await phone.request.get(thread)).text()).not.toContain('I have written to the landlord');

  await tabTo(page, 'button', 'Send your answers');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${thread}(\\?[^#]*)?#comment-[0-9a-f]{32}$`));
  await expect(page.getByRole('article', { name: /^Rosa Tenant, / })).toHaveCount(1);
  await expect(page.getByRole('article', { name: /^Rosa Tenant, / })).toContainText('I have written to the landlord about the lift.');
  await phone.close();
});
