import path from 'node:path';
import { realpath } from 'node:fs/promises';
import { runGit, GitError } from './core.js';

export interface GitReadOptions {
  signal?: AbortSignal | undefined;
}

/** The commit HEAD points at, or null in a repository with no commits yet. */
export async function headSha(cwd: string, opts: GitReadOptions = {}): Promise<string | null> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd, expectedExitCodes: [0, 1], signal: opts.signal });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/**
 * The branch HEAD is on (`main`), or null when HEAD is detached. Reads the full ref and strips `refs/heads/`
 * rather than using `--short`, which prints `heads/main` when a tag is also called `main`.
 */
export async function currentBranch(cwd: string, opts: GitReadOptions = {}): Promise<string | null> {
  const r = await runGit(['symbolic-ref', '--quiet', 'HEAD'], { cwd, expectedExitCodes: [0, 1], signal: opts.signal });
  if (r.exitCode !== 0) return null;
  const ref = r.stdout.trim();
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
}

/** HEAD as the executor records it before touching anything: the commit and the branch (null when detached). */
export async function headState(cwd: string, opts: GitReadOptions = {}): Promise<{ sha: string | null; branch: string | null }> {
  const [sha, branch] = await Promise.all([headSha(cwd, opts), currentBranch(cwd, opts)]);
  return { sha, branch };
}

/**
 * The full id of the commit `rev` names, or null when there is no such commit locally. `rev` is passed after
 * `--end-of-options`, so a value beginning with `-` is read as a revision, never as an option.
 */
export async function resolveCommit(cwd: string, rev: string, opts: GitReadOptions = {}): Promise<string | null> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
    cwd,
    expectedExitCodes: [0, 1, 128],
    signal: opts.signal,
  });
  if (r.exitCode !== 0) {
    if (/not a git repository/i.test(r.stderr)) throw new GitError({ kind: 'not-a-repository', args: ['rev-parse', rev], exitCode: r.exitCode, stderr: r.stderr, cwd });
    return null;
  }
  return r.stdout.trim();
}

/** Whether a commit exists in the local object store. */
export async function commitExists(cwd: string, sha: string, opts: GitReadOptions = {}): Promise<boolean> {
  return (await resolveCommit(cwd, sha, opts)) !== null;
}

/** The root of the working tree that contains `cwd`. */
export async function topLevel(cwd: string, opts: GitReadOptions = {}): Promise<string> {
  const r = await runGit(['rev-parse', '--show-toplevel'], { cwd, signal: opts.signal });
  return r.stdout.replace(/\n$/, '');
}

/**
 * Throws `not-a-repository` unless `dir` is itself the root of a git working tree. Without this, a project
 * directory that lost its `.git` but sits inside another repository (a dotfiles repo in $HOME) would silently
 * resolve to that outer repository.
 */
export async function assertRepositoryRoot(dir: string, opts: GitReadOptions = {}): Promise<void> {
  const top = await topLevel(dir, opts);
  const [a, b] = await Promise.all([realpath(top), realpath(dir)]);
  if (path.resolve(a) !== path.resolve(b)) {
    throw new GitError({
      kind: 'not-a-repository',
      args: ['rev-parse', '--show-toplevel'],
      exitCode: 0,
      stderr: '',
      cwd: dir,
      message: `${dir} is not the root of a git checkout (it is inside ${top}). Nothing was changed. Point the project at the checkout's top-level directory.`,
    });
  }
}
