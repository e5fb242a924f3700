import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitError, isGitError, runGit } from './core.js';
import { isFullSha } from './refname.js';

/** One ref a bundle carries: for an annotated tag, `objectSha` is the tag object, not the commit. */
export interface BundleHead {
  ref: string;
  objectSha: string;
}

export interface BundleOptions {
  signal?: AbortSignal | undefined;
  /** Default 2 minutes (reading a large bundle's objects takes a while). */
  timeoutMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * `git bundle list-heads <file>`: the refs a bundle holds, read from its header. Needs no repository, so it runs
 * in the system temp directory (never inside whatever repository surrounds the bundle). A file that is not a
 * bundle is a GitError whose message says so.
 */
export async function listBundleHeads(file: string, opts: BundleOptions = {}): Promise<BundleHead[]> {
  const abs = path.resolve(file);
  let stdout: string;
  try {
    ({ stdout } = await runGit(['bundle', 'list-heads', abs], { cwd: tmpdir(), signal: opts.signal, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS }));
  } catch (e) {
    if (unreadable(e)) {
      throw new GitError({ kind: 'unknown', args: e.args, exitCode: e.exitCode, stderr: e.stderr, message: `${abs} is not a readable git bundle: ${firstLine(e.stderr)}` });
    }
    throw e;
  }
  const heads: BundleHead[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+)$/.exec(line.trim());
    if (m) heads.push({ objectSha: m[1]!, ref: m[2]! });
  }
  return heads;
}

export interface PeelBundleOptions extends BundleOptions {
  /**
   * A repository whose objects may already hold the bundle's refs or the commits its history starts from (an
   * incremental bundle's prerequisites): the project's checkout. Only read, never written.
   */
  repo?: string | undefined;
  /** Always read the bundle's own pack (which checks it), even when `repo` already has every object. */
  verifyPack?: boolean;
}

export interface PeeledBundle {
  /** Every ref of the bundle with the commit it peels to (annotated tags resolved), or null when it is not a commit. */
  commits: Map<string, string | null>;
  heads: BundleHead[];
}

/**
 * The commit each ref of a bundle points at. `git bundle list-heads` gives an annotated tag's own object, and
 * only the bundle's pack says whether an object is a tag or a commit, so the objects are read with git: first
 * from `opts.repo` when it already has them (after a fetch from the bundle: no copy at all), else by
 * `git bundle unbundle` into a throwaway bare repository (with `opts.repo` as an alternate object store, so an
 * incremental bundle's prerequisites are found), which also checks the pack. The throwaway repository is removed
 * afterwards; `opts.repo` is never written to.
 */
export async function peelBundle(file: string, opts: PeelBundleOptions = {}): Promise<PeeledBundle> {
  const abs = path.resolve(file);
  const heads = await listBundleHeads(abs, opts);
  const commits = new Map<string, string | null>();
  if (heads.length === 0) return { commits, heads };
  const git = { signal: opts.signal, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS };

  const objectsDir = opts.repo ? await objectDirectory(opts.repo, opts) : null;
  if (opts.repo && objectsDir && !opts.verifyPack) {
    const known = await peelPresent(opts.repo, heads, git);
    if (known) {
      for (const h of heads) commits.set(h.ref, known.get(h.objectSha) ?? null);
      return { commits, heads };
    }
  }

  const scratch = await mkdtemp(path.join(tmpdir(), 'upshift-bundle-'));
  try {
    await runGit(['init', '-q', '--bare', scratch], { cwd: tmpdir(), ...git });
    if (objectsDir) await writeFile(path.join(scratch, 'objects', 'info', 'alternates'), `${objectsDir}\n`);
    try {
      await runGit(['bundle', 'unbundle', abs], { cwd: scratch, ...git });
    } catch (e) {
      if (isGitError(e) && /lacks these prerequisite commits/i.test(e.stderr)) {
        throw new GitError({
          kind: 'ref-not-found',
          args: e.args,
          exitCode: e.exitCode,
          stderr: e.stderr,
          message: `${abs} is an incremental bundle: it needs commits ${opts.repo ? `that ${opts.repo} does not have` : 'of the project\'s history, and no repository was given to read them from'} (${prerequisites(e.stderr)}).`,
          details: { prerequisites: true },
        });
      }
      if (unreadable(e)) {
        throw new GitError({ kind: 'unknown', args: e.args, exitCode: e.exitCode, stderr: e.stderr, message: `The objects of ${abs} cannot be read: ${firstLine(e.stderr)}` });
      }
      throw e;
    }
    const known = await peelPresent(scratch, heads, git);
    for (const h of heads) commits.set(h.ref, known?.get(h.objectSha) ?? null);
    return { commits, heads };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** True when `err` is peelBundle's refusal of an incremental bundle whose prerequisites are missing. */
export function isMissingPrerequisites(err: unknown): boolean {
  return isGitError(err, 'ref-not-found') && (err.details as { prerequisites?: unknown } | undefined)?.prerequisites === true;
}

/** The repository's object directory (absolute), or null when `repo` is not a git repository. */
async function objectDirectory(repo: string, opts: BundleOptions): Promise<string | null> {
  const r = await runGit(['rev-parse', '--path-format=absolute', '--git-path', 'objects'], {
    cwd: repo,
    signal: opts.signal,
    expectedErrors: ['not-a-repository', 'dubious-ownership'],
  }).catch(() => null);
  if (!r || r.error) return null;
  const dir = r.stdout.trim();
  return dir === '' ? null : dir;
}

/**
 * object id → commit for every head, when `repo` has all of the heads' objects; null when any is missing (one
 * `cat-file --batch-check` and one `rev-parse` for all of them).
 */
async function peelPresent(repo: string, heads: readonly BundleHead[], git: BundleOptions): Promise<Map<string, string | null> | null> {
  const ids = [...new Set(heads.map((h) => h.objectSha))];
  const check = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: repo, ...git, stdin: `${ids.join('\n')}\n` });
  const types = new Map<string, string>();
  for (const line of check.stdout.split('\n')) {
    const [id, type] = line.trim().split(' ');
    if (id && type && type !== 'missing') types.set(id, type);
  }
  if (ids.some((id) => !types.has(id))) return null;
  const out = new Map<string, string | null>();
  const tagIds: string[] = [];
  for (const id of ids) {
    const type = types.get(id);
    if (type === 'commit') out.set(id, id);
    else if (type === 'tag') tagIds.push(id);
    else out.set(id, null);
  }
  for (const id of tagIds) {
    // One id at a time: a tag of a tree or blob fails ^{commit}, and must not hide the others' answers.
    const r = await runGit(['rev-parse', '--verify', '--quiet', `${id}^{commit}`], { cwd: repo, ...git, expectedExitCodes: [0, 1, 128] });
    const sha = r.stdout.trim();
    out.set(id, r.exitCode === 0 && isFullSha(sha) ? sha : null);
  }
  return out;
}

/** git ran and refused the file (not a timeout, a cancellation or a missing git). */
function unreadable(e: unknown): e is GitError {
  return isGitError(e) && !['aborted', 'timeout', 'git-not-found', 'output-too-large'].includes(e.kind);
}

function firstLine(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.replace(/^(error|fatal): /, '').trim())
    .find((l) => l !== '');
  return line ?? 'git could not read it';
}

function prerequisites(stderr: string): string {
  const ids = [...stderr.matchAll(/\b([0-9a-f]{40}|[0-9a-f]{64})\b/g)].map((m) => m[1]!.slice(0, 12));
  return ids.length > 0 ? `missing ${ids.join(', ')}` : firstLine(stderr);
}
