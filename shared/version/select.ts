import type { Channel, ReleaseRef } from '../api/types.js';
import { comparePrerelease, compareVersions } from './compare.js';
import { versionFromMatch } from './parse.js';
import { isCommitSha } from './safe-tag.js';
import { compileTagPattern, DEFAULT_TAG_PATTERN, rawMatcher, type TagPattern } from './tag-pattern.js';
import type { Release, TagRef, Version } from './types.js';

export interface SelectOptions {
  /**
   * `stable` (the default) leaves prereleases out; only `prerelease` lets them in, so an unknown value
   * (say the seed's `beta`, unmapped) fails closed.
   */
  channel?: Channel;
}

/**
 * The releases among `refs`, newest first, one per version.
 *
 * - A ref is a release when its tag matches the pattern (see compileTagPattern); everything else
 *   (branches-as-tags, `twitter-20100804`, hostile names) is ignored.
 * - A ref whose sha is not a full hexadecimal commit id is dropped, so neither field of a returned
 *   release can smuggle an option or shell text into a command.
 * - The stable channel leaves prereleases out.
 * - When several tags name the same version (`v1.0` and `1.0.0`, `v0.13.0-rc.2` and `0.13.0-rc.2`,
 *   `v1.0.0+a` and `v1.0.0+b`), one is kept, chosen in this order: the tag that spells the pattern's own
 *   prefix (`v1.0` over `1.0` under `v{version}`), then the tag whose version text is already canonical
 *   (`v1.0.0` over `v1.0`), then the smallest tag name by code unit. The result therefore does not
 *   depend on the order of `refs`.
 *
 * Performance: one precompiled regular expression per tag, no semver package, no allocation for tags that
 * are not releases. Compile the pattern once and pass the TagPattern when calling repeatedly.
 */
export function selectReleases(
  refs: readonly TagRef[],
  pattern: TagPattern | string = DEFAULT_TAG_PATTERN,
  options: SelectOptions = {},
): Release[] {
  const tp = typeof pattern === 'string' ? compileTagPattern(pattern) : pattern;
  const stableOnly = options.channel !== 'prerelease';
  const found: Release[] = [];
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i] as TagRef;
    const version = tp.match(ref.tag);
    if (version === null) continue;
    const prerelease = version.prerelease.length > 0;
    if (prerelease && stableOnly) continue;
    if (!isCommitSha(ref.sha)) continue;
    found.push({ tag: ref.tag, sha: ref.sha, version, prerelease });
  }
  found.sort((a, b) => compareVersions(b.version, a.version) || preferTag(tp, a, b));
  // Duplicates are now adjacent, preferred tag first.
  let kept = 0;
  for (let i = 0; i < found.length; i++) {
    const r = found[i] as Release;
    if (kept > 0 && compareVersions((found[kept - 1] as Release).version, r.version) === 0) continue;
    found[kept++] = r;
  }
  found.length = kept;
  return found;
}

/**
 * The newest release in the channel, or null when there is none. Same answer as
 * `selectReleases(...)[0] ?? null`, but in one linear pass with no sorting and, for patterns made by
 * compileTagPattern, nothing allocated per tag beyond the regular expression's match: the numeric parts
 * are compared straight from the match, a Version is built only when two candidates differ by prerelease
 * alone, and the per-tag safety checks run only on the winner. Should the winner fail them (a hostile remote), the scan
 * is repeated without it a few times, then falls back to the full selection.
 */
export function latestRelease(
  refs: readonly TagRef[],
  pattern: TagPattern | string = DEFAULT_TAG_PATTERN,
  options: SelectOptions = {},
): Release | null {
  const tp = typeof pattern === 'string' ? compileTagPattern(pattern) : pattern;
  const exec = rawMatcher(tp);
  if (exec === null) return selectReleases(refs, tp, options)[0] ?? null;
  const stableOnly = options.channel !== 'prerelease';
  const rejected = new Set<number>();
  for (let attempt = 0; attempt < 4; attempt++) {
    const index = scanLatest(refs, tp, exec, stableOnly, rejected);
    if (index < 0) return null;
    const ref = refs[index] as TagRef;
    const version = tp.match(ref.tag); // full parse + isSafeTagName
    if (version !== null && isCommitSha(ref.sha)) {
      return { tag: ref.tag, sha: ref.sha, version, prerelease: version.prerelease.length > 0 };
    }
    rejected.add(index);
  }
  return selectReleases(refs, tp, options)[0] ?? null;
}

/** Index of the newest matching ref not in `rejected`, or -1. See latestRelease. */
function scanLatest(
  refs: readonly TagRef[],
  tp: TagPattern,
  exec: (tag: string) => RegExpExecArray | null,
  stableOnly: boolean,
  rejected: ReadonlySet<number>,
): number {
  let best = -1;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  let bestPre: string | undefined;
  let bestVersion: Version | null = null;
  for (let i = 0; i < refs.length; i++) {
    const m = exec((refs[i] as TagRef).tag);
    if (m === null) continue;
    const pre = m[6] ?? m[7];
    if (pre !== undefined && stableOnly) continue;
    const s1 = m[3];
    const s2 = m[4];
    const s3 = m[5];
    const p0 = +(m[2] as string);
    const p1 = s1 === undefined ? 0 : +s1;
    const p2 = s2 === undefined ? 0 : +s2;
    const p3 = s3 === undefined ? 0 : +s3;
    let version: Version | null = null;
    if (best >= 0) {
      let c =
        p0 !== b0 ? p0 - b0 : p1 !== b1 ? p1 - b1 : p2 !== b2 ? p2 - b2 : p3 !== b3 ? p3 - b3 : 0;
      if (c === 0 && (pre !== undefined || bestPre !== undefined)) {
        version = versionFromMatch(m, 2);
        if (version === null) continue;
        bestVersion ??= tp.match((refs[best] as TagRef).tag);
        c = bestVersion === null ? 1 : comparePrerelease(version.prerelease, bestVersion.prerelease);
      }
      if (c === 0) c = -preferTagName(tp, (refs[i] as TagRef).tag, (refs[best] as TagRef).tag);
      if (c <= 0) continue;
    }
    if (rejected.has(i)) continue;
    if (pre !== undefined && version === null && versionFromMatch(m, 2) === null) continue;
    best = i;
    b0 = p0;
    b1 = p1;
    b2 = p2;
    b3 = p3;
    bestPre = pre;
    bestVersion = version;
  }
  return best;
}

/** Orders two releases of equal version: negative when `a` is the preferred tag. */
function preferTag(tp: TagPattern, a: Release, b: Release): number {
  return preferTagName(tp, a.tag, b.tag);
}

function preferTagName(tp: TagPattern, a: string, b: string): number {
  const ea = tp.isExactMatch(a);
  if (ea !== tp.isExactMatch(b)) return ea ? -1 : 1;
  const ca = isCanonicalSpelling(tp, a);
  if (ca !== isCanonicalSpelling(tp, b)) return ca ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The tag's version text equals its normalised form (no padding, no missing parts, no build). */
function isCanonicalSpelling(tp: TagPattern, tag: string): boolean {
  const v = tp.match(tag);
  if (v === null) return false;
  const body = tag.slice(0, tag.length - tp.suffix.length);
  return body.endsWith(v.normalized) && body.length - v.normalized.length <= tp.prefix.length;
}

/** The API shape of a release (`ReleaseRef` in shared/api/types.ts). */
export function toReleaseRef(release: Release): ReleaseRef {
  return {
    version: release.version.normalized,
    tag: release.tag,
    sha: release.sha,
    prerelease: release.prerelease,
  };
}
