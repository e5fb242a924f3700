// First paint of the dashboard in browser mode: a real `upshift serve` over 5 watched projects, opened cold (a fresh
// Chromium context each time: no HTTP cache, no cookie, so every load exchanges the printed token for its session)
// at the address it printed. Measures, median of N loads:
//   - the Updates view's data-ready (the root's data-ready="true": the first state is on screen) and the first
//     contentful paint (the static shell in index.html), from navigation start;
//   - the same server sending a static HTML page of the same uncompressed size as the first view's files
//     (random text, so it compresses less than the app does), to its own data-ready marker: the ratio says how
//     much of the app's time is the app rather than bytes and the browser;
//   - the bytes transferred for the first view (headers + compressed bodies), assets and API calls apart.
//   - with `--baseline DIR` (a copy of an older build's dist/, e.g. `cp -a dist /tmp/dist-before` before a change),
//     that build too — its own `upshift serve` and renderer over the same projects — alternated load by load with
//     this one, so a before/after is measured on the same machine load.
// Needs the build (dist/ and dist/renderer):
//   npm run build && node bench/first-paint.mjs [loads] [--baseline DIR]
/* global document, window, performance, requestAnimationFrame, MutationObserver */
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import {
  benchEnv, deadline, importStateStore, makeProjectRepos, makeTempDir, ms, printTable, registerProjects, removeTempDir,
  requireBuild, root, startServe, stats, verdict, waitForFirstCheck,
} from './lib.mjs';
import { exposeDone } from './page-done.mjs';

const argv = process.argv.slice(2);
const baselineAt = argv.indexOf('--baseline');
const BASELINE = baselineAt >= 0 ? resolve(argv.splice(baselineAt, 2)[1] ?? '') : null;
const LOADS = Number(argv[0] ?? 15);
const PROJECTS = 5;
const TARGET_READY_MS = 150;
const TARGET_FIRST_VIEW_BYTES = 100 * 1024;
const CHROMIUM = process.env.UPSHIFT_CHROMIUM ?? '/usr/bin/chromium';
const RENDERER = join(root, 'dist/renderer');

requireBuild();
if (!existsSync(join(RENDERER, 'index.html'))) {
  console.error('first-paint: the dashboard is not built (no dist/renderer/index.html); run "npm run build".');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`first-paint: no Chromium at ${CHROMIUM} (set UPSHIFT_CHROMIUM).`);
  process.exit(2);
}
if (BASELINE !== null && !(existsSync(join(BASELINE, 'upshift.mjs')) && existsSync(join(BASELINE, 'renderer/index.html')))) {
  console.error(`first-paint: --baseline ${BASELINE} is not a built dist/ (it needs upshift.mjs and renderer/index.html).`);
  process.exit(2);
}
deadline((BASELINE ? 8 : 5) * 60_000, 'first-paint');

const tmp = makeTempDir('upshift-bench-first-paint-');
const env = benchEnv();
const projects = makeProjectRepos(join(tmp, 'fixtures'), PROJECTS, { env });
const home = join(tmp, 'home');
{
  const { StateStore } = await importStateStore();
  const store = StateStore.open(home);
  registerProjects(store, projects);
  store.close();
}

// The served folder: the build as it is, plus the static comparison page, sized after the first view's files
// (index.html, the entry script and its stylesheet; the lazily loaded views are not part of the first view).
const served = join(tmp, 'renderer');
// Timestamps kept: the server sends a precompressed .br/.gz only when it is not older than its file, and a plain
// copy may write the sibling first (then every first load would be compressed on the fly, at a lower level).
cpSync(RENDERER, served, { recursive: true, preserveTimestamps: true });
const baselineServed = join(tmp, 'renderer-baseline');
if (BASELINE) cpSync(join(BASELINE, 'renderer'), baselineServed, { recursive: true, preserveTimestamps: true });
const assets = readdirSync(join(served, 'assets'));
const firstViewFiles = ['index.html', ...assets.filter((f) => /^index-[^.]+\.(js|css)$/.test(f)).map((f) => `assets/${f}`)];
const firstViewSize = firstViewFiles.reduce((sum, f) => sum + statSync(join(served, f)).size, 0);
{
  const head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>static</title></head><body><pre hidden>';
  const tail = '</pre><div id="root" data-ready="true">static</div></body></html>\n';
  const filler = randomBytes(Math.ceil((firstViewSize - head.length - tail.length) * 0.75)).toString('base64').slice(0, firstViewSize - head.length - tail.length);
  writeFileSync(join(served, 'static.html'), head + filler + tail);
}

/** Installed before any script of the page: when #root gets data-ready="true" (DOM time, then its frame). */
function installMarks() {
  const marks = {};
  window.__benchMarks = marks;
  const check = () => {
    if (marks.readyDom === undefined && document.querySelector('#root[data-ready="true"]')) {
      marks.readyDom = performance.now();
      requestAnimationFrame(() => {
        marks.ready = performance.now();
        window.__benchDone?.('ready');
      });
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true });
}

/** Timings and bytes of the load, from the page's Performance API. */
function collect() {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const sum = (list, key) => list.reduce((s, e) => s + (e[key] ?? 0), 0);
  const api = res.filter((e) => e.name.includes('/api/') && !e.name.endsWith('/api/events'));
  const files = res.filter((e) => !e.name.includes('/api/'));
  return {
    fcp: fcp?.startTime ?? null,
    domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
    assetBytes: (nav?.transferSize ?? 0) + sum(files, 'transferSize'),
    assetBodies: (nav?.encodedBodySize ?? 0) + sum(files, 'encodedBodySize'),
    assetDecoded: (nav?.decodedBodySize ?? 0) + sum(files, 'decodedBodySize'),
    apiBytes: sum(api, 'transferSize'),
    requests: [nav?.name, ...files.map((e) => e.name)].map((n) => new URL(n).pathname),
  };
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function load(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const waitFor = await exposeDone(context);
  await context.addInitScript(installMarks);
  const page = await context.newPage();
  try {
    // Nothing of Playwright's runs in the page until data-ready (bench/page-done.mjs).
    await Promise.all([page.goto(url, { waitUntil: 'commit' }), waitFor('ready')]);
    const marks = await page.evaluate(() => window.__benchMarks);
    return { ...marks, ...(await page.evaluate(collect)) };
  } finally {
    await context.close();
  }
}

const server = await startServe({ ...env, UPSHIFT_HOME: home, UPSHIFT_RENDERER_DIR: served });
// The baseline build's server shares the home: both only read it (the start-up check has written it by then).
let baselineServer = null;
let app;
let staticPage;
let before = [];
try {
  await waitForFirstCheck(server);
  if (BASELINE) {
    baselineServer = await startServe({ ...env, UPSHIFT_HOME: home, UPSHIFT_RENDERER_DIR: baselineServed }, { cliPath: join(BASELINE, 'upshift.mjs') });
    await waitForFirstCheck(baselineServer);
  }
  const staticUrl = `${server.origin}/static.html`;
  const kinds = [
    { run: () => load(server.url), out: () => app },
    { run: () => load(staticUrl), out: () => staticPage },
    ...(baselineServer ? [{ run: () => load(baselineServer.url), out: () => before }] : []),
  ];
  for (const k of kinds) await k.run();
  app = [];
  staticPage = [];
  before = [];
  // Each round rotates which kind goes first, so none always follows the same one.
  for (let i = 0; i < LOADS; i++) {
    for (let j = 0; j < kinds.length; j++) {
      const k = kinds[(i + j) % kinds.length];
      k.out().push(await k.run());
    }
  }
} finally {
  await browser.close();
  await server.stop();
  await baselineServer?.stop();
}

const med = (samples, key) => stats(samples.map((s) => s[key]).filter((v) => typeof v === 'number')).median;
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const ready = stats(app.map((s) => s.ready));
const still = stats(staticPage.map((s) => s.ready));
const firstViewBytes = med(app, 'assetBytes');

console.log(
  `first-paint: Updates view of ${PROJECTS} projects, ${LOADS} cold loads each (fresh context: no cache, no cookie), alternating after 1 warm-up; ` +
    `Chromium ${browser.version()}, headless, 1280×860; node ${process.version}`,
);
console.log(`first view requests: ${app[0].requests.join(', ')}`);
printTable([
  ['navigation start → …', 'median', 'min', 'max'],
  ['Updates view data-ready (frame)', ms(ready.median), ms(ready.min), ms(ready.max)],
  ['  first contentful paint (the static shell)', ms(med(app, 'fcp')), '', ''],
  ['  DOMContentLoaded', ms(med(app, 'domContentLoaded')), '', ''],
  [`static page of the same size (${kb(firstViewSize)}), data-ready (frame)`, ms(still.median), ms(still.min), ms(still.max)],
  ...(BASELINE
    ? [
        [`baseline build (${BASELINE}): data-ready (frame)`, ms(stats(before.map((s) => s.ready)).median), ms(stats(before.map((s) => s.ready)).min), ms(stats(before.map((s) => s.ready)).max)],
        ['  its first contentful paint / DOMContentLoaded', `${ms(med(before, 'fcp'))} / ${ms(med(before, 'domContentLoaded'))}`, '', ''],
      ]
    : []),
]);
printTable([
  ['first view, bytes', 'transferred', 'bodies (compressed)', 'decoded'],
  ['files (HTML, script, stylesheet, icon)', kb(firstViewBytes), kb(med(app, 'assetBodies')), kb(med(app, 'assetDecoded'))],
  ['API calls (session, getState…)', kb(med(app, 'apiBytes')), '', ''],
  ...(BASELINE ? [['baseline build: files', kb(med(before, 'assetBytes')), kb(med(before, 'assetBodies')), kb(med(before, 'assetDecoded'))]] : []),
]);
console.log(`ratio app / static page: ${(ready.median / still.median).toFixed(2)}×`);
if (BASELINE) {
  const b = stats(before.map((s) => s.ready)).median;
  console.log(`against the baseline build, same run: ${ms(ready.median)} vs ${ms(b)} (${(((ready.median - b) / b) * 100).toFixed(1)} %; baseline / static page ${(b / still.median).toFixed(2)}×)`);
}
console.log(`Updates view data-ready (median of ${LOADS}): ${ms(ready.median)}  (target ≤ ${TARGET_READY_MS} ms on an idle machine: ${verdict(ready.median <= TARGET_READY_MS)})`);
console.log(`first view transferred: ${kb(firstViewBytes)}  (target ≤ ${kb(TARGET_FIRST_VIEW_BYTES)}: ${verdict(firstViewBytes <= TARGET_FIRST_VIEW_BYTES)})`);

removeTempDir(tmp);
