import type {
  BatchPlan,
  CheckResult,
  HistoryResult,
  ListResult,
  Operation,
  ProjectCheck,
  ProjectInfo,
  StatusResult,
  UpgradePlan,
} from '../../../shared/api/types.js';
import { compareVersions, parseVersion } from '../../../shared/version/index.js';
import { UpshiftError, usageError } from '../errors.js';
import type { OperationListener } from '../executor/events.js';
import type { RecoveryReport } from '../executor/recovery.js';
import type { BatchRecovery } from '../batch/recover.js';
import type { BatchListener } from '../batch/run.js';
import { BatchStore } from '../batch/store.js';
import { GitTagSource } from '../source/git-tags.js';
import type { SecretStore } from '../source/github/secret-store.js';
import { GitHubSource } from '../source/github/source.js';
import { tokenChain } from '../source/github/token.js';
import { SourceRouter } from '../source/router.js';
import { sourceProjectOf } from './source-project.js';
import { SqliteHttpCache } from '../state/http-cache.js';
import type { ReleaseSource } from '../source/types.js';
import { assessOwner, LockHeldError, ProjectLock, resolveHome, StateStore, type LockOwner } from '../state/index.js';
import { checkProject, failedCheck } from './check.js';
import { CheckMemo } from './check-memo.js';
import { mapLimit } from '../util/map-limit.js';
import { projectCurrent } from './current.js';
import type { PlanOptions, PlanResult } from './plan.js';
import type { CheckoutMode } from './checkout-plan.js';
import { applyOverride, readOverrides } from './overrides.js';
import { addProject, inspectProject, loadContext, manifestInCheckout, requireProject, toInfo, type InspectedProject, type ProjectContext } from './projects.js';
import { configEntry, editProjectConfig, readProjectConfig, type ConfigEdits, type ProjectConfigView } from './config.js';
import { projectConfigPath, setConfigAside } from '../manifest/config-file.js';
import { existsSync } from 'node:fs';
import { assertNoRollbackLoop } from './rollback-loop.js';
import { assertGateApproval } from './gate-approval.js';
import type { RunOptions } from './run.js';
import { recoverBatchRuns, recoverOperations, runPath } from './run-path.js';
import { configureLogging, moduleLogger } from '../telemetry/index.js';
import { ManifestMemo } from '../manifest/memo.js';
import { ManifestMemoStore } from '../state/manifest-memo.js';

const log = moduleLogger('engine');

export interface EngineOptions {
  home?: string;
  env?: NodeJS.ProcessEnv;
  source?: ReleaseSource;
  /** How many projects are checked at once. */
  concurrency?: number;
  listener?: OperationListener;
  /** The app's keychain store: the GitHub token's last resort, after the environment and `gh auth token`. */
  secretStore?: SecretStore;
  /** The engine's clock (timestamps, support windows' "today"); tests inject one. Default: the real time. */
  now?: () => Date;
}

export interface UpgradeOptions extends Omit<RunOptions, 'operationId'> {
  to?: string;
  /** Called with the plan before anything changes; returning false cancels (nothing is recorded). */
  confirm?: (plan: UpgradePlan) => Promise<boolean>;
  /** Upgrade even after too many automatic rollbacks within the hour (rollback-loop protection). */
  force?: boolean;
  /**
   * `to` was chosen explicitly, knowing its gate (the CLI's `--to`, the dashboard's confirmation of a manual gate):
   * required to install a release gated `manual` (see gate-approval.ts).
   */
  explicit?: boolean;
  /** What the checkout does to branches (`--checkout detach|branch`), over the manifest's `checkout`. */
  checkout?: CheckoutMode;
  /**
   * Nobody reads the plan before it runs (`--yes`): without --stash, what would become of uncommitted work is not
   * foretold (the preflight refuses a dirty tree anyway, listing every file), which saves the git processes it takes.
   */
  unattended?: boolean;
}

/** The member operations' own events of a batch, for a listener that knows only operations. */
function memberEvents(listener: OperationListener | undefined): BatchListener | undefined {
  if (!listener) return undefined;
  return (e) => {
    if (e.type !== 'batch-member' && e.type !== 'batch-finished') listener(e);
  };
}

/** Operations recovered (executor/recovery.ts), then batches and paths (batch/recover.ts). */
export interface EngineRecoveryReport extends RecoveryReport {
  batches: BatchRecovery[];
}

/**
 * The headless engine: one façade over state, sources, planning and execution, called by the CLI now and by
 * the dashboard host later. Opening it recovers operations a crashed process left unfinished, first.
 */
export class Engine {
  private constructor(
    readonly store: StateStore,
    private readonly source: ReleaseSource,
    private readonly concurrency: number,
    private readonly listener: OperationListener | undefined,
    readonly recovery: EngineRecoveryReport,
  ) {}

  static async open(opts: EngineOptions = {}): Promise<Engine> {
    const store = StateStore.open(opts.home ?? resolveHome(opts.env ?? process.env), opts.now ? { now: opts.now } : {});
    configureLogging({ home: store.paths.home, env: opts.env ?? process.env });
    try {
      const recovery: EngineRecoveryReport = { ...(await recoverOperations(store, opts.listener)), batches: [] };
      const source = opts.source ?? new SourceRouter(new GitTagSource(), new GitHubSource({ cache: new SqliteHttpCache(store.database), ...(opts.env ? { env: opts.env } : {}), token: tokenChain(opts.env ?? process.env, opts.secretStore) }));
      const engine = new Engine(store, source, opts.concurrency ?? 8, opts.listener, recovery);
      // After the member operations: a batch whose process died is finished from its journal (batch/recover.ts).
      recovery.batches = await recoverBatchRuns(engine, memberEvents(opts.listener));
      return engine;
    } catch (err) {
      store.close();
      throw err;
    }
  }

  close(): void {
    this.store.close();
  }

  /**
   * Recovers operations whose process died since this engine opened (a CLI killed mid-upgrade while the app runs).
   * A long-running process calls it before starting an operation: taking over a dead process's lock must never
   * mean upgrading a half-upgraded checkout. Costs one query when nothing is unfinished.
   */
  async recover(): Promise<EngineRecoveryReport> {
    const ops = await recoverOperations(this.store, this.listener);
    return { ...ops, batches: await recoverBatchRuns(this, memberEvents(this.listener)) };
  }

  /** Watches a checkout; `config` sets keys of Upshift's own configuration for it (`add --install … --smoke …`). */
  addProject(path: string, opts: { name?: string; core?: string; config?: ConfigEdits['set'] } = {}): ReturnType<typeof addProject> {
    return addProject(this.store, path, opts);
  }

  removeProject(name: string): ProjectInfo {
    const record = requireProject(this.store, name);
    const running = this.store.runningOperation(name);
    if (running) throw usageError('OPERATION_RUNNING', `${name} has operation ${running.operation.id} in progress; remove it when that has finished. Nothing was changed.`);
    const info = toInfo(record, this.store.paths.home);
    this.store.removeProject(name);
    // Kept beside where it was, so nothing is lost and a later project of the same name does not inherit it.
    const aside = setConfigAside(projectConfigPath(this.store.paths.home, name), new Date(this.store.now()));
    return { ...info, ...(aside ? { config: aside } : {}) };
  }

  /**
   * Removes a project's lock left by a process Upshift cannot judge (another host sharing this state directory).
   * A lock whose owner runs on this machine is never removed: stop that process instead.
   */
  unlock(name: string): { project: string; removed: LockOwner | null } {
    requireProject(this.store, name);
    const held = ProjectLock.inspect(this.store, name);
    if (held && held.state === 'alive') {
      throw new LockHeldError(held.owner, held.state);
    }
    return { project: name, removed: ProjectLock.forceRelease(this.store, name) };
  }

  listProjects(): ListResult {
    return { projects: this.store.listProjects().map((r) => toInfo(r, this.store.paths.home)) };
  }

  /** Validates a checkout as `add` would, writing nothing (the dashboard's "add project" form). */
  inspectProject(path: string, opts: { name?: string; core?: string; config?: ConfigEdits['set'] } = {}): Promise<InspectedProject> {
    return inspectProject(this.store, path, opts);
  }

  /** One project's manifest with the app's per-project overrides (channel, gates) applied over it. */
  context(name: string): ProjectContext {
    return applyOverride(loadContext(requireProject(this.store, name), this.store.paths.home), readOverrides(this.store)[name]);
  }

  /** Upshift's configuration for the project (outside its checkout) and every setting in effect with its origin. */
  projectConfig(name: string): ProjectConfigView {
    const record = requireProject(this.store, name);
    return { ...readProjectConfig(this.store.paths.home, record, loadContext(record, this.store.paths.home).manifest), settings: this.context(name).manifest.origins ?? [] };
  }

  /** One key of {@link projectConfig}: the value in effect, its origin, and what the configuration itself sets. */
  projectConfigEntry(name: string, key: string): ReturnType<typeof configEntry> {
    return configEntry(this.projectConfig(name), key);
  }

  /**
   * Sets and removes keys of the project's configuration, checked with the manifest's schema over the manifest in
   * the checkout first (CONFIG_INVALID names the key and what was expected; nothing is written then).
   */
  editProjectConfig(name: string, edits: ConfigEdits): ProjectConfigView {
    const record = requireProject(this.store, name);
    editProjectConfig(this.store.paths.home, record, edits);
    return this.projectConfig(name);
  }

  /**
   * The manifests as last loaded, for commands that load every project's (check, plan, upgrade): only changed ones
   * are parsed and validated again (manifest/memo.ts). Made on first use; written back by {@link flushManifests}.
   */
  private manifestMemo: ManifestMemo | null = null;
  private get manifests(): ManifestMemo {
    return (this.manifestMemo ??= new ManifestMemo(new ManifestMemoStore(this.store.database, () => this.store.now())));
  }

  private flushManifests(): void {
    try {
      this.manifestMemo?.flush();
    } catch (err) {
      // Remembering is an optimisation: a busy or read-only state database only means loading them again next time.
      log.warn('manifests not remembered', { err: { message: (err as Error).message } });
    }
  }

  /** Loads every watched project's manifest; an invalid manifest fails the whole command with its location. */
  private contexts(): ProjectContext[] {
    const overrides = readOverrides(this.store);
    try {
      return this.store.listProjects().map((r) => applyOverride(loadContext(r, this.store.paths.home, this.manifests), overrides[r.name]));
    } finally {
      this.flushManifests();
    }
  }

  /**
   * Checks the named projects (default all). By default an invalid manifest anywhere fails the whole check (the
   * CLI's contract); with `isolateFailures` such a project gets a check carrying its error instead, and the others
   * are checked without it (a long-running app must keep checking the projects that work).
   */
  async check(names: readonly string[] = [], signal?: AbortSignal, opts: { isolateFailures?: boolean } = {}): Promise<CheckResult> {
    for (const n of names) requireProject(this.store, n);
    const overrides = readOverrides(this.store);
    const all: ProjectContext[] = [];
    const broken: ProjectCheck[] = [];
    const records = this.store.listProjects();
    try {
      for (const record of records) {
        try {
          all.push(applyOverride(loadContext(record, this.store.paths.home, this.manifests), overrides[record.name]));
        } catch (err) {
          if (!opts.isolateFailures) throw err;
          if (names.length === 0 || names.includes(record.name)) broken.push(failedCheck(record.name, record.path, this.store.now(), err));
        }
      }
    } finally {
      this.flushManifests();
    }
    const chosen = names.length > 0 ? all.filter((c) => names.includes(c.record.name)) : all;
    // UPSHIFT_DISCOVERY_MEMO=off judges every project on every check (a way out, and the benches' comparison).
    const memo = process.env.UPSHIFT_DISCOVERY_MEMO === 'off' ? undefined : new CheckMemo(this.store);
    const since = this.store.now();
    let checked = await mapLimit(chosen, this.concurrency, (ctx) => checkProject(ctx, all, this.source, this.store, signal, memo));
    // An upgrade or rollback that ran while this check did (the scheduler, another process) makes its result a
    // picture of the checkout before it: saved after the re-check that followed the operation, it would offer the
    // release just installed again. Such projects are checked once more; one still being changed keeps its last check.
    const touched = this.store.projectsTouchedSince(since);
    const inFlight = new Set<string>();
    if (touched.size > 0 && !signal?.aborted) {
      for (const name of touched) if (this.store.runningOperation(name)) inFlight.add(name);
      const again = chosen.filter((c) => touched.has(c.record.name) && !inFlight.has(c.record.name));
      const fresh = new Map((await mapLimit(again, this.concurrency, (ctx) => checkProject(ctx, all, this.source, this.store, signal, memo))).map((c) => [c.name, c]));
      checked = checked.map((c) => fresh.get(c.name) ?? c);
    }
    // In listing order, as without isolateFailures.
    const byName = new Map([...checked, ...broken].map((c) => [c.name, c]));
    const projects = records.map((r) => byName.get(r.name)).filter((c): c is ProjectCheck => c !== undefined);
    // A cancelled check (the app shutting down) says nothing about the remotes: keep the last real results.
    if (signal?.aborted) throw new UpshiftError('CANCELLED', 'The check was cancelled; the last results were kept.', { retryable: true });
    this.store.saveChecks(projects.filter((p) => !inFlight.has(p.name)));
    for (const p of projects) if (p.error) log.warn('check failed', { project: p.name, err: { code: p.error.code, message: p.error.message } });
    return { projects };
  }

  async planFor(name: string, opts: PlanOptions = {}): Promise<PlanResult> {
    assertTargetGiven(opts.to, 'version');
    requireProject(this.store, name);
    return this.planWith(name, this.contexts(), opts);
  }

  /** The plan over contexts loaded once, with the settings it was made with and where each came from. */
  private async planWith(name: string, all: readonly ProjectContext[], opts: PlanOptions): Promise<PlanResult> {
    const ctx = all.find((c) => c.record.name === name)!;
    // The planner (and the health checks it describes) loads with the first plan: `check` never plans.
    const { buildPlan } = await import('./plan.js');
    const result = await withTagAdvice(buildPlan(ctx, all, this.source, this.store, opts), () => this.source.lastWarnings?.(sourceProjectOf(ctx)) ?? []);
    if (ctx.manifest.origins) result.plan.settings = ctx.manifest.origins;
    return result;
  }

  async plan(name: string, opts: PlanOptions = {}): Promise<UpgradePlan> {
    return (await this.planFor(name, opts)).plan;
  }

  /**
   * The joint plan of `upgrade <root> --with-dependents` (root given) or `upgrade --all` (shared/plan/batch.ts over
   * what batch/inputs.ts reads). Nothing changes.
   */
  async planBatch(opts: { root?: string; to?: string; signal?: AbortSignal } = {}): Promise<BatchPlan> {
    assertTargetGiven(opts.to, 'version');
    if (opts.root !== undefined) requireProject(this.store, opts.root);
    const all = this.contexts();
    const [{ batchInputs, memberNames }, { planBatch }] = await Promise.all([import('../batch/inputs.js'), import('../../../shared/plan/batch.js')]);
    const members = memberNames(all, opts.root ?? null);
    const projects = await batchInputs(all, members, this.source, this.store, opts.signal);
    return planBatch(projects, opts.root !== undefined ? { mode: 'with-dependents', root: opts.root, ...(opts.to ? { to: opts.to } : {}) } : { mode: 'all' });
  }

  /** Plans, asks `confirm`, then upgrades. Returns null when the user declined. */
  async upgrade(name: string, opts: UpgradeOptions = {}): Promise<Operation | null> {
    assertTargetGiven(opts.to, 'version');
    requireProject(this.store, name);
    const { withProjectLock } = await runPath();
    return withProjectLock(this.store, name, (operationId) => this.upgradeLocked(name, operationId, opts));
  }

  /**
   * {@link upgrade} under a project lock the caller already holds, recorded as operation `operationId`: a batch holds
   * every member's lock for its whole run (electron/core/batch) and runs each member through exactly this path.
   */
  async upgradeLocked(name: string, operationId: string, opts: UpgradeOptions = {}): Promise<Operation | null> {
    // One load of the settings for the plan the user approves and the run: the manifest that applies is the one
    // in the approved plan, never one read again later (the target tag may carry another upshift.yml, or none).
    const all = this.contexts();
    const ctx = all.find((c) => c.record.name === name)!;
    assertNoRollbackLoop(this.store, ctx, opts.force ?? false);
    const planned = await this.planWith(name, all, { ...(opts.to ? { to: opts.to } : {}), stash: opts.stash ?? false, keepOnConflict: opts.keepOnConflict ?? false, ...((!opts.confirm || opts.unattended) && !opts.stash ? { predictWork: false } : {}), ...(!opts.confirm || opts.unattended ? { diffstat: false } : {}), ...(opts.checkout ? { checkout: opts.checkout } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    assertGateApproval(planned.plan, { to: opts.to, explicit: opts.explicit });
    if (!planned.plan.blocked && opts.confirm && !(await opts.confirm(planned.plan))) return null;
    if (planned.plan.hops && !planned.plan.blocked) throw pathRequired(planned.plan);
    const { runUpgrade } = await runPath();
    return runUpgrade(this.store, ctx, planned, { ...opts, operationId, ...this.listenerFor(opts) });
  }

  /** Undoes operation `target` of `name` under a project lock the caller holds (a batch rolling its members back). */
  async rollbackLocked(name: string, operationId: string, target: Operation, opts: Omit<RunOptions, 'operationId'> = {}): Promise<Operation> {
    const { runRollback } = await runPath();
    return runRollback(this.store, this.context(name), target, { ...opts, operationId, ...this.listenerFor(opts) });
  }

  async rollback(name: string, opts: Omit<RunOptions, 'operationId'> & { to?: string; confirm?: (target: Operation) => Promise<boolean> } = {}): Promise<Operation | null> {
    assertTargetGiven(opts.to, 'operation id');
    const ctx = this.context(name);
    const { rollbackTarget, runRollback, withProjectLock } = await runPath();
    return withProjectLock(this.store, name, async (operationId) => {
      const target = rollbackTarget(this.store, name, opts.to);
      if (opts.confirm && !(await opts.confirm(target))) return null;
      return runRollback(this.store, ctx, target, { ...opts, operationId, ...this.listenerFor(opts) });
    });
  }

  private listenerFor(opts: { listener?: OperationListener }): { listener?: OperationListener } {
    const listener = opts.listener ?? this.listener;
    return listener ? { listener } : {};
  }

  history(opts: { project?: string; limit?: number } = {}): HistoryResult {
    if (opts.project) requireProject(this.store, opts.project);
    const filter = { ...(opts.project ? { project: opts.project } : {}), ...(opts.limit ? { limit: opts.limit } : {}) };
    return { operations: this.store.listOperations(filter), batches: new BatchStore(this.store).list(filter) };
  }

  /** From the last check (no network), plus what is running now; `current` is read fresh from each checkout. */
  async status(): Promise<StatusResult> {
    const projects = await mapLimit(this.store.listProjects(), this.concurrency, async (p) => {
      const check = this.store.getCheck(p.name);
      const running = this.store.runningOperation(p.name);
      const live = running && assessOwner({ pid: running.operation.pid, pidStartTime: running.pidStartTime, bootId: running.bootId, host: running.operation.host });
      let current = check?.current ?? { version: null, tag: null, sha: null, source: 'unknown' as const };
      try {
        const ctx = this.context(p.name);
        const { parsed: _p, ...fresh } = await projectCurrent(this.store, ctx);
        current = fresh;
      } catch {
        // Keep the last check's view when the checkout or its manifest cannot be read now.
      }
      // The cached check may predate an upgrade: judge "update available" against the version running now.
      const latest = check?.latest ?? null;
      const now = current.version ? parseVersion(current.version) : null;
      const newer = latest ? parseVersion(latest.version) : null;
      const updateAvailable = newer !== null && (now === null || compareVersions(newer, now) > 0);
      const config = projectConfigPath(this.store.paths.home, p.name);
      return {
        name: p.name,
        path: p.path,
        manifest: manifestInCheckout(p.path),
        config: existsSync(config) ? config : null,
        current,
        latest,
        updateAvailable,
        risk: updateAvailable ? (check?.risk ?? null) : null,
        compatible: check?.compatible ?? null,
        lastCheck: check?.checkedAt ?? null,
        noSource: check?.noSource ?? null,
        operationInProgress:
          running && (live === 'alive' || live === 'other-host')
            ? { id: running.operation.id, kind: running.operation.kind, pid: running.operation.pid, startedAt: running.operation.startedAt }
            : null,
      };
    });
    return { projects };
  }
}

/**
 * "No newer release" or "no release 1.7.1" when the tag pattern found nothing at all, while the remote's tags look
 * like versions named another way (jq's `jq-1.7.1` under `v{version}`): the error says which pattern would find them.
 */
async function withTagAdvice<T>(planned: Promise<T>, warnings: () => string[]): Promise<T> {
  try {
    return await planned;
  } catch (err) {
    const advice = err instanceof UpshiftError && (err.code === 'NOTHING_TO_DO' || err.code === 'RELEASE_NOT_FOUND') ? warnings().find((w) => w.includes('tagPattern')) : undefined;
    if (!advice || !(err instanceof UpshiftError)) throw err;
    throw new UpshiftError(err.code, `${err.message} Note: ${advice}.`, { category: err.category, retryable: err.retryable, details: { ...err.details, tagPatternAdvice: advice }, cause: err });
  }
}

/**
 * A target beyond required stops is never reached in one step: the caller runs the plan's hops as a path (the CLI
 * does; batch/path.ts), each with its own checks. Refused, not silently taken straight.
 */
function pathRequired(plan: UpgradePlan): UpshiftError {
  const hops = plan.hops!;
  return new UpshiftError(
    'PATH_REQUIRED',
    `${plan.project} ${plan.to.version} is reached through required stops (${[hops.from, ...hops.hops.map((h) => h.to)].join(' → ')}): it upgrades hop by hop, as \`upshift upgrade ${plan.project} --to ${plan.to.version}\` does. Nothing was changed.`,
    { category: 'blocked', details: { hops } },
  );
}

/**
 * An explicit target that is empty is a mistake, never "no target": `upgrade --to= --yes` once upgraded to the newest
 * release (issue 15 §3). The CLI refuses it first (cli/flag-values.ts); this keeps every other caller honest too.
 */
function assertTargetGiven(to: string | undefined, what: string): void {
  if (to !== undefined && to.trim() === '') {
    throw usageError('BAD_FLAG_VALUE', `The target ${what} is empty; name one, or leave the target out for the default. Nothing was changed.`, { flag: '--to', value: to });
  }
}
