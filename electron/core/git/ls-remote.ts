import { describeCommand, runGit, GitError, isGitError } from './core.js';
import { assertRemote, displayName, isUsableTagName } from './refname.js';

export const DEFAULT_MAX_TAGS = 50_000;
/** A remote that has not answered in two minutes is not going to. */
export const DEFAULT_LS_REMOTE_TIMEOUT_MS = 120_000;

export interface RemoteTag {
  tag: string;
  /** The commit the tag points to (peeled through annotated tag objects). */
  sha: string;
  /** The object the ref itself names: the tag object for an annotated tag, else the commit. */
  objectSha: string;
  annotated: boolean;
}

export interface DroppedTag {
  /** The name with control characters escaped and the length capped; never pass it to a command. */
  display: string;
  reason: string;
}

export interface RemoteTagList {
  tags: RemoteTag[];
  /** Names refused as unsafe (at most 100 are listed; `droppedCount` has the total). */
  dropped: DroppedTag[];
  droppedCount: number;
}

export interface ListRemoteTagsOptions {
  /** More tags than this is an error, not a silent truncation: a truncated list would pick the wrong "latest". */
  maxTags?: number;
  /** Cap on ls-remote's output; default 16 MiB. */
  maxBytes?: number;
  signal?: AbortSignal | undefined;
  /** Default 2 minutes. */
  timeoutMs?: number | undefined;
  /** Extra environment for git (discovery's SSH connection sharing sets GIT_SSH_COMMAND here). */
  gitEnv?: Record<string, string | undefined>;
}

/**
 * The tags a remote advertises, straight from the remote (`git ls-remote --tags -- <remote>`), never from the
 * local tag namespace, which may be stale or hold tags the user made.
 *
 * Deliberately without `--refs`: for annotated tags `--refs` prints the tag object's id, not the commit, and the
 * peeled `^{}` lines are the only way to learn the commit without fetching. Unsafe names (see
 * `isUsableTagName`) are dropped here, before anything else sees them.
 */
export async function listRemoteTags(cwd: string, remote: string, opts: ListRemoteTagsOptions = {}): Promise<RemoteTagList> {
  assertRemote(remote, cwd);
  const maxTags = opts.maxTags ?? DEFAULT_MAX_TAGS;
  const args = ['ls-remote', '--tags', '--', remote];
  let stdout: string;
  try {
    ({ stdout } = await runGit(args, {
      cwd,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs ?? DEFAULT_LS_REMOTE_TIMEOUT_MS,
      ...(opts.gitEnv ? { env: opts.gitEnv } : {}),
      ...(opts.maxBytes !== undefined ? { maxOutputBytes: opts.maxBytes } : {}),
    }));
  } catch (e) {
    throw refineRemoteError(e, remote);
  }
  const parsed = parseLsRemoteTags(stdout);
  if (parsed.tags.length > maxTags) {
    throw new GitError({
      kind: 'output-too-large',
      args,
      exitCode: 0,
      stderr: '',
      cwd,
      message: `The remote ${displayName(remote)} lists ${parsed.tags.length} tags, more than the limit of ${maxTags}. Upshift stopped rather than pick the latest release from an incomplete list. Nothing was changed; raise the limit for this project if the remote is genuine.`,
      details: { tagCount: parsed.tags.length, maxTags },
    });
  }
  return parsed;
}

const LINE_RE = /^([0-9a-f]{40}|[0-9a-f]{64})\trefs\/tags\/(.+)$/;
const MAX_DROPPED_LISTED = 100;
const NULL_SHA_RE = /^0+$/;

/** Parses `git ls-remote --tags` output. Pure; exported for tests on captured or hostile output. */
export function parseLsRemoteTags(stdout: string): RemoteTagList {
  const objects = new Map<string, string>();
  const peeled = new Map<string, string>();
  const dropped: DroppedTag[] = [];
  let droppedCount = 0;
  const seenDropped = new Set<string>();

  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const m = LINE_RE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (!m) continue;
    const sha = m[1] as string;
    let name = m[2] as string;
    const isPeeled = name.endsWith('^{}');
    if (isPeeled) name = name.slice(0, -3);
    // git advertises refs it cannot read (a malformed name in packed-refs) with the null object id.
    const broken = NULL_SHA_RE.test(sha);
    if (broken || !isUsableTagName(name)) {
      if (!seenDropped.has(name)) {
        seenDropped.add(name);
        droppedCount++;
        const reason = broken ? 'advertised without an object (a broken ref on the remote)' : unsafeReason(name);
        if (dropped.length < MAX_DROPPED_LISTED) dropped.push({ display: displayName(name), reason });
      }
      objects.delete(name);
      peeled.delete(name);
      continue;
    }
    if (seenDropped.has(name)) continue;
    (isPeeled ? peeled : objects).set(name, sha);
  }

  const tags: RemoteTag[] = [];
  for (const [tag, objectSha] of objects) {
    const commit = peeled.get(tag);
    tags.push({ tag, sha: commit ?? objectSha, objectSha, annotated: commit !== undefined && commit !== objectSha });
  }
  return { tags, dropped, droppedCount };
}

function unsafeReason(name: string): string {
  if (name.length > 200) return 'longer than 200 characters';
  if (name.startsWith('-')) return 'starts with "-" (could be read as an option)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters';
  return 'contains characters that are unsafe in a tag name';
}

/**
 * `does not appear to be a git repository` is git's answer both for an unconfigured remote name and for a bad
 * path or URL. git quotes what it tried: the name itself when no such remote is configured (`'origin' does not
 * appear…`), the configured URL otherwise — then the remote exists and its URL is what failed (seen: "No remote
 * named origin is configured" for an origin whose URL was unreachable). A git command that ran out of time talking to
 * a remote could not reach it either.
 */
export function refineRemoteError(e: unknown, remote: string): unknown {
  if (isGitError(e, 'timeout')) {
    return new GitError({
      kind: 'remote-unreachable',
      args: e.args,
      exitCode: e.exitCode,
      stderr: e.stderr,
      cwd: e.cwd,
      message: `The remote ${displayName(remote)} did not answer in time (\`${describeCommand(e.args)}\` was stopped). Nothing was changed. Check the network connection and the remote URL (\`git remote -v\`), then try again.`,
    });
  }
  const quoted = `'${remote}' does not appear to be a git repository`;
  if (isGitError(e, 'remote-unreachable') && /^[A-Za-z0-9._-]+$/.test(remote) && e.stderr.includes(quoted)) {
    return new GitError({
      kind: 'remote-not-found',
      args: e.args,
      exitCode: e.exitCode,
      stderr: e.stderr,
      cwd: e.cwd,
      message: `No remote named "${remote}" is configured in ${e.cwd ?? 'the project'}, and there is no repository at that path. Nothing was changed. Check \`git remote -v\` in the project, or set the project's remote.`,
    });
  }
  return e;
}
