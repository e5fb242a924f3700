// What `upshift serve` costs while nobody does anything: 20 watched projects (tiny local clones, each with a bare
// remote and a few release tags), the default poll interval (60 min: only the check at start runs), one dashboard
// connected to the event stream. After the start-up check has finished and a few seconds more, the serve process
// is sampled from /proc for 20 s — resident memory and CPU time (utime + stime, all threads) — side by side with
// a bare `node -e "setInterval(() => {}, 1000)"` as the baseline. Linux only. Needs the compiled CLI:
//   npm run build && node bench/serve-idle.mjs [seconds]
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clockTicks, deadline, importStateStore, performance, printTable, procSample, removeTempDir, requireBuild, requireProcfs,
  startServe, verdict, waitForFirstCheck, watchedWorkspace,
} from './lib.mjs';

const WINDOW_S = Number(process.argv[2] ?? 20);
const SETTLE_MS = 3000;
const SAMPLE_EVERY_MS = 1000;
const PROJECTS = 20;
const TAGS = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0'];
const TARGET_CPU_PERCENT = 1;

requireBuild();
requireProcfs('serve-idle');
deadline(5 * 60_000, 'serve-idle');

const CLK_TCK = clockTicks();
const { tmp, env, home } = await watchedWorkspace('upshift-bench-idle-', PROJECTS, { tags: TAGS });

/** Samples several processes over the same window; per process: RSS at start, end and max, CPU % of one core. */
async function sampleWindow(pids, seconds) {
  const first = pids.map(procSample);
  const t0 = performance.now();
  const maxRss = first.map((s) => s.rssKb);
  while (performance.now() - t0 < seconds * 1000) {
    await sleep(Math.min(SAMPLE_EVERY_MS, seconds * 1000 - (performance.now() - t0)));
    pids.forEach((pid, i) => (maxRss[i] = Math.max(maxRss[i], procSample(pid).rssKb)));
  }
  const last = pids.map(procSample);
  const wall = (performance.now() - t0) / 1000;
  return pids.map((_, i) => {
    const ticks = last[i].ticks - first[i].ticks;
    return {
      mainCpuMs: ((last[i].mainTicks - first[i].mainTicks) * 1000) / CLK_TCK,
      wall,
      ticks,
      cpuMs: (ticks * 1000) / CLK_TCK,
      cpuPercent: (ticks / CLK_TCK / wall) * 100,
      rssStartMb: first[i].rssKb / 1024,
      rssEndMb: last[i].rssKb / 1024,
      rssMaxMb: Math.max(maxRss[i], last[i].rssKb) / 1024,
      threads: last[i].threads,
      wakeupsPerS: (last[i].wakeups - first[i].wakeups) / wall,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The processes: serve with one event-stream client, and the bare Node baseline

/** One dashboard's event stream, read like EventSource would: counts events and heartbeat comments. */
function openEventStream(served) {
  const counts = { events: 0, heartbeats: 0, bytes: 0 };
  let resolveOpen;
  let rejectOpen;
  const opened = new Promise((resolve, reject) => ((resolveOpen = resolve), (rejectOpen = reject)));
  const req = httpGet(`${served.origin}/api/events?token=${encodeURIComponent(served.token)}`, { headers: { accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) {
      rejectOpen(new Error(`GET /api/events answered ${res.statusCode}`));
      res.resume();
      return;
    }
    resolveOpen();
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      counts.bytes += Buffer.byteLength(chunk);
      buffer += chunk;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (/^data:/m.test(frame)) counts.events++;
        else if (frame.startsWith(':')) counts.heartbeats++;
      }
    });
    res.on('error', () => undefined);
  });
  req.on('error', (e) => rejectOpen(e));
  return { opened, counts, close: () => req.destroy() };
}

const served = await startServe({ ...env, UPSHIFT_HOME: home });
const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env, stdio: 'ignore', detached: true });
const stopIdle = () => {
  try {
    process.kill(-idle.pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
process.once('exit', stopIdle);
let stream;
let results;
let checkMs;
let atStart;
try {
  stream = openEventStream(served);
  await stream.opened;
  const tCheck = performance.now();
  const state = await waitForFirstCheck(served);
  checkMs = performance.now() - tCheck;
  const failed = state.projects.filter((p) => !p.check || p.check.error);
  if (state.projects.length !== PROJECTS || failed.length > 0) {
    throw new Error(`expected ${PROJECTS} checked projects, got ${state.projects.length} (${failed.length} without a good check)`);
  }
  await sleep(SETTLE_MS);
  atStart = { ...stream.counts };
  results = await sampleWindow([served.pid, idle.pid], WINDOW_S);
} finally {
  stream?.close();
  await served.stop();
  stopIdle();
}

// The watcher's query by itself, on the same database (serve stopped): what one idle tick costs in SQLite.
let pragmaUs;
{
  const { StateStore } = await importStateStore();
  const store = StateStore.open(home);
  for (let i = 0; i < 200; i++) store.dataVersion();
  const n = 5000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) store.dataVersion();
  pragmaUs = ((performance.now() - t0) * 1000) / n;
  store.close();
}

// ---------------------------------------------------------------------------------------------------------
// Report

const [srv, base] = results;
const mb = (v) => `${v.toFixed(1)} MB`;
const pct = (v) => `${v.toFixed(2)} %`;
const row = (label, r) => [label, mb(r.rssStartMb), mb(r.rssEndMb), mb(r.rssMaxMb), `${r.cpuMs.toFixed(0)} ms (${r.mainCpuMs.toFixed(0)} ms)`, pct(r.cpuPercent), r.wakeupsPerS.toFixed(1), String(r.threads)];
console.log(
  `serve-idle: ${PROJECTS} projects (${TAGS.length} tags each, local bare remotes), poll interval default, 1 event-stream client; ` +
    `start-up check done ${(checkMs / 1000).toFixed(1)} s after the stream opened; then ${SETTLE_MS / 1000} s settle, ${srv.wall.toFixed(1)} s sampled (CLK_TCK ${CLK_TCK}: 1 tick = ${(1000 / CLK_TCK).toFixed(0)} ms); node ${process.version}`,
);
printTable([
  ['process (idle window)', 'RSS start', 'RSS end', 'RSS max', 'CPU time (main thread)', 'CPU', 'main-thread wakeups/s', 'threads'],
  row('upshift serve (1 SSE client, watcher every 500 ms)', srv),
  row('baseline: node -e "setInterval(() => {}, 1000)"', base),
]);
const events = stream.counts.events - atStart.events;
const heartbeats = stream.counts.heartbeats - atStart.heartbeats;
console.log(`event stream during the window: ${events} events, ${heartbeats} heartbeats (${stream.counts.bytes} bytes since connecting)`);
console.log(`serve − baseline: ${mb(srv.rssEndMb - base.rssEndMb)} RSS, ${pct(srv.cpuPercent - base.cpuPercent)} CPU (${((srv.cpuMs - base.cpuMs) / srv.wall).toFixed(2)} ms of CPU per second)`);
console.log(`one PRAGMA data_version (the watcher's idle tick) in this process: ${pragmaUs.toFixed(1)} µs, × 2 per second = ${((pragmaUs * 2) / 1000).toFixed(3)} ms of CPU per second`);
console.log(`serve idle CPU: ${pct(srv.cpuPercent)} of one core  (target ≤ ${TARGET_CPU_PERCENT} %: ${verdict(srv.cpuPercent <= TARGET_CPU_PERCENT)})`);

removeTempDir(tmp);
