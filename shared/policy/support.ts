/**
 * Support windows and end of life (issue 10 §4), pure: given the instant, the manifest's `support:` policy, the
 * versions released and what release metadata says (`eol_date`, `replacement`), where a version stands. The seeds
 * propose it (vitruvyan's `vit supported`, observability-stack's `deprecation {eol_date, replacement}`); here it is
 * one function over an injected instant, so "becomes EOL within 30 days" is tested without waiting.
 */
import type { SupportStatus } from '../api/trust.js';
import { compareVersions, parseVersion } from '../version/index.js';

/** `support:` in the manifest: the newest N minor lines are supported, and/or explicit dates per version line. */
export interface SupportPolicy {
  lastMinors?: number | undefined;
  /** Version line (`1.x`, `1.4.x`, `1.4`, `1`) → end-of-life day (YYYY-MM-DD). */
  eol?: Record<string, string> | undefined;
}

/** What a release's own metadata says about its end of life. */
export interface ReleaseEol {
  eolDate: string | null;
  replacement: string | null;
}

/** A version that becomes EOL within this many days is flagged ahead of time. */
export const EOL_WARNING_DAYS = 30;
const DAY = 86_400_000;

/** The numeric prefix a version line names (`1.x` → [1], `1.4.x` → [1, 4], `*` → []), or null when it is not one. */
export function lineParts(line: string): number[] | null {
  const words = line.trim().replace(/^v/i, '').split('.');
  const parts: number[] = [];
  for (const w of words) {
    if (/^(x|\*)$/i.test(w)) break;
    if (!/^\d+$/.test(w)) return null;
    parts.push(Number(w));
  }
  return parts.length > 3 ? null : parts;
}

function onLine(version: string, parts: readonly number[]): boolean {
  const v = parseVersion(version);
  return v !== null && parts.every((p, i) => v.parts[i] === p);
}

/** The minor line of a version (`1.4.2` → `1.4.x`). */
export function minorLine(version: string): string | null {
  const v = parseVersion(version);
  return v ? `${v.parts[0]}.${v.parts[1]}.x` : null;
}

/** Whole days from `now`'s UTC day to `day` (negative once past). */
function daysUntil(now: number, day: string): number | null {
  const t = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) return null;
  const today = Math.floor(now / DAY) * DAY;
  return Math.round((t - today) / DAY);
}

/**
 * Where `version` stands: the most specific `support.eol` line that holds it, else its release metadata's
 * `eol_date`; and outside the newest `lastMinors` minor lines of `released` (stable versions) it is EOL even without
 * a date. A version is EOL once its day has passed (the EOL day itself is its last supported day), and `soon` when
 * that is {@link EOL_WARNING_DAYS} days away or less.
 */
export function supportStatus(now: number, policy: SupportPolicy | null | undefined, version: string, released: readonly string[], metadata: ReleaseEol | null = null): SupportStatus | null {
  const parsed = parseVersion(version);
  if (!parsed) return null;
  let line = minorLine(version)!;
  let eolDate: string | null = null;
  let source: SupportStatus['source'] = null;
  const explicit = Object.entries(policy?.eol ?? {})
    .map(([key, day]) => ({ key, day, parts: lineParts(key) }))
    .filter((e) => e.parts !== null && onLine(version, e.parts))
    .sort((a, b) => b.parts!.length - a.parts!.length)[0];
  if (explicit) {
    line = explicit.key;
    eolDate = explicit.day;
    source = 'eol';
  } else if (metadata?.eolDate) {
    eolDate = metadata.eolDate.slice(0, 10);
    source = 'metadata';
  }
  const daysLeft = eolDate ? daysUntil(now, eolDate) : null;
  let eol = daysLeft !== null && daysLeft < 0;
  let outside: string | null = null;
  if (policy?.lastMinors) {
    const lines = newestMinorLines(released, policy.lastMinors);
    if (lines.length > 0 && !lines.includes(minorLine(version)!) && compareVersions(parsed, parseVersion(`${lines[lines.length - 1]!.replace(/\.x$/, '')}.0`)!) < 0) {
      outside = `outside the last ${policy.lastMinors} minor line${policy.lastMinors === 1 ? '' : 's'} (${lines.join(', ')})`;
      if (!eol) {
        eol = true;
        if (source === null) source = 'lastMinors';
      }
    }
  }
  if (policy === null || policy === undefined) {
    if (!metadata?.eolDate) return null;
  } else if (source === null && !policy.lastMinors) return null;
  const soon = !eol && daysLeft !== null && daysLeft <= EOL_WARNING_DAYS;
  const replacement = metadata?.replacement ?? null;
  const instead = replacement ? `; its replacement is ${replacement}` : '';
  const message = eol
    ? `${version} is END OF LIFE${eolDate && daysLeft !== null && daysLeft < 0 ? ` since ${eolDate} (${line})` : ''}${outside ? ` — ${outside}` : ''}${instead}`
    : soon
      ? `${version} reaches end of life on ${eolDate} (${daysLeft === 0 ? 'today is its last day' : `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`}, ${line})${instead}`
      : eolDate
        ? `${version} is supported until ${eolDate} (${line})`
        : `${version} is supported (${line} is among the last ${policy?.lastMinors} minor lines)`;
  return { version, line, eolDate, eol, soon, daysLeft, replacement, source, message };
}

/** The newest `n` minor lines among the stable versions (`2.1.x`, `2.0.x`, `1.9.x` …). */
export function newestMinorLines(released: readonly string[], n: number): string[] {
  const seen: string[] = [];
  const sorted = released
    .map((v) => parseVersion(v))
    .filter((v): v is NonNullable<typeof v> => v !== null && v.prerelease.length === 0)
    .sort((a, b) => compareVersions(b, a));
  for (const v of sorted) {
    const line = `${v.parts[0]}.${v.parts[1]}.x`;
    if (!seen.includes(line)) seen.push(line);
    if (seen.length >= n) break;
  }
  return seen;
}

/** One row of `upshift supported`: the newest release of a minor line and its standing. */
export interface SupportedLine {
  line: string;
  newest: string;
  status: SupportStatus | null;
}

/** Every minor line released, newest first, with its newest release's standing (`upshift supported`). */
export function supportTable(now: number, policy: SupportPolicy | null | undefined, released: readonly string[], metadata: ReadonlyMap<string, ReleaseEol> = new Map()): SupportedLine[] {
  const newestOf = new Map<string, string>();
  const sorted = released.filter((v) => parseVersion(v)?.prerelease.length === 0).sort((a, b) => compareVersions(parseVersion(b)!, parseVersion(a)!));
  for (const v of sorted) {
    const line = minorLine(v)!;
    if (!newestOf.has(line)) newestOf.set(line, v);
  }
  return [...newestOf].map(([line, newest]) => ({ line, newest, status: supportStatus(now, policy, newest, released, metadata.get(newest) ?? null) }));
}
