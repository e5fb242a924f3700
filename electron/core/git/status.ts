import { runGit } from './core.js';

export interface StatusEntry {
  path: string;
  /** The source path of a rename or copy. */
  origPath?: string;
  /** Porcelain v1 `X` (index) and `Y` (work tree) codes. */
  index: string;
  worktree: string;
}

export interface WorkingTreeStatus {
  /** Changes recorded in the index (would be committed). */
  staged: string[];
  /** Tracked files changed in the work tree but not staged (includes deletions). */
  unstaged: string[];
  /** Files git does not track and does not ignore. An untracked directory is listed once, with a trailing `/`. */
  untracked: string[];
  /** Paths with unresolved merge conflicts. */
  conflicted: string[];
  entries: StatusEntry[];
}

export interface StatusOptions {
  signal?: AbortSignal | undefined;
  /** `normal` lists an untracked directory once; `all` lists every file in it (can be large). Default `normal`. */
  untrackedFiles?: 'normal' | 'all';
}

/** Unmerged pairs, from git-status(1). */
const CONFLICT_CODES = new Set(['DD', 'AU', 'UD', 'UA', 'DU', 'AA', 'UU']);

/** The working tree's state from `git status --porcelain=v1 -z`, ignored files excluded. */
export async function getStatus(cwd: string, opts: StatusOptions = {}): Promise<WorkingTreeStatus> {
  const { stdout } = await runGit(
    ['status', '--porcelain=v1', '-z', `--untracked-files=${opts.untrackedFiles ?? 'normal'}`, '--no-ahead-behind'],
    { cwd, signal: opts.signal },
  );
  return parsePorcelainV1(stdout);
}

/**
 * Whether the tree has anything an upgrade could lose or trip over: staged or unstaged changes to tracked files,
 * or untracked files that are not ignored. (The seed only looked at tracked changes; an untracked file that a
 * release adds would make the checkout fail halfway.)
 */
export async function isDirty(cwd: string, opts: StatusOptions = {}): Promise<boolean> {
  const s = await getStatus(cwd, opts);
  return s.entries.length > 0;
}

/** Parses NUL-separated porcelain v1 output. Pure; exported for tests. */
export function parsePorcelainV1(stdout: string): WorkingTreeStatus {
  const fields = stdout.split('\0');
  const result: WorkingTreeStatus = { staged: [], unstaged: [], untracked: [], conflicted: [], entries: [] };
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as string;
    if (f.length < 4) continue;
    const index = f[0] as string;
    const worktree = f[1] as string;
    const p = f.slice(3);
    const entry: StatusEntry = { path: p, index, worktree };
    // With -z a rename or copy is followed by its source path as the next field.
    if (index === 'R' || index === 'C') {
      entry.origPath = fields[++i] ?? '';
    }
    const xy = index + worktree;
    if (xy === '!!') continue;
    result.entries.push(entry);
    if (xy === '??') result.untracked.push(p);
    else if (CONFLICT_CODES.has(xy)) result.conflicted.push(p);
    else {
      if (index !== ' ' && index !== '?') result.staged.push(p);
      if (worktree !== ' ' && worktree !== '?') result.unstaged.push(p);
    }
  }
  return result;
}
