import { runGit, GitError, isGitError } from './core.js';
import { refineRemoteError } from './ls-remote.js';
import { assertFullSha, assertRemote, assertUsableTagName, displayName, isFullSha } from './refname.js';

export interface FetchTagOptions {
  /** The commit discovery saw for this tag; a different one after the fetch means the tag moved on the remote. */
  expectedSha?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Default 10 minutes: a first fetch of a big release can be slow, but must not hang an upgrade forever. */
  timeoutMs?: number | undefined;
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
  // One process for both ids: the ref's own object, and the commit it peels to (fails for a non-commit).
  // `ref` always starts with "refs/", so it cannot be read as an option (and without --verify, git 2.39 would
  // echo --end-of-options as a line of output).
  const ids = await runGit(['rev-parse', ref, `${ref}^{commit}`], { cwd, signal: opts.signal, expectedExitCodes: [0, 128] });
  const [objectSha, peeled] = ids.stdout.trim().split('\n');
  const sha = ids.exitCode === 0 && peeled && isFullSha(peeled) ? peeled : null;
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
