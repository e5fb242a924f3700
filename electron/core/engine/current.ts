import type { CommitsAhead, CurrentVersion } from '../../../shared/api/types.js';
import { compareVersions, parseVersion, type TagPattern, type Version } from '../../../shared/version/index.js';
import { currentBranch, headSha, isUsableTagName, readRefFiles, resolveCommit, tagsPointingAt } from '../git/index.js';
import { commitsApart, describeLong, remoteBranchesContaining } from '../git/ancestry.js';
import type { ProjectRecord, StateStore } from '../state/index.js';
import { readCurrentLink } from '../kinds/artifact-layout.js';
import { readCommandVersion } from '../kinds/command.js';
import type { ProjectManifest } from '../manifest/types.js';
import { withRelaxedSync } from '../state/db.js';

export interface CurrentState extends CurrentVersion {
  parsed: Version | null;
}

/**
 * What version a checkout runs, and how we know: the release tag exactly at HEAD (the highest, when several
 * point at it), else the nearest release tag below HEAD (`git describe --tags`), else the version the manifest
 * declares. `source` says which, so a user can tell a guess from a fact. `tag` is set only when HEAD *is* the tag:
 * a checkout past it (node_exporter's master, v1.12.0 and 25 commits; one local commit on a tag) carries `ahead`
 * instead — the describe form, how many commits, and whether they are on a remote or only in this clone (issue 8 §1).
 */
export async function currentVersion(path: string, pattern: TagPattern, declared: string | null): Promise<CurrentState> {
  const [sha, atHead, branch] = await Promise.all([headSha(path), tagsPointingAt(path, 'HEAD'), currentBranch(path)]);
  let best: { tag: string; version: Version } | null = null;
  for (const tag of atHead) {
    const version = pattern.match(tag);
    if (version && (!best || compareVersions(version, best.version) > 0)) best = { tag, version };
  }
  if (best) return { version: best.version.normalized, tag: best.tag, sha, source: 'tag', branch, parsed: best.version };
  if (sha) {
    const near = await describeLong(path, 'HEAD').catch(() => null);
    const version = near && isUsableTagName(near.tag) ? pattern.match(near.tag) : null;
    if (near && version) {
      const ahead = await aheadOf(path, sha, near).catch(() => null);
      return { version: version.normalized, tag: null, sha, source: 'describe', branch, ...(ahead ? { ahead } : {}), parsed: version };
    }
  }
  if (declared) {
    const version = pattern.match(declared);
    if (version) return { version: version.normalized, tag: null, sha, source: 'manifest', branch, parsed: version };
  }
  return { version: null, tag: null, sha, source: 'unknown', branch, parsed: null };
}

/** The commits after the nearest tag, and where they are: on a remote-tracking branch, or only in this clone. */
async function aheadOf(path: string, sha: string, near: { tag: string; count: number; text: string }): Promise<CommitsAhead | null> {
  const base = await resolveCommit(path, `refs/tags/${near.tag}`);
  if (!base) return null;
  const [apart, remoteBranches] = await Promise.all([commitsApart(path, base, sha), remoteBranchesContaining(path, sha)]);
  return { tag: near.tag, count: apart.count, describe: near.text, localOnly: apart.localOnly, remoteBranches };
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
    const c = cached.current;
    return { ...c, parsed: c.version ? (pattern.match(c.tag ?? c.ahead?.tag ?? c.version) ?? parseVersion(c.version)) : null };
  }
  const fresh = await currentVersion(record.path, pattern, declared);
  if (key) {
    const { parsed: _parsed, ...current } = fresh;
    withRelaxedSync(store.database, () => store.updateProject(record.name, { settings: { ...record.settings, currentCache: { key, current } satisfies CachedCurrent } }));
  }
  return fresh;
}

/**
 * After a plan fetched release tags that do not point at HEAD, the ref files changed but what HEAD runs did not when
 * it was read off a tag exactly at HEAD: re-key the cached current version to the new ref files, so the `upgrade`
 * or `check` that follows asks git nothing. A version read any other way (describe, manifest) is left to be read
 * again: a new tag below HEAD can change the nearest one.
 */
export function rekeyCurrentAfterFetch(store: StateStore, name: string, tagPattern: string, declared: string | null, fetched: readonly string[]): void {
  const record = store.getProject(name);
  const cached = record?.settings.currentCache as CachedCurrent | undefined;
  if (!record || !cached || cached.current.source !== 'tag' || !cached.current.sha || fetched.includes(cached.current.sha)) return;
  const refs = readRefFiles(record.path);
  if (!refs || refs.headSha !== cached.current.sha) return;
  const key = `${refs.fingerprint}\0${tagPattern}\0${declared ?? ''}`;
  if (key !== cached.key) withRelaxedSync(store.database, () => store.updateProject(name, { settings: { ...record.settings, currentCache: { key, current: cached.current } satisfies CachedCurrent } }));
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
