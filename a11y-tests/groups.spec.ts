// Groups as people use them, with the keyboard alone, in both projects (JavaScript on and off):
// a new person creates a group and invites someone by email; the invitee opens the link from
// the email (delivered over SMTP to the suite's sink), makes an account and joins.
import { expect, test } from '@playwright/test';
import { latestEmail, signInByKeyboard, tabTo, uniqueEmail } from './checks';

test('a new person creates a group, invites someone, and the invitee joins, by keyboard alone', async ({ page, browser }, info) => {
  test.setTimeout(90_000);
  const handle = `kb-${process.pid}-${Date.now()}`;
  const invitee = uniqueEmail('invitee');

  // Ann signs up and creates a closed group.
  await page.goto('/');
  await tabTo(page, 'link', 'Sign in');
  await page.keyboard.press('Enter');
  await signInByKeyboard(page, uniqueEmail('founder'), 'Ann Founder');
  await page.goto('/dashboard');
  await tabTo(page, 'link', 'Create a group');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Create a group – Quorum');
  await tabTo(page, 'textbox', 'Group name');
  await page.keyboard.type('Allotment Society');
  await page.keyboard.press('Tab');
  await page.keyboard.type(handle);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Plots, *seeds* and shared tools.');
  // The first radio of each group takes focus; arrow keys choose.
  await tabTo(page, 'radio', 'Open');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('radio', { name: 'Closed' })).toBeChecked();
  await tabTo(page, 'radio', 'Anyone may join');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('radio', { name: 'Invitation only' })).toBeChecked();
  await tabTo(page, 'button', 'Create a group');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/g/${handle}\\?done=created$`));
  await expect(page.getByRole('status')).toContainText('Your group has been created');

  // Invite: one good address and one mistake, which comes back alone with its line number.
  await tabTo(page, 'link', 'Invite people – Allotment Society');
  await page.keyboard.press('Enter');
  await tabTo(page, 'textbox', 'Email addresses');
  await page.keyboard.type(`${invitee}\nnot-an-address`);
  await tabTo(page, 'textbox', 'Message (optional)');
  await page.keyboard.type('Come and grow things with us.');
  await tabTo(page, 'button', 'Send invitations');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Error: Invite people – Quorum');
  await expect(page.getByRole('alert').getByRole('link')).toHaveText([
    'Line 2: “not-an-address” is not an email address. Enter it like name@example.org',
  ]);
  await expect(page.getByRole('status')).toContainText('Invitations sent to 1 address.');
  await expect(page.getByRole('textbox', { name: 'Email addresses' })).toHaveValue('not-an-address');
  await expect(page.getByRole('heading', { name: invitee })).toBeVisible();

  // The invitee, in a browser of their own, follows the emailed link and joins.
  const theirs = await browser.newContext({ javaScriptEnabled: info.project.use.javaScriptEnabled, baseURL: process.env.QUORUM_TEST_URL });
  const guest = await theirs.newPage();
  const mail = await latestEmail(invitee, /invited you to join/);
  expect(mail).toContain('Subject: Ann Founder invited you to join Allotment Society on Quorum');
  const link = mail.match(/https?:\/\/\S+\/invitations\/[A-Za-z0-9_-]{43}/)?.[0] ?? '';
  await guest.goto(link);
  await expect(guest).toHaveTitle('Join Allotment Society – Quorum');
  await expect(guest.getByRole('main')).toContainText('Come and grow things with us.');
  await tabTo(guest, 'link', 'Sign in to join');
  await guest.keyboard.press('Enter');
  await signInByKeyboard(guest, invitee, 'Ben Guest');
  await expect(guest).toHaveTitle('Join Allotment Society – Quorum');
  await tabTo(guest, 'button', 'Join Allotment Society');
  await guest.keyboard.press('Enter');
  await expect(guest).toHaveURL(new RegExp(`/g/${handle}\\?done=joined$`));
  await expect(guest.getByRole('main')).toContainText('You are a member of this group.');
  await tabTo(guest, 'link', 'Members – Allotment Society');
  await guest.keyboard.press('Enter');
  await expect(guest.getByRole('heading', { name: 'Ben Guest (you)' })).toBeVisible();
  await expect(guest.getByRole('heading', { name: 'Ann Founder' })).toBeVisible();

  // The link worked once.
  const again = await guest.goto(link);
  expect(again?.status()).toBe(410);
  await theirs.close();
});
