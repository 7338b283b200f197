// Widget budgets, measured (not asserted): run by `cargo xtask bench` after the release
// build. Prints a Markdown table for BENCHMARKS.md.
//
// - bytes: the loader and the widget's wasm, JS and CSS, raw and brotli (quality 11);
// - main-thread work the loader adds to a host page before any interaction: Chromium's
//   TaskDuration (CDP Performance.getMetrics) with and without the script tag, median of runs;
// - open → usable: launcher click until the greeting and the message box are in the panel,
//   with the widget loaded on hover first (warm) and without (the click creates the iframe).
//
// `node tests/bench/widget.mjs --sizes [DIR]` prints only the widget's bytes, of DIR (default
// dist/, the release build), without a server or a browser: for comparing two builds.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { ROOT, browser, hostSite, median, startServer } from '../e2e/support.mjs';

const RUNS = Number(process.env.BATON_BENCH_RUNS ?? 15);

function brotli(bytes) {
  return brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

const kb = (n) => (n / 1024).toFixed(1);

/** The widget's wasm, JS and CSS in `dist`: rows of [name, raw, brotli] and the brotli total. */
function widgetFiles(dist) {
  const rows = [];
  let total = 0;
  for (const ext of ['.wasm', '.js', '.css']) {
    const files = readdirSync(dist).filter((f) => f.endsWith(ext));
    for (const file of files) {
      const bytes = readFileSync(join(dist, file));
      const compressed = brotli(bytes);
      total += compressed;
      rows.push([`widget ${ext.slice(1)}`, bytes.length, compressed]);
    }
  }
  return { rows, total };
}

function printSizes(rows, total) {
  console.log('| file | raw | brotli |\n|---|---|---|');
  for (const [name, raw, compressed] of rows) {
    console.log(`| ${name} | ${kb(raw)} KB | ${kb(compressed)} KB |`);
  }
  console.log(`| widget total (wasm + js + css) | | **${kb(total)} KB** (${total} bytes; budget 60 KB) |`);
}

async function sizes(server) {
  // As served: the server drops indentation and comment lines.
  const loader = Buffer.from(await (await fetch(server.url + '/baton.js')).arrayBuffer());
  const { rows, total } = widgetFiles(join(ROOT, 'dist'));
  printSizes([['loader `/baton.js` (budget 3 KB brotli)', loader.length, brotli(loader)], ...rows], total);
}

async function taskDuration(chromium, url) {
  const context = await chromium.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  const { metrics } = await cdp.send('Performance.getMetrics');
  await context.close();
  return metrics.find((m) => m.name === 'TaskDuration').value * 1000;
}

/**
 * The loader's own JavaScript before any interaction, from a Chromium trace of the page's
 * main thread: evaluating `/baton.js` plus every callback of it that ran (a `FunctionCall`
 * whose script is `/baton.js`), in ms. Style and layout it causes are in `taskDuration`.
 */
async function loaderScript(chromium, url) {
  const context = await chromium.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (data) => events.push(...data.value));
  const complete = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline', transferMode: 'ReportEvents' });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  await cdp.send('Tracing.end');
  await complete;
  await context.close();
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const ours = (e) => (e.args?.data?.url ?? '').includes('/baton.js');
  return events
    .filter((e) => e.pid === main?.pid && e.tid === main?.tid && e.ph === 'X')
    .filter((e) => (e.name === 'EvaluateScript' || e.name === 'FunctionCall') && ours(e))
    .reduce((sum, e) => sum + e.dur / 1000, 0);
}

/**
 * Launcher click → the greeting and the message box are in the panel. `preload`: the visitor
 * hovered first and the widget finished loading (the usual path: hover, focus or idle load it
 * before the click); otherwise the iframe is created by the click. The first run fills the
 * HTTP cache and is not counted.
 */
async function openToUsable(chromium, url, preload) {
  const context = await chromium.newContext();
  const page = await context.newPage();
  const results = [];
  for (let i = 0; i <= RUNS; i += 1) {
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(() => localStorage.clear());
    const launcher = page.locator('baton-chat');
    await launcher.waitFor({ state: 'attached' });
    let box = await launcher.boundingBox();
    while (!box || box.width === 0) {
      await page.waitForTimeout(20);
      box = await launcher.boundingBox();
    }
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    if (preload) {
      await page.mouse.move(x, y);
      const frame = await widgetFrame(page);
      await frame.locator('.panel').waitFor({ state: 'attached' });
    }
    const started = performance.now();
    await page.mouse.click(x, y);
    const frame = await widgetFrame(page);
    await frame.locator('.log li').first().waitFor();
    await frame.locator('#baton-input').waitFor();
    if (i > 0) results.push(performance.now() - started);
  }
  await context.close();
  return median(results);
}

async function widgetFrame(page) {
  let frame;
  while (!(frame = page.frames().find((f) => f.url().includes('/widget/')))) {
    await page.waitForTimeout(1);
  }
  return frame;
}

async function main() {
  const pages = {};
  const host = await hostSite(pages);
  const server = await startServer({ origins: [host.url] });
  await sizes(server);
  // The host page already runs a script of its own, as every real site does: the first
  // script of a page pays for creating its JavaScript context (≈ 8 ms here), which the loader
  // would otherwise be charged for.
  pages['/bare.html'] = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bare</title></head><body><main><h1>Host</h1></main><script>window.hostApp = { ready: true };</script></body></html>';
  pages['/with.html'] = pages['/bare.html'].replace('</body>',
    `<script src="${server.url}/baton.js" data-site="demo-shop" async></script></body>`);
  const chromium = await browser();
  try {
    const bare = [];
    const withLoader = [];
    for (let i = 0; i < RUNS; i += 1) {
      bare.push(await taskDuration(chromium, host.url + '/bare.html'));
      withLoader.push(await taskDuration(chromium, host.url + '/with.html'));
    }
    const added = median(withLoader) - median(bare);
    console.log(`\nmain-thread task time before interaction (median of ${RUNS}): host page ${median(bare).toFixed(1)} ms, with the loader ${median(withLoader).toFixed(1)} ms → the loader adds ${added.toFixed(1)} ms (budget 5 ms)`);
    const script = [];
    for (let i = 0; i < RUNS; i += 1) script.push(await loaderScript(chromium, host.url + '/with.html'));
    console.log(`the loader's own JavaScript before interaction (trace: evaluating /baton.js and its callbacks; median of ${RUNS}): ${median(script).toFixed(1)} ms`);
    const warm = await openToUsable(chromium, host.url + '/with.html', true);
    console.log(`open → usable, warm: widget loaded on hover, HTTP cache warm (median of ${RUNS}): ${warm.toFixed(1)} ms (budget 100 ms)`);
    const cold = await openToUsable(chromium, host.url + '/with.html', false);
    console.log(`open → usable, iframe created by the click, HTTP cache warm (median of ${RUNS}): ${cold.toFixed(1)} ms`);
  } finally {
    await chromium.close();
    await server.stop();
    await host.close();
  }
}

if (process.argv[2] === '--sizes') {
  const { rows, total } = widgetFiles(resolve(process.argv[3] ?? join(ROOT, 'dist')));
  printSizes(rows, total);
} else {
  await main();
}
