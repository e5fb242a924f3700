/**
 * Real signals to the real CLI during an upgrade: Ctrl-C (SIGINT), SIGTERM and a closed terminal (SIGHUP), during
 * the install and during the smoke test. The running step's whole process group must be gone, the checkout and
 * the user's staged, unstaged and untracked work exactly as before, the operation `cancelled` with the step's
 * duration ending at the interruption, the exit code 128 + the signal, and the messages saying what happens.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryResult } from '../shared/api/types.js';
import { waitFor } from './helpers/cli.js';
import { makeCrashWorld, runCli, treeState } from './helpers/crash-matrix.js';
import { cleanupTempDirs, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

/** Running, not a zombie (an orphan's exit is only reaped by whatever PID 1 this container has). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) is all there is
  }
}

/** A command that records it started and the pid of a grandchild it leaves running in its group. */
function slow(marks: string, name: string): string {
  return `"echo started > ${marks}/${name}.started; sleep 300 & echo $! > ${marks}/${name}.grandchild; wait"`;
}

const EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

describe('signals during an upgrade', () => {
  for (const step of ['install', 'smoke'] as const) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      it(`${signal} during ${step}: the group is stopped, everything is put back, cancelled, exit ${EXIT[signal]}`, async () => {
        const marks = makeTempDir('upshift-marks-');
        const manifest = [
          `install: ${step === 'install' ? slow(marks, 'install') : '"true"'}`,
          `smoke:\n  command: ${step === 'smoke' ? slow(marks, 'smoke') : '"true"'}`,
          // A rollback that takes a moment, so a second signal lands while it runs.
          'hooks:\n  onRollback: "sleep 1"',
          'snapshot:\n  paths: [deps]\n  mode: move',
          '',
        ].join('\n');
        const { fx, cli } = makeCrashWorld({ manifest });
        const before = treeState(fx.work);
        const started = Date.now();
        const run = runCli(cli, ['upgrade', 'core', '--to', '1.1.0', '--yes', '--stash']);
        // runCli does not expose the child: find it through the lock it holds.
        await waitFor(() => existsSync(join(marks, `${step}.grandchild`)), 30_000, `${step} to start`);
        const lock = cli.run('status', '--json').json<{ projects: Array<{ operationInProgress: { pid: number } | null }> }>();
        const pid = lock.projects[0]!.operationInProgress!.pid;
        const grandchild = Number(readFileSync(join(marks, `${step}.grandchild`), 'utf8'));
        expect(alive(grandchild)).toBe(true);
        process.kill(pid, signal);
        await new Promise((r) => setTimeout(r, 400));
        if (alive(pid)) process.kill(pid, signal); // a second one, during the rollback: never abandons it
        const result = await run;
        const elapsed = Date.now() - started;

        expect(result.signal).toBeNull();
        expect(result.code, result.stderr).toBe(EXIT[signal]);
        expect(result.stderr).toMatch(new RegExp(`Interrupted \\(${signal}[^)]*\\): stopping the running step of the upgrade of core and rolling back`));
        expect(result.stderr).toMatch(/again: the rollback of core is finishing and is not abandoned/);
        expect(result.stdout).toMatch(/cancelled/);
        expect(result.stdout).toMatch(/core is back on 1\.0\.0/);
        expect(alive(grandchild)).toBe(false);
        expect(treeState(fx.work)).toEqual(before);

        const h = await runCli(cli, ['history', '--json']);
        expect(h.stderr).not.toMatch(/Recovered/);
        const op = h.json<HistoryResult>().operations[0]!;
        expect(op.status).toBe('cancelled');
        expect(op.error).toMatch(new RegExp(`^Cancelled \\(${signal}[^)]*\\) during step "${step}"; everything was put back`));
        const stopped = op.steps.find((s) => s.id === step)!;
        expect(stopped.status).toBe('cancelled');
        expect(stopped.durationMs!).toBeLessThan(elapsed);
        expect(Date.parse(stopped.finishedAt!)).toBeLessThanOrEqual(Date.parse(op.steps.find((s) => s.id === 'rollback')!.startedAt!));

        // Nothing is left behind: no lock, no operation in progress, nothing for the next command to recover.
        const status = cli.run('status', '--json').json<{ projects: Array<{ operationInProgress: unknown }> }>();
        expect(status.projects[0]!.operationInProgress).toBeNull();
      });
    }
  }

  it('Ctrl-C before the operation starts (while planning) changes and records nothing', async () => {
    const { fx, cli } = makeCrashWorld();
    const before = treeState(fx.work);
    // The plan fetches the target tag first: stop the CLI there, where a real Ctrl-C would land on a slow network.
    const r = await runCli(cli, ['upgrade', 'core', '--to', '1.1.0', '--yes', '--stash'], { UPSHIFT_TEST_SIGNAL_AT: 'git:fetch:before#1' });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/Interrupted \(SIGINT: Ctrl-C\): stopping before anything of core changes/);
    expect(r.stderr).toMatch(/Cancelled\. Nothing was changed\./);
    expect(treeState(fx.work)).toEqual(before);
    expect(cli.run('history', '--json').json<HistoryResult>().operations).toEqual([]);
  });
});
