import { Range } from 'semver';
import { compareVersions } from './compare.js';
import { makeVersion } from './parse.js';
import type { Bound, Interval } from './constraint.js';
import type { Version } from './types.js';

/**
 * Range syntax (`>=1.7.0 <2.0.0`, `^1.2`, `~1.2.3`, `1.2.3 - 1.4`, `||`) is parsed by the `semver`
 * package, which already knows npm's sugar. Two things are done around it:
 *
 * 1. Before: every version inside the text goes through Upshift's own grammar, so `v9.2.0995`,
 *    `1.8.2rc1` and `7.4-rc2` become `9.2.995`, `1.8.2-rc1` and `7.4.0-rc2`, which semver accepts.
 *    Partial versions stay partial, because npm gives them a meaning (`1.2.3 - 1.4` admits 1.4.9, while
 *    `1.2.3 - 1.4.0` does not). Four-part versions cannot be expressed in semver ranges and are refused
 *    with a clear message.
 * 2. After: semver's comparator sets become intervals compared with Upshift's own `compareVersions`, so
 *    one ordering (and four-part targets) applies everywhere.
 */
export function rangeIntervals(text: string, error: (problem: string) => Error): Interval[] {
  const bad = /[^0-9A-Za-z.+\-*<>=^~|\s]/.exec(text);
  if (bad !== null) throw error(`unexpected character "${bad[0]}"`);

  if (text.split('||').some((alternative) => alternative.trim() === '')) {
    // semver reads `1.0.0 ||` as "any version": an empty alternative is far more likely a mistake.
    throw error('an alternative around "||" is empty');
  }
  const normalized = text.replace(/[vV]?\d[0-9A-Za-z.+*-]*/g, (token) => normalizeToken(token, error));
  let range: Range;
  try {
    range = new Range(normalized, { includePrerelease: true });
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw error(`not a version, wildcard or range (${detail})`);
  }

  const intervals: Interval[] = [];
  for (const set of range.set) {
    const interval: Interval = { lower: null, upper: null };
    for (const comparator of set) {
      if (comparator.value === '') continue; // ANY
      const sv = comparator.semver;
      const v = makeVersion([sv.major, sv.minor, sv.patch], sv.prerelease);
      switch (comparator.operator) {
        case '>=':
          interval.lower = tighterLower(interval.lower, { version: v, inclusive: true });
          break;
        case '>':
          interval.lower = tighterLower(interval.lower, { version: v, inclusive: false });
          break;
        case '<=':
          interval.upper = tighterUpper(interval.upper, { version: v, inclusive: true });
          break;
        case '<':
          interval.upper = tighterUpper(interval.upper, { version: v, inclusive: false });
          break;
        default: {
          const exact = { version: v, inclusive: true };
          interval.lower = tighterLower(interval.lower, exact);
          interval.upper = tighterUpper(interval.upper, exact);
        }
      }
    }
    keepPrereleasesOfUpperOut(interval);
    if (!isEmpty(interval)) intervals.push(interval);
  }
  if (intervals.length === 0) throw error('no version can satisfy it');
  return intervals;
}

/** Rewrites one version-looking token of a range into text semver accepts (see rangeIntervals). */
function normalizeToken(token: string, error: (problem: string) => Error): string {
  const body = token.replace(/^[vV]/, '');
  const parts = body.split('.');
  if (/[xX*]/.test(body) && parts.every((p) => /^(\d+|[xX*])$/.test(p))) {
    if (parts.length > 3) throw error(`"${token}": four-part versions cannot be used inside a range`);
    const firstWildcard = parts.findIndex((p) => /^[xX*]$/.test(p));
    if (parts.slice(firstWildcard).some((p) => /^\d+$/.test(p))) {
      throw error(`"${token}": a wildcard cannot be followed by a number`);
    }
    return parts.map((p) => (/^\d+$/.test(p) ? String(Number(p)) : p)).join('.');
  }
  const m = /^(\d{1,15})(?:\.(\d{1,15}))?(?:\.(\d{1,15}))?(?:\.(\d{1,15}))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)|([A-Za-z][0-9A-Za-z-]*(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.exec(
    body,
  );
  if (m === null) throw error(`"${token}" is not a version`);
  if (m[4] !== undefined) {
    throw error(`"${token}": four-part versions cannot be used inside a range; use it alone as a bound`);
  }
  const nums = [m[1], m[2], m[3]].filter((p): p is string => p !== undefined);
  if (nums.slice(0, 2).some((p) => p.length > 2 && p.startsWith('0'))) {
    throw error(`"${token}": a zero-padded major or minor longer than two digits is not a version`);
  }
  let out = nums.map((p) => String(Number(p))).join('.');
  const pre = m[5] ?? m[6];
  if (pre !== undefined) {
    // A prerelease needs all three parts in semver (`7.4-rc2` → `7.4.0-rc2`).
    while (nums.length < 3) {
      nums.push('0');
      out += '.0';
    }
    out += '-' + pre.split('.').map((id) => (/^\d+$/.test(id) ? String(Number(id)) : id)).join('.');
  }
  return out;
}

function tighterLower(a: Bound | null, b: Bound): Bound {
  if (a === null) return b;
  const c = compareVersions(a.version, b.version);
  if (c !== 0) return c > 0 ? a : b;
  return a.inclusive ? b : a;
}

function tighterUpper(a: Bound | null, b: Bound): Bound {
  if (a === null) return b;
  const c = compareVersions(a.version, b.version);
  if (c !== 0) return c < 0 ? a : b;
  return a.inclusive ? b : a;
}

/**
 * `<2.0.0` also keeps 2.0.0's prereleases out (it becomes `<2.0.0-0`): people read 2.0.0-rc.1 as a 2.x
 * release. Not when the lower bound is itself a prerelease of that same version (`>=1.0.0-rc.1 <1.0.0`
 * asks precisely for 1.0.0's prereleases).
 */
function keepPrereleasesOfUpperOut(i: Interval): void {
  const upper = i.upper;
  if (upper === null || upper.inclusive || upper.version.prerelease.length > 0) return;
  const lower = i.lower;
  if (lower !== null && lower.version.prerelease.length > 0 && sameParts(lower.version, upper.version)) return;
  i.upper = { version: makeVersion(upper.version.parts, [0]), inclusive: false };
}

function sameParts(a: Version, b: Version): boolean {
  for (let k = 0; k < 4; k++) if ((a.parts[k] ?? 0) !== (b.parts[k] ?? 0)) return false;
  return true;
}

/** The lowest version there is; nothing is below it. */
const LOWEST = makeVersion([0, 0, 0], [0]);

function isEmpty(i: Interval): boolean {
  if (i.upper !== null && !i.upper.inclusive && compareVersions(i.upper.version, LOWEST) <= 0) return true;
  if (i.lower === null || i.upper === null) return false;
  const c = compareVersions(i.lower.version, i.upper.version);
  return c > 0 || (c === 0 && !(i.lower.inclusive && i.upper.inclusive));
}
