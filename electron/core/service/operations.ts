import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { UpshiftEvent } from '../../../shared/api/contract.js';
import type { Operation, OperationKind } from '../../../shared/api/types.js';
import type { Engine } from '../engine/index.js';
import { UpshiftError } from '../errors.js';
import type { OperationEvent } from '../executor/events.js';
import { serviceError, ServiceError } from './errors.js';

interface Active {
  project: string;
  kind: OperationKind;
  controller: AbortController;
  done: Promise<void>;
}

export interface StartRequest {
  kind: 'upgrade' | 'rollback';
  project: string;
  /** Upgrade: the target version; rollback: the operation to undo. */
  to?: string | undefined;
  /**
   * Upgrade only: the user confirmed that `to`, gated `manual`, is the version they chose (the dashboard's confirmation
   * of a manual gate). Without it, or without `to`, a manual-gated target is refused with GATE_MANUAL.
   */
  confirmManual?: boolean | undefined;
  stash?: boolean | undefined;
  /** Upgrade only: override rollback-loop protection (ROLLBACK_LOOP). */
  force?: boolean | undefined;
  /** Upgrade only: keep the new version when the stashed work conflicts with it (status `stash_kept`). */
  keepOnConflict?: boolean | undefined;
}

export interface OperationRunnerOptions {
  engine: Engine;
  emit: (event: UpshiftEvent) => void;
  /** Called after an own operation started or ended (the project's "in progress" changed). */
  projectTouched: (project: string) => void;
  /** Called once an own operation ended (the service re-checks the project: its current version moved). */
  finished: (operation: Operation) => void;
  /** Recovers what dead processes left unfinished, before an operation starts (see Engine.recover). */
  recover: () => Promise<void>;
}

/**
 * Runs upgrades and rollbacks in the background on behalf of the UI. `start` resolves with the id as soon as the
 * operation is recorded (lock taken, plan made) and rejects with the engine's error when it never gets there
 * (blocked plan, lock held, nothing to do); the executor's progress becomes contract events; `cancel` aborts the
 * operation's signal, which stops the running command and rolls the checkout back.
 */
/** A running operation's step change or log line as the dashboard's event (its start and end are sent apart). */
export function operationUpdate(e: OperationEvent): UpshiftEvent | null {
  if (e.type === 'step-changed') return { type: 'operation-step', operationId: e.operationId, step: { id: e.stepId, title: e.title, status: e.status, durationMs: e.durationMs, error: e.error } };
  if (e.type === 'log-line') return { type: 'operation-log', operationId: e.operationId, stepId: e.stepId, line: e.line };
  return null;
}

export class OperationRunner {
  private readonly active = new Map<string, Active>();
  /** Every operation this process recorded (the change watcher skips them: their events come from here). */
  private readonly own = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly opts: OperationRunnerOptions) {}

  isOwn(id: string): boolean {
    return this.own.has(id);
  }

  inProgress(project: string): { id: string; kind: OperationKind } | null {
    for (const [id, a] of this.active) if (a.project === project) return { id, kind: a.kind };
    return null;
  }

  /** Marks an operation this process recorded outside `start` (a recovery), so the watcher does not report it. */
  markOwn(id: string): void {
    this.own.add(id);
  }

  async start(req: StartRequest): Promise<{ operationId: string }> {
    await this.opts.recover();
    const controller = new AbortController();
    const { emit } = this.opts;
    let startedId: string | null = null;
    let announce!: (id: string) => void;
    let resolveSettled!: (p: Promise<void>) => void;
    const settled = new Promise<void>((resolve) => (resolveSettled = (p) => void p.then(resolve, resolve)));
    const started = new Promise<string>((resolve) => (announce = resolve));
    const listener = (e: OperationEvent) => {
      const update = operationUpdate(e);
      if (update) emit(update);
    };
    const onStarted = (op: Operation) => {
      startedId = op.id;
      this.own.add(op.id);
      // The engine may call this before `run` below has returned (an artifact or command operation records itself
      // without awaiting anything first): `done` is filled in as soon as it exists.
      this.active.set(op.id, { project: req.project, kind: req.kind, controller, done: settled });
      emit({ type: 'operation-started', operation: op });
      emit({ type: 'history-changed' });
      this.opts.projectTouched(req.project);
      announce(op.id);
    };
    const common = { signal: controller.signal, listener, onStarted, ...(req.stash !== undefined ? { stash: req.stash } : {}), ...(req.to ? { to: req.to } : {}) };
    const run =
      req.kind === 'upgrade'
        ? this.opts.engine.upgrade(req.project, { ...common, ...(req.confirmManual ? { explicit: true } : {}), ...(req.force ? { force: true } : {}), ...(req.keepOnConflict ? { keepOnConflict: true } : {}) })
        : this.opts.engine.rollback(req.project, common);
    const done: Promise<void> = run.then(
      (op) => this.settle(startedId, req.project, op),
      (err: unknown) => {
        if (startedId === null) {
          // Refused before it began. A blocked plan is still recorded, as a blocked operation: history changed.
          const recorded = err instanceof UpshiftError ? err.details?.operation : undefined;
          if (typeof recorded === 'string') {
            this.own.add(recorded);
            emit({ type: 'history-changed' });
          }
          throw err;
        }
        this.settle(startedId, req.project, null);
      },
    );
    resolveSettled(done);
    this.track(done.catch(() => undefined));
    const first = await Promise.race([started, done.then(() => null)]).catch((err: unknown) => {
      throw ServiceError.from(err);
    });
    if (first === null) throw serviceError('NOT_STARTED', `The ${req.kind} of ${req.project} ended before it started.`);
    return { operationId: first };
  }

  /** Cancels an operation of this process. Not found: UNKNOWN_OPERATION; another process's: NOT_CANCELLABLE. */
  cancel(id: string, lookup: (id: string) => Operation | null): { cancelled: boolean } {
    const active = this.active.get(id);
    if (active) {
      if (active.controller.signal.aborted) return { cancelled: false };
      active.controller.abort('Cancel in the dashboard');
      return { cancelled: true };
    }
    const op = lookup(id);
    if (!op) throw serviceError('UNKNOWN_OPERATION', `No operation with id "${id}" is recorded.`, { id });
    if (op.status !== 'running') return { cancelled: false };
    throw serviceError('NOT_CANCELLABLE', `Operation ${id} runs in another process (pid ${op.pid} on ${op.host}); cancel it there, e.g. with Ctrl-C in its terminal.`, {
      id,
      pid: op.pid,
      host: op.host,
    });
  }

  /** Cancels every running operation (each rolls back) and waits for all of them to end. */
  async stopAll(): Promise<void> {
    for (const a of this.active.values()) a.controller.abort('Upshift was closing');
    await this.idle();
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private settle(id: string | null, project: string, result: Operation | null): void {
    if (id === null) return;
    this.active.delete(id);
    const op = result ?? this.opts.engine.store.getOperation(id);
    if (op) this.opts.emit({ type: 'operation-finished', operation: op });
    this.opts.emit({ type: 'history-changed' });
    this.opts.projectTouched(project);
    if (op) this.opts.finished(op);
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

/** The last `maxBytes` of a log file, starting at a line boundary; '' when it cannot be read. */
export function tailFile(path: string, maxBytes = 16 * 1024): string {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    let text = buf.toString('utf8');
    if (size > length) {
      const nl = text.indexOf('\n');
      text = nl >= 0 ? text.slice(nl + 1) : text;
    }
    return text;
  } catch {
    return '';
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
