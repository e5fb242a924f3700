/**
 * Reading what the verdict needs (engine/verdict.ts) for `check`, without changing anything the user sees: each
 * release's contracts version and breaking changes come from a cache keyed by its commit; a release not read before
 * is read from the local repository, its objects fetched first when they are not local (objects only: no tag, no
 * branch, no FETCH_HEAD). GitHub releases and release folders add what their source says (`describeRelease`), as
 * the plan does. Offline, or when a fetch fails, a release is "not read", which the verdict never calls compatible.
 */
import { basename } from 'node:path';
import type { Release } from '../../../shared/version/index.js';
import { fetchTagObjects, fetchTagsToPrivateRefs, localTagCommits, presentCommits } from '../git/fetch-objects.js';
import { loadReleaseInfo, type ReleaseInfo } from '../release/index.js';
import { bundleFor, folderReleaseDir, verifyFolderRelease } from '../source/folder.js';
import { applySourceNotes } from '../source/github/notes.js';
import type { ReleaseSource, SourceReleaseNotes } from '../source/types.js';
import { keyText, ReleaseReadings } from '../state/release-readings.js';
import type { StateStore } from '../state/index.js';
import { mapLimit } from '../util/map-limit.js';
import type { CurrentState } from './current.js';
import type { ProjectContext } from './projects.js';
import { isOffline } from './releases.js';
import { sourceProjectOf } from './source-project.js';
import { readingOf, type ReadResult, type ReleaseReading } from './verdict.js';

/** Releases read side by side within one project (the engine already checks several projects at once). */
const READ_PARALLEL = 4;

function reasonOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** The verdict cache of a store. */
export function readingsCache(store: StateStore): ReleaseReadings {
  return new ReleaseReadings(store.database, () => store.now());
}

/**
 * Remembers what a plan read (the release's own tree, before its source's notes are applied), so the next check
 * of an unchanged release reads nothing.
 */
export function rememberTreeReading(store: StateStore, info: ReleaseInfo, previousSha: string | null): void {
  // Invalid metadata is not remembered as a reading: every check says so again (issue 15 §5).
  if (!info.sha || info.invalid) return;
  readingsCache(store).put({ sha: info.sha, previous: previousSha, version: info.version }, readingOf(info));
}

/**
 * What each of `ascending` (oldest first, newer than `current`) says for the verdict, by tag. Throws only when
 * `signal` aborts; everything else that goes wrong becomes an unread release with its reason.
 */
export async function readForVerdict(
  ctx: ProjectContext,
  source: ReleaseSource,
  store: StateStore,
  current: CurrentState,
  ascending: readonly Release[],
  signal?: AbortSignal,
): Promise<Map<string, ReadResult>> {
  const out = new Map<string, ReadResult>();
  if (ascending.length === 0) return out;
  const m = ctx.manifest;
  const offline = isOffline(ctx, store);
  const tree = (m.kind ?? 'git') === 'git' ? await readTrees(ctx, store, current, ascending, offline, signal) : new Map(ascending.map((r) => [r.tag, emptyReading()] as const));

  // What the source says on top (GitHub: release body and metadata asset; release folder: its metadata), as plan.
  const described = new Map<string, SourceReleaseNotes | null | { error: string }>();
  const local = m.source.type === 'folder';
  if (source.describeRelease && (local || m.source.type === 'github')) {
    if (offline && !local) {
      for (const r of ascending) described.set(r.tag, { error: 'offline: its GitHub release was not read' });
    } else {
      await mapLimit(ascending, READ_PARALLEL, async (r) => {
        try {
          described.set(r.tag, await source.describeRelease!(sourceProjectOf(ctx), r, signal));
        } catch (e) {
          if (signal?.aborted) throw e;
          described.set(r.tag, { error: `its release notes could not be read: ${reasonOf(e)}` });
        }
      });
    }
  }
  for (const r of ascending) {
    const own = tree.get(r.tag) ?? 'not read';
    const notes = described.get(r.tag) ?? null;
    if (typeof own === 'string') out.set(r.tag, { unread: own });
    else if (notes && 'error' in notes) out.set(r.tag, { unread: notes.error });
    else if (notes?.invalid) out.set(r.tag, { unread: notes.invalid.reason });
    else out.set(r.tag, { reading: notes ? readingOf(applySourceNotes(asInfo(r, own), notes)) : own });
  }
  return out;
}

function emptyReading(): ReleaseReading {
  return { contractsVersion: null, breaking: [], lts: null, security: null, eol: null };
}

/** A reading as the ReleaseInfo applySourceNotes takes (only the fields it merges matter). */
function asInfo(r: Release, reading: ReleaseReading): ReleaseInfo {
  const version = r.version.normalized;
  return {
    tag: r.tag,
    sha: r.sha,
    version,
    note: { version, tag: r.tag, body: '', source: 'none', breaking: [], date: null },
    breaking: reading.breaking,
    contractsVersion: reading.contractsVersion,
    metadata:
      reading.lts === null && reading.eol === null
        ? null
        : ({
            ...(reading.lts !== null ? { lts: reading.lts } : {}),
            ...(reading.eol?.eolDate ? { eolDate: reading.eol.eolDate } : {}),
            ...(reading.eol?.replacement ? { replacement: reading.eol.replacement } : {}),
          } as ReleaseInfo['metadata']),
    commitCount: null,
    security: reading.security,
    warnings: [],
  };
}

/** Each release's own tree, read as the plan reads it (`loadReleaseInfo`); a string says why it was not. */
async function readTrees(
  ctx: ProjectContext,
  store: StateStore,
  current: CurrentState,
  ascending: readonly Release[],
  offline: boolean,
  signal: AbortSignal | undefined,
): Promise<Map<string, ReleaseReading | string>> {
  const path = ctx.record.path;
  const m = ctx.manifest;
  const out = new Map<string, ReleaseReading | string>();
  const shas = new Map<string, string>();
  for (const r of ascending) if (r.sha) shas.set(r.tag, r.sha);

  // A source that does not name commits (GitHub Releases): the tag's commit locally, else fetched into refs/upshift/.
  const unnamed = ascending.filter((r) => !r.sha);
  if (unnamed.length > 0) {
    let known = await localTagCommits(path, unnamed.map((r) => r.tag), { signal });
    const missing = unnamed.filter((r) => !known.has(r.tag));
    if (missing.length > 0 && offline) for (const r of missing) out.set(r.tag, `offline: tag ${r.tag} is not in the local repository`);
    else if (missing.length > 0) {
      try {
        await fetchTagsToPrivateRefs(path, m.source.remote, missing.map((r) => r.tag), { signal });
        known = await localTagCommits(path, unnamed.map((r) => r.tag), { signal });
      } catch (e) {
        if (signal?.aborted) throw e;
        for (const r of missing) out.set(r.tag, `fetching tag ${r.tag} failed: ${reasonOf(e)}`);
      }
    }
    for (const [tag, sha] of known) shas.set(tag, sha);
  }

  const cache = readingsCache(store);
  const previousOf = (i: number): string | null => (i === 0 ? current.sha : (shas.get(ascending[i - 1]!.tag) ?? null));
  const misses: Array<{ r: Release; sha: string; previous: string | null; previousTag: string | null }> = [];
  const keyOf = (r: Release, i: number) => ({ sha: shas.get(r.tag)!, previous: previousOf(i), version: r.version.normalized });
  const cached = cache.getMany(ascending.filter((r) => shas.has(r.tag)).map((r) => keyOf(r, ascending.indexOf(r))));
  ascending.forEach((r, i) => {
    const sha = shas.get(r.tag);
    if (!sha) {
      if (!out.has(r.tag)) out.set(r.tag, `the commit of tag ${r.tag} is not known`);
      return;
    }
    const hit = cached.get(keyText(keyOf(r, i)));
    if (hit) out.set(r.tag, { contractsVersion: hit.contractsVersion, breaking: hit.breaking, lts: hit.lts, security: hit.security, eol: hit.eol });
    else misses.push({ r, sha, previous: previousOf(i), previousTag: i === 0 ? null : ascending[i - 1]!.tag });
  });
  if (misses.length === 0) return out;

  // Not read before: the objects must be local, the commit before it too (its commits are scanned for breaking
  // changes). Fetch only what is missing, objects only.
  const needed = misses.flatMap((x) => (x.previous ? [x.sha, x.previous] : [x.sha]));
  let present = await presentCommits(path, needed, { signal });
  const absent = misses.filter((x) => !present.has(x.sha) || (x.previous !== null && !present.has(x.previous)));
  if (absent.length > 0 && offline && m.source.type !== 'folder') {
    for (const x of absent) out.set(x.r.tag, `offline: tag ${x.r.tag} is not in the local repository`);
  } else if (absent.length > 0) {
    try {
      if (m.source.type === 'folder') {
        for (const x of absent) {
          // As the plan: a bundle is verified against the folder's SHA256SUMS before git reads it.
          const dir = await folderReleaseDir(m.source.path!, x.r);
          const bundle = await bundleFor(dir);
          if (!bundle) throw new Error(`${dir} holds no .bundle file`);
          await verifyFolderRelease(dir, { payload: basename(bundle), ...(signal ? { signal } : {}) });
          await fetchTagObjects(path, bundle, [x.r.tag], { signal });
        }
      } else {
        const tags = new Set(absent.flatMap((x) => (x.previousTag && x.previous && !present.has(x.previous) ? [x.r.tag, x.previousTag] : [x.r.tag])));
        await fetchTagObjects(path, m.source.remote, [...tags], { signal });
      }
    } catch (e) {
      if (signal?.aborted) throw e;
      for (const x of absent) out.set(x.r.tag, `fetching tag ${x.r.tag} failed: ${reasonOf(e)}`);
    }
    present = await presentCommits(path, needed, { signal });
  }
  await mapLimit(misses, READ_PARALLEL, async (x) => {
    if (out.has(x.r.tag)) return;
    if (!present.has(x.sha)) {
      out.set(x.r.tag, `commit ${x.sha.slice(0, 12)} of tag ${x.r.tag} is not on the remote (was the tag moved?)`);
      return;
    }
    try {
      const info = await loadReleaseInfo(path, { tag: x.r.tag, sha: x.sha, version: x.r.version.normalized, previousSha: x.previous }, { signal });
      if (info.invalid) {
        out.set(x.r.tag, info.invalid.reason);
        return;
      }
      const reading = readingOf(info);
      cache.put({ sha: x.sha, previous: x.previous, version: x.r.version.normalized }, reading);
      out.set(x.r.tag, reading);
    } catch (e) {
      if (signal?.aborted) throw e;
      out.set(x.r.tag, `its metadata could not be read: ${reasonOf(e)}`);
    }
  });
  return out;
}
