import { runGit } from './core.js';
import { refineRemoteError } from './ls-remote.js';
import { assertFullSha, assertRemote, assertUsableTagName, isFullSha } from './refname.js';
import { DEFAULT_FETCH_TIMEOUT_MS } from './fetch.js';

export interface FetchObjectsOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/**
 * Which of `shas` are commits in the local object store. One `git cat-file --batch-check` for all of them.
 */
export async function presentCommits(cwd: string, shas: readonly string[], opts: FetchObjectsOptions = {}): Promise<Set<string>> {
  const wanted = [...new Set(shas)];
  for (const s of wanted) assertFullSha(s, cwd);
  const present = new Set<string>();
  if (wanted.length === 0) return present;
  const { stdout } = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd, signal: opts.signal, stdin: wanted.map((s) => `${s}\n`).join('') });
  const lines = stdout.split('\n');
  wanted.forEach((s, i) => {
    if (lines[i] === `${s} commit`) present.add(s);
  });
  return present;
}

/**
 * Downloads the objects of the given tags from `remote` and creates no ref at all: no local tag, no branch, no
 * remote-tracking ref, no FETCH_HEAD. `check` reads a release's metadata this way and can still say it changed
 * nothing the user sees (the objects are unreferenced; git's own garbage collection removes them in time, and
 * `plan` fetches the tag properly when it is needed). One network round trip for all the tags.
 */
export async function fetchTagObjects(cwd: string, remote: string, tags: readonly string[], opts: FetchObjectsOptions = {}): Promise<void> {
  if (tags.length === 0) return;
  assertRemote(remote, cwd);
  for (const t of tags) assertUsableTagName(t, cwd);
  try {
    // Refspecs without a destination: only the objects are kept. Each begins with `refs/`, never an option.
    await runGit(
      ['fetch', '--no-tags', '--no-recurse-submodules', '--no-write-fetch-head', '--no-auto-maintenance', '--', remote, ...tags.map((t) => `refs/tags/${t}`)],
      { cwd, signal: opts.signal, timeoutMs: opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS },
    );
  } catch (e) {
    throw refineRemoteError(e, remote);
  }
}

/**
 * Commits of local refs named `refs/tags/<tag>`, else `refs/upshift/tags/<tag>` (where {@link fetchTagToPrivateRef}
 * keeps tags of releases whose commit the source does not name). One git process for all of them.
 */
export async function localTagCommits(cwd: string, tags: readonly string[], opts: FetchObjectsOptions = {}): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (tags.length === 0) return out;
  const { stdout } = await runGit(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(*objectname)', 'refs/tags', 'refs/upshift/tags'], { cwd, signal: opts.signal, maxOutputBytes: 64 * 1024 * 1024 });
  const public_ = new Map<string, string>();
  const private_ = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [ref, object, peeled] = line.split('\0');
    if (!ref || !object) continue;
    const sha = peeled && isFullSha(peeled) ? peeled : object;
    if (ref.startsWith('refs/tags/')) public_.set(ref.slice('refs/tags/'.length), sha);
    else if (ref.startsWith('refs/upshift/tags/')) private_.set(ref.slice('refs/upshift/tags/'.length), sha);
  }
  for (const t of tags) {
    const sha = public_.get(t) ?? private_.get(t);
    if (sha) out.set(t, sha);
  }
  return out;
}

/**
 * Fetches tags into `refs/upshift/tags/<tag>` (never `refs/tags`, never a branch): for a source that lists releases
 * without their commits (the GitHub Releases API), so the commit is known and stays readable on the next check.
 */
export async function fetchTagsToPrivateRefs(cwd: string, remote: string, tags: readonly string[], opts: FetchObjectsOptions = {}): Promise<void> {
  if (tags.length === 0) return;
  assertRemote(remote, cwd);
  for (const t of tags) assertUsableTagName(t, cwd);
  try {
    await runGit(
      ['fetch', '--no-tags', '--no-recurse-submodules', '--no-write-fetch-head', '--no-auto-maintenance', '--', remote, ...tags.map((t) => `+refs/tags/${t}:refs/upshift/tags/${t}`)],
      { cwd, signal: opts.signal, timeoutMs: opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS },
    );
  } catch (e) {
    throw refineRemoteError(e, remote);
  }
}
