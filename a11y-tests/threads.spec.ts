// Threads as people use them, with the keyboard alone, in both projects (JavaScript on and off):
// a member signs in, creates an open group, starts a thread after previewing it, comments after
// a preview, replies through the Reply link, edits the comment and reads its history, and
// reacts "Agree" through the React disclosure. Only page.keyboard moves and acts; the mouse is
// never used.
import { expect, test } from '@playwright/test';
import { signInByKeyboard, tabTo, tabToElement, uniqueEmail } from './checks';

test('a member starts a thread, comments, replies, edits and reacts, by keyboard alone', async ({ page }) => {
  test.setTimeout(120_000);
  const handle = `kt-${process.pid}-${Date.now()}`;
  const name = 'Rosa Tenant';

  // Rosa signs up and creates an open group that anyone may join.
  await page.goto('/');
  await tabTo(page, 'link', 'Sign in');
  await page.keyboard.press('Enter');
  await signInByKeyboard(page, uniqueEmail('member'), name);
  await page.goto('/dashboard');
  await tabTo(page, 'link', 'Create a group');
  await page.keyboard.press('Enter');
  await tabTo(page, 'textbox', 'Group name');
  await page.keyboard.type('Canal Street Tenants');
  await page.keyboard.press('Tab');
  await page.keyboard.type(handle);
  await tabTo(page, 'radio', 'Open');
  await page.keyboard.press('Space');
  await expect(page.getByRole('radio', { name: 'Open' })).toBeChecked();
  await tabTo(page, 'radio', 'Anyone may join');
  await page.keyboard.press('Space');
  await expect(page.getByRole('radio', { name: 'Anyone may join' })).toBeChecked();
  await tabTo(page, 'button', 'Create a group');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/g/${handle}\\?done=created$`));

  // She starts a thread, previewing its context first: the preview shows the markdown as it
  // will look, under its own heading, and the form keeps what she wrote.
  await tabTo(page, 'link', 'Start a thread');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Start a thread – Quorum');
  await tabTo(page, 'textbox', 'Title');
  await page.keyboard.type('Lift out of order');
  await tabTo(page, 'textbox', 'Context (optional)');
  await page.keyboard.type('# What happened\n\nThe lift has been *out of order* since Friday.\n\n## Floors affected\n\n- Fourth\n- Fifth\n');
  await tabTo(page, 'button', 'Preview');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Start a thread – Quorum');
  const threadPreview = page.getByRole('region', { name: 'Preview of your thread' });
  await expect(threadPreview.getByRole('heading', { name: 'What happened', level: 3 })).toBeVisible();
  await expect(threadPreview.getByRole('heading', { name: 'Floors affected', level: 4 })).toBeVisible();
  await expect(threadPreview.getByRole('listitem')).toHaveText(['Fourth', 'Fifth']);
  await expect(page.getByRole('textbox', { name: 'Title' })).toHaveValue('Lift out of order');
  await tabTo(page, 'button', 'Start thread');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/t\/[0-9a-f]{32}\?done=started$/);
  await expect(page.getByRole('status')).toContainText('Your thread has been started.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lift out of order');
  await expect(page.getByRole('heading', { name: 'Floors affected', level: 3 })).toBeVisible();

  // A comment, previewed on its own page, then posted from there.
  await tabTo(page, 'textbox', 'Your comment');
  await page.keyboard.type('I have written to the **landlord**. Their [repairs page](https://example.org/lifts) promises a week.');
  await tabTo(page, 'button', 'Preview');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Add a comment – Quorum');
  await expect(page.getByRole('region', { name: 'Preview of your comment' }).getByRole('link', { name: 'repairs page' })).toBeVisible();
  await tabTo(page, 'button', 'Post comment');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/t\/[0-9a-f]{32}\?done=commented#comment-[0-9a-f]{32}$/);
  await expect(page.getByRole('status')).toContainText('Your comment has been posted.');
  const comment = page.getByRole('article', { name: new RegExp(`^${name}, `) }).first();
  await expect(comment).toContainText('I have written to the landlord.');

  // A reply, through the Reply link: the page quotes the comment it answers.
  await tabTo(page, 'link', 'Reply to your comment, number 1', comment);
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle(`Reply to ${name} – Quorum`);
  await expect(page.getByRole('blockquote')).toContainText('I have written to the landlord.');
  await tabTo(page, 'textbox', 'Your comment');
  await page.keyboard.type('The landlord answered: an engineer comes on Tuesday.');
  await tabTo(page, 'button', 'Post comment');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText('Your comment has been posted.');
  // The reply sits under the comment, its heading one level below the comment's.
  const reply = page.getByRole('article', { name: new RegExp(`^${name}, `) }).nth(1);
  await expect(reply).toContainText('an engineer comes on Tuesday');
  await expect(reply.getByRole('heading', { level: 4 })).toHaveCount(1);

  // Editing the comment marks it edited, with a link to its history.
  await tabTo(page, 'link', 'Edit your comment, number 1', comment);
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Edit comment – Quorum');
  await tabTo(page, 'textbox', 'Comment');
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(' They did not keep it.');
  await tabTo(page, 'button', 'Save changes');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText('Your changes have been saved.');
  await expect(comment).toContainText('They did not keep it.');
  await expect(comment.locator('p', { hasText: /^Edited \d+ [A-Z][a-z]+ \d{4} at \d{2}:\d{2} UTC\./ })).toBeVisible();

  // The history shows both versions, newest first.
  await tabTo(page, 'link', new RegExp(`^History of comment \\d+, by ${name}$`), comment);
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle(`History of the comment by ${name} – Quorum`);
  const versions = page.getByRole('heading', { level: 2, name: /^Version \d/ });
  await expect(versions).toHaveText([new RegExp(`^Version 2 \\(current\\), by ${name}, `), new RegExp(`^Version 1, by ${name}, `)]);
  await expect(page.getByRole('paragraph').filter({ hasText: 'promises a week.' })).toHaveCount(2);
  await expect(page.getByRole('paragraph').filter({ hasText: 'promises a week. They did not keep it.' })).toHaveCount(1);

  // Back on the thread, "Agree" through the React disclosure: Enter opens it, then the button.
  await tabTo(page, 'link', 'Back to the thread');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lift out of order');
  const react = comment.locator('summary');
  await tabToElement(page, react, 'the React summary');
  await expect(react).toHaveText(new RegExp(`^React to comment \\d+, by ${name}$`));
  await page.keyboard.press('Enter');
  await expect(comment.locator('details')).toHaveAttribute('open', '');
  await tabTo(page, 'button', 'Agree', comment);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText('Your reaction has been saved.');
  await expect(comment.getByRole('list', { name: 'Reactions' })).toHaveText('👍 Agree 1');
});
