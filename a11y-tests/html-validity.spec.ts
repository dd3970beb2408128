// The Nu HTML checker on the HTML each route's state is served with: zero errors. All
// documents go to one run of the checker, so Java starts once.
import { expect, request as requests, test } from '@playwright/test';
import { fileEvidence, htmlErrors, servedHtml } from './checks';
import { routes } from './routes';

test('the Nu HTML checker finds no errors on any route', async ({ request }, info) => {
  test.skip(info.project.name === 'javascript-off', 'the served HTML does not depend on the browser');
  test.setTimeout(120_000);
  const documents: Record<string, string> = {};
  const throughEdge = await requests.newContext({ baseURL: process.env.QUORUM_EDGE_URL });
  for (const route of routes) {
    const { status, html } = await servedHtml(route.edge ? throughEdge : request, route);
    expect(status, route.name).toBe(route.status ?? 200);
    documents[route.name] = html;
  }
  await throughEdge.dispose();
  const errors = await htmlErrors(documents);
  for (const route of routes) {
    console.log(`vnu ${route.name.padEnd(28)} ${errors[route.name].length} errors`);
    await fileEvidence(info, { route: route.name, check: 'nu', passed: errors[route.name].length === 0, errors: errors[route.name] });
  }
  expect(errors).toEqual(Object.fromEntries(routes.map((r) => [r.name, []])));
});
