import type { Operation, OperationStatus, OperationStep, ProjectCheck } from '../../../shared/api/types.js';
import { ChecksRepo } from './checks.js';
import { openDatabase, schemaVersion, type Db, type Migration } from './db.js';
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
import { ensureHome, statePaths, type StatePaths } from './paths.js';
import { ProjectsRepo, type NewProject, type ProjectPatch, type ProjectRecord } from './projects.js';

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
  private closed = false;

  private constructor(db: Db, paths: StatePaths, opts: StoreOptions) {
    const clock = opts.now ?? (() => new Date());
    this.paths = paths;
    this.ctx = { db, stmts: new StatementCache(db), now: () => clock().toISOString(), home: paths.home };
    this.projects = new ProjectsRepo(this.ctx);
    this.operations = new OperationsRepo(this.ctx);
    this.checks = new ChecksRepo(this.ctx);
  }

  /** Opens (creating the home directory and the database as needed) and migrates the store under `home`. */
  static open(home: string, opts: StoreOptions = {}): StateStore {
    const paths = opts.dbPath === ':memory:' ? statePaths(home) : ensureHome(home);
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
    return this.projects.add(input);
  }
  removeProject(name: string): boolean {
    return this.projects.remove(name);
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
    return this.projects.update(name, patch);
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
  unfinishedOperations(): OperationRecord[] {
    return this.operations.unfinished();
  }
  runningOperation(project: string): OperationRecord | null {
    return this.operations.running(project);
  }
  pastUpgradeDurations(project: string, limit?: number): number[] {
    return this.operations.pastUpgradeDurations(project, limit);
  }
  pastStepDurations(project: string, limit?: number): Record<string, number[]> {
    return this.operations.pastStepDurations(project, limit);
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
}
