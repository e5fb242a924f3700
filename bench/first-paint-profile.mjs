// Where a cold load of the dashboard's Updates view spends its time: a Chromium trace (devtools.timeline, v8) of N
// cold loads of a real `upshift serve` over 5 projects, each in a fresh context (no cache, no cookie), summed by
// phase on the renderer's main thread — HTML parse, script compile and evaluation, the first render, style,
// layout, paint — plus the network: when each request left and was answered, and how long the server itself took
// for each API call (its Server-Timing header). Prints the medians; `--trace FILE` keeps the last trace for
// chrome://tracing or DevTools. Companion of bench/first-paint.mjs (which measures; this one explains).
//   npm run build && node bench/first-paint-profile.mjs [loads] [--trace out.json] [--dist DIR]
// `--dist DIR` profiles another build (a copy of an older dist/, for a before/after of the same run).
/* global document, window, performance, requestAnimationFrame, MutationObserver */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import {
  benchEnv, deadline, importStateStore, makeProjectRepos, makeTempDir, ms, printTable, registerProjects, removeTempDir,
  requireBuild, root, startServe, stats, waitForFirstCheck,
} from './lib.mjs';
import { exposeDone } from './page-done.mjs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return null;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const traceOut = flag('--trace');
const distDir = resolve(flag('--dist') ?? join(root, 'dist'));
const LOADS = Number(args[0] ?? 7);
const CHROMIUM = process.env.UPSHIFT_CHROMIUM ?? '/usr/bin/chromium';

requireBuild();
if (!existsSync(join(distDir, 'renderer/index.html'))) {
  console.error(`first-paint-profile: no built dashboard at ${join(distDir, 'renderer/index.html')}; run "npm run build".`);
  process.exit(2);
}
deadline(5 * 60_000, 'first-paint-profile');

const tmp = makeTempDir('upshift-bench-paint-profile-');
const env = benchEnv();
const projects = makeProjectRepos(join(tmp, 'fixtures'), 5, { env });
const home = join(tmp, 'home');
{
  const { StateStore } = await importStateStore();
  const store = StateStore.open(home);
  registerProjects(store, projects);
  store.close();
}
const served = join(tmp, 'renderer');
cpSync(join(distDir, 'renderer'), served, { recursive: true, preserveTimestamps: true });

function installMarks() {
  const marks = {};
  window.__benchMarks = marks;
  const observer = new MutationObserver(() => {
    if (marks.readyDom === undefined && document.querySelector('#root[data-ready="true"]')) {
      marks.readyDom = performance.now();
      // A user-timing mark lines the trace up with the page's clock (its timestamp is the trace's).
      performance.mark('bench:data-ready');
      requestAnimationFrame(() => {
        marks.ready = performance.now();
        window.__benchDone?.('ready');
      });
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
}

function collect() {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource').map((e) => ({
    name: new URL(e.name).pathname,
    start: e.startTime,
    requestStart: e.requestStart,
    responseStart: e.responseStart,
    end: e.responseEnd,
    server: e.serverTiming.map((t) => `${t.name}=${t.duration.toFixed(1)}`).join(' '),
    serverMs: e.serverTiming.reduce((s, t) => s + t.duration, 0),
  }));
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return { html: nav.responseEnd, dcl: nav.domContentLoadedEventEnd, fcp: fcp?.startTime ?? null, res };
}

/** The names DevTools' Performance panel groups the main thread's work by (nested events count in their own kind). */
const KINDS = {
  ParseHTML: 'parse HTML', 'v8.compileModule': 'compile script', 'v8.compile': 'compile script', 'V8.CompileCode': 'compile script',
  'v8.evaluateModule': 'evaluate script (top level)', EvaluateScript: 'evaluate script (top level)', FunctionCall: 'run script (callbacks, timers)',
  'v8.callFunction': 'run script (callbacks, timers)', UpdateLayoutTree: 'style', Layout: 'layout', PrePaint: 'paint', Paint: 'paint',
  Layerize: 'paint', Commit: 'paint', ParseAuthorStyleSheet: 'parse stylesheet',
};

/**
 * The load cut at the moments that matter — HTML received, the entry script received, the first state answered,
 * data-ready — with the main thread's busy time in each, by kind. Events are those of the page's main thread (the
 * thread that recorded the page's user-timing mark); `t0` is navigation start on the trace's clock.
 */
function breakdown(events, timings) {
  const mark = events.find((e) => e.name === 'bench:data-ready');
  if (!mark) return null;
  const t0 = mark.ts - timings.readyDom * 1000;
  const cuts = [
    ['navigation → HTML received', 0, timings.html],
    ['HTML → entry script received', timings.html, timings.script],
    ['script → first state answered', timings.script, timings.state],
    ['state answered → data-ready', timings.state, timings.readyDom],
  ];
  const on = events.filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X' && typeof e.dur === 'number');
  const tasks = on.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const out = {};
  for (const [name, from, to] of cuts) {
    const a = t0 + from * 1000;
    const b = t0 + to * 1000;
    // Busy: the part of each top-level task inside the segment (wall). CPU: the thread time of the tasks that start
    // in it (tdur) — on a loaded machine a task's wall time is mostly waiting for a core, its CPU time is the work.
    const busy = tasks.reduce((sum, e) => sum + Math.max(0, Math.min(b, e.ts + e.dur) - Math.max(a, e.ts)), 0) / 1000;
    const cpu = tasks.filter((e) => e.ts >= a && e.ts < b).reduce((sum, e) => sum + (e.tdur ?? e.dur), 0) / 1000;
    const kinds = {};
    // Outermost event of each kind only (a FunctionCall inside a FunctionCall is counted once).
    const openUntil = {};
    for (const e of on) {
      const k = KINDS[e.name];
      if (!k || e.ts < a || e.ts >= b) continue;
      if ((openUntil[k] ?? 0) > e.ts) continue;
      openUntil[k] = e.ts + e.dur;
      kinds[k] = (kinds[k] ?? 0) + (e.tdur ?? e.dur) / 1000;
    }
    out[name] = { wall: to - from, busy, cpu, kinds };
  }
  return out;
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'disabled-by-default-v8.compile', 'blink.user_timing', 'loading', 'navigation'];

async function load(url, trace) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const waitFor = await exposeDone(context);
  await context.addInitScript(installMarks);
  const page = await context.newPage();
  try {
    const path = join(tmp, 'trace.json');
    if (trace) await browser.startTracing(page, { path, categories: CATEGORIES });
    // Nothing of Playwright's runs in the page until data-ready (bench/page-done.mjs).
    await Promise.all([page.goto(url, { waitUntil: 'commit' }), waitFor('ready')]);
    const marks = await page.evaluate(() => window.__benchMarks);
    const timings = await page.evaluate(collect);
    let sums = null;
    if (trace) {
      await browser.stopTracing();
      const raw = JSON.parse(readFileSync(path, 'utf8'));
      const events = Array.isArray(raw) ? raw : raw.traceEvents;
      const res = (re) => timings.res.find((r) => re.test(r.name))?.end ?? NaN;
      sums = breakdown(events, { html: timings.html, script: res(/\/assets\/index-[^/]*\.js$/), state: res(/\/api\/getState$/), readyDom: marks.readyDom });
      if (traceOut) writeFileSync(traceOut, JSON.stringify(raw));
      if (traceOut) console.log(`trace of this load: ${traceOut} (data-ready in the DOM at ${marks.readyDom.toFixed(1)} ms)`);
    }
    return { ...marks, ...timings, sums };
  } finally {
    await context.close();
  }
}

const server = await startServe({ ...env, UPSHIFT_HOME: home, UPSHIFT_RENDERER_DIR: served }, {});
const samples = [];
try {
  await waitForFirstCheck(server);
  await load(server.url, false);
  for (let i = 0; i < LOADS; i++) samples.push(await load(server.url, true));
} finally {
  await browser.close();
  await server.stop();
}

const med = (xs) => (xs.length ? stats(xs).median : NaN);
const fmt = (v) => (Number.isFinite(v) ? ms(v) : '—');
console.log(`first-paint-profile: ${LOADS} traced cold loads of ${distDir}; Chromium ${browser.version()}`);
printTable([
  ['since navigation start (medians)', 'ms'],
  ['HTML received', fmt(med(samples.map((s) => s.html)))],
  ['first contentful paint (shell)', fmt(med(samples.map((s) => s.fcp)))],
  ['DOMContentLoaded', fmt(med(samples.map((s) => s.dcl)))],
  ['data-ready in the DOM', fmt(med(samples.map((s) => s.readyDom)))],
  ['data-ready (frame)', fmt(med(samples.map((s) => s.ready)))],
]);
const names = [...new Set(samples.flatMap((s) => s.res.map((r) => r.name)))];
printTable([
  ['request (medians)', 'sent', 'first byte', 'done', 'server'],
  ...names.map((n) => {
    const rs = samples.map((s) => s.res.find((r) => r.name === n)).filter(Boolean);
    return [n.replace(/-[A-Za-z0-9_-]{8}\./, '-….'), fmt(med(rs.map((r) => r.start))), fmt(med(rs.map((r) => r.responseStart))), fmt(med(rs.map((r) => r.end))), rs[0].server ? fmt(med(rs.map((r) => r.serverMs))) : ''];
  }),
]);
const segments = samples[0].sums ? Object.keys(samples[0].sums) : [];
const rows = [['main thread, by segment (medians)', 'wall', 'busy (wall)', 'CPU', 'of which (CPU)']];
for (const seg of segments) {
  const got = samples.map((s) => s.sums?.[seg]).filter(Boolean);
  const kinds = [...new Set(got.flatMap((g) => Object.keys(g.kinds)))]
    .map((k) => [k, med(got.map((g) => g.kinds[k] ?? 0))])
    .filter(([, v]) => v >= 0.3)
    .sort((x, y) => y[1] - x[1]);
  rows.push([seg, fmt(med(got.map((g) => g.wall))), fmt(med(got.map((g) => g.busy))), fmt(med(got.map((g) => g.cpu))), kinds.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')]);
}
printTable(rows);
removeTempDir(tmp);
