// What /metrics costs `upshift serve`: 20 watched projects (as serve-idle.mjs), a history of upgrades in the state
// database, and a Prometheus-like scraper every 15 s. After the start-up check, the serve process's CPU time is read
// from /proc over the same window twice — without scrapes, then with one every 15 s — and each scrape is timed (the
// first one loads prom-client). Linux only. Needs the compiled CLI:
//   npm run build && node bench/metrics-scrape.mjs [seconds]
import { Buffer } from 'node:buffer';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clockTicks, deadline, ms, performance, printTable, procSample, removeTempDir, requireBuild, requireProcfs, startServe, stats,
  waitForFirstCheck, watchedWorkspace,
} from './lib.mjs';

const WINDOW_S = Number(process.argv[2] ?? 60);
const SCRAPE_EVERY_MS = 15_000;
const PROJECTS = 20;
const HISTORY_OPS = 2000;
const TAGS = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0'];

requireBuild();
requireProcfs('metrics-scrape');
deadline(8 * 60_000, 'metrics-scrape');

const CLK_TCK = clockTicks();
// A history to derive the totals from: finished upgrades and rollbacks spread over the projects.
const seed = (store, projects) => {
  const statuses = ['succeeded', 'succeeded', 'succeeded', 'rolled_back', 'failed', 'blocked'];
  for (let i = 0; i < HISTORY_OPS; i++) {
    const started = new Date(Date.UTC(2026, 0, 1) + i * 60_000);
    store.createOperation({
      project: projects[i % PROJECTS].name,
      kind: i % 10 === 9 ? 'rollback' : 'upgrade',
      status: statuses[i % statuses.length],
      startedAt: started.toISOString(),
      finishedAt: new Date(started.getTime() + 1000 + (i % 90) * 1000).toISOString(),
      pid: 1,
    });
  }
};
const { tmp, env, home } = await watchedWorkspace('upshift-bench-metrics-', PROJECTS, { tags: TAGS, seed });

const ticks = (pid) => procSample(pid).ticks;
const rssMb = (pid) => procSample(pid).rssKb / 1024;

async function scrape(served) {
  const t0 = performance.now();
  const res = await globalThis.fetch(`${served.origin}/metrics`, { headers: { authorization: `Bearer ${served.token}` } });
  const body = await res.text();
  if (res.status !== 200 || !body.includes('upshift_upgrades_total')) throw new Error(`/metrics answered ${res.status}: ${body.slice(0, 200)}`);
  return { ms: performance.now() - t0, bytes: Buffer.byteLength(body) };
}

async function window(pid, seconds, onTick) {
  const t0 = performance.now();
  const c0 = ticks(pid);
  let next = 0;
  while (performance.now() - t0 < seconds * 1000) {
    if (onTick && performance.now() - t0 >= next) {
      await onTick();
      next += SCRAPE_EVERY_MS;
    }
    await sleep(250);
  }
  const wall = (performance.now() - t0) / 1000;
  const cpuMs = ((ticks(pid) - c0) * 1000) / CLK_TCK;
  return { wall, cpuMs, cpuPercent: (cpuMs / 1000 / wall) * 100, rss: rssMb(pid) };
}

const served = await startServe({ ...env, UPSHIFT_HOME: home });
let quiet;
let scraped;
let first;
const later = [];
let bytes = 0;
try {
  await waitForFirstCheck(served);
  await sleep(3000);
  quiet = await window(served.pid, WINDOW_S);
  const rssBefore = rssMb(served.pid);
  scraped = await window(served.pid, WINDOW_S, async () => {
    const r = await scrape(served);
    bytes = r.bytes;
    if (first === undefined) first = r.ms;
    else later.push(r.ms);
  });
  scraped.rssGrowth = scraped.rss - rssBefore;
  // Scrape latency, warm, back to back (what one Prometheus scrape waits).
  for (let i = 0; i < 20; i++) later.push((await scrape(served)).ms);
} finally {
  await served.stop();
}

const pct = (v) => `${v.toFixed(2)} %`;
console.log(`metrics-scrape: upshift serve, ${PROJECTS} projects, ${HISTORY_OPS} operations in the history; two ${WINDOW_S} s windows (CLK_TCK ${CLK_TCK}); node ${process.version}`);
printTable([
  ['serve, idle window', 'CPU time', 'CPU', 'RSS at end'],
  ['no scrapes', `${quiet.cpuMs.toFixed(0)} ms`, pct(quiet.cpuPercent), `${quiet.rss.toFixed(1)} MB`],
  [`scraped every ${SCRAPE_EVERY_MS / 1000} s`, `${scraped.cpuMs.toFixed(0)} ms`, pct(scraped.cpuPercent), `${scraped.rss.toFixed(1)} MB (+${scraped.rssGrowth.toFixed(1)} MB, prom-client loaded)`],
]);
const warm = stats(later);
console.log(`first scrape (loads prom-client, reads the history): ${ms(first)}; later scrapes: median ${ms(warm.median)}, max ${ms(warm.max)}; ${bytes} bytes each`);
console.log(`scraping every 15 s costs ${pct(scraped.cpuPercent - quiet.cpuPercent)} of one core (${((scraped.cpuMs - quiet.cpuMs) / Math.max(1, Math.ceil((WINDOW_S * 1000) / SCRAPE_EVERY_MS))).toFixed(1)} ms of CPU per scrape, first included)`);
removeTempDir(tmp);
