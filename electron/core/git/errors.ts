import type { ApiError } from '../../../shared/api/types.js';
import { UpshiftError, type ErrorCategory } from '../errors.js';

/**
 * Every way a git command can fail that a caller may want to tell apart. Anything not recognised is
 * `unknown`, with git's own stderr attached.
 */
export type GitErrorKind =
  | 'not-a-repository'
  | 'dubious-ownership'
  | 'remote-not-found'
  | 'remote-unreachable'
  | 'auth-required'
  | 'ref-not-found'
  | 'ref-exists'
  | 'ref-mismatch'
  | 'path-not-found'
  | 'dirty-tree'
  | 'conflict'
  | 'lock-held'
  | 'invalid-argument'
  | 'output-too-large'
  | 'timeout'
  | 'aborted'
  | 'git-not-found'
  | 'unknown';

interface KindInfo {
  /** What happened, as a sentence fragment ("the remote could not be reached"). */
  what: string;
  /** What to do next. */
  next: string;
  retryable: boolean;
  category: ErrorCategory;
  /** git refuses this failure before writing anything, so the message can say nothing was changed. */
  unchanged?: boolean;
}

const KINDS: Record<GitErrorKind, KindInfo> = {
  'not-a-repository': {
    what: 'the directory is not a git repository',
    next: 'Check the project path; it must be the root of a git checkout.',
    retryable: false,
    unchanged: true,
    category: 'usage',
  },
  'dubious-ownership': {
    what: 'git refused the repository because it is owned by another user',
    next: 'Run Upshift as the owner of the checkout, or mark it safe with `git config --global --add safe.directory <path>`.',
    retryable: false,
    unchanged: true,
    category: 'usage',
  },
  'remote-not-found': {
    what: 'no such remote is configured, and no repository exists at that path',
    next: 'Check the remote name with `git remote -v` in the project.',
    retryable: false,
    unchanged: true,
    category: 'usage',
  },
  'remote-unreachable': {
    what: 'the remote could not be reached',
    next: 'Check the network connection and the remote URL, then try again.',
    retryable: true,
    unchanged: true,
    category: 'unreachable',
  },
  'auth-required': {
    what: 'the remote asked for credentials that Upshift cannot prompt for',
    next: 'Make sure `git fetch` works in the project without a prompt (credential helper, SSH agent, known_hosts).',
    retryable: false,
    unchanged: true,
    category: 'unreachable',
  },
  'ref-not-found': {
    what: 'a revision, tag or branch does not exist',
    next: 'Check that the release still exists on the remote; run the check again.',
    retryable: false,
    unchanged: true,
    category: 'failed',
  },
  'ref-exists': {
    what: 'a ref that Upshift meant to create already exists with another value',
    next: 'Inspect the existing ref; Upshift never overwrites one it did not create.',
    retryable: false,
    unchanged: true,
    category: 'failed',
  },
  'ref-mismatch': {
    what: 'a ref does not point where Upshift expected',
    next: 'Something else changed the repository during the operation; inspect it before retrying.',
    retryable: false,
    category: 'failed',
  },
  'path-not-found': {
    what: 'a file does not exist at that commit',
    next: 'Check the path.',
    retryable: false,
    unchanged: true,
    category: 'failed',
  },
  'dirty-tree': {
    what: 'local changes would be overwritten',
    next: 'Commit or stash the changes in the project, then try again.',
    retryable: false,
    unchanged: true,
    category: 'blocked',
  },
  conflict: {
    what: 'changes could not be applied without conflicts',
    next: 'Resolve the conflicts in the project by hand (`git status` lists them).',
    retryable: false,
    category: 'failed',
  },
  'lock-held': {
    what: 'another git process holds a lock on the repository',
    next: 'Wait for the other git command to finish (or remove a stale `.lock` file if none is running), then try again.',
    retryable: true,
    unchanged: true,
    category: 'blocked',
  },
  'invalid-argument': {
    what: 'Upshift refused to pass an unsafe value to git',
    next: 'This usually means a hostile or malformed tag or ref name; nothing was run.',
    retryable: false,
    unchanged: true,
    category: 'usage',
  },
  'output-too-large': {
    what: 'git produced more output than Upshift accepts',
    next: 'The repository or remote is unusually large; narrow the tag pattern or raise the limit.',
    retryable: false,
    category: 'failed',
  },
  timeout: {
    what: 'git did not finish in time and was stopped',
    next: 'Check the network and try again.',
    retryable: true,
    category: 'failed',
  },
  aborted: {
    what: 'the git command was cancelled',
    next: 'Run it again when ready.',
    retryable: true,
    category: 'failed',
  },
  'git-not-found': {
    what: 'the git executable could not be started',
    next: 'Install git (2.30 or newer) and make sure it is on PATH.',
    retryable: false,
    unchanged: true,
    category: 'usage',
  },
  unknown: {
    what: 'git failed',
    next: 'See the git output above.',
    retryable: false,
    category: 'failed',
  },
};

const MAX_STDERR_IN_DETAILS = 4000;

export interface GitErrorInit {
  kind: GitErrorKind;
  args: readonly string[];
  exitCode: number | null;
  stderr: string;
  cwd?: string | undefined;
  /** Overrides the default message built from the kind and stderr. */
  message?: string | undefined;
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

/**
 * A failed git command. `kind` says what went wrong in terms a caller can act on; `message` is a readable
 * sentence (what happened, git's own last words, what to do next); `toApiError()` gives the serialisable shape.
 */
export class GitError extends UpshiftError {
  readonly kind: GitErrorKind;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly cwd: string | undefined;

  constructor(init: GitErrorInit) {
    const info = KINDS[init.kind];
    const message = init.message ?? defaultMessage(init);
    super(gitErrorCode(init.kind), message, {
      category: info.category,
      retryable: info.retryable,
      details: {
        kind: init.kind,
        args: [...init.args],
        exitCode: init.exitCode,
        stderr: init.stderr.length > MAX_STDERR_IN_DETAILS ? `${init.stderr.slice(0, MAX_STDERR_IN_DETAILS)}…` : init.stderr,
        ...(init.cwd !== undefined ? { cwd: init.cwd } : {}),
        ...init.details,
      },
      cause: init.cause,
    });
    this.name = 'GitError';
    this.kind = init.kind;
    this.args = init.args;
    this.exitCode = init.exitCode;
    this.stderr = init.stderr;
    this.cwd = init.cwd;
  }

  override toApiError(): ApiError {
    return super.toApiError();
  }

  toJSON(): ApiError {
    return this.toApiError();
  }
}

/** `not-a-repository` → `GIT_NOT_A_REPOSITORY`, in the style of the engine's other error codes. */
export function gitErrorCode(kind: GitErrorKind): string {
  return `GIT_${kind.toUpperCase().replace(/-/g, '_')}`;
}

export function isGitError(err: unknown, kind?: GitErrorKind): err is GitError {
  return err instanceof GitError && (kind === undefined || err.kind === kind);
}

function defaultMessage(init: GitErrorInit): string {
  const info = KINDS[init.kind];
  const verb = describeCommand(init.args);
  const said = lastMeaningfulLine(init.stderr);
  const where = init.cwd ? ` in ${init.cwd}` : '';
  return `${verb}${where} failed: ${info.what}${said ? ` (git said: "${said}")` : ''}. ${info.unchanged ? 'Nothing was changed. ' : ''}${info.next}`;
}

/** `git fetch` for ['-c', 'x=y', 'fetch', ...]: the verb, skipping leading options. */
export function describeCommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-c' || a === '-C') {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return `git ${a}`;
  }
  return 'git';
}

function lastMeaningfulLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^hint:/.test(l));
  const fatal = lines.filter((l) => /^(fatal|error):/i.test(l));
  const pick = fatal[0] ?? lines[lines.length - 1] ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = pick.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}

interface Rule {
  kind: GitErrorKind;
  pattern: RegExp;
}

/**
 * Ordered: the first match wins. Authentication comes before reachability because ssh prints
 * "Permission denied (publickey)" followed by git's generic "Could not read from remote repository".
 * Patterns assume `LC_ALL=C`, which runGit always sets.
 */
const RULES: readonly Rule[] = [
  { kind: 'dubious-ownership', pattern: /detected dubious ownership in repository/ },
  { kind: 'not-a-repository', pattern: /not a git repository/i },
  { kind: 'lock-held', pattern: /Unable to create '[^']*\.lock': File exists|cannot lock ref '[^']*': Unable to create '[^']*\.lock'|Another git process seems to be running/ },
  {
    kind: 'auth-required',
    pattern:
      /terminal prompts disabled|could not read (Username|Password)|Authentication failed|Permission denied \((publickey|password|keyboard-interactive)|Host key verification failed|HTTP Basic: Access denied|The requested URL returned error: 40[13]|Invalid username or password/i,
  },
  {
    kind: 'remote-unreachable',
    pattern:
      /Could not resolve host|Could not resolve hostname|unable to access '|Connection refused|Connection timed out|Connection reset|Network is unreachable|No route to host|Operation timed out|does not appear to be a git repository|Could not read from remote repository|unable to connect to|The remote end hung up unexpectedly|early EOF|SSL certificate problem|repository '[^']*' not found/i,
  },
  { kind: 'ref-exists', pattern: /already exists|would clobber existing tag|reference already exists/ },
  {
    kind: 'dirty-tree',
    pattern:
      /Your local changes to the following files would be overwritten|untracked working tree files would be (overwritten|removed)|Please commit your changes or stash them|You have unstaged changes|cannot be applied: your local changes/,
  },
  { kind: 'conflict', pattern: /^CONFLICT |could not restore untracked files from stash|Merge conflict in|conflicts in index|needs merge|you need to resolve your current index first/m },
  { kind: 'path-not-found', pattern: /path '[^']*' does not exist in '|exists on disk, but not in '/ },
  {
    kind: 'ref-not-found',
    pattern:
      /couldn't find remote ref|unknown revision|bad revision|not a valid object name|Not a valid object name|reference is not a tree|did not match any file\(s\) known to git|invalid reference|Needed a single revision|no such ref|is not a valid ref|No names found, cannot describe anything|no tag exactly matches|does not point to a valid object|not a valid tag name|bad object|ambiguous argument|Invalid revision range|Invalid symmetric difference/i,
  },
];

/** The kind of failure git's stderr describes; `unknown` when nothing matches. */
export function classifyGitStderr(stderr: string): GitErrorKind {
  for (const rule of RULES) if (rule.pattern.test(stderr)) return rule.kind;
  return 'unknown';
}
