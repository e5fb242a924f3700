import {
  inputs,
  METHOD_NAMES,
  type AppState,
  type MethodName,
  type MethodOutputs,
  type PollerState,
  type ProjectView,
  type Settings,
  type UpshiftApi,
  type UpshiftEvent,
} from '../../../shared/api/contract.js';
import type { CheckResult, Channel } from '../../../shared/api/types.js';
import { refuseUndone } from './outcomes.js';
import { recordDecision, removeSkip, type DecisionKind } from './skips.js';
import { dashboardPath, forTheForm } from './add-path.js';
import { Engine } from '../engine/index.js';
import { toApiError } from '../errors.js';
import type { SecretStore } from '../source/github/secret-store.js';
import type { ReleaseSource } from '../source/types.js';
import { resolveHome, stateFailure } from '../state/index.js';
import { BackupKeeper } from './backup-keeper.js';
import { systemClock, type Clock } from './clock.js';
import { badInput, serviceError, ServiceError } from './errors.js';
import { GithubTokenSettings } from './github-token.js';
import { NotificationCenter, type Notifier } from './notifications.js';
import type { NotifyHub } from '../notify/hub.js';
import { engineNotifyHub } from '../notify/engine-hub.js';
import type { ChannelDeps } from '../notify/types.js';
import { BatchRunner } from './batches.js';
import { OperationRunner, operationUpdate, tailFile } from './operations.js';
import { Poller } from './poller.js';
import { mergeSettings, projectView, readSettings } from './views.js';
import { DbWatcher } from './watch.js';
import type { MetricsSources } from '../telemetry/index.js';
import { acceptMovedTag } from '../trust/index.js';
import { ApprovalStore, currentApprovals, decideApproval, whoAmI } from '../scheduler/index.js';
import { SelfUpdateHub, type SelfUpdateOptions } from './self-update.js';
import { ServiceAutomation, type ServiceSchedulerOptions } from './schedule.js';

export interface ServiceOptions {
  /** The state directory; default from `env` as the CLI resolves it ($UPSHIFT_HOME, else the per-user data dir). */
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** Default: the real clock. Tests pass a ManualClock. */
  clock?: Clock;
  /** Where releases come from; default the git tags on each project's remote. */
  source?: ReleaseSource;
  /** Native notifications (the Electron shell); without one, only `notification` events are emitted. */
  notifier?: Notifier;
  /** Run background checks (default true): one at start, then every settings.pollMinutes. */
  poll?: boolean;
  /** Watch the database for other processes' changes (default true), every `watchIntervalMs` (default 500). */
  watch?: boolean;
  watchIntervalMs?: number;
  /** For the poller's jitter (tests). */
  random?: () => number;
  /** Log tail returned per step by getOperation, in bytes (default 16 KiB). */
  logTailBytes?: number;
  /**
   * The app's keychain for a GitHub token the user saves (the Electron shell's safeStorage). The GitHub source
   * asks the environment and `gh auth token` first. Without one, setGithubToken answers KEYCHAIN_UNAVAILABLE.
   */
  secretStore?: SecretStore;
  /** What notification channels need from outside (a headless desktop; in tests, hosts pointed at 127.0.0.1). */
  notifyDeps?: ChannelDeps;
  /**
   * Who serves the dashboard (About) and how Upshift updates itself: the tray app passes its updater (a port over
   * electron-updater), browser mode nothing (updated by whatever installed it). See self-update.ts.
   */
  selfUpdate?: SelfUpdateOptions;
  /**
   * Run the scheduler (issue 9 §2) in this process: the tray app passes `{role: 'app'}`, `upshift serve` `{role:
   * 'serve'}`. One leader per state directory across processes (the others stand by). Absent: no scheduler here —
   * getSchedule, pauseAutomation and resumeAutomation still work.
   */
  scheduler?: ServiceSchedulerOptions | null;
}

type Impl = { [M in MethodName]: (input: MethodOutputsInput<M>) => Promise<MethodOutputs[M]> | MethodOutputs[M] };
type MethodOutputsInput<M extends MethodName> = ReturnType<(typeof inputs)[M]['parse']>;

/**
 * The engine as the dashboard sees it: every method of the UI contract with its input validated, events for
 * everything that changes (this process's work, background checks and other processes' commits), the poller and
 * notifications. One per state directory; the HTTP host and the Electron main process both call `call()`.
 */
// The contract's methods, typed here and defined by the class's static block (declaration merging is what lets a
// class take its methods from a mapped type).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface UpshiftService extends UpshiftApi {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class UpshiftService implements UpshiftApi {
  private readonly listeners = new Set<(event: UpshiftEvent) => void>();
  private readonly clock: Clock;
  private readonly poller: Poller<CheckResult>;
  private readonly notifications: NotificationCenter;
  private readonly runner: OperationRunner;
  private readonly batches: BatchRunner;
  private readonly watcher: DbWatcher | null;
  private readonly checksAbort = new AbortController();
  private readonly background = new Set<Promise<unknown>>();
  private readonly githubToken: GithubTokenSettings;
  /** Notification channels: the outbox and its delivery loop (electron/core/notify). */
  readonly channels: NotifyHub;
  /** The state's verified backup, renewed after operations and polls (see backup-keeper.ts). */
  readonly backups: BackupKeeper;
  private reminderTimer: unknown = null;
  private readonly approvalStore: ApprovalStore;
  /** The scheduler and the Schedule view's methods (service/schedule.ts). */
  readonly automation: ServiceAutomation;
  private approvalsSeen: string;
  private recovering: Promise<void> | null = null;
  private closed = false;
  private readonly selfUpdates: SelfUpdateHub;

  private constructor(
    readonly engine: Engine,
    private readonly opts: ServiceOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.approvalStore = new ApprovalStore(engine.store);
    this.approvalsSeen = this.approvalStore.signature();
    this.backups = new BackupKeeper(engine.store, this.clock);
    this.githubToken = new GithubTokenSettings(opts.env ?? process.env, opts.secretStore ?? null);
    this.selfUpdates = new SelfUpdateHub(engine.store, this.clock, opts.selfUpdate ?? {}, {
      emit: (status) => this.emit({ type: 'self-update-changed', status }),
      offline: () => this.settings().offline,
    });
    const settings = this.settings();
    this.channels = engineNotifyHub(engine, { clock: this.clock, env: opts.env ?? process.env, random: opts.random, deps: opts.notifyDeps });
    this.automation = new ServiceAutomation({
      engine,
      clock: this.clock,
      emit: (e) => this.emit(e),
      notify: this.channels,
      options: opts.scheduler ?? null,
      // The scheduler writes on this process's own connection, which the database watcher cannot see: its
      // operations and the check after each are told to the dashboard here, as the runner's are.
      operations: {
        started: (operation) => {
          this.emit({ type: 'operation-started', operation });
          this.emit({ type: 'history-changed' });
          this.emitProject(operation.project);
        },
        event: (e) => {
          const update = operationUpdate(e);
          if (update) this.emit(update);
        },
        finished: (operation) => {
          this.emit({ type: 'operation-finished', operation: this.engine.store.getOperation(operation.id) ?? operation });
          this.emit({ type: 'history-changed' });
          const check = this.engine.store.getCheck(operation.project);
          if (check) this.notifications.afterCheck(check);
          this.emitProject(operation.project);
        },
      },
    });
    this.notifications = new NotificationCenter({
      store: engine.store,
      clock: this.clock,
      emit: (e) => this.emit(e),
      notifier: opts.notifier,
      enabled: () => this.settings().notifications.enabled,
      channelOf: (p) => this.channelOf(p),
      outbound: (e) => void this.channels.emit(e),
    });
    this.runner = new OperationRunner({
      engine,
      emit: (e) => this.emit(e),
      projectTouched: (p) => this.emitProject(p),
      finished: (op) => {
        // Enqueued only (one INSERT): delivery runs in the background loop.
        this.channels.operationFinished(op);
        this.recheck([op.project]);
      },
      recover: () => this.recover(),
    });
    this.batches = new BatchRunner({
      engine,
      emit: (e) => this.emit(e),
      projectTouched: (p) => this.emitProject(p),
      markOwn: (id) => this.runner.markOwn(id),
      finished: (op) => {
        this.channels.operationFinished(op);
        this.recheck([op.project]);
      },
      recover: () => this.recover(),
    });
    this.poller = new Poller<CheckResult>({
      clock: this.clock,
      intervalMinutes: () => this.settings().pollMinutes,
      run: async () => {
        const result = await this.checkAll();
        // Hourly polls make the backup at least daily (maintainBackup decides whether one is due).
        if (!this.closed) this.track(this.backups.request());
        return result;
      },
      // A poll fails when it threw, or when every project failed (the network is down): not for one bad remote.
      succeeded: (r) => r.projects.length === 0 || r.projects.some((p) => p.error === null),
      paused: settings.paused,
      ...(opts.random ? { random: opts.random } : {}),
      onChange: () => this.emitState(),
    });
    this.watcher =
      opts.watch === false
        ? null
        : new DbWatcher(
            engine.store,
            this.clock,
            {
              isOwn: (id) => this.runner.isOwn(id),
              operationStarted: (operation) => {
                this.emit({ type: 'operation-started', operation });
                if (operation.status === 'running') this.emitProject(operation.project);
              },
              operationStep: (operationId, s) => this.emit({ type: 'operation-step', operationId, step: { id: s.id, title: s.title, status: s.status, durationMs: s.durationMs, error: s.error } }),
              operationFinished: (operation) => {
                this.emit({ type: 'operation-finished', operation });
                this.emitProject(operation.project);
                // Its checkout moved (unless it was refused): what the last check says about it is stale.
                if (operation.status !== 'blocked') this.recheck([operation.project]);
              },
              historyChanged: () => this.emit({ type: 'history-changed' }),
              projectsChanged: (names, listChanged) => this.foreignProjects(names, listChanged),
              preferencesChanged: () => {
                this.emitState();
                // The policy, the pause or the approvals may have changed in another process.
                this.automation.preferencesChanged();
                // `upshift approve|reject`, or a scheduler's reconciliation in another process.
                this.approvalsMaybeChanged();
              },
              ownerGone: () => this.track(this.recover().catch(() => undefined)),
            },
            opts.watchIntervalMs ?? 500,
          );
  }

  /** Opens the state (recovering operations a crashed process left unfinished) and starts polling and watching. */
  static async open(opts: ServiceOptions = {}): Promise<UpshiftService> {
    const home = opts.home ?? resolveHome(opts.env ?? process.env);
    const engine = await Engine.open({
      home,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.source ? { source: opts.source } : {}),
      ...(opts.secretStore ? { secretStore: opts.secretStore } : {}),
    });
    const service = new UpshiftService(engine, opts);
    service.watcher?.start();
    service.channels.start();
    if (opts.poll !== false) service.poller.start();
    service.armReminder();
    service.selfUpdates.start();
    service.automation.start();
    return service;
  }

  // ---- the generic entry point and events ----

  /** Runs a contract method by name with untrusted input (HTTP, IPC). Rejects with a ServiceError (an ApiError). */
  async call(method: string, rawInput: unknown): Promise<unknown> {
    if (!(METHOD_NAMES as readonly string[]).includes(method)) {
      throw serviceError('UNKNOWN_METHOD', `There is no method "${method}". Methods: ${METHOD_NAMES.join(', ')}.`, { method });
    }
    const m = method as MethodName;
    return (this[m] as (input: unknown) => Promise<unknown>).call(this, rawInput ?? {});
  }

  subscribe(listener: (event: UpshiftEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** What `/metrics` reads: this service's database connection and its notification outbox (telemetry/metrics.ts). */
  metricsSources(): MetricsSources {
    return { db: this.engine.store.database, outboxDepth: () => this.channels.outbox.depthByChannel() };
  }

  /** Cancels running operations (they roll back), stops polling and watching, waits for background work, closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.poller.stop();
    this.selfUpdates.stop();
    this.watcher?.stop();
    if (this.reminderTimer !== null) this.clock.clearTimeout(this.reminderTimer);
    this.checksAbort.abort();
    await this.automation.stop();
    await this.runner.stopAll();
    await this.batches.stopAll();
    await this.idle();
    await this.channels.stop();
    this.listeners.clear();
    this.engine.close();
  }

  /** Resolves when no background work (checks, operations, re-checks) is left: for tests and shutdown. */
  async idle(): Promise<void> {
    for (;;) {
      await this.runner.idle();
      await this.poller.whenIdle();
      if (this.background.size === 0) return;
      await Promise.all([...this.background]);
    }
  }

  /** The poller's state (also in getState). */
  pollerState(): PollerState {
    return this.poller.state();
  }

  // ---- contract methods ----
  // Each method of the contract (getState, startUpgrade, …) is `invoke(name, input)`, defined once for every name in
  // METHOD_NAMES by the static block below, so none can skip the input's validation or the error mapping.

  static {
    for (const method of METHOD_NAMES) {
      Object.defineProperty(UpshiftService.prototype, method, {
        value(this: UpshiftService, input: unknown) {
          return this.invoke(method, input);
        },
        writable: true,
        configurable: true,
      });
    }
  }

  /** Validates the input with the method's schema, runs it, and turns any failure into a ServiceError. */
  private async invoke<M extends MethodName>(method: M, raw: unknown): Promise<MethodOutputs[M]> {
    if (this.closed) throw serviceError('CLOSED', 'Upshift is shutting down; try again once it has restarted.', undefined, true);
    const parsed = inputs[method].safeParse(raw ?? {});
    if (!parsed.success) throw badInput(method, parsed.error);
    try {
      return await (this.impl[method] as (i: unknown) => Promise<MethodOutputs[M]> | MethodOutputs[M])(parsed.data);
    } catch (err) {
      // A corrupt, read-only or full state directory reaches the dashboard as the STATE_* error naming it.
      throw ServiceError.from(stateFailure(err, { home: this.engine.store.paths.home, phase: 'use' }) ?? err);
    }
  }

  private readonly impl: Impl = {
    getState: () => this.state(),
    addProject: async (i) => {
      const project = await this.engine.addProject(dashboardPath(i.path).path, { ...(i.name ? { name: i.name } : {}), ...(i.core ? { core: i.core } : {}) }).catch((err: unknown) => {
        throw forTheForm(err);
      });
      this.watcher?.resync();
      this.emitState();
      this.recheck([project.name]);
      return project;
    },
    validateProject: async (i) => {
      const where = dashboardPath(i.path);
      try {
        const p = await this.engine.inspectProject(where.path);
        return { ok: true as const, manifest: p.manifest.file ?? 'none', name: p.name, warnings: p.manifest.warnings, path: where.path, note: where.note };
      } catch (err) {
        return { ok: false as const, error: toApiError(forTheForm(err)), path: where.path, note: where.note };
      }
    },
    removeProject: (i) => {
      const removed = this.engine.removeProject(i.name);
      const settings = this.settings();
      if (settings.projects[i.name]) this.engine.store.setSettings({ projects: mergeSettings(settings, { projects: { [i.name]: {} } }).projects });
      this.notifications.forget(i.name);
      this.watcher?.resync();
      this.emitState();
      return removed;
    },
    checkNow: async (i) => {
      if (!i.projects || i.projects.length === 0) return this.poller.runNow();
      return this.checkSome(i.projects);
    },
    getPlan: (i) => this.engine.plan(i.project, i.to ? { to: i.to } : {}),
    startUpgrade: (i) => this.runner.start({ kind: 'upgrade', project: i.project, to: i.to, confirmManual: i.confirmManual, stash: i.stash, force: i.force, keepOnConflict: i.keepOnConflict }),
    cancel: (i) => this.batches.cancelMember(i.operationId) ?? this.runner.cancel(i.operationId, (id) => this.engine.store.getOperation(id)),
    rollback: (i) => {
      if (i.to) refuseUndone(this.engine.store, i.to);
      return this.runner.start({ kind: 'rollback', project: i.project, to: i.to, stash: i.stash });
    },
    queryHistory: (i) => this.engine.store.queryOperations(i),
    getOperation: (i) => {
      const operation = this.engine.store.getOperation(i.id);
      if (!operation) throw serviceError('UNKNOWN_OPERATION', `No operation with id "${i.id}" is recorded.`, { id: i.id });
      const logs: Record<string, string> = {};
      for (const s of operation.steps) if (s.logPath) logs[s.id] = tailFile(s.logPath, this.opts.logTailBytes);
      const undo = this.engine.store.undoneBy(operation.id);
      return { operation, logs, undoneBy: undo ? { id: undo.id, finishedAt: undo.finishedAt } : null };
    },
    getSettings: () => this.settings(),
    setSettings: (i) => this.updateSettings(i),
    skipVersion: (i) => this.decide(i.project, i.version, i.scope === 'major' ? 'skip-major' : 'skip', null),
    unskipVersion: (i) => {
      removeSkip(this.engine.store, i.project, i.version);
      return this.decided(i.project);
    },
    snooze: (i) => this.decide(i.project, i.version, 'snooze', new Date(this.clock.now() + i.minutes * 60_000).toISOString()),
    pauseChecks: (i) => {
      this.engine.store.setSettings({ paused: i.paused });
      this.watcher?.resync();
      this.poller.setPaused(i.paused);
      return this.poller.state();
    },
    githubTokenStatus: () => this.githubToken.status(),
    setGithubToken: (i) => this.githubToken.set(i.token),
    clearGithubToken: () => this.githubToken.clear(),
    getProjectConfig: (i) => this.engine.projectConfig(i.project),
    setProjectConfig: (i) => {
      const config = this.engine.editProjectConfig(i.project, { ...(i.set ? { set: i.set } : {}), ...(i.unset ? { unset: i.unset } : {}) });
      this.emitState();
      // The install, smoke test, tag pattern or channel may have changed what the last check says.
      this.recheck([i.project]);
      return config;
    },
    notifyChannels: () => ({ channels: this.channels.health(), problems: this.channels.channels('all').problems, outboxDepth: this.channels.outbox.depth() }),
    testNotify: async (i) => ({ results: await this.channels.test(i.channel) }),
    // The same functions as `upshift schedule|approve|reject` (core/scheduler/decisions.ts); the approver is this
    // process's OS user@host, as the CLI records it.
    listApprovals: async () => ({ approvals: await currentApprovals(this.engine, new Date(this.clock.now())) }),
    approve: (i) => this.decideApproval({ kind: 'approve', project: i.project, ...(i.version ? { version: i.version } : {}), timing: i.when }),
    reject: (i) => this.decideApproval({ kind: 'reject', project: i.project, ...(i.version ? { version: i.version } : {}) }),
    getSchedule: () => this.automation.report(),
    pauseAutomation: (i) => this.automation.pause(i),
    resumeAutomation: () => this.automation.resume(),
    getAbout: () => this.selfUpdates.about(this.engine.store.paths.home),
    selfUpdate: (i) => this.selfUpdates.act(i),
    // The same function as `upshift trust accept` (core/trust/accept.ts): it checks the project again, so the
    // project's view no longer flags the tag once accepted.
    acceptTag: async (i) => {
      const accepted = await acceptMovedTag(this.engine, i.project, i.tag, whoAmI(), this.checksAbort.signal);
      this.watcher?.resync([i.project]);
      this.emitProject(i.project);
      return accepted;
    },
    getBatchPlan: (i) => {
      if (i.all === true && i.root !== undefined) throw serviceError('BAD_INPUT', 'all and root choose different sets; give one. Nothing was changed.');
      return this.engine.planBatch(i.all === true ? {} : { ...(i.root !== undefined ? { root: i.root } : {}), ...(i.to ? { to: i.to } : {}) });
    },
    startBatch: (i) => this.batches.start({ kind: 'batch', root: i.root, all: i.all, to: i.to, keepGoing: i.keepGoing }),
    startPath: (i) => this.batches.start({ kind: 'path', project: i.project, to: i.to, onHopFailure: i.onHopFailure }),
    listBatches: (i) => this.batches.list(i),
  };

  private async decideApproval(decision: Parameters<typeof decideApproval>[1]): Promise<MethodOutputs['approve']> {
    try {
      return await decideApproval(this.engine, decision, { by: whoAmI(), now: new Date(this.clock.now()) });
    } finally {
      // A refusal may still have brought the queue up to date with the last checks.
      this.watcher?.resync();
      this.approvalsMaybeChanged();
      this.automation.changed();
    }
  }

  /** `approvals-changed` when the queue's records differ from the last seen (the dashboard then reads it again). */
  private approvalsMaybeChanged(): void {
    const signature = this.approvalStore.signature();
    if (signature === this.approvalsSeen) return;
    this.approvalsSeen = signature;
    this.emit({ type: 'approvals-changed' });
  }

  // ---- state ----

  private settings(): Settings {
    return readSettings(this.engine.store);
  }

  /** The channel checks use: the manifest's as it is now, under the app's override. */
  private channelOf(project: string): Channel {
    try {
      return this.engine.context(project).manifest.channel;
    } catch {
      // An unreadable manifest: the channel recorded when the project was added, under the override.
      return this.settings().projects[project]?.channel ?? this.engine.store.getProject(project)?.channel ?? 'stable';
    }
  }

  private state(): AppState {
    const settings = this.settings();
    const now = this.clock.now();
    const projects = this.engine.store.listProjects().map((r) => projectView(this.engine.store, r, settings, now, this.runner.inProgress(r.name)));
    return { projects, poller: this.poller.state(), settings };
  }

  private view(name: string): ProjectView | null {
    const record = this.engine.store.getProject(name);
    return record ? projectView(this.engine.store, record, this.settings(), this.clock.now(), this.runner.inProgress(name)) : null;
  }

  private updateSettings(patch: Partial<Settings>): Settings {
    const before = this.settings();
    for (const name of Object.keys(patch.projects ?? {})) {
      if (!this.engine.store.getProject(name)) throw serviceError('PROJECT_NOT_FOUND', `setSettings: projects.${name}: no watched project is named "${name}".`, { field: `projects.${name}` });
    }
    const next = mergeSettings(before, patch);
    this.engine.store.setSettings(Object.fromEntries(Object.keys(patch).map((k) => [k, next[k as keyof Settings]])));
    this.watcher?.resync();
    if (next.paused !== before.paused) this.poller.setPaused(next.paused);
    if (next.pollMinutes !== before.pollMinutes) this.poller.reschedule();
    const changed = Object.keys(patch.projects ?? {}).filter((n) => JSON.stringify(before.projects[n]) !== JSON.stringify(next.projects[n]));
    this.emitState();
    // A new channel or gate changes what the last check says: check those projects again. Going offline or back
    // online changes where every project's releases come from.
    if (next.offline !== before.offline) this.recheck(this.engine.store.listProjects().map((r) => r.name));
    else if (changed.length > 0) this.recheck(changed);
    return next;
  }

  private decide(project: string, version: string, kind: DecisionKind, until: string | null): ProjectView {
    recordDecision(this.engine.store, project, version, kind, until);
    return this.decided(project);
  }

  private decided(project: string): ProjectView {
    this.watcher?.resync();
    this.armReminder();
    const view = this.view(project)!;
    this.emit({ type: 'project-changed', project: view });
    return view;
  }

  // ---- checks ----

  /**
   * Recovers operations left by processes that died while this one runs, and reports them: the interrupted
   * operation (now finished) and the recovery recorded for it.
   */
  private recover(): Promise<void> {
    // Concurrent callers (a new operation, the watcher, a poll) share one pass.
    this.recovering ??= this.recoverOnce().finally(() => (this.recovering = null));
    return this.recovering;
  }

  private async recoverOnce(): Promise<void> {
    const report = await this.engine.recover();
    if (report.recovered.length === 0) return;
    for (const { interrupted, recovery } of report.recovered) {
      this.runner.markOwn(recovery.id);
      this.watcher?.forget(interrupted);
      const op = this.engine.store.getOperation(interrupted);
      if (op) this.emit({ type: 'operation-finished', operation: op });
      this.emit({ type: 'operation-started', operation: recovery });
      this.emit({ type: 'operation-finished', operation: recovery });
      this.emitProject(recovery.project);
    }
    this.emit({ type: 'history-changed' });
  }

  /** Every project, isolating failures per project; each result goes through the notification rules. */
  private async checkAll(): Promise<CheckResult> {
    await this.recover().catch(() => undefined);
    if (this.checksAbort.signal.aborted) throw serviceError('CANCELLED', 'The check was cancelled; the last results were kept.', undefined, true);
    const result = await this.engine.check([], this.checksAbort.signal, { isolateFailures: true });
    this.afterChecks(result);
    return result;
  }

  private async checkSome(names: readonly string[]): Promise<CheckResult> {
    const result = await this.engine.check(names, this.checksAbort.signal, { isolateFailures: true });
    this.afterChecks(result);
    return result;
  }

  private afterChecks(result: CheckResult): void {
    if (this.closed) return;
    this.watcher?.resync(result.projects.map((p) => p.name));
    for (const check of result.projects) {
      this.notifications.afterCheck(check);
      this.emitProject(check.name);
    }
    this.automation.checked();
  }

  /** Checks projects again in the background (after an upgrade, a new override, a new project). */
  private recheck(names: string[]): void {
    if (this.closed) return;
    const known = names.filter((n) => this.engine.store.getProject(n));
    if (known.length === 0) return;
    this.track(this.checkSome(known).catch(() => undefined));
  }

  /** Another process changed projects (added, removed, checked them): show it, and apply the notification rules. */
  private foreignProjects(names: string[], listChanged: boolean): void {
    for (const name of names) {
      const check = this.engine.store.getCheck(name);
      if (check) this.notifications.afterCheck(check);
      this.emitProject(name);
    }
    if (listChanged) this.emitState();
  }

  /** Wakes up when the earliest snooze runs out, to remind from the cached checks (no network needed). */
  private armReminder(): void {
    if (this.reminderTimer !== null) this.clock.clearTimeout(this.reminderTimer);
    this.reminderTimer = null;
    if (this.closed) return;
    const at = this.notifications.nextReminderAt();
    if (at === null) return;
    this.reminderTimer = this.clock.setTimeout(() => {
      this.reminderTimer = null;
      if (this.closed) return;
      for (const check of this.engine.store.listChecks()) {
        if (this.notifications.considerUpdate(check)) this.emitProject(check.name);
      }
      this.armReminder();
    }, at - this.clock.now());
  }

  // ---- events ----

  private emit(event: UpshiftEvent): void {
    if (event.type === 'operation-finished' && !this.closed) this.track(this.backups.request());
    if (this.closed && event.type !== 'operation-finished' && event.type !== 'history-changed') return;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed SSE stream) must not starve the others or the engine.
      }
    }
  }

  private emitProject(name: string): void {
    const project = this.view(name);
    if (project) this.emit({ type: 'project-changed', project });
  }

  private emitState(): void {
    if (this.closed) return;
    this.emit({ type: 'state-changed', state: this.state() });
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }
}
