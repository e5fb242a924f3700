import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Operation, PlanStep, StartedBy } from '../../../shared/api/types.js';
import { describeSnapshotModes, displayUserCommand, shellQuote, snapshotModes } from '../../../shared/plan/index.js';
import { blockedError, UpshiftError } from '../errors.js';
import { OperationContext } from '../executor/context.js';
import type { OperationListener } from '../executor/events.js';
import { gitWorktree } from '../executor/git-worktree.js';
import type { BranchMove, Journal, SetAsideEntry } from '../executor/journal.js';
import { executeOperation, gitDriver, type OperationJob } from '../executor/upgrade.js';
import { artifactDriver } from '../executor/artifact-driver.js';
import { commandDriver } from '../executor/command-driver.js';
import type { Worktree } from '../executor/worktree.js';
import { readCurrentLink } from '../kinds/artifact-layout.js';
import { readCommandVersion } from '../kinds/command.js';
import type { ProjectManifest } from '../manifest/types.js';
import { UPSHIFT_MANIFEST_FILES } from '../manifest/index.js';
import { statFilesAtCommit } from '../git/index.js';
import { sharedObjectReader } from '../git/object-reader.js';
import type { PlanResult } from './plan.js';
import { manifestsFactKey } from './plan-facts.js';
import { storedCopyExists } from '../executor/set-aside.js';
import { CommitFacts, newOperationId, ProjectLock, type StateStore } from '../state/index.js';
import { operationLogDir } from '../state/paths.js';
import type { ProjectContext } from './projects.js';
import { isOffline } from './releases.js';
import { crashPoint } from '../util/crash-points.js';
import { loggingListener, withLogContext } from '../telemetry/index.js';

export interface RunOptions {
  /** The operation's id, under which the caller already holds the project's lock. */
  operationId: string;
  stash?: boolean;
  /**
   * When the stashed work does not apply cleanly on the new version: keep the new version with a clean tree and the
   * work in its stash (status `stash_kept`) instead of rolling back (the default).
   */
  keepOnConflict?: boolean;
  /** Cancels the operation: the running command is stopped and the checkout rolled back. */
  signal?: AbortSignal;
  listener?: OperationListener;
  /**
   * Called once the operation is recorded (lock held, plan made, steps written), before any step runs: lets a
   * caller that runs the operation in the background hand its id out at once.
   */
  onStarted?: (operation: Operation) => void;
  /** The scheduler started it (an unattended upgrade): recorded with the operation. */
  startedBy?: StartedBy | null;
}

/**
 * Holds the project's lock for the whole of `fn`: planning, confirmation and execution see one consistent
 * checkout. A held lock refuses at once (LockHeldError names the holder).
 */
export async function withProjectLock<T>(store: StateStore, project: string, fn: (operationId: string) => Promise<T>): Promise<T> {
  const id = newOperationId();
  const lock = ProjectLock.acquire(store, project, { operationId: id });
  try {
    // Every log line from here on — planning, git, the steps — carries the operation's id.
    return await withLogContext({ op: id, project }, () => fn(id));
  } finally {
    lock.release();
  }
}

/**
 * Records the operation with its planned steps and the journal's starting point (HEAD and branch) in one
 * durable write, runs it, and records the outcome. The caller holds the project's lock.
 */
async function runJob(store: StateStore, ctx: ProjectContext, job: OperationJob, kind: 'upgrade' | 'rollback', target: string | null, opts: RunOptions): Promise<Operation> {
  const id = opts.operationId;
  opts = { ...opts, listener: loggingListener(opts.listener) };
  const path = ctx.record.path;
  const projectKind = ctx.manifest.kind ?? 'git';
  let journal: Journal;
  let tree: Worktree | null = null;
  if (projectKind === 'git') {
    tree = gitWorktree(path);
    const [originalSha, originalBranch] = await Promise.all([tree.headSha(), tree.currentBranch()]);
    journal = { originalSha, originalBranch, ...(job.keepOnConflict ? { keepOnConflict: true } : {}) };
  } else if (projectKind === 'artifact') {
    // The snapshot step records it again under the lock; this copy lets recovery undo a crash before that step.
    journal = { kind: 'artifact', originalSha: '', originalBranch: null, artifact: { previous: currentTargetOrNull(path) } };
  } else {
    journal = { kind: 'command', originalSha: '', originalBranch: null, command: { previousVersion: job.from.version } };
  }
  mkdirSync(operationLogDir(store.paths.home, id), { recursive: true });
  const op = store.createOperation({
    id,
    project: ctx.record.name,
    kind,
    target,
    from: { version: job.from.version, tag: job.from.tag, sha: journal.originalSha || null },
    to: { version: job.to.version, tag: job.to.tag, sha: job.to.sha || null },
    steps: job.steps,
    journal: journal as unknown as Record<string, unknown>,
    ...(opts.startedBy ? { startedBy: opts.startedBy } : {}),
  });
  crashPoint('operation:recorded');
  try {
    opts.onStarted?.(op);
  } catch {
    // The caller's bookkeeping must never leave a recorded operation unexecuted (and unrecovered).
  }
  opts.listener?.({ type: 'operation-started', operationId: op.id, project: op.project, kind });
  const octx = new OperationContext(store, id, { name: ctx.record.name, path }, opts.listener, opts.signal);
  const outcome = await executeOperation(octx, job, (env) =>
    tree ? gitDriver(octx, tree, job, env) : projectKind === 'artifact' ? artifactDriver(octx, job, env) : commandDriver(octx, job, env),
  );
  const warnings = outcome.warnings.length > 0 ? `\nWarnings: ${outcome.warnings.join('\n')}` : '';
  crashPoint('operation:finishing');
  store.finishOperation(id, outcome.status, {
    error: outcome.error ? outcome.error + warnings : warnings ? warnings.trim() : null,
    manualRecovery: outcome.manualRecovery,
  });
  opts.listener?.({ type: 'operation-finished', operationId: id, status: outcome.status, error: outcome.error });
  return store.getOperation(id)!;
}

function currentTargetOrNull(path: string): string | null {
  try {
    return readCurrentLink(path)?.target ?? null;
  } catch {
    // The preflight refuses such a `current` before anything changes.
    return null;
  }
}

/** Upgrades to the plan's target. A blocked plan is recorded as a `blocked` operation and refused. */
export async function runUpgrade(store: StateStore, ctx: ProjectContext, planned: PlanResult, opts: RunOptions): Promise<Operation> {
  const { plan, remote } = planned;
  const projectKind = ctx.manifest.kind ?? 'git';
  if (plan.blocked || (projectKind === 'git' && !plan.to.sha)) {
    const op = store.createOperation({
      project: ctx.record.name,
      kind: 'upgrade',
      status: 'blocked',
      from: plan.from,
      to: plan.to,
      error: `Blocked: ${plan.blockers.join('; ')}`,
      ...(opts.startedBy ? { startedBy: opts.startedBy } : {}),
    });
    throw blockedError('BLOCKED', `Upgrade of ${ctx.record.name} to ${plan.to.version} is blocked: ${plan.blockers.join('; ')}. Nothing was changed.`, { operation: op.id, blockers: plan.blockers });
  }
  const job: OperationJob = {
    kind: 'upgrade',
    manifest: ctx.manifest,
    remote,
    from: { version: plan.from.version, tag: plan.from.tag },
    // The branch the approved plan moves and checks out (`checkout: branch`), if any.
    to: { version: plan.to.version, tag: plan.to.tag, sha: plan.to.sha ?? '', branch: plan.checkout?.branch ?? null },
    ...(plan.checkout?.move ? { branchMoves: [{ branch: plan.checkout.move.branch, from: plan.checkout.move.from, to: plan.checkout.move.to }] } : {}),
    steps: plan.steps,
    stash: opts.stash ?? false,
    keepOnConflict: opts.keepOnConflict ?? false,
    offline: isOffline(ctx, store),
    ...(planned.tagObject ? { tagObject: planned.tagObject } : {}),
    ...(planned.beforeFetch ? { beforeFetch: planned.beforeFetch } : {}),
    ...(planned.artifact ? { artifact: planned.artifact } : {}),
    ...(planned.command ? { command: planned.command } : {}),
    ...(projectKind === 'git' && plan.to.sha ? { leaveUntracked: await untrackedManifestsToLeave(ctx.record.path, plan.to.sha, store) } : {}),
  };
  return runJob(store, ctx, job, 'upgrade', null, opts);
}

/**
 * Upshift's own manifest names that an upgrade to `targetSha` may leave in the tree untracked without calling the tree
 * dirty: those the target does not carry. Neither the checkout nor a rollback (not even a forced one) touches an
 * untracked file that neither commit tracks, so it stays exactly as it is. When the target carries the file, the
 * checkout would clash with it (or a forced checkout overwrite it), so it counts as uncommitted work as before.
 * Writing it into .git/info/exclude instead would be unsafe: git overwrites ignored files on checkout.
 */
async function untrackedManifestsToLeave(root: string, targetSha: string, store: StateStore): Promise<string[]> {
  // Which manifest files a commit holds never changes: kept by commit id, so a repeated upgrade reads no tree.
  const facts = new CommitFacts(store.database, () => store.now());
  const key = manifestsFactKey(targetSha);
  const known = facts.get<string[]>('files', key);
  if (known) return known;
  const atTarget = await statFilesAtCommit(root, targetSha, UPSHIFT_MANIFEST_FILES, { reader: sharedObjectReader(root) });
  const absent = UPSHIFT_MANIFEST_FILES.filter((f) => atTarget.get(f) === null);
  facts.put('files', key, absent);
  return absent;
}

/** The operation a rollback undoes: the one named, else the latest succeeded upgrade not undone since. */
export function rollbackTarget(store: StateStore, project: string, id?: string): Operation {
  if (id) {
    const op = store.getOperation(id);
    if (!op || op.project !== project) throw new UpshiftError('OPERATION_NOT_FOUND', `No operation ${id} for project ${project}. See \`upshift history ${project}\`.`, { category: 'usage' });
    if (op.status !== 'succeeded' && op.status !== 'stash_kept' && op.status !== 'interrupted' && op.status !== 'rolled_back') {
      throw new UpshiftError('NOT_ROLLBACKABLE', `Operation ${id} is ${op.status}: it changed nothing that needs undoing.`, { category: 'nothing-to-do' });
    }
    // The same refusal as the dashboard's: a second rollback of an undone upgrade would only record a second undo.
    const undo = store.undoneBy(id);
    if (undo) {
      throw new UpshiftError(
        'ALREADY_UNDONE',
        `${id} was already undone by ${undo.id}${undo.finishedAt ? ` (${undo.finishedAt})` : ''}. To install it again, roll back ${undo.id}. Nothing was changed.`,
        { category: 'nothing-to-do', details: { id, undoneBy: undo.id } },
      );
    }
    return op;
  }
  const last = store.lastSucceededUpgrade(project, { excludeUndone: true });
  if (!last) throw new UpshiftError('NOTHING_TO_DO', `${project} has no succeeded upgrade to roll back. Pass --to <operation-id> to return to the state before another operation.`, { category: 'nothing-to-do' });
  return last;
}

/**
 * Returns the checkout to the state before operation `target`: its recorded commit (on its branch when that
 * branch still points there), its set-aside paths copied back. Recorded as an operation of its own, with its own
 * snapshot, so a failed rollback is undone too and a rollback can itself be rolled back.
 */
export async function runRollback(store: StateStore, ctx: ProjectContext, target: Operation, opts: RunOptions): Promise<Operation> {
  const record = store.getOperationRecord(target.id)!;
  const j = record.journal as unknown as Journal;
  const kind = ctx.manifest.kind ?? 'git';
  if ((j.kind ?? 'git') !== kind) {
    throw new UpshiftError('NOT_ROLLBACKABLE', `Operation ${target.id} was made when ${ctx.record.name} was a ${j.kind ?? 'git'} project; it is a ${kind} project now, so it cannot be undone this way. Nothing was changed.`, { category: 'usage' });
  }
  if (kind === 'artifact') return runArtifactRollback(store, ctx, target, j, opts);
  if (kind === 'command') return runCommandRollback(store, ctx, target, j, opts);
  return runGitRollback(store, ctx, target, j, opts);
}

/**
 * The common tail of a rollback plan: the onRollback hook and the record. No health checks: a failing check would
 * undo the rollback, putting back the very version the user is leaving.
 */
function rollbackTail(ctx: ProjectContext): PlanStep[] {
  const steps: PlanStep[] = [];
  if (ctx.manifest.hooks.onRollback) steps.push({ id: 'hook:onRollback', title: 'Run the onRollback hook', command: ctx.manifest.hooks.onRollback });
  steps.push({ id: 'finalize', title: 'Record the rollback, release the lock', command: null });
  return steps;
}

/** A rollback runs no upgrade hooks and sets nothing aside: only what returns to the earlier state. */
function rollbackManifest(ctx: ProjectContext): ProjectManifest {
  return { ...ctx.manifest, hooks: { ...ctx.manifest.hooks, preUpgrade: null, postCheckout: null, postUpgrade: null }, snapshot: { ...ctx.manifest.snapshot, paths: [] }, seedFormat: false, watch: null };
}

/** Switches `current` back to the version the operation started from (when retention has not removed it). */
async function runArtifactRollback(store: StateStore, ctx: ProjectContext, target: Operation, j: Journal, opts: RunOptions): Promise<Operation> {
  const back = j.artifact?.previous ?? null;
  if (back && !existsSync(join(ctx.record.path, back))) {
    throw new UpshiftError(
      'NOT_ROLLBACKABLE',
      `${join(ctx.record.path, back)} was removed (retention keeps ${ctx.manifest.artifact?.keep ?? 'a few'} versions), so \`current\` cannot be switched back to it. Install it again with \`upshift upgrade ${ctx.record.name} --to ${basename(back)}\` if it is newer, or raise artifact.keep. Nothing was changed.`,
      { category: 'blocked' },
    );
  }
  const a = ctx.manifest.artifact;
  const steps: PlanStep[] = [
    { id: 'preflight', title: 'Check that `current` is a symlink Upshift can switch and the version to return to is installed, take the project lock', command: null },
    { id: 'snapshot', title: 'Record where `current` points now', command: 'readlink current' },
    { id: 'switch', title: back ? `Switch \`current\` back to ${back} (the state before ${target.id})` : `Remove \`current\` (there was none before ${target.id})`, command: back ? `ln -sfn ${shellQuote(back)} current` : 'rm current' },
  ];
  if (a?.restart) steps.push({ id: 'restart', title: 'Run the restart command', command: a.restart });
  steps.push(...rollbackTail(ctx));
  const job: OperationJob = {
    kind: 'rollback',
    manifest: rollbackManifest(ctx),
    remote: '',
    from: { version: target.to.version, tag: target.to.tag },
    to: { version: target.from.version, tag: target.from.tag, sha: '' },
    steps,
    stash: false,
    minFreeBytes: 0,
    artifact: { target: back, restart: a?.restart ?? null, retention: null },
  };
  return runJob(store, ctx, job, 'rollback', target.id, opts);
}

/** Runs the user's rollback command with the version the operation started from. */
async function runCommandRollback(store: StateStore, ctx: ProjectContext, target: Operation, j: Journal, opts: RunOptions): Promise<Operation> {
  const spec = ctx.manifest.command!;
  const back = j.command?.previousVersion ?? target.from.version;
  if (!back) throw new UpshiftError('NOT_ROLLBACKABLE', `The version installed before ${target.id} is unknown, so there is no version to pass to the rollback command. Nothing was changed.`, { category: 'blocked' });
  const now = (await readCommandVersion(spec.current, ctx.record.path)).version?.normalized ?? null;
  const steps: PlanStep[] = [
    { id: 'preflight', title: 'Read the installed version, take the project lock', command: displayUserCommand(spec.current, null) },
    { id: 'snapshot', title: 'Record the installed version (what undoing this rollback returns to)', command: null },
    { id: 'apply', title: `Return to ${back} with the rollback command (the state before ${target.id})`, command: displayUserCommand(spec.rollback, back) },
    { id: 'verify-version', title: `Check that the installed version is now ${back}`, command: displayUserCommand(spec.current, null) },
    ...rollbackTail(ctx),
  ];
  const job: OperationJob = {
    kind: 'rollback',
    manifest: rollbackManifest(ctx),
    remote: '',
    from: { version: now, tag: null },
    to: { version: back, tag: target.from.tag, sha: '' },
    steps,
    stash: false,
    minFreeBytes: 0,
    command: { spec, use: 'rollback' },
  };
  return runJob(store, ctx, job, 'rollback', target.id, opts);
}

async function runGitRollback(store: StateStore, ctx: ProjectContext, target: Operation, j: Journal, opts: RunOptions): Promise<Operation> {
  if (!j.originalSha) throw new UpshiftError('NO_SNAPSHOT', `Operation ${target.id} recorded no snapshot to return to.`, { category: 'usage' });
  const tree = gitWorktree(ctx.record.path);
  // Branches the upgrade moved (`checkout: branch`) go back where they were, each only if it is still where the upgrade
  // put it: a branch moved since (a commit on it) is never rewritten, and the checkout is then detached.
  const moves: BranchMove[] = [];
  const leftAlone: string[] = [];
  for (const mv of j.movedBranches ?? []) {
    const now = await tree.resolveCommit(`refs/heads/${mv.branch}`);
    if (now === mv.to && now !== mv.from) moves.push({ branch: mv.branch, from: mv.to, to: mv.from });
    else if (now !== mv.from) leftAlone.push(mv.branch);
  }
  const afterMoves = async (b: string) => { const mv = moves.find((x) => x.branch === b); return mv ? mv.to : tree.resolveCommit(`refs/heads/${b}`); };
  const branchAt = j.originalBranch ? await afterMoves(j.originalBranch) : null;
  const movesSaid = moves.map((mv) => (mv.to ? `move branch ${mv.branch} back to ${mv.to.slice(0, 12)}` : `delete branch ${mv.branch} (${target.id} created it)`));
  if (leftAlone.length > 0) movesSaid.push(`leave ${leftAlone.join(', ')} where ${leftAlone.length === 1 ? 'it is' : 'they are'} (moved since ${target.id})`);
  const restorePaths: SetAsideEntry[] = (j.setAside ?? []).filter((e) => e.done && storedCopyExists(e));
  // What the rollback replaces is set aside too, so that undoing it (after a failure, a crash, or from history)
  // puts those paths back as well: moved when a saved copy replaces them, else as the manifest says.
  const aside = restorePaths.length > 0 ? { paths: restorePaths.map((e) => e.path), mode: 'move' as const } : ctx.manifest.install ? { paths: ctx.manifest.snapshot.paths, mode: ctx.manifest.snapshot.mode } : { paths: [], mode: ctx.manifest.snapshot.mode };
  const steps: PlanStep[] = [
    { id: 'preflight', title: opts.stash ? 'Check free disk space, take the project lock, stash uncommitted work' : 'Refuse a dirty tree, check free disk space, take the project lock', command: 'git status --porcelain' },
    {
      id: 'snapshot',
      title: `Record HEAD and branch as refs/upshift/snapshots/<operation>${aside.paths.length > 0 ? `; ${describeSnapshotModes(snapshotModes(aside.mode, aside.paths, ctx.manifest.install))}` : ''}`,
      command: 'git update-ref refs/upshift/snapshots/<operation> HEAD',
    },
    {
      id: 'checkout',
      title: `Check out ${j.originalBranch && branchAt === j.originalSha ? `branch ${j.originalBranch} at ` : ''}${j.originalSha.slice(0, 12)} (the state before ${target.id})${movesSaid.length > 0 ? `; ${movesSaid.join('; ')}` : ''}`,
      command: j.originalBranch && branchAt === j.originalSha ? `git checkout ${shellQuote(j.originalBranch)}` : `git checkout --detach ${j.originalSha}`,
    },
  ];
  if (restorePaths.length > 0) steps.push({ id: 'restore-paths', title: `Copy back ${restorePaths.map((e) => e.path).join(', ')} as they were before ${target.id}`, command: null });
  else if (ctx.manifest.install) steps.push({ id: 'install', title: 'Install dependencies', command: ctx.manifest.install });
  if (ctx.manifest.hooks.onRollback) steps.push({ id: 'hook:onRollback', title: 'Run the onRollback hook', command: ctx.manifest.hooks.onRollback });
  steps.push({ id: 'finalize', title: 'Record the rollback, release the lock', command: null });
  const job: OperationJob = {
    kind: 'rollback',
    manifest: { ...ctx.manifest, hooks: { ...ctx.manifest.hooks, preUpgrade: null, postCheckout: null, postUpgrade: null }, snapshot: { ...ctx.manifest.snapshot, ...aside }, seedFormat: false },
    remote: ctx.manifest.source.remote,
    from: { version: target.to.version, tag: target.to.tag },
    to: { version: target.from.version, tag: target.from.tag, sha: j.originalSha, branch: j.originalBranch && branchAt === j.originalSha ? j.originalBranch : null },
    ...(moves.length > 0 ? { branchMoves: moves } : {}),
    steps,
    stash: opts.stash ?? false,
    restorePaths,
    leaveUntracked: await untrackedManifestsToLeave(ctx.record.path, j.originalSha, store),
  };
  return runJob(store, ctx, job, 'rollback', target.id, opts);
}
