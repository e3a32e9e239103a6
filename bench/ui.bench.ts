import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../scripts/chromium.mjs';
import { startHeadless, type HeadlessProcess } from '../test/helpers/headless';
import { buildApp, median, quantile, type Benchmark, type Figure } from './lib';

const ROOT = join(import.meta.dirname, '..');
const RENDERER = join(ROOT, 'out', 'renderer');
const RUNS = 9;

/**
 * Runs in the page before any of its scripts: records when the first live datum (the node's uptime, answered by
 * node.status through the bridge) is in the DOM, and when no card is loading any more. A MutationObserver in the
 * page measures on the page's own clock, without the round trips of polling from Playwright.
 */
const PROBE = `
  window.__bench = { liveAt: null, settledAt: null };
  new MutationObserver(() => {
    const b = window.__bench;
    if (b.liveAt === null && document.querySelector('[data-testid="uptime"]')) b.liveAt = performance.now();
    if (b.liveAt !== null && b.settledAt === null && document.querySelectorAll('.loading').length === 0)
      b.settledAt = performance.now();
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

/**
 * The baseline: the least a page can do to show the same datum — a bare HTML page with one small script, served by
 * the same headless server, that makes the same node.status call with the token and writes the uptime.
 */
const BARE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>bare</title></head>
<body><h1>bare</h1><p id="out">…</p><script type="module" src="./bench-bare.js"></script></body></html>`;
const BARE_JS = `
const token = /token=([A-Za-z0-9_-]+)/.exec(location.hash)[1];
const res = await fetch('/api/call/node.status', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
  body: '{}',
});
const { result } = await res.json();
const out = document.getElementById('out');
out.dataset.testid = 'uptime';
out.textContent = result.uptimeS + ' s';
`;

interface Sample {
  fcp: number;
  live: number;
  settled: number | null;
}

/** The probe's record in the page (typed here because the bench compiles without the DOM library). */
type Probe = { __bench: { liveAt: number | null; settledAt: number | null } };

async function sample(browser: Browser, url: string): Promise<Sample> {
  // A fresh context each time: no cache, no session storage, as a first open.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(PROBE);
  await page.goto(url);
  // Functions, not strings: the page's CSP forbids eval, and Playwright would eval a string predicate.
  await page.waitForFunction(() => (globalThis as unknown as Probe).__bench.liveAt !== null, undefined, {
    timeout: 30_000,
  });
  await page
    .waitForFunction(() => (globalThis as unknown as Probe).__bench.settledAt !== null, undefined, {
      timeout: 10_000,
    })
    .catch(() => undefined);
  const result = await page.evaluate(() => {
    const probe = (globalThis as unknown as Probe).__bench;
    return {
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      live: probe.liveAt ?? Number.NaN,
      settled: probe.settledAt,
    };
  });
  await context.close();
  return result;
}

/** Gzip size of each asset the built renderer ships, and of those the dashboard loads on first open. */
function bundleSizes(): { total: number; initial: number; files: number } {
  const assets = join(RENDERER, 'assets');
  const html = readFileSync(join(RENDERER, 'index.html'), 'utf8');
  let total = 0;
  let initial = 0;
  let files = 0;
  for (const name of readdirSync(assets)) {
    if (!/\.(js|css)$/.test(name)) continue;
    const size = gzipSync(readFileSync(join(assets, name)), { level: 9 }).length;
    total += size;
    files++;
    // index.html names what the first paint needs (entry script, its preloaded chunks, the stylesheet).
    if (html.includes(`assets/${name}`)) initial += size;
  }
  return { total, initial, files };
}

/** The Chromium the bench drives: found, or installed, the way the browser tests do (scripts/chromium.mjs). */
let chromiumPath: string | undefined;

const ui: Benchmark = {
  name: 'ui',
  summary:
    'dashboard first paint and time to live data in Chromium (vs a bare page), renderer bundle size (gzip)',
  prepare(log) {
    chromiumPath = ensureChromium(log);
    log(`ui: Chromium at ${chromiumPath}`);
  },
  async run(log) {
    const executablePath = (chromiumPath ??= ensureChromium(log));
    await buildApp();
    const sizes = bundleSizes();
    log(
      `bundle: ${sizes.files} files, ${(sizes.total / 1024).toFixed(1)} KiB gzip, first open ${(sizes.initial / 1024).toFixed(1)} KiB`,
    );

    writeFileSync(join(RENDERER, 'bench-bare.html'), BARE_HTML);
    writeFileSync(join(RENDERER, 'bench-bare.js'), BARE_JS);
    let shell: HeadlessProcess | undefined;
    let browser: Browser | undefined;
    const app: Sample[] = [];
    const bare: Sample[] = [];
    try {
      shell = await startHeadless({ args: ['--quiet'] });
      browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
      // One warm-up each: the first open of a fresh browser pays for its own start-up, not for the page.
      await sample(browser, shell.url);
      await sample(browser, `${shell.origin}/bench-bare.html#token=${shell.token}`);
      // Interleaved so that machine noise hits both alike.
      for (let i = 0; i < RUNS; i++) {
        bare.push(await sample(browser, `${shell.origin}/bench-bare.html#token=${shell.token}`));
        app.push(await sample(browser, shell.url));
        const a = app.at(-1)!;
        const b = bare.at(-1)!;
        log(
          `run ${i + 1}: dashboard paint ${a.fcp.toFixed(0)} ms, live ${a.live.toFixed(0)} ms, all cards ${
            a.settled?.toFixed(0) ?? '—'
          } ms · bare page paint ${b.fcp.toFixed(0)} ms, live ${b.live.toFixed(0)} ms`,
        );
      }
    } finally {
      await browser?.close();
      await shell?.stop();
      rmSync(join(RENDERER, 'bench-bare.html'), { force: true });
      rmSync(join(RENDERER, 'bench-bare.js'), { force: true });
    }

    const settled = app.map((s) => s.settled).filter((v): v is number => v !== null);
    const figures: Figure[] = [
      {
        id: 'dashboard-first-paint-median',
        value: median(app.map((s) => s.fcp)),
        unit: 'ms',
        better: 'lower',
        target: 1000,
        baseline: median(bare.map((s) => s.fcp)),
        note: `first-contentful-paint, median of ${RUNS} fresh contexts; baseline: a bare page from the same server`,
      },
      {
        id: 'dashboard-live-data-median',
        value: median(app.map((s) => s.live)),
        unit: 'ms',
        better: 'lower',
        target: 1500,
        baseline: median(bare.map((s) => s.live)),
        note: 'navigation start → the node status (uptime) is in the DOM; baseline: a bare page making the same call',
      },
      {
        id: 'dashboard-live-data-p90',
        value: quantile(
          app.map((s) => s.live),
          0.9,
        ),
        unit: 'ms',
        better: 'lower',
        target: 1500,
      },
      {
        id: 'dashboard-all-cards-settled-median',
        value: settled.length ? median(settled) : NaN,
        unit: 'ms',
        better: 'lower',
        note: 'navigation start → no card of the dashboard is loading (each shows data or its not-running state)',
      },
      {
        id: 'renderer-bundle-gzip-total',
        value: Math.round(sizes.total / 102.4) / 10,
        unit: 'KiB',
        better: 'lower',
        note: `sum of gzip -9 sizes of out/renderer/assets/*.js and *.css (${sizes.files} files, pages load lazily)`,
      },
      {
        id: 'renderer-bundle-gzip-first-open',
        value: Math.round(sizes.initial / 102.4) / 10,
        unit: 'KiB',
        better: 'lower',
        target: 120,
        note: 'the part of it the dashboard needs on first open (what index.html references)',
      },
    ];
    return figures;
  },
};

export default ui;
