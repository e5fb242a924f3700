// Issue 9 §2 through the service: the tray app and `upshift serve` run the scheduler in their service, with the leader
// lease — of an app, a serve and a daemon on one state directory exactly one acts, and another takes over when it goes;
// a check the service runs wakes the scheduler; the dashboard pauses and resumes it (schedule-changed each time) and
// sees battery / metered holds. Real git remotes and the real engine; time from one ManualClock.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeServices, openService, rejection, type ServiceHarness } from '../../../test/helpers/service.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir, pushTag, type RemoteFixture } from '../../../test/helpers/repos.js';
import { Engine } from '../engine/index.js';
import { Scheduler, writeAutomationSettings, type TickResult } from '../scheduler/index.js';
import { ManualClock } from './clock.js';
import type { ServiceSchedulerOptions } from './schedule.js';

afterEach(closeServices);
afterAll(() => cleanupTempDirs());

const NOW = '2026-03-10T03:00:00.000Z';

/** A state directory with project `p` at 1.0.0, 1.0.1 on its remote (a patch, gated auto), checked, automation on. */
async function prepared(policy: Record<string, unknown> = {}): Promise<{ fx: RemoteFixture; home: string; at: () => string }> {
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\n', 'app.txt': 'v0\n' },
    releases: ['1.0.0', '1.0.1'].map((version) => ({ version, files: { 'app.txt': `${version}\n` } })),
    checkout: 'v1.0.0',
  });
  const home = makeTempDir('upshift-svc-home-');
  const engine = await Engine.open({ home });
  await engine.addProject(fx.work, { name: 'p' });
  await engine.check();
  writeAutomationSettings(engine.store, { enabled: true, ...policy });
  engine.close();
  return { fx, home, at: () => git(fx.work, 'describe', '--tags', '--exact-match', 'HEAD') };
}

function hosted(home: string, clock: ManualClock, role: string, ticks: TickResult[], extra: Partial<ServiceSchedulerOptions> = {}): Promise<ServiceHarness> {
  return openService({ home, clock, watch: false, scheduler: { role, timeZone: 'UTC', onTick: (r) => ticks.push(r), ...extra } });
}

async function waitFor(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the scheduler in the service', () => {
  it('an app, a serve and a daemon on one state directory: exactly one acts, and another takes over when it goes', async () => {
    const { home, at } = await prepared();
    const clock = new ManualClock(NOW);
    const appTicks: TickResult[] = [];
    const serveTicks: TickResult[] = [];
    const app = await hosted(home, clock, 'app', appTicks);
    const serve = await hosted(home, clock, 'serve', serveTicks);
    const daemonEngine = await Engine.open({ home });
    const daemon = new Scheduler({ engine: daemonEngine, clock, role: 'daemon', timeZone: 'UTC' });
    try {
      // Both services' first ticks fire together, with the daemon's.
      clock.advance(0);
      const daemonTick = await daemon.tick();
      await waitFor(() => appTicks.length > 0 && serveTicks.length > 0);
      const kinds = [appTicks[0]!.kind, serveTicks[0]!.kind, daemonTick.kind];
      expect(kinds.filter((k) => k === 'evaluated')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'standby')).toHaveLength(2);
      const [leader, follower, leaderRole] = appTicks[0]!.kind === 'evaluated' ? [app, serve, 'app'] : [serve, app, 'serve'];
      const first = [...appTicks, ...serveTicks].find((t) => t.kind === 'evaluated') as Extract<TickResult, { kind: 'evaluated' }>;
      expect(first.started).toEqual([expect.objectContaining({ project: 'p', version: '1.0.1', refused: null, operation: expect.objectContaining({ status: 'succeeded' }) })]);
      expect(at()).toBe('v1.0.1');
      const upgrades = daemonEngine.history({ project: 'p' }).operations.filter((o) => o.kind === 'upgrade');
      expect(upgrades).toHaveLength(1);
      expect(upgrades[0]!.startedBy).toMatchObject({ by: 'policy', trigger: 'any-time' });
      expect(upgrades[0]!.startedBy!.scheduler).toMatch(new RegExp(`^${leaderRole} \\(pid ${process.pid} on `));
      // Every face sees who leads.
      expect((await follower.service.getSchedule({})).scheduler).toMatchObject({ role: leaderRole, pid: process.pid });

      // The leader quits (the tray app closed): the lease is given up, and the next to look leads.
      await leader.service.close();
      const followerTicks = follower === app ? appTicks : serveTicks;
      const seen = followerTicks.length;
      follower.service.automation.changed();
      clock.advance(0);
      await waitFor(() => followerTicks.length > seen);
      expect(followerTicks.at(-1)!.kind).toBe('evaluated');
      expect((await daemon.tick({ force: true })).kind).toBe('standby');
    } finally {
      await daemon.stop();
      daemonEngine.close();
    }
  });

  it('a check the service runs wakes the scheduler, which upgrades what the check found', async () => {
    const { fx, home, at } = await prepared();
    const clock = new ManualClock(NOW);
    const ticks: TickResult[] = [];
    const h = await hosted(home, clock, 'app', ticks);
    clock.advance(0);
    await waitFor(() => ticks.some((t) => t.kind === 'evaluated' && t.started.length > 0));
    expect(at()).toBe('v1.0.1');
    h.events.clear();

    pushTag(fx.remote, 'v1.0.2', { 'app.txt': '1.0.2\n' });
    await h.service.checkNow({ projects: ['p'] });
    // No timer needed: the check pokes the scheduler (a zero-delay wake), which evaluates and upgrades.
    clock.advance(0);
    await waitFor(() => ticks.filter((t) => t.kind === 'evaluated' && t.started.length > 0).length === 2);
    expect(at()).toBe('v1.0.2');
    expect(h.events.types()).toContain('schedule-changed');
    // The dashboard sees the unattended operation live and the project as checked after it: no update left to offer.
    const started = h.events.of('operation-started').map((e) => e.operation);
    expect(started.map((o) => [o.project, o.kind, o.to.version])).toEqual([['p', 'upgrade', '1.0.2']]);
    expect(h.events.of('operation-step').length).toBeGreaterThan(0);
    await waitFor(() => h.events.of('operation-finished').length === 1);
    expect(h.events.of('operation-finished')[0]!.operation).toMatchObject({ id: started[0]!.id, status: 'succeeded' });
    const last = h.events.of('project-changed').filter((e) => e.project.name === 'p').at(-1)!.project;
    expect(last.check?.current.version).toBe('1.0.2');
    expect(last.check?.updateAvailable).toBe(false);
  });

  it('pause until an instant, and resume, from the dashboard: schedule-changed, nothing upgrades while paused', async () => {
    const { home, at } = await prepared();
    const clock = new ManualClock(NOW);
    const ticks: TickResult[] = [];
    const h = await hosted(home, clock, 'app', ticks);
    const until = '2026-03-12T18:00:00+01:00';
    const paused = await h.service.pauseAutomation({ until, reason: 'release week' });
    expect(paused.schedule.paused).toEqual({ until: '2026-03-12T17:00:00.000Z', reason: 'release week' });
    expect(paused.schedule.projects[0]!.releases[0]!.reasons[0]).toMatchObject({ code: 'paused', text: 'automation is paused until Thu 17:00 UTC (release week)' });
    expect(h.events.types()).toContain('schedule-changed');
    clock.advance(0);
    await waitFor(() => ticks.length > 0);
    expect(ticks[0]).toMatchObject({ kind: 'evaluated', started: [] });
    expect(at()).toBe('v1.0.0');

    // A past instant is refused, naming the field, and the pause stays as it was.
    const bad = await rejection(h.service.pauseAutomation({ until: '2026-03-01T00:00:00Z' }));
    expect(bad).toMatchObject({ code: 'BAD_INPUT', details: { field: 'until' } });
    expect(bad.message).toContain('Nothing was changed');
    expect((await h.service.getSchedule({})).schedule.paused).toMatchObject({ until: '2026-03-12T17:00:00.000Z' });

    h.events.clear();
    const resumed = await h.service.resumeAutomation({});
    expect(resumed.schedule.paused).toBeNull();
    expect(h.events.types()).toContain('schedule-changed');
    clock.advance(0);
    await waitFor(() => ticks.some((t) => t.kind === 'evaluated' && t.started.length > 0));
    expect(at()).toBe('v1.0.1');
  });

  it('until resumed (null) is a pause too; the stored policy is kept around it', async () => {
    const { home } = await prepared({ bumps: ['patch'] });
    const h = await openService({ home, clock: new ManualClock(NOW), watch: false });
    const doc = await h.service.pauseAutomation({ until: null });
    expect(doc.schedule.paused).toEqual({ until: null, reason: null });
    expect(h.service.engine.store.getSettings().automation).toMatchObject({ enabled: true, bumps: ['patch'], pause: { until: null } });
    await h.service.resumeAutomation({});
    expect(h.service.engine.store.getSettings().automation).toEqual({ enabled: true, bumps: ['patch'] });
  });

  it('on battery: held back where the OS tells, unless onBattery: allow', async () => {
    const { home, at } = await prepared();
    const clock = new ManualClock(NOW);
    const ticks: TickResult[] = [];
    const h = await hosted(home, clock, 'app', ticks, { device: async () => ({ onBattery: true, metered: false }) });
    const doc = await h.service.getSchedule({});
    expect(doc.schedule.projects[0]!.releases[0]!.reasons).toEqual([expect.objectContaining({ code: 'battery', text: 'on battery power: waiting for mains power (automation.battery: wait)' })]);
    clock.advance(0);
    await waitFor(() => ticks.length > 0);
    expect(ticks[0]).toMatchObject({ kind: 'evaluated', started: [] });
    expect(at()).toBe('v1.0.0');

    writeAutomationSettings(h.service.engine.store, { enabled: true, onBattery: 'allow' });
    h.service.automation.changed();
    clock.advance(0);
    await waitFor(() => ticks.some((t) => t.kind === 'evaluated' && t.started.length > 0));
    expect(at()).toBe('v1.0.1');
  });

  it('a pause written by another process (`upshift policy`) reaches the dashboard as schedule-changed; other settings do not', async () => {
    const { home } = await prepared();
    const h = await openService({ home, clock: new ManualClock(NOW) });
    const other = await Engine.open({ home });
    try {
      other.store.setSettings({ launchAtLogin: true });
      h.clock.advance(500);
      expect(h.events.types()).not.toContain('schedule-changed');
      writeAutomationSettings(other.store, { enabled: true, pause: { until: null, reason: 'by hand' } });
      h.clock.advance(500);
      expect(h.events.types()).toContain('schedule-changed');
      expect((await h.service.getSchedule({})).schedule.paused).toEqual({ until: null, reason: 'by hand' });
    } finally {
      other.close();
    }
  });

  it('getSchedule lists the windows in effect with their next opening, a project\'s own beside the global ones', async () => {
    const { home } = await prepared({ windows: [{ name: 'nightly', start: '02:00', end: '05:00', timeZone: 'UTC' }], projects: { p: { windows: [{ name: 'sunday', days: ['sun'], start: '06:00', end: '08:00' }], timeZone: 'Europe/Rome' } } });
    const h = await openService({ home, clock: new ManualClock(NOW), watch: false });
    const doc = await h.service.getSchedule({});
    expect(doc.enabled).toBe(true);
    expect(doc.windows).toEqual([
      { name: 'nightly', project: null, period: 'daily 02:00–05:00', timeZone: 'UTC', next: { start: '2026-03-10T02:00:00.000Z', end: '2026-03-10T05:00:00.000Z', open: true, text: 'open now, until Tue 05:00 UTC' } },
      { name: 'sunday', project: 'p', period: 'Sun 06:00–08:00', timeZone: 'Europe/Rome', next: { start: '2026-03-15T05:00:00.000Z', end: '2026-03-15T07:00:00.000Z', open: false, text: 'opens Sun 06:00 Europe/Rome' } },
    ]);
  });
});
