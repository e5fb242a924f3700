/**
 * The notification outbox in state.db (migration 7). Enqueueing is one INSERT statement, so an upgrade that reports
 * its outcome never waits on a network. Delivery claims rows first (status `sending`, an owner and a lease) in a
 * write transaction, so two processes never send the same row; a row whose owner died is claimed again when its
 * lease runs out and is sent with the same idempotency key. Times are milliseconds since the epoch.
 */
import type { Db } from '../state/index.js';

export interface OutboxRow {
  seq: number;
  key: string;
  channel: string;
  target: string;
  type: string;
  project: string | null;
  event: string;
  digest: number;
  status: 'pending' | 'sending' | 'sent' | 'gave_up';
  created_at: number;
  due_at: number;
  attempts: number;
  last_error: string | null;
}

export interface NewOutboxRow {
  key: string;
  channel: string;
  target: string;
  type: string;
  project: string | null;
  event: string;
  digest: boolean;
  dueAt: number;
}

export interface ChannelRow {
  channel: string;
  next_send_at: number;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_error: string | null;
  gave_up: number;
}

/** Sent and given-up rows are kept this long (for `upshift doctor` and tests), then removed. */
const KEEP_DONE_MS = 7 * 24 * 3600_000;

export class Outbox {
  constructor(private readonly db: Db) {}

  /** Adds messages in one statement; a key already present is left as it is (the same event enqueued twice). */
  enqueue(rows: readonly NewOutboxRow[], now: number): number {
    if (rows.length === 0) return 0;
    const values = rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    const params = rows.flatMap((r) => [r.key, r.channel, r.target, r.type, r.project, r.event, r.digest ? 1 : 0, now, r.dueAt]);
    return this.db.prepare(`INSERT INTO notify_outbox (key, channel, target, type, project, event, digest, created_at, due_at) VALUES ${values} ON CONFLICT (key) DO NOTHING`).run(...params).changes;
  }

  /**
   * Claims, per channel whose rate limit allows a send now, its oldest due message — or, for a digest channel,
   * every due message (they go out as one). Rows another process claimed are skipped until their lease runs out.
   */
  claim(now: number, owner: string, leaseMs: number, channels?: ReadonlySet<string>): OutboxRow[] {
    return this.db
      .transaction(() => {
        const due = this.db
          .prepare(
            `SELECT seq, channel, digest FROM notify_outbox
             WHERE ((status = 'pending' AND due_at <= ?) OR (status = 'sending' AND claim_until < ?))
               AND channel NOT IN (SELECT channel FROM notify_channels WHERE next_send_at > ?)
             ORDER BY due_at, seq LIMIT 500`,
          )
          .all(now, now, now) as Array<{ seq: number; channel: string; digest: number }>;
        const picked: number[] = [];
        const seen = new Set<string>();
        for (const r of due) {
          if (channels && !channels.has(r.channel)) continue;
          if (r.digest === 1) picked.push(r.seq);
          else if (!seen.has(r.channel)) {
            seen.add(r.channel);
            picked.push(r.seq);
          }
        }
        if (picked.length === 0) return [];
        const marks = picked.map(() => '?').join(', ');
        return this.db
          .prepare(`UPDATE notify_outbox SET status = 'sending', claimed_by = ?, claim_until = ?, attempts = attempts + 1 WHERE seq IN (${marks}) RETURNING *`)
          .all(owner, now + leaseMs, ...picked) as OutboxRow[];
      })
      .immediate();
  }

  /** Marks delivered rows; only rows this owner still holds (a lease taken over by another process is theirs). */
  sent(seqs: readonly number[], owner: string, now: number): void {
    const stmt = this.db.prepare(`UPDATE notify_outbox SET status = 'sent', done_at = ?, last_error = NULL, claimed_by = NULL, claim_until = NULL WHERE seq = ? AND claimed_by = ?`);
    this.db.transaction(() => seqs.forEach((s) => stmt.run(now, s, owner))).immediate();
  }

  retry(seqs: readonly number[], owner: string, dueAt: number, error: string): void {
    const stmt = this.db.prepare(`UPDATE notify_outbox SET status = 'pending', due_at = ?, last_error = ?, claimed_by = NULL, claim_until = NULL WHERE seq = ? AND claimed_by = ?`);
    this.db.transaction(() => seqs.forEach((s) => stmt.run(dueAt, error, s, owner))).immediate();
  }

  gaveUp(seqs: readonly number[], owner: string, now: number, error: string): void {
    const stmt = this.db.prepare(`UPDATE notify_outbox SET status = 'gave_up', done_at = ?, last_error = ?, claimed_by = NULL, claim_until = NULL WHERE seq = ? AND claimed_by = ?`);
    this.db.transaction(() => seqs.forEach((s) => stmt.run(now, error, s, owner))).immediate();
  }

  /** Puts rows this owner claimed but did not finish back (a flush that ran out of time). */
  release(seqs: readonly number[], owner: string): void {
    const stmt = this.db.prepare(`UPDATE notify_outbox SET status = 'pending', attempts = MAX(attempts - 1, 0), claimed_by = NULL, claim_until = NULL WHERE seq = ? AND claimed_by = ? AND status = 'sending'`);
    this.db.transaction(() => seqs.forEach((s) => stmt.run(s, owner))).immediate();
  }

  /** Records an attempt's result for the channel: health, and no send before `nextSendAt`. */
  recordAttempt(channel: string, now: number, nextSendAt: number, result: { ok: true } | { ok: false; error: string; gaveUp: number }): void {
    this.db
      .prepare(
        `INSERT INTO notify_channels (channel, next_send_at, last_success_at, last_failure_at, last_error, gave_up) VALUES (@channel, @next, @success, @failure, @error, @gaveUp)
         ON CONFLICT (channel) DO UPDATE SET
           next_send_at = MAX(excluded.next_send_at, notify_channels.next_send_at),
           last_success_at = COALESCE(excluded.last_success_at, notify_channels.last_success_at),
           last_failure_at = COALESCE(excluded.last_failure_at, notify_channels.last_failure_at),
           last_error = CASE WHEN excluded.last_success_at IS NOT NULL THEN NULL ELSE excluded.last_error END,
           gave_up = CASE WHEN excluded.last_success_at IS NOT NULL THEN 0 ELSE notify_channels.gave_up + excluded.gave_up END`,
      )
      .run({
        channel,
        next: nextSendAt,
        success: result.ok ? now : null,
        failure: result.ok ? null : now,
        error: result.ok ? null : result.error,
        gaveUp: result.ok ? 0 : result.gaveUp,
      });
  }

  channelRows(): Map<string, ChannelRow> {
    const rows = this.db.prepare('SELECT * FROM notify_channels').all() as ChannelRow[];
    return new Map(rows.map((r) => [r.channel, r]));
  }

  /** Messages waiting (pending or being sent), per channel. */
  depthByChannel(): Map<string, number> {
    const rows = this.db.prepare(`SELECT channel, COUNT(*) AS n FROM notify_outbox WHERE status IN ('pending', 'sending') GROUP BY channel`).all() as Array<{ channel: string; n: number }>;
    return new Map(rows.map((r) => [r.channel, r.n]));
  }

  depth(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM notify_outbox WHERE status IN ('pending', 'sending')`).get() as { n: number }).n;
  }

  /** When the next pending message falls due (ms), or null when none waits. */
  nextDueAt(): number | null {
    const r = this.db.prepare(`SELECT MIN(MAX(o.due_at, COALESCE(c.next_send_at, 0))) AS at FROM notify_outbox o LEFT JOIN notify_channels c ON c.channel = o.channel WHERE o.status = 'pending'`).get() as { at: number | null };
    return r.at;
  }

  rows(): OutboxRow[] {
    return this.db.prepare('SELECT * FROM notify_outbox ORDER BY seq').all() as OutboxRow[];
  }

  prune(now: number): void {
    this.db.prepare(`DELETE FROM notify_outbox WHERE status IN ('sent', 'gave_up') AND done_at < ?`).run(now - KEEP_DONE_MS);
  }
}
