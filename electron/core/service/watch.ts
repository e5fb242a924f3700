import type { Operation, OperationStep } from '../../../shared/api/types.js';
import { assessOwner, type StateStore } from '../state/index.js';
import type { Clock } from './clock.js';

export interface WatchHandlers {
  /** Operations this process runs itself: their events come from the executor, not from the database. */
  isOwn(operationId: string): boolean;
  /** Another process started an operation (or recorded one that already finished: `operation.status` says). */
  operationStarted(operation: Operation): void;
  /** A step of another process's running operation changed. */
  operationStep(operationId: string, step: OperationStep): void;
  operationFinished(operation: Operation): void;
  historyChanged(): void;
  /** Projects whose record or last check changed; `listChanged` when projects were added or removed. */
  projectsChanged(names: string[], listChanged: boolean): void;
  /** Settings or update decisions changed. */
  preferencesChanged(): void;
  /** The process running one of those operations is gone (killed): it needs recovering. */
  ownerGone(operationId: string): void;
}

/**
 * Notices what other connections to the state database committed — the CLI upgrading in a terminal, another
 * window — and reports it as the dashboard's events, so nothing needs a reload. While nothing changes it costs
 * one `PRAGMA data_version` per interval (SQLite bumps it for other connections' commits only); when it moves,
 * a few indexed queries find what: operations inserted since the last seen rowid, the status and steps of the
 * other processes' operations still running, and signatures of the projects and of the preferences.
 */
export class DbWatcher {
  private timer: unknown = null;
  private version = -1;
  private seq = 0;
  /** Other processes' running operations: step id → "status duration" as last seen. */
  private readonly running = new Map<string, Map<string, string>>();
  private projects = new Map<string, string>();
  private ticks = 0;
  private prefs = '';
  private stopped = false;

  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
    private readonly handlers: WatchHandlers,
    private readonly intervalMs = 500,
  ) {}

  /** Takes the current state as the baseline (nothing is reported for it) and starts polling. */
  start(): void {
    this.version = this.store.dataVersion();
    this.seq = this.store.lastOperationSeq();
    for (const mark of this.store.runningOperationMarks()) {
      if (!this.handlers.isOwn(mark.id)) this.running.set(mark.id, new Map());
    }
    if (this.running.size > 0) {
      const steps = this.store.stepsOf([...this.running.keys()]);
      for (const [id, seen] of this.running) for (const s of steps.get(id) ?? []) seen.set(s.id, stepSig(s));
    }
    this.resync();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Re-reads signatures without reporting: called after this process's own writes, which it has already
   * reported, so the next foreign commit does not report them again. With `projects`, only those projects (a
   * check of a few must not swallow another process's change to a third); without, everything — for writes the
   * caller answers with a full state event anyway.
   */
  resync(projects?: readonly string[]): void {
    const marks = this.store.projectMarks();
    if (projects === undefined) {
      this.projects = new Map(marks.map((m) => [m.name, m.signature]));
      this.prefs = this.store.preferencesSignature();
      return;
    }
    for (const m of marks) if (projects.includes(m.name)) this.projects.set(m.name, m.signature);
  }

  /** Stops following an operation (this process recovered it and reported that itself). */
  forget(operationId: string): void {
    this.running.delete(operationId);
  }

  /**
   * A killed process commits nothing, so its operation would look running forever: every few ticks, while other
   * processes' operations run, their owners are checked (pid with its start time, as recovery judges them).
   */
  checkOwners(): void {
    for (const id of this.running.keys()) {
      const record = this.store.getOperationRecord(id);
      if (!record || record.operation.status !== 'running') continue;
      const op = record.operation;
      const state = assessOwner({ pid: op.pid, pidStartTime: record.pidStartTime, bootId: record.bootId, host: op.host });
      if (state !== 'alive' && state !== 'other-host') {
        this.handlers.ownerGone(id);
        return;
      }
    }
  }

  /** One look at the database; returns whether another connection had committed since the last look. */
  poll(): boolean {
    if (this.store.isClosed) return false;
    const version = this.store.dataVersion();
    if (version === this.version) return false;
    this.version = version;
    let history = false;
    for (;;) {
      const fresh = this.store.operationsAfter(this.seq);
      for (const mark of fresh) {
        this.seq = mark.seq;
        if (this.handlers.isOwn(mark.id)) continue;
        const op = this.store.getOperation(mark.id);
        if (!op) continue;
        history = true;
        this.handlers.operationStarted(op);
        if (op.status === 'running') this.running.set(op.id, new Map(op.steps.map((s) => [s.id, stepSig(s)])));
        else this.handlers.operationFinished(op);
      }
      if (fresh.length < 500) break;
    }
    if (this.checkRunning()) history = true;
    if (history) this.handlers.historyChanged();
    this.checkProjects();
    const prefs = this.store.preferencesSignature();
    if (prefs !== this.prefs) {
      this.prefs = prefs;
      this.handlers.preferencesChanged();
    }
    return true;
  }

  private checkRunning(): boolean {
    if (this.running.size === 0) return false;
    const ids = [...this.running.keys()];
    const marks = new Map(this.store.operationMarks(ids).map((m) => [m.id, m]));
    const steps = this.store.stepsOf(ids);
    let finished = false;
    for (const id of ids) {
      const seen = this.running.get(id)!;
      const mark = marks.get(id);
      if (!mark) {
        this.running.delete(id);
        continue;
      }
      for (const step of steps.get(id) ?? []) {
        const sig = stepSig(step);
        if (seen.get(step.id) === sig) continue;
        seen.set(step.id, sig);
        if (step.status !== 'pending') this.handlers.operationStep(id, step);
      }
      if (mark.status !== 'running') {
        this.running.delete(id);
        const op = this.store.getOperation(id);
        if (op) this.handlers.operationFinished(op);
        finished = true;
      }
    }
    return finished;
  }

  private checkProjects(): void {
    const now = new Map(this.store.projectMarks().map((m) => [m.name, m.signature]));
    const changed: string[] = [];
    let listChanged = now.size !== this.projects.size;
    for (const [name, sig] of now) {
      const before = this.projects.get(name);
      if (before === undefined) listChanged = true;
      if (before !== sig) changed.push(name);
    }
    for (const name of this.projects.keys()) if (!now.has(name)) listChanged = true;
    this.projects = now;
    if (changed.length > 0 || listChanged) this.handlers.projectsChanged(changed, listChanged);
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      try {
        this.poll();
        if (++this.ticks % 4 === 0 && this.running.size > 0) this.checkOwners();
      } catch {
        // A busy or closing database: look again next time.
      }
      this.arm();
    }, this.intervalMs);
  }
}

function stepSig(s: OperationStep): string {
  return `${s.status} ${s.durationMs ?? ''} ${s.error ?? ''}`;
}
