// The escalation engine's per-message costs in a browser, measured (not asserted): run by
// `cargo xtask bench` after building crates/wasm-bench with the widget's release settings.
// Prints a Markdown table for BENCHMARKS.md.
//
// Each figure is the median of rounds inside wasm (the browser's clock is coarse, so a round
// makes many calls); matcher building and config compiling run once per page, each in its
// own task, with a long-task observer (tasks over 50 ms) watching.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { ROOT, browser, median } from '../e2e/support.mjs';

const PAGES = Number(process.env.BATON_BENCH_RUNS ?? 15);
const DIST = join(ROOT, 'crates/wasm-bench/dist');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

async function serveDist() {
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    try {
      const body = readFileSync(join(DIST, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/** Calls `name(...args)` on the wasm exports in its own task; the task's long tasks too. */
async function call(page, name, ...args) {
  return page.evaluate(async ([name, args]) => {
    const long = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) long.push(entry.duration);
    });
    observer.observe({ type: 'longtask' });
    const value = await new Promise((ok) => setTimeout(() => ok(window.wasmBindings[name](...args)), 0));
    await new Promise((ok) => setTimeout(ok, 50));
    observer.disconnect();
    return { value, long };
  }, [name, args]);
}

async function main() {
  const site = await serveDist();
  const chromium = await browser();
  const figures = { keywords: [], fold: [], sentiment: [], engine: [], build: [], compile: [] };
  const longTasks = [];
  try {
    for (let i = 0; i < PAGES; i += 1) {
      const page = await chromium.newPage();
      await page.goto(site.url, { waitUntil: 'load' });
      await page.waitForFunction(() => window.wasmBindings?.keywords_ns);
      // A fresh page each time: the first build and compile are what a visitor's widget pays.
      const build = await call(page, 'build_matcher_ms');
      const compile = await call(page, 'compile_demo_ms');
      figures.build.push(build.value);
      figures.compile.push(compile.value);
      longTasks.push(...build.long, ...compile.long);
      figures.keywords.push((await call(page, 'keywords_ns', 9, 2000)).value);
      figures.fold.push((await call(page, 'fold_ns', 9, 2000)).value);
      figures.sentiment.push((await call(page, 'sentiment_ns', 9, 500)).value);
      figures.engine.push((await call(page, 'engine_ns', 9, 200)).value);
      await page.close();
    }
  } finally {
    await chromium.close();
    site.close();
  }
  const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
  const ms = (v) => `${v.toFixed(2)} ms`;
  console.log(`\nIn-browser (wasm, the widget's release build; medians of ${PAGES} fresh pages):\n`);
  console.log('| measure | median | budget |\n|---|---|---|');
  console.log(`| keywords: 1,000 terms, 200-byte message, fold + evaluate | ${us(median(figures.keywords))} | ≤ 1.5 µs |`);
  console.log(`| of which folding the message (lower-case, diacritics, separators) | ${us(median(figures.fold))} | |`);
  console.log(`| sentiment: 200-byte message | ${us(median(figures.sentiment))} | ≤ 10 µs |`);
  console.log(`| whole engine: one visitor message through the demo config | ${us(median(figures.engine))} | |`);
  console.log(`| matcher build: 1,000 terms, first in a fresh page (one task) | ${ms(median(figures.build))} (max ${ms(Math.max(...figures.build))}) | |`);
  console.log(`| compile the demo config, first in a fresh page (one task) | ${ms(median(figures.compile))} (max ${ms(Math.max(...figures.compile))}) | |`);
  console.log(`| long tasks (> 50 ms) while building matchers, over ${PAGES} pages | ${longTasks.length}${longTasks.length ? ` (longest ${ms(Math.max(...longTasks))})` : ''} | 0 |`);
}

await main();
