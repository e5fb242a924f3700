#!/usr/bin/env node
/**
 * The `upshift` command: a thin layer over the engine. Parses arguments, asks for confirmation, prints either
 * human text or exactly one JSON document, and maps outcomes to the documented exit codes.
 */
// First: sets the young generation's size before the rest of the CLI allocates (see young-generation.ts).
import './young-generation.js';
import { fileURLToPath } from 'node:url';
import type { Operation, UpgradePlan } from '../../shared/api/types.js';
import type { Engine as EngineType } from '../core/engine/index.js';
import { toApiError, UpshiftError, usageError } from '../core/errors.js';
import type { OperationEvent } from '../core/executor/events.js';
import { commandHelp, CONFIG_FLAG_KEYS, globalHelp, parseCommand, type ParsedCommand } from './args.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { inferProject } from './infer.js';
import { formatWhen, systemTime } from './time.js';
import { versionDocument, versionText } from './version.js';
import { InterruptHandler } from './interrupt.js';
import { jsonPieces } from './json-out.js';
import type { BatchDeps } from './commands/batch.js';
import type { ServeDeps } from './serve.js';
import { makeStyle, type Style } from './style.js';

// Start-up (issue 12 §2): `upshift --help` and every command load only what they use. The engine, the dashboard host,
// the gate runners, the archive reader (import), notification channels and the state tools are imported when their
// command runs; esbuild splits them into chunks beside dist/upshift.mjs (build/postbuild.mjs).
const GATE_COMMANDS = ['ci', 'matrix'];

interface Io {
  out: (text: string) => void;
  /** One line of output written in pieces (a large `--json` document, see json-out.ts); the newline comes last. */
  outPieces: (pieces: Iterable<string>) => void;
  err: (text: string) => void;
  stdinIsTty: boolean;
  stderrIsTty: boolean;
  style: Style;
}

/** `--checkout detach|branch` (checked by flag-values.ts) as the engine's option; absent: the manifest decides. */
function checkoutFlag(value: string | boolean | undefined): { checkout?: 'detach' | 'branch' } {
  return value === 'detach' || value === 'branch' ? { checkout: value } : {};
}

function exitFor(op: Operation): ExitCodeValue {
  if (op.status === 'succeeded') return ExitCode.ok;
  if (op.status === 'stash_kept') return ExitCode.stashKept;
  if (op.status === 'blocked') return ExitCode.blocked;
  return ExitCode.failed;
}

/** Asks on the terminal; Ctrl-C at the prompt is a no, and counts as the interrupt it is. */
async function ask(question: string, interrupt: InterruptHandler): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const interrupted = new Promise<boolean>((resolve) =>
    rl.once('SIGINT', () => {
      interrupt.onSignal('SIGINT');
      resolve(false);
    }),
  );
  try {
    return await Promise.race([rl.question(question, { signal: interrupt.signal }).then((a) => /^y(es)?$/i.test(a.trim())), interrupted]);
  } catch {
    return false; // the question was aborted by a signal
  } finally {
    rl.close();
  }
}

/**
 * Runs `upgrade` or `rollback` with Ctrl-C, SIGTERM and SIGHUP handled (see interrupt.ts): returns the operation, or
 * null when it was declined or stopped before anything changed, and the exit code a signal asks for.
 */
async function interruptible<T>(io: Io, project: string, verb: 'upgrade' | 'rollback', fn: (h: InterruptHandler) => Promise<T>): Promise<{ value: T | null; signalExit: ExitCodeValue | null }> {
  const interrupt = new InterruptHandler({ say: (line) => io.err(io.style.yellow(line)), project, verb });
  const uninstall = interrupt.install();
  try {
    return { value: await fn(interrupt), signalExit: interrupt.exitCode() };
  } catch (err) {
    // Stopped while planning or confirming: nothing was recorded or changed.
    if (interrupt.received && !interrupt.started) return { value: null, signalExit: interrupt.exitCode() };
    throw err;
  } finally {
    uninstall();
  }
}

/** Progress on a terminal, to stderr, so stdout stays clean for pipes. */
function progressPrinter(io: Io, enabled: boolean): ((e: OperationEvent) => void) | undefined {
  if (!enabled) return undefined;
  return (e) => {
    if (e.type !== 'step-changed') return;
    if (e.status === 'running') io.err(io.style.dim(`… ${e.title}`));
    else if (e.status === 'succeeded') io.err(`${io.style.green('✓')} ${e.stepId}${e.durationMs !== null ? io.style.dim(` ${e.durationMs} ms`) : ''}`);
    else if (e.status === 'failed') io.err(`${io.style.red('✗')} ${e.stepId}: ${e.error ?? ''}`);
  };
}

async function run(given: ParsedCommand, io: Io): Promise<ExitCodeValue> {
  const json = given.values.json === true;
  const print = (doc: unknown, human: () => string) => (json ? io.outPieces(jsonPieces(doc)) : io.out(human()));
  const listener = progressPrinter(io, !json && io.stderrIsTty);
  const { Engine } = await import('../core/engine/index.js');
  const { formatCheck, formatHistory, formatList, formatOffline, formatOperation, formatPlan, formatStatus, formatTagScheme } = await import('./format.js');
  // Batches, paths and their formatting load with the commands that use them (plan, upgrade, resume, history): with
  // them comes the batch runner and the executor, which `check` and `list` never need (issue 12: the CLI's peak RSS).
  const batch = () => import('./commands/batch.js');
  const engine: EngineType = await Engine.open(listener ? { listener } : {});
  let failed = false;
  try {
    for (const r of engine.recovery.recovered) {
      io.err(io.style.yellow(`Recovered interrupted operation ${r.interrupted}: ${r.recovery.status === 'succeeded' ? 'done' : 'FAILED'} (${r.recovery.id}).`));
    }
    // `upshift plan` inside a watched checkout: that project, said on stderr so stdout stays the command's own.
    const { cmd, inferred } = inferProject(given, engine.listProjects().projects, process.cwd());
    if (inferred && !json) io.err(io.style.dim(`Project ${inferred.name} (${inferred.path}): the watched checkout you are in.`));
    const [first] = cmd.positionals;
    const batchDeps = (): BatchDeps => ({
      print,
      err: io.err,
      style: io.style,
      stdinIsTty: io.stdinIsTty,
      progress: listener,
      interruptible: (label, verb, fn) => interruptible(io, label, verb, fn),
      ask,
    });
    for (const b of engine.recovery.batches) io.err(io.style.yellow(`Recovered interrupted ${b.batch}: ${b.message}`));
    switch (cmd.spec.name) {
      case 'add': {
        const config = Object.fromEntries(Object.entries(CONFIG_FLAG_KEYS).flatMap(([flag, key]) => (typeof cmd.values[flag] === 'string' ? [[key, cmd.values[flag]]] : [])));
        const project = await engine.addProject(first!, {
          ...(typeof cmd.values.name === 'string' ? { name: cmd.values.name } : {}),
          ...(typeof cmd.values.core === 'string' ? { core: cmd.values.core } : {}),
          ...(Object.keys(config).length > 0 ? { config } : {}),
        });
        const where = project.current.version ? `on ${project.current.version} (${project.current.source === 'tag' ? `tag ${project.current.tag}` : `from ${project.current.source}`})` : 'current version unknown';
        print({ project }, () =>
          [
            `Watching ${project.name} at ${project.path} (${project.manifest}), ${where}.`,
            ...(project.tagScheme ? [formatTagScheme(project.name, project.tagScheme)] : []),
            ...project.warnings.map((w) => `warning: ${w}`),
          ].join('\n'),
        );
        return ExitCode.ok;
      }
      case 'remove': {
        const project = engine.removeProject(first!);
        print({ project }, () => `No longer watching ${project.name}. Its checkout and history are kept.`);
        return ExitCode.ok;
      }
      case 'list': {
        const r = engine.listProjects();
        print(r, () => formatList(r));
        return ExitCode.ok;
      }
      case 'check': {
        const r = await engine.check(cmd.positionals);
        print(r, () => formatCheck(io.style, r));
        // The notification channels (and their HTTP clients) load only when there is a moved tag to tell them about.
        if (r.projects.some((c) => c.tagMoves?.some((m) => m.fresh))) await (await import('./commands/notify.js')).notifyTagMoves(engine, r.projects);
        return ExitCode.ok;
      }
      case 'plan': {
        const { isBatchCommand, planBatchCommand } = await batch();
        if (isBatchCommand(cmd)) return await planBatchCommand(cmd, engine, batchDeps());
        const plan = await engine.plan(first!, { ...(typeof cmd.values.to === 'string' ? { to: cmd.values.to } : {}), ...checkoutFlag(cmd.values.checkout) });
        print(plan, () => formatPlan(io.style, plan));
        return plan.blocked ? ExitCode.blocked : ExitCode.ok;
      }
      case 'upgrade': {
        if (cmd.values['keep-on-conflict'] === true && cmd.values.stash !== true) {
          throw usageError('BAD_ARGUMENTS', '--keep-on-conflict decides what happens to work set aside with --stash; pass --stash too. Nothing was changed.');
        }
        const { finishPath, isBatchCommand, runPath, upgradeBatchCommand } = await batch();
        if (isBatchCommand(cmd)) return await upgradeBatchCommand(cmd, engine, batchDeps());
        if (cmd.values['keep-going'] === true) throw usageError('BAD_ARGUMENTS', '--keep-going applies to a batch: pass --with-dependents or --all too. Nothing was changed.');
        // A target beyond required stops: the plan carries its hops, and the upgrade runs them as a path instead.
        let hopsPlan: UpgradePlan | null = null;
        const { value: op, signalExit } = await interruptible(io, first!, 'upgrade', async (interrupt) => {
          const confirm = async (plan: UpgradePlan) => {
            if (interrupt.signal.aborted) return false;
            if (plan.hops) {
              hopsPlan = plan;
              return false;
            }
            if (cmd.values.yes === true) return true;
            // An auto gate asks nobody (README "Gates"); a manual one was already required to be named with --to (engine).
            if (plan.gate === 'auto') {
              io.err(`Upgrading ${plan.project} to ${plan.to.version} without asking: its gate is auto (${plan.bump}).`);
              return true;
            }
            if (!io.stdinIsTty) throw usageError('CONFIRMATION_REQUIRED', `Not on a terminal, so nobody can confirm: pass --yes to upgrade (its gate is ${plan.gate}). Nothing was changed.`);
            io.err(formatPlan(io.style, plan));
            return ask(`Upgrade ${plan.project} to ${plan.to.version}${plan.gate === 'manual' ? ` (${plan.bump}, gated manual)` : ''}? [y/N] `, interrupt);
          };
          const single = await engine.upgrade(first!, {
            ...(typeof cmd.values.to === 'string' ? { to: cmd.values.to } : {}),
            stash: cmd.values.stash === true,
            keepOnConflict: cmd.values['keep-on-conflict'] === true,
            force: cmd.values.force === true,
            ...checkoutFlag(cmd.values.checkout),
            // Naming the version with --to is the explicit choice a manual gate asks for; --yes alone never is.
            explicit: typeof cmd.values.to === 'string',
            confirm,
            unattended: cmd.values.yes === true,
            signal: interrupt.signal,
            onStarted: () => void (interrupt.started = true),
          });
          if (single || !hopsPlan || interrupt.signal.aborted) return single;
          return runPath(hopsPlan, cmd, engine, batchDeps(), interrupt);
        });
        if (op && 'members' in op) return await finishPath(engine, batchDeps(), op, signalExit);
        if (!op) {
          io.err('Cancelled. Nothing was changed.');
          return signalExit ?? ExitCode.nothingToDo;
        }
        print({ operation: op }, () => formatOperation(io.style, op));
        await (await import('./commands/notify.js')).notifyOutcome(engine, op); // enqueue + at most ~2 s of delivery; never throws
        return signalExit ?? exitFor(op);
      }
      case 'rollback': {
        const { value: op, signalExit } = await interruptible(io, first!, 'rollback', (interrupt) => {
          const confirm = async (target: Operation) => {
            if (interrupt.signal.aborted) return false;
            if (cmd.values.yes === true) return true;
            if (!io.stdinIsTty) throw usageError('CONFIRMATION_REQUIRED', 'Not on a terminal, so nobody can confirm: pass --yes to roll back. Nothing was changed.');
            return ask(`Return ${target.project} to the state before ${target.id} (${target.from.version ?? '?'})? [y/N] `, interrupt);
          };
          return engine.rollback(first!, {
            ...(typeof cmd.values.to === 'string' ? { to: cmd.values.to } : {}),
            stash: cmd.values.stash === true,
            confirm,
            signal: interrupt.signal,
            onStarted: () => void (interrupt.started = true),
          });
        });
        if (!op) {
          io.err('Cancelled. Nothing was changed.');
          return signalExit ?? ExitCode.nothingToDo;
        }
        print({ operation: op }, () => formatOperation(io.style, op));
        await (await import('./commands/notify.js')).notifyOutcome(engine, op); // enqueue + at most ~2 s of delivery; never throws
        return signalExit ?? exitFor(op);
      }
      case 'resume':
        return await (await batch()).resumeCommand(cmd, engine, batchDeps());
      case 'history': {
        const raw = cmd.values.limit;
        const limit = raw === undefined ? 20 : Number(raw);
        if (!Number.isInteger(limit) || limit < 0) throw usageError('BAD_ARGUMENTS', `--limit must be a whole number ≥ 0, got "${String(raw)}".`);
        const r = engine.history({ ...(first ? { project: first } : {}), ...(limit > 0 ? { limit } : {}) });
        // Batches and paths first, each with its members; their operations are also in the list below.
        const { formatBatch } = await import('./commands/batch-format.js');
        print(r, () => [...(r.batches ?? []).map((b) => formatBatch(io.style, b)), formatHistory(io.style, r)].join('\n'));
        return ExitCode.ok;
      }
      case 'unlock': {
        const r = engine.unlock(first!);
        print(r, () => (r.removed ? `Removed the lock on ${r.project} held by pid ${r.removed.pid} on ${r.removed.host} since ${formatWhen(r.removed.acquiredAt, systemTime())}.` : `${r.project} was not locked.`));
        return ExitCode.ok;
      }
      case 'status': {
        const r = await engine.status();
        print(r, () => formatStatus(io.style, r));
        return ExitCode.ok;
      }
      case 'offline': {
        if (first !== undefined && first !== 'on' && first !== 'off') {
          throw usageError('BAD_ARGUMENTS', `"${first}" is neither on nor off. Usage: ${cmd.spec.usage}`);
        }
        const { offlineStatus, setOffline } = await import('../core/engine/offline.js');
        if (first !== undefined) setOffline(engine.store, first === 'on');
        const r = offlineStatus(engine.store, process.env);
        print(r, () => formatOffline(r, first));
        return ExitCode.ok;
      }
      case 'import':
        return await (await import('./import.js')).importCommand(cmd, engine, { print, style: io.style });
      case 'config':
        return await (await import('./config.js')).configCommand(cmd, engine, { print, style: io.style });
      case 'notify':
        return await (await import('./commands/notify.js')).notifyCommand(cmd, engine, { print, style: io.style });
      case 'schedule':
      case 'approve':
      case 'reject':
      case 'policy':
        return await (await import('./commands/automation.js')).automationCommand(cmd, engine, { print, style: io.style });
      case 'trust':
        return await (await import('./commands/trust.js')).trustCommand(cmd, engine, { print, style: io.style });
      case 'supported':
        return await (await import('./commands/supported.js')).supportedCommand(cmd, engine, { print, style: io.style });
      case 'skip':
      case 'unskip':
        return (await import('./commands/skip.js')).skipCommand(cmd, engine, { print, style: io.style });
      case 'doctor':
        return await (await import('./commands/doctor.js')).doctorCommand(cmd, engine, { print, style: io.style });
      default:
        throw usageError('UNKNOWN_COMMAND', `Unknown command ${cmd.spec.name}`);
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // A verified backup of the state when one is due (never while an operation is unfinished; see state/backup.ts).
    if (!failed) await (await import('./state.js')).keepBackup(engine.store, (line) => io.err(io.style.yellow(line)));
    engine.close();
  }
}

/** Resolves on the first SIGINT/SIGTERM; a second one while stopping exits at once. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    let stopping = false;
    const on = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

function serveDeps(io: Io): ServeDeps {
  return {
    openService: async () => (await import('./serve-service.js')).openServeService(process.env, (line) => io.err(io.style.yellow(line))),
    // The CLI is bundled to dist/upshift.mjs; Vite builds the renderer to dist/renderer/ beside it.
    staticDir: process.env.UPSHIFT_RENDERER_DIR || fileURLToPath(new URL('./renderer/', import.meta.url)),
    stopSignal,
    openBrowser: (url, onError) => void import('./open-browser.js').then((m) => m.openBrowser(url, onError)),
    env: process.env,
    out: io.out,
    err: io.err,
    style: io.style,
  };
}

function exitForError(err: unknown): ExitCodeValue {
  if (err instanceof UpshiftError) {
    if (err.category === 'usage') return ExitCode.usage;
    if (err.category === 'blocked') return ExitCode.blocked;
    if (err.category === 'nothing-to-do') return ExitCode.nothingToDo;
    if (err.category === 'state') return ExitCode.state;
    if (err.category === 'unreachable') return ExitCode.sourceUnreachable;
    return ExitCode.failed;
  }
  const code = (err as { code?: unknown })?.code;
  if (code === 'MANIFEST_INVALID') return ExitCode.usage;
  return ExitCode.failed;
}

async function stateDirFailure(err: unknown): Promise<UpshiftError | null> {
  try {
    const [{ stateFailure }, { resolveHome }] = await Promise.all([import('../core/state/failure.js'), import('../core/state/paths.js')]);
    return stateFailure(err, { home: resolveHome(process.env), phase: 'use' });
  } catch {
    return null;
  }
}

export async function main(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const json = argv.includes('--json');
  try {
    const cmd = parseCommand(argv);
    if (cmd.help) {
      if ('version' in cmd) {
        const doc = versionDocument();
        io.out(json ? JSON.stringify(doc) : versionText(doc));
        return ExitCode.ok;
      }
      io.out(cmd.spec ? commandHelp(cmd.spec) : globalHelp());
      return ExitCode.ok;
    }
    if (cmd.spec?.name === 'serve') return await (await import('./serve.js')).serveCommand(cmd as ParsedCommand, serveDeps(io));
    if (cmd.spec?.name === 'daemon') return await (await import('./commands/daemon.js')).daemonCommand(cmd as ParsedCommand, { print: (doc, human) => io.out(json ? JSON.stringify(doc) : human()), err: io.err, style: io.style });
    if (GATE_COMMANDS.includes(cmd.spec?.name ?? '')) return await (await import('./commands/gate.js')).gateCommand(cmd as ParsedCommand, io);
    if (cmd.spec?.name === 'state') {
      const values = cmd.values;
      return (await import('./state.js')).stateCommand(cmd as ParsedCommand, { print: (doc, human) => io.out(values.json === true ? JSON.stringify(doc) : human()), style: io.style, env: process.env });
    }
    return await run(cmd as ParsedCommand, io);
  } catch (caught) {
    // SQLite and file-system failures of the state directory as the STATE_* error naming the file (exit 5).
    const err = (await stateDirFailure(caught)) ?? caught;
    const apiError = toApiError(err);
    if (json) io.out(JSON.stringify({ error: apiError }));
    io.err(`${io.style.red('error:')} ${apiError.message}`);
    return exitForError(err);
  }
}

// A reader that goes away (`upshift history | head`) or a terminal that was closed (SIGHUP, then EIO) is not an
// error worth a stack trace, and must never end the process in the middle of a rollback: later output is dropped.
const gone = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'EIO' || err.code === 'ECONNRESET') {
      gone.add(stream);
      return;
    }
    throw err;
  });
}
function write(stream: NodeJS.WriteStream, text: string): void {
  writePieces(stream, [text]);
}
function writePieces(stream: NodeJS.WriteStream, pieces: Iterable<string>): void {
  try {
    for (const piece of pieces) {
      if (gone.has(stream)) return;
      stream.write(piece);
    }
    if (!gone.has(stream)) stream.write('\n');
  } catch {
    gone.add(stream);
  }
}

const color = process.env.NO_COLOR === undefined && process.stdout.isTTY === true;
main(process.argv.slice(2), {
  out: (t) => write(process.stdout, t),
  outPieces: (pieces) => writePieces(process.stdout, pieces),
  err: (t) => write(process.stderr, t),
  stdinIsTty: process.stdin.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  style: makeStyle(color),
}).then(
  (code) => {
    process.exitCode = code;
    // `serve` has closed its server and the service; should anything still hold the event loop, do not hang.
    if (process.argv[2] === 'serve') setTimeout(() => process.exit(code), 3000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`upshift: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = ExitCode.failed;
  },
);
