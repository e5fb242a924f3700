import type { Operation, OperationKind, OperationStatus, OperationStep, StartedBy, StepStatus } from '../../../shared/api/types.js';

/**
 * The SQL row shapes of operations and steps and their mapping to the public JSON types, shared by the write
 * side (operations.ts) and the read side (history.ts) so both always produce identical Operation objects.
 */

export interface OperationRow {
  id: string;
  project: string;
  kind: string;
  status: string;
  from_version: string | null;
  from_tag: string | null;
  from_sha: string | null;
  to_version: string | null;
  to_tag: string | null;
  to_sha: string | null;
  target_id: string | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  manual_recovery: string | null;
  host: string;
  user: string;
  pid: number;
  pid_start_time: number | null;
  boot_id: string | null;
  log_dir: string | null;
  journal: string;
  started_by: string | null;
}

export interface StepRow {
  seq: number;
  step_id: string;
  title: string;
  command: string | null;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  error: string | null;
  output_excerpt: string | null;
  log_path: string | null;
}

export const OP_COLUMNS =
  'id, project, kind, status, from_version, from_tag, from_sha, to_version, to_tag, to_sha, target_id, started_at, finished_at, error, manual_recovery, host, user, pid, pid_start_time, boot_id, log_dir, journal, started_by';
export const STEP_COLUMNS = 'seq, step_id, title, command, status, started_at, finished_at, duration_ms, error, output_excerpt, log_path';

export function durationBetween(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) ? Math.max(0, ms) : null;
}

export function toStep(row: StepRow): OperationStep {
  return {
    id: row.step_id,
    title: row.title,
    status: row.status as StepStatus,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    command: row.command,
    error: row.error,
    outputExcerpt: row.output_excerpt,
    logPath: row.log_path,
  };
}

export function rowToOperation(row: OperationRow, steps: OperationStep[]): Operation {
  return {
    id: row.id,
    project: row.project,
    kind: row.kind as OperationKind,
    status: row.status as OperationStatus,
    from: { version: row.from_version, tag: row.from_tag, sha: row.from_sha },
    to: { version: row.to_version, tag: row.to_tag, sha: row.to_sha },
    steps,
    error: row.error,
    target: row.target_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: durationBetween(row.started_at, row.finished_at),
    host: row.host,
    user: row.user,
    pid: row.pid,
    logDir: row.log_dir,
    manualRecovery: row.manual_recovery,
    startedBy: parseStartedBy(row.started_by),
  };
}

/** The `started_by` column (migration 8): JSON written by the scheduler; anything unreadable counts as a person. */
function parseStartedBy(text: string | null | undefined): StartedBy | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as StartedBy;
    return v && typeof v === 'object' && v.by === 'policy' ? v : null;
  } catch {
    return null;
  }
}
