/**
 * kill -9 at every point of an operation, with staged, unstaged, staged-then-edited, added and untracked work and a
 * snapshot path: the next command must leave HEAD and branch exactly old or exactly new, the work byte-identical,
 * the snapshot path as it was when old, the history final, and the next operation working. The points are the
 * ones the real run passes (every step boundary, before and after every git command that changes the tree, the
 * stash or refs, every command spawned), so new steps are covered without editing this file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryResult } from '../shared/api/types.js';
import {
  depsFor,
  expectOldOrNew,
  killAt,
  makeCrashWorld,
  movedTo,
  recoverAndReadHistory,
  runCli,
  tracePoints,
  treeState,
  type CrashWorld,
  type TreeState,
} from './helpers/crash-matrix.js';
import { cleanupTempDirs } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

interface Prepared {
  world: CrashWorld;
  /** The state before the measured command. */
  old: TreeState;
  /** The state it leaves when it succeeds; null when it cannot succeed (it rolls back). */
  next: TreeState | null;
  /** What to run afterwards to show the project still works, and the state that must leave. */
  then: (at: 'old' | 'new') => { args: string[]; state: TreeState };
}

interface Scenario {
  name: string;
  args: string[];
  /** The exit code of the run nobody kills. */
  exitCode: number;
  prepare(): Prepared;
}

const upgradeArgs = (to: string) => ['upgrade', 'core', '--to', to, '--yes', '--stash', '--json'];
const rollbackArgs = ['rollback', 'core', '--yes', '--stash', '--json'];

function base(): { world: CrashWorld; original: TreeState; upgraded: TreeState } {
  const world = makeCrashWorld();
  const original = treeState(world.fx.work);
  return { world, original, upgraded: movedTo(original, world.fx.sha('v1.1.0'), '', depsFor('1.1.0')) };
}

const scenarios: Scenario[] = [
  {
    name: 'upgrade that succeeds',
    args: upgradeArgs('1.1.0'),
    exitCode: 0,
    prepare() {
      const { world, original, upgraded } = base();
      return {
        world,
        old: original,
        next: upgraded,
        then: (at) => (at === 'old' ? { args: upgradeArgs('1.1.0'), state: upgraded } : { args: rollbackArgs, state: original }),
      };
    },
  },
  {
    name: 'upgrade whose smoke test fails and rolls back',
    args: upgradeArgs('1.2.0'),
    exitCode: 1,
    prepare() {
      const { world, original, upgraded } = base();
      return { world, old: original, next: null, then: () => ({ args: upgradeArgs('1.1.0'), state: upgraded }) };
    },
  },
  {
    // checkout: branch — main is fast-forwarded (update-ref, compare-and-swap) and checked out; every kill must leave
    // main and HEAD exactly old (main at v1.0.0) or new (main at v1.1.0), the next upgrade or rollback working.
    name: 'upgrade with checkout: branch',
    args: [...upgradeArgs('1.1.0'), '--checkout', 'branch'],
    exitCode: 0,
    prepare() {
      const { world, original } = base();
      const onMain = movedTo(original, world.fx.sha('v1.1.0'), 'main', depsFor('1.1.0'));
      return {
        world,
        old: original,
        next: onMain,
        then: (at) => (at === 'old' ? { args: [...upgradeArgs('1.1.0'), '--checkout', 'branch'], state: onMain } : { args: rollbackArgs, state: original }),
      };
    },
  },
  {
    // Rolling back a checkout: branch upgrade moves main back (compare-and-swap) from v1.1.0 to v1.0.0.
    name: 'rollback from history of an upgrade with checkout: branch',
    args: rollbackArgs,
    exitCode: 0,
    prepare() {
      const { world, original } = base();
      const onMain = movedTo(original, world.fx.sha('v1.1.0'), 'main', depsFor('1.1.0'));
      const up = world.cli.run(...upgradeArgs('1.1.0'), '--checkout', 'branch');
      if (up.code !== 0) throw new Error(`the upgrade before the rollback failed: ${up.stderr}`);
      expect(treeState(world.fx.work)).toEqual(onMain);
      return {
        world,
        old: onMain,
        next: original,
        then: (at) => (at === 'old' ? { args: rollbackArgs, state: original } : { args: [...upgradeArgs('1.1.0'), '--checkout', 'branch'], state: onMain }),
      };
    },
  },
  {
    name: 'rollback from history',
    args: rollbackArgs,
    exitCode: 0,
    prepare() {
      const { world, original, upgraded } = base();
      const up = world.cli.run(...upgradeArgs('1.1.0'));
      if (up.code !== 0) throw new Error(`the upgrade before the rollback failed: ${up.stderr}`);
      expect(treeState(world.fx.work)).toEqual(upgraded);
      return {
        world,
        old: upgraded,
        next: original,
        then: (at) => (at === 'old' ? { args: rollbackArgs, state: original } : { args: upgradeArgs('1.1.0'), state: upgraded }),
      };
    },
  },
];

/** Kills the command at `point`, lets the next command recover, and checks everything that must hold. */
async function killRecoverAndCheck(p: Prepared, args: string[], point: string, killRecoveryAt?: string): Promise<void> {
  const { cli, fx } = p.world;
  await killAt(cli, args, point);
  if (killRecoveryAt) await killAt(cli, ['history', '--json'], killRecoveryAt);
  const ops = await recoverAndReadHistory(cli);
  const at = expectOldOrNew(fx.work, p.old, p.next);
  // The interrupted operation ends in a final state that matches where the tree is.
  const interrupted = ops.find((o) => o.kind !== 'recovery' && o.status === 'interrupted');
  if (interrupted) expect(at, `${interrupted.id} is interrupted (rolled back) but the tree is not old`).toBe('old');
  const after = p.then(at);
  const r = await runCli(cli, after.args);
  expect(r.code, `after the crash at ${point}, \`upshift ${after.args.join(' ')}\` failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  expect(treeState(fx.work)).toEqual(after.state);
}

// The reference runs (nothing killed) give the points; they run while the file is collected, side by side.
const traced = await Promise.all(
  scenarios.map(async (sc) => {
    const reference = sc.prepare();
    return { sc, reference, ...(await tracePoints(reference.world.cli, sc.args)) };
  }),
);

for (const { sc, reference, points, result } of traced) {
  describe(`kill -9 at every point of an ${sc.name}`, () => {
    it('passes every step boundary and tree-changing git command when nothing kills it', () => {
      expect(result.code, result.stderr).toBe(sc.exitCode);
      expect(treeState(reference.world.fx.work)).toEqual(reference.next ?? reference.old);
      const history = reference.world.cli.run('history', '--json', '--limit', '1').json<HistoryResult>();
      const ran = history.operations[0]!.steps.filter((s) => s.status !== 'pending' && s.status !== 'skipped');
      for (const step of ran) {
        expect(points).toContain(`step:${step.id}:started#1`);
        if (step.status === 'succeeded') expect(points).toContain(`step:${step.id}:recorded#1`);
      }
      expect(points.some((p) => p.startsWith('git:stash-push:'))).toBe(true);
      expect(points.some((p) => p.startsWith('git:checkout:'))).toBe(true);
    });

    it.each(points)('killed at %s', async (point) => {
      await killRecoverAndCheck(sc.prepare(), sc.args, point);
    });
  });
}

// The hardest moment to recover from: HEAD moved, the work stashed, deps/ set aside, the install running.
const during = 'command:install:spawned#1';
const recovering = scenarios[0]!;
const interrupted = recovering.prepare();
await killAt(interrupted.world.cli, recovering.args, during);
const recovery = await tracePoints(interrupted.world.cli, ['history', '--json']);

describe('kill -9 of the recovering command itself', () => {
  it('recovers everything when nothing kills the recovery', () => {
    expect(recovery.result.code, recovery.result.stderr).toBe(0);
    expect(recovery.points.some((p) => p.startsWith('step:rollback:'))).toBe(true);
    expect(treeState(interrupted.world.fx.work)).toEqual(interrupted.old);
  });

  it.each(recovery.points)('recovery killed at %s', async (point) => {
    await killRecoverAndCheck(recovering.prepare(), recovering.args, during, point);
  });
});
