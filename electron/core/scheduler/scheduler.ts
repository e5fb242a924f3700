/**
 * The scheduler loop (issue 9 §2): on each tick it takes (or renews) the leader lease of the state directory, gathers
 * the decision inputs from the engine, brings the approval queue up to date, asks shared/policy `schedule()` what is
 * due, and starts that through the same path as a person — Engine.upgrade with the plan's target, under the project
 * lock, with the gate rules of engine/gate-approval.ts. An unattended upgrade never passes `explicit` (a `manual` gate
 * refuses it), never stashes, never forces past rollback-loop protection, and goes ahead only when the plan the engine
 * makes is the release the schedule chose (same commit) with a clean tree.
 *
 * It sleeps until the schedule's `wakeAt`, never longer than `pollMs`; a wake before `wakeAt` first compares a cheap
 * fingerprint of the state (settings, approvals, checks, operations) and evaluates only when something changed, or
 * every `fullEveryMs` (a tree cleaned up outside Upshift). Time comes from the injected clock.
 */
import { recordSchedulerRun } from './runs.js';
import { hostname } from 'node:os';
import type { Operation, StartedBy } from '../../../shared/api/types.js';
import { findApproval, reconcileApprovals, schedule, type DeviceState, type Schedule } from '../../../shared/policy/index.js';
import type { Engine } from '../engine/index.js';
import type { OperationEvent } from '../executor/events.js';
import { toApiError } from '../errors.js';
import type { Clock } from '../service/clock.js';
import { approvalFindings, gatherProjects } from './inputs.js';
import { SchedulerLease, type LeaseStatus } from './lease.js';
import { ApprovalStore, lastEvaluatedAt, readAutomationSettings, setLastEvaluatedAt } from './store.js';

export interface SchedulerNotifier {
  operationFinished(op: Operation): unknown;
  needsApproval(project: string, version: string, reason: string): unknown;
}

/** The device state, or how to read it (asked lazily: an idle scheduler with nothing to upgrade probes nothing). */
export type DeviceSource = DeviceState | (() => DeviceState | Promise<DeviceState>);

export interface SchedulerOptions {
  engine: Engine;
  clock: Clock;
  /** What runs it (`daemon`, `app`, `serve`): recorded in the lease and in each operation's startedBy. */
  role: string;
  /** The system's IANA time zone (default: this process's). */
  timeZone?: string;
  notify?: SchedulerNotifier | null;
  /** On battery, on a metered connection (device.ts); asked only when some release could upgrade. */
  device?: DeviceSource;
  /** The longest sleep between two looks at the state (default 60 s). */
  pollMs?: number;
  /** A full evaluation at least this often, even when nothing recorded changed (default 15 min). */
  fullEveryMs?: number;
  leaseTtlMs?: number;
  /** Called after every tick (tests, logs). */
  onTick?: (result: TickResult) => void;
  /**
   * The unattended operations as they run, for a host that shows them live (the tray app and `serve`: the database
   * watcher cannot see writes made on its own connection). `finished` comes after the project was checked again.
   */
  operations?: UnattendedObserver;
}

export interface UnattendedObserver {
  started(op: Operation): void;
  event(e: OperationEvent): void;
  finished(op: Operation): void;
}

export interface UnattendedOutcome {
  project: string;
  version: string;
  /** The operation recorded, when one was. */
  operation: Operation | null;
  /** Why nothing was recorded or the engine refused (a held lock, a plan that is not the release chosen, a gate). */
  refused: { code: string; message: string } | null;
}

export type TickResult =
  | { kind: 'standby'; lease: Extract<LeaseStatus, { leader: false }>; at: string }
  | { kind: 'unchanged'; at: string }
  | { kind: 'evaluated'; at: string; schedule: Schedule; started: UnattendedOutcome[]; problems: string[] };

const DEFAULT_POLL_MS = 60_000;
const DEFAULT_FULL_EVERY_MS = 15 * 60_000;

export class Scheduler {
  private readonly lease: SchedulerLease;
  private readonly approvals: ApprovalStore;
  private timer: unknown = null;
  private running = false;
  private stopped = true;
  private ticking: Promise<TickResult> | null = null;
  private fingerprint: string | null = null;
  private wakeAt: number | null = null;
  private lastFull = 0;
  /** Aborts upgrades in progress when the scheduler stops (SIGTERM to the daemon): each rolls back as on Ctrl-C. */
  private abort = new AbortController();

  constructor(private readonly opts: SchedulerOptions) {
    this.lease = new SchedulerLease(opts.engine.store, { role: opts.role, now: () => opts.clock.now(), ...(opts.leaseTtlMs ? { ttlMs: opts.leaseTtlMs } : {}) });
    this.approvals = new ApprovalStore(opts.engine.store);
  }

  get isLeader(): boolean {
    return this.lease.isLeader;
  }

  private get timeZone(): string {
    return this.opts.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  }

  /** Starts the loop: a first tick at once, then at `wakeAt` (or `pollMs`). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.arm(0);
  }

  /** Stops the loop, waits for a tick in progress (and the upgrades it started), and gives the lease up. */
  async stop(opts: { cancelRunning?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (opts.cancelRunning) this.abort.abort();
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.ticking) await this.ticking.catch(() => undefined);
    this.lease.release();
  }

  /**
   * Checks a project again after an unattended operation, so the next evaluation sees what is installed now. A check
   * that fails leaves the project without a current check: inputs.ts offers nothing from a check older than the
   * operation, so the release just installed is never tried again in a loop.
   */
  private async recheck(project: string): Promise<void> {
    try {
      await this.opts.engine.check([project], this.abort.signal, { isolateFailures: true });
    } catch {
      // reported by the next check; see above
    }
  }

  /** How history and the run log name this scheduler: `daemon (pid 4242 on build-box)`. */
  private describe(): string {
    return `${this.opts.role} (pid ${process.pid} on ${hostname()})`;
  }

  /** Something changed that the fingerprint may not show (a check finished, an approval from the dashboard): look now. */
  poke(): void {
    this.fingerprint = null;
    if (!this.stopped && !this.running) this.arm(0);
  }

  private arm(ms: number): void {
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      void this.tick().catch(() => undefined);
    }, ms);
  }

  private stateFingerprint(): string {
    const row = this.opts.engine.store.database
      .prepare(
        `SELECT (SELECT max(updated_at) FROM settings) AS s, (SELECT count(*) || ':' || ifnull(max(updated_at), '') FROM approvals) AS a,
                (SELECT count(*) || ':' || ifnull(max(checked_at), '') FROM checks) AS c, (SELECT count(*) || ':' || ifnull(max(finished_at), '') FROM operations) AS o,
                (SELECT count(*) FROM projects) AS p`,
      )
      .get() as Record<string, unknown>;
    return JSON.stringify(row);
  }

  /** One evaluation; the loop calls it, tests may call it directly. Never runs twice at once. */
  async tick(opts: { force?: boolean } = {}): Promise<TickResult> {
    if (this.ticking) return this.ticking;
    this.running = true;
    this.ticking = this.evaluate(opts.force ?? false);
    try {
      const result = await this.ticking;
      this.opts.onTick?.(result);
      return result;
    } finally {
      this.ticking = null;
      this.running = false;
      if (!this.stopped) this.arm(this.nextSleep());
    }
  }

  private nextSleep(): number {
    const now = this.opts.clock.now();
    const poll = this.opts.pollMs ?? DEFAULT_POLL_MS;
    return Math.max(0, Math.min(poll, this.wakeAt !== null ? this.wakeAt - now : poll));
  }

  private async evaluate(force: boolean): Promise<TickResult> {
    const { clock } = this.opts;
    const now = clock.now();
    const at = new Date(now).toISOString();
    const lease = this.lease.acquire();
    if (!lease.leader) {
      this.fingerprint = null;
      return { kind: 'standby', lease, at };
    }
    const fingerprint = this.stateFingerprint();
    const due = this.wakeAt !== null && this.wakeAt <= now;
    const stale = now - this.lastFull >= (this.opts.fullEveryMs ?? DEFAULT_FULL_EVERY_MS);
    if (!force && !due && !stale && fingerprint === this.fingerprint) return { kind: 'unchanged', at };
    this.lastFull = now;

    const result = await this.decide(new Date(now));
    const started: UnattendedOutcome[] = [];
    if (result.schedule.due.length > 0) {
      // Within maxConcurrent (the schedule counted what already runs); each under its own project lock.
      started.push(...(await Promise.all(result.schedule.due.map((d) => this.startUnattended(d, result.schedule)))));
      recordSchedulerRun(this.opts.engine.store, {
        at,
        scheduler: this.describe(),
        outcomes: started.map((s) => ({ project: s.project, version: s.version, operation: s.operation ? { id: s.operation.id, status: s.operation.status } : null, refused: s.refused })),
        problems: result.problems,
      });
      // Something changed: look again at once (the next release, a freed slot).
      this.wakeAt = clock.now();
    } else {
      this.wakeAt = result.schedule.wakeAt ? Date.parse(result.schedule.wakeAt) : null;
    }
    this.fingerprint = started.length > 0 ? null : this.stateFingerprint();
    return { kind: 'evaluated', at, schedule: result.schedule, started, problems: result.problems };
  }

  /**
   * The schedule now, with the approval queue brought up to date (a new release behind a `review` gate is asked
   * for, once; a superseded approval expires). Used by the loop and by `upshift schedule`.
   */
  async decide(now: Date): Promise<{ schedule: Schedule; problems: string[] }> {
    return decideSchedule(this.opts.engine, now, this.timeZone, this.approvals, this.opts.notify ?? null, this.opts.device ?? {}, true);
  }

  /**
   * Starts one due upgrade through Engine.upgrade — the path a person takes — with nothing a person at the keyboard
   * would be refused: no `explicit` (a manual gate refuses), no stash, no force; the plan must be the release chosen
   * (same version and commit) and the tree clean, or nothing is recorded. Notifies once with the result.
   */
  async startUnattended(due: Schedule['due'][number], sched: Schedule): Promise<UnattendedOutcome> {
    const { engine } = this.opts;
    const decision = sched.projects.find((p) => p.project === due.project)?.next ?? null;
    const approval = findApproval(this.approvals.list(), { project: due.project, version: due.version, tag: due.tag, commit: due.commit });
    const startedBy: StartedBy = {
      by: 'policy',
      trigger: due.trigger,
      window: decision?.window?.name ?? null,
      approvedBy: approval?.state === 'approved' ? approval.decidedBy : null,
      scheduler: this.describe(),
      summary: decision?.summary ?? `${due.project} ${due.version}`,
    };
    let refusal: { code: string; message: string } | null = null;
    try {
      await engine.recover();
      const observer = this.opts.operations;
      const op = await engine.upgrade(due.project, {
        to: due.version,
        stash: false,
        startedBy,
        signal: this.abort.signal,
        ...(observer ? { listener: (e: OperationEvent) => observer.event(e), onStarted: (o: Operation) => observer.started(o) } : {}),
        confirm: async (plan) => {
          if (plan.to.version !== due.version || (plan.to.sha && plan.to.sha !== due.commit)) {
            refusal = { code: 'PLAN_CHANGED', message: `the plan now goes to ${plan.to.version ?? '?'} (${(plan.to.sha ?? '').slice(0, 7)}), not the ${due.version} (${due.commit.slice(0, 7)}) the schedule chose` };
            return false;
          }
          if (plan.uncommittedWork) {
            refusal = { code: 'DIRTY', message: `${due.project} has uncommitted changes: an unattended upgrade never sets them aside` };
            return false;
          }
          if (plan.gate === 'manual' || plan.gate === 'skip') {
            refusal = { code: 'GATE_MANUAL', message: `${due.version} is gated ${plan.gate}: only a person installs it` };
            return false;
          }
          return true;
        },
      });
      if (!op) return { project: due.project, version: due.version, operation: null, refused: refusal ?? { code: 'DECLINED', message: 'declined' } };
      this.opts.notify?.operationFinished(op);
      await this.recheck(due.project);
      this.opts.operations?.finished(op);
      return { project: due.project, version: due.version, operation: op, refused: null };
    } catch (err) {
      const e = toApiError(err);
      const op = typeof e.details?.operation === 'string' ? engine.store.getOperation(e.details.operation) : null;
      if (op) {
        this.opts.notify?.operationFinished(op);
        await this.recheck(due.project);
        this.opts.operations?.finished(op);
      }
      return { project: due.project, version: due.version, operation: op ?? null, refused: { code: e.code, message: e.message } };
    }
  }
}

/**
 * The schedule of every project now (shared by the loop and `upshift schedule`). With `persist`, the approval queue is
 * reconciled and saved (new pending approvals notified once) and the evaluation instant remembered (missed windows).
 */
export async function decideSchedule(
  engine: Engine,
  now: Date,
  timeZone: string,
  approvals: ApprovalStore,
  notify: SchedulerNotifier | null,
  device: DeviceSource,
  persist: boolean,
): Promise<{ schedule: Schedule; problems: string[] }> {
  const gathered = await gatherProjects(engine);
  rememberFirstSeen(engine, gathered, now, persist);
  const { settings, problem } = readAutomationSettings(engine.store);
  const findings = approvalFindings(gathered);
  let queue = approvals.list();
  if (persist) {
    const fresh: Array<{ project: string; version: string }> = [];
    queue = approvals.update((q) => {
      const next = reconcileApprovals(q, findings, now);
      for (const a of next) if (a.state === 'pending' && a.requestedAt === now.toISOString() && !q.includes(a)) fresh.push(a);
      return { queue: next, value: next };
    });
    for (const a of fresh) notify?.needsApproval(a.project, a.version, `${a.project} ${a.version} waits for approval: \`upshift approve ${a.project} ${a.version}\``);
  } else {
    queue = reconcileApprovals(queue, findings, now);
  }
  // The OS is asked about power and the network only when some release could upgrade.
  const anyCandidate = gathered.some((g) => g.state.candidates.length > 0);
  const deviceNow = typeof device === 'function' ? (anyCandidate ? await device() : {}) : device;
  const sched = schedule({
    now,
    timeZone,
    settings,
    projects: gathered.map((g) => g.state),
    approvals: queue,
    device: deviceNow,
    lastEvaluatedAt: lastEvaluatedAt(engine.store),
  });
  if (persist) setLastEvaluatedAt(engine.store, now);
  const problems = [...(problem ? [problem] : []), ...gathered.flatMap((g) => (g.problem ? [g.problem] : []))];
  return { schedule: sched, problems };
}

const FIRST_SEEN_KEY = 'automation.firstSeen';

/**
 * When the scheduler first saw each candidate (by project and commit): `minimumReleaseAge` counts from it while the
 * release date is not known. Kept in the settings, pruned to the candidates of now.
 */
function rememberFirstSeen(engine: Engine, gathered: Awaited<ReturnType<typeof gatherProjects>>, now: Date, persist: boolean): void {
  const stored = engine.store.getSettings()[FIRST_SEEN_KEY];
  const seen = (stored && typeof stored === 'object' ? stored : {}) as Record<string, string>;
  const next: Record<string, string> = {};
  for (const g of gathered) {
    g.state.candidates = g.state.candidates.map((c) => {
      const key = `${g.state.project}@${c.commit}`;
      next[key] = seen[key] ?? now.toISOString();
      return { ...c, foundAt: next[key] };
    });
  }
  if (persist && JSON.stringify(next) !== JSON.stringify(seen)) engine.store.setSettings({ [FIRST_SEEN_KEY]: next });
}
