import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OperationStep } from '../../../shared/api/types.js';
import { formatExitReason, runArgv, runCommand, type CommandResult } from '../process/index.js';
import { processStartTime } from '../state/lock.js';
import { crashPoint } from '../util/crash-points.js';
import { stepLogPath } from '../state/paths.js';
import type { OperationJournal, StateStore } from '../state/index.js';
import type { OperationListener } from './events.js';
import type { Journal } from './journal.js';

/** ` (SIGINT: Ctrl-C)` when the operation was cancelled with a reason that says by what, else ''. */
export function cancelReason(signal: AbortSignal | undefined): string {
  const why: unknown = signal?.aborted ? signal.reason : undefined;
  return typeof why === 'string' && why !== '' ? ` (${why})` : '';
}

/** A step that did not succeed: carries what the user needs to see (the reason and the output's tail). */
export class StepFailure extends Error {
  constructor(
    readonly stepId: string,
    message: string,
    readonly excerpt: string | null = null,
    /** Nothing was changed yet: the operation is reported as blocked, not rolled back. */
    readonly beforeAnyChange = false,
    readonly code = 'STEP_FAILED',
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

export interface CommandSpec {
  /** The shell command (sh -c), or with `argv` the text shown for it. */
  command: string;
  /** Run this program with these arguments directly, without a shell (a user's list-form command). */
  argv?: readonly string[];
  timeoutMs: number;
  env?: Record<string, string>;
  /** Exit codes with a meaning of their own (the seed format's smoke tests: 1 fail, 2 error). */
  describeExit?: (code: number) => string | null;
  /** Runs even when the operation was cancelled: the rollback's own commands (a cancel must still undo). */
  ignoreCancel?: boolean;
}

/**
 * One running operation: records each step transition durably (before and after the action), journals what
 * undoing needs, forwards events, and runs commands with their output in a per-step log.
 */
export class OperationContext {
  constructor(
    readonly store: StateStore,
    readonly operationId: string,
    readonly project: { name: string; path: string },
    private readonly listener: OperationListener | undefined,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** Log file of each step that ran a command, recorded with the step's outcome. */
  private readonly logPaths = new Map<string, string>();

  journal(): Journal {
    return this.store.getJournal(this.operationId) as unknown as Journal;
  }

  /** Merges into the journal; durable when it returns, so the caller may act on it next. */
  record(patch: Partial<Journal>): Journal {
    return this.store.setJournal(this.operationId, patch as Partial<OperationJournal>) as unknown as Journal;
  }

  warn(message: string): void {
    const warnings = this.journal().warnings ?? [];
    this.record({ warnings: [...warnings, message] });
  }

  emit(step: OperationStep): void {
    this.listener?.({
      type: 'step-changed',
      operationId: this.operationId,
      stepId: step.id,
      title: step.title,
      status: step.status,
      durationMs: step.durationMs,
      error: step.error,
    });
  }

  log(stepId: string, line: string): void {
    this.listener?.({ type: 'log-line', operationId: this.operationId, stepId, line });
  }

  /**
   * A line of Upshift's own about a step (how a snapshot path was set aside): in the step's log file, which the
   * step's record points to, as well as on the live log.
   */
  note(stepId: string, line: string): void {
    const logPath = stepLogPath(this.store.paths.home, this.operationId, stepId);
    try {
      mkdirSync(dirname(logPath), { recursive: true });
      appendFileSync(logPath, `${line}\n`);
      this.logPaths.set(stepId, logPath);
    } catch {
      // A log that cannot be written never fails the step: the live line below still says it.
    }
    this.log(stepId, line);
  }

  /** Runs one step: `running` is committed before `fn` starts, the outcome after it ends. */
  async step<T>(id: string, title: string, fn: () => Promise<T>, opts: { command?: string | null; ignoreCancel?: boolean } = {}): Promise<T> {
    this.emit(this.store.startStep(this.operationId, id, { title, ...(opts.command !== undefined ? { command: opts.command } : {}) }));
    crashPoint(`step:${id}:started`);
    try {
      if (this.signal?.aborted && !opts.ignoreCancel) throw new StepFailure(id, `Cancelled${cancelReason(this.signal)} before the step started.`, null, false, 'CANCELLED');
      const value = await fn();
      crashPoint(`step:${id}:acted`);
      this.emit(this.store.finishStep(this.operationId, id, { status: 'succeeded', logPath: this.logPaths.get(id) ?? null }));
      crashPoint(`step:${id}:recorded`);
      return value;
    } catch (err) {
      const failure = err instanceof StepFailure ? err : new StepFailure(id, err instanceof Error ? err.message : String(err));
      this.emit(
        this.store.finishStep(this.operationId, id, {
          // A step stopped on request did not fail: it is `cancelled`, and its duration ends at the interruption.
          status: failure.code === 'CANCELLED' ? 'cancelled' : 'failed',
          error: failure.message,
          outputExcerpt: failure.excerpt,
          logPath: this.logPaths.get(id) ?? null,
        }),
      );
      throw failure;
    }
  }

  /** Marks a planned step that will not run (e.g. after a failure). */
  skip(id: string): void {
    this.store.setStepStatus(this.operationId, id, 'skipped');
  }

  /**
   * Runs a user command for a step in its own process group, with its output in the step's log. The group is
   * journalled while it runs so that recovery after a crash can stop an orphan before touching the checkout.
   */
  async command(stepId: string, spec: CommandSpec): Promise<CommandResult> {
    const logPath = stepLogPath(this.store.paths.home, this.operationId, stepId);
    this.logPaths.set(stepId, logPath);
    const options = {
      cwd: this.project.path,
      timeoutMs: spec.timeoutMs,
      logPath,
      ...(this.signal && !spec.ignoreCancel ? { signal: this.signal } : {}),
      env: { ...process.env, ...spec.env },
      onSpawn: (pid: number) => {
        this.record({ runningPgid: { pid, startTime: processStartTime(pid) } });
        crashPoint(`command:${stepId}:spawned`);
      },
      onLine: (line: string) => this.log(stepId, line),
    };
    let result: CommandResult;
    try {
      result = spec.argv ? await runArgv(spec.argv[0]!, spec.argv.slice(1), options) : await runCommand(spec.command, options);
    } catch (err) {
      // runArgv rejects when the program cannot be started (not found, not executable).
      this.record({ runningPgid: null });
      throw new StepFailure(stepId, `\`${spec.command}\` could not be started: ${err instanceof Error ? err.message : String(err)}`, null, false, 'STEP_FAILED');
    }
    this.record({ runningPgid: null });
    if (result.exitCode === 0 && !result.timedOut && !result.aborted) return result;
    const special = result.exitCode !== null && spec.describeExit ? spec.describeExit(result.exitCode) : null;
    const reason = result.aborted ? `was stopped${cancelReason(this.signal)}` : (special ?? formatExitReason(result));
    throw new StepFailure(
      stepId,
      `\`${spec.command}\` ${reason}. Full output: ${logPath}`,
      result.excerpt || null,
      false,
      result.aborted ? 'CANCELLED' : result.timedOut ? 'STEP_TIMEOUT' : 'STEP_FAILED',
    );
  }
}
