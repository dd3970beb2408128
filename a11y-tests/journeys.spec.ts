// The form pattern as people use it, with the keyboard alone. Playwright runs this file with
// JavaScript on and with JavaScript off; both must succeed in exactly the same way.
import { expect, test } from '@playwright/test';
import { tabTo } from './checks';

test.describe('form pattern, keyboard only', () => {
  test('sending nothing explains every problem, and the summary leads to each field', async ({ page }) => {
    await page.goto('/design/forms');
    await tabTo(page, 'button', 'Send message');
    await page.keyboard.press('Enter');
    await expect(page).toHaveTitle('Error: Form pattern – Quorum');
    const summary = page.getByRole('alert');
    await expect(summary.getByRole('link')).toHaveText([
      'Enter your full name',
      'Enter your email address',
      'Select how you would like us to contact you',
      'Enter your message',
    ]);
    // Following a summary link puts focus in the field, with or without scripts: the browser
    // focuses a focusable fragment target.
    await tabTo(page, 'link', 'Enter your email address');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#email$/);
    const email = page.getByRole('textbox', { name: 'Email address' });
    await expect(email).toBeFocused();
    await expect(email).toHaveAccessibleDescription('We only use this to reply to you. Error: Enter your email address');
    await expect(email).toHaveAttribute('aria-invalid', 'true');
  });

  test('answers are kept after a mistake, and a corrected form is sent', async ({ page }) => {
    await page.goto('/design/forms');
    await tabTo(page, 'textbox', 'Full name');
    await page.keyboard.type('Ann Lee');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ann.example.org');
    // Into the radio group: the first radio takes focus, arrow keys choose.
    await page.keyboard.press('Tab');
    await expect(page.getByRole('radio', { name: 'Email' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('radio', { name: 'Post' })).toBeChecked();
    await tabTo(page, 'checkbox', 'Accessibility');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Line one\nLine two </textarea> & more');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    await expect(page).toHaveTitle('Error: Form pattern – Quorum');
    await expect(page.getByRole('alert').getByRole('link')).toHaveText([
      'Enter an email address in the correct format, like name@example.org',
    ]);
    await expect(page.getByRole('textbox', { name: 'Full name' })).toHaveValue('Ann Lee');
    await expect(page.getByRole('textbox', { name: 'Email address' })).toHaveValue('ann.example.org');
    await expect(page.getByRole('radio', { name: 'Post' })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'Accessibility' })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'Discussions' })).not.toBeChecked();
    await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('Line one\nLine two </textarea> & more');

    await tabTo(page, 'textbox', 'Email address');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('ann@example.org');
    await tabTo(page, 'button', 'Send message');
    await page.keyboard.press('Enter');

    await expect(page).toHaveURL(/\/design\/forms\/done$/);
    await expect(page).toHaveTitle('Message sent – Quorum');
    await expect(page.getByRole('status')).toContainText('Your message passed every check');
    // Post/redirect/get: reloading shows the confirmation again without sending anything.
    const reload = await page.reload();
    expect(reload?.request().method()).toBe('GET');
  });
});
