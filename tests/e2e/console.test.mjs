// The agent workspace in a real headless Chromium against a real `baton serve`: an agent logs
// in, sees the ticket a visitor handed over, reads its transcript and why it escalated,
// replies, and the visitor receives the reply. Hostile text shows as text; axe-core finds no
// accessibility violations on the login form, the queue or the ticket view.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  Visitor, assertAccessible, browser, consoleLogin, handoff, startServer,
} from './support.mjs';

const XSS = '<img src=x onerror="window.__pwned=1"> my parcel <script>window.__pwned=2</script> is late';

let server;
let chrome;

before(async () => {
  server = await startServer();
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

test('an agent claims a handed-over ticket, reads why, and replies to the visitor', async () => {
  const visitor = new Visitor(server.url);
  await visitor.send({ type: 'hello', site: 'demo-shop', last_seq: 0 });
  await visitor.send({ type: 'handoff', id: 'e2e-1', handoff: handoff(XSS) });
  const welcome = await visitor.waitFor((f) => f.type === 'welcome');
  assert.ok(welcome.conversation);

  const context = await chrome.newContext();
  const page = await context.newPage();
  const violations = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) violations.push(m.text());
  });
  const loaded = await page.goto(`${server.url}/console/`);
  // The workspace runs under its whole policy: its own scripts, its inline start by hash.
  const policy = loaded.headers()['content-security-policy'];
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.match(policy, /frame-ancestors 'none'/);
  await page.locator('#login-name').waitFor();
  await assertAccessible(page, 'the login form');
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await consoleLogin(page, server);

  const item = page.locator(`[data-testid="queue-item"][data-ticket="${welcome.conversation}"]`);
  await item.waitFor({ timeout: 10_000 });
  await assertAccessible(page, 'the queue');
  await item.locator('[data-testid="claim"]').click();

  const ticket = page.locator(`[data-testid="ticket"][data-ticket="${welcome.conversation}"]`);
  await ticket.waitFor({ timeout: 10_000 });
  await assertAccessible(page, 'the ticket view');
  const reason = await ticket.locator('[data-testid="reason-text"]').innerText();
  assert.match(reason, /ask-for-human/);
  const thread = ticket.locator('[data-testid="message"]');
  await assert.doesNotReject(thread.filter({ hasText: 'can I talk to a human please' }).first().waitFor());
  // The hostile message is shown literally and ran nothing.
  await thread.filter({ hasText: '<img src=x onerror=' }).first().waitFor();
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await ticket.locator('img[src="x"]').count(), 0);

  await visitor.waitFor((f) => f.type === 'agent_joined' && f.name === server.agent);
  await ticket.locator('[data-testid="reply"]').fill('Hi Vera, I can see your order. Let me check.');
  await ticket.locator('[data-testid="send"]').click();
  const reply = await visitor.waitFor((f) => f.type === 'message' && f.from === 'agent');
  assert.equal(reply.text, 'Hi Vera, I can see your order. Let me check.');
  assert.equal(reply.seq, 6, 'the reply follows the five transcript messages');

  // The visitor answers and the agent sees it live.
  await visitor.send({ type: 'message', id: 'v-1', text: 'thank you!' });
  await thread.filter({ hasText: 'thank you!' }).first().waitFor({ timeout: 10_000 });
  assert.deepEqual(violations, []);
  assert.deepEqual(errors, []);
  visitor.close();
  await context.close();
});
