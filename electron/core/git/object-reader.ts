/**
 * One long-lived `git cat-file --batch-command` per repository (issue 12 §2): the reads of a plan that are object
 * lookups — peeling a fetched tag, the tag's message, a commit's root listing, release metadata and notes blobs, the
 * checkout's own release metadata — go through one process instead of one each. Requests are written to git's stdin
 * as they come and answered in order, so concurrent readers pipeline through the same process.
 *
 * The process never outlives its use: it is started on the first request, closed after a short idle time, holds no
 * reference on Node's event loop while nothing is asked (a command ends as if it were not there), is killed when
 * Upshift exits, and — should Upshift die without running any handler — reads end-of-file on stdin and exits itself.
 * Every request has a deadline and a size cap; answers are parsed as bytes (objects may hold anything).
 *
 * `--batch-command` needs git 2.36. With an older git the first request fails with ObjectReaderUnsupported, once per
 * process, and callers fall back to the one-process-per-read verbs (see `withObjectReader`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { GitError, GLOBAL_GIT_OPTIONS, classifyGitStderr, gitEnvironment, killGroup, spawnFailure, trackGroup, untrackGroup } from './core.js';

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface ObjectHeader {
  oid: string;
  type: ObjectType;
  size: number;
}

export interface GitObject extends ObjectHeader {
  data: Buffer;
}

export interface ReadObjectOptions {
  signal?: AbortSignal | undefined;
  /** An object bigger than this is not returned (its bytes are read past): `output-too-large`. Default 16 MiB. */
  maxBytes?: number;
}

export interface ObjectReaderOptions {
  /** A request not answered within this is taken as a hung git: the process is killed. Default 60 s. */
  timeoutMs?: number;
  /** The process is closed after this long without requests. Default 2 s. */
  idleMs?: number;
  /** For tests: the cat-file arguments (an unknown option stands in for a git without --batch-command). */
  args?: readonly string[];
}

/** Thrown by every request when this git has no `cat-file --batch-command` (older than 2.36). */
export class ObjectReaderUnsupported extends Error {
  constructor(stderr: string) {
    super(`git cat-file --batch-command is not supported by this git (2.36 or newer has it): ${stderr.trim().split('\n')[0] ?? ''}`);
    this.name = 'ObjectReaderUnsupported';
  }
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_IDLE_MS = 2_000;
/** A header line is `<oid> <type> <size>` or `<name> missing`: anything longer is not git talking. */
const MAX_HEADER_BYTES = 8 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;
const KILL_GRACE_MS = 2_000;
/**
 * Idle processes kept at most, across repositories: a `check` of 200 projects reading each checkout's metadata once
 * must not leave 200 processes waiting out their idle time. Past it the longest idle is closed at once.
 */
const MAX_IDLE_SESSIONS = 4;
/** Sessions with nothing outstanding, the longest idle first. */
const idleSessions = new Set<Session>();
const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) (blob|tree|commit|tag) (\d+)$/;

/** Learnt once per process and argument list: no use starting a git that will refuse the option again. */
const unsupported = new Map<string, ObjectReaderUnsupported>();

interface Request {
  command: 'info' | 'contents';
  name: string;
  maxBytes: number;
  resolve: (value: GitObject | ObjectHeader | null) => void;
  reject: (e: Error) => void;
  /** Answered, failed, timed out or aborted: its answer, if one still comes, is read past. */
  settled: boolean;
}

interface Body {
  request: Request;
  header: ObjectHeader;
  /** Bytes still to read, the trailing newline included. */
  remaining: number;
  chunks: Buffer[] | null;
}

export class ObjectReader {
  private session: Session | null = null;
  private readonly timeoutMs: number;
  private readonly idleMs: number;
  private readonly args: readonly string[];
  private readonly key: string;

  constructor(
    readonly cwd: string,
    opts: ObjectReaderOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
    this.args = opts.args ?? ['cat-file', '--batch-command'];
    this.key = this.args.join(' ');
  }

  /** False once this git is known to lack `--batch-command`: callers go straight to their fallback. */
  get usable(): boolean {
    return !unsupported.has(this.key);
  }

  /** The id of the git process answering now, or null when none runs (tests). */
  get pid(): number | null {
    return this.session?.child.pid ?? null;
  }

  /** The object's id, type and size, or null when `name` names no object. */
  info(name: string, opts: ReadObjectOptions = {}): Promise<ObjectHeader | null> {
    return this.request('info', name, opts) as Promise<ObjectHeader | null>;
  }

  /** The object with its bytes, or null when `name` names no object. */
  contents(name: string, opts: ReadObjectOptions = {}): Promise<GitObject | null> {
    return this.request('contents', name, opts) as Promise<GitObject | null>;
  }

  /** Ends git's input and waits for it to answer what was asked and exit (killed after a grace period). */
  close(): Promise<void> {
    const s = this.session;
    this.session = null;
    return s ? s.close() : Promise.resolve();
  }

  private request(command: Request['command'], name: string, opts: ReadObjectOptions): Promise<GitObject | ObjectHeader | null> {
    const known = unsupported.get(this.key);
    if (known) return Promise.reject(known);
    if (name === '' || /[\n\r\0]/.test(name)) {
      return Promise.reject(gitError(this.cwd, this.args, 'invalid-argument', `Refused to ask git for the object ${JSON.stringify(name)}: a name must be one line without NUL. Nothing was read.`));
    }
    if (opts.signal?.aborted) return Promise.reject(gitError(this.cwd, this.args, 'aborted', `Reading ${name} in ${this.cwd} was cancelled before it started.`));
    if (!this.session || !this.session.open) {
      const s = new Session(this.cwd, this.args, this.key, this.idleMs, () => {
        if (this.session === s) this.session = null;
      });
      this.session = s;
    }
    return this.session.ask(command, name, opts, this.timeoutMs);
  }
}

/** One git process and what it still owes, in order. */
class Session {
  readonly child: ChildProcess;
  /** Accepting requests: not closing, not failed. */
  open = true;
  private readonly queue: Request[] = [];
  private pending: Buffer = Buffer.alloc(0);
  private body: Body | null = null;
  private stderr = '';
  private idleTimer: NodeJS.Timeout | undefined;
  private closed: Promise<void>;

  constructor(
    private readonly cwd: string,
    private readonly args: readonly string[],
    key: string,
    private readonly idleMs: number,
    onEnd: () => void,
  ) {
    const child = spawn('git', [...GLOBAL_GIT_OPTIONS, ...args], {
      cwd,
      env: gitEnvironment(process.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, like every git Upshift runs, so that it is killed as a whole (core.ts).
      detached: process.platform !== 'win32',
      windowsHide: true,
      shell: false,
    });
    this.child = child;
    trackGroup(child.pid);
    let spawnError: NodeJS.ErrnoException | null = null;
    child.stdout?.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-MAX_STDERR_BYTES);
    });
    // git may exit with requests unwritten (a bad repository): the close handler says why.
    child.stdin?.on('error', () => {});
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    this.closed = new Promise<void>((resolve) => {
      child.on('close', (code) => {
        untrackGroup(child.pid);
        idleSessions.delete(this);
        this.open = false;
        if (this.idleTimer) clearTimeout(this.idleTimer);
        onEnd();
        const left = this.queue.splice(0);
        let err: Error | null = null;
        if (spawnError) err = spawnFailure(spawnError, args, cwd);
        else if (code === 129 && /usage|unknown option/i.test(this.stderr)) {
          err = new ObjectReaderUnsupported(this.stderr);
          unsupported.set(key, err as ObjectReaderUnsupported);
        } else if (left.length > 0) {
          const last = this.stderr.trim().split('\n').pop() ?? '';
          err = gitError(cwd, args, classifyGitStderr(this.stderr), `git cat-file in ${cwd} ended (exit ${code ?? 'by signal'}) before answering${last ? `: ${last}` : ''}.`, this.stderr, code);
        }
        for (const r of left) r.reject(err!);
        resolve();
      });
    });
  }

  ask(command: Request['command'], name: string, opts: ReadObjectOptions, timeoutMs: number): Promise<GitObject | ObjectHeader | null> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(gitError(this.cwd, this.args, 'timeout', `git cat-file in ${this.cwd} did not answer for ${name} within ${Math.round(timeoutMs / 1000)} s and was stopped.`)), timeoutMs);
      const onAbort = () => settle(() => reject(gitError(this.cwd, this.args, 'aborted', `Reading ${name} in ${this.cwd} was cancelled.`)));
      const settle = (fn: () => void) => {
        if (req.settled) return;
        req.settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const req: Request = {
        command,
        name,
        maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
        settled: false,
        resolve: (v) => settle(() => resolve(v)),
        reject: (e) => settle(() => reject(e)),
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(req);
      idleSessions.delete(this);
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.hold(true);
      this.child.stdin?.write(`${command} ${name}\n`);
    });
  }

  /** Ends git's input: it answers what was asked, then exits (killed after a grace period). */
  close(): Promise<void> {
    idleSessions.delete(this);
    if (this.open) {
      this.open = false;
      const kill = setTimeout(() => killGroup(this.child.pid, 'SIGKILL'), KILL_GRACE_MS);
      kill.unref();
      void this.closed.then(() => clearTimeout(kill));
      this.child.stdin?.end();
    }
    return this.closed;
  }

  /** Answers arrive in the order asked: a header line, and for `contents` the object's bytes and a newline. */
  private onData(chunk: Buffer): void {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.body) {
        const take = Math.min(this.body.remaining, data.length);
        this.body.chunks?.push(data.subarray(0, take));
        this.body.remaining -= take;
        data = data.subarray(take);
        if (this.body.remaining === 0) this.finishBody();
        continue;
      }
      const nl = data.indexOf(0x0a);
      if (nl < 0) {
        if (data.length > MAX_HEADER_BYTES) this.fail(gitError(this.cwd, this.args, 'unknown', `git cat-file in ${this.cwd} answered with an unreadable line.`));
        else this.pending = Buffer.from(data);
        return;
      }
      const line = data.subarray(0, nl).toString('utf8');
      data = data.subarray(nl + 1);
      const req = this.queue[0];
      if (!req) {
        this.fail(gitError(this.cwd, this.args, 'unknown', `git cat-file in ${this.cwd} answered a question nobody asked: ${line.slice(0, 200)}`));
        return;
      }
      const m = HEADER.exec(line);
      if (!m) {
        this.queue.shift();
        // `<name> missing` / `<name> ambiguous`: no such object (names are full ids and refs, never abbreviations).
        if (line === `${req.name} missing` || line === `${req.name} ambiguous`) req.resolve(null);
        else req.reject(gitError(this.cwd, this.args, 'unknown', `git cat-file in ${this.cwd} answered "${line.slice(0, 200)}" for ${req.name}.`));
        this.afterAnswer();
        continue;
      }
      const header: ObjectHeader = { oid: m[1]!, type: m[2] as ObjectType, size: Number(m[3]) };
      if (req.command === 'info') {
        this.queue.shift();
        req.resolve(header);
        this.afterAnswer();
        continue;
      }
      // Too big, or nobody waits for it any more: read past its bytes without keeping them.
      const keep = !req.settled && header.size <= req.maxBytes;
      if (!keep && !req.settled) {
        req.reject(
          gitError(this.cwd, this.args, 'output-too-large', `${req.name} in ${this.cwd} is ${header.size} bytes, more than the ${req.maxBytes} bytes Upshift reads. It was not read.`, '', null, {
            size: header.size,
            maxBytes: req.maxBytes,
          }),
        );
      }
      this.body = { request: req, header, remaining: header.size + 1, chunks: keep ? [] : null };
    }
  }

  private finishBody(): void {
    const { request, header, chunks } = this.body!;
    this.body = null;
    this.queue.shift();
    if (chunks) {
      const all = Buffer.concat(chunks);
      // The last byte is the newline after the object.
      if (all[all.length - 1] !== 0x0a) {
        this.fail(gitError(this.cwd, this.args, 'unknown', `git cat-file in ${this.cwd} sent ${request.name} without its closing newline.`));
        return;
      }
      request.resolve({ ...header, data: all.subarray(0, all.length - 1) });
    }
    this.afterAnswer();
  }

  /** With nothing left to answer, the process holds the event loop no longer and is closed after `idleMs`. */
  private afterAnswer(): void {
    if (this.queue.length > 0 || this.body) return;
    this.hold(false);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (!this.open) return;
    this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
    this.idleTimer.unref();
    idleSessions.add(this);
    for (const oldest of idleSessions) {
      if (idleSessions.size <= MAX_IDLE_SESSIONS) break;
      void oldest.close();
    }
  }

  /** The stream cannot be trusted any more (a hung git, bytes that are not an answer): stop it, fail what it owed. */
  private fail(err: GitError): void {
    this.open = false;
    idleSessions.delete(this);
    for (const r of this.queue.splice(0)) r.reject(err);
    this.body = null;
    this.pending = Buffer.alloc(0);
    killGroup(this.child.pid, 'SIGKILL');
  }

  /** Only a process with questions outstanding keeps Node running. */
  private hold(on: boolean): void {
    const c = this.child;
    for (const h of [c, c.stdin, c.stdout, c.stderr] as Array<{ ref?: () => void; unref?: () => void } | null>) {
      if (on) h?.ref?.();
      else h?.unref?.();
    }
  }
}

function gitError(cwd: string, args: readonly string[], kind: GitError['kind'], message: string, stderr = '', exitCode: number | null = null, details?: Record<string, unknown>): GitError {
  return new GitError({ kind, args: [...args], exitCode, stderr, cwd, message, ...(details ? { details } : {}) });
}

const shared = new Map<string, ObjectReader>();

/** The reader of the repository at `cwd` shared by everything in this process (one git process at a time). */
export function sharedObjectReader(cwd: string): ObjectReader {
  let r = shared.get(cwd);
  if (!r) {
    r = new ObjectReader(cwd);
    shared.set(cwd, r);
  }
  return r;
}

/** Closes every shared reader (tests; a long-lived host shutting down). */
export async function closeSharedObjectReaders(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.all(all.map((r) => r.close()));
}

/**
 * `fast` over the reader when there is one this git supports, else `slow` (the one-process verbs): a git older than
 * 2.36 answers exactly as before, only with more processes.
 */
export async function withObjectReader<T>(reader: ObjectReader | undefined, fast: (r: ObjectReader) => Promise<T>, slow: () => Promise<T>): Promise<T> {
  if (!reader || !reader.usable) return slow();
  try {
    return await fast(reader);
  } catch (e) {
    if (e instanceof ObjectReaderUnsupported) return slow();
    throw e;
  }
}

/** For tests: forget that this git lacked --batch-command. */
export function resetObjectReaderSupport(): void {
  unsupported.clear();
}
