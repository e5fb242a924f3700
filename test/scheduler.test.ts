// Issue 9 §1–§2: the scheduler loop on real repositories and the real engine, time from a ManualClock. A due patch is
// upgraded inside its window and marked unattended; every "never unattended" case is refused with its reason, and the
// engine path itself refuses it when asked directly; two schedulers on one state directory: exactly one acts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Schedule } from '../shared/policy/index.js';
import { Engine } from '../electron/core/engine/index.js';
import { Scheduler, writeAutomationSettings, type TickResult } from '../electron/core/scheduler/index.js';
import { ManualClock } from '../electron/core/service/clock.js';
import { cleanupTempDirs, commitFiles, createRemoteWithReleases, git, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());
const open: Array<{ close(): void }> = [];
const schedulers: Scheduler[] = [];
afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.stop();
  for (const e of open.splice(0)) e.close();
});

const NIGHTLY = { name: 'nightly', days: 'daily', start: '02:00', end: '05:00', timeZone: 'UTC' };

async function setup(opts: { releases?: string[]; manifest?: string; policy?: Record<string, unknown>; home?: string } = {}) {
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': `smoke:\n  command: "true"\n${opts.manifest ?? ''}`, 'app.txt': 'v0\n' },
    releases: ['1.0.0', ...(opts.releases ?? ['1.0.1'])].map((version) => ({ version, files: { 'app.txt': `${version}\n` } })),
    checkout: 'v1.0.0',
  });
  const home = opts.home ?? makeTempDir('upshift-home-');
  const engine = await Engine.open({ home });
  open.push(engine);
  await engine.addProject(fx.work, { name: 'p' });
  await engine.check();
  writeAutomationSettings(engine.store, { enabled: true, windows: [NIGHTLY], ...(opts.policy ?? {}) });
  return { fx, home, engine, at: () => git(fx.work, 'describe', '--tags', '--exact-match', 'HEAD') };
}

function scheduler(engine: Engine, clock: ManualClock, role = 'test'): Scheduler {
  const s = new Scheduler({ engine, clock, role, timeZone: 'UTC' });
  schedulers.push(s);
  return s;
}

function evaluated(r: TickResult): Extract<TickResult, { kind: 'evaluated' }> {
  expect(r.kind).toBe('evaluated');
  return r as Extract<TickResult, { kind: 'evaluated' }>;
}

function reasonsOf(s: Schedule, version: string): string[] {
  return s.projects[0]!.releases.find((r) => r.version === version)!.reasons.map((r) => r.code);
}

describe('the scheduler loop', () => {
  it('waits outside the window, wakes at its opening, upgrades the due patch and marks it unattended', async () => {
    const { engine, at } = await setup();
    const clock = new ManualClock('2026-03-10T01:00:00.000Z');
    const s = scheduler(engine, clock);
    const first = evaluated(await s.tick());
    expect(first.started).toEqual([]);
    expect(first.schedule.projects[0]!.next).toMatchObject({ version: '1.0.1', status: 'scheduled', at: '2026-03-10T02:00:00.000Z', trigger: 'window' });
    expect(first.schedule.wakeAt).toBe('2026-03-10T02:00:00.000Z');
    expect(at()).toBe('v1.0.0');

    // The loop sleeps until the opening, not every second: one tick at the next wake.
    const ticks: TickResult[] = [];
    const looped = new Scheduler({ engine, clock, role: 'test', timeZone: 'UTC', onTick: (r) => ticks.push(r) });
    schedulers.push(looped);
    await s.stop();
    looped.start();
    clock.advance(0);
    await waitUntil(() => ticks.length >= 1);
    // Between looks it compares a fingerprint of the state (cheap) every minute, evaluates in full every 15 minutes
    // (a tree cleaned up outside Upshift leaves no trace in the state), and wakes exactly at 02:00.
    while (!ticks.some((t) => t.kind === 'evaluated' && t.started.length > 0)) {
      const n = ticks.length;
      expect(clock.runNext()).toBe(true);
      await waitUntil(() => ticks.length > n);
    }
    const evaluations = ticks.filter((t) => t.kind === 'evaluated');
    expect(evaluations.map((t) => t.at.slice(11, 16))).toEqual(['01:00', '01:15', '01:30', '01:45', '02:00']);
    expect(ticks.filter((t) => t.kind === 'unchanged').length).toBe(56);
    const done = ticks.find((t) => t.kind === 'evaluated' && t.started.length > 0) as Extract<TickResult, { kind: 'evaluated' }>;
    expect(done.started[0]).toMatchObject({ project: 'p', version: '1.0.1', refused: null, operation: { status: 'succeeded' } });
    expect(at()).toBe('v1.0.1');
    const [op] = engine.history({ project: 'p' }).operations;
    expect(op!.startedBy).toMatchObject({ by: 'policy', trigger: 'window', window: 'nightly', approvedBy: null });
    expect(op!.startedBy!.scheduler).toMatch(/^test \(pid \d+ on /);
  });

  it('never unattended: a dirty tree — refused by the schedule, and by the engine path when asked directly', async () => {
    const { engine, fx, at } = await setup({ policy: { windows: [] } });
    writeFileSync(join(fx.work, 'notes.txt'), 'work in progress\n');
    const s = scheduler(engine, new ManualClock('2026-03-10T03:00:00.000Z'));
    const r = evaluated(await s.tick());
    expect(r.started).toEqual([]);
    expect(reasonsOf(r.schedule, '1.0.1')).toContain('dirty');
    expect(r.schedule.projects[0]!.summary).toContain('uncommitted changes');
    const direct = await s.startUnattended({ project: 'p', version: '1.0.1', tag: 'v1.0.1', commit: fx.sha('v1.0.1'), trigger: 'any-time' }, r.schedule);
    expect(direct.operation).toBeNull();
    expect(direct.refused?.code).toBe('DIRTY');
    expect(at()).toBe('v1.0.0');
    expect(engine.history({ project: 'p' }).operations).toEqual([]);
  });

  it('never unattended: a diverged checkout — refused, and the engine keeps its manual gate', async () => {
    const { engine, fx, at } = await setup({ policy: { windows: [] } });
    commitFiles(fx.work, { 'local.txt': 'a local fix\n' }, 'local fix');
    await engine.check();
    const s = scheduler(engine, new ManualClock('2026-03-10T03:00:00.000Z'));
    const r = evaluated(await s.tick());
    expect(r.started).toEqual([]);
    expect(reasonsOf(r.schedule, '1.0.1')).toEqual(expect.arrayContaining(['diverged', 'gate-manual']));
    const direct = await s.startUnattended({ project: 'p', version: '1.0.1', tag: 'v1.0.1', commit: fx.sha('v1.0.1'), trigger: 'any-time' }, r.schedule);
    expect(direct.refused?.code).toBe('GATE_MANUAL');
    expect(git(fx.work, 'log', '-1', '--format=%s')).toBe('local fix');
    void at;
  });

  it('never unattended: a manual gate (a major), even with major in automation.bumps', async () => {
    const { engine, fx, at } = await setup({ releases: ['2.0.0'], policy: { windows: [], bumps: ['patch', 'minor', 'major'] } });
    const s = scheduler(engine, new ManualClock('2026-03-10T03:00:00.000Z'));
    const r = evaluated(await s.tick());
    expect(r.started).toEqual([]);
    expect(reasonsOf(r.schedule, '2.0.0')).toContain('gate-manual');
    const direct = await s.startUnattended({ project: 'p', version: '2.0.0', tag: 'v2.0.0', commit: fx.sha('v2.0.0'), trigger: 'any-time' }, r.schedule);
    expect(direct.refused?.code).toBe('GATE_MANUAL');
    expect(at()).toBe('v1.0.0');
    expect(engine.history({ project: 'p' }).operations).toEqual([]);
  });

  it('never unattended: rollback-loop protection — refused with its end, and by the engine', async () => {
    const { engine, fx, at } = await setup({ policy: { windows: [] } });
    for (let i = 0; i < 3; i++) engine.store.createOperation({ project: 'p', kind: 'upgrade', status: 'rolled_back', from: { version: '1.0.0' }, to: { version: '1.0.1' } });
    const s = scheduler(engine, new ManualClock('2026-03-10T03:00:00.000Z'));
    const r = evaluated(await s.tick());
    expect(r.started).toEqual([]);
    const reason = r.schedule.projects[0]!.releases[0]!.reasons.find((x) => x.code === 'rollback-loop');
    expect(reason?.text).toContain('rollback-loop protection');
    expect(reason?.until).toBeTruthy();
    const direct = await s.startUnattended({ project: 'p', version: '1.0.1', tag: 'v1.0.1', commit: fx.sha('v1.0.1'), trigger: 'any-time' }, r.schedule);
    expect(direct.refused?.code).toBe('ROLLBACK_LOOP');
    expect(at()).toBe('v1.0.0');
  });

  it('never unattended: a dependent that refuses the release', async () => {
    const { engine, home, at } = await setup({ policy: { windows: [] } });
    const dep = createRemoteWithReleases({ initialFiles: { 'upshift.yml': 'requires:\n  p:\n    range: "<=1.0.0"\n' }, releases: [{ version: '0.1.0' }], checkout: 'v0.1.0' });
    await engine.addProject(dep.work, { name: 'dep' });
    await engine.check();
    const s = scheduler(engine, new ManualClock('2026-03-10T03:00:00.000Z'));
    const r = evaluated(await s.tick());
    expect(r.started).toEqual([]);
    const p = r.schedule.projects.find((x) => x.project === 'p')!;
    expect(p.releases[0]!.reasons.map((x) => x.code)).toContain('incompatible');
    expect(p.summary).toContain('dep refuses 1.0.1');
    expect(at()).toBe('v1.0.0');
    void home;
  });

  it('two schedulers on one state directory: exactly one acts', async () => {
    const { engine, home, at } = await setup({ policy: { windows: [] } });
    const other = await Engine.open({ home });
    open.push(other);
    const clock = new ManualClock('2026-03-10T03:00:00.000Z');
    const [a, b] = [scheduler(engine, clock, 'app'), scheduler(other, clock, 'daemon')];
    const results = await Promise.all([a.tick(), b.tick()]);
    expect(results.map((r) => r.kind).sort()).toEqual(['evaluated', 'standby']);
    const standby = results.find((r) => r.kind === 'standby') as Extract<TickResult, { kind: 'standby' }>;
    expect(standby.lease.holder).toMatchObject({ pid: process.pid, role: 'app' });
    expect(engine.history({ project: 'p' }).operations.filter((o) => o.kind === 'upgrade')).toHaveLength(1);
    expect(at()).toBe('v1.0.1');
    // The leader stops: the other takes over on its next tick.
    await a.stop();
    expect((await b.tick({ force: true })).kind).toBe('evaluated');
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
