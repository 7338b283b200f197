// Insights in a real headless Chromium against a real `baton serve` with a fresh database:
// three visitors use the embedded widget — one is served by the bot to the end and rates it,
// one leaves mid-conversation, one asks for a person — and the outcome beacons and the
// handoff come back as figures. The agent opens Insights in /console and sees the charts; the report
// `baton report` writes opens in Chromium and passes axe-core, and its JSON twin agrees.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import {
  BATON, assertAccessible, browser, consoleLogin, hostSite, openChat, say, shown, startServer,
} from './support.mjs';

let chromium;
let server;
let host;
let out;
const pages = {};

before(async () => {
  host = await hostSite(pages);
  server = await startServer({ origins: [host.url] });
  pages['/shop.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><main><h1>Shop</h1></main><script src="${server.url}/baton.js" data-site="demo-shop" async></script></body></html>`;
  chromium = await browser();
  out = mkdtempSync(join(tmpdir(), 'baton-report-'));
});

after(async () => {
  await chromium?.close();
  await server?.stop();
  await host?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

/** The report of the last day as JSON, as a signed-in agent reads it. */
async function insights(token) {
  const res = await fetch(`${server.url}/api/insights?since=1d`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  return res.json();
}

async function login() {
  const res = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: server.agent, password: server.password }),
  });
  return (await res.json()).token;
}

/** Polls until `check(report)` holds (beacons are sent in the background); 10 s at most. */
async function until(token, check) {
  let report;
  for (let i = 0; i < 100; i += 1) {
    report = await insights(token);
    if (check(report)) return report;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.fail(`the figures never matched: ${JSON.stringify(report.overview)}`);
}

test('beacons and a handoff become figures, charts in Insights, and an accessible report', async () => {
  const token = await login();

  // Served by the bot to the end: the order is found, and that is all.
  const resolved = await chromium.newContext();
  let page = await resolved.newPage();
  await page.goto(host.url + '/shop.html');
  let frame = await openChat(page);
  await frame.getByRole('button', { name: 'Where is my order?' }).click();
  await say(frame, 'AB123456');
  await shown(frame, 'Order AB123456 is out for delivery');
  await frame.getByRole('button', { name: "No, that's all" }).click();
  // The goodbye asks for a rating; it goes to the server with the outcome.
  await frame.getByRole('button', { name: '5 out of 5' }).click();
  await frame.getByText('Thank you for your rating.').waitFor();
  await until(token, (r) => r.overview.outcomes.resolved === 1 && r.overview.csat.from_bot === 1);

  // Leaves mid-conversation: the page hides, the widget reports the chat open.
  const left = await chromium.newContext();
  page = await left.newPage();
  await page.goto(host.url + '/shop.html');
  frame = await openChat(page);
  await frame.getByRole('button', { name: 'Something else' }).click();
  await page.goto('about:blank');
  await until(token, (r) => r.overview.outcomes.open === 1);

  // Asks for a person: the handoff records the escalation.
  const escalated = await chromium.newContext();
  page = await escalated.newPage();
  await page.goto(host.url + '/shop.html');
  frame = await openChat(page);
  await say(frame, 'can I talk to a human please');
  const report = await until(token, (r) => r.overview.outcomes.escalated === 1);
  assert.deepEqual(report.overview.outcomes, { escalated: 1, resolved: 1, abandoned: 0, open: 1 });
  assert.deepEqual(
    [report.overview.escalation_rate.count, report.overview.escalation_rate.of], [1, 2],
    'the open conversation is not in the denominator yet',
  );
  const human = report.triggers.find((t) => t.id === 'ask-for-human');
  assert.equal(human.escalations, 1);
  await Promise.all([resolved.close(), left.close(), escalated.close()]);

  // The agent's Insights view.
  const context = await chromium.newContext();
  const console_ = await context.newPage();
  const errors = [];
  console_.on('pageerror', (e) => errors.push(String(e)));
  await consoleLogin(console_, server);
  await console_.locator('[data-testid="view-insights"]').click();
  const review = console_.frameLocator('[data-testid="insights-frame"]');
  await review.locator('svg[role="img"]').first().waitFor({ timeout: 10_000 });
  assert.ok(await review.locator('svg[role="img"]').count() >= 3, 'rates, days and a sparkline per trigger');
  assert.ok(await review.locator('svg rect').count() >= 1, 'the day chart has bars');
  const cards = await review.locator('.cards').innerText();
  assert.match(cards, /Conversations\s*3/);
  assert.match(cards, /Escalation rate\s*50\.0%/);
  assert.match(cards, /CSAT\s*5\.00 \/ 5\s*1 ratings \(1 after the bot alone\)/);
  // The review inside the frame runs no script, so axe cannot run there; the same page is
  // checked on its own below.
  await assertAccessible(console_, 'the Insights view', { exclude: '[data-testid="insights-frame"]' });
  await console_.selectOption('[data-testid="insights-period"]', '7d');
  await console_.locator('[data-testid="insights-frame"][title="Review of the last 7 days"]').waitFor();
  await review.locator('svg[role="img"]').first().waitFor();
  // Back to the tickets: the queue is still there.
  await console_.locator('[data-testid="view-tickets"]').click();
  await console_.locator('nav[aria-label="Tickets"]').waitFor();
  assert.deepEqual(errors, []);
  await context.close();

  // `baton report`, read while the server runs: the page and its JSON twin.
  const config = join(server.data, 'site.json');
  const html = join(out, 'review.html');
  const made = spawnSync(BATON, ['report', '--config', config, '--data', server.data, '--since', '1d', '-o', html]);
  assert.equal(made.status, 0, String(made.stderr));
  const twin = spawnSync(BATON, ['report', '--config', config, '--data', server.data, '--since', '1d', '--json']);
  assert.equal(twin.status, 0, String(twin.stderr));
  assert.deepEqual(JSON.parse(String(twin.stdout)).overview.outcomes, report.overview.outcomes);
  const file = await (await chromium.newContext()).newPage();
  const requests = [];
  file.on('request', (r) => requests.push(r.url()));
  await file.goto(pathToFileURL(html).href);
  await file.locator('h1', { hasText: 'Baton review: Demo Shop' }).waitFor();
  assert.ok(await file.locator('svg[role="img"] title').count() >= 3);
  assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'self-contained: no request leaves the file');
  await assertAccessible(file, 'the review report');
});
