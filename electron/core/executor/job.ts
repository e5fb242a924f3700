import { statfsSync } from 'node:fs';
import type { OperationStatus, PlanStep } from '../../../shared/api/types.js';
import type { ProjectManifest } from '../manifest/types.js';
import type { ArtifactJob } from './artifact-driver.js';
import type { CommandJob } from './command-driver.js';
import { StepFailure, type OperationContext } from './context.js';
import type { BranchMove, SetAsideEntry } from './journal.js';

/** What to move the project to. For `upgrade` the tag is fetched; for `rollback` the commit is already local. */
export interface OperationJob {
  kind: 'upgrade' | 'rollback';
  manifest: ProjectManifest;
  remote: string;
  from: { version: string | null; tag: string | null };
  to: { version: string | null; tag: string | null; sha: string; branch?: string | null };
  /** Upgrade: the object the plan fetched the tag as; a tag ref still pointing at it needs no `rev-parse` to trust. */
  tagObject?: string;
  /**
   * Branch refs the checkout step moves before it checks out `to.branch` (`checkout: branch`: the current branch
   * fast-forwarded, or `upshift/<project>` created or fast-forwarded; a rollback putting such a branch back).
   */
  branchMoves?: readonly BranchMove[];
  /** The plan's steps; the executor runs exactly these ids, in order. */
  steps: readonly PlanStep[];
  stash: boolean;
  /** Keep the new version when the stashed work conflicts with it (status `stash_kept`); default: roll back. */
  keepOnConflict?: boolean;
  /** Rollback only: the paths the undone upgrade set aside, copied back (the copies are kept). */
  restorePaths?: readonly SetAsideEntry[];
  /**
   * Untracked root files the dirty check leaves alone: Upshift's own manifest (upshift.yml) when the target does not
   * carry one, so neither checkout nor rollback can touch it (see engine/run.ts, untrackedManifestsToLeave).
   */
  leaveUntracked?: readonly string[];
  /** Free space required before starting, in bytes. */
  minFreeBytes?: number;
  /** No network: the tag must already be local (the plan fetched it, or it was there). */
  offline?: boolean;
  /** Runs before the tag is fetched (an offline release folder verifies its bundle against SHA256SUMS here). */
  beforeFetch?: () => Promise<void>;
  /** kind artifact: what to install and switch to. */
  artifact?: ArtifactJob;
  /** kind command: which command moves to which version. */
  command?: CommandJob;
}

export interface OperationOutcome {
  status: OperationStatus;
  error: string | null;
  failedStep: string | null;
  manualRecovery: string | null;
  warnings: string[];
}

export const HOOK_TIMEOUT_MS = 10 * 60_000;
export const INSTALL_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_MIN_FREE = 100 * 1024 * 1024;

function freeBytes(path: string): number | null {
  try {
    const s = statfsSync(path);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

/** Undoing an operation from its journal: whether everything is back, what went wrong, what to do by hand. */
export interface UndoResult {
  ok: boolean;
  problems: string[];
  manualRecovery: string | null;
}

/**
 * What one kind of project brings to the state machine: the actions of its own steps (preflight, snapshot and
 * the steps that change something) and how it is undone. Hooks, smoke tests, health checks and the watch window
 * are the executor's, the same for every kind.
 */
export interface KindDriver {
  actions: Record<string, () => Promise<void>>;
  /** Restores the state before the operation from the journal, recorded as a `rollback` step. */
  rollBack(): Promise<UndoResult>;
}

/** The environment every command of an operation sees. */
export function operationEnv(ctx: OperationContext, job: OperationJob): Record<string, string> {
  return {
    UPSHIFT_OPERATION_ID: ctx.operationId,
    UPSHIFT_PROJECT: ctx.project.name,
    UPSHIFT_OPERATION_KIND: job.kind,
    UPSHIFT_FROM_VERSION: job.from.version ?? '',
    UPSHIFT_TO_VERSION: job.to.version ?? '',
    UPSHIFT_TO_TAG: job.to.tag ?? '',
  };
}

/** Fails the preflight when the project's disk has less free space than the job needs. */
export function assertFreeSpace(path: string, job: OperationJob): void {
  const free = freeBytes(path);
  const need = job.minFreeBytes ?? DEFAULT_MIN_FREE;
  if (free !== null && free < need) {
    throw new StepFailure('preflight', `Only ${Math.round(free / 1048576)} MB free on the project's disk; ${Math.round(need / 1048576)} MB are needed. Nothing was changed.`, null, true, 'DISK_FULL');
  }
}
