/**
 * The Prometheus metrics of one state directory, as prom-client text exposition (docs/metrics.md).
 *
 * Totals are DERIVED FROM THE HISTORY at scrape time, not counted in memory: the operations table already records
 * every upgrade, rollback and failure, by every process (CLI, serve, daemon, app) sharing the state directory.
 * In-memory counters would reset when `serve` restarts and would miss the upgrades another process ran; the
 * history does neither, so `upshift_upgrades_total` never goes backwards (Prometheus' `rate()` sees no false
 * counter reset) and agrees with `upshift history`. Pruning history would lower a total — Upshift never prunes
 * operations, and Prometheus treats a decrease as a reset, which is the honest reading.
 *
 * Cost: a handful of grouped queries over indexed columns, cached under the database's change signature (PRAGMA
 * data_version for other connections' commits, total_changes() for this one's), so an idle scrape re-reads nothing.
 * prom-client is imported on the first scrape only; commands that never serve /metrics never load it.
 */
import type { Registry } from 'prom-client';
import type { Db } from '../state/index.js';
import { rateLimitReadings } from './rate-limit.js';

export interface MetricsSources {
  /** The state database (the service's connection). */
  db: Db;
  /** Messages waiting in the notification outbox, per channel id (a URL fingerprint, never the URL). */
  outboxDepth?: () => Map<string, number>;
}

export interface MetricsRenderer {
  contentType: string;
  /** The whole exposition, freshly collected. */
  render(): Promise<string>;
  registry: Registry;
}

/** Upgrade durations in seconds: a quick tag switch to a long install with smoke tests. */
export const DURATION_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

interface HistorySnapshot {
  upgrades: Array<{ project: string; result: string; n: number }>;
  rollbacks: Array<{ project: string; trigger: string; n: number }>;
  failures: Array<{ project: string; kind: string; n: number }>;
  durations: Array<{ project: string; seconds: number }>;
  checks: Array<{ project: string; pending: number; updateAvailable: number; failing: number; lastSuccess: number | null }>;
}

function readHistory(db: Db): HistorySnapshot {
  const upgrades = db.prepare(`SELECT project, status AS result, COUNT(*) AS n FROM operations WHERE kind = 'upgrade' AND status != 'running' GROUP BY project, status`).all() as HistorySnapshot['upgrades'];
  // Automatic: an upgrade undone because a step failed or it was cancelled; manual: `upshift rollback`; recovery:
  // a crashed operation rolled back at the next start.
  const rollbacks = db
    .prepare(
      `SELECT project, CASE WHEN kind = 'rollback' THEN 'manual' WHEN kind = 'recovery' THEN 'recovery' WHEN status = 'cancelled' THEN 'cancelled' ELSE 'automatic' END AS trigger, COUNT(*) AS n
       FROM operations WHERE (kind = 'upgrade' AND status IN ('rolled_back', 'cancelled')) OR (kind = 'rollback' AND status = 'succeeded')
          OR (kind = 'recovery' AND status = 'succeeded' AND NOT EXISTS (SELECT 1 FROM steps s WHERE s.operation_id = operations.id AND s.step_id = 'finalize')) GROUP BY project, trigger`,
    )
    .all() as HistorySnapshot['rollbacks'];
  // Failed: nothing could restore the checkout on its own (manual recovery needed); interrupted: a crash.
  const failures = db.prepare(`SELECT project, kind, COUNT(*) AS n FROM operations WHERE status IN ('failed', 'interrupted') GROUP BY project, kind`).all() as HistorySnapshot['failures'];
  const durations = db
    .prepare(`SELECT project, (julianday(finished_at) - julianday(started_at)) * 86400.0 AS seconds FROM operations WHERE kind = 'upgrade' AND finished_at IS NOT NULL AND status NOT IN ('running', 'blocked')`)
    .all() as HistorySnapshot['durations'];
  const checks = (
    db
      .prepare(
        `SELECT c.project,
                COALESCE(json_array_length(c.result, '$.candidates'), CASE WHEN json_extract(c.result, '$.updateAvailable') THEN 1 ELSE 0 END) AS pending,
                CASE WHEN json_extract(c.result, '$.updateAvailable') THEN 1 ELSE 0 END AS updateAvailable,
                CASE WHEN json_type(c.result, '$.error') = 'object' THEN 1 ELSE 0 END AS failing,
                CASE WHEN json_type(c.result, '$.error') = 'object' THEN json_extract(c.result, '$._lastSuccessAt') ELSE c.checked_at END AS lastSuccess
         FROM checks c JOIN projects p ON p.name = c.project ORDER BY c.project`,
      )
      .all() as Array<{ project: string; pending: number; updateAvailable: number; failing: number; lastSuccess: string | null }>
  ).map((r) => ({ ...r, lastSuccess: r.lastSuccess ? Date.parse(r.lastSuccess) / 1000 : null }));
  return { upgrades, rollbacks, failures, durations, checks };
}

/** Builds the registry; imports prom-client (once). */
export async function createMetrics(sources: MetricsSources): Promise<MetricsRenderer> {
  const prom = await import('prom-client');
  const registry = new prom.Registry();
  const signature = sources.db.prepare('SELECT (SELECT data_version FROM pragma_data_version) AS v, total_changes() AS c');
  let cached: { key: string; snap: HistorySnapshot } | null = null;
  let snap: HistorySnapshot = { upgrades: [], rollbacks: [], failures: [], durations: [], checks: [] };
  const refresh = (): void => {
    const s = signature.get() as { v: number; c: number };
    const key = `${s.v}:${s.c}`;
    if (cached?.key !== key) cached = { key, snap: readHistory(sources.db) };
    snap = cached.snap;
  };

  new prom.Counter({
    name: 'upshift_upgrades_total',
    help: 'Upgrades finished, by project and result (succeeded, stash_kept, rolled_back, cancelled, failed, blocked, interrupted); from the history.',
    labelNames: ['project', 'result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of snap.upgrades) this.inc({ project: r.project, result: r.result }, r.n);
    },
  });
  new prom.Counter({
    name: 'upshift_rollbacks_total',
    help: 'Rollbacks, by project and trigger: automatic (a step failed), cancelled, manual (upshift rollback), recovery (after a crash).',
    labelNames: ['project', 'trigger'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of snap.rollbacks) this.inc({ project: r.project, trigger: r.trigger }, r.n);
    },
  });
  new prom.Counter({
    name: 'upshift_failures_total',
    help: 'Operations that ended failed (the checkout needs manual recovery) or interrupted, by project and operation kind.',
    labelNames: ['project', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of snap.failures) this.inc({ project: r.project, kind: r.kind }, r.n);
    },
  });
  new prom.Histogram({
    name: 'upshift_upgrade_duration_seconds',
    help: 'Wall-clock time of upgrades (started to finished, any result but blocked), by project.',
    labelNames: ['project'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
    collect() {
      this.reset();
      for (const d of snap.durations) this.observe({ project: d.project }, Math.max(0, d.seconds));
    },
  });
  new prom.Gauge({
    name: 'upshift_pending_updates',
    help: 'Releases newer than the installed version, per project, as of the last check.',
    labelNames: ['project'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of snap.checks) this.set({ project: c.project }, c.pending);
    },
  });
  new prom.Gauge({
    name: 'upshift_update_available',
    help: '1 when the last check found an update to offer for the project, else 0.',
    labelNames: ['project'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of snap.checks) this.set({ project: c.project }, c.updateAvailable);
    },
  });
  new prom.Gauge({
    name: 'upshift_check_failing',
    help: '1 when the last check of the project failed (remote unreachable, invalid manifest), else 0.',
    labelNames: ['project'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of snap.checks) this.set({ project: c.project }, c.failing);
    },
  });
  new prom.Gauge({
    name: 'upshift_last_successful_check_timestamp_seconds',
    help: 'When the project was last checked without error (Unix time); absent when it never was.',
    labelNames: ['project'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of snap.checks) if (c.lastSuccess !== null && Number.isFinite(c.lastSuccess)) this.set({ project: c.project }, c.lastSuccess);
    },
  });
  new prom.Gauge({
    name: 'upshift_notify_outbox_depth',
    help: 'Notification messages waiting in the outbox (pending or being sent), per channel id (a fingerprint of its URL).',
    labelNames: ['channel'],
    registers: [registry],
    collect() {
      this.reset();
      const depth = sources.outboxDepth?.() ?? new Map<string, number>();
      let total = 0;
      for (const [channel, n] of depth) {
        this.set({ channel }, n);
        total += n;
      }
      this.set({ channel: 'all' }, total);
    },
  });
  new prom.Gauge({
    name: 'upshift_github_rate_limit_remaining',
    help: 'GitHub API requests left in the current rate-limit window, as last seen by this process, per API host.',
    labelNames: ['host'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of rateLimitReadings()) this.set({ host: r.host }, r.remaining);
    },
  });
  new prom.Gauge({
    name: 'upshift_github_rate_limit_reset_timestamp_seconds',
    help: 'When the GitHub rate-limit window last seen resets (Unix time), per API host.',
    labelNames: ['host'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of rateLimitReadings()) if (r.resetAt !== null) this.set({ host: r.host }, r.resetAt);
    },
  });

  return {
    contentType: registry.contentType,
    registry,
    async render() {
      refresh();
      return registry.metrics();
    },
  };
}
