#!/usr/bin/env node
// The scheduler's idle cost (issue 9, Performance): 50 watched projects, each with a release waiting for approval (so
// every full evaluation reads 50 working trees), outside any window, over one hour of simulated time on a ManualClock:
// the loop looks every minute (one fingerprint query) and evaluates in full every 15 minutes. Reports the CPU time this
// process spent (git children counted separately) against the hour, and the heap after GC at the start and the end.
// Target: < 0.1 % CPU, no growth. Run after `npm run build`: node --expose-gc bench/scheduler-idle.mjs
// BENCH_HOST=service hosts it as the tray app and `serve` do: inside UpshiftService (role app), with the service's
// notification loop and self-update timers on the same clock (its database watcher and poller off, as they are not the
// scheduler's cost); the hour is then stepped a minute at a time.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchEnv, makeProjectRepos, makeTempDir, printTable } from './lib.mjs';

const DIST = new URL('../dist/electron/core/', import.meta.url);
if (!existsSync(new URL('scheduler/index.js', DIST))) throw new Error('dist is missing: run `npm run build` first');
const { Engine } = await import(new URL('engine/index.js', DIST).href);
const { Scheduler, writeAutomationSettings } = await import(new URL('scheduler/index.js', DIST).href);
const { ManualClock } = await import(new URL('service/clock.js', DIST).href);
const { UpshiftService } = await import(new URL('service/index.js', DIST).href);
const HOST = process.env.BENCH_HOST === 'service' ? 'service' : 'scheduler';

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 50);
const gc = globalThis.gc ?? (() => undefined);
Object.assign(process.env, benchEnv());
const dir = makeTempDir('upshift-bench-sched-');
const projects = makeProjectRepos(dir, PROJECTS);
const home = join(dir, 'home');
const setup = await Engine.open({ home });
for (const p of projects) await setup.addProject(p.path, { name: p.name });
await setup.check();
writeAutomationSettings(setup.store, { enabled: true, windows: [{ name: 'nightly', days: 'daily', start: '02:00', end: '05:00', timeZone: 'UTC' }] });
setup.close();

const clock = new ManualClock('2026-03-10T06:00:00.000Z');
let ticks = 0;
const kinds = {};
let resolveTick = null;
const onTick = (r) => { ticks++; kinds[r.kind] = (kinds[r.kind] ?? 0) + 1; resolveTick?.(); };
let engine = null;
let service = null;
let scheduler = null;
if (HOST === 'service') {
  service = await UpshiftService.open({ home, clock, poll: false, watch: false, scheduler: { role: 'app', timeZone: 'UTC', onTick } });
} else {
  engine = await Engine.open({ home });
  scheduler = new Scheduler({ engine, clock, role: 'bench', timeZone: 'UTC', onTick });
}
const oneTick = () => new Promise((r) => (resolveTick = r));

// Warm up (first evaluation, statement caches), then measure one simulated hour.
let next = oneTick();
scheduler?.start();
clock.advance(0);
await next;
gc();
const heapStart = process.memoryUsage().heapUsed;
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const start = clock.now();
while (clock.now() - start < 3_600_000) {
  next = oneTick();
  if (HOST === 'service') clock.advance(60_000); // the scheduler looks at most a minute apart: one tick per step
  else if (!clock.runNext()) break;
  await next;
}
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - wall0;
const simulated = clock.now() - start;
gc();
const heapEnd = process.memoryUsage().heapUsed;
await scheduler?.stop();
engine?.close();
await service?.close();

const cpuMs = (cpu.user + cpu.system) / 1000;
printTable([
  ['measure', 'value'],
  ['host', HOST === 'service' ? 'UpshiftService (the tray app, serve)' : 'Scheduler alone (the daemon)'],
  ['projects', PROJECTS],
  ['simulated time', `${(simulated / 60_000).toFixed(0)} min`],
  ['ticks (unchanged / evaluated)', `${kinds.unchanged ?? 0} / ${kinds.evaluated ?? 0}`],
  ['CPU time in this process', `${cpuMs.toFixed(0)} ms`],
  ['wall time (incl. git status children)', `${wall.toFixed(0)} ms`],
  ['CPU share of the hour', `${((cpuMs / simulated) * 100).toFixed(4)} % (target < 0.1 %)`],
  ['wall share of the hour', `${((wall / simulated) * 100).toFixed(4)} %`],
  ['heap after GC start → end', `${(heapStart / 1e6).toFixed(2)} MB → ${(heapEnd / 1e6).toFixed(2)} MB (${(((heapEnd - heapStart) / 1e6)).toFixed(2)} MB)`],
]);
void ticks;
