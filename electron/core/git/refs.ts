import { runGit, GitError, isGitError } from './core.js';
import { assertFullSha, assertRefComponent, assertUsableTagName, displayName } from './refname.js';
import { resolveCommit } from './rev-parse.js';

export interface RefOptions {
  signal?: AbortSignal | undefined;
  /**
   * The caller read `sha` from HEAD moments ago, so it is a commit: skip the `rev-parse` that proves it. update-ref
   * still refuses an object that does not exist (reported as `ref-not-found`, nothing written).
   */
  knownCommit?: boolean;
}

export const SNAPSHOT_REF_PREFIX = 'refs/upshift/snapshots/';

/** `refs/upshift/snapshots/<id>`; the id is one plain ref component (the operation id). */
export function snapshotRefName(id: string): string {
  assertRefComponent(id, 'the snapshot id');
  return `${SNAPSHOT_REF_PREFIX}${id}`;
}

/**
 * Records a snapshot as a ref outside `refs/heads` and `refs/tags`: invisible in branch and tag lists, never
 * pushed by `git push --tags`, and it keeps the commit reachable so `git gc` cannot prune it. Fails with
 * `ref-exists` rather than overwrite one (the seed's second-resolution tag names collided).
 */
export async function createSnapshotRef(cwd: string, id: string, sha: string, opts: RefOptions = {}): Promise<string> {
  const ref = snapshotRefName(id);
  await createRef(cwd, ref, sha, `upshift: snapshot ${id}`, opts);
  return ref;
}

export const RESCUE_REF_PREFIX = 'refs/upshift/rescued/';

/**
 * Keeps a commit of changes found in the tree before a rollback had to overwrite it, as
 * `refs/upshift/rescued/<id>` (`-2`, `-3`… when a repeated recovery rescues again). Returns the ref.
 */
export async function createRescueRef(cwd: string, id: string, sha: string, opts: RefOptions = {}): Promise<string> {
  assertRefComponent(id, 'the rescue id');
  for (let n = 1; ; n++) {
    const ref = `${RESCUE_REF_PREFIX}${id}${n === 1 ? '' : `-${n}`}`;
    try {
      await createRef(cwd, ref, sha, `upshift: changes kept before a rollback (${id})`, opts);
      return ref;
    } catch (e) {
      if (!isGitError(e, 'ref-exists') || n >= 100) throw e;
    }
  }
}

/** The commit a snapshot ref points to, or null when it does not exist. */
export async function readSnapshotRef(cwd: string, id: string, opts: RefOptions = {}): Promise<string | null> {
  return resolveCommit(cwd, snapshotRefName(id), opts);
}

/**
 * Deletes a snapshot ref. With `expectedSha`, only if it still points there. Deleting one that is already gone
 * succeeds (idempotent, for retries after a crash).
 */
export async function deleteSnapshotRef(cwd: string, id: string, opts: RefOptions & { expectedSha?: string } = {}): Promise<void> {
  const ref = snapshotRefName(id);
  if (opts.expectedSha !== undefined) assertFullSha(opts.expectedSha, cwd);
  if ((await resolveCommit(cwd, ref, opts)) === null) return;
  await runGit(['update-ref', '-m', `upshift: drop snapshot ${id}`, '-d', ref, ...(opts.expectedSha !== undefined ? [opts.expectedSha] : [])], {
    cwd,
    signal: opts.signal,
  });
}

/** Every snapshot ref: id and commit. */
export async function listSnapshotRefs(cwd: string, opts: RefOptions = {}): Promise<Array<{ id: string; sha: string }>> {
  const { stdout } = await runGit(['for-each-ref', '--format=%(objectname) %(refname)', SNAPSHOT_REF_PREFIX], { cwd, signal: opts.signal });
  const out: Array<{ id: string; sha: string }> = [];
  for (const line of stdout.split('\n')) {
    const m = /^([0-9a-f]{40,64}) refs\/upshift\/snapshots\/(.+)$/.exec(line);
    if (m) out.push({ sha: m[1] as string, id: m[2] as string });
  }
  return out;
}

/**
 * Creates a lightweight tag (the seed's `pre-upgrade-*` tags, for users who want them visible). Atomic and
 * never overwrites: an existing tag of that name fails with `ref-exists`.
 */
export async function createLightweightTag(cwd: string, name: string, sha: string, opts: RefOptions = {}): Promise<void> {
  assertUsableTagName(name, cwd);
  await createRef(cwd, `refs/tags/${name}`, sha, `upshift: tag ${name}`, opts);
}

/** Deletes a tag Upshift created, only if it still points to `expectedSha`. */
export async function deleteTag(cwd: string, name: string, expectedSha: string, opts: RefOptions = {}): Promise<void> {
  assertUsableTagName(name, cwd);
  assertFullSha(expectedSha, cwd);
  await runGit(['update-ref', '-d', `refs/tags/${name}`, expectedSha], { cwd, signal: opts.signal });
}

async function createRef(cwd: string, ref: string, sha: string, reason: string, opts: RefOptions): Promise<void> {
  assertFullSha(sha, cwd);
  const missing = () =>
    new GitError({
      kind: 'ref-not-found',
      args: ['update-ref', ref, sha],
      exitCode: null,
      stderr: '',
      cwd,
      message: `Cannot create ${displayName(ref)}: commit ${sha.slice(0, 12)} is not in the repository. Nothing was changed.`,
    });
  if (!opts.knownCommit && (await resolveCommit(cwd, sha, opts)) === null) throw missing();
  try {
    // An empty old value makes update-ref refuse if the ref exists: create-only, in one atomic step.
    await runGit(['update-ref', '-m', reason, ref, sha, ''], { cwd, signal: opts.signal });
  } catch (e) {
    if (e instanceof GitError && /nonexistent object/.test(e.stderr)) throw missing();
    if (isGitError(e, 'ref-exists')) {
      throw new GitError({
        kind: 'ref-exists',
        args: e.args,
        exitCode: e.exitCode,
        stderr: e.stderr,
        cwd,
        message: `${displayName(ref)} already exists; Upshift does not overwrite it. Nothing was changed.`,
      });
    }
    throw e;
  }
}
