/**
 * The scheduler's run log (issue 9 §2, "logs of each run are in the history"): every evaluation that tried to start
 * something records what it tried and what came of it — the operation each unattended upgrade recorded (the history
 * has the rest), or why the engine turned it away before anything was recorded (a plan that changed, a tree that got
 * dirty, a held lock). Evaluations that found nothing due are not logged: an idle scheduler writes nothing.
 */
import type { SchedulerRun } from '../../../shared/api/contract.js';
import type { StateStore } from '../state/store.js';

/** Rows kept; older runs are pruned as new ones are written. */
const KEEP = 1000;

interface RunRow {
  id: number;
  at: string;
  scheduler: string;
  outcomes: string;
  problems: string;
}

export function recordSchedulerRun(store: StateStore, run: Omit<SchedulerRun, 'id'>): void {
  const db = store.database;
  db.transaction(() => {
    db.prepare('INSERT INTO scheduler_runs (at, scheduler, outcomes, problems) VALUES (?, ?, ?, ?)').run(run.at, run.scheduler, JSON.stringify(run.outcomes), JSON.stringify(run.problems));
    db.prepare('DELETE FROM scheduler_runs WHERE id <= (SELECT max(id) FROM scheduler_runs) - ?').run(KEEP);
  })();
}

/** The latest runs first; with `project`, only the runs that tried something for it (and only its outcomes). */
export function listSchedulerRuns(store: StateStore, opts: { limit?: number; project?: string } = {}): SchedulerRun[] {
  const rows = store.database.prepare('SELECT id, at, scheduler, outcomes, problems FROM scheduler_runs ORDER BY id DESC').iterate() as IterableIterator<RunRow>;
  const limit = opts.limit ?? 20;
  const out: SchedulerRun[] = [];
  for (const row of rows) {
    if (out.length >= limit) break;
    let outcomes = JSON.parse(row.outcomes) as SchedulerRun['outcomes'];
    if (opts.project) outcomes = outcomes.filter((o) => o.project === opts.project);
    if (outcomes.length === 0) continue;
    out.push({ id: row.id, at: row.at, scheduler: row.scheduler, outcomes, problems: JSON.parse(row.problems) as string[] });
  }
  return out;
}
