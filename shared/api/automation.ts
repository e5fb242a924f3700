/**
 * The zod schema of the automation policy (issue 9 §1): the `automation` section of the global settings and of a
 * project's manifest. Parsing gives the types of shared/policy/automation.ts; defaults are applied when the layers
 * are merged (effectivePolicy), so a parsed section holds only what was written. Not wired into the manifest loader or
 * the settings yet: the scheduler's integration is separate work (docs/automation.md).
 */
import { z } from 'zod';
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
      .object({ from: localDate, to: localDate.optional(), reason: z.string().max(200).optional() })
      .strict()
      .refine((b) => b.to === undefined || b.to >= b.from, { message: '"to" must not be before "from"', path: ['to'] }),
  ])
  .describe('A local date (2026-12-25) or a range {from, to, reason} during which no window opens.');

const period = {
  days: days.optional(),
  start: startClock,
  end: endClock,
};

const weeklyPeriod = z.object(period).strict();

const windowSchema = z
  .object({
    ...period,
    name: z.string().min(1).max(64),
    timeZone: timeZoneSchema.optional(),
    except: z.array(weeklyPeriod).max(20).optional(),
    blackouts: z.array(blackout).max(500).optional(),
  })
  .strict();

const windows = z.array(windowSchema).max(50).superRefine((list, ctx) => {
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
    fastPath: z.boolean(),
    bypassSoak: z.boolean(),
    timing: z.enum(['at-once', 'critical-at-once', 'next-window']),
    catchUp,
    approveReview: z.boolean(),
    bumps: z.array(bump),
  })
  .partial()
  .strict();

export const pauseSchema = z
  .object({
    until: z.iso.datetime({ offset: true }).nullable(),
    reason: z.string().max(200).optional(),
    by: z.string().max(200).optional(),
  })
  .strict();

const policyFields = {
  enabled: z.boolean(),
  bumps: z.array(bump),
  minimumReleaseAge: z.number().min(0).max(365).describe('Days (fractions allowed) a release must have been out.'),
  security,
  catchUp,
  windows,
  blackouts: z.array(blackout).max(500),
  timeZone: timeZoneSchema.nullable(),
  battery: z.enum(['wait', 'allow']),
  metered: z.enum(['wait', 'allow']),
  pause: pauseSchema.nullable(),
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
