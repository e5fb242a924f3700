/** Formatting helpers. Pure: every function that depends on "now", a locale or a time zone takes it as an argument. */
import type { BumpType, OperationKind, OperationStatus, PlanEndpoint, RiskLevel, StepStatus } from '../../shared/api/types.js';

/** "850 ms", "12 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalSeconds = ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const s = Math.round(totalSeconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** The plan's estimate, in words. */
export function formatEstimate(seconds: number | null | undefined): string {
  if (seconds == null) return 'No estimate yet: this project has no past upgrades to measure.';
  if (seconds < 1) return 'About a second';
  return `About ${formatDuration(seconds * 1000)}`;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

const relativeFormatters = new Map<string, Intl.RelativeTimeFormat>();

/** What `Intl.RelativeTimeFormat('en', { numeric: 'auto' })` says for these units, where it does not say a number. */
const EN_NAMED: Partial<Record<Intl.RelativeTimeFormatUnit, Record<number, string>>> = {
  minute: { 0: 'this minute' },
  hour: { 0: 'this hour' },
  day: { [-1]: 'yesterday', 0: 'today', 1: 'tomorrow' },
  week: { [-1]: 'last week', 0: 'this week', 1: 'next week' },
  month: { [-1]: 'last month', 0: 'this month', 1: 'next month' },
  year: { [-1]: 'last year', 0: 'this year', 1: 'next year' },
};

/**
 * English relative time, the same text as Intl.RelativeTimeFormat('en', { numeric: 'auto' }) (format.test.ts
 * compares them), without it: the first Intl formatter a page builds loads the locale data, tens of milliseconds
 * on a cold load, and the Updates view would pay them before its first paint (README "Performance").
 */
export function relativeEn(value: number, unit: Intl.RelativeTimeFormatUnit): string {
  const named = EN_NAMED[unit]?.[value];
  if (named !== undefined) return named;
  const n = Math.abs(value);
  const text = `${groupEn(n)} ${unit}${n === 1 ? '' : 's'}`;
  return value < 0 || Object.is(value, -0) ? `${text} ago` : `in ${text}`;
}

/** "just now", "5 minutes ago", "in 3 hours", "yesterday". */
export function formatRelative(iso: string | null | undefined, now: number, locale = 'en'): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'unknown';
  const diff = t - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  if (locale === 'en') {
    for (const [unit, size] of UNITS) {
      if (abs >= size) return relativeEn(Math.round(diff / size), unit);
    }
    return relativeEn(Math.round(diff / 60_000), 'minute');
  }
  let rtf = relativeFormatters.get(locale);
  if (!rtf) {
    rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    relativeFormatters.set(locale, rtf);
  }
  for (const [unit, size] of UNITS) {
    if (abs >= size) return rtf.format(Math.round(diff / size), unit);
  }
  return rtf.format(Math.round(diff / 60_000), 'minute');
}

export interface DateFormatOptions {
  locale?: string;
  timeZone?: string;
}

// Building an Intl formatter costs far more than using one; the history list formats thousands of rows.
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateFormatter(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}

/** "21 Nov 2026, 10:15" in the user's locale (or the one given). */
export function formatDateTime(iso: string | null | undefined, opts: DateFormatOptions = {}): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return dateFormatter(opts.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: opts.timeZone }).format(d);
}

/** "Fri, 21 Nov 2026" (or "Fri, 21 Nov" within `currentYear`): the day label of the history list. */
export function formatDay(iso: string, opts: DateFormatOptions & { currentYear?: number } = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const sameYear = opts.currentYear !== undefined && Number(dayKey(iso, opts.timeZone).slice(0, 4)) === opts.currentYear;
  return dateFormatter(opts.locale, { weekday: 'short', day: 'numeric', month: 'short', year: sameYear ? undefined : 'numeric', timeZone: opts.timeZone }).format(d);
}

/** "10:15:03". */
export function formatTime(iso: string | null | undefined, opts: DateFormatOptions = {}): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return dateFormatter(opts.locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: opts.timeZone }).format(d);
}

/**
 * Local calendar day key (YYYY-MM-DD) of an instant, for grouping. In the page's own time zone it is read from the
 * Date (no Intl: every history row asks, and the first Intl formatter of a page costs 10–40 ms on a cold load here).
 */
export function dayKey(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (timeZone === undefined) return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const parts = dateFormatter('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '—';
}

/** A version as shown to people: "1.3.0", or the short commit when the checkout is not on a release. */
export function formatVersion(v: { version: string | null; sha?: string | null } | null | undefined): string {
  if (!v) return '—';
  if (v.version) return v.version;
  if (v.sha) return `commit ${shortSha(v.sha)}`;
  return 'unknown';
}

export function formatEndpoints(from: PlanEndpoint, to: PlanEndpoint): string {
  return `${formatVersion(from)} → ${formatVersion(to)}`;
}

export const STATUS_LABELS: Record<OperationStatus, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  stash_kept: 'Upgraded, work in a stash',
  rolled_back: 'Rolled back',
  cancelled: 'Cancelled',
  failed: 'Failed',
  blocked: 'Blocked',
  interrupted: 'Interrupted',
};

export const STEP_STATUS_LABELS: Record<StepStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  rolled_back: 'Rolled back',
};

export const KIND_LABELS: Record<OperationKind, string> = {
  upgrade: 'Upgrade',
  rollback: 'Rollback',
  recovery: 'Recovery',
};

export const RISK_LABELS: Record<RiskLevel, string> = { low: 'Low risk', medium: 'Medium risk', high: 'High risk' };

export const BUMP_LABELS: Record<BumpType, string> = {
  patch: 'patch',
  minor: 'minor',
  major: 'major',
  prerelease: 'prerelease',
  none: 'no change',
  downgrade: 'downgrade',
};

export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? status;
}

export function stepStatusLabel(status: string): string {
  return (STEP_STATUS_LABELS as Record<string, string>)[status] ?? status;
}

/**
 * Width of a duration bar, in percent of the lane. Logarithmic so a 2 s rollback and a 20 min install are both
 * visible: 0 → 0, 1 s → ~9 %, 1 min → ~52 %, `fullScaleMs` (default 1 h) and above → 100 %. Never below 2 % for a
 * known duration, so every finished operation shows a bar.
 */
export function durationBarPercent(ms: number | null | undefined, fullScaleMs = 3600_000): number {
  if (ms == null || !Number.isFinite(ms) || ms <= 0) return 0;
  const pct = (Math.log10(1 + ms / 1000) / Math.log10(1 + fullScaleMs / 1000)) * 100;
  return Math.max(2, Math.min(100, Math.round(pct * 10) / 10));
}

/** Plural helper: plural(3, 'file') → "3 files", plural(10000, 'operation') → "10,000 operations". */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${groupEn(n)} ${n === 1 ? word : pluralWord}`;
}

/**
 * A number as `n.toLocaleString('en')` writes it ("10,000"), without Intl for whole numbers: its first use in a
 * page loads the locale data (10–40 ms on a cold load on this project's loaded CI machine), and History's
 * "10,000 operations" was the first use on the way to its first row (docs/performance.md). Fractions, and integers
 * too large to print without an exponent, still go to Intl.
 */
export function groupEn(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) >= 1e21) return n.toLocaleString('en');
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 || Object.is(n, -0) ? `-${digits}` : digits;
}

/** Last `maxLines` lines of a text block. */
export function tailLines(text: string, maxLines: number): string {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-maxLines).join('\n');
}

/** A DOM id fragment from arbitrary text (step ids like "hook:preUpgrade", project names). */
export function domId(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)).join('--');
}
