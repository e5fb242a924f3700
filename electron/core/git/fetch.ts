import { runGit, GitError, isGitError } from './core.js';
import { withObjectReader, type ObjectReader } from './object-reader.js';
import { refineRemoteError } from './ls-remote.js';
import { assertFullSha, assertRemote, assertUsableTagName, displayName, isFullSha } from './refname.js';

export interface FetchTagOptions {
  /** The commit discovery saw for this tag; a different one after the fetch means the tag moved on the remote. */
  expectedSha?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Default 10 minutes: a first fetch of a big release can be slow, but must not hang an upgrade forever. */
  timeoutMs?: number | undefined;
  /** Peel the fetched tag through this long-lived `cat-file` (object-reader.ts) instead of a `rev-parse`. */
  reader?: ObjectReader | undefined;
}

export const DEFAULT_FETCH_TIMEOUT_MS = 600_000;

export interface FetchedTag {
  tag: string;
  /** The commit the tag points to. */
  sha: string;
  /** The ref's own object: the tag object for an annotated tag. */
  objectSha: string;
}

/**
 * Fetches exactly one tag, by its full ref (`refs/tags/<name>:refs/tags/<name>`), and nothing else: no other
 * tags, no submodules, no FETCH_HEAD, no auto-maintenance. The name is checked before git is spawned, and the
 * refspec always begins with `refs/`, so a remote-chosen name can never be read as an option.
 *
 * Without `+` in the refspec, a local tag of the same name that points elsewhere is never overwritten: that is
 * reported as `ref-exists`.
 */
export async function fetchTag(cwd: string, remote: string, tag: string, opts: FetchTagOptions = {}): Promise<FetchedTag> {
  assertRemote(remote, cwd);
  assertUsableTagName(tag, cwd);
  if (opts.expectedSha !== undefined) assertFullSha(opts.expectedSha, cwd);
  const ref = `refs/tags/${tag}`;
  try {
    await runGit(
      ['fetch', '--no-tags', '--no-recurse-submodules', '--no-write-fetch-head', '--no-auto-maintenance', '--', remote, `${ref}:${ref}`],
      { cwd, signal: opts.signal, timeoutMs: opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS },
    );
  } catch (e) {
    if (isGitError(e, 'ref-exists')) {
      throw new GitError({
        kind: 'ref-exists',
        args: e.args,
        exitCode: e.exitCode,
        stderr: e.stderr,
        cwd,
        message: `The local tag "${displayName(tag)}" points to a different commit than the remote's tag of the same name. Upshift left the local tag unchanged. Inspect it with \`git show-ref ${ref}\`; delete it if the remote's tag is the one you want.`,
      });
    }
    throw refineRemoteError(e, remote);
  }
  const { objectSha, sha } = await peelRef(cwd, ref, opts);
  if (sha === null || !objectSha) {
    throw new GitError({
      kind: 'ref-not-found',
      args: ['rev-parse', ref],
      exitCode: 1,
      stderr: '',
      cwd,
      message: `The tag "${displayName(tag)}" was fetched but does not point to a commit. Nothing was checked out.`,
    });
  }
  if (opts.expectedSha !== undefined && opts.expectedSha !== sha) {
    throw new GitError({
      kind: 'ref-mismatch',
      args: ['fetch', remote, ref],
      exitCode: 0,
      stderr: '',
      cwd,
      message: `The tag "${displayName(tag)}" now points to ${sha.slice(0, 12)}, not ${opts.expectedSha.slice(0, 12)} as when releases were checked: it was moved on the remote. Nothing was checked out; run the check again and review the release.`,
      details: { expectedSha: opts.expectedSha, actualSha: sha },
    });
  }
  return { tag, sha, objectSha };
}

/**
 * The ref's own object and the commit it peels to (null for a tag of a tree or blob), both null without the ref:
 * two questions to the shared reader, or one `rev-parse` for both. `ref` always starts with "refs/", so it cannot be
 * read as an option (and without --verify, git 2.39 would echo --end-of-options as a line of output).
 */
async function peelRef(cwd: string, ref: string, opts: FetchTagOptions): Promise<{ objectSha: string | null; sha: string | null }> {
  return withObjectReader(
    opts.reader,
    async (r) => {
      const [own, commit] = await Promise.all([r.info(ref, { signal: opts.signal }), r.info(`${ref}^{commit}`, { signal: opts.signal })]);
      return { objectSha: own?.oid ?? null, sha: commit?.type === 'commit' ? commit.oid : null };
    },
    async () => {
      const ids = await runGit(['rev-parse', ref, `${ref}^{commit}`], { cwd, signal: opts.signal, expectedExitCodes: [0, 128] });
      const [objectSha, peeled] = ids.stdout.trim().split('\n');
      return { objectSha: objectSha || null, sha: ids.exitCode === 0 && peeled && isFullSha(peeled) ? peeled : null };
    },
  );
}
