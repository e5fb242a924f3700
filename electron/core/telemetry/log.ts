/**
 * Structured logs: one logger per module (`moduleLogger('executor')`), JSON lines in `<home>/logs/upshift.log`
 * (rotated by size, see log-file.ts), written through pino. The engine points the sink at its state directory when
 * it opens (`configureLogging`); until then, and in processes that never open one, lines go nowhere.
 *
 * - Levels: `UPSHIFT_LOG_LEVEL` = trace | debug | info (default) | warn | error | fatal | silent.
 * - Every line written inside an operation carries its id (`op`) and project: `withLogContext` binds them for the
 *   whole async flow (AsyncLocalStorage), so lines from the git layer or a source during the operation have them
 *   too, without threading a child logger through every call.
 * - Secrets: every line is scrubbed of the secrets registered with `registerSecret` (GitHub tokens, notification
 *   URLs' passwords and keys) before it reaches the file, whatever field or message they hid in.
 * - Nothing is printed: the CLI's stdout and stderr are its user interface. `UPSHIFT_LOG_STDERR=1` mirrors the lines
 *   to stderr — human-readable on a TTY (log-format.ts), JSON otherwise — for `serve` or the daemon in a terminal.
 * - pino is loaded on the first line actually written (about 15 ms), so commands that log nothing never pay for it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Logger as PinoLogger, LoggerOptions } from 'pino';
import { formatLine } from './log-format.js';
import { DEFAULT_KEEP, DEFAULT_MAX_BYTES, RotatingFile } from './log-file.js';

export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
export type LevelName = Exclude<keyof typeof LEVELS, 'silent'>;
export type LogFields = Record<string, unknown>;

export interface Logger {
  trace(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields` too (e.g. `{op}` for an operation run outside withLogContext). */
  child(fields: LogFields): Logger;
  /** True when a line at `level` would be written (to skip building expensive fields). */
  enabled(level: LevelName): boolean;
}

export interface LoggingOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  /** Where the stderr mirror goes (tests). */
  stderr?: { write(s: string): unknown; isTTY?: boolean };
}

/** The file every process appends to: `<home>/logs/upshift.log`. */
export function logFilePath(home: string): string {
  return join(home, 'logs', 'upshift.log');
}

interface Sink {
  home: string;
  level: number;
  levelName: keyof typeof LEVELS;
  file: RotatingFile;
  mirror: { write(s: string): unknown; isTTY?: boolean } | null;
  root: PinoLogger | null;
}

let sink: Sink | null = null;
/** Bumped on every (re)configuration, so module loggers drop their cached pino children. */
let generation = 0;
const secrets = new Set<string>();
const context = new AsyncLocalStorage<LogFields>();

export function parseLevel(raw: string | undefined): keyof typeof LEVELS {
  const v = (raw ?? '').trim().toLowerCase();
  return v in LEVELS ? (v as keyof typeof LEVELS) : 'info';
}

/**
 * Points the logs at `<home>/logs/upshift.log`. Called by the engine when it opens a state directory; calling it
 * again for the same directory keeps the open file, another directory switches to it (tests open many).
 */
export function configureLogging(opts: LoggingOptions): void {
  const env = opts.env ?? process.env;
  const levelName = parseLevel(env.UPSHIFT_LOG_LEVEL);
  if (sink && sink.home === opts.home && sink.levelName === levelName) return;
  sink?.file.close();
  const maxBytes = Number(env.UPSHIFT_LOG_MAX_BYTES) || DEFAULT_MAX_BYTES;
  const keep = Number(env.UPSHIFT_LOG_KEEP) || DEFAULT_KEEP;
  const mirror = env.UPSHIFT_LOG_STDERR === '1' ? (opts.stderr ?? process.stderr) : null;
  sink = { home: opts.home, level: LEVELS[levelName], levelName, file: new RotatingFile(logFilePath(opts.home), { maxBytes, keep }), mirror, root: null };
  generation++;
}

/** Closes the log file (tests; a process that exits needs nothing: every line is already written). */
export function closeLogging(): void {
  sink?.file.close();
  sink = null;
  generation++;
}

/** A secret (token, password, webhook key) that must never appear in a log line; short strings are ignored. */
export function registerSecret(secret: string | null | undefined): void {
  if (secret && secret.length >= 6) secrets.add(secret);
}

/** Runs `fn` with `fields` (e.g. `{op, project}`) added to every line logged inside it, across awaits. */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

function scrub(text: string): string {
  let out = text;
  for (const s of secrets) {
    if (!out.includes(s) && !out.includes(encodeURIComponent(s))) continue;
    for (const form of new Set([s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)])) out = out.split(form).join('[redacted]');
  }
  return out;
}

/** pino, loaded on first use: the CLI bundle and the app's CommonJS bundle have `require`; plain ES modules make one. */
function loadPino(): typeof import('pino').default {
  const req = typeof require === 'function' ? require : createRequire(import.meta.url);
  return req('pino') as typeof import('pino').default;
}

function rootLogger(s: Sink): PinoLogger {
  if (s.root) return s.root;
  const pino = loadPino();
  const options: LoggerOptions = {
    level: s.levelName,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => context.getStore() ?? {},
    // Field names that hold secrets wherever they appear, as well as the value scrub below.
    redact: { paths: ['token', 'authorization', 'password', 'secret', '*.token', '*.authorization', '*.password', '*.secret', 'headers.authorization'], censor: '[redacted]' },
  };
  const destination = {
    write(line: string): void {
      const clean = secrets.size > 0 ? scrub(line) : line;
      s.file.write(clean);
      if (s.mirror) s.mirror.write(s.mirror.isTTY ? formatLine(clean) : clean);
    },
  };
  s.root = pino(options, destination);
  return s.root;
}

class ModuleLogger implements Logger {
  private cached: PinoLogger | null = null;
  private cachedGeneration = -1;

  constructor(private readonly bindings: LogFields) {}

  enabled(level: LevelName): boolean {
    return sink !== null && LEVELS[level] >= sink.level;
  }

  private write(level: LevelName, msg: string, fields?: LogFields): void {
    if (sink === null || LEVELS[level] < sink.level) return;
    try {
      if (this.cachedGeneration !== generation || this.cached === null) {
        this.cached = rootLogger(sink).child(this.bindings);
        this.cachedGeneration = generation;
      }
      if (fields) this.cached[level](fields, msg);
      else this.cached[level](msg);
    } catch {
      // Logging never breaks what it describes.
    }
  }

  trace(msg: string, fields?: LogFields): void {
    this.write('trace', msg, fields);
  }
  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }
  child(fields: LogFields): Logger {
    return new ModuleLogger({ ...this.bindings, ...fields });
  }
}

/** The logger of one module; its lines carry `module: name`. Cheap: create it at module level. */
export function moduleLogger(name: string): Logger {
  return new ModuleLogger({ module: name });
}

/** An error as log fields: code and message, never the stack of a user-facing failure's whole cause chain. */
export function errorFields(err: unknown): LogFields {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; category?: unknown };
    return { err: { code: typeof e.code === 'string' ? e.code : undefined, message: typeof e.message === 'string' ? e.message : String(err), category: typeof e.category === 'string' ? e.category : undefined } };
  }
  return { err: { message: String(err) } };
}
