// Shared pieces of the browser tests: a real `baton serve` process, a visitor websocket
// client speaking the protocol, and a headless Chromium from Debian.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

export const ROOT = resolve(import.meta.dirname, '../..');
const BATON = process.env.BATON_BIN ?? join(ROOT, 'target/debug/baton');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Starts `baton serve` on port 0 with a fresh database and one agent; resolves to its URL. */
export async function startServer({ agent = 'ana', password = 'correct horse battery' } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'baton-e2e-'));
  const added = spawnSync(BATON, ['agent', 'add', agent, '--password-stdin', '--data', data], {
    input: `${password}\n`,
  });
  if (added.status !== 0) throw new Error(`agent add failed: ${added.stderr}`);
  const child = spawn(
    BATON,
    ['serve', '--addr', '127.0.0.1:0', '--data', data, '--config', join(ROOT, 'static/demo-shop.json'),
      '--console', join(ROOT, 'crates/console/dist'), '--static', join(ROOT, 'static')],
    { env: { ...process.env, BATON_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((ok, fail) => {
    lines.once('line', (line) => ok(line.replace('baton: listening on ', '').trim()));
    child.once('exit', (code) => fail(new Error(`baton serve exited with ${code}`)));
  });
  return {
    url,
    agent,
    password,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** A visitor: hands over a conversation, then chats; collects every frame it receives. */
export class Visitor {
  constructor(url) {
    this.frames = [];
    this.waiters = [];
    this.ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws/visitor');
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

/** Headless Chromium from Debian with the flags this machine needs. */
export async function browser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
