/**
 * The scheduler inside the service (issue 9 §2): the tray app (role `app`) and `upshift serve` (role `serve`) run the
 * same loop as `upshift daemon`, through the service — the poller's checks wake it, approvals and pauses from the
 * dashboard wake it, and the dashboard reads what it would do (getSchedule) and pauses or resumes it. The leader lease
 * of the state directory (scheduler/lease.ts) makes sure that of every app, serve and daemon on one state directory
 * exactly one acts; the others stand by and take over when it goes.
 *
 * Kept apart from service.ts (composition only there). Unattended upgrades run through Engine.upgrade in this process;
 * the service's database watcher reports them to the dashboard as it reports the CLI's (operation-started / -step /
 * -finished), and the history records who started them (`startedBy`).
 */
import type { MethodOutputs, UpshiftEvent } from '../../../shared/api/contract.js';
import type { Engine } from '../engine/index.js';
import {
  ApprovalStore,
  AUTOMATION_KEY,
  pauseAutomation,
  resumeAutomation,
  Scheduler,
  scheduleReport,
  systemTimeZone,
  whoAmI,
  type DeviceSource,
  type SchedulerNotifier,
  type TickResult,
  type UnattendedObserver,
} from '../scheduler/index.js';
import type { Clock } from './clock.js';

export interface ServiceSchedulerOptions {
  /** What runs it, recorded in the lease and in each unattended operation's startedBy: `app`, `serve`. */
  role: string;
  /** The system's IANA time zone (default: this process's). */
  timeZone?: string;
  /** Battery and metered connection (scheduler/device.ts DeviceProbe); default: the OS is not asked. */
  device?: DeviceSource;
  /** The longest sleep between two looks at the state (default 60 s). */
  pollMs?: number;
  /** After every tick (tests, logs). */
  onTick?: (result: TickResult) => void;
}

interface Deps {
  engine: Engine;
  clock: Clock;
  emit: (event: UpshiftEvent) => void;
  /** The notification channels: one message per unattended result, one per release waiting for approval. */
  notify: SchedulerNotifier;
  /** Null: this service runs no scheduler (tests, or a host that leaves it to the daemon); the methods still work. */
  options: ServiceSchedulerOptions | null;
  /** The unattended operations this scheduler runs, shown live in the dashboard. */
  operations?: UnattendedObserver;
}

type ScheduleDocument = MethodOutputs['getSchedule'];

export class ServiceAutomation {
  readonly scheduler: Scheduler | null;
  private lastSignature: string | null = null;
  private preferences: string;

  constructor(private readonly deps: Deps) {
    const o = deps.options;
    this.scheduler = o
      ? new Scheduler({
          engine: deps.engine,
          clock: deps.clock,
          role: o.role,
          notify: deps.notify,
          ...(o.timeZone ? { timeZone: o.timeZone } : {}),
          ...(o.device ? { device: o.device } : {}),
          ...(o.pollMs ? { pollMs: o.pollMs } : {}),
          onTick: (r) => this.ticked(r),
          ...(deps.operations ? { operations: deps.operations } : {}),
        })
      : null;
    this.preferences = this.preferencesSignature();
  }

  /** The automation policy and the approval queue as stored: what another process may change under the schedule. */
  private preferencesSignature(): string {
    return JSON.stringify(this.deps.engine.store.getSettings()[AUTOMATION_KEY] ?? null) + new ApprovalStore(this.deps.engine.store).signature();
  }

  /**
   * Another process changed the settings or the approvals (`upshift policy`, `upshift approve`, the daemon): when the
   * policy, the pause or the queue differ, {@link changed}. Other settings (launch at login, checks) change nothing here.
   */
  preferencesChanged(): void {
    const now = this.preferencesSignature();
    if (now === this.preferences) return;
    this.preferences = now;
    this.changed();
  }

  private get timeZone(): string {
    return this.deps.options?.timeZone ?? systemTimeZone();
  }

  start(): void {
    this.scheduler?.start();
  }

  /** Stops the loop: upgrades it started roll back (as on Ctrl-C), and the lease is given up for another process. */
  async stop(): Promise<void> {
    await this.scheduler?.stop({ cancelRunning: true });
  }

  /**
   * Something the schedule depends on changed (a check finished, an approval, the policy or the pause — here or in
   * another process): the scheduler looks again now, and the dashboard is told to read the schedule again.
   */
  changed(): void {
    this.preferences = this.preferencesSignature();
    this.scheduler?.poke();
    this.deps.emit({ type: 'schedule-changed' });
  }

  /** A check finished: the scheduler looks again (a new release may be due); the dashboard hears it from the tick. */
  checked(): void {
    this.scheduler?.poke();
  }

  /** `getSchedule`: the schedule as it stands, nothing written (the same document as `upshift schedule --json`). */
  report(): Promise<ScheduleDocument> {
    return scheduleReport(this.deps.engine, new Date(this.deps.clock.now()), this.timeZone, this.deps.options?.device ?? {});
  }

  async pause(input: { until: string | null; reason?: string | undefined }): Promise<ScheduleDocument> {
    pauseAutomation(this.deps.engine, input, { by: whoAmI(), now: new Date(this.deps.clock.now()) });
    this.changed();
    return this.report();
  }

  async resume(): Promise<ScheduleDocument> {
    resumeAutomation(this.deps.engine);
    this.changed();
    return this.report();
  }

  /** After each tick: `schedule-changed` when the scheduler started something or what it would do differs. */
  private ticked(r: TickResult): void {
    this.deps.options?.onTick?.(r);
    if (r.kind !== 'evaluated') return;
    const s = r.schedule;
    const signature = JSON.stringify([s.paused, s.due, s.projects.map((p) => [p.summary, p.releases.map((x) => [x.status, x.at, x.reasons.map((y) => y.code)])])]);
    if (r.started.length === 0 && signature === this.lastSignature) return;
    this.lastSignature = signature;
    this.deps.emit({ type: 'schedule-changed' });
  }
}
