import type { CurrentVersion } from '../../../shared/api/types.js';
import { compareVersions, parseVersion, type TagPattern, type Version } from '../../../shared/version/index.js';
import { headSha, nearestTag, readRefFiles, tagsPointingAt } from '../git/index.js';
import type { ProjectRecord, StateStore } from '../state/index.js';
import { readCurrentLink } from '../kinds/artifact-layout.js';
import { readCommandVersion } from '../kinds/command.js';
import type { ProjectManifest } from '../manifest/types.js';

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

interface CachedCurrent {
  key: string;
  current: CurrentVersion;
}

/**
 * The current version, from a cache keyed by HEAD and the tag refs (read from the ref files, no git process)
 * plus the tag pattern and declared version. Git is asked only when one of those changed, which keeps checking
 * many projects close to the cost of listing their remotes.
 */
export async function cachedCurrentVersion(store: StateStore, record: ProjectRecord, pattern: TagPattern, tagPattern: string, declared: string | null): Promise<CurrentState> {
  const refs = readRefFiles(record.path);
  const key = refs ? `${refs.fingerprint}\0${tagPattern}\0${declared ?? ''}` : null;
  const cached = record.settings.currentCache as CachedCurrent | undefined;
  if (key && cached?.key === key) {
    return { ...cached.current, parsed: cached.current.version ? pattern.match(cached.current.tag ?? cached.current.version) ?? parseVersion(cached.current.version) : null };
  }
  const fresh = await currentVersion(record.path, pattern, declared);
  if (key) {
    const { parsed: _parsed, ...current } = fresh;
    store.updateProject(record.name, { settings: { ...record.settings, currentCache: { key, current } satisfies CachedCurrent } });
  }
  return fresh;
}

/** What a project runs now, by its kind: git tags (cached), the artifact's `current` link, or the user's `current` command. */
export async function projectCurrent(store: StateStore, ctx: { record: ProjectRecord; manifest: ProjectManifest; pattern: TagPattern }, signal?: AbortSignal): Promise<CurrentState> {
  const kind = ctx.manifest.kind ?? 'git';
  if (kind === 'artifact') {
    const link = readCurrentLink(ctx.record.path);
    if (!link) return { version: null, tag: null, sha: null, source: 'unknown', parsed: null };
    return { version: link.version?.normalized ?? null, tag: null, sha: null, source: link.version ? 'link' : 'unknown', parsed: link.version };
  }
  if (kind === 'command') {
    const read = await readCommandVersion(ctx.manifest.command!.current, ctx.record.path, signal ? { signal } : {});
    return { version: read.version?.normalized ?? null, tag: null, sha: null, source: read.version ? 'command' : 'unknown', parsed: read.version };
  }
  const m = ctx.manifest;
  return cachedCurrentVersion(store, ctx.record, ctx.pattern, m.source.tagPattern, m.declaredVersion);
}
