import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { processStartTime } from '../state/proc.js';

export interface RunOptions {
  cwd: string;
  /** Stop the command after this long (ms). Null, undefined or 0: no limit. */
  timeoutMs?: number | null;
  /** After SIGTERM to the process group, wait this long before SIGKILL. Default 5000. */
  killGraceMs?: number;
  /** Output (stdout and stderr interleaved by line) is written here, capped. Parent dirs are created (0700). */
  logPath?: string | null;
  /** Default 5 MiB; output past it is dropped from the log (a marker says so) but still feeds the excerpt. */
  maxLogBytes?: number;
  /** Lines kept for the excerpt (the tail of the output). Default 40. */
  excerptLines?: number;
  /** Cap of the excerpt in bytes. Default 8 KiB. */
  excerptBytes?: number;
  /** Aborting stops the command like a timeout does. */
  signal?: AbortSignal;
  /** Added to (not replacing) the current environment; a key set to undefined is removed. */
  env?: Record<string, string | undefined>;
  /**
   * Called once, synchronously, right after the process started, with its pid (= its process group id): journal
   * it (with `processStartTime(pid)`) so that crash recovery can stop an orphaned group with `stopProcessGroup`.
   */
  onSpawn?: (pid: number) => void;
  /** Every complete output line, as it arrives. Exceptions thrown here are ignored. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * After the command exits, how long to keep reading output that is still in flight before giving up on pipes
   * that a background grandchild holds open. Default 500 ms.
   */
  drainMs?: number;
}

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  /** How the process group was stopped, if it was: SIGKILL means it outlived the grace period after SIGTERM. */
  killedWith: 'SIGTERM' | 'SIGKILL' | null;
  timeoutMs: number | null;
  durationMs: number;
  /** The last lines of output (ANSI escapes removed, carriage-return progress collapsed), capped. */
  excerpt: string;
  logPath: string | null;
  logTruncated: boolean;
  pid: number | null;
}

const DEFAULTS = {
  killGraceMs: 5000,
  maxLogBytes: 5 * 1024 * 1024,
  excerptLines: 40,
  excerptBytes: 8 * 1024,
  drainMs: 500,
};
/** A line longer than this is emitted in pieces (progress output with no newline must not grow memory forever). */
const MAX_LINE_CHARS = 64 * 1024;
const GROUP_POLL_MS = 50;

/**
 * Runs `command` with `/bin/sh -c` in its own process group. Never rejects for a non-zero exit (see
 * CommandResult); rejects only when it cannot start (missing cwd). stderr is joined to stdout at the source
 * (`exec 2>&1`, then `exec /bin/sh -c "$1"`: the same pid, the command string untouched), so the log and the
 * excerpt keep the exact order a terminal would show; `onLine` then reports every line as 'stdout'.
 */
export function runCommand(command: string, opts: RunOptions): Promise<CommandResult> {
  return runProcess('/bin/sh', ['-c', 'exec 2>&1; exec /bin/sh -c "$1"', 'sh', command], command, opts);
}

/**
 * Runs `file` with `args` directly (no shell), in its own process group, like runCommand. stdout and stderr stay
 * separate pipes here, interleaved line by line as they arrive; a missing program rejects.
 */
export function runArgv(file: string, args: readonly string[], opts: RunOptions): Promise<CommandResult> {
  return runProcess(file, [...args], [file, ...args].map(displayQuote).join(' '), opts);
}

/** `exited with code 1`, `timed out after 300 s (killed)`, `killed by signal SIGSEGV`, ... */
export function formatExitReason(result: Pick<CommandResult, 'exitCode' | 'signal' | 'timedOut' | 'aborted' | 'killedWith' | 'timeoutMs'>): string {
  const escalated = result.killedWith === 'SIGKILL' ? ' (killed; it ignored SIGTERM)' : ' (killed)';
  if (result.timedOut) return `timed out after ${formatDuration(result.timeoutMs ?? 0)}${escalated}`;
  if (result.aborted) return `was cancelled${escalated}`;
  if (result.signal) return `killed by signal ${result.signal}`;
  if (result.exitCode !== null) return `exited with code ${result.exitCode}`;
  return 'ended without an exit code';
}

/** `250 ms`, `1.5 s`, `300 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 100) / 10;
  return `${Number.isInteger(s) ? s.toFixed(0) : s.toFixed(1)} s`;
}

export function commandSucceeded(result: CommandResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.aborted;
}

function displayQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

function cleanForExcerpt(line: string, maxChars: number): string {
  let text = line.replace(ANSI, '');
  if (text.includes('\r')) {
    const parts = text.split('\r').filter((p) => p !== '');
    text = parts[parts.length - 1] ?? '';
  }
  return text.length > maxChars ? text.slice(text.length - maxChars) : text;
}

/** The log file: a head of at most maxBytes of output, then a marker. Write errors (disk full) stop logging, never the run. */
class CappedLog {
  private fd: number | null = null;
  private written = 0;
  truncated = false;

  constructor(
    readonly file: string | null,
    private readonly maxBytes: number,
  ) {
    if (file === null) return;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.fd = openSync(file, 'w', 0o600);
  }

  /** Upshift's own lines (header/footer): not counted against the cap. */
  note(text: string): void {
    this.raw(Buffer.from(text, 'utf8'));
  }

  output(text: string): void {
    if (this.fd === null || this.truncated) return;
    const buf = Buffer.from(text, 'utf8');
    const room = this.maxBytes - this.written;
    if (buf.length <= room) {
      this.raw(buf);
      this.written += buf.length;
      return;
    }
    if (room > 0) this.raw(buf.subarray(0, room));
    this.written = this.maxBytes;
    this.truncated = true;
    this.raw(Buffer.from(`\n[upshift] log truncated: output beyond ${this.maxBytes} bytes was not written; the excerpt shows the end.\n`));
  }

  private raw(buf: Buffer): void {
    if (this.fd === null) return;
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch {
      this.close();
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already gone
    }
    this.fd = null;
  }
}

class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.feed(this.decoder.write(chunk));
  }

  end(): void {
    this.feed(this.decoder.end());
    if (this.partial !== '') {
      const rest = this.partial;
      this.partial = '';
      this.emit(rest);
    }
  }

  private feed(text: string): void {
    if (text === '') return;
    let buf = this.partial + text;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      this.emit(buf.slice(0, nl).replace(/\r$/, ''));
      buf = buf.slice(nl + 1);
    }
    while (buf.length > MAX_LINE_CHARS) {
      this.emit(buf.slice(0, MAX_LINE_CHARS));
      buf = buf.slice(MAX_LINE_CHARS);
    }
    this.partial = buf;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

function groupAlive(child: ChildProcess): boolean {
  const pid = child.pid;
  if (pid === undefined) return false;
  if (process.platform === 'win32') return child.exitCode === null && child.signalCode === null;
  return processGroupAlive(pid);
}

/**
 * Whether any process of group `pgid` is still running. Members that already exited but were reparented to a
 * PID 1 that reaps slowly (containers) linger as zombies: on Linux those do not count.
 */
export function processGroupAlive(pgid: number): boolean {
  if (!Number.isSafeInteger(pgid) || pgid <= 1 || process.platform === 'win32') return false;
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name: state (3), ppid (4), pgrp (5).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(rest[2]) === pgid && rest[0] !== 'Z' && rest[0] !== 'X') return true;
  }
  return false;
}

export type StopGroupOutcome = 'not-running' | 'not-ours' | 'terminated' | 'killed';

/**
 * Stops a process group that a previous (crashed) Upshift process started with runCommand, given the leader's
 * pid and start time as journalled from `onSpawn`. Safe against pid reuse: Linux does not hand out a pid while
 * a group with that id has members, so a group whose leader is gone is still ours; a leader that is alive with
 * another start time means the id was reused, and nothing is touched. SIGTERM, then SIGKILL after `graceMs`.
 */
export async function stopProcessGroup(pgid: number, leaderStartTime: number | null, opts: { graceMs?: number } = {}): Promise<StopGroupOutcome> {
  if (!processGroupAlive(pgid)) return 'not-running';
  const leaderNow = processStartTime(pgid);
  if (leaderNow !== null && leaderStartTime !== null && leaderNow !== leaderStartTime) return 'not-ours';
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + (opts.graceMs ?? DEFAULTS.killGraceMs);
  while (Date.now() < deadline) {
    if (!processGroupAlive(pgid)) return 'terminated';
    await new Promise((r) => setTimeout(r, GROUP_POLL_MS));
  }
  if (!processGroupAlive(pgid)) return 'terminated';
  signal('SIGKILL');
  return 'killed';
}

function runProcess(file: string, args: string[], display: string, opts: RunOptions): Promise<CommandResult> {
  const killGraceMs = opts.killGraceMs ?? DEFAULTS.killGraceMs;
  const maxLogBytes = opts.maxLogBytes ?? DEFAULTS.maxLogBytes;
  const excerptLines = Math.max(1, opts.excerptLines ?? DEFAULTS.excerptLines);
  const excerptBytes = opts.excerptBytes ?? DEFAULTS.excerptBytes;
  const drainMs = opts.drainMs ?? DEFAULTS.drainMs;
  const timeoutMs = opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : null;
  const logPath = opts.logPath ?? null;

  let cwdOk = false;
  try {
    cwdOk = statSync(opts.cwd).isDirectory();
  } catch {
    cwdOk = false;
  }
  if (!cwdOk) return Promise.reject(new Error(`Cannot run "${display}": working directory ${opts.cwd} does not exist or is not a directory.`));

  const started = performance.now();
  const log = new CappedLog(logPath, maxLogBytes);
  log.note(`[upshift] $ ${display}\n[upshift] cwd: ${opts.cwd}\n[upshift] started: ${new Date().toISOString()}\n`);

  const tail: string[] = [];
  const excerpt = (): string => {
    let text = tail.join('\n');
    if (Buffer.byteLength(text, 'utf8') > excerptBytes) {
      const buf = Buffer.from(text, 'utf8');
      text = buf.subarray(buf.length - excerptBytes).toString('utf8').replace(/^\uFFFD+/, '');
      const nl = text.indexOf('\n');
      if (nl >= 0 && nl < text.length - 1) text = text.slice(nl + 1);
    }
    return text;
  };

  const base = {
    timeoutMs,
    logPath,
    exitCode: null as number | null,
    signal: null as string | null,
    timedOut: false,
    aborted: false,
    killedWith: null as CommandResult['killedWith'],
  };

  if (opts.signal?.aborted) {
    const result: CommandResult = { ...base, aborted: true, durationMs: 0, excerpt: '', logTruncated: false, pid: null };
    log.note(`[upshift] not started: ${formatExitReason(result)}\n`);
    log.close();
    return Promise.resolve(result);
  }

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }

  return new Promise<CommandResult>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, { cwd: opts.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (err) {
      log.close();
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }

    let exited = false;
    let closed = false;
    let drainExpired = false;
    let terminating = false;
    let sigkillSent = false;
    let done = false;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let pollTimer: NodeJS.Timeout | undefined;

    const onLine = (stream: 'stdout' | 'stderr') => (line: string) => {
      log.output(`${line}\n`);
      tail.push(cleanForExcerpt(line, excerptBytes));
      if (tail.length > excerptLines) tail.shift();
      if (opts.onLine) {
        try {
          opts.onLine(line, stream);
        } catch {
          // a listener's failure must not break the run
        }
      }
    };
    const splitOut = new LineSplitter(onLine('stdout'));
    const splitErr = new LineSplitter(onLine('stderr'));
    child.stdout?.on('data', (chunk: Buffer) => splitOut.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => splitErr.push(chunk));
    // Reading a pipe we destroy on purpose can report an error; it is not the command's failure.
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);

    const cleanup = () => {
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      clearInterval(pollTimer);
      opts.signal?.removeEventListener('abort', onAbort);
    };

    const finish = () => {
      if (done) return;
      done = true;
      cleanup();
      splitOut.end();
      splitErr.end();
      child.stdout?.destroy();
      child.stderr?.destroy();
      const result: CommandResult = {
        ...base,
        durationMs: Math.round(performance.now() - started),
        excerpt: excerpt(),
        logTruncated: log.truncated,
        pid: child.pid ?? null,
      };
      log.note(`\n[upshift] ${formatExitReason(result)} after ${formatDuration(result.durationMs)}\n`);
      log.close();
      resolve(result);
    };

    const maybeFinish = () => {
      if (done || !exited) return;
      if (!closed && !drainExpired) return;
      if (terminating && !sigkillSent && groupAlive(child)) return;
      finish();
    };

    const terminate = (why: 'timeout' | 'abort') => {
      if (terminating || done || exited) return;
      terminating = true;
      if (why === 'timeout') base.timedOut = true;
      else base.aborted = true;
      base.killedWith = 'SIGTERM';
      killGroup(child, 'SIGTERM');
      pollTimer = setInterval(maybeFinish, GROUP_POLL_MS);
      graceTimer = setTimeout(() => {
        if (groupAlive(child)) {
          base.killedWith = 'SIGKILL';
          killGroup(child, 'SIGKILL');
        }
        sigkillSent = true;
        maybeFinish();
      }, killGraceMs);
    };

    function onAbort() {
      terminate('abort');
    }

    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined || done) return; // a signal-delivery error on a running child: ignore
      done = true;
      cleanup();
      log.note(`[upshift] could not start: ${err.message}\n`);
      log.close();
      const msg = err.code === 'ENOENT' ? `Cannot run "${display}": ${file} not found.` : `Cannot run "${display}": ${err.message}`;
      reject(Object.assign(new Error(msg, { cause: err }), { code: err.code }));
    });

    child.once('exit', (code, signal) => {
      exited = true;
      clearTimeout(timeoutTimer);
      base.exitCode = code;
      base.signal = signal;
      drainTimer = setTimeout(() => {
        drainExpired = true;
        maybeFinish();
      }, drainMs);
      maybeFinish();
    });

    child.once('close', () => {
      closed = true;
      maybeFinish();
    });

    if (child.pid === undefined) return; // spawn failed: 'error' follows
    if (opts.onSpawn) {
      try {
        opts.onSpawn(child.pid);
      } catch (err) {
        // Not recorded means not recoverable after a crash: do not run the command unrecorded.
        killGroup(child, 'SIGKILL');
        done = true;
        cleanup();
        child.stdout?.destroy();
        child.stderr?.destroy();
        log.note(`[upshift] stopped: recording the process failed: ${(err as Error).message}\n`);
        log.close();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }

    if (timeoutMs !== null) timeoutTimer = setTimeout(() => terminate('timeout'), timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
