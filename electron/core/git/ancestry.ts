import { runGit } from './core.js';
import { assertFullSha, isWellFormedRefName } from './refname.js';

export interface AncestryOptions {
  signal?: AbortSignal | undefined;
}

/** Where commits of a checkout are besides it: how many are on no remote-tracking branch at all. */
export interface CommitsApart {
  /** Commits reachable from `head` and not from `base` (`git rev-list --count base..head`). */
  count: number;
  /** Of those, how many no remote-tracking branch contains (`--not --remotes`): they exist only in this clone. */
  localOnly: number;
}

/**
 * The commits `head` has that `base` lacks, and how many of them exist only in this clone. `base..head` empty means
 * `head` is an ancestor of `base` (`git merge-base --is-ancestor head base`), so moving from `head` to `base` loses
 * nothing; anything else means the two have diverged and those commits leave the working tree. The second count
 * runs only when the first is not zero, so the common case costs one process.
 */
export async function commitsApart(cwd: string, base: string, head: string, opts: AncestryOptions = {}): Promise<CommitsApart> {
  assertFullSha(base, cwd);
  assertFullSha(head, cwd);
  const count = await revCount(cwd, [`${base}..${head}`], opts);
  if (count === 0) return { count: 0, localOnly: 0 };
  const localOnly = await revCount(cwd, [`${base}..${head}`, '--not', '--remotes'], opts);
  return { count, localOnly };
}

async function revCount(cwd: string, range: string[], opts: AncestryOptions): Promise<number> {
  const r = await runGit(['rev-list', '--count', ...range, '--'], { cwd, signal: opts.signal });
  return Number.parseInt(r.stdout.trim(), 10) || 0;
}

/**
 * The remote-tracking branches that contain `sha` (`origin/master`), sorted; the symbolic `<remote>/HEAD` is left
 * out. Empty when the commit is on no remote.
 */
export async function remoteBranchesContaining(cwd: string, sha: string, opts: AncestryOptions = {}): Promise<string[]> {
  assertFullSha(sha, cwd);
  const r = await runGit(['for-each-ref', `--contains=${sha}`, '--format=%(refname:strip=2)%00%(symref)', 'refs/remotes/'], { cwd, signal: opts.signal });
  const out: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const [name, symref] = line.split('\0');
    if (name && !symref && isWellFormedRefName(name)) out.push(name);
  }
  return out.sort();
}

/**
 * The `git describe --tags --long` form of `rev` (`v1.12.0-25-ga7dcc3a`): the nearest tag below it, the commits
 * after that tag, and the abbreviated commit. Null when no tag is reachable.
 */
export async function describeLong(cwd: string, rev = 'HEAD', opts: AncestryOptions = {}): Promise<{ tag: string; count: number; text: string } | null> {
  if (rev !== 'HEAD') assertFullSha(rev, cwd);
  const r = await runGit(['describe', '--tags', '--long', rev], { cwd, signal: opts.signal, expectedErrors: ['ref-not-found'] });
  if (r.error) return null;
  const text = r.stdout.trim();
  const m = /^(.+)-(\d+)-g([0-9a-f]+)$/.exec(text);
  if (!m) return null;
  return { tag: m[1]!, count: Number(m[2]), text };
}
