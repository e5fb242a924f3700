import { describe, expect, it } from 'vitest';
import type { Approval } from './approvals.js';
import type { AutomationConfig } from './automation.js';
import { schedule } from './schedule.js';
import type { CandidateRelease, ProjectAutomationState, ReleaseDecision, ScheduleInput } from './schedule-types.js';
import type { MaintenanceWindow } from './windows.js';

// Mon Nov 30 2026, 13:00 in Rome (CET, +01:00). The nightly window next opens Tue Dec 1 02:00 CET = 01:00Z.
const NOW = new Date('2026-11-30T12:00:00Z');
const TUE_0200 = '2026-12-01T01:00:00.000Z';
const nightly: MaintenanceWindow = { name: 'nightly', start: '02:00', end: '04:00' };

const sha = (v: string) => `${v.replace(/\D/g, '').padEnd(7, 'a')}${'0'.repeat(33)}`;

function rel(version: string, over: Partial<CandidateRelease> = {}): CandidateRelease {
  return { version, tag: `v${version}`, commit: sha(version), bump: 'patch', gate: 'auto', publishedAt: '2026-11-20T00:00:00Z', compatible: true, offered: true, ...over };
}

function project(over: Partial<ProjectAutomationState> = {}): ProjectAutomationState {
  return { project: 'core', current: '1.4.0', candidates: [rel('1.4.1')], dirty: false, diverged: false, ...over };
}

const base: AutomationConfig = { enabled: true, windows: [nightly] };

function run(over: Partial<ScheduleInput> & { config?: AutomationConfig } = {}) {
  const { config, ...rest } = over;
  return schedule({ now: NOW, timeZone: 'Europe/Rome', settings: { ...base, ...config }, projects: [project()], ...rest });
}

/** The decision for core's release `version`. */
function decision(over: Parameters<typeof run>[0] = {}, version = '1.4.1', name = 'core'): ReleaseDecision {
  const p = run(over).projects.find((x) => x.project === name)!;
  return p.releases.find((r) => r.version === version)!;
}

function approval(state: Approval['state'], over: Partial<Approval> = {}): Approval {
  return {
    project: 'core',
    version: '1.5.0',
    tag: 'v1.5.0',
    commit: sha('1.5.0'),
    state,
    timing: state === 'approved' ? 'now' : null,
    requestedAt: '2026-11-30T09:00:00.000Z',
    decidedAt: state === 'pending' ? null : '2026-11-30T11:00:00.000Z',
    decidedBy: state === 'pending' ? null : 'alice',
    reason: null,
    supersededBy: null,
    events: [],
    ...over,
  };
}

describe('the next action and when', () => {
  it('core 1.4.1 will upgrade Tue 02:00 Europe/Rome — window nightly', () => {
    const s = run();
    const core = s.projects[0]!;
    expect(core.summary).toBe("core 1.4.1 will upgrade Tue 02:00 Europe/Rome — window 'nightly'");
    expect(core.next).toEqual({
      version: '1.4.1',
      tag: 'v1.4.1',
      commit: sha('1.4.1'),
      status: 'scheduled',
      at: TUE_0200,
      trigger: 'window',
      window: { name: 'nightly', start: TUE_0200, end: '2026-12-01T03:00:00.000Z', timeZone: 'Europe/Rome' },
      security: false,
      reasons: [{ code: 'outside-window', kind: 'waiting', text: "outside the windows: 'nightly' opens Tue 02:00 Europe/Rome", until: TUE_0200 }],
      summary: "core 1.4.1 will upgrade Tue 02:00 Europe/Rome — window 'nightly'",
    });
    expect(s.due).toEqual([]);
    expect(s.wakeAt).toBe(TUE_0200);
    expect(s.paused).toBeNull();
  });

  it('inside the window it is due now', () => {
    const s = run({ now: new Date('2026-12-01T01:30:00Z') });
    expect(s.projects[0]!.summary).toBe("core 1.4.1 upgrades now — window 'nightly'");
    expect(s.due).toEqual([{ project: 'core', version: '1.4.1', tag: 'v1.4.1', commit: sha('1.4.1'), trigger: 'window' }]);
  });

  it('without windows it is due at any time', () => {
    const d = decision({ config: { windows: [] } });
    expect([d.status, d.trigger, d.at, d.summary]).toEqual(['due', 'any-time', NOW.toISOString(), 'core 1.4.1 upgrades now — at any time (no windows configured)']);
  });

  it('no windows but blackout dates: any time outside them', () => {
    const config: AutomationConfig = { windows: [], blackouts: [{ from: '2026-11-30', to: '2026-12-01', reason: 'release week' }] };
    const d = decision({ config });
    expect([d.status, d.at, d.trigger, d.window]).toEqual(['scheduled', '2026-12-01T23:00:00.000Z', 'any-time', null]);
    expect(d.reasons).toEqual([{ code: 'outside-window', kind: 'waiting', text: 'a blackout date: upgrades resume Wed 00:00 Europe/Rome', until: '2026-12-01T23:00:00.000Z' }]);
    expect(d.summary).toBe('core 1.4.1 will upgrade Wed 00:00 Europe/Rome — at any time (no windows configured)');
  });

  it('the window is read in the policy time zone when it names one, else in the system one', () => {
    expect(decision({ config: { timeZone: 'America/New_York' } }).at).toBe('2026-12-01T07:00:00.000Z');
    expect(decision({ timeZone: 'Asia/Kolkata' }).at).toBe('2026-11-30T20:30:00.000Z');
    expect(decision({ config: { windows: [{ ...nightly, timeZone: 'UTC' }] } }).summary).toBe("core 1.4.1 will upgrade Tue 02:00 UTC — window 'nightly'");
  });

  it('on the spring-forward night the nightly window opens at 03:00 CEST', () => {
    const d = decision({ now: new Date('2026-03-28T12:00:00Z') });
    expect([d.at, d.summary]).toEqual(['2026-03-29T01:00:00.000Z', "core 1.4.1 will upgrade Sun 03:00 Europe/Rome — window 'nightly'"]);
  });

  it('on the fall-back night the nightly window opens once, at the first 02:00 (CEST)', () => {
    const d = decision({ now: new Date('2026-10-24T12:00:00Z') });
    expect([d.at, d.window?.end]).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T03:00:00.000Z']);
    expect(decision({ now: new Date('2026-10-25T01:30:00Z') }).status).toBe('due'); // the repeated 02:30 CET: still inside
  });

  it('a project override replaces the windows (weekends only, Saturday 09:00)', () => {
    const weekends: MaintenanceWindow = { name: 'weekends', days: ['sat', 'sun'], start: '09:00', end: '18:00' };
    const d = decision({ config: { projects: { core: { windows: [weekends] } } } });
    expect(d.summary).toBe("core 1.4.1 will upgrade Sat 09:00 Europe/Rome — window 'weekends'");
    expect(d.at).toBe('2026-12-05T08:00:00.000Z');
  });

  it("the manifest's automation section wins over the global projects entry", () => {
    const weekends: MaintenanceWindow = { name: 'weekends', days: ['sat'], start: '09:00', end: '18:00' };
    const d = decision({ config: { projects: { core: { windows: [weekends] } } }, projects: [project({ policy: { windows: [] } })] });
    expect(d.trigger).toBe('any-time');
  });

  it('no window within the horizon: waiting, and says so', () => {
    const d = decision({ config: { blackouts: [{ from: '2026-11-30', to: '2027-03-01' }] } });
    expect([d.status, d.reasons[0]?.code, d.reasons[0]?.text]).toEqual(['waiting', 'no-window', 'no window opens within 31 days']);
    expect(decision({ config: { blackouts: [{ from: '2026-11-30', to: '2026-12-24' }] }, horizonDays: 60 }).at).toBe('2026-12-25T01:00:00.000Z');
  });

  it('up to date', () => {
    expect(run({ projects: [project({ candidates: [] })] }).projects[0]!.summary).toBe('core: up to date (1.4.0)');
  });

  it('the newest release that can go wins; older ones say they are included', () => {
    const s = run({ projects: [project({ candidates: [rel('1.4.1'), rel('1.4.2'), rel('1.5.0', { bump: 'minor', gate: 'review' })] })] });
    const core = s.projects[0]!;
    expect(core.next?.version).toBe('1.4.2');
    expect(core.releases.map((r) => [r.version, r.status, r.reasons[0]?.code])).toEqual([
      ['1.5.0', 'waiting', 'awaiting-approval'],
      ['1.4.2', 'scheduled', 'outside-window'],
      ['1.4.1', 'waiting', 'superseded'],
    ]);
    expect(core.releases[2]!.summary).toBe('core 1.4.2 upgrades instead (it includes 1.4.1)');
  });
});

describe('never unattended: each rule refuses, with its reason, whatever else is configured', () => {
  type Case = [string, Partial<ProjectAutomationState>, Partial<CandidateRelease>, string, string];
  const cases: Case[] = [
    ['a dirty tree', { dirty: true }, {}, 'dirty', 'core has uncommitted changes: an unattended upgrade never sets them aside — commit or stash them, or upgrade by hand with `upshift upgrade core --stash`'],
    ['a diverged checkout', { diverged: true }, {}, 'diverged', "core's HEAD has commits 1.4.1 does not contain: an unattended upgrade would take them out of the working tree — read `upshift plan core --to 1.4.1` and upgrade by hand"],
    [
      'rollback-loop protection',
      { rollbackLoop: { until: '2026-11-30T12:40:00Z' } },
      {},
      'rollback-loop',
      'rollback-loop protection: core was rolled back automatically too often within the hour, until Mon 13:40 Europe/Rome — only a person can upgrade it now (`upshift upgrade core --force`)',
    ],
    ['a release the strategy does not offer', {}, { offered: false, notOfferedReason: 'pinned to 1.4.0 (manifest)' }, 'not-offered', 'the strategy does not offer 1.4.1: pinned to 1.4.0 (manifest)'],
    [
      'an incompatible dependent',
      {},
      { compatible: false, refusedBy: [{ project: 'finance', reason: 'finance requires core >= 1.0.0, < 1.4.1; target is 1.4.1' }] },
      'incompatible',
      'finance refuses 1.4.1 (finance requires core >= 1.0.0, < 1.4.1; target is 1.4.1)',
    ],
    ['an unverified release', {}, { compatible: null, unverifiedReason: 'offline: its release metadata was never read' }, 'unverified', '1.4.1 is not verified (offline: its release metadata was never read): with its compatibility unknown it is never installed unattended'],
    ['a breaking change not allowed', {}, { breaking: ['Removed the v1 API'] }, 'breaking', '1.4.1 announces breaking changes that are not allowed: "Removed the v1 API"'],
    ['a manual gate', {}, { bump: 'major', gate: 'manual', gateKey: 'major' }, 'gate-manual', '1.4.1 is a major upgrade, gated manual (gates.major): only a person installs it — `upshift upgrade core --to 1.4.1`'],
    ['a skip gate', {}, { bump: 'minor', gate: 'skip', gateKey: 'minor' }, 'gate-skip', '1.4.1 is a minor upgrade, gated skip (gates.minor): never installed'],
    ['a version the user skipped', {}, { skippedBy: '1.4.1' }, 'user-skip', '1.4.1 was skipped: never installed unattended — `upshift unskip core 1.4.1` offers it again'],
    ['a major line the user skipped', {}, { skippedBy: '1.x' }, 'user-skip', '1.4.1 was skipped (every 1.x release): never installed unattended — `upshift unskip core 1.x` offers it again'],
  ];

  it.each(cases)('%s', (_name, state, release, code, text) => {
    const d = decision({ projects: [project({ ...state, candidates: [rel('1.4.1', release)] })] });
    expect(d.status).toBe('refused');
    expect(d.reasons).toEqual([{ code, kind: 'refused', text, ...(code === 'rollback-loop' ? { until: '2026-11-30T12:40:00.000Z' } : {}) }]);
    expect(d.summary).toBe(`core 1.4.1: ${text}`);
    expect([d.at, d.trigger, d.window]).toEqual([null, null, null]);
  });

  it.each(cases)('%s: refused even as a critical security fix, approved for now, inside the window, catching up', (_name, state, release, code) => {
    const s = run({
      now: new Date('2026-12-01T01:30:00Z'),
      config: { security: { timing: 'at-once', approveReview: true, bypassSoak: true }, catchUp: 'at-once' },
      projects: [project({ ...state, ...(state.rollbackLoop ? { rollbackLoop: { until: null } } : {}), candidates: [rel('1.4.1', { security: { critical: true, ids: ['CVE-2026-1234'] }, ...release })] })],
      approvals: [approval('approved', { version: '1.4.1', tag: 'v1.4.1', commit: sha('1.4.1') })],
    });
    const d = s.projects[0]!.releases[0]!;
    expect([d.status, d.reasons[0]?.code]).toEqual(['refused', code]);
    expect(s.due).toEqual([]);
  });

  it('lists every rule that applies', () => {
    const d = decision({
      projects: [project({ dirty: true, diverged: true, candidates: [rel('2.0.0', { bump: 'major', gate: 'manual', compatible: false, refusedBy: [{ project: 'finance', reason: 'finance requires core 1.x' }] })] })],
    }, '2.0.0');
    expect(d.reasons.map((r) => r.code)).toEqual(['dirty', 'diverged', 'incompatible', 'gate-manual']);
  });

  it('names each dependent that refuses', () => {
    const d = decision({
      projects: [project({ candidates: [rel('2.0.0', { compatible: false, refusedBy: [{ project: 'finance', reason: 'requires core 1.x' }, { project: 'hr', reason: 'requires core <2' }] })] })],
    }, '2.0.0');
    expect(d.reasons[0]!.text).toBe('finance refuses 2.0.0 (requires core 1.x); hr refuses 2.0.0 (requires core <2)');
    expect(d.summary).toBe('core 2.0.0: finance refuses 2.0.0 (requires core 1.x); hr refuses 2.0.0 (requires core <2)');
  });

  it('breaking changes that are allowed do not hold it back', () => {
    expect(decision({ projects: [project({ candidates: [rel('1.4.1', { breaking: ['Removed the v1 API'], breakingAllowed: true })] })] }).status).toBe('scheduled');
  });

  it('rollback-loop protection that has ended no longer refuses', () => {
    expect(decision({ projects: [project({ rollbackLoop: { until: '2026-11-30T11:00:00Z' } })] }).status).toBe('scheduled');
    expect(decision({ projects: [project({ rollbackLoop: { until: null, reason: 'rolled back twice within the hour' } })] }).reasons[0]!.text).toBe(
      'rollback-loop protection: rolled back twice within the hour — only a person can upgrade it now (`upshift upgrade core --force`)',
    );
  });

  it('a rejected release stays refused, whoever found it again', () => {
    const d = decision({
      projects: [project({ candidates: [rel('1.5.0', { bump: 'minor', gate: 'review' })] })],
      approvals: [approval('rejected', { reason: 'waiting for the finance freeze to end' })],
    }, '1.5.0');
    expect(d.reasons).toEqual([{ code: 'rejected', kind: 'refused', text: 'rejected by alice on Mon 12:00 Europe/Rome: waiting for the finance freeze to end' }]);
  });

  it('automation off (the default) refuses, saying where it is turned on', () => {
    const s = schedule({ now: NOW, timeZone: 'Europe/Rome', settings: {}, projects: [project()] });
    expect(s.projects[0]!.releases[0]!.reasons).toEqual([{ code: 'disabled', kind: 'refused', text: 'unattended upgrades are off for core (automation.enabled)' }]);
  });

  it('a bump the policy keeps for people', () => {
    const d = decision({ config: { bumps: ['patch'] }, projects: [project({ candidates: [rel('1.5.0', { bump: 'minor', gate: 'auto' })] })] }, '1.5.0');
    expect(d.reasons).toEqual([{ code: 'bump-not-unattended', kind: 'refused', text: 'a minor upgrade is not installed unattended (automation.bumps: patch)' }]);
  });
});

describe('soak (minimumReleaseAge) and the security fast path', () => {
  const young = (over: Partial<CandidateRelease> = {}) => [project({ candidates: [rel('1.4.1', { publishedAt: '2026-11-29T10:00:00Z', ...over })] })];
  const soak: AutomationConfig = { minimumReleaseAge: 3 };

  it('soaks until three days after its release, then waits for the window after that', () => {
    const d = decision({ config: soak, projects: young() });
    expect([d.status, d.at]).toEqual(['scheduled', '2026-12-03T01:00:00.000Z']);
    expect(d.reasons).toEqual([
      { code: 'soaking', kind: 'waiting', text: 'soaking until Wed 11:00 Europe/Rome (minimumReleaseAge 3 days)', until: '2026-12-02T10:00:00.000Z' },
      { code: 'outside-window', kind: 'waiting', text: "outside the windows: 'nightly' opens Thu 02:00 Europe/Rome", until: '2026-12-03T01:00:00.000Z' },
    ]);
    expect(d.summary).toBe("core 1.4.1 will upgrade Thu 02:00 Europe/Rome — window 'nightly'; soaking until Wed 11:00 Europe/Rome (minimumReleaseAge 3 days)");
  });

  it('a soak ending inside a window starts there and then', () => {
    const d = decision({ config: soak, projects: young({ publishedAt: '2026-11-28T01:30:00Z' }) }); // ends Tue 02:30 CET
    expect([d.at, d.window?.start, d.reasons.map((r) => r.code)]).toEqual(['2026-12-01T01:30:00.000Z', TUE_0200, ['soaking']]);
  });

  it('fractions of a day: half a day soaks twelve hours', () => {
    const config: AutomationConfig = { minimumReleaseAge: 0.5, windows: [] };
    expect(decision({ config, projects: young() }).status).toBe('due');
    const d = decision({ config, projects: young({ publishedAt: '2026-11-30T06:00:00Z' }) });
    expect([d.status, d.at, d.reasons[0]!.text]).toEqual(['scheduled', '2026-11-30T18:00:00.000Z', 'soaking until Mon 19:00 Europe/Rome (minimumReleaseAge 0.5 days)']);
  });

  it.each<[string, AutomationConfig, Partial<CandidateRelease>, string, string | null, string]>([
    ['security bypasses the soak and the window', soak, { security: { ids: ['CVE-2026-1234'] } }, 'due', 'security', 'core 1.4.1 upgrades now — security fix (CVE-2026-1234), at once'],
    ['critical security', soak, { security: { critical: true, ids: ['CVE-2026-1234', 'GHSA-xxxx-yyyy-zzzz'] } }, 'due', 'security', 'core 1.4.1 upgrades now — critical security fix (CVE-2026-1234, GHSA-xxxx-yyyy-zzzz), at once'],
    ['security without the soak bypass: at once when the soak ends', { ...soak, security: { bypassSoak: false } }, { security: {} }, 'scheduled', 'security', 'core 1.4.1 will upgrade Wed 11:00 Europe/Rome — security fix, at once; soaking until Wed 11:00 Europe/Rome (minimumReleaseAge 3 days)'],
    ['security in the next window', { ...soak, security: { timing: 'next-window' } }, { security: {} }, 'scheduled', 'window', "core 1.4.1 will upgrade Tue 02:00 Europe/Rome — window 'nightly'"],
    ['only critical at once: a plain fix waits for the window', { ...soak, security: { timing: 'critical-at-once' } }, { security: {} }, 'scheduled', 'window', "core 1.4.1 will upgrade Tue 02:00 Europe/Rome — window 'nightly'"],
    ['only critical at once: a critical one goes', { ...soak, security: { timing: 'critical-at-once' } }, { security: { critical: true } }, 'due', 'security', 'core 1.4.1 upgrades now — critical security fix, at once'],
    ['no fast path: soaks like any release', { ...soak, security: { fastPath: false } }, { security: {} }, 'scheduled', 'window', "core 1.4.1 will upgrade Thu 02:00 Europe/Rome — window 'nightly'; soaking until Wed 11:00 Europe/Rome (minimumReleaseAge 3 days)"],
  ])('%s', (_name, config, over, status, trigger, summary) => {
    const d = decision({ config, projects: young(over) });
    expect([d.status, d.trigger, d.summary]).toEqual([status, trigger, summary]);
    expect(d.security).toBe(true);
  });

  it('a security release behind a review gate still waits for approval, unless security.approveReview', () => {
    const minor = young({ bump: 'minor', gate: 'review', security: { ids: ['CVE-2026-1234'] } });
    expect(decision({ config: soak, projects: minor }).reasons[0]!.code).toBe('awaiting-approval');
    expect(decision({ config: { ...soak, security: { approveReview: true } }, projects: minor }).status).toBe('due');
  });

  it('security.bumps lets a security minor through where regular minors are kept for people', () => {
    const config: AutomationConfig = { bumps: ['patch'], security: { bumps: ['patch', 'minor'] } };
    const secure = [project({ candidates: [rel('1.5.0', { bump: 'minor', security: {} })] })];
    const plain = [project({ candidates: [rel('1.5.0', { bump: 'minor' })] })];
    expect(decision({ config, projects: secure }, '1.5.0').status).toBe('due');
    expect(decision({ config, projects: plain }, '1.5.0').reasons[0]!.text).toBe('a minor upgrade is not installed unattended (automation.bumps: patch)');
    expect(decision({ config: { bumps: ['patch'], security: { bumps: ['patch'] } }, projects: secure }, '1.5.0').reasons[0]!.text).toBe(
      'a minor upgrade is not installed unattended (automation.security.bumps: patch)',
    );
  });

  it('an older security release goes at once while the newer one soaks', () => {
    const s = run({ config: soak, projects: [project({ candidates: [rel('1.4.1', { publishedAt: '2026-11-30T08:00:00Z', security: { ids: ['CVE-2026-1234'] } }), rel('1.4.2', { publishedAt: '2026-11-30T10:00:00Z' })] })] });
    const core = s.projects[0]!;
    expect(core.next?.version).toBe('1.4.1');
    expect(core.releases.map((r) => [r.version, r.status, r.at])).toEqual([
      ['1.4.2', 'scheduled', '2026-12-04T01:00:00.000Z'],
      ['1.4.1', 'due', NOW.toISOString()],
    ]);
    expect(s.due.map((d) => [d.version, d.trigger])).toEqual([['1.4.1', 'security']]);
  });

  it('the release date unknown: the soak counts from when Upshift found it; neither known: waiting', () => {
    expect(decision({ config: soak, projects: young({ publishedAt: null, foundAt: '2026-11-20T00:00:00Z' }) }).status).toBe('scheduled');
    expect(decision({ config: soak, projects: young({ publishedAt: null, foundAt: '2026-11-20T00:00:00Z' }) }).reasons.map((r) => r.code)).toEqual(['outside-window']);
    const d = decision({ config: soak, projects: young({ publishedAt: null, foundAt: null }) });
    expect([d.status, d.reasons[0]!.text]).toEqual(['waiting', 'its release date is unknown, so its soak (minimumReleaseAge 3 days) cannot end yet']);
  });
});

describe('missed windows (the machine was asleep)', () => {
  // Found Sunday noon; Monday's window (02:00–04:00 CET = 01:00–03:00Z) passed while the machine slept; now Mon 09:00.
  const morning = new Date('2026-11-30T08:00:00Z');
  const asleep = new Date('2026-11-29T23:00:00Z'); // the scheduler's last look before the machine slept
  const found = [project({ candidates: [rel('1.4.1', { foundAt: '2026-11-29T12:00:00Z' })] })];
  const missedText = (then: string) => `missed the window 'nightly' (Mon 02:00–04:00 Europe/Rome) while the machine was asleep or off: ${then}`;

  it('catch-up next-window (the default): the next window, saying it missed one', () => {
    const d = decision({ now: morning, projects: found, lastEvaluatedAt: asleep });
    expect([d.status, d.at, d.trigger]).toEqual(['scheduled', TUE_0200, 'window']);
    expect(d.reasons).toEqual([
      { code: 'outside-window', kind: 'waiting', text: "outside the windows: 'nightly' opens Tue 02:00 Europe/Rome", until: TUE_0200 },
      { code: 'missed-window', kind: 'info', text: missedText('catching up in the next window') },
    ]);
  });

  it('catch-up at-once: now', () => {
    const s = run({ now: morning, projects: found, lastEvaluatedAt: asleep, config: { catchUp: 'at-once' } });
    const d = s.projects[0]!.next!;
    expect([d.status, d.at, d.trigger, d.summary]).toEqual(['due', morning.toISOString(), 'catch-up', 'core 1.4.1 upgrades now — catching up on a missed window']);
    expect(d.reasons).toEqual([{ code: 'missed-window', kind: 'info', text: missedText('catching up at once') }]);
    expect(s.due[0]!.trigger).toBe('catch-up');
  });

  it('nothing counts as missed without the instant the scheduler last evaluated (a first run)', () => {
    expect(decision({ now: morning, projects: found, config: { catchUp: 'at-once' } }).reasons.map((r) => r.code)).toEqual(['outside-window']);
  });

  it('awake during one window, asleep through the next two: the first missed one is named (a past day by its date)', () => {
    const d = decision({ now: new Date('2026-12-02T08:00:00Z'), projects: found, lastEvaluatedAt: new Date('2026-11-30T02:30:00Z') });
    // Awake during Monday's window (02:30Z is 03:30 CET); Tuesday's and Wednesday's were missed.
    expect(d.reasons.find((r) => r.code === 'missed-window')?.text).toBe("missed the window 'nightly' (Dec 1 02:00–04:00 Europe/Rome) while the machine was asleep or off: catching up in the next window");
  });

  it('not missed when the scheduler evaluated during the window (it was awake; something else held it back)', () => {
    const d = decision({ now: morning, projects: found, lastEvaluatedAt: new Date('2026-11-30T07:59:00Z'), config: { catchUp: 'at-once' } });
    expect([d.status, d.trigger, d.reasons.map((r) => r.code)]).toEqual(['scheduled', 'window', ['outside-window']]);
  });

  it('not missed when it was found after the window', () => {
    const later = [project({ candidates: [rel('1.4.1', { foundAt: '2026-11-30T07:00:00Z' })] })];
    expect(decision({ now: morning, projects: later, lastEvaluatedAt: asleep, config: { catchUp: 'at-once' } }).trigger).toBe('window');
  });

  it('not missed when it was still soaking during the window', () => {
    const soaking = [project({ candidates: [rel('1.4.1', { publishedAt: '2026-11-27T05:00:00Z', foundAt: '2026-11-29T12:00:00Z' })] })];
    // The soak (3 days) ended Mon 06:00 CET, after the window closed.
    expect(decision({ now: morning, projects: soaking, lastEvaluatedAt: asleep, config: { catchUp: 'at-once', minimumReleaseAge: 3 } }).trigger).toBe('window');
  });

  it('security waiting for windows catches up at once by default (security.catchUp)', () => {
    const secure = [project({ candidates: [rel('1.4.1', { foundAt: '2026-11-29T12:00:00Z', security: {} })] })];
    const d = decision({ now: morning, projects: secure, lastEvaluatedAt: asleep, config: { security: { timing: 'next-window' } } });
    expect([d.status, d.trigger]).toEqual(['due', 'catch-up']);
    expect(decision({ now: morning, projects: secure, lastEvaluatedAt: asleep, config: { security: { timing: 'next-window', catchUp: 'next-window' } } }).trigger).toBe('window');
  });

  it('an approval for the next window given before the missed window catches up as configured', () => {
    const review = [project({ candidates: [rel('1.5.0', { bump: 'minor', gate: 'review', foundAt: '2026-11-29T09:00:00Z' })] })];
    const approvals = [approval('approved', { timing: 'next-window', decidedAt: '2026-11-29T20:00:00.000Z' })];
    expect(decision({ now: morning, projects: review, approvals, lastEvaluatedAt: asleep, config: { catchUp: 'at-once' } }, '1.5.0').trigger).toBe('catch-up');
    const afterWindow = [approval('approved', { timing: 'next-window', decidedAt: '2026-11-30T07:00:00.000Z' })];
    expect(decision({ now: morning, projects: review, approvals: afterWindow, lastEvaluatedAt: asleep, config: { catchUp: 'at-once' } }, '1.5.0').trigger).toBe('window');
  });
});

describe('approvals in the schedule', () => {
  const review = [project({ candidates: [rel('1.5.0', { bump: 'minor', gate: 'review' })] })];

  it('waits for approval, naming the command', () => {
    const d = decision({ projects: review }, '1.5.0');
    expect(d.reasons).toEqual([{ code: 'awaiting-approval', kind: 'waiting', text: 'waiting for approval: a minor upgrade, gated review — `upshift approve core 1.5.0`' }]);
    expect(run({ projects: review }).projects[0]!.summary).toBe('core: nothing scheduled — core 1.5.0: waiting for approval: a minor upgrade, gated review — `upshift approve core 1.5.0`');
    expect(decision({ projects: review, approvals: [approval('pending')] }, '1.5.0').reasons[0]!.text).toBe(
      'waiting for approval: a minor upgrade, gated review (asked Mon 10:00 Europe/Rome) — `upshift approve core 1.5.0`',
    );
  });

  it('approved now: at once, outside the window and through the soak', () => {
    const d = decision({ projects: review, approvals: [approval('approved')], config: { minimumReleaseAge: 30 } }, '1.5.0');
    expect([d.status, d.trigger, d.summary]).toEqual(['due', 'approval', 'core 1.5.0 upgrades now — approved by alice to upgrade now']);
  });

  it('approved for the next window', () => {
    const d = decision({ projects: review, approvals: [approval('approved', { timing: 'next-window' })] }, '1.5.0');
    expect([d.status, d.at, d.summary]).toEqual(['scheduled', TUE_0200, "core 1.5.0 will upgrade Tue 02:00 Europe/Rome — window 'nightly', approved by alice"]);
  });

  it('an approval of another commit (the tag moved) does not count', () => {
    const d = decision({ projects: review, approvals: [approval('approved', { commit: 'f'.repeat(40) })] }, '1.5.0');
    expect(d.reasons[0]!.code).toBe('awaiting-approval');
  });

  it('an expired approval does not count', () => {
    expect(decision({ projects: review, approvals: [approval('expired')] }, '1.5.0').reasons[0]!.code).toBe('awaiting-approval');
  });

  it('an approval never crosses a manual gate', () => {
    const major = [project({ candidates: [rel('2.0.0', { bump: 'major', gate: 'manual' })] })];
    const d = decision({ projects: major, approvals: [approval('approved', { version: '2.0.0', tag: 'v2.0.0', commit: sha('2.0.0') })] }, '2.0.0');
    expect([d.status, d.reasons[0]!.code]).toEqual(['refused', 'gate-manual']);
  });
});

describe('pause', () => {
  it('a global pause until an instant: the first window after it, saying so', () => {
    const s = run({ config: { pause: { until: '2026-12-02T10:00:00Z', reason: 'release freeze' } } });
    const d = s.projects[0]!.next!;
    expect([d.status, d.at]).toEqual(['scheduled', '2026-12-03T01:00:00.000Z']);
    expect(d.reasons[0]).toEqual({ code: 'paused', kind: 'waiting', text: 'automation is paused until Wed 11:00 Europe/Rome (release freeze)', until: '2026-12-02T10:00:00.000Z' });
    expect(d.summary).toBe("core 1.4.1 will upgrade Thu 02:00 Europe/Rome — window 'nightly'; automation is paused until Wed 11:00 Europe/Rome (release freeze)");
    expect(s.paused).toEqual({ until: '2026-12-02T10:00:00.000Z', reason: 'release freeze' });
  });

  it('paused until resumed: waiting, security and approvals included', () => {
    const s = run({
      config: { pause: { until: null } },
      projects: [project({ candidates: [rel('1.4.1', { security: { critical: true } }), rel('1.5.0', { bump: 'minor', gate: 'review' })] })],
      approvals: [approval('approved')],
    });
    expect(s.projects[0]!.releases.map((r) => [r.version, r.status, r.reasons[0]!.text])).toEqual([
      ['1.5.0', 'waiting', 'automation is paused until resumed'],
      ['1.4.1', 'waiting', 'automation is paused until resumed'],
    ]);
    expect(s.due).toEqual([]);
    expect(s.paused).toEqual({ until: null, reason: null });
  });

  it('a pause that has ended holds nothing back', () => {
    expect(decision({ config: { pause: { until: '2026-11-30T11:00:00Z' } } }).reasons.map((r) => r.code)).toEqual(['outside-window']);
    expect(run({ config: { pause: { until: '2026-11-30T11:00:00Z' } } }).paused).toBeNull();
  });

  it('a project pause; a project cannot lift the global pause', () => {
    expect(decision({ config: { projects: { core: { pause: { until: null, reason: 'migrating' } } } } }).reasons[0]!.text).toBe('automation is paused for core until resumed (migrating)');
    expect(decision({ config: { pause: { until: null } }, projects: [project({ policy: { pause: null } })] }).reasons[0]!.code).toBe('paused');
  });

  it('a security fix at once during a timed pause goes when the pause ends', () => {
    const d = decision({ config: { pause: { until: '2026-11-30T15:00:00Z' } }, projects: [project({ candidates: [rel('1.4.1', { security: {} })] })] });
    expect([d.status, d.at, d.trigger]).toEqual(['scheduled', '2026-11-30T15:00:00.000Z', 'security']);
  });
});

describe('maxConcurrent, busy projects and the device', () => {
  const anyTime: AutomationConfig = { windows: [] };
  const projects = [
    project({ project: 'core' }),
    project({ project: 'finance', candidates: [rel('2.1.1', { security: { ids: ['CVE-2026-9999'] } })] }),
    project({ project: 'hr', candidates: [rel('3.0.1')] }),
    project({ project: 'tools', candidates: [], running: true }),
  ];

  it('keeps to maxConcurrent, counting operations already running, security first', () => {
    const s = run({ config: { ...anyTime, maxConcurrent: 2 }, projects });
    expect(s.due.map((d) => [d.project, d.trigger])).toEqual([['finance', 'security']]);
    const core = s.projects.find((p) => p.project === 'core')!;
    expect(core.next!.status).toBe('waiting');
    expect(core.next!.reasons[0]).toEqual({ code: 'max-concurrent', kind: 'waiting', text: 'waiting for a free slot: 2 of 2 unattended upgrades running (tools, finance) — automation.maxConcurrent' });
    expect(core.summary).toBe('core 1.4.1 is due but waits for a free slot (maxConcurrent 2: tools, finance)');
  });

  it('with room for all, in order: security, then by project', () => {
    expect(run({ config: { ...anyTime, maxConcurrent: 5 }, projects }).due.map((d) => d.project)).toEqual(['finance', 'core', 'hr']);
  });

  it('maxConcurrent defaults to 1', () => {
    expect(run({ config: anyTime, projects: projects.slice(0, 3) }).due.map((d) => d.project)).toEqual(['finance']);
  });

  it('a project with an operation running waits', () => {
    const d = decision({ projects: [project({ running: true })] });
    expect([d.status, d.reasons[0]!.text]).toEqual(['waiting', 'an operation is running on core']);
  });

  it.each<[string, ScheduleInput['device'], AutomationConfig, string, string[]]>([
    ['on battery: waits', { onBattery: true }, {}, 'waiting', ['battery']],
    ['on a metered connection: waits', { metered: true }, {}, 'waiting', ['metered']],
    ['both', { onBattery: true, metered: true }, {}, 'waiting', ['battery', 'metered']],
    ['battery allowed', { onBattery: true }, { battery: 'allow' }, 'due', []],
    ['metered allowed', { metered: true }, { metered: 'allow' }, 'due', []],
    ['the OS does not say', { onBattery: null, metered: null }, {}, 'due', []],
  ])('%s', (_name, device, config, status, codes) => {
    const d = decision({ config: { ...anyTime, ...config }, device });
    expect([d.status, d.reasons.map((r) => r.code)]).toEqual([status, codes]);
  });

  it('the battery only matters when it is time: a later upgrade stays scheduled', () => {
    expect(decision({ device: { onBattery: true } }).status).toBe('scheduled');
    expect(decision({ device: { onBattery: true } }, '1.4.1').status).toBe('scheduled');
    expect(decision({ device: { onBattery: true }, config: anyTime }).reasons[0]!.text).toBe('on battery power: waiting for mains power (automation.battery: wait)');
  });
});

describe('wakeAt', () => {
  it('is the earliest later instant a decision changes on its own', () => {
    const s = run({
      config: { minimumReleaseAge: 3 },
      projects: [
        project({ project: 'core', candidates: [rel('1.4.1', { publishedAt: '2026-11-29T10:00:00Z' })] }),
        project({ project: 'finance', rollbackLoop: { until: '2026-11-30T12:30:00Z' } }),
      ],
    });
    expect(s.wakeAt).toBe('2026-11-30T12:30:00.000Z');
    expect(run({ projects: [project({ candidates: [] })] }).wakeAt).toBeNull();
  });

  it('an instant it cannot read holds back rather than lets through', () => {
    expect(decision({ config: { pause: { until: 'next tuesday' } } }).reasons[0]!.text).toBe('automation is paused until resumed');
    expect(decision({ projects: [project({ rollbackLoop: { until: 'soon' } })] }).reasons[0]!.code).toBe('rollback-loop');
    expect(decision({ config: { minimumReleaseAge: 1 }, projects: [project({ candidates: [rel('1.4.1', { publishedAt: 'yesterday' })] })] }).reasons[0]!.code).toBe('soaking');
  });

  it('is pure: the same input gives the same decisions', () => {
    const input: ScheduleInput = { now: NOW, timeZone: 'Europe/Rome', settings: base, projects: [project()] };
    expect(schedule(input)).toEqual(schedule(input));
  });
});
