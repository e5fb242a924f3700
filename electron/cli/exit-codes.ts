/** The `upshift` exit codes; documented in the README and stable for scripts and CI gates. */
export const ExitCode = {
  /** The command did what it was asked: upgrade or rollback succeeded, check/plan ran. */
  ok: 0,
  /** The operation failed and was rolled back (or the rollback itself failed: the output says so loudly). */
  failed: 1,
  /** Usage or configuration error (bad flag, unknown project, invalid manifest). Nothing was changed. */
  usage: 2,
  /** Blocked by compatibility or policy (incompatible dependents, dirty tree, lock held). Nothing was changed. */
  blocked: 3,
  /** Nothing to do (already on the latest eligible release, no upgrade to roll back). */
  nothingToDo: 4,
  /**
   * The state directory failed (corrupt database, read-only or full disk, unusable path): the message names the
   * file or directory and what to do (`upshift state restore` for a corrupt database). Nothing was changed.
   */
  state: 5,
  /**
   * The upgrade succeeded, but with `--keep-on-conflict` the stashed work did not apply on the new version: the tree
   * is clean at the new version and the work is in the stash the output names (status `stash_kept`).
   */
  stashKept: 6,
  /**
   * The release source could not be reached or refused access (a remote's URL that does not answer or does not exist,
   * no network, credentials git cannot ask for, GitHub unreachable): errors of category `unreachable`. Nothing was
   * changed; trying again later may work. An upgrade that loses the network after it started is a failure (1).
   */
  sourceUnreachable: 7,
  /**
   * Interrupted by SIGHUP (the terminal was closed), SIGINT (Ctrl-C) or SIGTERM, by the shell's convention of
   * 128 + the signal number: a running upgrade or rollback was cancelled and put back (status `cancelled`), or the
   * command stopped before anything changed.
   */
  sighup: 129,
  sigint: 130,
  sigterm: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
