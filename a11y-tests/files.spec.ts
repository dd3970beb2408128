// Files as people attach them, with the keyboard alone, in both projects (JavaScript on and
// off): a member opens the file chooser from the comment form with Space, chooses a photo and
// a document, forgets the photo's words, is told so in the error summary with the files kept,
// describes the photo in the field the summary leads to, and posts. The thread then shows the
// document as a link with its type and size in words, and the photo as a preview with its words
// and a link to the full size. Only page.keyboard moves and acts; the mouse is never used.
import { expect, test } from '@playwright/test';
import { fixture, postForm, signIn, tabTo, tabToElement } from './checks';

test('a member attaches a photo and a document to a comment by keyboard alone', async ({ page }) => {
  test.setTimeout(120_000);
  const handle = `kf-${process.pid}-${Date.now()}`;
  await signIn(page.request, true);
  await postForm(page.request, '/groups/new', { name: 'Mill Lane Allotments', handle, privacy: 'open', join_mode: 'open' });
  const started = await postForm(page.request, `/g/${handle}/threads/new`, { title: 'Shed repairs', context: 'The shed roof leaks.', visibility: 'public' }, false);
  const thread = (started.headers().location ?? '').split('?')[0];
  expect(thread).toMatch(/^\/t\/[0-9a-f]{32}$/);
  await page.goto(thread);

  await tabTo(page, 'textbox', 'Your comment');
  await page.keyboard.type('The roof from the path, and the quote for mending it.');
  // The file field: Space opens the chooser, as Enter or Space does for any button.
  const files = page.getByLabel('Attach files (optional)');
  await tabToElement(page, files, 'the file field');
  await expect(files).toHaveAccessibleDescription(/Up to 10 files, each up to 10 MB\..*removes their location and camera details/);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  expect(chooser.isMultiple()).toBe(true);
  await chooser.setFiles([fixture('river.jpg'), fixture('minutes.pdf')]);
  await tabTo(page, 'button', 'Post comment');
  await page.keyboard.press('Enter');

  // No words for the photo: the summary says so and leads to its own field; both files kept.
  await expect(page).toHaveTitle('Error: Add a comment – Quorum');
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('link')).toHaveText(['Describe \u201criver.jpg\u201d for people who cannot see it, or tick that it is decorative']);
  await expect(page.getByRole('checkbox', { name: /^Keep river\.jpg, JPEG image, \d+ KB$/ })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: /^Keep minutes\.pdf, PDF, \d+ bytes$/ })).toBeChecked();
  await expect(page.getByRole('textbox', { name: 'Your comment' })).toHaveValue('The roof from the path, and the quote for mending it.');
  await tabTo(page, 'link', /^Describe .river\.jpg./);
  await page.keyboard.press('Enter');
  const alt = page.getByRole('textbox', { name: 'Text alternative for river.jpg' });
  await expect(alt).toBeFocused();
  await expect(alt).toHaveAccessibleDescription(/Error: Describe .river\.jpg./);
  await page.keyboard.type('The shed roof from the path, a blue tarpaulin over the hole');
  await tabTo(page, 'button', 'Post comment');
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/\?done=commented#comment-[0-9a-f]{32}$/);
  await expect(page.getByRole('status')).toContainText('Your comment has been posted.');
  const attached = page.getByRole('list', { name: 'Attached files' });
  await expect(attached.getByRole('link', { name: /^minutes\.pdf, PDF, \d+ bytes$/ })).toBeVisible();
  const photo = attached.getByRole('figure');
  await expect(photo).toContainText('The shed roof from the path, a blue tarpaulin over the hole');
  const full = photo.getByRole('link', { name: /^river\.jpg, JPEG image, \d+ KB$/ });
  await expect(full).toBeVisible();
  // The preview is small, sized in the markup, and served only after the same check as the page.
  const preview = photo.locator('img');
  await expect(preview).toHaveAttribute('width', /^\d+$/);
  await expect(preview).toHaveAttribute('height', /^\d+$/);
  const src = (await preview.getAttribute('src')) ?? '';
  const served = await page.request.get(src);
  expect(served.status()).toBe(200);
  expect((await served.body()).length).toBeLessThanOrEqual(20 * 1024);
  // Following the link by keyboard opens the full image.
  await tabToElement(page, full, 'the link to the full image');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/files\/[0-9a-f]{32}\/river\.jpg$/);
});
