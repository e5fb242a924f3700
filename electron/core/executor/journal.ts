/**
 * The journal of one operation: everything needed to undo it, written to SQLite (synchronous=FULL) *before*
 * the action it describes and updated after. Recovery after a crash reads only this, so every field is
 * written in an order where a crash between any two writes still leaves enough to restore the checkout.
 */
export interface SetAsideEntry {
  /** Path inside the project, relative to its root. */
  path: string;
  /** Where the original was put, absolute, under $UPSHIFT_HOME/snapshots/<operation>/. */
  stored: string;
  mode: 'move' | 'copy';
  /** False until the move or copy completed; a partial copy is discarded on restore. */
  done: boolean;
  /** The path did not exist before the operation: restoring means removing it. */
  absent: boolean;
  /** How it was set aside (issue 12 §3): renamed, cloned by reflink, or copied file by file. Absent before done. */
  method?: 'rename' | 'reflink' | 'copy';
}

export interface Journal {
  /** Absent for a git checkout; set for the other kinds, whose state is recorded in their own field below. */
  kind?: 'artifact' | 'command';
  /** HEAD before the operation, a full SHA ('' for kinds that are not git checkouts). */
  originalSha: string;
  /** The branch HEAD was on, or null when it was detached. */
  originalBranch: string | null;
  /** Set before `git stash push` runs; `sha` filled in once it returned. */
  stash?: { message: string; sha: string | null } | null;
  snapshotRef?: string;
  snapshotTag?: string | null;
  setAside?: SetAsideEntry[];
  /** Set before the checkout starts: from then on HEAD may differ from originalSha. */
  checkoutStarted?: boolean;
  /** The commit the operation moves to. */
  targetSha?: string;
  /** Branch to put back for a rollback operation, when the target branch still points at targetSha. */
  targetBranch?: string | null;
  /**
   * Branch refs the checkout moves (`checkout: branch`, or a rollback putting a branch back), each with where it
   * pointed before (`from`, null: it did not exist) and where it is moved (`to`, null: deleted). Recorded together with
   * `checkoutStarted`, before any of them moves, so a restore puts each back with a compare-and-swap: only a branch
   * still at `to` is moved, never one someone else moved since.
   */
  movedBranches?: BranchMove[];
  /** Process group of the command running now, so recovery can stop an orphan before restoring. */
  runningPgid?: { pid: number; startTime: number | null } | null;
  /**
   * Set by a rollback (in-process or by recovery) once HEAD and branch are verified back at originalSha: a restore
   * that runs again after a crash then leaves HEAD, and the work already given back on it, alone.
   */
  headRestored?: boolean;
  /** Changes found in the tree that a restore had to overwrite, kept as refs (never lost). */
  rescued?: Array<{ ref: string; sha: string }>;
  /** The user chose to keep the new version if the stashed work conflicts with it (see RunOptions.keepOnConflict). */
  keepOnConflict?: boolean;
  /** The finalize step found the stashed work would not apply and decided to roll back: recovery must too. */
  rollbackDecided?: boolean;
  /** The stashed work did not apply on the new version and was kept in its stash, as the user chose. */
  stashKept?: boolean;
  /** Smoke tests passed: recovery finalises instead of rolling back. */
  smokePassed?: boolean;
  /** Stash applied back after success (or kept, with the reason). */
  stashReturned?: boolean;
  warnings?: string[];
  /** kind artifact: where `current` pointed before (null: there was none), and what this operation installed. */
  artifact?: ArtifactJournal;
  /** kind command: the version installed before, as the `current` command reported it. */
  command?: { previousVersion: string | null; applyStarted?: boolean };
}

/** One branch ref moved by an operation: `refs/heads/<branch>` from `from` to `to` (null: absent). */
export interface BranchMove {
  branch: string;
  from: string | null;
  to: string | null;
}

export interface ArtifactJournal {
  /** `versions/<dir>` that `current` pointed at before the operation, or null when there was no `current`. */
  previous: string | null;
  /** Set before the download starts: where it goes (removed afterwards). */
  downloadDir?: string;
  /** `versions/<dir>` this operation created (removed again by a rollback): set before unpacking starts. */
  created?: string | null;
  /** Set just before `current` is switched: from then on it may point at the new version. */
  switched?: boolean;
}

/** The message every Upshift stash carries, so a stash pushed just before a crash can still be found. */
export function stashMessage(operationId: string): string {
  return `upshift: uncommitted work saved before operation ${operationId}`;
}
