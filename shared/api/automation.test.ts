import { describe, expect, it } from 'vitest';
import { effectivePolicy } from '../policy/automation.js';
import { automationSettingsSchema, projectAutomationSchema } from './automation.js';

const issues = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  r.success ? [] : r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('the automation schema', () => {
  it('reads the cookbook: nightly, weekends only, not Friday afternoon, security at once', () => {
    const parsed = automationSettingsSchema.parse({
      enabled: true,
      timeZone: 'Europe/Rome',
      minimumReleaseAge: 3,
      maxConcurrent: 2,
      security: { timing: 'at-once', bypassSoak: true },
      windows: [
        { name: 'nightly', days: 'daily', start: '02:00', end: '05:00' },
        { name: 'weekends', days: 'weekends', start: '09:00', end: '18:00', timeZone: 'America/New_York' },
        { name: 'office', days: 'weekdays', start: '09:00', end: '18:00', except: [{ days: ['fri'], start: '12:00', end: '24:00' }] },
      ],
      blackouts: ['2026-12-25', { from: '2026-12-31', to: '2027-01-01', reason: 'new year' }],
      projects: { finance: { bumps: ['patch'], windows: [] } },
    });
    expect(parsed.windows?.map((w) => w.days)).toEqual([
      ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
      ['sat', 'sun'],
      ['mon', 'tue', 'wed', 'thu', 'fri'],
    ]);
    expect(parsed.blackouts).toEqual([{ from: '2026-12-25' }, { from: '2026-12-31', to: '2027-01-01', reason: 'new year' }]);
    const finance = effectivePolicy(parsed, 'finance');
    expect([finance.enabled, finance.bumps, finance.windows, finance.minimumReleaseAge, finance.security.timing]).toEqual([true, ['patch'], [], 3, 'at-once']);
  });

  it('an empty section is valid: everything comes from the defaults', () => {
    expect(automationSettingsSchema.parse({})).toEqual({});
    const p = effectivePolicy({}, 'core');
    expect(p).toMatchObject({ enabled: false, minimumReleaseAge: 0, catchUp: 'next-window', windows: [], battery: 'wait', metered: 'wait', pause: null });
    expect(p.security).toEqual({ fastPath: true, bypassSoak: true, timing: 'at-once', catchUp: 'at-once', approveReview: false });
  });

  it.each<[string, unknown, string]>([
    ['an unknown time zone', { timeZone: 'Europe/Roma' }, 'timeZone: an IANA time zone such as "Europe/Rome", "America/New_York" or "UTC"'],
    ['a start at 24:00', { windows: [{ name: 'w', start: '24:00', end: '02:00' }] }, 'windows.0.start: a time of day HH:MM, 00:00 to 23:59'],
    ['an end past 24:00', { windows: [{ name: 'w', start: '22:00', end: '24:30' }] }, 'windows.0.end: a time of day HH:MM, 00:00 to 24:00'],
    ['a day that is not one', { windows: [{ name: 'w', days: ['fri', 'funday'], start: '01:00', end: '02:00' }] }, 'windows.0.days'],
    ['no day at all', { windows: [{ name: 'w', days: [], start: '01:00', end: '02:00' }] }, 'windows.0.days'],
    ['two windows of one name', { windows: [{ name: 'w', start: '01:00', end: '02:00' }, { name: 'w', start: '03:00', end: '04:00' }] }, 'windows.1.name: two windows are named "w"'],
    ['a date that does not exist', { blackouts: ['2026-02-30'] }, 'blackouts.0'],
    ['a range backwards', { blackouts: [{ from: '2026-12-31', to: '2026-12-24' }] }, 'blackouts.0'],
    ['a pause without an offset', { pause: { until: '2026-12-01T10:00:00' } }, 'pause.until'],
    ['a negative soak', { minimumReleaseAge: -1 }, 'minimumReleaseAge'],
    ['maxConcurrent 0', { maxConcurrent: 0 }, 'maxConcurrent'],
    ['an unknown key', { windowz: [] }, 'Unrecognized key'],
    ['a security timing that is not one', { security: { timing: 'soon' } }, 'security.timing'],
    ['a bump that is not gated', { bumps: ['downgrade'] }, 'bumps.0'],
  ])('refuses %s, naming where', (_name, input, expected) => {
    const found = issues(automationSettingsSchema.safeParse(input));
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(expected);
  });

  it("a project's section has no machine-wide keys", () => {
    expect(issues(projectAutomationSchema.safeParse({ maxConcurrent: 2 })).join()).toContain('Unrecognized key');
    expect(projectAutomationSchema.parse({ pause: { until: null, reason: 'migrating' } })).toEqual({ pause: { until: null, reason: 'migrating' } });
    expect(projectAutomationSchema.parse({ pause: { until: '2026-12-09T18:00:00+01:00', reason: 'release week' } }).pause?.until).toBe('2026-12-09T18:00:00+01:00');
  });
});
