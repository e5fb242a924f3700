import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from './core.js';
import { ObjectReaderUnsupported, type ObjectReader } from './object-reader.js';
import { parseObjectHeaders } from './object-text.js';
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
  /**
   * Walk a short linear range through this long-lived `cat-file` (object-reader.ts) instead of starting `git log`;
   * anything else (a merge, a range longer than LINEAR_WALK_MAX, a shallow clone) still goes to `git log`.
   */
  reader?: ObjectReader | undefined;
}

/** Commits walked through the reader before a range is handed to `git log` (one round trip per commit). */
export const LINEAR_WALK_MAX = 200;

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
  if (opts.reader && fromSha !== null && max > 0) {
    const walked = await linearRange(cwd, opts.reader, fromSha, toSha, max, maxBody, opts.signal);
    if (walked) return walked;
  }

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
 * `from..to` when it is a straight line: from `to`, each commit's only parent, until `from`. Exactly what `git log`
 * lists then (every commit reachable from `to` but not from `from` is on that line, newest first); null — hand it to
 * `git log` — at a merge, a root, an unreadable or non-UTF-8 commit, after LINEAR_WALK_MAX commits, or in a
 * repository whose parents git reads from elsewhere (shallow, grafts).
 */
async function linearRange(cwd: string, reader: ObjectReader, from: string, to: string, max: number, maxBody: number, signal: AbortSignal | undefined): Promise<CommitRange | null> {
  const gitDir = join(cwd, '.git');
  if (!statSync(gitDir, { throwIfNoEntry: false })?.isDirectory() || existsSync(join(gitDir, 'shallow')) || existsSync(join(gitDir, 'info', 'grafts'))) return null;
  const items: CommitDetail[] = [];
  let sha = to;
  try {
    while (sha !== from) {
      if (items.length >= LINEAR_WALK_MAX) return null;
      const obj = await reader.contents(sha, { signal, maxBytes: 1024 * 1024 });
      if (!obj || obj.type !== 'commit' || obj.data.includes(0)) return null;
      const { headers, message } = parseObjectHeaders(obj.data);
      const encoding = headers.get('encoding')?.[0];
      if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) return null;
      const parents = headers.get('parent') ?? [];
      if (parents.length !== 1) return null;
      const { subject, body } = subjectAndBody(message);
      items.push(commitDetail(sha, parents, subject, body, maxBody));
      sha = parents[0]!;
    }
  } catch (e) {
    if (e instanceof ObjectReaderUnsupported) return null;
    throw e;
  }
  return { count: items.length, items: items.slice(0, max), truncated: items.length > max };
}

/**
 * `%s` and `%b` of a commit message as git's pretty.c makes them: blank lines skipped, the subject is the first
 * paragraph with each line's trailing whitespace cut and lines joined by a space, the body whatever follows the blank
 * lines after it.
 */
export function subjectAndBody(message: string): { subject: string; body: string } {
  // git's isspace(): space, tab, newline, carriage return — not Unicode spaces.
  const lines = message.split(/(?<=\n)/);
  let i = 0;
  const blank = (l: string) => /^[ \t\n\r]*$/.test(l);
  while (i < lines.length && blank(lines[i]!)) i++;
  const subject: string[] = [];
  while (i < lines.length && !blank(lines[i]!)) subject.push(lines[i++]!.replace(/[ \t\n\r]+$/, ''));
  while (i < lines.length && blank(lines[i]!)) i++;
  return { subject: subject.join(' '), body: lines.slice(i).join('') };
}

function commitDetail(sha: string, parents: string[], subject: string, rawBody: string, maxBodyChars: number): CommitDetail {
  let body = rawBody.trim();
  if (body.length > maxBodyChars) body = `${body.slice(0, maxBodyChars)}…`;
  return { sha, subject, body, merge: parents.length > 1, parents };
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
    if (!/^[0-9a-f]{40,64}$/.test(sha)) continue;
    out.push(commitDetail(sha, (fields[i + 1] as string).trim().split(' ').filter(Boolean), fields[i + 2] as string, fields[i + 3] as string, maxBodyChars));
  }
  return out;
}
