// The dashboard's History view over a big history: 10,000 operations (7 steps each, mixed statuses) on 20 watched
// projects, seeded through the state store in one transaction, served by a real `upshift serve` and opened in
// Debian's Chromium (playwright-core). Measures (a) the first render — navigation start to the first operation
// of the "Operations" listbox on screen, median of fresh page loads — (b) scrolling that listbox to the very
// end in 60 steps, one per animation frame, with every frame's duration recorded in the page, and (c) the same
// page with an empty history, as the baseline; with `--baseline DIR` (a copy of an older build's dist/), that build
// over the same 10,000 operations too, alternated load by load. Needs the build (dist/ and dist/renderer):
//   npm run build && node bench/history-render.mjs [operations] [loads] [--baseline DIR]
/* global document, window, performance, requestAnimationFrame, MutationObserver, PerformanceObserver, innerHeight */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import {
  benchEnv, deadline, importStateStore, makeProjectRepos, makeTempDir, ms, performance as nodePerformance, printTable,
  registerProjects, removeTempDir, requireBuild, root, startServe, stats, verdict, waitForFirstCheck,
} from './lib.mjs';
import { exposeDone } from './page-done.mjs';

const argv = process.argv.slice(2);
const baselineAt = argv.indexOf('--baseline');
const BASELINE = baselineAt >= 0 ? resolve(argv.splice(baselineAt, 2)[1] ?? '') : null;
const OPERATIONS = Number(argv[0] ?? 10_000);
const LOADS = Number(argv[1] ?? 5);
const PROJECTS = 20;
const SCROLL_RUNS = 3;
const SCROLL_STEPS = 60;
const TARGET_FIRST_RENDER_MS = 200;
const CHROMIUM = process.env.UPSHIFT_CHROMIUM ?? '/usr/bin/chromium';
const STEP_IDS = ['preflight', 'snapshot', 'fetch', 'checkout', 'install', 'smoke', 'finalize'];
const STEP_TITLES = { preflight: 'Preflight', snapshot: 'Snapshot', fetch: 'Fetch', checkout: 'Checkout', install: 'Install', smoke: 'Smoke tests', finalize: 'Finalize' };

requireBuild();
if (!existsSync(join(root, 'dist/renderer/index.html'))) {
  console.error('history-render: the dashboard is not built (no dist/renderer/index.html); run "npm run build".');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`history-render: no Chromium at ${CHROMIUM} (set UPSHIFT_CHROMIUM).`);
  process.exit(2);
}
if (BASELINE !== null && !(existsSync(join(BASELINE, 'upshift.mjs')) && existsSync(join(BASELINE, 'renderer/index.html')))) {
  console.error(`history-render: --baseline ${BASELINE} is not a built dist/ (it needs upshift.mjs and renderer/index.html).`);
  process.exit(2);
}
deadline((BASELINE ? 14 : 10) * 60_000, 'history-render');

const tmp = makeTempDir('upshift-bench-history-');
const env = benchEnv();
const fixtures = join(tmp, 'fixtures');
mkdirSync(fixtures);
const projects = makeProjectRepos(fixtures, PROJECTS, { env });

// ---------------------------------------------------------------------------------------------------------
// Seeding: the same 20 projects in two homes; one gets the history, in ONE transaction through the store API.

const { StateStore } = await importStateStore();

/** A small deterministic PRNG (mulberry32), so every run seeds the same history. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(r, weighted) {
  let x = r() * weighted.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of weighted) if ((x -= w) < 0) return v;
  return weighted[weighted.length - 1][0];
}

const STATUSES = [['succeeded', 60], ['rolled_back', 15], ['failed', 5], ['blocked', 12], ['interrupted', 8]];
const KINDS = [['upgrade', 85], ['rollback', 10], ['recovery', 5]];

/** Step outcomes for an operation's final status: where it stopped, and how. */
function stepPlan(status, r) {
  const n = STEP_IDS.length;
  if (status === 'succeeded') return STEP_IDS.map(() => 'succeeded');
  if (status === 'blocked') return STEP_IDS.map((_, i) => (i === 0 ? 'failed' : 'skipped'));
  const failAt = 2 + Math.floor(r() * (n - 3)); // fetch … smoke
  return STEP_IDS.map((id, i) => {
    if (i < failAt) return status === 'rolled_back' && id === 'checkout' ? 'rolled_back' : 'succeeded';
    if (i === failAt) return 'failed';
    return 'skipped';
  });
}

/** Seeds `count` operations, newest about an hour ago, one every ~90 minutes before that. Returns the oldest. */
function seedHistory(store, count) {
  const r = prng(42);
  const setStep = store.database.prepare(
    'UPDATE steps SET status = ?, started_at = ?, finished_at = ?, duration_ms = ?, error = ? WHERE operation_id = ? AND step_id = ?',
  );
  let oldest = null;
  const now = Date.now() - 3_600_000;
  store.database.transaction(() => {
    for (let i = 0; i < count; i++) {
      const project = projects[Math.floor(r() * projects.length)].name;
      const status = pick(r, STATUSES);
      const kind = pick(r, KINDS);
      const startMs = now - i * 90 * 60_000 - Math.floor(r() * 30 * 60_000);
      const minor = Math.floor(r() * 40);
      const from = { version: `1.${minor}.0`, tag: `v1.${minor}.0`, sha: null };
      const to = { version: `1.${minor + 1}.0`, tag: `v1.${minor + 1}.0`, sha: null };
      const outcomes = stepPlan(status, r);
      let t = startMs;
      const times = outcomes.map((outcome) => {
        if (outcome === 'skipped') return { outcome, start: null, end: null, duration: null };
        const duration = Math.floor(50 + r() * (outcome === 'failed' ? 20_000 : 8_000));
        const step = { outcome, start: new Date(t).toISOString(), end: new Date(t + duration).toISOString(), duration };
        t += duration;
        return step;
      });
      const failed = status === 'succeeded' ? null : `${STEP_TITLES[STEP_IDS[outcomes.indexOf('failed')]]} failed (exit 1)`;
      const op = store.createOperation({
        project,
        kind,
        status,
        from: kind === 'upgrade' ? from : to,
        to: kind === 'upgrade' ? to : from,
        steps: STEP_IDS.map((id) => ({ id, title: STEP_TITLES[id], command: id === 'install' ? 'true' : id === 'smoke' ? 'true' : null })),
        startedAt: new Date(startMs).toISOString(),
        finishedAt: new Date(t + 20).toISOString(),
        error: failed,
        host: 'bench-host',
        user: 'bench',
        pid: 1,
        pidStartTime: null,
        bootId: null,
      });
      STEP_IDS.forEach((id, k) => {
        const s = times[k];
        setStep.run(s.outcome, s.start, s.end, s.duration, s.outcome === 'failed' ? 'exit code 1' : null, op.id, id);
      });
      oldest = op;
    }
  })();
  return oldest;
}

const fullHome = join(tmp, 'home-full');
const emptyHome = join(tmp, 'home-empty');
let oldest;
let seedMs;
{
  const store = StateStore.open(fullHome);
  registerProjects(store, projects);
  const t0 = nodePerformance.now();
  oldest = seedHistory(store, OPERATIONS);
  seedMs = nodePerformance.now() - t0;
  const { total } = store.queryOperations({ limit: 1 });
  if (total !== OPERATIONS) throw new Error(`seeded ${total} operations, expected ${OPERATIONS}`);
  store.close();
  const empty = StateStore.open(emptyHome);
  registerProjects(empty, projects);
  empty.close();
}

// ---------------------------------------------------------------------------------------------------------
// In the page: marks taken at document start by an init script, relative to navigation start (performance.now()).

/** Installed before the app's scripts: records when the first option, the first loaded option and the empty state appear. */
function installMarks() {
  const marks = {};
  window.__benchMarks = marks;
  const list = '[role="listbox"][aria-label="Operations"]';
  const onScreen = (el) => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.bottom > 0 && r.top < innerHeight;
  };
  /** DOM time now; frame time at the next animation frame (the frame that draws it). */
  const mark = (name) => {
    marks[`${name}Dom`] = performance.now();
    requestAnimationFrame(() => {
      marks[name] = performance.now();
      window.__benchDone?.(name);
    });
  };
  const check = () => {
    if (marks.totalDom === undefined && /\d operation/.test(document.querySelector('.view-history [role="status"]')?.textContent ?? '')) mark('total');
    if (marks.readyDom === undefined && document.querySelector('#root[data-ready="true"]')) mark('ready');
    if (marks.anyOptionDom === undefined && onScreen(document.querySelector(`${list} [role="option"]`))) mark('anyOption');
    if (marks.firstOptionDom === undefined && onScreen(document.querySelector(`${list} [role="option"]:not([aria-disabled="true"])`))) mark('firstOption');
    if (marks.emptyDom === undefined) {
      const e = document.querySelector('.view-history .empty-state');
      if (onScreen(e) && e.textContent.includes('No operations yet')) mark('empty');
    }
    // Done once ready and either the first operation or the empty state is in: stop forcing layouts.
    if (marks.readyDom !== undefined && (marks.firstOptionDom !== undefined || marks.emptyDom !== undefined)) observer.disconnect();
  };
  // Long animation frames (over 50 ms): how much of the main thread's time went to script and to forced layout.
  window.__benchLoaf = [];
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        window.__benchLoaf.push({
          start: e.startTime,
          duration: e.duration,
          script: e.scripts.reduce((sum, x) => sum + x.duration, 0),
          forcedLayout: e.scripts.reduce((sum, x) => sum + x.forcedStyleAndLayoutDuration, 0),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // Not supported: the breakdown shows dashes.
  }
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true });
}

/** Navigation and resource timings of the load, from the page's Performance API. */
function collectTimings() {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const api = (name) => res.find((e) => e.name.endsWith(`/api/${name}`));
  const script = res.find((e) => /\/assets\/index-[^/]*\.js$/.test(e.name));
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    html: nav?.responseEnd ?? null,
    script: script?.responseEnd ?? null,
    domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
    getStateStart: api('getState')?.startTime ?? null,
    getStateEnd: api('getState')?.responseEnd ?? null,
    queryStart: api('queryHistory')?.startTime ?? null,
    queryEnd: api('queryHistory')?.responseEnd ?? null,
    // The server's own time for each (its Server-Timing header: reading the body, then the engine's call).
    getStateServer: api('getState')?.serverTiming.reduce((s, t) => s + t.duration, 0) ?? null,
    queryServer: api('queryHistory')?.serverTiming.reduce((s, t) => s + t.duration, 0) ?? null,
    fcp: fcp?.startTime ?? null,
  };
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const waitFor = await exposeDone(context);
  await context.addInitScript(installMarks);
  const page = await context.newPage();
  return { context, page, waitFor };
}

/** One fresh load of #/history (new context: no cache, no session storage); resolves with its marks and timings. */
async function firstRender(served, expectEmpty) {
  const { context, page, waitFor } = await newPage();
  try {
    const key = expectEmpty ? 'empty' : 'firstOption';
    // Nothing of Playwright's runs in the page until the mark (bench/page-done.mjs).
    await Promise.all([page.goto(`${served.url}&/history`, { waitUntil: 'commit' }), waitFor(key)]);
    const marks = await page.evaluate(() => window.__benchMarks);
    const timings = await page.evaluate(collectTimings);
    const before = (await page.evaluate(() => window.__benchLoaf)).filter((e) => e.start < marks[key]);
    const sum = (k) => before.reduce((total, e) => total + e[k], 0);
    Object.assign(timings, { loafCount: before.length, loafMs: sum('duration'), loafScript: sum('script'), loafLayout: sum('forcedLayout') });
    if (!(await page.evaluate(() => window.location.hash === '#/history'))) throw new Error(`the page did not route to #/history`);
    return { ...marks, ...timings, value: marks[key] };
  } finally {
    await context.close();
  }
}

/** Scrolls the listbox to its end in `steps` steps, one per frame, recording every frame; waits for the last row. */
async function scrollToEnd(served) {
  const { context, page, waitFor } = await newPage();
  let queryRequests = 0;
  page.on('request', (req) => {
    if (req.url().endsWith('/api/queryHistory')) queryRequests++;
  });
  try {
    await Promise.all([page.goto(`${served.url}&/history`, { waitUntil: 'commit' }), waitFor('firstOption')]);
    const result = await page.evaluate(
      async ({ steps, lastIndex }) => {
        const nextFrame = () => new Promise((r) => requestAnimationFrame(r));
        const list = document.querySelector('[role="listbox"][aria-label="Operations"]');
        const stamps = [];
        let recording = true;
        const loop = (t) => {
          stamps.push(t);
          if (recording) requestAnimationFrame(loop);
        };
        requestAnimationFrame(loop);
        await nextFrame();
        const max = list.scrollHeight - list.clientHeight;
        const t0 = performance.now();
        for (let i = 1; i <= steps; i++) {
          list.scrollTop = Math.round((max * i) / steps);
          await nextFrame();
        }
        const scrolledAt = performance.now();
        const lastId = `history-row-${lastIndex}`;
        while (!document.getElementById(lastId) && performance.now() - scrolledAt < 20_000) await nextFrame();
        const loadedAt = performance.now();
        for (let i = 0; i < 5; i++) await nextFrame();
        recording = false;
        const frames = [];
        for (let i = 1; i < stamps.length; i++) frames.push(stamps[i] - stamps[i - 1]);
        const last = document.getElementById(lastId);
        const rows = [...list.querySelectorAll('[role="option"][id^="history-row-"]')].map((e) => Number(e.id.slice('history-row-'.length)));
        return {
          frames,
          scrollMs: scrolledAt - t0,
          lastRowMs: last ? loadedAt - scrolledAt : null,
          lastLabel: last ? (last.getAttribute('aria-label') ?? last.textContent) : null,
          maxIndex: rows.length > 0 ? Math.max(...rows) : -1,
          atBottom: Math.abs(list.scrollTop - max) < 2,
        };
      },
      { steps: SCROLL_STEPS, lastIndex: OPERATIONS - 1 },
    );
    return { ...result, queryRequests };
  } finally {
    await context.close();
  }
}

const full = await startServe({ ...env, UPSHIFT_HOME: fullHome });
const empty = await startServe({ ...env, UPSHIFT_HOME: emptyHome });
// The baseline build serves the same full home (both only read it once their start-up checks are done).
const baseline = BASELINE
  ? await startServe({ ...env, UPSHIFT_HOME: fullHome, UPSHIFT_RENDERER_DIR: join(BASELINE, 'renderer') }, { cliPath: join(BASELINE, 'upshift.mjs') })
  : null;
let fullSamples;
let emptySamples;
let baselineSamples = [];
let scrolls;
try {
  // The servers finish their start-up check of the 20 projects before anything is measured.
  await Promise.all([waitForFirstCheck(full), waitForFirstCheck(empty), ...(baseline ? [waitForFirstCheck(baseline)] : [])]);

  // One untimed load of each (Chromium's own warm-up), then rotate which goes first.
  const kinds = [
    { run: () => firstRender(full, false), out: () => fullSamples },
    { run: () => firstRender(empty, true), out: () => emptySamples },
    ...(baseline ? [{ run: () => firstRender(baseline, false), out: () => baselineSamples }] : []),
  ];
  for (const k of kinds) await k.run();
  fullSamples = [];
  emptySamples = [];
  baselineSamples = [];
  for (let i = 0; i < LOADS; i++) {
    for (let j = 0; j < kinds.length; j++) {
      const k = kinds[(i + j) % kinds.length];
      k.out().push(await k.run());
    }
  }
  scrolls = [];
  for (let i = 0; i < SCROLL_RUNS; i++) scrolls.push(await scrollToEnd(full));
} finally {
  await browser.close();
  await full.stop();
  await empty.stop();
  await baseline?.stop();
}

// ---------------------------------------------------------------------------------------------------------
// Report

const med = (samples, key) => {
  const v = samples.map((s) => s[key]).filter((x) => typeof x === 'number');
  return v.length > 0 ? stats(v).median : NaN;
};
const N = OPERATIONS.toLocaleString('en');
const fmt = (v) => (Number.isFinite(v) ? ms(v) : '—');
const fr = stats(fullSamples.map((s) => s.value));
const base = stats(emptySamples.map((s) => s.value));
const frames = scrolls.flatMap((s) => s.frames).sort((a, b) => a - b);
const p95 = frames[Math.min(frames.length - 1, Math.floor(frames.length * 0.95))];
const long = frames.filter((f) => f > 50).length;
const reached = Math.min(...scrolls.map((s) => s.maxIndex)) + 1;
const lastOk = scrolls.every((s) => s.lastLabel !== null && s.lastLabel.startsWith(`${oldest.project},`));

console.log(
  `history-render: ${OPERATIONS.toLocaleString('en')} operations × ${STEP_IDS.length} steps on ${PROJECTS} projects (seeded in one transaction: ${ms(seedMs)}); ` +
    `${LOADS} fresh loads each, alternating after 1 warm-up; Chromium ${browser.version()}, headless, 1280×860; node ${process.version}`,
);
printTable([
  ['first render of #/history (navigation start → …)', 'median', 'min', 'max'],
  [`first operation on screen (${N} operations)`, ms(fr.median), ms(fr.min), ms(fr.max)],
  ['baseline: "No operations yet" on screen (empty history)', ms(base.median), ms(base.min), ms(base.max)],
  ...(BASELINE ? [[`baseline build (${BASELINE}), ${N} operations`, ms(stats(baselineSamples.map((s) => s.value)).median), ms(stats(baselineSamples.map((s) => s.value)).min), ms(stats(baselineSamples.map((s) => s.value)).max)]] : []),
]);
printTable([
  ['where the time goes (medians, since navigation start)', `${N} operations`, 'empty'],
  ['  HTML received', fmt(med(fullSamples, 'html')), fmt(med(emptySamples, 'html'))],
  ['  app script received', fmt(med(fullSamples, 'script')), fmt(med(emptySamples, 'script'))],
  ['  DOMContentLoaded', fmt(med(fullSamples, 'domContentLoaded')), fmt(med(emptySamples, 'domContentLoaded'))],
  ['  first contentful paint', fmt(med(fullSamples, 'fcp')), fmt(med(emptySamples, 'fcp'))],
  ['  getState sent → answered', `${fmt(med(fullSamples, 'getStateStart'))} → ${fmt(med(fullSamples, 'getStateEnd'))}`, `${fmt(med(emptySamples, 'getStateStart'))} → ${fmt(med(emptySamples, 'getStateEnd'))}`],
  ['  queryHistory (first page) sent → answered', `${fmt(med(fullSamples, 'queryStart'))} → ${fmt(med(fullSamples, 'queryEnd'))}`, `${fmt(med(emptySamples, 'queryStart'))} → ${fmt(med(emptySamples, 'queryEnd'))}`],
  ['    server time: getState / queryHistory', `${fmt(med(fullSamples, 'getStateServer'))} / ${fmt(med(fullSamples, 'queryServer'))}`, `${fmt(med(emptySamples, 'getStateServer'))} / ${fmt(med(emptySamples, 'queryServer'))}`],
  ['  #root data-ready (frame)', fmt(med(fullSamples, 'ready')), fmt(med(emptySamples, 'ready'))],
  ['  history total shown (frame)', fmt(med(fullSamples, 'total')), '—'],
  ['  first option in the DOM (loading placeholder)', fmt(med(fullSamples, 'anyOptionDom')), '—'],
  ['  first operation in the DOM / in a frame', `${fmt(med(fullSamples, 'firstOptionDom'))} / ${fmt(med(fullSamples, 'firstOption'))}`, `${fmt(med(emptySamples, 'emptyDom'))} / ${fmt(med(emptySamples, 'empty'))}`],
  ['  long frames (> 50 ms) before it: count, total', `${med(fullSamples, 'loafCount')}, ${fmt(med(fullSamples, 'loafMs'))}`, `${med(emptySamples, 'loafCount')}, ${fmt(med(emptySamples, 'loafMs'))}`],
  ['    of which script / forced style+layout in script', `${fmt(med(fullSamples, 'loafScript'))} / ${fmt(med(fullSamples, 'loafLayout'))}`, `${fmt(med(emptySamples, 'loafScript'))} / ${fmt(med(emptySamples, 'loafLayout'))}`],
]);
console.log(`first render, ${N} operations vs empty: ${(fr.median / base.median).toFixed(2)}× (${fr.median - base.median >= 0 ? '+' : ''}${ms(fr.median - base.median)})`);
if (BASELINE) {
  const b = stats(baselineSamples.map((s) => s.value)).median;
  console.log(`against the baseline build, same run: ${ms(fr.median)} vs ${ms(b)} (${(((fr.median - b) / b) * 100).toFixed(1)} %)`);
}
console.log(`first render (median of ${LOADS}): ${ms(fr.median)}  (target ≤ ${TARGET_FIRST_RENDER_MS} ms: ${verdict(fr.median <= TARGET_FIRST_RENDER_MS)})`);
console.log(
  `scroll to the end, ${SCROLL_STEPS} steps of ${Math.round((OPERATIONS * 60) / SCROLL_STEPS).toLocaleString('en')} px (one per frame), ${SCROLL_RUNS} runs, ${frames.length} frames: ` +
    `frame time median ${ms(stats(frames).median)}, p95 ${ms(p95)}, max ${ms(frames[frames.length - 1])}, ${long} over 50 ms`,
);
console.log(
  `  per run: scroll ${scrolls.map((s) => ms(s.scrollMs)).join(', ')}; last row loaded after the last step in ${scrolls.map((s) => (s.lastRowMs === null ? 'never' : ms(s.lastRowMs))).join(', ')}; ` +
    `queryHistory requests ${scrolls.map((s) => s.queryRequests).join(', ')}`,
);
console.log(
  `reachable: ${reached.toLocaleString('en')} of ${OPERATIONS.toLocaleString('en')} operations (last row ${lastOk ? 'is the oldest seeded operation' : 'NOT the oldest seeded operation'}: "${scrolls[0].lastLabel}")`,
);

removeTempDir(tmp);
if (reached !== OPERATIONS || !lastOk) process.exitCode = 1;
