import path from 'node:path';
import type { Operation, OperationKind, OperationStatus, OperationStep, ProjectCheck } from '../../../shared/api/types.js';
import { ChangesRepo, type OperationMark, type ProjectMark } from './changes.js';
import { ChecksRepo } from './checks.js';
import { openDatabase, schemaVersion, type Db, type Migration } from './db.js';
import { DecisionsRepo, type UpdateDecisionRecord } from './decisions.js';
import { HistoryRepo, type OperationTarget } from './history.js';
import { StatementCache, type StoreContext } from './internal.js';
import {
  OperationsRepo,
  type FinishStepOptions,
  type NewOperation,
  type NewStep,
  type OperationFilter,
  type OperationJournal,
  type OperationPatch,
  type OperationRecord,
  type StartStepOptions,
} from './operations.js';
import { stateFailure } from './failure.js';
import { mirroredSettings, mirrorPath, writeMirror } from './mirror.js';
import { ensureHome, statePaths, type StatePaths } from './paths.js';
import { ProjectsRepo, type NewProject, type ProjectPatch, type ProjectRecord } from './projects.js';
import { SettingsRepo } from './settings.js';

export interface StoreOptions {
  /** Clock for timestamps (tests). Default: the real time. */
  now?: () => Date;
  /** Database file; default `<home>/state.db`. `':memory:'` for throwaway stores. */
  dbPath?: string;
  migrations?: readonly Migration[];
}

/**
 * The engine's durable state over one better-sqlite3 connection. Every method is synchronous and every write is
 * committed (WAL, synchronous=FULL) before it returns, so the executor can record a transition and then act.
 */
export class StateStore {
  readonly paths: StatePaths;
  private readonly ctx: StoreContext;
  private readonly projects: ProjectsRepo;
  private readonly operations: OperationsRepo;
  private readonly checks: ChecksRepo;
  private readonly history: HistoryRepo;
  private readonly settings: SettingsRepo;
  private readonly decisions: DecisionsRepo;
  private changes: ChangesRepo | null = null;
  private closed = false;

  private constructor(db: Db, paths: StatePaths, opts: StoreOptions) {
    const clock = opts.now ?? (() => new Date());
    this.paths = paths;
    this.ctx = { db, stmts: new StatementCache(db), now: () => clock().toISOString(), home: paths.home };
    this.projects = new ProjectsRepo(this.ctx);
    this.operations = new OperationsRepo(this.ctx);
    this.checks = new ChecksRepo(this.ctx);
    this.history = new HistoryRepo(this.ctx);
    this.settings = new SettingsRepo(this.ctx);
    this.decisions = new DecisionsRepo(this.ctx);
  }

  /** Opens (creating the home directory and the database as needed) and migrates the store under `home`. */
  static open(home: string, opts: StoreOptions = {}): StateStore {
    let paths: StatePaths;
    try {
      paths = opts.dbPath === ':memory:' ? statePaths(home) : ensureHome(home);
    } catch (err) {
      // A read-only or full disk, a file where the directory should be: say which, and where.
      throw stateFailure(err, { home, target: home, phase: 'open' }) ?? err;
    }
    const db = openDatabase(opts.dbPath ?? paths.db, opts.migrations ? { migrations: opts.migrations } : {});
    return new StateStore(db, opts.dbPath && opts.dbPath !== ':memory:' ? { ...paths, db: opts.dbPath } : paths, opts);
  }

  /** The raw connection (for the project lock and diagnostics). */
  get database(): Db {
    return this.ctx.db;
  }

  /** The store's "now" as an ISO-8601 UTC string. */
  now(): string {
    return this.ctx.now();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get schemaVersion(): number {
    return schemaVersion(this.ctx.db);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.db.close();
  }

  // ---- projects ----
  addProject(input: NewProject): ProjectRecord {
    return this.mirrored(() => this.projects.add(input));
  }
  removeProject(name: string): boolean {
    return this.mirrored(() => this.projects.remove(name));
  }
  getProject(name: string): ProjectRecord | null {
    return this.projects.get(name);
  }
  getProjectByPath(path: string): ProjectRecord | null {
    return this.projects.getByPath(path);
  }
  listProjects(): ProjectRecord[] {
    return this.projects.list();
  }
  updateProject(name: string, patch: ProjectPatch): ProjectRecord {
    // Most updates refresh caches (current version, releases seen) that the mirror leaves out: no mirror write.
    const before = this.projects.get(name);
    const touchesMirror =
      before === null ||
      (patch.path !== undefined && patch.path !== before.path) ||
      (patch.core !== undefined && patch.core !== before.core) ||
      (patch.manifest !== undefined && patch.manifest !== before.manifest) ||
      (patch.channel !== undefined && patch.channel !== before.channel) ||
      (patch.settings !== undefined && JSON.stringify(mirroredSettings(patch.settings)) !== JSON.stringify(mirroredSettings(before.settings)));
    return touchesMirror ? this.mirrored(() => this.projects.update(name, patch)) : this.projects.update(name, patch);
  }

  /**
   * Runs a change to the projects or settings and rewrites `projects.json` (mirror.ts) inside the same write
   * transaction: processes changing projects at once write the mirror one after the other, each with the list as
   * committed, and a mirror that cannot be written (read-only or full disk) undoes the change, so the two never
   * disagree about a change that was reported as done.
   */
  private mirrored<T>(change: () => T): T {
    if (this.paths.db !== path.join(this.paths.home, 'state.db')) return change();
    return this.ctx.db
      .transaction(() => {
        const result = change();
        this.writeMirror();
        return result;
      })
      .immediate();
  }

  /** Rewrites the projects mirror from the database (when its content changed). */
  writeMirror(): void {
    try {
      writeMirror(this.paths.home, { projects: this.projects.list().map((p) => ({ name: p.name, path: p.path, core: p.core, manifest: p.manifest, channel: p.channel, settings: mirroredSettings(p.settings), addedAt: p.addedAt })), settings: this.settings.all() }, this.ctx.now());
    } catch (err) {
      throw stateFailure(err, { home: this.paths.home, target: mirrorPath(this.paths.home), phase: 'use' }) ?? err;
    }
  }

  // ---- operations ----
  createOperation(input: NewOperation): Operation {
    return this.operations.create(input);
  }
  updateOperation(id: string, patch: OperationPatch): void {
    this.operations.update(id, patch);
  }
  finishOperation(id: string, status: OperationStatus, extra: Omit<OperationPatch, 'status'> = {}): void {
    this.operations.finish(id, status, extra);
  }
  setJournal(id: string, partial: Partial<OperationJournal>): OperationJournal {
    return this.operations.setJournal(id, partial);
  }
  getJournal(id: string): OperationJournal {
    return this.operations.getJournal(id);
  }
  insertSteps(operationId: string, steps: readonly NewStep[]): void {
    this.operations.insertSteps(operationId, steps);
  }
  startStep(operationId: string, stepId: string, opts?: StartStepOptions): OperationStep {
    return this.operations.startStep(operationId, stepId, opts);
  }
  finishStep(operationId: string, stepId: string, opts: FinishStepOptions): OperationStep {
    return this.operations.finishStep(operationId, stepId, opts);
  }
  setStepStatus(operationId: string, stepId: string, status: OperationStep['status'], error?: string | null): void {
    this.operations.setStepStatus(operationId, stepId, status, error);
  }
  getOperation(id: string): Operation | null {
    return this.operations.get(id);
  }
  getOperationRecord(id: string): OperationRecord | null {
    return this.operations.getRecord(id);
  }
  listOperations(filter?: OperationFilter): Operation[] {
    return this.operations.list(filter);
  }
  countOperations(filter?: Omit<OperationFilter, 'limit' | 'offset'>): number {
    return this.operations.count(filter);
  }
  /** One page of history (newest first) and the total matching the filter, from one snapshot. */
  queryOperations(filter: OperationFilter): { operations: Operation[]; total: number } {
    return this.history.page(filter);
  }
  unfinishedOperations(): OperationRecord[] {
    return this.operations.unfinished();
  }
  runningOperation(project: string): OperationRecord | null {
    return this.operations.running(project);
  }
  projectsTouchedSince(since: string): Set<string> {
    return this.operations.touchedSince(since);
  }
  pastUpgradeDurations(project: string, limit?: number): number[] {
    return this.operations.pastUpgradeDurations(project, limit);
  }
  pastStepDurations(project: string, limit?: number): Record<string, number[]> {
    return this.operations.pastStepDurations(project, limit);
  }
  /** The succeeded rollback that undid operation `id`, or null. */
  undoneBy(id: string): Operation | null {
    return this.operations.undoneBy(id);
  }
  lastSucceededUpgrade(project: string, opts?: { excludeUndone?: boolean }): Operation | null {
    return this.operations.lastSucceededUpgrade(project, opts);
  }

  // ---- check cache ----
  saveCheck(check: ProjectCheck): void {
    this.checks.save(check);
  }
  /** Saves many checks in one transaction: one disk sync instead of one per project. */
  saveChecks(checks: readonly ProjectCheck[]): void {
    this.ctx.db.transaction(() => {
      for (const c of checks) this.checks.save(c);
    })();
  }
  getCheck(project: string): ProjectCheck | null {
    return this.checks.get(project);
  }
  listChecks(): ProjectCheck[] {
    return this.checks.list();
  }

  // ---- settings (loose JSON per key; the service owns the schema) ----
  getSettings(): Record<string, unknown> {
    return this.settings.all();
  }
  getSetting(key: string): unknown {
    return this.settings.get(key);
  }
  /** Writes the given keys in one transaction; `undefined` removes a key. */
  setSettings(values: Record<string, unknown>): void {
    this.mirrored(() => this.settings.set(values));
  }

  // ---- update decisions and notifications sent ----
  setDecision(project: string, version: string, kind: 'skip' | 'snooze', until?: string | null): UpdateDecisionRecord {
    return this.decisions.set(project, version, kind, until ?? null);
  }
  clearDecision(project: string, version: string): boolean {
    return this.decisions.clear(project, version);
  }
  listDecisions(project?: string): UpdateDecisionRecord[] {
    return this.decisions.list(project);
  }
  getDecision(project: string, version: string): UpdateDecisionRecord | null {
    return this.decisions.get(project, version);
  }
  notifiedAt(project: string, version: string): string | null {
    return this.decisions.notifiedAt(project, version);
  }
  /** See DecisionsRepo.claimNotification: true at most once per release (plus once per passed snooze). */
  claimNotification(project: string, version: string, at: string, remindAfter: string | null = null): boolean {
    return this.decisions.claimNotification(project, version, at, remindAfter);
  }

  // ---- change detection (for watching commits made by other connections) ----
  private get changeQueries(): ChangesRepo {
    return (this.changes ??= new ChangesRepo(this.ctx));
  }
  /** Bumped whenever ANOTHER connection commits; unchanged by this connection's own writes. */
  dataVersion(): number {
    return this.changeQueries.dataVersion();
  }
  lastOperationSeq(): number {
    return this.changeQueries.lastOperationSeq();
  }
  operationsAfter(seq: number, limit?: number): OperationMark[] {
    return this.changeQueries.operationsAfter(seq, limit);
  }
  operationMarks(ids: readonly string[]): OperationMark[] {
    return this.changeQueries.operationMarks(ids);
  }
  runningOperationMarks(): OperationMark[] {
    return this.changeQueries.runningOperations();
  }
  projectMarks(): ProjectMark[] {
    return this.changeQueries.projectMarks();
  }
  preferencesSignature(): string {
    return this.changeQueries.preferencesSignature();
  }
  /** Steps of many operations in one query. */
  stepsOf(ids: readonly string[]): Map<string, OperationStep[]> {
    return this.history.stepsOf(ids);
  }
  /** The first failed step (id, title) of each of these operations that has one. */
  firstFailedSteps(ids: readonly string[]): Map<string, { id: string; title: string }> {
    return this.history.firstFailedSteps(ids);
  }
  /** The newest operations of a kind on a project, without steps (the dashboard's failed-release marks). */
  recentTargets(project: string, kind: OperationKind, limit: number): OperationTarget[] {
    return this.history.recentTargets(project, kind, limit);
  }
}
