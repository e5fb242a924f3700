/**
 * What the pure planners (shared/plan/batch.ts, path.ts) take, read from the watched projects: each project's current
 * version and newer releases with their contracts version and breaking changes (the verdict's own reading, cached per
 * commit), what each release's manifest requires of the projects it depends on (its upshift.yml or
 * vertical_manifest.yaml at the release's commit). Reads only: tags'
 * objects are fetched as `check` fetches them, nothing in a checkout changes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchProject, BatchRelease } from '../../../shared/plan/batch.js';
import type { Release } from '../../../shared/version/index.js';
import { localTagCommits } from '../git/fetch-objects.js';
import { readBlob, statFilesAtCommit } from '../git/index.js';
import { loadManifest, SEED_MANIFEST_FILE, UPSHIFT_MANIFEST_FILES } from '../manifest/index.js';
import { readReleaseMetadata } from '../release/metadata.js';
import type { ReleaseSource } from '../source/types.js';
import type { StateStore } from '../state/index.js';
import { mapLimit } from '../util/map-limit.js';
import { discover } from '../engine/check.js';
import type { CurrentState } from '../engine/current.js';
import type { ProjectContext } from '../engine/projects.js';
import { readForVerdict } from '../engine/verdict-read.js';
import { verdictReleases } from '../engine/verdict.js';

const MANIFEST_FILES = [...UPSHIFT_MANIFEST_FILES, SEED_MANIFEST_FILE];

function reasonOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** The commit of each release: as the source named it, else the local (or privately fetched) tag. */
async function commitsOf(path: string, releases: readonly Release[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of releases) if (r.sha) out.set(r.tag, r.sha);
  const unnamed = releases.filter((r) => !r.sha).map((r) => r.tag);
  if (unnamed.length > 0) for (const [tag, sha] of await localTagCommits(path, unnamed)) out.set(tag, sha);
  return out;
}

/**
 * What the manifest at `sha` requires, read as `add` would read the checkout (a temporary copy of the manifest files
 * only: loadManifest reads a directory). Null with the reason when it cannot be read.
 */
export async function requiresAt(path: string, sha: string, core: string | null): Promise<{ requires: BatchRelease['requires']; problem: string | null }> {
  const found = await statFilesAtCommit(path, sha, MANIFEST_FILES);
  const dir = mkdtempSync(join(tmpdir(), 'upshift-manifest-'));
  try {
    for (const [file, blob] of found) if (blob) writeFileSync(join(dir, file), await readBlob(path, blob));
    const m = loadManifest(dir, core ? { core } : {});
    return { requires: m.requires, problem: null };
  } catch (e) {
    return { requires: null, problem: reasonOf(e) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function contractsOf(path: string, current: CurrentState): Promise<string | null> {
  if (!current.sha) return null;
  try {
    return (await readReleaseMetadata(path, current.sha, current.version ? { version: current.version } : {})).metadata?.contractsVersion ?? null;
  } catch {
    return null;
  }
}

/** One project as planBatch takes it; `withReleases: false` for a project outside the batch (it stays). */
export async function batchProject(ctx: ProjectContext, source: ReleaseSource, store: StateStore, withReleases: boolean, signal?: AbortSignal): Promise<BatchProject> {
  const path = ctx.record.path;
  const { current, releases } = await discover(ctx, source, store, signal);
  const base: BatchProject = {
    name: ctx.record.name,
    current: current.version,
    contractsVersion: (ctx.manifest.kind ?? 'git') === 'git' ? await contractsOf(path, current) : null,
    core: ctx.core,
    requires: ctx.manifest.requires,
    releases: [],
  };
  if (!withReleases || current.version === null) return base;
  const ascending = verdictReleases(current, releases);
  const readings = await readForVerdict(ctx, source, store, current, ascending, signal);
  const dependsOnSomething = Object.keys(ctx.manifest.requires).length > 0 || ctx.core !== null;
  const commits = dependsOnSomething ? await commitsOf(path, ascending) : new Map<string, string>();
  base.releases = await mapLimit(ascending, 4, async (r): Promise<BatchRelease> => {
    const read = readings.get(r.tag);
    const out: BatchRelease = { version: r.version.normalized };
    if (!read || 'unread' in read) return { ...out, unread: read && 'unread' in read ? read.unread : 'not read' };
    out.contractsVersion = read.reading.contractsVersion;
    out.breaking = read.reading.breaking.map((b) => ({ text: b.text, ...(b.id ? { id: b.id } : {}) }));
    if (!dependsOnSomething) return { ...out, requires: {} };
    const sha = commits.get(r.tag);
    if (!sha) return { ...out, requires: null };
    const { requires } = await requiresAt(path, sha, ctx.core);
    return { ...out, requires };
  });
  return base;
}

/** Every project `planBatch` needs: the members with their releases, the others as they are (they stay). */
export async function batchInputs(all: readonly ProjectContext[], members: ReadonlySet<string>, source: ReleaseSource, store: StateStore, signal?: AbortSignal): Promise<BatchProject[]> {
  return mapLimit([...all], 4, (ctx) => batchProject(ctx, source, store, members.has(ctx.record.name), signal));
}

/** The root and everything that depends on it (transitively, through `requires:` and `core:`); every project under `all`. */
export function memberNames(all: readonly ProjectContext[], root: string | null): Set<string> {
  if (root === null) return new Set(all.map((c) => c.record.name));
  const out = new Set([root]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    for (const c of all) {
      const n = c.record.name;
      if (out.has(n)) continue;
      if (c.manifest.requires[queue[i]!] !== undefined || c.core === queue[i]) {
        out.add(n);
        queue.push(n);
      }
    }
  }
  return out;
}
