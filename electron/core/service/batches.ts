/**
 * Batches and multi-hop paths on behalf of the UI (contract methods getBatchPlan, startBatch, startPath, listBatches;
 * event batch-progress). The batch runs in the background through electron/core/batch exactly as the CLI runs it;
 * `start` resolves with the batch's id once it is recorded (every lock held), and rejects with the engine's error when
 * it never gets there (blocked plan, nothing to do, a lock held). Member operations report their steps as ordinary
 * operation events, so the Operation view shows each member live; `cancel` of a member cancels the whole batch.
 */
import type { UpshiftEvent } from '../../../shared/api/contract.js';
import type { BatchOnFailure, BatchOperation, Operation } from '../../../shared/api/types.js';
import { batchSpec, pathSpec, runBatch, type BatchEvent, type NewBatch } from '../batch/index.js';
import { BatchStore } from '../batch/store.js';
import type { Engine } from '../engine/index.js';
import { usageError } from '../errors.js';
import { serviceError, ServiceError } from './errors.js';

export interface BatchRunnerOptions {
  engine: Engine;
  emit: (event: UpshiftEvent) => void;
  projectTouched: (project: string) => void;
  /** Every member operation recorded here (the change watcher skips them: their events come from here). */
  markOwn: (operationId: string) => void;
  finished: (operation: Operation) => void;
  recover: () => Promise<void>;
}

export type BatchStartRequest =
  | { kind: 'batch'; root?: string | undefined; all?: boolean | undefined; to?: string | undefined; keepGoing?: boolean | undefined }
  | { kind: 'path'; project: string; to?: string | undefined; onHopFailure?: 'rollback-all' | 'last-good' | undefined };

export class BatchRunner {
  private readonly active = new Map<string, { controller: AbortController; members: Set<string> }>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly opts: BatchRunnerOptions) {}

  /** The running batch a member operation belongs to, if this process runs it. */
  private batchOf(operationId: string): string | null {
    for (const [id, a] of this.active) if (a.members.has(operationId)) return id;
    return null;
  }

  /** Cancels the batch that member `operationId` belongs to (its failure policy then applies); null when not ours. */
  cancelMember(operationId: string): { cancelled: boolean } | null {
    const id = this.batchOf(operationId) ?? (this.active.has(operationId) ? operationId : null);
    if (id === null) return null;
    const a = this.active.get(id)!;
    if (a.controller.signal.aborted) return { cancelled: false };
    a.controller.abort('Cancel in the dashboard');
    return { cancelled: true };
  }

  list(input: { project?: string | undefined; limit?: number | undefined }): { batches: BatchOperation[] } {
    return { batches: new BatchStore(this.opts.engine.store).list({ ...(input.project ? { project: input.project } : {}), limit: input.limit ?? 50 }) };
  }

  async start(req: BatchStartRequest): Promise<{ batchId: string }> {
    await this.opts.recover();
    const { engine, emit } = this.opts;
    const controller = new AbortController();
    const spec = await this.spec(req, controller.signal);
    let announce!: (id: string) => void;
    const started = new Promise<string>((resolve) => (announce = resolve));
    const members = new Set<string>();
    const batches = new BatchStore(engine.store);
    const listener = (e: BatchEvent) => {
      if (e.type === 'batch-member' || e.type === 'batch-finished') {
        if (e.type === 'batch-member' && e.operationId) {
          members.add(e.operationId);
          this.opts.markOwn(e.operationId);
        }
        const batch = batches.get(e.batchId);
        if (batch) emit({ type: 'batch-progress', batch });
        if (e.type === 'batch-member') this.opts.projectTouched(e.project);
        return;
      }
      if (e.type === 'operation-started') {
        const op = engine.store.getOperation(e.operationId);
        if (op) emit({ type: 'operation-started', operation: op });
        emit({ type: 'history-changed' });
      } else if (e.type === 'step-changed') {
        emit({ type: 'operation-step', operationId: e.operationId, step: { id: e.stepId, title: e.title, status: e.status, durationMs: e.durationMs, error: e.error } });
      } else if (e.type === 'log-line') {
        emit({ type: 'operation-log', operationId: e.operationId, stepId: e.stepId, line: e.line });
      } else if (e.type === 'operation-finished') {
        const op = engine.store.getOperation(e.operationId);
        if (op) {
          emit({ type: 'operation-finished', operation: op });
          this.opts.finished(op);
        }
        emit({ type: 'history-changed' });
      }
    };
    const run = runBatch(engine, spec, {
      signal: controller.signal,
      listener,
      onStarted: (b) => {
        this.active.set(b.id, { controller, members });
        emit({ type: 'batch-progress', batch: b });
        announce(b.id);
      },
    });
    const done = run.then(
      (b) => {
        this.active.delete(b.id);
        emit({ type: 'batch-progress', batch: b });
        emit({ type: 'history-changed' });
      },
      (err: unknown) => {
        throw err;
      },
    );
    this.track(done.catch(() => undefined));
    const first = await Promise.race([started, done.then(() => null)]).catch((err: unknown) => {
      throw ServiceError.from(err);
    });
    if (first === null) throw serviceError('NOT_STARTED', 'The batch ended before it started.');
    return { batchId: first };
  }

  async stopAll(): Promise<void> {
    for (const a of this.active.values()) a.controller.abort('Upshift was closing');
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async spec(req: BatchStartRequest, signal: AbortSignal): Promise<NewBatch> {
    const { engine } = this.opts;
    if (req.kind === 'path') {
      const plan = await engine.plan(req.project, { ...(req.to ? { to: req.to } : {}), signal });
      if (plan.blocked) throw ServiceError.from(usageError('BLOCKED', `${plan.project} ${plan.to.version} is blocked: ${plan.blockers.join('; ')}. Nothing was changed.`));
      if (!plan.hops) throw ServiceError.from(usageError('NOT_A_PATH', `${plan.project} ${plan.to.version} is one hop away: use startUpgrade. Nothing was changed.`));
      const mode = req.onHopFailure ?? engine.context(req.project).manifest.onHopFailure ?? 'rollback-all';
      return pathSpec(plan.hops, mode === 'last-good' ? 'last-good' : 'all-or-nothing');
    }
    if (req.all === true && req.root !== undefined) throw ServiceError.from(usageError('BAD_INPUT', 'all and root choose different sets; give one. Nothing was changed.'));
    if (req.all !== true && req.root === undefined) throw ServiceError.from(usageError('BAD_INPUT', 'Give root (a core and everything that depends on it) or all: true. Nothing was changed.'));
    const plan = await engine.planBatch({ ...(req.root !== undefined ? { root: req.root } : {}), ...(req.to ? { to: req.to } : {}), signal });
    const onFailure: BatchOnFailure = req.keepGoing ? 'keep-going' : 'all-or-nothing';
    return batchSpec(plan, onFailure);
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}
