import { compareVersions, parseVersion } from '../../../shared/version/index.js';
import { prepareCommand, readCommandVersion } from '../kinds/command.js';
import type { CommandSpec, UserCommand } from '../manifest/types.js';
import { OperationContext, StepFailure } from './context.js';
import { stopOrphanGroup } from './restore.js';
import type { KindDriver, OperationJob, UndoResult } from './job.js';

/** What a command operation needs beyond the generic job. */
export interface CommandJob {
  spec: CommandSpec;
  /** Which of the user's commands moves to `to.version`: `apply` for an upgrade, `rollback` to return to an earlier one. */
  use: 'apply' | 'rollback';
}

function sameVersion(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  return pa !== null && pb !== null ? compareVersions(pa, pb) === 0 : a === b;
}

/** Runs one of the user's commands for a step with `version` passed as an argument or as $UPSHIFT_VERSION. */
async function runUserCommand(ctx: OperationContext, stepId: string, c: UserCommand, version: string, from: string | null, spec: CommandSpec, env: Record<string, string>, ignoreCancel = false) {
  const p = prepareCommand(c, version, from);
  await ctx.command(stepId, {
    command: p.display,
    ...(p.argv ? { argv: p.argv } : {}),
    ...(p.shell ? { command: p.shell } : {}),
    timeoutMs: spec.timeoutSeconds * 1000,
    env: { ...env, ...p.env },
    ignoreCancel,
  });
}

/**
 * The steps of a `kind: command` operation: the installed version is read with the user's `current` command and
 * recorded, `apply` (or `rollback`) moves to the target, and `current` must then report the target. Undoing runs
 * the `rollback` command with the version recorded before.
 */
export function commandDriver(ctx: OperationContext, job: OperationJob, env: Record<string, string>): KindDriver {
  const c = job.command!;
  const target = job.to.version!;
  const read = async (stepId: string) => {
    try {
      return (await readCommandVersion(c.spec.current, ctx.project.path, ctx.signal ? { signal: ctx.signal } : {})).version?.normalized ?? null;
    } catch (err) {
      throw new StepFailure(stepId, (err as Error).message, null, stepId === 'preflight', 'CURRENT_COMMAND_FAILED');
    }
  };
  return {
    actions: {
      preflight: async () => {
        const now = await read('preflight');
        if (!sameVersion(now, job.from.version)) {
          throw new StepFailure(
            'preflight',
            `The installed version is ${now ?? 'unknown'} now, but the plan was made from ${job.from.version ?? 'an unknown version'}: something else changed it. Review a new plan. Nothing was changed.`,
            null,
            true,
            'VERSION_CHANGED',
          );
        }
      },
      snapshot: async () => {
        ctx.record({ kind: 'command', command: { previousVersion: job.from.version } });
      },
      apply: async () => {
        ctx.record({ command: { previousVersion: job.from.version, applyStarted: true } });
        await runUserCommand(ctx, 'apply', c.use === 'apply' ? c.spec.apply : c.spec.rollback, target, job.from.version, c.spec, env);
      },
      'verify-version': async () => {
        const now = await read('verify-version');
        if (!sameVersion(now, target)) {
          throw new StepFailure('verify-version', `After \`${c.use}\`, the \`current\` command reports ${now ?? 'no version'}, not ${target}.`, null, false, 'VERSION_MISMATCH');
        }
      },
      finalize: async () => {},
    },
    rollBack: () => undoCommand(ctx, job.from.version, c.spec, env, ctx.journal().command?.applyStarted === true),
  };
}

/**
 * Returns a command-driven component to `previous` with the user's `rollback` command (only when `apply` had
 * started: before that nothing changed), then checks `current` reports it.
 */
export async function undoCommand(ctx: OperationContext, previous: string | null, spec: CommandSpec, env: Record<string, string>, applyStarted: boolean): Promise<UndoResult> {
  const problems: string[] = [];
  try {
    await ctx.step(
      'rollback',
      previous ? `Roll back: run the rollback command for ${previous}` : 'Roll back: nothing was installed before; nothing to run',
      async () => {
        await stopOrphanGroup(ctx.journal().runningPgid ?? null);
        if (!applyStarted) return;
        if (previous === null) throw new StepFailure('rollback', 'The version installed before is unknown, so there is no version to pass to the rollback command.');
        await runUserCommand(ctx, 'rollback', spec.rollback, previous, null, spec, env, true);
        const now = (await readCommandVersion(spec.current, ctx.project.path)).version?.normalized ?? null;
        if (!sameVersion(now, previous)) throw new StepFailure('rollback', `After the rollback command, \`current\` reports ${now ?? 'no version'}, not ${previous}.`);
      },
      { ignoreCancel: true },
    );
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length === 0) return { ok: true, problems, manualRecovery: null };
  const p = previous ? prepareCommand(spec.rollback, previous) : null;
  return { ok: false, problems, manualRecovery: p ? `cd ${ctx.project.path}\n${p.display}` : null };
}
