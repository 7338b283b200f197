// What a visitor's card number and the site's signed profile token leave behind, in real
// headless Chromium against a real `baton serve`: a conversation in which the visitor types
// card numbers in several formats and scripts (to the bot, to the person, in the rating) and
// the page signs a VIP profile; then every place they could end up is read — the host page's
// storage, the widget's own, the iframe URL, every websocket frame both ways (the widget's and
// the agent's), the database files and every outcome beacon.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  Agent, browser, hostSite, openChat, say, shown, signToken, startServer, widgetFrame,
} from './support.mjs';

const SECRET = 'e2e-privacy-secret-long-enough-for-hs256';
const CARDS = ['4111.1111.1111.1111', '4111\u00a01111\u00a01111\u00a01111', '٤١١١ ١١١١ ١١١١ ١١١١', '4111 - 1111 - 1111 - 1111'];

let chromium;
let server;
let host;
const pages = {};

before(async () => {
  host = await hostSite(pages);
  server = await startServer({ origins: [host.url], secret: SECRET });
  pages['/shop.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><main><h1>Shop</h1></main><script src="${server.url}/baton.js" data-site="demo-shop" async></script></body></html>`;
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  await server?.stop();
  await host?.close();
});

/** Digits of the scripts the cards above use, read as ASCII. */
function ascii(text) {
  return text.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x6f0));
}

/** Whether `text` holds the test card in any of its formats (URL-encoded included). */
function holdsCard(text) {
  let decoded = text;
  try { decoded = decodeURIComponent(text); } catch { /* not encoded */ }
  return [text, decoded].some((t) => /4111\D{0,4}1111\D{0,4}1111\D{0,4}1111/.test(ascii(t)));
}

/** Watches a visitor page: the widget socket's frames both ways and every beacon body. */
function watch(page) {
  const seen = { sent: [], received: [], beacons: [] };
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => seen.sent.push(String(f.payload)));
    ws.on('framereceived', (f) => seen.received.push(String(f.payload)));
  });
  page.on('request', (r) => {
    if (r.url().endsWith('/api/outcome')) seen.beacons.push(r.postData() ?? '');
  });
  return seen;
}

/** Every storage the visitor's browser holds for the host page and the widget, as text. */
async function storages(page) {
  // A third-party frame's storage may be blocked outright: then it holds nothing.
  const dump = () => {
    const read = (name) => { try { return { ...window[name] }; } catch { return 'blocked'; } };
    return JSON.stringify([read('localStorage'), read('sessionStorage')]);
  };
  const frame = await widgetFrame(page);
  return [await page.evaluate(dump), await frame.evaluate(dump), frame.url()];
}

test('no card number and no signed token stay anywhere after a conversation', async () => {
  const agent = await Agent.login(server);
  const context = await chromium.newContext();
  const page = await context.newPage();
  const seen = watch(page);
  await page.goto(host.url + '/shop.html');
  let frame = await openChat(page);
  await shown(frame, "Hi! I'm the Demo Shop assistant.");

  // To the bot, then a signed VIP profile hands the visitor over.
  await say(frame, `I paid with ${CARDS[0]} yesterday`);
  await say(frame, `or maybe with ${CARDS[2]}`);
  const name = 'Privacy Visitor';
  const token = signToken(SECRET, { aud: 'demo-shop', exp: Math.floor(Date.now() / 1000) + 600, tier: 'vip', name });
  await page.evaluate(([p, t]) => window.Baton.identify(p, t), [{ name, tier: 'vip', note: `card ${CARDS[3]}` }, token]);
  const view = await agent.claim((item) => item.name === name);
  assert.equal(view.verified, true, 'the token reached the server and verified');
  assert.equal(view.priority, 'urgent');
  await shown(frame, 'joined the chat');

  // To the person, through a reload (the state goes through the host page's storage and the
  // iframe URL), then the rating.
  await say(frame, `it is ${CARDS[1]}`);
  await agent.waitFor((f) => f.type === 'message' && f.from === 'visitor' && f.text.startsWith('it is'));
  const during = await storages(page);
  await page.reload();
  frame = await openChat(page);
  await shown(frame, 'it is');
  const reloaded = await storages(page);
  await agent.send({ type: 'close', ticket: view.ticket, resolution: 'answered' });
  await frame.fill('#baton-comment', `charged twice on ${CARDS[0]}`);
  await frame.getByRole('button', { name: '2 out of 5' }).click();
  await shown(frame, 'Thank you for your rating.');

  // Another visitor's conversation the bot keeps: walking away (as a phone discards a
  // hidden tab) sends the outcome beacon with its transcript.
  const other = await context.browser().newContext();
  const second = await other.newPage();
  const secondSeen = watch(second);
  await second.goto(host.url + '/shop.html');
  const secondFrame = await openChat(second);
  await say(secondFrame, `is ${CARDS[3]} a valid card?`);
  await shown(secondFrame, 'a valid card?');
  const last = await storages(second);
  const beacon = second.waitForResponse((r) => r.url().endsWith('/api/outcome'));
  await secondFrame.evaluate(() => window.dispatchEvent(new Event('pagehide')));
  assert.equal((await beacon).status(), 204, 'the server took the beacon');
  seen.beacons.push(...secondSeen.beacons);
  seen.sent.push(...secondSeen.sent);

  const signature = token.split('.')[2];
  const places = [
    ...[during, reloaded, last].flatMap(([hostStorage, widgetStorage, url]) => [
      ['the host page storage', hostStorage], ['the widget storage', widgetStorage], ['the iframe URL', url],
    ]),
    ...seen.received.map((f) => ['a frame the widget received', f]),
    ...agent.frames.map((f) => ['a frame the agent received', JSON.stringify(f)]),
    ...seen.beacons.map((b) => ['a beacon', b]),
    ...readdirSync(server.data).map((file) => [`the database file ${file}`, readFileSync(join(server.data, file)).toString('utf8')]),
  ];
  assert.ok(seen.beacons.length > 0 && seen.received.length > 0 && agent.frames.length > 0, 'every place was seen');
  assert.ok(last[0].includes('a valid card?'), 'the host page storage holds the conversation');
  for (const [, , url] of [during, reloaded, last]) {
    assert.equal(new URL(url).hash, '', `the iframe URL carries no state (its resume token): ${url}`);
  }
  for (const [where, text] of places) {
    assert.ok(!holdsCard(text), `${where} holds a card number: ${text.slice(0, 200)}`);
    assert.ok(!text.includes(signature), `${where} holds the signed token`);
  }
  // The widget sends the token once, in the handoff it signs, and never a card number.
  for (const frameText of seen.sent) {
    assert.ok(!holdsCard(frameText), `a frame the widget sent holds a card number: ${frameText.slice(0, 200)}`);
    assert.ok(!frameText.includes(signature) || frameText.includes('"type":"handoff"'),
      `the token went in a frame other than the handoff: ${frameText.slice(0, 200)}`);
  }
  assert.ok(seen.sent.some((f) => f.includes(signature)), 'the handoff carried the token');
  agent.close();
  await other.close();
  await context.close();
});
