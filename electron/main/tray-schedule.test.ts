// The tray's scheduler lines (issue 9 §6) from real schedules (shared/policy schedule() on an injected instant):
// "Next: … at …", "Paused until …" with Resume automation, "Approve core 1.4.1" — and their place in the whole tray.
import { describe, expect, it } from 'vitest';
import { schedule, type AutomationConfig, type CandidateRelease, type Schedule } from '../../shared/policy/index.js';
import { trayModel, type MenuItemModel } from './tray-model.js';
import { MAX_APPROVAL_ITEMS, traySchedule } from './tray-schedule.js';

const NOW = new Date('2026-12-07T10:00:00.000Z'); // a Monday, 11:00 in Rome
const POLLER = { paused: false, lastCheckAt: null, nextCheckAt: null, failures: 0 };

function rel(version: string, over: Partial<CandidateRelease> = {}): CandidateRelease {
  return { version, tag: `v${version}`, commit: `${version.replace(/\D/g, '')}`.padEnd(40, 'a'), bump: 'patch', gate: 'auto', publishedAt: null, compatible: true, offered: true, ...over };
}

function sched(settings: AutomationConfig, projects: Array<[string, CandidateRelease[]]>): Schedule {
  return schedule({
    now: NOW,
    timeZone: 'Europe/Rome',
    settings: { enabled: true, ...settings },
    projects: projects.map(([project, candidates]) => ({ project, current: '1.4.0', candidates, dirty: false, diverged: false })),
  });
}

const NIGHTLY = { windows: [{ name: 'nightly', start: '02:00', end: '05:00' }] };
const labels = (items: ReadonlyArray<{ label: string }>) => items.map((i) => i.label);

describe('traySchedule', () => {
  it('Next: the earliest scheduled upgrade, in the schedule time zone', () => {
    const t = traySchedule(sched(NIGHTLY, [['core', [rel('1.4.1')]], ['finance', []]]), NOW.getTime());
    expect(labels(t.items)).toEqual(['Next: core 1.4.1 at Tue 02:00 Europe/Rome']);
    expect(t.tooltip).toEqual([]);
  });

  it('an upgrade due now says now', () => {
    expect(labels(traySchedule(sched({}, [['core', [rel('1.4.1')]]]), NOW.getTime()).items)).toEqual(['Next: core 1.4.1 now']);
  });

  it('paused: until when and why, and Resume automation instead of Next', () => {
    const s = sched({ ...NIGHTLY, pause: { until: '2026-12-09T18:00:00+01:00', reason: 'release week' } }, [['core', [rel('1.4.1')]]]);
    const t = traySchedule(s, NOW.getTime());
    expect(t.items).toEqual([
      { kind: 'info', id: 'automation-paused', label: 'Paused until Wed 18:00 Europe/Rome (release week)' },
      { kind: 'item', id: 'automation-resume', label: 'Resume automation', enabled: true, action: { type: 'resume-automation' } },
    ]);
    expect(t.tooltip).toEqual(['automation paused']);
    expect(labels(traySchedule(sched({ pause: { until: null } }, []), NOW.getTime()).items)[0]).toBe('Paused until resumed');
  });

  it('Approve core 1.4.1 for each release waiting for a person, at most five, the rest in the Schedule view', () => {
    const review = (v: string) => rel(v, { bump: 'minor', gate: 'review' });
    const t = traySchedule(sched({}, [['core', [review('1.5.0')]]]), NOW.getTime());
    expect(t.items).toEqual([{ kind: 'item', id: 'approve:core:1.5.0', label: 'Approve core 1.5.0', enabled: true, action: { type: 'approve', project: 'core', version: '1.5.0' } }]);
    expect(t.tooltip).toEqual(['1 waiting for approval']);
    const many = traySchedule(sched({}, ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((p) => [p, [review('1.5.0')]])), NOW.getTime());
    expect(many.items.filter((i) => i.id.startsWith('approve:'))).toHaveLength(MAX_APPROVAL_ITEMS);
    expect(many.items.at(-1)).toMatchObject({ label: '2 more waiting: open the schedule…', action: { type: 'open-schedule' } });
  });

  it('nothing before the schedule arrives', () => {
    expect(traySchedule(null, NOW.getTime())).toEqual({ tooltip: [], items: [] });
  });
});

describe('in the tray', () => {
  it('a section of its own above the updates; the tooltip counts approvals and the pause', () => {
    const s = sched({ pause: { until: '2026-12-09T18:00:00+01:00' } }, [['core', [rel('1.5.0', { bump: 'minor', gate: 'review' })]]]);
    const model = trayModel({ projects: [], poller: POLLER, operationsRunning: 0, lastError: null, schedule: s }, NOW.getTime());
    const ids = model.menu.map((m: MenuItemModel) => m.id);
    expect(ids.slice(ids.indexOf('sep-schedule'), ids.indexOf('sep-schedule') + 4)).toEqual(['sep-schedule', 'automation-paused', 'automation-resume', 'approve:core:1.5.0']);
    expect(model.tooltip).toContain('automation paused · 1 waiting for approval');
  });
});
