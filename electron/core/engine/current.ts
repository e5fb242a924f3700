import type { CurrentVersion } from '../../../shared/api/types.js';
import { compareVersions, type TagPattern, type Version } from '../../../shared/version/index.js';
import { headSha, nearestTag, tagsPointingAt } from '../git/index.js';

export interface CurrentState extends CurrentVersion {
  parsed: Version | null;
}

/**
 * What version a checkout runs, and how we know: the release tag exactly at HEAD (the highest, when several
 * point at it), else the nearest release tag below HEAD (`git describe --tags`), else the version the manifest
 * declares. `source` says which, so a user can tell a guess from a fact.
 */
export async function currentVersion(path: string, pattern: TagPattern, declared: string | null): Promise<CurrentState> {
  const [sha, atHead] = await Promise.all([headSha(path), tagsPointingAt(path, 'HEAD')]);
  let best: { tag: string; version: Version } | null = null;
  for (const tag of atHead) {
    const version = pattern.match(tag);
    if (version && (!best || compareVersions(version, best.version) > 0)) best = { tag, version };
  }
  if (best) return { version: best.version.normalized, tag: best.tag, sha, source: 'tag', parsed: best.version };
  if (sha) {
    const near = await nearestTag(path, 'HEAD').catch(() => null);
    const version = near ? pattern.match(near) : null;
    if (near && version) return { version: version.normalized, tag: near, sha, source: 'describe', parsed: version };
  }
  if (declared) {
    const version = pattern.match(declared);
    if (version) return { version: version.normalized, tag: null, sha, source: 'manifest', parsed: version };
  }
  return { version: null, tag: null, sha, source: 'unknown', parsed: null };
}
