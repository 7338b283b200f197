// The visitor widget in real headless Chromium, embedded with its script tag in a host page on
// another origin, against a real `baton serve`: the launcher before any wasm, the bot
// journeys, each kind of escalation reaching an agent with its reason, an agent in /console
// (a second browser) taking the conversation over, the page API (Baton.open/close/on/track),
// live chat both ways,
// reloads and page changes, a server restart mid-chat, redaction, XSS, hostile host CSS, a
// broken config, and axe-core on every state.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  Agent, assertAccessible, browser, consoleLogin, hostSite, launcherBox, openChat, say, shown, signToken, startServer,
  widgetFrame,
} from './support.mjs';

const SECRET = 'e2e-profile-secret-long-enough-for-hs256';
const HOSTILE = '<style>* { all: unset !important; } div { display: none !important; } button { display: none !important; }</style>';

let chromium;
let server;
let host;
const pages = {};

function hostPage(title, { head = '', site = 'demo-shop' } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head>
<body><main><h1 id="title">${title}</h1><p>A page of the host site.</p></main>
<script src="${server.url}/baton.js" data-site="${site}" async></script></body></html>`;
}

before(async () => {
  host = await hostSite(pages);
  server = await startServer({ origins: [host.url], secret: SECRET });
  pages['/shop.html'] = hostPage('Shop');
  pages['/orders.html'] = hostPage('Orders');
  pages['/hostile.html'] = hostPage('Hostile', { head: HOSTILE });
  pages['/broken.html'] = hostPage('Broken', { site: 'no-such-site' });
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
  await host?.close();
});

let visitors = 0;

/**
 * A fresh visitor (own storage) on a host page, with a name of its own so the agent can tell
 * its ticket from earlier tests'; `sent` collects the frames the widget's socket sent.
 */
async function visit(path = '/shop.html') {
  visitors += 1;
  const name = `Visitor ${visitors}`;
  const context = await chromium.newContext();
  const page = await context.newPage();
  const sent = [];
  const requests = [];
  // What the browser refused under a Content-Security-Policy, and the widget's policy.
  const violations = [];
  const policies = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) violations.push(m.text());
  });
  page.on('response', (r) => {
    const policy = r.headers()['content-security-policy'];
    if (r.url().includes('/widget/') && policy) policies.push(policy);
  });
  await page.goto(host.url + path);
  return { context, page, sent, requests, name, violations, policies };
}

/** The site tells the widget who the visitor is (unsigned: shown as unverified). */
async function identify(page, profile, token) {
  await page.evaluate(([p, t]) => window.Baton.identify(p, t), [profile, token]);
}

async function texts(frame) {
  return frame.locator('.log li .text').allTextContents();
}

test('the launcher shows before any wasm loads, and the FAQ answers', async () => {
  const { context, page, requests } = await visit();
  await launcherBox(page);
  assert.equal(requests.filter((u) => u.endsWith('.wasm') || u.includes('/widget/')).length, 0,
    'no widget request before the visitor shows intent');
  await assertAccessible(page, 'the launcher');
  const frame = await openChat(page);
  assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the widget loaded on intent');
  await shown(frame, "Hi! I'm the Demo Shop assistant.");
  await frame.getByRole('button', { name: 'Something else' }).click();
  await shown(frame, 'what would you like to know');
  await say(frame, 'how long does shipping take?');
  await shown(frame, 'Standard shipping takes 2–4 working days');
  await assertAccessible(page, 'the open panel');
  await context.close();
});

test('the order-status flow validates the number and looks it up', async () => {
  const { context, page, violations, policies } = await visit();
  const frame = await openChat(page);
  await frame.getByRole('button', { name: 'Where is my order?' }).click();
  await shown(frame, "What's your order number?");
  await say(frame, 'no idea');
  await shown(frame, "That doesn't look like an order number");
  await say(frame, 'AB123456');
  await shown(frame, 'Order AB123456 is out for delivery');
  // The widget ran, styled itself and called the site's API under its policy, which
  // allows scripts only from the server and by hash.
  assert.ok(policies.some((p) => p.includes("script-src 'self' 'wasm-unsafe-eval' 'sha256-")), `${policies}`);
  assert.deepEqual(violations, []);
  await context.close();
});

test('the password-reset flow completes', async () => {
  const { context, page } = await visit();
  const frame = await openChat(page);
  await frame.getByRole('button', { name: 'Reset my password' }).click();
  await say(frame, 'vera@example.com');
  await shown(frame, 'A reset link is on its way to vera@example.com');
  await context.close();
});

test('the journey works with the keyboard alone', async () => {
  const { context, page } = await visit();
  await launcherBox(page);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.localName), 'baton-chat',
    'Tab reaches the launcher');
  await page.keyboard.press('Enter');
  const frame = await widgetFrame(page);
  await frame.locator('#baton-input').waitFor();
  await shown(frame, "Hi! I'm the Demo Shop assistant.");
  for (let i = 0; i < 200 && await frame.evaluate(() => document.activeElement?.id) !== 'baton-input'; i += 1) {
    await page.waitForTimeout(50);
  }
  assert.equal(await frame.evaluate(() => document.activeElement?.id), 'baton-input',
    'focus moves into the panel');
  await page.keyboard.type('where is my order');
  await page.keyboard.press('Enter');
  await shown(frame, "What's your order number?");
  await page.keyboard.type('AB123456');
  await page.keyboard.press('Enter');
  await shown(frame, 'Order AB123456 is out for delivery');
  // Escape closes the panel and gives focus back to the launcher.
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.localName === 'baton-chat');
  await context.close();
});

test('with nobody online the visitor can leave an email address', async () => {
  const { context, page } = await visit();
  const frame = await openChat(page);
  await say(frame, 'can I talk to a human please');
  await frame.locator('#baton-email').waitFor();
  await assertAccessible(page, 'the offline form');
  await frame.fill('#baton-email', 'vera@example.com');
  await frame.press('#baton-email', 'Enter');
  await shown(frame, 'we will reply to vera@example.com');
  await context.close();
});

/** Each kind of escalation reaches the agent with the right reason. */
const ESCALATIONS = [
  ['a sensitive keyword', '`legal`', async (frame) => say(frame, 'I am talking to my lawyer about this')],
  ['an angry message', '`angry`', async (frame) => say(frame, 'this is terrible, awful, the worst service, I hate it')],
  ['three misunderstood messages', '`misunderstood`', async (frame) => {
    for (const text of ['blorp', 'zzzz qqq', 'wibble wobble']) {
      await say(frame, text);
      await frame.waitForTimeout(150);
    }
  }],
  ['an explicit request', '`ask-for-human`', async (frame) => say(frame, 'can I talk to a human please')],
  ['a VIP with a valid token', '`vip`', async (frame, page, name) => {
    const claims = { aud: 'demo-shop', exp: Math.floor(Date.now() / 1000) + 600, tier: 'vip', name };
    await identify(page, { name, tier: 'vip' }, signToken(SECRET, claims));
  }],
];

for (const [what, reason, act] of ESCALATIONS) {
  test(`${what} escalates and the agent sees why`, async () => {
    const agent = await Agent.login(server);
    const { context, page, name } = await visit();
    const frame = await openChat(page);
    await shown(frame, "Hi! I'm the Demo Shop assistant.");
    await identify(page, { name });
    await act(frame, page, name);
    const view = await agent.claim((item) => item.name === name);
    assert.ok(view.reason.includes(reason), `the reason names ${reason}: ${view.reason}`);
    if (reason === '`vip`') {
      assert.equal(view.verified, true, 'a valid token verifies the profile');
      assert.equal(view.priority, 'urgent');
    }
    await shown(frame, 'joined the chat');
    agent.close();
    await context.close();
  });
}

test('live chat both ways, through a reload, another page and a server restart, exactly once', async () => {
  const agent = await Agent.login(server);
  const { context, page, sent, name } = await visit();
  let frame = await openChat(page);
  await identify(page, { name });
  await say(frame, 'my card 4111 1111 1111 1111 was charged twice');
  await say(frame, 'can I talk to a human please');
  const view = await agent.claim((item) => item.name === name);
  const ticket = view.ticket;
  assert.ok(JSON.stringify(view).includes('was charged twice'), 'the agent has the whole transcript');
  await shown(frame, 'joined the chat');

  // Agent → visitor, hostile markup included; visitor → agent.
  const xss = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><a href="javascript:window.__xss=3">link</a>';
  await agent.send({ type: 'message', ticket, id: 'a1', text: 'Hi, Ana here. ' + xss });
  await shown(frame, 'Hi, Ana here.');
  assert.ok((await texts(frame)).some((t) => t.includes('<img src=x onerror=')), 'markup shows as text');
  assert.equal(await frame.evaluate(() => window.__xss), undefined, 'nothing ran');
  assert.equal(await frame.locator('.log img, .log script, .log a').count(), 0);
  await say(frame, 'thanks, my card is 4111111111111111 ' + xss);
  const echoed = await agent.waitFor((f) => f.type === 'message' && f.from === 'visitor' && f.text.startsWith('thanks'));
  assert.ok(!echoed.text.includes('4111111111111111'), 'the card number is redacted');
  assert.ok(echoed.text.includes('<img src=x'), 'the agent gets the text as typed');

  // Reload: the transcript is intact and the chat goes on.
  await page.reload();
  frame = await openChat(page);
  await shown(frame, 'Hi, Ana here.');
  await agent.send({ type: 'message', ticket, id: 'a2', text: 'Still there?' });
  await shown(frame, 'Still there?');
  // Another page of the site.
  await page.goto(host.url + '/orders.html');
  frame = await openChat(page);
  await shown(frame, 'Still there?');
  await say(frame, 'yes, on the orders page');
  await agent.waitFor((f) => f.type === 'message' && f.text === 'yes, on the orders page');

  // The server goes away for five seconds; a message typed meanwhile arrives once.
  const addr = new URL(server.url).host;
  agent.close();
  await server.stop({ keep: true });
  await frame.locator('.conn', { hasText: 'Reconnecting' }).waitFor({ timeout: 10_000 });
  await say(frame, 'typed while the server was away');
  await new Promise((ok) => setTimeout(ok, 5_000));
  server = await startServer({ origins: [host.url], secret: SECRET, addr, data: server.data });
  const back = await Agent.login(server);
  await frame.locator('.conn', { hasText: 'Reconnecting' }).waitFor({ state: 'hidden', timeout: 15_000 });
  await back.send({ type: 'claim', ticket });
  await frame.locator('.log li:not(:has(.pending))', { hasText: 'typed while the server was away' }).waitFor();
  await back.waitFor((f) => f.type === 'ticket' && f.view.ticket === ticket);
  await back.send({ type: 'message', ticket, id: 'a3', text: 'Welcome back.' });
  await shown(frame, 'Welcome back.');
  // A view built now (claiming again sends the ticket again) holds what was stored; the first
  // view may predate the widget's resend, which races the claim.
  await back.send({ type: 'claim', ticket });
  const { view: again } = await back.waitFor((f) => f.type === 'ticket' && f.view.ticket === ticket
    && f.view.messages.some((m) => m.text === 'Welcome back.'));

  // Exactly once, on both sides.
  const all = await texts(frame);
  for (const text of ['Still there?', 'yes, on the orders page', 'typed while the server was away', 'Welcome back.']) {
    assert.equal(all.filter((t) => t === text).length, 1, `shown once: ${text}`);
  }
  assert.equal(again.messages.filter((m) => m.text === 'typed while the server was away').length, 1,
    'stored once');

  // The card number is in no frame the widget sent and nowhere in the database.
  assert.ok(sent.some((p) => p.includes('"type":"handoff"')), 'the widget socket frames were seen');
  for (const payload of sent) {
    assert.ok(!/4111[ -]?1111[ -]?1111[ -]?1111/.test(payload), `a frame carried the card number: ${payload.slice(0, 80)}`);
  }
  for (const file of readdirSync(server.data)) {
    const bytes = readFileSync(join(server.data, file)).toString('latin1');
    assert.ok(!bytes.includes('4111111111111111') && !bytes.includes('4111 1111 1111 1111'), `card number in ${file}`);
  }

  // Closing brings the rating; accessible in every state on the way.
  await assertAccessible(page, 'the live chat');
  await back.send({ type: 'close', ticket, resolution: 'answered' });
  await frame.getByRole('button', { name: '5 out of 5' }).waitFor();
  await assertAccessible(page, 'the rating');
  await frame.getByRole('button', { name: '5 out of 5' }).click();
  await shown(frame, 'Thank you for your rating.');

  // The ended chat is no dead end: writing again starts a new conversation with the bot.
  await shown(frame, 'Write again any time to start a new conversation.');
  await say(frame, 'where is my order?');
  await frame.locator('.log li').filter({ hasText: 'Welcome back.' }).waitFor({ state: 'detached' });
  await frame.locator('.log li.bot').first().waitFor();
  await assertAccessible(page, 'a new conversation');
  back.close();
  await context.close();
});

test('the host page drives the widget with Baton.open, close, on and track', async () => {
  const agent = await Agent.login(server);
  const { context, page, name } = await visit();
  await page.waitForFunction(() => window.Baton?.on);
  await page.evaluate(() => {
    window.__events = [];
    for (const event of ['open', 'close', 'message', 'escalate']) {
      window.Baton.on(event, (detail) => window.__events.push([event, detail]));
    }
    window.Baton.open();
  });
  const frame = await widgetFrame(page);
  await shown(frame, "Hi! I'm the Demo Shop assistant.");
  const events = () => page.evaluate(() => window.__events);
  const named = async (event) => (await events()).filter(([e]) => e === event);
  await page.waitForFunction(() => window.__events.some(([e, d]) => e === 'message' && d?.from === 'bot'));
  assert.equal((await named('open')).length, 1);
  await page.evaluate(() => window.Baton.track('/pricing'));
  await identify(page, { name });
  await say(frame, 'can I talk to a human please');
  await page.waitForFunction(() => window.__events.some(([e]) => e === 'escalate'));
  const [[, escalated]] = await named('escalate');
  assert.match(JSON.stringify(escalated), /human/i, 'the escalate event says why');
  const view = await agent.claim((item) => item.name === name);
  assert.equal(view.handoff.page, '/pricing', 'Baton.track told the widget where the visitor is');
  await agent.send({ type: 'message', ticket: view.ticket, id: 'p1', text: 'Hello from the desk' });
  await page.waitForFunction(() => window.__events.some(([e, d]) => e === 'message' && d?.text === 'Hello from the desk'));
  await page.evaluate(() => window.Baton.close());
  await page.waitForFunction(() => window.__events.some(([e]) => e === 'close'));
  await frame.locator('#baton-input').waitFor({ state: 'hidden' });
  agent.close();
  await context.close();
});

test('an agent in /console takes over the widget conversation and both sides chat', async () => {
  const { context, page, name } = await visit();
  const frame = await openChat(page);
  await identify(page, { name });
  const xss = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
  await say(frame, 'a note about my parcel ' + xss);
  await say(frame, 'can I talk to a human please');

  // The agent: a second browser, the workspace, the ticket this visitor handed over.
  const desk = await chromium.newContext();
  const workspace = await desk.newPage();
  const errors = [];
  workspace.on('pageerror', (e) => errors.push(String(e)));
  await consoleLogin(workspace, server);
  const item = workspace.locator('[data-testid="queue-item"]', { hasText: name });
  await item.waitFor({ timeout: 10_000 });
  await item.locator('[data-testid="claim"]').click();
  const ticket = workspace.locator('[data-testid="ticket"]');
  await ticket.waitFor({ timeout: 10_000 });
  assert.match(await ticket.locator('[data-testid="reason-text"]').innerText(), /ask-for-human/);
  const thread = ticket.locator('[data-testid="message"]');
  // The whole transcript, the visitor's markup as text that ran nothing.
  await thread.filter({ hasText: "Hi! I'm the Demo Shop assistant." }).first().waitFor();
  await thread.filter({ hasText: 'about my parcel <img src=x onerror=' }).first().waitFor();
  await thread.filter({ hasText: 'can I talk to a human please' }).first().waitFor();
  assert.equal(await ticket.locator('img[src="x"], script:not([src])').count(), 0);
  assert.equal(await workspace.evaluate(() => window.__xss), undefined);

  // The visitor is told, the agent replies, the visitor answers, the agent sees it live.
  await shown(frame, 'joined the chat');
  await ticket.locator('[data-testid="reply"]').fill('Hello, I am looking at your parcel now.');
  await ticket.locator('[data-testid="send"]').click();
  await shown(frame, 'Hello, I am looking at your parcel now.');
  await say(frame, 'great, thank you');
  await thread.filter({ hasText: 'great, thank you' }).first().waitFor({ timeout: 10_000 });
  assert.equal(await frame.evaluate(() => window.__xss), undefined);
  assert.deepEqual(errors, []);
  await desk.close();
  await context.close();
});

test('hostile host CSS neither breaks the widget nor is touched by it', async () => {
  const { context, page } = await visit('/hostile.html');
  const before = await page.evaluate(() => ({
    sheets: document.styleSheets.length,
    title: getComputedStyle(document.getElementById('title')).cssText || getComputedStyle(document.getElementById('title')).display,
  }));
  const frame = await openChat(page);
  await shown(frame, "Hi! I'm the Demo Shop assistant.");
  const afterOpen = await page.evaluate(() => ({
    sheets: document.styleSheets.length,
    title: getComputedStyle(document.getElementById('title')).cssText || getComputedStyle(document.getElementById('title')).display,
  }));
  assert.deepEqual(afterOpen, before, 'the host page keeps its styles');
  assert.ok(await frame.locator('#baton-input').isVisible());
  await context.close();
});

test('an unknown site shows a friendly unavailable state and the host page keeps working', async () => {
  const { context, page } = await visit('/broken.html');
  const warnings = [];
  page.on('console', (m) => warnings.push(m.text()));
  const box = await launcherBox(page);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const frame = await widgetFrame(page);
  await frame.getByText('Chat is unavailable right now.').waitFor();
  await page.waitForTimeout(200);
  assert.ok(warnings.some((w) => w.includes('Baton chat unavailable')), `the reason is logged: ${warnings}`);
  assert.equal(await page.evaluate(() => document.getElementById('title').textContent), 'Broken');
  await assertAccessible(page, 'the unavailable state');
  await context.close();
});
