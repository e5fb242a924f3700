import type { Version } from './types.js';

/**
 * SemVer 2.0 precedence, extended to a fourth numeric part: parts compare numerically (a missing fourth
 * part is 0, so `1.0.0.1 < 1.0.0.2` and `1.0.0 == 1.0.0.0`), a prerelease ranks below its release, and
 * prerelease identifiers compare one by one (numbers numerically, numbers below words, a shorter list
 * below a longer one with the same head). Build metadata is not part of a Version, so it never matters.
 *
 * One deliberate refinement over SemVer: two word identifiers that embed numbers compare those numbers
 * numerically (`rc2 < rc10`, `beta9 < beta10`), where SemVer would compare the characters (`rc10 < rc2`).
 * Glued prereleases (`jq-1.7rc2`, redis `3.0.0-beta8`) carry their number inside the word, and picking
 * `rc2` as newer than `rc10` would be a wrong "latest". Identifiers that differ only in zero padding
 * (`m01` vs `m1`) fall back to character order, so distinct identifiers never compare equal.
 *
 * Never throws. Hot path of release selection: no allocation.
 */
export function compareVersions(a: Version, b: Version): -1 | 0 | 1 {
  const ap = a.parts;
  const bp = b.parts;
  for (let i = 0; i < 4; i++) {
    const x = ap[i] ?? 0;
    const y = bp[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return comparePrerelease(a.prerelease, b.prerelease);
}

/** Compares prerelease identifier lists; an empty list (a release) ranks above any prerelease. */
export function comparePrerelease(a: readonly (string | number)[], b: readonly (string | number)[]): -1 | 0 | 1 {
  if (a.length === 0) return b.length === 0 ? 0 : 1;
  if (b.length === 0) return -1;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const c = compareIdentifiers(a[i] as string | number, b[i] as string | number);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** One prerelease identifier against another: numbers numerically and below words; words naturally. */
export function compareIdentifiers(x: string | number, y: string | number): -1 | 0 | 1 {
  const xn = typeof x === 'number';
  const yn = typeof y === 'number';
  if (xn && yn) return x === y ? 0 : x < y ? -1 : 1;
  if (xn) return -1;
  if (yn) return 1;
  return compareWords(x, y);
}

/** Natural order of two words: digit runs by value, everything else by UTF-16 code unit. */
function compareWords(x: string, y: string): -1 | 0 | 1 {
  if (x === y) return 0;
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const cx = x.charCodeAt(i);
    const cy = y.charCodeAt(j);
    if (isDigit(cx) && isDigit(cy)) {
      let ie = i;
      while (ie < x.length && isDigit(x.charCodeAt(ie))) ie++;
      let je = j;
      while (je < y.length && isDigit(y.charCodeAt(je))) je++;
      // Skip leading zeros, then the longer run is the bigger number; same length compares digit by digit.
      let is = i;
      while (is < ie - 1 && x.charCodeAt(is) === 48) is++;
      let js = j;
      while (js < je - 1 && y.charCodeAt(js) === 48) js++;
      const lx = ie - is;
      const ly = je - js;
      if (lx !== ly) return lx < ly ? -1 : 1;
      for (let k = 0; k < lx; k++) {
        const dx = x.charCodeAt(is + k);
        const dy = y.charCodeAt(js + k);
        if (dx !== dy) return dx < dy ? -1 : 1;
      }
      i = ie;
      j = je;
    } else {
      if (cx !== cy) return cx < cy ? -1 : 1;
      i++;
      j++;
    }
  }
  if (i < x.length || j < y.length) return i < x.length ? 1 : -1;
  // Equal by value but spelled differently (`m01` vs `m1`): plain code-unit order keeps the order total.
  return x < y ? -1 : 1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** True when both versions have the same precedence (`1.0` and `v1.0.0+build` are equal). */
export function versionsEqual(a: Version, b: Version): boolean {
  return compareVersions(a, b) === 0;
}
