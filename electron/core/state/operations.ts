import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type {
  Operation,
  OperationKind,
  OperationStatus,
  OperationStep,
  PlanEndpoint,
  PlanStep,
  StepStatus,
  StartedBy,
} from '../../../shared/api/types.js';
import { UpshiftError } from '../errors.js';
import { HistoryRepo } from './history.js';
import { parseJsonObject, type StoreContext } from './internal.js';
import { durationBetween, OP_COLUMNS, rowToOperation, STEP_COLUMNS, toStep, type OperationRow, type StepRow } from './operation-rows.js';
import { operationLogDir } from './paths.js';
import { currentBootId, processStartTime } from './proc.js';

/** A path an upgrade moved or copied aside before checkout, to be put back on rollback. */
export interface SetAsidePath {
  /** Relative to the project root. */
  path: string;
  /** Absolute path of the saved copy under snapshots/<operation-id>/. */
  savedTo: string;
  mode: 'move' | 'copy';
}

/**
 * Whatever the executor needs to resume or undo an operation after a crash. Stored as JSON on the operation and
 * merged key by key by `setJournal`, each merge durable before the action it describes. Extra keys are allowed.
 */
export interface OperationJournal {
  originalBranch?: string | null;
  originalSha?: string | null;
  stashSha?: string | null;
  snapshotRef?: string | null;
  snapshotTag?: string | null;
  pathsSetAside?: SetAsidePath[];
  smokePassed?: boolean;
  [key: string]: unknown;
}

/** An operation with the private fields crash recovery needs (not part of the public Operation shape). */
export interface OperationRecord {
  operation: Operation;
  journal: OperationJournal;
  /** Owner's start time (clock ticks since boot, Linux) for `isProcessAlive(pid, pidStartTime, bootId)`. */
  pidStartTime: number | null;
  bootId: string | null;
}

export interface NewOperation {
  project: string;
  kind: OperationKind;
  from?: Partial<PlanEndpoint>;
  to?: Partial<PlanEndpoint>;
  /** For a rollback/recovery: the operation it undoes. */
  target?: string | null;
  /** Plan steps, inserted as `pending` in this order in the same transaction. */
  steps?: ReadonlyArray<Pick<PlanStep, 'id' | 'title' | 'command'>>;
  /** Default `running`. An operation created in another status (e.g. `blocked`) is finished at once. */
  status?: OperationStatus;
  error?: string | null;
  journal?: OperationJournal;
  /** Default `<home>/logs/<id>`; the directory is not created here. */
  logDir?: string | null;
  id?: string;
  startedAt?: string;
  finishedAt?: string | null;
  host?: string;
  user?: string;
  pid?: number;
  pidStartTime?: number | null;
  bootId?: string | null;
  /** Set when the scheduler starts the operation (an unattended upgrade); absent: a person did. */
  startedBy?: StartedBy | null;
}

export interface OperationPatch {
  status?: OperationStatus;
  from?: Partial<PlanEndpoint>;
  to?: Partial<PlanEndpoint>;
  target?: string | null;
  error?: string | null;
  manualRecovery?: string | null;
  finishedAt?: string | null;
  logDir?: string | null;
}

export interface OperationFilter {
  project?: string;
  status?: OperationStatus | readonly OperationStatus[];
  kind?: OperationKind | readonly OperationKind[];
  /** Inclusive bounds on the start time, ISO-8601 (any offset; compared in UTC). */
  since?: string;
  until?: string;
  /** Default: no limit. */
  limit?: number;
  offset?: number;
  /** `false`: the operations come without their steps (`steps: []`); for lists that show none. */
  steps?: boolean;
}

export interface NewStep {
  id: string;
  title: string;
  command?: string | null;
  status?: StepStatus;
}

export interface StartStepOptions {
  /** Replaces the recorded command (e.g. with the operation id filled in). */
  command?: string | null;
  logPath?: string | null;
  /** Title used when the step was not in the plan and is appended now. */
  title?: string;
}

export interface FinishStepOptions {
  status: Exclude<StepStatus, 'pending' | 'running'>;
  error?: string | null;
  outputExcerpt?: string | null;
  logPath?: string | null;
  /** Default: from the step's start to now. */
  durationMs?: number | null;
}

export const TERMINAL_STATUSES: readonly OperationStatus[] = ['succeeded', 'stash_kept', 'rolled_back', 'cancelled', 'failed', 'blocked', 'interrupted'];

/** A sortable, unique-enough id: `op_20261121T101500Z_ab12cd` (UTC time to the second + 24 random bits). */
export function newOperationId(at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  return `op_${stamp}_${randomBytes(3).toString('hex')}`;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || process.env.USERNAME || (typeof process.getuid === 'function' ? `uid ${process.getuid()}` : 'unknown');
  }
}

/** Adds `column = @column` for each value given; undefined means "leave the column as it is". */
function setIfGiven(sets: string[], params: Record<string, unknown>, values: Record<string, unknown>): void {
  for (const [column, value] of Object.entries(values)) {
    if (value === undefined) continue;
    sets.push(`${column} = @${column}`);
    params[column] = value;
  }
}

export class OperationsRepo {
  private readonly history: HistoryRepo;

  constructor(private readonly ctx: StoreContext) {
    this.history = new HistoryRepo(ctx);
  }

  private notFound(id: string): UpshiftError {
    return new UpshiftError('UNKNOWN_OPERATION', `No operation with id "${id}" is recorded.`, { category: 'usage', details: { id } });
  }

  create(input: NewOperation): Operation {
    const startedAt = input.startedAt ?? this.ctx.now();
    const status = input.status ?? 'running';
    const pid = input.pid ?? process.pid;
    const base = {
      project: input.project,
      kind: input.kind,
      status,
      from_version: input.from?.version ?? null,
      from_tag: input.from?.tag ?? null,
      from_sha: input.from?.sha ?? null,
      to_version: input.to?.version ?? null,
      to_tag: input.to?.tag ?? null,
      to_sha: input.to?.sha ?? null,
      target_id: input.target ?? null,
      started_at: startedAt,
      finished_at: input.finishedAt !== undefined ? input.finishedAt : status === 'running' ? null : startedAt,
      error: input.error ?? null,
      manual_recovery: null,
      host: input.host ?? hostname(),
      user: input.user ?? currentUser(),
      pid,
      pid_start_time: input.pidStartTime !== undefined ? input.pidStartTime : pid === process.pid ? processStartTime(pid) : null,
      boot_id: input.bootId !== undefined ? input.bootId : currentBootId(),
      journal: JSON.stringify(input.journal ?? {}),
      started_by: input.startedBy ? JSON.stringify(input.startedBy) : null,
    };
    const insert = this.ctx.db.transaction((id: string) => {
      this.ctx.stmts
        .get(
          `INSERT INTO operations (${OP_COLUMNS}) VALUES (@id, @project, @kind, @status, @from_version, @from_tag, @from_sha, @to_version, @to_tag, @to_sha, @target_id, @started_at, @finished_at, @error, @manual_recovery, @host, @user, @pid, @pid_start_time, @boot_id, @log_dir, @journal, @started_by)`,
        )
        .run({ ...base, id, log_dir: input.logDir !== undefined ? input.logDir : operationLogDir(this.ctx.home, id) });
      if (input.steps && input.steps.length > 0) this.insertStepsInTx(id, input.steps);
    });
    const startDate = new Date(Date.parse(startedAt) || Date.now());
    for (let attempt = 0; ; attempt++) {
      const id = input.id ?? newOperationId(startDate);
      try {
        insert.immediate(id);
        return this.get(id)!;
      } catch (err) {
        const isDuplicate = (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
        if (!isDuplicate || input.id !== undefined || attempt >= 5) throw err;
      }
    }
  }

  update(id: string, patch: OperationPatch): void {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id };
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = @${column}`);
      params[column] = value;
    };
    if (patch.status !== undefined) set('status', patch.status);
    if (patch.from !== undefined) {
      if (patch.from.version !== undefined) set('from_version', patch.from.version);
      if (patch.from.tag !== undefined) set('from_tag', patch.from.tag);
      if (patch.from.sha !== undefined) set('from_sha', patch.from.sha);
    }
    if (patch.to !== undefined) {
      if (patch.to.version !== undefined) set('to_version', patch.to.version);
      if (patch.to.tag !== undefined) set('to_tag', patch.to.tag);
      if (patch.to.sha !== undefined) set('to_sha', patch.to.sha);
    }
    if (patch.target !== undefined) set('target_id', patch.target);
    if (patch.error !== undefined) set('error', patch.error);
    if (patch.manualRecovery !== undefined) set('manual_recovery', patch.manualRecovery);
    if (patch.finishedAt !== undefined) set('finished_at', patch.finishedAt);
    if (patch.logDir !== undefined) set('log_dir', patch.logDir);
    if (sets.length === 0) {
      if (!this.exists(id)) throw this.notFound(id);
      return;
    }
    const result = this.ctx.stmts.get(`UPDATE operations SET ${sets.join(', ')} WHERE id = @id`).run(params);
    if (result.changes === 0) throw this.notFound(id);
  }

  /** Sets a final status with `finishedAt = now` (unless given). */
  finish(id: string, status: OperationStatus, extra: Omit<OperationPatch, 'status'> = {}): void {
    this.update(id, { ...extra, status, finishedAt: extra.finishedAt !== undefined ? extra.finishedAt : this.ctx.now() });
  }

  exists(id: string): boolean {
    return this.ctx.stmts.get('SELECT 1 FROM operations WHERE id = ?').get(id) !== undefined;
  }

  /** Shallow-merges `partial` into the journal; a key set to `undefined` is removed. Durable on return. */
  setJournal(id: string, partial: Partial<OperationJournal>): OperationJournal {
    const run = this.ctx.db.transaction((): OperationJournal => {
      const row = this.ctx.stmts.get('SELECT journal FROM operations WHERE id = ?').get(id) as { journal: string } | undefined;
      if (!row) throw this.notFound(id);
      const merged = { ...parseJsonObject(row.journal), ...partial } as OperationJournal;
      const text = JSON.stringify(merged);
      this.ctx.stmts.get('UPDATE operations SET journal = ? WHERE id = ?').run(text, id);
      return JSON.parse(text) as OperationJournal;
    });
    return run.immediate();
  }

  getJournal(id: string): OperationJournal {
    const row = this.ctx.stmts.get('SELECT journal FROM operations WHERE id = ?').get(id) as { journal: string } | undefined;
    if (!row) throw this.notFound(id);
    return parseJsonObject(row.journal) as OperationJournal;
  }

  // ---- steps ----

  private insertStepsInTx(operationId: string, steps: ReadonlyArray<NewStep | Pick<PlanStep, 'id' | 'title' | 'command'>>): void {
    const max = this.ctx.stmts.get('SELECT COALESCE(MAX(seq), 0) AS m FROM steps WHERE operation_id = ?').get(operationId) as { m: number };
    let seq = max.m;
    const insert = this.ctx.stmts.get(
      'INSERT INTO steps (operation_id, seq, step_id, title, command, status) VALUES (@operation_id, @seq, @step_id, @title, @command, @status)',
    );
    for (const step of steps) {
      seq += 1;
      try {
        insert.run({
          operation_id: operationId,
          seq,
          step_id: step.id,
          title: step.title,
          command: step.command ?? null,
          status: ('status' in step && step.status) || 'pending',
        });
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new UpshiftError('DUPLICATE_STEP', `Operation ${operationId} already has a step "${step.id}"; step ids are unique within an operation.`, {
            details: { operationId, stepId: step.id },
          });
        }
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw this.notFound(operationId);
        throw err;
      }
    }
  }

  /** Appends steps (pending unless given a status) after the existing ones. */
  insertSteps(operationId: string, steps: readonly NewStep[]): void {
    this.ctx.db.transaction(() => this.insertStepsInTx(operationId, steps)).immediate();
  }

  /** Marks a step running (now). A step not in the plan is appended first. Durable on return. */
  startStep(operationId: string, stepId: string, opts: StartStepOptions = {}): OperationStep {
    const run = this.ctx.db.transaction((): OperationStep => {
      if (this.stepRow(operationId, stepId) === undefined) {
        this.insertStepsInTx(operationId, [{ id: stepId, title: opts.title ?? stepId, command: opts.command ?? null }]);
      }
      const params: Record<string, unknown> = { op: operationId, step: stepId, now: this.ctx.now() };
      const sets = [`status = 'running'`, 'started_at = @now', 'finished_at = NULL', 'duration_ms = NULL', 'error = NULL'];
      setIfGiven(sets, params, { command: opts.command, log_path: opts.logPath });
      this.ctx.stmts.get(`UPDATE steps SET ${sets.join(', ')} WHERE operation_id = @op AND step_id = @step`).run(params);
      return toStep(this.stepRow(operationId, stepId)!);
    });
    return run.immediate();
  }

  /** Records a step's outcome (finishedAt = now). Durable on return. */
  finishStep(operationId: string, stepId: string, opts: FinishStepOptions): OperationStep {
    const run = this.ctx.db.transaction((): OperationStep => {
      const row = this.stepRow(operationId, stepId);
      if (row === undefined) throw this.unknownStep(operationId, stepId);
      const now = this.ctx.now();
      const params: Record<string, unknown> = {
        op: operationId,
        step: stepId,
        status: opts.status,
        now,
        duration_ms: opts.durationMs !== undefined ? opts.durationMs : durationBetween(row.started_at, now),
      };
      const sets = ['status = @status', 'finished_at = @now', 'duration_ms = @duration_ms'];
      setIfGiven(sets, params, { error: opts.error, output_excerpt: opts.outputExcerpt, log_path: opts.logPath });
      this.ctx.stmts.get(`UPDATE steps SET ${sets.join(', ')} WHERE operation_id = @op AND step_id = @step`).run(params);
      return toStep(this.stepRow(operationId, stepId)!);
    });
    return run.immediate();
  }

  /** Changes only a step's status (and error when given), keeping its times: e.g. `rolled_back` after an undo. */
  setStepStatus(operationId: string, stepId: string, status: StepStatus, error?: string | null): void {
    const result =
      error === undefined
        ? this.ctx.stmts.get('UPDATE steps SET status = ? WHERE operation_id = ? AND step_id = ?').run(status, operationId, stepId)
        : this.ctx.stmts.get('UPDATE steps SET status = ?, error = ? WHERE operation_id = ? AND step_id = ?').run(status, error, operationId, stepId);
    if (result.changes === 0) throw this.unknownStep(operationId, stepId);
  }

  private unknownStep(operationId: string, stepId: string): UpshiftError {
    if (!this.exists(operationId)) return this.notFound(operationId);
    return new UpshiftError('UNKNOWN_STEP', `Operation ${operationId} has no step "${stepId}".`, { details: { operationId, stepId } });
  }

  private stepRow(operationId: string, stepId: string): StepRow | undefined {
    return this.ctx.stmts.get(`SELECT ${STEP_COLUMNS} FROM steps WHERE operation_id = ? AND step_id = ?`).get(operationId, stepId) as
      | StepRow
      | undefined;
  }

  private steps(operationId: string): OperationStep[] {
    const rows = this.ctx.stmts.get(`SELECT ${STEP_COLUMNS} FROM steps WHERE operation_id = ? ORDER BY seq`).all(operationId) as StepRow[];
    return rows.map(toStep);
  }

  // ---- reads ----

  private toOperation(row: OperationRow): Operation {
    return rowToOperation(row, this.steps(row.id));
  }

  private toRecord(row: OperationRow): OperationRecord {
    return {
      operation: this.toOperation(row),
      journal: parseJsonObject(row.journal) as OperationJournal,
      pidStartTime: row.pid_start_time,
      bootId: row.boot_id,
    };
  }

  private row(id: string): OperationRow | undefined {
    return this.ctx.stmts.get(`SELECT ${OP_COLUMNS} FROM operations WHERE id = ?`).get(id) as OperationRow | undefined;
  }

  get(id: string): Operation | null {
    const row = this.row(id);
    return row ? this.toOperation(row) : null;
  }

  getRecord(id: string): OperationRecord | null {
    const row = this.row(id);
    return row ? this.toRecord(row) : null;
  }

  /** Newest first (by start time, then insertion order), steps loaded for the whole page in one query. */
  list(filter: OperationFilter = {}): Operation[] {
    return this.history.list(filter);
  }

  count(filter: Omit<OperationFilter, 'limit' | 'offset'> = {}): number {
    return this.history.count(filter);
  }

  /** Operations still marked running (possibly orphaned by a crash), oldest first, with their journals. */
  unfinished(): OperationRecord[] {
    const rows = this.ctx.stmts
      .get(`SELECT ${OP_COLUMNS} FROM operations WHERE status = 'running' ORDER BY started_at, rowid`)
      .all() as OperationRow[];
    return rows.map((r) => this.toRecord(r));
  }

  /** The running operation on a project, if any. */
  running(project: string): OperationRecord | null {
    const row = this.ctx.stmts
      .get(`SELECT ${OP_COLUMNS} FROM operations WHERE project = ? AND status = 'running' ORDER BY started_at DESC, rowid DESC LIMIT 1`)
      .get(project) as OperationRow | undefined;
    return row ? this.toRecord(row) : null;
  }

  /**
   * Projects whose checkout an operation may have changed since `since` (an ISO instant): one running now, or one
   * started or finished since then. Blocked operations changed nothing. A check that began before such an operation
   * describes the checkout as it was (engine/index.ts `check`).
   */
  touchedSince(since: string): Set<string> {
    const rows = this.ctx.stmts
      .get(`SELECT DISTINCT project FROM operations WHERE status != 'blocked' AND (status = 'running' OR started_at >= ? OR finished_at >= ?)`)
      .all(since, since) as Array<{ project: string }>;
    return new Set(rows.map((r) => r.project));
  }

  /** Wall-clock durations (ms) of the project's succeeded upgrades, newest first; feed to `estimateSeconds`. */
  pastUpgradeDurations(project: string, limit = 20): number[] {
    const rows = this.ctx.stmts
      .get(
        `SELECT started_at, finished_at FROM operations WHERE project = ? AND kind = 'upgrade' AND status = 'succeeded' AND finished_at IS NOT NULL ORDER BY started_at DESC, rowid DESC LIMIT ?`,
      )
      .all(project, limit) as Array<{ started_at: string; finished_at: string }>;
    return rows.map((r) => durationBetween(r.started_at, r.finished_at)).filter((d): d is number => d !== null);
  }

  /** Per-step durations (ms) over the project's last `limit` succeeded upgrades, newest first per step. */
  pastStepDurations(project: string, limit = 20): Record<string, number[]> {
    const rows = this.ctx.stmts
      .get(
        `SELECT s.step_id AS step_id, s.duration_ms AS duration_ms FROM steps s
           JOIN (SELECT id, started_at, rowid AS r FROM operations WHERE project = ? AND kind = 'upgrade' AND status = 'succeeded'
                 ORDER BY started_at DESC, rowid DESC LIMIT ?) o ON o.id = s.operation_id
          WHERE s.status = 'succeeded' AND s.duration_ms IS NOT NULL
          ORDER BY o.started_at DESC, o.r DESC, s.seq`,
      )
      .all(project, limit) as Array<{ step_id: string; duration_ms: number }>;
    const out: Record<string, number[]> = {};
    for (const r of rows) (out[r.step_id] ??= []).push(r.duration_ms);
    return out;
  }

  /**
   * The project's most recent succeeded upgrade. With `excludeUndone`, upgrades that a succeeded rollback already
   * targeted are skipped. (A recovery that targets a succeeded upgrade finalised it; one that rolled an upgrade
   * back left it `interrupted`, never `succeeded`.)
   */
  lastSucceededUpgrade(project: string, opts: { excludeUndone?: boolean } = {}): Operation | null {
    const sql = opts.excludeUndone
      ? `SELECT ${OP_COLUMNS} FROM operations u WHERE project = ? AND kind = 'upgrade' AND status IN ('succeeded', 'stash_kept')
           AND NOT EXISTS (SELECT 1 FROM operations r WHERE r.target_id = u.id AND r.kind = 'rollback' AND r.status = 'succeeded')
         ORDER BY started_at DESC, rowid DESC LIMIT 1`
      : `SELECT ${OP_COLUMNS} FROM operations WHERE project = ? AND kind = 'upgrade' AND status IN ('succeeded', 'stash_kept') ORDER BY started_at DESC, rowid DESC LIMIT 1`;
    const row = this.ctx.stmts.get(sql).get(project) as OperationRow | undefined;
    return row ? this.toOperation(row) : null;
  }

  /** The succeeded rollback that undid operation `id` (the latest, should there be several), or null. */
  undoneBy(id: string): Operation | null {
    const row = this.ctx.stmts
      .get(`SELECT ${OP_COLUMNS} FROM operations WHERE target_id = ? AND kind = 'rollback' AND status = 'succeeded' ORDER BY started_at DESC, rowid DESC LIMIT 1`)
      .get(id) as OperationRow | undefined;
    return row ? this.toOperation(row) : null;
  }
}
