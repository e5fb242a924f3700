import { classifyGitStderr, runGit, GitError } from './core.js';
import { assertFullSha } from './refname.js';
import { resolveCommit } from './rev-parse.js';

export interface StashOptions {
  signal?: AbortSignal | undefined;
}

export interface StashEntry {
  /** Position in `git stash list` (`stash@{index}`); shifts as entries are added or dropped. */
  index: number;
  /** The stash commit: stable, and what Upshift records. */
  sha: string;
  /** The reflog subject, `On main: <message>`. */
  subject: string;
}

/**
 * Stash commits are made by Upshift, and must work on a machine where git has no identity configured, so they
 * carry Upshift's own name; the user's configuration is not consulted or changed.
 */
export const STASH_IDENTITY = {
  GIT_AUTHOR_NAME: 'Upshift',
  GIT_AUTHOR_EMAIL: 'upshift@localhost',
  GIT_COMMITTER_NAME: 'Upshift',
  GIT_COMMITTER_EMAIL: 'upshift@localhost',
};

/**
 * Stashes tracked changes (staged and unstaged) and untracked files that are not ignored, with a message that
 * should carry the operation id (`upshift <operation-id>`) so a human can tell the entry apart. Returns the stash
 * commit's id, or null when there was nothing to stash.
 */
export async function stashPush(cwd: string, message: string, opts: StashOptions = {}): Promise<string | null> {
  const oneLine = message.replace(/[\r\n]+/g, ' ').trim() || 'upshift';
  const before = await resolveCommit(cwd, 'refs/stash', opts);
  await runGit(['stash', 'push', '--include-untracked', '--message', oneLine], { cwd, signal: opts.signal, env: STASH_IDENTITY });
  const after = await resolveCommit(cwd, 'refs/stash', opts);
  return after !== null && after !== before ? after : null;
}

/**
 * Records the tracked changes (staged and unstaged) as a stash commit without touching the tree, the index or the
 * stash list (`git stash create`); null when there are none. Untracked files are not included.
 */
export async function stashCreate(cwd: string, message: string, opts: StashOptions = {}): Promise<string | null> {
  const oneLine = message.replace(/[\r\n]+/g, ' ').trim() || 'upshift';
  // On a clean tree whose index has stale stat data (a checkout copied, restored or touched), git 2.39 exits 1
  // without a word instead of 0: that is "nothing to record" too. Any other failure says something on stderr.
  const { stdout, stderr, exitCode } = await runGit(['stash', 'create', oneLine], { cwd, signal: opts.signal, env: STASH_IDENTITY, expectedExitCodes: [0, 1] });
  if (exitCode === 1) {
    if (stdout.trim() === '' && stderr.trim() === '') return null;
    throw new GitError({ kind: classifyGitStderr(stderr), args: ['stash', 'create'], exitCode, stderr, cwd });
  }
  const sha = stdout.trim();
  return sha === '' ? null : sha;
}

/** Every stash entry, newest first. */
export async function listStashes(cwd: string, opts: StashOptions = {}): Promise<StashEntry[]> {
  const { stdout } = await runGit(['stash', 'list', '--format=%H%x00%gs'], { cwd, signal: opts.signal });
  const entries: StashEntry[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [sha, subject = ''] = line.split('\0');
    if (sha) entries.push({ index: entries.length, sha, subject });
  }
  return entries;
}

/** The stash entry holding commit `sha`, or null when it is no longer in the stash list. */
export async function findStash(cwd: string, sha: string, opts: StashOptions = {}): Promise<StashEntry | null> {
  assertFullSha(sha, cwd);
  return (await listStashes(cwd, opts)).find((e) => e.sha === sha) ?? null;
}

export interface StashApplyOptions extends StashOptions {
  /** Also restore what was staged (`--index`), so the user gets back exactly the state they had. Default true. */
  restoreIndex?: boolean;
}

/**
 * Applies a stash by its commit id (not by `stash@{n}`, which shifts). The entry stays in the stash list, so a
 * failure (`conflict`, `dirty-tree`) loses nothing.
 */
export async function stashApply(cwd: string, sha: string, opts: StashApplyOptions = {}): Promise<void> {
  assertFullSha(sha, cwd);
  await runGit(['stash', 'apply', ...(opts.restoreIndex === false ? [] : ['--index']), sha], { cwd, signal: opts.signal });
}

/** Drops the stash entry holding commit `sha`; `ref-not-found` when there is none. */
export async function stashDrop(cwd: string, sha: string, opts: StashOptions = {}): Promise<void> {
  const entry = await findStash(cwd, sha, opts);
  if (!entry) {
    throw new GitError({
      kind: 'ref-not-found',
      args: ['stash', 'drop', sha],
      exitCode: null,
      stderr: '',
      cwd,
      message: `No stash entry holds ${sha.slice(0, 12)}; nothing was dropped.`,
    });
  }
  const { stdout } = await runGit(['stash', 'drop', `stash@{${entry.index}}`], { cwd, signal: opts.signal });
  // The index is looked up and used in two steps; if another process pushed a stash in between, the entry
  // dropped is someone else's. Git prints its id: put it back and say so.
  const dropped = /\(([0-9a-f]{40,64})\)/.exec(stdout)?.[1];
  if (dropped !== undefined && dropped !== sha) {
    await runGit(['stash', 'store', '--message', 'restored by upshift', dropped], { cwd, signal: opts.signal, env: STASH_IDENTITY });
    throw new GitError({
      kind: 'ref-mismatch',
      args: ['stash', 'drop', `stash@{${entry.index}}`],
      exitCode: 0,
      stderr: '',
      cwd,
      message: `The stash list changed while Upshift was dropping ${sha.slice(0, 12)}; the other entry was put back and ${sha.slice(0, 12)} is still stashed. Check \`git stash list\`.`,
    });
  }
}

/** Applies the stash `sha` and then drops its entry; the entry is kept if applying fails. */
export async function stashPop(cwd: string, sha: string, opts: StashApplyOptions = {}): Promise<void> {
  await stashApply(cwd, sha, opts);
  await stashDrop(cwd, sha, opts);
}
