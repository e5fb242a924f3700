import type { Version } from './types.js';

/*
 * One grammar for every version text Upshift reads (tags, manifests, release metadata):
 *
 *   [v|V] N[.N[.N[.N]]] [ -pre | glued-pre ] [ +build ]
 *
 * - one to four numeric parts, at most 15 digits each (so they stay exact JavaScript numbers);
 * - `-rc.1` is a SemVer prerelease; a prerelease may also be glued on when it starts with a letter
 *   (`1.8.2rc1`, `7.2a.001`), as jq, vim and Python-style tags do;
 * - `+build` metadata is accepted and ignored, as SemVer 2.0 says precedence ignores it.
 *
 * The capture groups are: 1-4 the numeric parts, 5 a hyphenated prerelease, 6 a glued prerelease.
 * Tag patterns embed this source between their literal prefix and suffix, so a tag is parsed by a single
 * precompiled regular expression (see tag-pattern.ts).
 */
const NUM = '(\\d{1,15})';
const IDENT = '[0-9A-Za-z-]+';
const IDENTS = `${IDENT}(?:\\.${IDENT})*`;
export const VERSION_BODY_SOURCE =
  `${NUM}(?:\\.${NUM})?(?:\\.${NUM})?(?:\\.${NUM})?` +
  `(?:-(${IDENTS})|([A-Za-z][0-9A-Za-z-]*(?:\\.${IDENT})*))?` +
  `(?:\\+${IDENTS})?`;

const VERSION_RE = new RegExp(`^[vV]?${VERSION_BODY_SOURCE}$`);

/**
 * Parses a version text such as `v9.2.0995`, `7.4-rc2`, `1.8.2rc1`, `1.0.0.1` or `1.2.3+build.5`.
 * Surrounding whitespace is ignored. Returns null for anything else; never throws.
 *
 * Leading zeros are accepted in the patch and fourth parts (vim's `9.2.0995` is 9.2.995) and, for
 * calendar-style versions, as two-digit major/minor parts (`24.04`). A longer zero-padded major or minor
 * such as vim's pre-7.0 snapshot tags `v7.0001`…`v7.0224` is a serial number, not a minor version:
 * reading it as 7.1…7.224 would rank 2004 snapshots above vim 7.4, so it is rejected.
 */
export function parseVersion(text: string): Version | null {
  if (typeof text !== 'string' || text.length > 256) return null;
  const m = VERSION_RE.exec(text.trim());
  return m === null ? null : versionFromMatch(m, 1);
}

/**
 * Builds a Version from a match of {@link VERSION_BODY_SOURCE} whose first group is `first`.
 * Internal to the version module; exported for tag-pattern.ts.
 */
export function versionFromMatch(m: RegExpExecArray, first: number): Version | null {
  const s0 = m[first] as string;
  const s1 = m[first + 1];
  const s2 = m[first + 2];
  const s3 = m[first + 3];
  if (paddedSerial(s0) || (s1 !== undefined && paddedSerial(s1))) return null;
  const p0 = +s0;
  const p1 = s1 === undefined ? 0 : +s1;
  const p2 = s2 === undefined ? 0 : +s2;
  const p3 = s3 === undefined ? 0 : +s3;
  const pre = m[first + 4] ?? m[first + 5];
  let prerelease: (string | number)[] = EMPTY;
  if (pre !== undefined) {
    const ids = parseIdentifiers(pre);
    if (ids === null) return null;
    prerelease = ids;
  }
  let normalized = p3 === 0 ? `${p0}.${p1}.${p2}` : `${p0}.${p1}.${p2}.${p3}`;
  if (prerelease.length > 0) normalized += '-' + prerelease.join('.');
  return { parts: p3 === 0 ? [p0, p1, p2] : [p0, p1, p2, p3], prerelease, normalized };
}

/** Shared empty prerelease list: most versions have none, and the hot path should not allocate one each. */
const EMPTY: (string | number)[] = [];
Object.freeze(EMPTY);

/** A zero-padded number longer than two digits (`0001`): a serial, not a major/minor version. */
export function paddedSerial(s: string): boolean {
  return s.length > 2 && s.charCodeAt(0) === 48;
}

/**
 * Splits a prerelease into identifiers; all-digit identifiers become numbers (`rc.01` → rc, 1).
 * Returns null when a numeric identifier is too long to be an exact number.
 */
export function parseIdentifiers(pre: string): (string | number)[] | null {
  const raw = pre.split('.');
  const out: (string | number)[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const id = raw[i] as string;
    if (isDigits(id)) {
      if (id.length > 15) return null;
      out[i] = +id;
    } else {
      out[i] = id;
    }
  }
  return out;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Builds a Version from parts and prerelease identifiers (used for constraint bounds). A zero fourth part
 * is dropped, exactly as the parser does.
 */
export function makeVersion(parts: readonly number[], prerelease: readonly (string | number)[] = []): Version {
  const p = [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
  const fourth = parts[3] ?? 0;
  if (fourth !== 0) p.push(fourth);
  const pre = prerelease.length === 0 ? EMPTY : [...prerelease];
  const normalized = p.join('.') + (pre.length > 0 ? '-' + pre.join('.') : '');
  return { parts: p, prerelease: pre, normalized };
}

/** True when the version carries prerelease identifiers (`1.0.0-rc.1`, `8.0-m01`). */
export function isPrerelease(v: Version): boolean {
  return v.prerelease.length > 0;
}
