/**
 * Uncommitted work that conflicts with the upgrade (issue: `upgrade chalk --to 5.6.2 --stash` with an edited
 * package.json ended `succeeded` with `UU package.json` and conflict markers). The plan foretells it; an upgrade never
 * applies work half: it rolls back and gives the work back exactly, or — with --keep-on-conflict — keeps the new
 * version with a clean tree and the work in a named stash, as `stash_kept` (exit 6).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { killAt, recoverAndReadHistory, treeState } from './helpers/crash-matrix.js';
import { cleanupTempDirs, createRemoteWithReleases, git } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

/** 1.1.0 changes package.json's version line; the install of every version appends to lock.txt (as npm rewrites a lock file). */
function world(install = 'true') {
  const fx = createRemoteWithReleases({
    initialFiles: {
      'upshift.yml': `install: ${JSON.stringify(install)}\nsmoke:\n  command: "true"\n`,
      'package.json': '{\n  "name": "demo",\n  "version": "1.0.0"\n}\n',
      'lock.txt': 'locked 1\n',
      'README.md': '# demo\n\nsome text\n\nmore text\n',
    },
    releases: [{ version: '1.0.0' }, { version: '1.1.0', files: { 'package.json': '{\n  "name": "demo",\n  "version": "1.1.0"\n}\n' } }],
    checkout: 'v1.0.0',
  });
  const w = fx.work;
  writeFileSync(join(w, 'README.md'), '# demo, my title\n\nsome text\n\nmore text\n');
  git(w, 'add', 'README.md'); // staged
  writeFileSync(join(w, 'notes.txt'), 'untracked notes\n');
  const cli = new CliHarness();
  expect(cli.run('add', w, '--name', 'demo').code).toBe(0);
  return { fx, w, cli };
}

const conflictingEdit = (w: string) => writeFileSync(join(w, 'package.json'), '{\n  "name": "demo",\n  "version": "1.0.0-mine"\n}\n');

describe('uncommitted work that conflicts with the target', () => {
  it('the plan foretells it, naming the file, without touching anything', () => {
    const { w, cli } = world();
    conflictingEdit(w);
    const before = treeState(w);
    const plan = cli.run('plan', 'demo', '--to', '1.1.0', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.json<UpgradePlan>().uncommittedWork).toEqual({ appliesCleanly: false, conflicts: ['package.json'], untrackedCollisions: [] });
    expect(cli.run('plan', 'demo', '--to', '1.1.0').stdout).toMatch(/Uncommitted work: would not apply on 1\.1\.0 — conflicts: package\.json/);
    expect(treeState(w)).toEqual(before);
    expect(git(w, 'stash', 'list')).toBe('');
  });

  it('upgrade --stash refuses before anything changes, naming the file and the way out', () => {
    const { w, cli } = world();
    conflictingEdit(w);
    const before = treeState(w);
    const up = cli.run('upgrade', 'demo', '--to', '1.1.0', '--yes', '--stash');
    expect(up.code).toBe(3);
    expect(up.stderr).toMatch(/uncommitted work: your changes to package\.json conflict with 1\.1\.0.*--keep-on-conflict/);
    expect(treeState(w)).toEqual(before);
    expect(git(w, 'stash', 'list')).toBe('');
  });

  it('--keep-on-conflict keeps the new version with a clean tree and the work in a named stash: stash_kept, exit 6', () => {
    const { fx, w, cli } = world();
    conflictingEdit(w);
    const up = cli.run('upgrade', 'demo', '--to', '1.1.0', '--yes', '--stash', '--keep-on-conflict', '--json');
    expect(up.code, up.stderr).toBe(6);
    const op = up.json<OperationResult>().operation;
    expect(op.status).toBe('stash_kept');
    expect(op.error).toMatch(/does not apply cleanly on this version: changes to package\.json conflict with it.*git stash apply --index [0-9a-f]{40}/s);
    expect(git(w, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));
    expect(git(w, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(w, 'package.json'), 'utf8')).not.toMatch(/<<<<<<<|mine/);
    const stash = git(w, 'stash', 'list');
    expect(stash).toMatch(/upshift: uncommitted work saved before operation/);
    expect(git(w, 'stash', 'show', '--include-untracked', '--name-only', 'stash@{0}').split('\n').sort()).toEqual(['README.md', 'notes.txt', 'package.json']);
  });

  it('--keep-on-conflict without --stash is a usage error', () => {
    const { w, cli } = world();
    const before = treeState(w);
    const r = cli.run('upgrade', 'demo', '--to', '1.1.0', '--yes', '--keep-on-conflict');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--keep-on-conflict .* pass --stash too\. Nothing was changed\./);
    expect(treeState(w)).toEqual(before);
  });

  it('a conflict that only shows at the end (the install rewrote a file the work also changes) rolls back and gives the work back exactly', () => {
    const { fx, w, cli } = world('echo "locked by install" >> lock.txt');
    writeFileSync(join(w, 'lock.txt'), 'locked 1, my edit\n');
    const before = treeState(w);
    const up = cli.run('upgrade', 'demo', '--to', '1.1.0', '--yes', '--stash', '--json');
    expect(up.code, up.stderr).toBe(1);
    const op = up.json<OperationResult>().operation;
    expect(op.status).toBe('rolled_back');
    expect(op.error).toMatch(/Step "finalize" failed: .*other changes to lock\.txt.*rolled back so that it comes back exactly as it was/s);
    expect(treeState(w)).toEqual(before);
    expect(git(w, 'stash', 'list')).toBe('');
    // What the install wrote was not thrown away either.
    const rescued = git(w, 'for-each-ref', '--format=%(objectname)', 'refs/upshift/rescued/');
    expect(git(w, 'show', `${rescued}:lock.txt`)).toBe('locked 1\nlocked by install');
    expect(git(w, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.0.0'));
  });

  it('killed while that rollback runs: the recovery rolls back too, never finalises with the work half applied', async () => {
    const { w, cli } = world('echo "locked by install" >> lock.txt');
    writeFileSync(join(w, 'lock.txt'), 'locked 1, my edit\n');
    const before = treeState(w);
    await killAt(cli, ['upgrade', 'demo', '--to', '1.1.0', '--yes', '--stash'], 'step:rollback:started#1');
    const ops = await recoverAndReadHistory(cli);
    expect(ops.find((o) => o.kind === 'upgrade')!.status).toBe('interrupted');
    expect(treeState(w)).toEqual(before);
    expect(cli.run('history', '--json').json<HistoryResult>().operations.some((o) => o.status === 'running')).toBe(false);
  });
});
