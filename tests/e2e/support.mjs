// Shared pieces of the browser tests: a real `baton serve` process, a visitor websocket
// client speaking the protocol, and a headless Chromium from Debian.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import AxeBuilder from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BATON = process.env.BATON_BIN ?? join(ROOT, 'target/debug/baton');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Starts `baton serve` with a fresh database and one agent; resolves to its URL.
 * `origins` are added to the demo config's site origins (host pages on other ports);
 * `secret` signs profile tokens; `addr` pins the address (to restart on the same port).
 */
export async function startServer({
  agent = 'ana', password = 'correct horse battery', origins = [], secret, addr = '127.0.0.1:0', data,
} = {}) {
  data ??= mkdtempSync(join(tmpdir(), 'baton-e2e-'));
  const added = spawnSync(BATON, ['agent', 'add', agent, '--password-stdin', '--data', data], {
    input: `${password}\n`,
  });
  if (added.status !== 0 && !String(added.stderr).includes('already exists')) {
    throw new Error(`agent add failed: ${added.stderr}`);
  }
  const config = JSON.parse(readFileSync(join(ROOT, 'static/demo-shop.json'), 'utf8'));
  config.site.origins.push(...origins);
  const configFile = join(data, 'site.json');
  writeFileSync(configFile, JSON.stringify(config));
  const env = { ...process.env, BATON_LOG: 'warn' };
  if (secret) env.BATON_JWT_SECRET = secret;
  const child = spawn(
    BATON,
    ['serve', '--addr', addr, '--data', data, '--config', configFile,
      '--console', join(ROOT, 'crates/console/dist'), '--widget', join(ROOT, 'dist'),
      '--static', join(ROOT, 'static'), '--demo'],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((ok, fail) => {
    lines.once('line', (line) => ok(line.replace('baton: listening on ', '').trim()));
    child.once('exit', (code) => fail(new Error(`baton serve exited with ${code}`)));
  });
  const exited = new Promise((ok) => child.once('exit', ok));
  return {
    url,
    agent,
    password,
    data,
    /** Stops the process; the data stays unless `keep` is false. */
    async stop({ keep = false } = {}) {
      child.kill('SIGTERM');
      await exited;
      if (!keep) rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Collects a websocket's JSON frames; `waitFor` resolves with the first that matches. */
class Frames {
  constructor(ws) {
    this.frames = [];
    this.waiters = [];
    this.ws = ws;
    this.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => !w(frame));
    });
    this.opened = new Promise((ok, fail) => {
      this.ws.once('open', ok);
      this.ws.once('error', fail);
    });
  }

  async send(body) {
    await this.opened;
    this.ws.send(JSON.stringify({ v: 1, ...body }));
  }

  /** Resolves with the first frame (already received or coming) that `pick` accepts. */
  waitFor(pick, ms = 10_000) {
    const seen = this.frames.find(pick);
    if (seen) return Promise.resolve(seen);
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('no matching frame within ' + ms + ' ms')), ms);
      this.waiters.push((frame) => {
        if (!pick(frame)) return false;
        clearTimeout(timer);
        ok(frame);
        return true;
      });
    });
  }

  close() {
    this.ws.close();
  }
}

/** An agent on /ws/agent, logged in with name and password. */
export class Agent extends Frames {
  static async login(server) {
    const res = await fetch(server.url + '/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: server.agent, password: server.password }),
    });
    if (!res.ok) throw new Error(`login failed: ${res.status}`);
    const { token } = await res.json();
    const agent = new Agent(new WebSocket(server.url.replace(/^http/, 'ws') + '/ws/agent'));
    await agent.send({ type: 'login', token });
    await agent.waitFor((f) => f.type === 'welcome');
    return agent;
  }

  /** Waits for a queued ticket whose reason passes `pick`, claims it, resolves to its view. */
  async claim(pick = () => true) {
    const item = await this.waitFor((f) =>
      (f.type === 'queue_update' && pick(f.item) && f.item) ||
      (f.type === 'queue_snapshot' && f.items.some(pick)));
    const ticket = item.type === 'queue_update' ? item.item.ticket : item.items.find(pick).ticket;
    await this.send({ type: 'claim', ticket });
    const { view } = await this.waitFor((f) => f.type === 'ticket' && f.view.ticket === ticket);
    return view;
  }
}

/** An HS256 profile token, as a site's backend signs it. */
export function signToken(secret, claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/**
 * A host website on its own origin (another port): serves `pages` ({path: html}); resolves
 * to `{ url, close }`.
 */
export async function hostSite(pages) {
  const server = createServer((req, res) => {
    const page = pages[new URL(req.url, 'http://x').pathname];
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page ?? 'not found');
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://localhost:${server.address().port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** A visitor: hands over a conversation, then chats; collects every frame it receives.
 * Like the widget, its socket asks for a handoff's frame allowance (`?handoff`). */
export class Visitor extends Frames {
  constructor(url) {
    super(new WebSocket(url.replace(/^http/, 'ws') + '/ws/visitor?handoff'));
  }
}

/** A handoff as the widget sends it: a short bot conversation that ends in a request for a person. */
export function handoff(visitorText) {
  const at = Date.now() - 60_000;
  const firing = {
    trigger: 'ask-for-human',
    kind: 'human_request',
    evidence: [{ kind: 'human_request', phrase: 'human', message: 3 }],
    action: { type: 'escalate', queue: 'general', priority: 'normal' },
    at: at + 3_000,
  };
  return {
    site: 'demo-shop',
    visitor: 'e2e-visitor',
    transcript: [
      { from: 'bot', text: "Hi! I'm the Demo Shop assistant.", at },
      { from: 'bot', text: 'What can I help you with?', at },
      { from: 'visitor', text: visitorText, at: at + 2_000, sentiment: -0.2 },
      { from: 'visitor', text: 'can I talk to a human please', at: at + 3_000, sentiment: 0.0 },
      { from: 'bot', text: "I'm bringing in a person from our team.", at: at + 3_000 },
    ],
    profile: { attributes: { name: 'Vera' }, verified: false },
    escalation: { reason: { by: 'trigger', firing }, queue: 'general', priority: 'normal' },
    trace: [firing],
    fields: {},
    summary: {
      intent: visitorText,
      path: ['menu'],
      fields: {},
      triggers: ['`ask-for-human`: asked for a person (`human`) in message 3'],
      sentiment: { messages: 2, first: -0.2, last: 0.0, min: -0.2, mean: -0.1, direction: 'improving' },
    },
    variants: [],
    started_at: at,
  };
}

/** The middle value (the upper one of an even count), for benchmark runs. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Headless Chromium from Debian with the flags this machine needs. */
export async function browser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Logs the server's agent in to the workspace at /console on `page`. */
export async function consoleLogin(page, server) {
  await page.goto(`${server.url}/console/`);
  await page.fill('#login-name', server.agent);
  await page.fill('#login-password', server.password);
  await page.click('#login-submit');
}

// The widget on a host page.

/** Clicks the launcher (inside a closed shadow root, so by its position) and waits for the panel. */
export async function openChat(page) {
  const box = await launcherBox(page);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const frame = await widgetFrame(page);
  await frame.locator('#baton-input').waitFor();
  return frame;
}

export async function launcherBox(page) {
  const launcher = page.locator('baton-chat');
  await launcher.waitFor({ state: 'attached' });
  for (let i = 0; i < 50; i += 1) {
    const box = await launcher.boundingBox();
    if (box && box.width > 0) return box;
    await page.waitForTimeout(100);
  }
  throw new Error('the launcher never got a size');
}

export async function widgetFrame(page) {
  for (let i = 0; i < 100; i += 1) {
    const frame = page.frames().find((f) => f.url().includes('/widget/'));
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('no widget iframe');
}

export async function say(frame, text) {
  await frame.fill('#baton-input', text);
  await frame.press('#baton-input', 'Enter');
}

export function shown(frame, text) {
  return frame.locator('.log li', { hasText: text }).first().waitFor({ timeout: 10_000 });
}

/**
 * axe-core finds no violations on the page as it is now. `exclude` leaves out a selector, e.g.
 * a sandboxed frame axe cannot run in (its page is checked on its own).
 */
export async function assertAccessible(page, what, { exclude } = {}) {
  const builder = new AxeBuilder({ page });
  if (exclude) builder.exclude(exclude);
  const results = await builder.analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `axe-core violations on ${what}`);
}
