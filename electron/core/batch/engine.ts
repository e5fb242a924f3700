/**
 * What the batch runner needs of the engine: the store, a project's context, and the single-project upgrade and
 * rollback under a lock the caller holds. An interface rather than the Engine class so engine/index.ts can call the
 * batch recovery when it opens without an import cycle; the scheduler passes its Engine as it is.
 */
import type { Operation } from '../../../shared/api/types.js';
import type { UpgradeOptions } from '../engine/index.js';
import type { ProjectContext } from '../engine/projects.js';
import type { RunOptions } from '../engine/run.js';
import type { StateStore } from '../state/index.js';

export interface BatchEngine {
  readonly store: StateStore;
  context(name: string): ProjectContext;
  upgradeLocked(name: string, operationId: string, opts?: UpgradeOptions): Promise<Operation | null>;
  rollbackLocked(name: string, operationId: string, target: Operation, opts?: Omit<RunOptions, 'operationId'>): Promise<Operation>;
}
