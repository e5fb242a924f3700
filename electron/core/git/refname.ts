import { isSafeTagName } from '../../../shared/version/index.js';
import { GitError } from './errors.js';

/**
 * Validation of every name that reaches a git command line. Tag names come from remotes we do not control; a
 * name such as `--upload-pack=/tmp/x` must be refused before any process is spawned, not escaped.
 */

const SHA_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** A full object id (SHA-1 or SHA-256), lowercase. Abbreviations are refused: they can become ambiguous. */
export function isFullSha(value: string): boolean {
  return SHA_RE.test(value);
}

/**
 * The rules of `git check-ref-format` for the part of a ref after its prefix (`refs/tags/<name>`), checked
 * without spawning git. Stricter than git in one way: a leading `-` is refused in every component.
 */
export function isWellFormedRefName(name: string): boolean {
  if (name === '' || name === '@' || name.length > 1024) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  for (const part of name.split('/')) {
    if (part.startsWith('.') || part.startsWith('-') || part.endsWith('.lock')) return false;
  }
  return true;
}

/** A tag name Upshift will pass to git: safe by the shared rules and well-formed as a git ref. */
export function isUsableTagName(name: string): boolean {
  return isSafeTagName(name) && isWellFormedRefName(name);
}

/** A hostile name as it may be shown in a message: control characters escaped, length capped. */
export function displayName(name: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const escaped = name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

function refuse(what: string, value: string, cwd?: string): GitError {
  return new GitError({
    kind: 'invalid-argument',
    args: [],
    exitCode: null,
    stderr: '',
    cwd,
    message: `Refused to pass ${what} "${displayName(value)}" to git: it is not a safe name. Nothing was run.`,
    details: { value: displayName(value, 300) },
  });
}

export function assertUsableTagName(name: string, cwd?: string): void {
  if (!isUsableTagName(name)) throw refuse('the tag name', name, cwd);
}

export function assertFullSha(sha: string, cwd?: string): void {
  if (!isFullSha(sha)) throw refuse('the commit id', sha, cwd);
}

export function assertBranchName(name: string, cwd?: string): void {
  if (name === 'HEAD' || !isWellFormedRefName(name)) throw refuse('the branch name', name, cwd);
}

/**
 * A remote is a configured name (`origin`) or a URL/path from the user's own configuration. It is passed after
 * `--`, so only what could still confuse git is refused: an empty value, a leading `-`, control characters.
 */
export function assertRemote(remote: string, cwd?: string): void {
  // eslint-disable-next-line no-control-regex
  if (remote === '' || remote.startsWith('-') || /[\u0000-\u001f\u007f]/.test(remote)) throw refuse('the remote', remote, cwd);
}

/** Snapshot ids become `refs/upshift/snapshots/<id>`: one plain component. */
export function assertRefComponent(id: string, what: string, cwd?: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(id) || !isWellFormedRefName(id)) throw refuse(what, id, cwd);
}

/** A path inside a repository, for `<sha>:<path>`: relative, no NUL/newline, no `..` segments. */
export function assertRepoPath(p: string, cwd?: string): void {
  // eslint-disable-next-line no-control-regex
  if (p === '' || p.startsWith('/') || /[\u0000\n\r]/.test(p) || p.split('/').includes('..')) throw refuse('the path', p, cwd);
}
