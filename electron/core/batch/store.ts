/**
 * The batch journal (migration 10): one `batches` row per batch or multi-hop path, one `batch_members` row per member
 * in execution order. Every transition is committed before the action it describes (as the operations journal is),
 * so after a kill -9 the next command knows which members ran, which succeeded, and what is left to undo.
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { BatchMemberRun, BatchMemberStatus, BatchOnFailure, BatchOperation, BatchStatus, StartedBy, StopReason } from '../../../shared/api/types.js';
import { currentBootId, processStartTime } from '../state/proc.js';
import type { StateStore } from '../state/index.js';

export interface NewBatchMember {
  project: string;
  from: string | null;
  to: string;
  reason?: string | null;
  hop?: { index: number; of: number; stop: StopReason[] } | null;
}

export interface NewBatch {
  kind: 'batch' | 'path';
  mode: 'with-dependents' | 'all' | 'path';
  root: string | null;
  onFailure: BatchOnFailure;
  members: readonly NewBatchMember[];
  /** The plan it runs (BatchPlan or HopPlan), kept for the history and for what `--keep-going` skips. */
  plan: unknown;
  startedBy?: StartedBy | null;
}

/** The owner columns, as the operations and project locks record them (state/lock.ts assessOwner reads them). */
export interface BatchOwner {
  pid: number;
  pidStartTime: number | null;
  bootId: string | null;
  host: string;
}

interface BatchRow {
  id: string;
  kind: 'batch' | 'path';
  mode: BatchOperation['mode'];
  root: string | null;
  on_failure: BatchOnFailure;
  status: BatchStatus;
  phase: BatchOperation['phase'];
  started_at: string;
  finished_at: string | null;
  error: string | null;
  host: string;
  user: string;
  pid: number;
  pid_start_time: number | null;
  boot_id: string | null;
  started_by: string | null;
  plan: string;
}

interface MemberRow {
  seq: number;
  project: string;
  from_version: string | null;
  to_version: string;
  status: BatchMemberStatus;
  operation_id: string | null;
  rollback_id: string | null;
  reason: string | null;
  detail: string;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** `batch-20261206T085100Z-1a2b3c`: sortable by time like operation ids, and never taken for one. */
export function newBatchId(at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `batch-${stamp}-${randomBytes(3).toString('hex')}`;
}

export class BatchStore {
  constructor(private readonly store: StateStore) {}

  private get db() {
    return this.store.database;
  }

  /** Records the batch and all its members (pending) in one transaction, owned by this process. */
  create(input: NewBatch, id: string = newBatchId()): BatchOperation {
    const insert = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO batches (id, kind, mode, root, on_failure, status, phase, started_at, host, user, pid, pid_start_time, boot_id, started_by, plan)
           VALUES (?, ?, ?, ?, ?, 'running', 'forward', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, input.kind, input.mode, input.root, input.onFailure, this.store.now(), hostname(), currentUser(), process.pid, processStartTime(process.pid), currentBootId(), input.startedBy ? JSON.stringify(input.startedBy) : null, JSON.stringify(input.plan ?? {}));
      const add = this.db.prepare('INSERT INTO batch_members (batch_id, seq, project, from_version, to_version, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
      input.members.forEach((m, seq) => add.run(id, seq, m.project, m.from, m.to, m.reason ?? null, JSON.stringify(m.hop ? { hop: m.hop } : {})));
    });
    insert.immediate();
    return this.get(id)!;
  }

  get(id: string): BatchOperation | null {
    const row = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(id) as BatchRow | undefined;
    return row ? this.toBatch(row) : null;
  }

  /** The plan the batch was started with (BatchPlan or HopPlan), as stored. */
  plan(id: string): unknown {
    const row = this.db.prepare('SELECT plan FROM batches WHERE id = ?').get(id) as { plan: string } | undefined;
    try {
      return row ? (JSON.parse(row.plan) as unknown) : null;
    } catch {
      return null;
    }
  }

  owner(id: string): BatchOwner | null {
    const row = this.db.prepare('SELECT pid, pid_start_time, boot_id, host FROM batches WHERE id = ?').get(id) as Pick<BatchRow, 'pid' | 'pid_start_time' | 'boot_id' | 'host'> | undefined;
    return row ? { pid: row.pid, pidStartTime: row.pid_start_time, bootId: row.boot_id, host: row.host } : null;
  }

  /** Batches whose journal is not done (running, or left by a process that died). */
  unfinished(): BatchOperation[] {
    const rows = this.db.prepare("SELECT * FROM batches WHERE phase <> 'done' ORDER BY started_at").all() as BatchRow[];
    return rows.map((r) => this.toBatch(r));
  }

  /** Newest first; with `project`, those with a member of that project. */
  list(opts: { project?: string; limit?: number } = {}): BatchOperation[] {
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const rows = (
      opts.project
        ? this.db.prepare('SELECT * FROM batches WHERE id IN (SELECT batch_id FROM batch_members WHERE project = ?) ORDER BY started_at DESC, id DESC LIMIT ?').all(opts.project, limit)
        : this.db.prepare('SELECT * FROM batches ORDER BY started_at DESC, id DESC LIMIT ?').all(limit)
    ) as BatchRow[];
    return rows.map((r) => this.toBatch(r));
  }

  /** The batch a member operation (upgrade or its rollback) belongs to, if any. */
  batchOfOperation(operationId: string): string | null {
    const row = this.db.prepare('SELECT batch_id FROM batch_members WHERE operation_id = ? OR rollback_id = ? LIMIT 1').get(operationId, operationId) as { batch_id: string } | undefined;
    return row?.batch_id ?? null;
  }

  setMember(id: string, seq: number, patch: { status?: BatchMemberStatus; operationId?: string; rollbackId?: string; reason?: string | null }): void {
    const sets: string[] = [];
    const params: unknown[] = [];
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (patch.status !== undefined) set('status', patch.status);
    if (patch.operationId !== undefined) set('operation_id', patch.operationId);
    if (patch.rollbackId !== undefined) set('rollback_id', patch.rollbackId);
    if (patch.reason !== undefined) set('reason', patch.reason);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE batch_members SET ${sets.join(', ')} WHERE batch_id = ? AND seq = ?`).run(...params, id, seq);
  }

  setPhase(id: string, phase: BatchOperation['phase']): void {
    this.db.prepare('UPDATE batches SET phase = ? WHERE id = ?').run(phase, id);
  }

  /** Takes the batch over (recovery, `upshift resume`): this process is its owner from now on. */
  takeOver(id: string, status: BatchStatus = 'running'): void {
    this.db
      .prepare("UPDATE batches SET pid = ?, pid_start_time = ?, boot_id = ?, host = ?, status = ?, finished_at = NULL, phase = CASE WHEN ? = 'running' THEN 'forward' ELSE phase END WHERE id = ?")
      .run(process.pid, processStartTime(process.pid), currentBootId(), hostname(), status, status, id);
  }

  finish(id: string, status: BatchStatus, error: string | null): void {
    this.db.prepare("UPDATE batches SET status = ?, phase = 'done', finished_at = ?, error = ? WHERE id = ?").run(status, this.store.now(), error, id);
  }

  private members(id: string): BatchMemberRun[] {
    const rows = this.db.prepare('SELECT * FROM batch_members WHERE batch_id = ? ORDER BY seq').all(id) as MemberRow[];
    return rows.map((r) => {
      let detail: { hop?: BatchMemberRun['hop'] } = {};
      try {
        detail = JSON.parse(r.detail) as typeof detail;
      } catch {
        // A damaged detail loses only the hop's description.
      }
      return {
        seq: r.seq,
        project: r.project,
        from: r.from_version,
        to: r.to_version,
        status: r.status,
        operationId: r.operation_id,
        rollbackId: r.rollback_id,
        reason: r.reason,
        ...(detail.hop ? { hop: detail.hop } : {}),
      };
    });
  }

  private toBatch(r: BatchRow): BatchOperation {
    let startedBy: StartedBy | null = null;
    try {
      startedBy = r.started_by ? (JSON.parse(r.started_by) as StartedBy) : null;
    } catch {
      startedBy = null;
    }
    return {
      id: r.id,
      kind: r.kind,
      mode: r.mode,
      root: r.root,
      onFailure: r.on_failure,
      status: r.status,
      phase: r.phase,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      error: r.error,
      host: r.host,
      user: r.user,
      pid: r.pid,
      startedBy,
      members: this.members(r.id),
    };
  }
}
