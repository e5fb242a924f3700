/**
 * `upshift plan|upgrade --all`, `<core> --with-dependents`, multi-hop upgrades, and `upshift resume`: the CLI face of
 * electron/core/batch. Prints the joint plan or the hops, asks once for the whole set, and maps the batch's outcome
 * to the README's exit codes (0 every member succeeded; 1 a member failed — rolled back, or kept what succeeded
 * with --keep-going/last-good; 3 blocked; 4 nothing to do; 128+n interrupted by a signal).
 */
import type { BatchOnFailure, BatchOperation, BatchResult, Operation, UpgradePlan } from '../../../shared/api/types.js';
import type { Engine } from '../../core/engine/index.js';
import { resumeBatch, runBatch, batchSpec, pathSpec, type BatchEvent, type BatchRunOptions } from '../../core/batch/index.js';
import { usageError } from '../../core/errors.js';
import type { OperationEvent } from '../../core/executor/events.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';
import { formatPlan } from '../format.js';
import type { InterruptHandler } from '../interrupt.js';
import { formatBatch, formatBatchPlan, formatHops } from './batch-format.js';

export interface BatchDeps {
  print: (doc: unknown, human: () => string) => void;
  err: (line: string) => void;
  style: Style;
  stdinIsTty: boolean;
  /** Progress of member operations on a terminal (null with --json or without a terminal). */
  progress: ((e: OperationEvent) => void) | undefined;
  interruptible: <T>(label: string, verb: 'upgrade', fn: (h: InterruptHandler) => Promise<T>) => Promise<{ value: T | null; signalExit: ExitCodeValue | null }>;
  ask: (question: string, h: InterruptHandler) => Promise<boolean>;
}

/** Whether this `plan`/`upgrade` is a batch (`--all`, `--with-dependents`). */
export function isBatchCommand(cmd: ParsedCommand): boolean {
  return cmd.values.all === true || cmd.values['with-dependents'] === true;
}

function batchScope(cmd: ParsedCommand): { root?: string; to?: string } {
  const all = cmd.values.all === true;
  if (all && cmd.values['with-dependents'] === true) throw usageError('BAD_ARGUMENTS', '--all and --with-dependents choose different sets; pass one. Nothing was changed.');
  if (all && cmd.positionals.length > 0) throw usageError('BAD_ARGUMENTS', `--all upgrades every project; leave out "${cmd.positionals[0]}", or use \`${cmd.positionals[0]} --with-dependents\`. Nothing was changed.`);
  if (all && typeof cmd.values.to === 'string') throw usageError('BAD_ARGUMENTS', '--to names the target of one project; with --all each project gets the newest release everyone accepts. Nothing was changed.');
  return all ? {} : { root: cmd.positionals[0]!, ...(typeof cmd.values.to === 'string' ? { to: cmd.values.to } : {}) };
}

export async function planBatchCommand(cmd: ParsedCommand, engine: Engine, deps: BatchDeps): Promise<ExitCodeValue> {
  const plan = await engine.planBatch(batchScope(cmd));
  deps.print(plan, () => formatBatchPlan(deps.style, plan));
  return plan.blocked ? ExitCode.blocked : ExitCode.ok;
}

/** Progress lines for the members of a batch, then the member operations' own steps. */
function batchProgress(deps: BatchDeps): BatchRunOptions['listener'] {
  const s = deps.style;
  const progress = deps.progress;
  if (!progress) return undefined;
  return (e: BatchEvent) => {
    if (e.type === 'batch-member') {
      const what = `${e.hop !== null ? `hop ${e.hop}: ` : ''}${e.project}`;
      if (e.status === 'running') deps.err(s.bold(`▶ ${what}`));
      else if (e.status === 'rolled_back') deps.err(s.yellow(`↩ ${what} rolled back`));
      else if (e.status === 'skipped') deps.err(s.dim(`– ${what} not run`));
      else if (e.status !== 'succeeded') deps.err(s.red(`✗ ${what}: ${e.status}${e.error ? `: ${e.error}` : ''}`));
      return;
    }
    if (e.type === 'batch-finished') return;
    progress(e);
  };
}

function result(engine: Engine, batch: BatchOperation): BatchResult {
  const ids = batch.members.flatMap((m) => [m.operationId, m.rollbackId]).filter((x): x is string => x !== null);
  return { batch, operations: ids.map((id) => engine.store.getOperation(id)).filter((o): o is Operation => o !== null) };
}

export function exitForBatch(b: BatchOperation): ExitCodeValue {
  return b.status === 'succeeded' ? ExitCode.ok : ExitCode.failed;
}

/**
 * Prints how a batch or path ended and tells the notification channels about each of its operations (as a single
 * upgrade or rollback does, and as the tray and `upshift serve` do for every operation that ends).
 */
async function finishBatch(engine: Engine, deps: BatchDeps, batch: BatchOperation): Promise<ExitCodeValue> {
  const r = result(engine, batch);
  deps.print(r, () => formatBatch(deps.style, batch));
  await (await import('./notify.js')).notifyOutcomes(engine, r.operations); // at most ~2 s of delivery; never throws
  return exitForBatch(batch);
}

export async function upgradeBatchCommand(cmd: ParsedCommand, engine: Engine, deps: BatchDeps): Promise<ExitCodeValue> {
  const scope = batchScope(cmd);
  if (cmd.values['on-hop-failure'] !== undefined) throw usageError('BAD_ARGUMENTS', '--on-hop-failure applies to one project\'s multi-hop upgrade; a batch is all-or-nothing or --keep-going. Nothing was changed.');
  const onFailure: BatchOnFailure = cmd.values['keep-going'] === true ? 'keep-going' : 'all-or-nothing';
  const { value, signalExit } = await deps.interruptible(scope.root ?? 'every project', 'upgrade', async (interrupt) => {
    const plan = await engine.planBatch({ ...scope, signal: interrupt.signal });
    const spec = batchSpec(plan, onFailure);
    if (cmd.values.yes !== true) {
      if (!deps.stdinIsTty) throw usageError('CONFIRMATION_REQUIRED', 'Not on a terminal, so nobody can confirm: pass --yes to run the batch. Nothing was changed.');
      deps.err(formatBatchPlan(deps.style, plan));
      if (!(await deps.ask(`Upgrade ${spec.members.length} projects as one batch (${onFailure})? [y/N] `, interrupt))) return null;
    }
    const listener = batchProgress(deps);
    return runBatch(engine, spec, {
      signal: interrupt.signal,
      ...(listener ? { listener } : {}),
      stash: cmd.values.stash === true,
      force: cmd.values.force === true,
      onStarted: () => void (interrupt.started = true),
    });
  });
  if (!value) {
    deps.err('Cancelled. Nothing was changed.');
    return signalExit ?? ExitCode.nothingToDo;
  }
  const code = await finishBatch(engine, deps, value);
  return signalExit ?? code;
}

/** `--on-hop-failure`, else the manifest's `onHopFailure`, else rollback-all. */
export function hopFailureMode(cmd: ParsedCommand, engine: Engine, project: string): BatchOnFailure {
  const flag = cmd.values['on-hop-failure'];
  const chosen = typeof flag === 'string' ? flag : (engine.context(project).manifest.onHopFailure ?? 'rollback-all');
  return chosen === 'last-good' ? 'last-good' : 'all-or-nothing';
}

/**
 * Asks about a plan whose target lies beyond required stops (the single plan with its hops), then runs the hops.
 * Null when declined.
 */
export async function runPath(plan: UpgradePlan, cmd: ParsedCommand, engine: Engine, deps: BatchDeps, interrupt: InterruptHandler): Promise<BatchOperation | null> {
  const hops = plan.hops!;
  const onFailure = hopFailureMode(cmd, engine, plan.project);
  const spec = pathSpec(hops, onFailure);
  if (cmd.values.yes !== true && plan.gate !== 'auto') {
    if (!deps.stdinIsTty) throw usageError('CONFIRMATION_REQUIRED', `Not on a terminal, so nobody can confirm: pass --yes to upgrade (its gate is ${plan.gate}). Nothing was changed.`);
    deps.err(formatPlan(deps.style, plan));
    deps.err(formatHops(deps.style, hops));
    if (!(await deps.ask(`Upgrade ${plan.project} to ${plan.to.version} in ${hops.hops.length} hops (${onFailure === 'last-good' ? 'keep the last good hop on failure' : 'roll back all the way on failure'})? [y/N] `, interrupt))) return null;
  } else if (cmd.values.yes !== true) {
    deps.err(`Upgrading ${plan.project} to ${plan.to.version} in ${hops.hops.length} hops without asking: its gate is auto (${plan.bump}).`);
  }
  const listener = batchProgress(deps);
  return runBatch(engine, spec, {
    signal: interrupt.signal,
    ...(listener ? { listener } : {}),
    stash: cmd.values.stash === true,
    force: cmd.values.force === true,
    onStarted: () => void (interrupt.started = true),
  });
}

export async function finishPath(engine: Engine, deps: BatchDeps, batch: BatchOperation, signalExit: ExitCodeValue | null): Promise<ExitCodeValue> {
  const code = await finishBatch(engine, deps, batch);
  return signalExit ?? code;
}

export async function resumeCommand(cmd: ParsedCommand, engine: Engine, deps: BatchDeps): Promise<ExitCodeValue> {
  const id = cmd.positionals[0]!;
  const { value, signalExit } = await deps.interruptible(id, 'upgrade', async (interrupt) => {
    const listener = batchProgress(deps);
    return resumeBatch(engine, id, { signal: interrupt.signal, ...(listener ? { listener } : {}), onStarted: () => void (interrupt.started = true) });
  });
  if (!value) return signalExit ?? ExitCode.nothingToDo;
  const code = await finishBatch(engine, deps, value);
  return signalExit ?? code;
}
