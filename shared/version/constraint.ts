import { compareVersions } from './compare.js';
import { makeVersion, paddedSerial, parseVersion } from './parse.js';
import { rangeIntervals } from './range.js';
import type { Version } from './types.js';

/** A constraint text is malformed. The message names the text and what is wrong with it. */
export class ConstraintError extends Error {
  constructor(
    /** The constraint text as the user wrote it. */
    readonly text: string,
    /** What is wrong, e.g. `a wildcard cannot be followed by a number`. */
    readonly problem: string,
  ) {
    super(`Invalid version constraint "${text}": ${problem}`);
    this.name = 'ConstraintError';
  }
}

/** One end of an interval of versions. */
export interface Bound {
  version: Version;
  inclusive: boolean;
}

/** The versions between `lower` and `upper`; a null end is unbounded. */
export interface Interval {
  lower: Bound | null;
  upper: Bound | null;
}

/**
 * - `any`: `*`, `x`, `X`;
 * - `exact`: a full version (`1.2.3`, `v1.2.3-rc.1`, `1.0.0.1`);
 * - `wildcard`: `1.x.x`, `1.2.x`, `1.x`, `v1.X`, `1.*`, and partial versions (`1.2` ≡ `1.2.x`, as in npm);
 * - `range`: anything with operators (`>=1.7.0 <2.0.0`, `^1.2`, `~1.2.3`, `1.2.3 - 1.4`, `… || …`).
 */
export type ConstraintKind = 'any' | 'exact' | 'wildcard' | 'range';

/** A parsed constraint: the user's text (for messages) and the versions it admits, as intervals. */
export interface Constraint {
  /** The constraint as written (trimmed): messages quote this, never an expansion of it. */
  text: string;
  kind: ConstraintKind;
  /** Non-empty; the constraint admits a version when any interval contains it. */
  intervals: Interval[];
}

const WILDCARD_RE = /^[vV]?(\d{1,15})((?:\.(?:\d{1,15}|[xX*]))*)$/;
const ANY_RE = /^[*xX]$/;

/**
 * Parses a version constraint. Throws {@link ConstraintError} when the text is not one.
 *
 * Prereleases: a wildcard stands for every version of its line, prereleases included, and nothing of the
 * next line: `1.x.x` admits `1.0.0-rc.1` and `1.5.0-beta` but not `2.0.0-rc.1`. SemVer ranks
 * `2.0.0-rc.1` below `2.0.0`, but a person reads it as a 2.x release, so `max: 1.x.x` must refuse it.
 * The same reading is applied to ranges: `<2.0.0` is taken as "below every 2.0.0 build" (`<2.0.0-0`),
 * and ranges are otherwise evaluated like npm's `includePrerelease`: whether prereleases are wanted at all
 * is the channel's business, not the constraint's.
 */
export function parseConstraint(text: string): Constraint {
  if (typeof text !== 'string') throw new ConstraintError(String(text), 'expected text');
  const t = text.trim();
  if (t === '') {
    throw new ConstraintError(text, 'it is empty; expected a version (1.2.3), a wildcard (1.x.x) or a range (>=1.2.0 <2.0.0)');
  }
  if (t.length > 256) throw new ConstraintError(t.slice(0, 40) + '…', 'longer than 256 characters');
  if (ANY_RE.test(t)) return { text: t, kind: 'any', intervals: [{ lower: null, upper: null }] };

  const w = WILDCARD_RE.exec(t);
  if (w !== null) return fromWildcard(t, w);

  const exact = parseVersion(t);
  if (exact !== null) {
    const bound = { version: exact, inclusive: true };
    return { text: t, kind: 'exact', intervals: [{ lower: bound, upper: bound }] };
  }
  if (/^[vV]?\d[0-9A-Za-z.+-]*$/.test(t)) {
    throw new ConstraintError(t, 'not a version: expected one to four numbers separated by dots, like 1.2.3, optionally followed by -prerelease');
  }
  return { text: t, kind: 'range', intervals: rangeIntervals(t, (problem) => new ConstraintError(t, problem)) };
}

/** `1`, `1.2`, `1.x.x`, `1.2.*`, `1.2.3.x`: the fixed parts, then wildcards only. */
function fromWildcard(t: string, m: RegExpExecArray): Constraint {
  const rest = (m[2] as string).split('.').slice(1);
  if (rest.length > 3) throw new ConstraintError(t, 'a version has at most four parts');
  const fixed = [Number(m[1])];
  let sawWildcard = false;
  for (const part of rest) {
    if (/^[xX*]$/.test(part)) {
      sawWildcard = true;
    } else if (sawWildcard) {
      throw new ConstraintError(t, `a wildcard cannot be followed by a number ("${part}")`);
    } else {
      fixed.push(Number(part));
    }
  }
  if (!sawWildcard && fixed.length >= 3) {
    // A full version such as `1.2.3` or `1.0.0.1` is exact, handled by parseVersion.
    const v = parseVersion(t);
    if (v === null) throw new ConstraintError(t, 'not a version');
    const bound = { version: v, inclusive: true };
    return { text: t, kind: 'exact', intervals: [{ lower: bound, upper: bound }] };
  }
  if (paddedSerial(m[1] as string) || paddedSerial(rest[0] ?? '')) {
    throw new ConstraintError(t, 'a zero-padded major or minor longer than two digits is not a version');
  }
  const upperParts = fixed.slice();
  upperParts[upperParts.length - 1] = (upperParts[upperParts.length - 1] as number) + 1;
  return {
    text: t,
    kind: 'wildcard',
    intervals: [
      {
        lower: { version: makeVersion(fixed, [0]), inclusive: true },
        upper: { version: makeVersion(upperParts, [0]), inclusive: false },
      },
    ],
  };
}

function toVersion(v: Version | string): Version | null {
  return typeof v === 'string' ? parseVersion(v) : v;
}

function toConstraint(c: Constraint | string): Constraint {
  return typeof c === 'string' ? parseConstraint(c) : c;
}

function aboveLower(v: Version, b: Bound | null): boolean {
  if (b === null) return true;
  const c = compareVersions(v, b.version);
  return c > 0 || (c === 0 && b.inclusive);
}

function belowUpper(v: Version, b: Bound | null): boolean {
  if (b === null) return true;
  const c = compareVersions(v, b.version);
  return c < 0 || (c === 0 && b.inclusive);
}

/**
 * True when the version is admitted by the constraint. A version text that does not parse satisfies
 * nothing; a constraint text that does not parse throws {@link ConstraintError}.
 */
export function satisfies(version: Version | string, constraint: Constraint | string): boolean {
  const c = toConstraint(constraint);
  const v = toVersion(version);
  if (v === null) return false;
  return c.intervals.some((i) => aboveLower(v, i.lower) && belowUpper(v, i.upper));
}

/**
 * True when the version is not below the constraint, i.e. the constraint used as a minimum is met:
 * `atLeast('1.0.0', '1.x.x')`, `atLeast('3.1.0', '^2')`. An unparseable version text fails.
 */
export function atLeast(version: Version | string, constraint: Constraint | string): boolean {
  const c = toConstraint(constraint);
  const v = toVersion(version);
  if (v === null) return false;
  return c.intervals.some((i) => aboveLower(v, i.lower));
}

/**
 * True when the version is not above the constraint, i.e. the constraint used as a maximum is met:
 * `atMost('1.9.9', '1.x.x')` but not `atMost('2.0.0-rc.1', '1.x.x')`. An unparseable version text fails.
 */
export function atMost(version: Version | string, constraint: Constraint | string): boolean {
  const c = toConstraint(constraint);
  const v = toVersion(version);
  if (v === null) return false;
  return c.intervals.some((i) => belowUpper(v, i.upper));
}
