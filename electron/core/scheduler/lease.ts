/**
 * One scheduler per state directory, across processes (issue 9 §2): the tray app, `upshift serve` and `upshift daemon`
 * may all run, and exactly one of them acts. The leader holds a row of the `leases` table (migration 8) with its pid and
 * the pid's start time, as the project locks record them (state/lock.ts), and renews it while it runs.
 *
 * Taken over when the holder is shown dead (its pid gone, reused by another process, or from before a reboot) — at
 * once, as a stale project lock is — or, for a holder on another host sharing the directory (whose pid cannot be
 * checked), when its lease has not been renewed for `ttlMs`. A live holder on this host is never displaced, however
 * long it has not renewed: a process that is alive may be in the middle of an upgrade.
 *
 * Every read-judge-write happens inside one `BEGIN IMMEDIATE` transaction, so two candidates never both win.
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { assessOwner, currentBootId, processStartTime, type LockOwnerState } from '../state/lock.js';
import type { StateStore } from '../state/store.js';

export const SCHEDULER_LEASE = 'scheduler';
/** A leader renews at least this often; another host's lease older than the TTL is taken over. */
export const DEFAULT_LEASE_TTL_MS = 5 * 60_000;

export interface LeaseHolder {
  pid: number;
  pidStartTime: number | null;
  bootId: string | null;
  host: string;
  user: string;
  /** What runs the scheduler: `daemon`, `app`, `serve`, `test`. */
  role: string;
  acquiredAt: number;
  renewedAt: number;
  expiresAt: number;
}

interface LeaseRow {
  name: string;
  token: string;
  pid: number;
  pid_start_time: number | null;
  boot_id: string | null;
  host: string;
  user: string;
  role: string;
  acquired_at: number;
  renewed_at: number;
  expires_at: number;
  state: string | null;
}

function toHolder(r: LeaseRow): LeaseHolder {
  return { pid: r.pid, pidStartTime: r.pid_start_time, bootId: r.boot_id, host: r.host, user: r.user, role: r.role, acquiredAt: r.acquired_at, renewedAt: r.renewed_at, expiresAt: r.expires_at };
}

function whoAmI(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || process.env.USERNAME || 'unknown';
  }
}

export type LeaseStatus = { leader: true; tookOver: { holder: LeaseHolder; state: LockOwnerState } | null } | { leader: false; holder: LeaseHolder; state: LockOwnerState };

export class SchedulerLease {
  private readonly token = randomBytes(16).toString('hex');
  private held = false;

  constructor(
    private readonly store: StateStore,
    private readonly opts: { role: string; now: () => number; ttlMs?: number; name?: string },
  ) {}

  get name(): string {
    return this.opts.name ?? SCHEDULER_LEASE;
  }

  get isLeader(): boolean {
    return this.held;
  }

  private get ttl(): number {
    return this.opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  }

  /** Takes the lease, or renews it when this instance holds it already. Says who holds it otherwise. */
  acquire(): LeaseStatus {
    const db = this.store.database;
    const now = this.opts.now();
    const run = db.transaction((): LeaseStatus => {
      const row = db.prepare('SELECT * FROM leases WHERE name = ?').get(this.name) as LeaseRow | undefined;
      if (row && row.token === this.token) {
        db.prepare('UPDATE leases SET renewed_at = ?, expires_at = ? WHERE name = ? AND token = ?').run(now, now + this.ttl, this.name, this.token);
        return { leader: true, tookOver: null };
      }
      let tookOver: { holder: LeaseHolder; state: LockOwnerState } | null = null;
      if (row) {
        const holder = toHolder(row);
        const state = assessOwner({ pid: row.pid, pidStartTime: row.pid_start_time, bootId: row.boot_id, host: row.host });
        const gone = state === 'dead' || state === 'pid-reused' || state === 'rebooted';
        const lapsed = state === 'other-host' && row.expires_at <= now;
        if (!gone && !lapsed) return { leader: false, holder, state };
        tookOver = { holder, state };
        db.prepare('DELETE FROM leases WHERE name = ? AND token = ?').run(this.name, row.token);
      }
      db.prepare(
        'INSERT INTO leases (name, token, pid, pid_start_time, boot_id, host, user, role, acquired_at, renewed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(this.name, this.token, process.pid, processStartTime(process.pid), currentBootId(), hostname(), whoAmI(), this.opts.role, now, now, now + this.ttl);
      return { leader: true, tookOver };
    });
    const status = run.immediate();
    this.held = status.leader;
    return status;
  }

  /** The holder now, if any (read-only: `upshift daemon status`, `upshift schedule`). */
  static holder(store: StateStore, name = SCHEDULER_LEASE): (LeaseHolder & { state: LockOwnerState }) | null {
    const row = store.database.prepare('SELECT * FROM leases WHERE name = ?').get(name) as LeaseRow | undefined;
    if (!row) return null;
    return { ...toHolder(row), state: assessOwner({ pid: row.pid, pidStartTime: row.pid_start_time, bootId: row.boot_id, host: row.host }) };
  }

  /** Gives the lease up (idempotent); never removes one another process has taken since. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      this.store.database.prepare('DELETE FROM leases WHERE name = ? AND token = ?').run(this.name, this.token);
    } catch {
      // A closed store: the row is taken over as stale once this process has exited.
    }
  }
}
