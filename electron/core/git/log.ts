import { runGit } from './core.js';
import { assertFullSha } from './refname.js';

export interface CommitDetail {
  sha: string;
  subject: string;
  /** The message after the subject line, trimmed; '' when there is none. */
  body: string;
  /** More than one parent. */
  merge: boolean;
  /** The parents' ids (what `merge` is read from; lets a caller tell whether a commit is an ancestor of the range's end). */
  parents: string[];
}

export interface CommitRange {
  /** Every commit in the range, merges included (what the user will receive). */
  count: number;
  /** Newest first, at most `max` (named like `UpgradePlan.commits.items`; each is a superset of CommitSummary). */
  items: CommitDetail[];
  truncated: boolean;
}

export interface CommitsBetweenOptions {
  /** How many commits to return in full; default 200. `count` is always exact. */
  max?: number;
  /** Per-commit body cap in characters; default 8000. */
  maxBodyChars?: number;
  signal?: AbortSignal | undefined;
}

/**
 * Commits reachable from `toSha` but not from `fromSha` (`from..to`), newest first. With `fromSha` null, the
 * history of `toSha` (capped).
 *
 * Merges are included: a merge commit's body often carries the pull request title, which is where a
 * `feat!:` or `BREAKING CHANGE:` may be; each commit says whether it is a merge so release notes can leave them
 * out of subject lists.
 */
export async function commitsBetween(cwd: string, fromSha: string | null, toSha: string, opts: CommitsBetweenOptions = {}): Promise<CommitRange> {
  assertFullSha(toSha, cwd);
  if (fromSha !== null) assertFullSha(fromSha, cwd);
  const max = Math.max(0, opts.max ?? 200);
  const maxBody = opts.maxBodyChars ?? 8000;
  const range = fromSha !== null ? [`${fromSha}..${toSha}`] : [toSha];

  const countRange = () => runGit(['rev-list', '--count', ...range, '--'], { cwd, signal: opts.signal }).then((r) => Number.parseInt(r.stdout.trim(), 10) || 0);
  if (max === 0) return { count: await countRange(), items: [], truncated: false };
  const logOut = await runGit(['log', '-z', '--no-color', '--no-decorate', `--max-count=${max}`, '--format=%H%x00%P%x00%s%x00%b', ...range, '--'], {
    cwd,
    signal: opts.signal,
  });
  const items = parseLogZ(logOut.stdout, maxBody);
  // Fewer commits than asked for: that is the whole range, so the count needs no second process. Only a range
  // longer than the cap is counted by `rev-list --count` (one walk without formatting).
  const count = items.length < max ? items.length : await countRange();
  return { count, items, truncated: count > items.length };
}

/**
 * With `-z`, fields (`%x00`) and commits are both NUL-separated; every commit has exactly four fields, and a
 * commit message cannot contain NUL, so chunking by four is unambiguous.
 */
export function parseLogZ(stdout: string, maxBodyChars = 8000): CommitDetail[] {
  if (stdout === '') return [];
  const fields = stdout.split('\0');
  const out: CommitDetail[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const sha = (fields[i] as string).replace(/^\n/, '');
    const parents = (fields[i + 1] as string).trim();
    const subject = fields[i + 2] as string;
    let body = (fields[i + 3] as string).trim();
    if (body.length > maxBodyChars) body = `${body.slice(0, maxBodyChars)}…`;
    if (!/^[0-9a-f]{40,64}$/.test(sha)) continue;
    const ids = parents.split(' ').filter(Boolean);
    out.push({ sha, subject, body, merge: ids.length > 1, parents: ids });
  }
  return out;
}
