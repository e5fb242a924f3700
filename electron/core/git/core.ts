import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { crashPoint, gitCrashPointName } from '../util/crash-points.js';
import { GitError, classifyGitStderr, describeCommand, type GitErrorInit, type GitErrorKind } from './errors.js';

export { GitError, classifyGitStderr, gitErrorCode, isGitError, describeCommand, type GitErrorKind } from './errors.js';

export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** stderr is kept for classification and messages only; a remote that floods it must not exhaust memory. */
const MAX_STDERR_BYTES = 256 * 1024;
/** After SIGTERM, how long git (and its ssh/remote-helper children) get before SIGKILL. */
const KILL_GRACE_MS = 2000;

export interface RunGitOptions {
  cwd: string;
  /** Exit codes that count as success; default [0]. */
  expectedExitCodes?: readonly number[];
  /**
   * Failure kinds the caller handles itself: instead of throwing, the result carries `error`. Lets a verb say
   * "a missing file is `null`" without parsing stderr twice.
   */
  expectedErrors?: readonly GitErrorKind[];
  signal?: AbortSignal | undefined;
  /** stdout beyond this many bytes kills git and throws `output-too-large`; default 16 MiB. */
  maxOutputBytes?: number;
  timeoutMs?: number | undefined;
  /** Extra environment, applied last (after Upshift's own settings). `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to git's stdin, which is otherwise closed. */
  stdin?: string | Buffer;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Set only when the failure's kind was listed in `expectedErrors`. */
  error?: GitError;
}

/**
 * Variables that point git at a particular repository. Inherited from a parent git process (Upshift run from a
 * hook, or tests run from a pre-commit hook) they would make every command act on the wrong repository, so they
 * are removed; it is the list `git rev-parse --local-env-vars` prints, which git itself clears for submodules.
 */
export const REPOSITORY_LOCAL_VARS: readonly string[] = [
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_CONFIG',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
  'GIT_OBJECT_DIRECTORY',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_GRAFT_FILE',
  'GIT_INDEX_FILE',
  'GIT_NO_REPLACE_OBJECTS',
  'GIT_REPLACE_REF_BASE',
  'GIT_PREFIX',
  'GIT_INTERNAL_SUPER_PREFIX',
  'GIT_SHALLOW_FILE',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
];

/**
 * The environment every git command runs with. The user's own configuration (credential helpers, proxies,
 * `url.*.insteadOf`, core.sshCommand) is kept on purpose: Upshift must reach remotes exactly as `git fetch`
 * does in a terminal, so GIT_CONFIG_NOSYSTEM is not set. What is removed is any way for git to wait on a human:
 * no terminal prompt, no askpass program (an empty GIT_ASKPASS wins over core.askPass and SSH_ASKPASS), and git
 * runs in its own session without a controlling terminal, so ssh cannot prompt on /dev/tty either.
 */
export function gitEnvironment(
  base: NodeJS.ProcessEnv = process.env,
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const k of REPOSITORY_LOCAL_VARS) delete env[k];
  Object.assign(env, {
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    // English messages, so stderr can be classified.
    LC_ALL: 'C',
    LANGUAGE: 'C',
    // Never take optional locks (status refreshing the index): Upshift reads while the user may be working.
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_EDITOR: 'true',
    GIT_MERGE_AUTOEDIT: 'no',
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * Options placed before the verb on every command. Hooks are turned off everywhere, not only for checkout:
 * `reference-transaction` runs on any ref update (fetch, update-ref, stash), and a project's hooks are the
 * project's code, which must not run as a side effect of Upshift looking at it. Colour is off so text output
 * (`--stat`) is plain even with `color.ui=always` in the user's config.
 */
export const GLOBAL_GIT_OPTIONS: readonly string[] = ['-c', 'core.hooksPath=/dev/null', '-c', 'color.ui=never', '-c', 'advice.detachedHead=false'];

/**
 * The one way the engine runs git: an argument array (never a shell), a bounded output, a deadline, an abort
 * signal, and failures that name themselves. Resolves for any exit code in `expectedExitCodes`; otherwise
 * rejects with a `GitError` whose kind is read from stderr.
 */
export async function runGit(args: readonly string[], opts: RunGitOptions): Promise<GitResult> {
  const expected = opts.expectedExitCodes ?? [0];
  const maxOut = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const fullArgs = [...GLOBAL_GIT_OPTIONS, ...args];
  const fail = (kind: GitErrorKind, exitCode: number | null, stderr: string, extra: Partial<GitErrorInit> = {}) =>
    new GitError({ kind, args: [...args], exitCode, stderr, cwd: opts.cwd, ...extra });

  for (const a of args) {
    if (a.includes('\0')) throw fail('invalid-argument', null, '', { message: 'Refused to run git: an argument contains a NUL byte. Nothing was run.' });
  }
  if (opts.signal?.aborted) throw fail('aborted', null, '', { message: `${describe(args)} was cancelled before it started. Nothing was run.` });

  // Test-only crash points around every command that changes the tree, the stash or refs (see crash-points.ts).
  const crashName = gitCrashPointName(args);
  if (crashName) crashPoint(`${crashName}:before`);
  const child = spawn('git', fullArgs, {
    cwd: opts.cwd,
    env: gitEnvironment(process.env, opts.env),
    stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    // A new session: no controlling terminal for ssh to prompt on, and one process group to kill as a whole.
    detached: process.platform !== 'win32',
    windowsHide: true,
    shell: false,
  });

  trackGroup(child.pid);
  return new Promise<GitResult>((resolve, reject) => {
    const out: Buffer[] = [];
    let outBytes = 0;
    let err: Buffer[] = [];
    let errBytes = 0;
    let stopped: { kind: 'output-too-large' | 'timeout' | 'aborted' } | null = null;
    let spawnError: NodeJS.ErrnoException | null = null;
    let killTimer: NodeJS.Timeout | undefined;

    const stop = (kind: 'output-too-large' | 'timeout' | 'aborted') => {
      if (stopped) return;
      stopped = { kind };
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };

    const timer = opts.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;
    const onAbort = () => stop('aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout?.on('data', (chunk: Buffer) => {
      if (stopped) return;
      outBytes += chunk.length;
      if (outBytes > maxOut) {
        stop('output-too-large');
        return;
      }
      out.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err.push(chunk);
      errBytes += chunk.length;
      if (errBytes > MAX_STDERR_BYTES * 2) {
        // Keep the tail: git's "fatal:" line comes last.
        const joined = Buffer.concat(err);
        err = [joined.subarray(joined.length - MAX_STDERR_BYTES)];
        errBytes = MAX_STDERR_BYTES;
      }
    });
    if (opts.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => {
        /* git may exit before reading all of stdin; the exit code tells the story. */
      });
      child.stdin.end(opts.stdin);
    }

    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });

    child.on('close', (code, sig) => {
      untrackGroup(child.pid);
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      const stderr = Buffer.concat(err).toString('utf8');
      if (crashName) crashPoint(`${crashName}:after`);

      if (spawnError) {
        reject(spawnFailure(spawnError, args, opts.cwd));
        return;
      }
      if (stopped) {
        const { kind } = stopped;
        const message =
          kind === 'output-too-large'
            ? `${describe(args)} in ${opts.cwd} produced more than ${formatBytes(maxOut)} of output and was stopped. The repository or remote is unusually large; narrow the tag pattern or raise the limit.`
            : kind === 'timeout'
              ? `${describe(args)} in ${opts.cwd} did not finish within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s and was stopped. Check the network and try again.`
              : `${describe(args)} in ${opts.cwd} was cancelled.`;
        reject(fail(kind, code, stderr, { message, details: kind === 'output-too-large' ? { maxOutputBytes: maxOut } : {} }));
        return;
      }
      const exitCode = code ?? (sig ? 128 + signalNumber(sig) : 1);
      const stdout = Buffer.concat(out).toString('utf8');
      if (expected.includes(exitCode)) {
        resolve({ stdout, stderr, exitCode });
        return;
      }
      const kind = classifyGitStderr(stderr);
      const error = fail(kind, exitCode, stderr);
      if (opts.expectedErrors?.includes(kind)) resolve({ stdout, stderr, exitCode, error });
      else reject(error);
    });
  });
}

const describe = describeCommand;

/**
 * Process groups of git commands still running. git runs in its own session (so ssh cannot prompt), which also
 * means a Ctrl-C on Upshift's terminal does not reach it: when Upshift exits, it ends them itself.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
/** Registers a git process group to be killed if Upshift exits while it runs (also used by object-reader.ts). */
export function trackGroup(pid: number | undefined): void {
  if (pid === undefined || process.platform === 'win32') return;
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const g of liveGroups) killGroup(g, 'SIGKILL');
    });
  }
}

/** The group ended by itself: nothing to kill at exit. */
export function untrackGroup(pid: number | undefined): void {
  if (pid !== undefined) liveGroups.delete(pid);
}

export function spawnFailure(e: NodeJS.ErrnoException, args: readonly string[], cwd: string): GitError {
  if (e.code === 'ENOENT' && !isDirectory(cwd)) {
    return new GitError({
      kind: 'not-a-repository',
      args: [...args],
      exitCode: null,
      stderr: '',
      cwd,
      message: `${describe(args)} could not run: ${cwd} does not exist or is not a directory. Check the project path.`,
      cause: e,
    });
  }
  return new GitError({
    kind: 'git-not-found',
    args: [...args],
    exitCode: null,
    stderr: '',
    cwd,
    message: `Could not start git (${e.code ?? e.message}). Install git 2.30 or newer and make sure it is on PATH.`,
    cause: e,
  });
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') process.kill(pid, sig);
    else process.kill(-pid, sig);
  } catch {
    // Already gone.
  }
}

function signalNumber(sig: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 };
  return table[sig] ?? 0;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}
