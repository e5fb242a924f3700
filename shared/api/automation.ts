/**
 * The zod schema of the automation policy (issue 9 §1): the `automation` section of the global settings and of a
 * project's manifest. Parsing gives the types of shared/policy/automation.ts; defaults are applied when the layers
 * are merged (effectivePolicy), so a parsed section holds only what was written. Read from the manifest's `automation:`
 * (electron/core/manifest/schema.ts) and from the global settings' `automation` key (`upshift policy`).
 */
import * as z from 'zod';
import type { AutomationConfig, ProjectAutomationPolicy } from '../policy/automation.js';
import { parseLocalDate, WEEKDAYS, type Weekday } from '../policy/windows.js';
import { isValidTimeZone } from '../policy/zoned.js';

const weekday = z.enum(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);

/** Named sets of days, for the common cases. */
export const DAY_SETS: Readonly<Record<'daily' | 'weekdays' | 'weekends', readonly Weekday[]>> = {
  daily: WEEKDAYS,
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  weekends: ['sat', 'sun'],
};

const days = z
  .union([z.array(weekday).min(1, 'name at least one day'), z.enum(['daily', 'weekdays', 'weekends'])])
  .transform((d): Weekday[] => (typeof d === 'string' ? [...DAY_SETS[d]] : [...new Set(d)]))
  .describe('Days a window opens on: a list (mon, tue, …) or daily, weekdays, weekends.');

const startClock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM, 00:00 to 23:59');
const endClock = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time of day HH:MM, 00:00 to 24:00');

export const timeZoneSchema = z
  .string()
  .refine(isValidTimeZone, { message: 'an IANA time zone such as "Europe/Rome", "America/New_York" or "UTC"' })
  .describe('An IANA time zone.');

const localDate = z.string().refine(
  (s) => {
    try {
      parseLocalDate(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'a date YYYY-MM-DD' },
);

const blackout = z
  .union([
    localDate.transform((from) => ({ from })),
    z
      .object({
        from: localDate.describe('The first local date (YYYY-MM-DD) of the blackout.'),
        to: localDate.describe('The last local date (YYYY-MM-DD), inclusive; absent: only `from`.').optional(),
        reason: z.string().max(200).describe('Why no window opens then, shown in the schedule.').optional(),
      })
      .strict()
      .refine((b) => b.to === undefined || b.to >= b.from, { message: '"to" must not be before "from"', path: ['to'] }),
  ])
  .describe('A local date (2026-12-25) or a range {from, to, reason} during which no window opens.');

const period = {
  days: days.optional(),
  start: startClock.describe('Local time the window opens, HH:MM.'),
  end: endClock.describe('Local time the window closes, HH:MM (24:00 allowed); at or before start: the next day.'),
};

const weeklyPeriod = z.object(period).strict();

const windowSchema = z
  .object({
    ...period,
    name: z.string().min(1).max(64).describe("The window's name, shown in the schedule and the history."),
    timeZone: timeZoneSchema.describe("The window's IANA time zone; absent: the policy's, else the system's.").optional(),
    except: z.array(weeklyPeriod).max(20).describe('Weekly periods cut out of the window (days, start, end).').optional(),
    blackouts: z.array(blackout).max(500).describe("Local dates in the window's time zone when it does not open.").optional(),
  })
  .strict()
  .describe('A maintenance window: when unattended upgrades may start.');

const windows = z.array(windowSchema).max(50).describe('When unattended upgrades may start; none: at any time.').superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((w, i) => {
    if (seen.has(w.name)) ctx.addIssue({ code: 'custom', message: `two windows are named "${w.name}"`, path: [i, 'name'] });
    seen.add(w.name);
  });
});

const bump = z.enum(['patch', 'minor', 'major', 'prerelease']);
const catchUp = z.enum(['next-window', 'at-once']);

const security = z
  .object({
    fastPath: z.boolean().describe('Security releases get the fast path at all (default true).'),
    bypassSoak: z.boolean().describe('minimumReleaseAge does not hold a security release back (default true).'),
    timing: z.enum(['at-once', 'critical-at-once', 'next-window']).describe('When a security release upgrades: at-once (default), critical-at-once, next-window.'),
    catchUp: catchUp.describe('A missed window for a security release: at-once (default) or next-window.'),
    approveReview: z.boolean().describe('A security release behind a review gate upgrades without an approval (default false); never crosses manual or skip.'),
    bumps: z.array(bump).describe('The bumps a security release may upgrade unattended; absent: the same as bumps.'),
  })
  .partial()
  .strict()
  .describe('The fast path of security releases.');

export const pauseSchema = z
  .object({
    until: z.iso.datetime({ offset: true }).nullable().describe('Paused until this instant (ISO 8601 with offset); null: until resumed.'),
    reason: z.string().max(200).describe('Why, shown in the schedule.').optional(),
    by: z.string().max(200).describe('Who paused it.').optional(),
  })
  .strict()
  .describe('Nothing upgrades unattended until then.');

const policyFields = {
  enabled: z.boolean().describe('Unattended upgrades at all (default false).'),
  bumps: z.array(bump).describe('The bumps (patch, minor, major, prerelease) that may upgrade unattended; the gates still decide.'),
  minimumReleaseAge: z.number().min(0).max(365).describe('Days (fractions allowed) a release must have been out.'),
  security,
  catchUp: catchUp.describe('A missed window (machine asleep or off): next-window (default) or at-once.'),
  windows,
  blackouts: z.array(blackout).max(500).describe('Local dates or ranges when no window opens.'),
  timeZone: timeZoneSchema.nullable().describe('The IANA time zone of windows that name none; null: the system\'s.'),
  battery: z.enum(['wait', 'allow']).describe('On battery power, where the OS tells: wait (default) or allow.'),
  metered: z.enum(['wait', 'allow']).describe('On a metered connection, where the OS tells: wait (default) or allow.'),
  onBattery: z.enum(['defer', 'allow']).describe('The same as battery: defer (= wait) or allow; battery wins when both are given.'),
  onMetered: z.enum(['defer', 'allow']).describe('The same as metered: defer (= wait) or allow; metered wins when both are given.'),
  pause: pauseSchema.nullable().describe('Nothing upgrades unattended until then; null: not paused.'),
};

/** A project's `automation` section (manifest, or the global settings' `projects.<name>`): every key optional. */
export const projectAutomationSchema = z.object(policyFields).partial().strict();

/** The global `automation` settings: every key optional, defaults from DEFAULT_AUTOMATION. */
export const automationSettingsSchema = z
  .object({
    ...policyFields,
    maxConcurrent: z.number().int().min(1).max(32),
    projects: z.record(z.string().min(1).max(64), projectAutomationSchema),
  })
  .partial()
  .strict();

export type ProjectAutomationInput = z.input<typeof projectAutomationSchema>;
export type AutomationSettingsInput = z.input<typeof automationSettingsSchema>;

// The parsed sections are the policy types (checked when compiling).
const _project: (p: z.output<typeof projectAutomationSchema>) => ProjectAutomationPolicy = (p) => p;
const _settings: (s: z.output<typeof automationSettingsSchema>) => AutomationConfig = (s) => s;
void _project;
void _settings;
