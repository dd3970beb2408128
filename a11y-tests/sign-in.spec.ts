// Signing in as people do: with the keyboard alone in Chromium (run with JavaScript on and off
// by the two projects), and in the Lynx text browser with its own cookie jar. The email is read
// from the .eml files Quorum writes when no SMTP server is set.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { axeProblems, latestEmail, tabTo, uniqueEmail } from './checks';

const run = promisify(execFile);

async function askForEmail(page: Page, email: string) {
  await page.goto('/');
  await tabTo(page, 'link', 'Sign in');
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Sign in to Quorum – Quorum');
  await tabTo(page, 'textbox', 'Email address');
  await page.keyboard.type(email);
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle('Check your email – Quorum');
}

async function chooseName(page: Page) {
  await expect(page).toHaveTitle('What should we call you? – Quorum');
  await tabTo(page, 'textbox', 'Your name');
  await page.keyboard.type('Ann Example');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('link', { name: /Your account \(Ann Example\)/ })).toBeVisible();
}

test.describe('signing in with the keyboard alone', () => {
  test('by typing the code from the email', async ({ page }) => {
    const email = uniqueEmail('keyboard-code');
    await askForEmail(page, email);
    const code = (await latestEmail(email)).match(/\b(\d{3} \d{3})\b/)?.[1] ?? '';
    await tabTo(page, 'textbox', 'Code from the email');
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await chooseName(page);
  });

  test('by following the link, which asks before it signs in', async ({ page }) => {
    const email = uniqueEmail('keyboard-link');
    await askForEmail(page, email);
    const link = (await latestEmail(email)).match(/https?:\/\/\S+\/sign-in\/link\/[A-Za-z0-9_-]+/)?.[0] ?? '';
    await page.goto(link);
    await expect(page).toHaveTitle('Confirm it is you – Quorum');
    await expect(page.getByRole('link', { name: /Your account/ })).toHaveCount(0);
    await tabTo(page, 'button', /^Continue as k…@example\.org$/);
    await page.keyboard.press('Enter');
    await chooseName(page);
    // Signing out ends the session: the account page then asks to sign in again.
    await tabTo(page, 'button', 'Sign out');
    await page.keyboard.press('Enter');
    await expect(page).toHaveTitle('You have signed out – Quorum');
    await page.goto('/account');
    await expect(page).toHaveTitle('Sign in to Quorum – Quorum');
  });
});

test.describe('signing in through the edge worker', () => {
  test.use({ baseURL: process.env.QUORUM_EDGE_URL });

  test('the edge shows the confirm page, the server signs in, and the link works once', async ({ page }, info) => {
    const email = uniqueEmail('edge-link');
    await askForEmail(page, email);
    const link = (await latestEmail(email)).match(/https?:\/\/\S+\/sign-in\/link\/[A-Za-z0-9_-]+/)?.[0] ?? '';
    expect(new URL(link).origin, 'the email links to the edge').toBe(process.env.QUORUM_EDGE_URL);
    const confirm = await page.goto(link);
    expect(confirm?.status()).toBe(200);
    expect(confirm?.headers()['cache-control']).toBe('no-store');
    expect(confirm?.headers()['referrer-policy']).toBe('no-referrer');
    await expect(page).toHaveTitle('Confirm it is you – Quorum');
    if (info.project.name === 'javascript-on') expect(await axeProblems(page)).toEqual([]);
    await tabTo(page, 'button', /^Continue as e…@example\.org$/);
    await page.keyboard.press('Enter');
    await chooseName(page);
    // Signed in, the home page comes from the server, never from the edge's anonymous copy.
    const home = await page.goto('/');
    expect(home?.headers()['cf-cache-status']).toBeUndefined();
    await expect(page.getByRole('link', { name: /Your account \(Ann Example\)/ })).toBeVisible();
    // Used up: the edge still shows the confirm page (it holds no database), and the server,
    // which does, refuses it.
    await page.goto(link);
    await tabTo(page, 'button', /^Continue as e…@example\.org$/);
    await page.keyboard.press('Enter');
    await expect(page).toHaveTitle('This sign-in link has expired – Quorum');
  });
});

test.describe('signing in with Lynx', () => {
  /** Lynx with a cookie jar of its own, kept between runs (as one interactive session keeps
   *  it); a form is sent as Lynx sends it (`-post_data`). */
  function lynx(jar: string) {
    const base = process.env.QUORUM_TEST_URL ?? '';
    const config = `${jar}.cfg`;
    writeFileSync(config, 'INCLUDE:/etc/lynx/lynx.cfg\nPERSISTENT_COOKIES:TRUE\n');
    const args = [`-cfg=${config}`, '-accept_all_cookies', `-cookie_file=${jar}`, `-cookie_save_file=${jar}`, '-nolist', '-width=100', '-display_charset=utf-8'];
    return {
      dump: async (path: string) => (await run('lynx', [...args, '-dump', base + path])).stdout,
      source: async (path: string) => (await run('lynx', [...args, '-source', base + path])).stdout,
      post: async (path: string, fields: Record<string, string>) => {
        const child = run('lynx', [...args, '-dump', '-post_data', base + path]);
        child.child.stdin?.end(`${new URLSearchParams(fields).toString()}\n---\n`);
        return (await child).stdout;
      },
    };
  }

  test('by code and by link', async ({}, info) => {
    test.skip(info.project.name === 'javascript-off', 'Lynx runs no scripts in either project: once is enough');
    const dir = mkdtempSync(join(tmpdir(), 'quorum-lynx-jar-'));
    try {
      for (const way of ['code', 'link']) {
        const browser = lynx(join(dir, `${way}.jar`));
        const email = uniqueEmail(`lynx-${way}`);
        const form = await browser.source('/sign-in');
        const token = form.match(/name="csrf_token" value="([^"]+)"/)?.[1] ?? '';
        expect(await browser.dump('/sign-in')).toContain('Sign in to Quorum');
        const check = await browser.post('/sign-in', { csrf_token: token, email, next: '/' });
        expect(check).toContain('Check your email');
        const mail = await latestEmail(email);
        let welcome: string;
        if (way === 'code') {
          welcome = await browser.post('/sign-in/check', { csrf_token: token, code: mail.match(/\b(\d{3} \d{3})\b/)?.[1] ?? '' });
        } else {
          const link = mail.match(/\/sign-in\/link\/([A-Za-z0-9_-]+)/);
          const confirm = await browser.dump(link?.[0] ?? '');
          expect(confirm).toContain('Confirm it is you');
          welcome = await browser.post('/sign-in/link', { csrf_token: token, token: link?.[1] ?? '' });
        }
        expect(welcome).toContain('What should we call you?');
        expect(await browser.dump('/account')).toContain('You are signed in as');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
