// The exports' own HTML pages are accessible and valid. A person asks for a copy of their data
// on the account page, the link comes by email, the zip is fetched with their session, and the
// page inside it (quorum-export.html) goes through axe-core and the Nu HTML checker, and must
// reflow at 320 px; a group's admin downloads the group archive, and its offline page
// (index.html) goes through the same. Zips are read here with Node's own zlib, through each
// file's local header (Quorum writes deflated entries with their sizes in the header).
import { inflateRawSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { axeProblems, horizontalOverflow, htmlErrors, latestEmail, postForm, signIn } from './checks';

const EXPORT_URL = 'http://export.quorum.test/';

/** The files of a zip, by name. */
function unzip(zip: Buffer): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const method = zip.readUInt16LE(at + 8);
    const compressed = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extra = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extra;
    const data = zip.subarray(start, start + compressed);
    files[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    at = start + compressed;
  }
  return files;
}

/** An export's offline page, served as a browser would open it from disk: valid to the Nu
 *  checker, headed by `heading`, clean to axe-core, and without sideways scroll at 320 px. */
async function checkOfflinePage(page: Page, html: string, heading: string | RegExp) {
  expect((await htmlErrors({ page: html })).page).toEqual([]);
  await page.route(`${EXPORT_URL}**`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(EXPORT_URL);
  await expect(page.locator('h1')).toHaveText(heading);
  expect(await axeProblems(page)).toEqual([]);
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await horizontalOverflow(page), 'sideways scroll at 320 px').toBeLessThanOrEqual(0);
}

test('the personal export page passes axe-core and the Nu HTML checker, and reflows', async ({ page }, info) => {
  test.skip(info.project.name === 'javascript-off', 'axe-core needs scripts; the export page has none of its own');
  test.setTimeout(60_000);
  const api = page.request;
  const email = await signIn(api, true);
  // Something of every kind the page has a table for: a group, a thread, a comment and its
  // edit, a poll and a vote with a reason.
  const handle = `qe-${process.pid}-${Date.now()}`;
  await postForm(api, '/groups/new', { name: 'Riverside Tenants', handle, privacy: 'open', join_mode: 'open' }, false);
  const started = await postForm(api, `/g/${handle}/threads/new`, { title: 'Heating repairs in block B', context: 'The boiler has *failed* again.', visibility: 'public' }, false);
  const thread = started.headers()['location']?.split('?')[0] ?? '';
  expect(thread).toMatch(/^\/t\/[0-9a-f]{32}$/);
  const posted = await postForm(api, `${thread}/comments`, { body: 'I can write to the landlord.' }, false);
  const comment = posted.headers()['location']?.split('#comment-')[1] ?? '';
  await postForm(api, `${thread}/comments/${comment}/edit`, { body: 'I can write to the landlord this week.' }, false);
  const week = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const poll = await postForm(api, `${thread}/polls/new?kind=proposal`, {
    title: 'Ask the landlord for a new boiler', template: 'consensus', details: 'The landlord has not answered.',
    time_zone: 'UTC', closes_at: `${week}T12:00`, hide_results: 'never', reason: 'optional',
  }, false);
  const pollPath = poll.headers()['location']?.split('?')[0] ?? '';
  expect(pollPath).toMatch(/^\/p\/[0-9a-f]{32}$/);
  const voted = await postForm(api, `${pollPath}/vote`, { choice: '0', reason: 'Winter is coming.', intent: 'cast' }, false);
  expect(voted.status()).toBe(303);
  const asked = await postForm(api, '/account/export', {}, false);
  expect(asked.status()).toBe(303);
  expect(asked.headers()['location']).toBe('/account?done=export-requested');
  const mail = await latestEmail(email, /Subject: Your copy of your Quorum data is ready/);
  const link = mail.match(/\/account\/export\/[A-Za-z0-9_-]{43}/)?.[0];
  expect(link, 'the email carries the link').toBeTruthy();
  const answer = await api.get(link ?? '');
  expect(answer.status()).toBe(200);
  expect(answer.headers()['content-type']).toBe('application/zip');
  const files = unzip(await answer.body());
  expect(Object.keys(files).sort()).toEqual(['quorum-export.html', 'quorum-export.json']);
  const json = JSON.parse(files['quorum-export.json'].toString('utf8'));
  expect(json.format).toBe('quorum-personal-export');
  for (const kind of ['memberships', 'threads', 'comments', 'polls', 'votes', 'sessions']) expect(json[kind].length, kind).toBeGreaterThan(0);
  const html = files['quorum-export.html'].toString('utf8');

  await checkOfflinePage(page, html, 'Your data from Quorum');
  // The link worked once.
  expect((await api.get(link ?? '')).status()).toBe(404);
});

test('the group archive page passes axe-core and the Nu HTML checker, and reflows', async ({ page }, info) => {
  test.skip(info.project.name === 'javascript-off', 'axe-core needs scripts; the archive page has none of its own');
  test.setTimeout(60_000);
  const api = page.request;
  await signIn(api, true);
  // A group with something in each of the archive's sections: a thread, a comment, a poll, a vote.
  const handle = `qa-${process.pid}-${Date.now()}`;
  await postForm(api, '/groups/new', { name: 'Riverside Tenants', handle, privacy: 'closed', join_mode: 'invitation' }, false);
  const started = await postForm(api, `/g/${handle}/threads/new`, { title: 'Heating repairs in block B', context: 'The boiler has *failed* again.', visibility: 'public' }, false);
  const thread = started.headers()['location']?.split('?')[0] ?? '';
  expect(thread).toMatch(/^\/t\/[0-9a-f]{32}$/);
  await postForm(api, `${thread}/comments`, { body: 'I can write to the landlord <today>.' }, false);
  const week = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const poll = await postForm(api, `${thread}/polls/new?kind=proposal`, {
    title: 'Ask the landlord for a new boiler', template: 'consensus', details: 'The landlord has not answered.',
    time_zone: 'UTC', closes_at: `${week}T12:00`, hide_results: 'never', reason: 'optional',
  }, false);
  const pollPath = poll.headers()['location']?.split('?')[0] ?? '';
  await postForm(api, `${pollPath}/vote`, { choice: '0', reason: 'Winter is coming.', intent: 'cast' }, false);
  const answer = await api.get(`/g/${handle}/export.zip`);
  expect(answer.status()).toBe(200);
  const files = unzip(await answer.body());
  expect(Object.keys(files)).toContain('index.html');
  const html = files['index.html'].toString('utf8');

  await checkOfflinePage(page, html, /Riverside Tenants/);
});
