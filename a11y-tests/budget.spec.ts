// Page-weight budget @budget: for every route and state, the HTML plus the CSS as the server
// actually sends them with brotli must fit in 14 KB (the first round trip of a new connection),
// and the JavaScript a page links (the one enhancement script, which no page needs) must be
// external, deferred and at most 30 KB with brotli; its size is printed. The bytes are counted on
// the wire: the last request of each state is made with Node's own HTTP client, which does not
// decompress. Image previews are not part of a page's HTML and CSS, but each is weighed and
// printed, and held to its own limit of 20 KB.
import { request as httpRequest } from 'node:http';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { csrfToken, fixture, formFields, formPath, htmlText, prepare, withPlaceholders } from './checks';
import { routes } from './routes';

const BUDGET = 14 * 1024;
const SCRIPT_BUDGET = 30 * 1024;
const PREVIEW_BUDGET = 20 * 1024;

interface Wire {
  status: number;
  encoding: string;
  bytes: number;
  text: string;
}

/** One request with the cookies of `api`; the body is counted as sent and then decoded. */
async function onTheWire(
  api: APIRequestContext,
  method: string,
  path: string,
  body?: string | Buffer,
  contentType = 'application/x-www-form-urlencoded',
): Promise<Wire> {
  const base = process.env.QUORUM_TEST_URL ?? '';
  const cookie = (await api.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const headers: Record<string, string> = { 'accept-encoding': 'br', cookie };
  if (body !== undefined) headers['content-type'] = contentType;
  const zlib = await import('node:zlib');
  return new Promise((done, fail) => {
    const req = httpRequest(new URL(path, base), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const encoding = String(res.headers['content-encoding'] ?? '');
        const text = (encoding === 'br' ? zlib.brotliDecompressSync(raw) : raw).toString('utf8');
        done({ status: res.statusCode ?? 0, encoding, bytes: raw.length, text });
      });
    });
    req.on('error', fail);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`.padStart(8);

test('every route fits the page-weight budget @budget', async ({ request }, info) => {
  test.skip(info.project.name === 'javascript-off', 'the bytes sent do not depend on the browser');
  test.setTimeout(180_000);
  const failures: string[] = [];
  const scriptSizes = new Map<string, { raw: number; brotli: number }>();
  console.log(`${'route'.padEnd(28)} status  HTML br   CSS br    total       JS  result`);
  for (const route of routes) {
    // The edge's own pages are the server's markup, weighed on the server's routes; compressing
    // for the client is Cloudflare's work at the edge, which workerd does not do locally.
    if (route.edge) continue;
    const path = await prepare(request, route);
    let page: Wire;
    if (route.submit) {
      // Send the form with this context's token, then read the answer again on the wire.
      const fields = new URLSearchParams();
      fields.append('csrf_token', await csrfToken(request));
      for (const [name, value] of Object.entries(await formFields(request, route, path))) for (const v of [value].flat()) fields.append(name, v);
      if (route.files) {
        // With files, as multipart: the body and its boundary as the platform's FormData makes them.
        const form = new FormData();
        for (const [name, value] of fields) form.append(name, value);
        for (const [name, list] of Object.entries(route.files)) for (const file of list) form.append(name, new Blob([readFileSync(fixture(file))]), file);
        const encoded = new Request('http://localhost/', { method: 'POST', body: form });
        const body = Buffer.from(await encoded.arrayBuffer());
        page = await onTheWire(request, 'POST', formPath(route, path), body, encoded.headers.get('content-type') ?? '');
      } else {
        page = await onTheWire(request, 'POST', formPath(route, path), fields.toString());
      }
    } else {
      page = await onTheWire(request, 'GET', path);
    }
    const problems: string[] = [];
    if (page.status !== (route.status ?? 200)) problems.push(`status ${page.status}`);
    if (page.encoding !== 'br') problems.push('not sent with brotli');
    let css = 0;
    for (const [, href] of page.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) {
      const sheet = await onTheWire(request, 'GET', href);
      if (sheet.encoding !== 'br') problems.push(`${href} not sent with brotli`);
      css += sheet.bytes;
    }
    let scripts = 0;
    for (const [, src] of page.text.matchAll(/<script[^>]*src="([^"]+)"/g)) {
      const script = await onTheWire(request, 'GET', src);
      if (script.status !== 200) problems.push(`${src} answers ${script.status}`);
      if (script.encoding !== 'br') problems.push(`${src} not sent with brotli`);
      scriptSizes.set(src, { raw: Buffer.byteLength(script.text), brotli: script.bytes });
      scripts += script.bytes;
    }
    for (const [, src] of page.text.matchAll(/<img[^>]*src="(\/previews\/[^"]+)"/g)) {
      const preview = await onTheWire(request, 'GET', src);
      if (preview.status !== 200) problems.push(`${src} answers ${preview.status}`);
      if (preview.bytes > PREVIEW_BUDGET) problems.push(`preview ${src} over ${PREVIEW_BUDGET / 1024} KB`);
      console.log(`${route.name.padEnd(28)} image preview ${src}: ${preview.bytes} bytes (limit ${PREVIEW_BUDGET / 1024} KB)`);
    }
    if (/<script(?![^>]*\bsrc=)/.test(page.text)) problems.push('inline script');
    if (/<script(?![^>]*\bdefer)[^>]*src=/.test(page.text)) problems.push('a script that is not deferred');
    const total = page.bytes + css;
    let note = '';
    if (route.statedSize) {
      // An exception that says its size where it is linked: the statement must hold.
      const on = await onTheWire(request, 'GET', withPlaceholders(route.statedSize.on));
      const link = [...on.text.matchAll(/<a href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)].find((m) => m[1] === path);
      // The link states the page's own size (what the browser holds and prints), not the
      // compressed bytes, which depend on how alike its comments are.
      const stated = Number(htmlText(link?.[2] ?? '').match(/about (\d+) KB/)?.[1] ?? NaN);
      const size = Buffer.byteLength(page.text);
      const off = Math.abs(stated * 1024 - size) / size;
      if (!(off <= 1 / 3)) problems.push(`the link to it says about ${stated} KB, the page is ${kb(size).trim()}`);
      note = ` (over budget as stated: "about ${stated} KB", the page is ${kb(size).trim()})`;
    } else if (total > BUDGET) problems.push(`over ${BUDGET / 1024} KB`);
    if (scripts > SCRIPT_BUDGET) problems.push(`JavaScript over ${SCRIPT_BUDGET / 1024} KB`);
    if (problems.length) failures.push(`${route.name}: ${problems.join('; ')}`);
    console.log(
      `${route.name.padEnd(28)} ${String(page.status).padEnd(6)} ${kb(page.bytes)} ${kb(css)} ${kb(total)} ${kb(scripts)}  ${problems.length ? 'FAIL ' + problems.join('; ') : 'ok' + note}`,
    );
  }
  for (const [src, size] of scriptSizes) console.log(`script ${src}: ${size.raw} bytes, ${size.brotli} with brotli (budget ${SCRIPT_BUDGET / 1024} KB a page)`);
  console.log(failures.length ? `budget: ${failures.length} of ${routes.length} routes fail` : `budget: all ${routes.length} routes within ${BUDGET / 1024} KB`);
  expect(failures).toEqual([]);
});

