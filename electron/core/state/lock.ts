import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { UpshiftError } from '../errors.js';
import { currentBootId, isProcessAlive, processStartTime } from './proc.js';
import type { StateStore } from './store.js';

export { currentBootId, isProcessAlive, processStartTime } from './proc.js';

/** Who holds (or held) a project lock. */
export interface LockOwner {
  project: string;
  pid: number;
  pidStartTime: number | null;
  bootId: string | null;
  host: string;
  user: string;
  operationId: string | null;
  acquiredAt: string;
}

/**
 * - `alive`: the owner process is running (or cannot be shown dead): held.
 * - `other-host`: taken on another machine sharing this state directory; liveness cannot be checked: held.
 * - `dead`, `pid-reused`, `rebooted`: the owner is gone: stale, taken over by the next acquire.
 */
export type LockOwnerState = 'alive' | 'other-host' | 'dead' | 'pid-reused' | 'rebooted';

export interface LockInspection {
  owner: LockOwner;
  state: LockOwnerState;
  stale: boolean;
}

export class LockHeldError extends UpshiftError {
  readonly owner: LockOwner;
  readonly ownerState: LockOwnerState;

  constructor(owner: LockOwner, state: LockOwnerState) {
    const who = `pid ${owner.pid}${owner.user ? ` (${owner.user})` : ''}${state === 'other-host' ? ` on host ${owner.host}` : ''}`;
    const what = owner.operationId ? `operation ${owner.operationId}` : 'an operation';
    const hint =
      state === 'other-host'
        ? ` Upshift cannot tell from ${hostname()} whether that process is still running. If it is not, run Upshift on ${owner.host} once: there a dead owner's lock is taken over automatically.`
        : ' Wait for it to finish, or stop that process; a lock whose process has died is taken over automatically.';
    super('LOCK_HELD', `Project "${owner.project}" is locked by ${what}, ${who}, since ${owner.acquiredAt}.${hint}`, {
      category: 'blocked',
      retryable: true,
      details: { ...owner, ownerState: state },
    });
    this.name = 'LockHeldError';
    this.owner = owner;
    this.ownerState = state;
  }
}

export interface AcquireOptions {
  operationId?: string | null;
}

interface LockRow {
  project: string;
  token: string;
  pid: number;
  pid_start_time: number | null;
  boot_id: string | null;
  host: string;
  user: string;
  operation_id: string | null;
  acquired_at: string;
}

function toOwner(row: LockRow): LockOwner {
  return {
    project: row.project,
    pid: row.pid,
    pidStartTime: row.pid_start_time,
    bootId: row.boot_id,
    host: row.host,
    user: row.user,
    operationId: row.operation_id,
    acquiredAt: row.acquired_at,
  };
}

/** Classifies a recorded owner from this machine's point of view. */
export function assessOwner(owner: Pick<LockOwner, 'pid' | 'pidStartTime' | 'bootId' | 'host'>): LockOwnerState {
  if (owner.host !== hostname()) return 'other-host';
  const boot = currentBootId();
  if (owner.bootId && boot && owner.bootId !== boot) return 'rebooted';
  if (!isProcessAlive(owner.pid)) return 'dead';
  if (owner.pidStartTime !== null && !isProcessAlive(owner.pid, owner.pidStartTime)) return 'pid-reused';
  return 'alive';
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER || process.env.USERNAME || 'unknown';
  }
}

/**
 * One operation per project at a time, across processes. The lock is a row in the store's `locks` table, read,
 * judged and written inside one `BEGIN IMMEDIATE` transaction, so two processes can never both take it, not even
 * while both take over the same stale lock. A held lock is refused at once with a LockHeldError naming the holder.
 * A lock whose owner is dead (or whose pid now belongs to another process, or that predates a reboot) is taken
 * over. A lock taken on another host is treated as held.
 */
export class ProjectLock {
  private released = false;

  private constructor(
    private readonly store: StateStore,
    readonly owner: LockOwner,
    private readonly token: string,
    /** The stale lock this acquire replaced, if any. */
    readonly tookOver: LockInspection | null,
  ) {}

  get project(): string {
    return this.owner.project;
  }

  get held(): boolean {
    return !this.released;
  }

  static acquire(store: StateStore, project: string, opts: AcquireOptions = {}): ProjectLock {
    const db = store.database;
    const token = randomBytes(16).toString('hex');
    const owner: LockOwner = {
      project,
      pid: process.pid,
      pidStartTime: processStartTime(process.pid),
      bootId: currentBootId(),
      host: hostname(),
      user: currentUser(),
      operationId: opts.operationId ?? null,
      acquiredAt: store.now(),
    };
    const take = db.transaction((): LockInspection | null => {
      const row = db.prepare('SELECT * FROM locks WHERE project = ?').get(project) as LockRow | undefined;
      let tookOver: LockInspection | null = null;
      if (row) {
        const current = toOwner(row);
        const state = assessOwner(current);
        if (state === 'alive' || state === 'other-host') throw new LockHeldError(current, state);
        tookOver = { owner: current, state, stale: true };
        db.prepare('DELETE FROM locks WHERE project = ? AND token = ?').run(project, row.token);
      }
      db.prepare(
        'INSERT INTO locks (project, token, pid, pid_start_time, boot_id, host, user, operation_id, acquired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(project, token, owner.pid, owner.pidStartTime, owner.bootId, owner.host, owner.user, owner.operationId, owner.acquiredAt);
      return tookOver;
    });
    const tookOver = take.immediate();
    return new ProjectLock(store, owner, token, tookOver);
  }

  /** The current lock on `project`, if any, and whether it is stale. Read-only. */
  static inspect(store: StateStore, project: string): LockInspection | null {
    const row = store.database.prepare('SELECT * FROM locks WHERE project = ?').get(project) as LockRow | undefined;
    if (!row) return null;
    const owner = toOwner(row);
    const state = assessOwner(owner);
    return { owner, state, stale: state !== 'alive' && state !== 'other-host' };
  }

  /** Removes whatever lock `project` has, whoever owns it (`upshift unlock`). Returns the removed owner. */
  static forceRelease(store: StateStore, project: string): LockOwner | null {
    const db = store.database;
    return db
      .transaction((): LockOwner | null => {
        const row = db.prepare('SELECT * FROM locks WHERE project = ?').get(project) as LockRow | undefined;
        if (!row) return null;
        db.prepare('DELETE FROM locks WHERE project = ? AND token = ?').run(project, row.token);
        return toOwner(row);
      })
      .immediate();
  }

  /** Records which operation holds the lock, once it has an id. */
  setOperation(operationId: string): void {
    if (this.released) return;
    const r = this.store.database
      .prepare('UPDATE locks SET operation_id = ? WHERE project = ? AND token = ?')
      .run(operationId, this.owner.project, this.token);
    if (r.changes > 0) this.owner.operationId = operationId;
  }

  /** Whether this lock's row is still ours (it may have been force-released). */
  stillHeld(): boolean {
    if (this.released) return false;
    return this.store.database.prepare('SELECT 1 FROM locks WHERE project = ? AND token = ?').get(this.owner.project, this.token) !== undefined;
  }

  /** Idempotent; never removes a lock that someone else has since taken. */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      this.store.database.prepare('DELETE FROM locks WHERE project = ? AND token = ?').run(this.owner.project, this.token);
    } catch (err) {
      // A closed store: the row stays and is taken over as stale once this process exits.
      if (!(err instanceof TypeError) && !/not open/i.test((err as Error).message)) throw err;
    }
  }
}
