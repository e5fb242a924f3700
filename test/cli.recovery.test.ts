import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HistoryResult, OperationResult, StatusResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness, waitFor } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

function head(work: string) {
  return { sha: git(work, 'rev-parse', 'HEAD'), branch: git(work, 'branch', '--show-current') };
}

describe('snapshot paths', () => {
  for (const mode of ['copy', 'move'] as const) {
    it(`${mode}: a dependency directory is put back exactly on rollback, and kept for a later rollback`, () => {
      const yml = `install: sh install.sh\nsmoke:\n  command: sh smoke.sh\nsnapshot:\n  paths: [deps]\n  mode: ${mode}\n`;
      const fx = createRemoteWithReleases({
        initialFiles: { 'upshift.yml': yml, '.gitignore': 'deps/\n', 'install.sh': 'mkdir -p deps && echo "$(cat VERSION)" > deps/lib.txt\n', 'smoke.sh': 'true\n', VERSION: '1.0.0\n' },
        releases: [
          { version: '1.0.0' },
          { version: '1.1.0', files: { VERSION: '1.1.0\n' } },
          { version: '1.2.0', files: { VERSION: '1.2.0\n', 'smoke.sh': 'echo broken; exit 1\n' } },
        ],
        checkout: 'v1.0.0',
      });
      mkdirSync(join(fx.work, 'deps'));
      writeFileSync(join(fx.work, 'deps/lib.txt'), 'installed for 1.0.0\n');
      const cli = new CliHarness();
      cli.run('add', fx.work, '--name', 'p');

      // A failed upgrade: deps/ is back as it was.
      expect(cli.run('upgrade', 'p', '--to', '1.2.0', '--yes').code).toBe(1);
      expect(readFileSync(join(fx.work, 'deps/lib.txt'), 'utf8')).toBe('installed for 1.0.0\n');

      // A good upgrade, then a rollback: deps/ from before the upgrade comes back too.
      const up = cli.run('upgrade', 'p', '--to', '1.1.0', '--yes', '--json');
      expect(up.code, up.stderr).toBe(0);
      expect(readFileSync(join(fx.work, 'deps/lib.txt'), 'utf8')).toBe('1.1.0\n');
      const rb = cli.run('rollback', 'p', '--yes', '--json');
      expect(rb.code, rb.stderr).toBe(0);
      expect(rb.json<OperationResult>().operation.steps.map((s) => s.id)).toContain('restore-paths');
      expect(readFileSync(join(fx.work, 'deps/lib.txt'), 'utf8')).toBe('installed for 1.0.0\n');
      expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.0.0'));
    });
  }
});

describe('crash recovery', () => {
  it('finalises an upgrade killed after its smoke tests passed', async () => {
    const marker = join(makeTempDir('upshift-mark-'), 'post.started');
    const yml = `smoke:\n  command: "true"\nhooks:\n  postUpgrade: "touch ${marker}; sleep 300"\n`;
    const fx = createRemoteWithReleases({ initialFiles: { 'upshift.yml': yml }, releases: [{ version: '1.0.0' }, { version: '1.1.0' }], checkout: 'v1.0.0' });
    writeFileSync(join(fx.work, 'notes.txt'), 'my uncommitted notes\n');
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'p');
    const { child, done } = cli.start('upgrade', 'p', '--yes', '--stash', '--json');
    await waitFor(() => existsSync(marker), 20_000, 'postUpgrade hook');
    child.kill('SIGKILL');
    await done;
    expect(existsSync(join(fx.work, 'notes.txt'))).toBe(false); // still stashed: the crash came before finalize

    const hist = cli.run('history', '--json');
    expect(hist.stderr).toMatch(/Recovered interrupted operation/);
    const ops = hist.json<HistoryResult>().operations;
    const upgrade = ops.find((o) => o.kind === 'upgrade')!;
    expect(upgrade.status).toBe('succeeded');
    expect(upgrade.error).toMatch(/finalised/);
    expect(ops.find((o) => o.kind === 'recovery')).toMatchObject({ status: 'succeeded', target: upgrade.id });
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));
    expect(readFileSync(join(fx.work, 'notes.txt'), 'utf8')).toBe('my uncommitted notes\n');
  });

  it('leaves an operation that is still running in another process alone, and shows it in status', async () => {
    const marker = join(makeTempDir('upshift-mark-'), 'install.started');
    const yml = `install: "touch ${marker}; sleep 2"\n`;
    const fx = createRemoteWithReleases({ initialFiles: { 'upshift.yml': yml }, releases: [{ version: '1.0.0' }, { version: '1.1.0' }], checkout: 'v1.0.0' });
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'p');
    const first = cli.start('upgrade', 'p', '--yes', '--json');
    await waitFor(() => existsSync(marker), 20_000, 'install');
    const status = cli.run('status', '--json');
    expect(status.code).toBe(0);
    expect(status.stderr).not.toMatch(/Recovered/);
    expect(status.json<StatusResult>().projects[0]!.operationInProgress).toMatchObject({ kind: 'upgrade' });
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<OperationResult>().operation.status).toBe('succeeded');
  });
});

describe('upshift.yml requirements and rollback targets', () => {
  it('a dependent declared in upshift.yml blocks a target outside its range', () => {
    const core = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.5.0' }, { version: '2.0.0' }], checkout: 'v1.0.0' });
    const plugin = createRemoteWithReleases({ initialFiles: { 'upshift.yml': 'requires:\n  core:\n    range: ">=1.0.0 <1.5.0"\n' }, releases: [{ version: '0.1.0' }] });
    const cli = new CliHarness();
    cli.run('add', core.work, '--name', 'core');
    cli.run('add', plugin.work, '--name', 'plugin');
    const plan = cli.run('plan', 'core', '--json');
    expect(plan.code).toBe(3);
    const p = plan.json<UpgradePlan>();
    // Every newer release is blocked: the plan says so rather than picking one.
    expect(p.candidates.every((c) => c.blocked)).toBe(true);
    expect(p.blocked).toBe(true);
    expect(p.compatibility.dependents[0]!.reason).toMatch(/plugin/);
  });

  it('rollback --to returns to the state before an older upgrade', () => {
    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0' }, { version: '1.2.0' }], checkout: 'v1.0.0' });
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'p');
    const before = head(fx.work);
    const first = cli.run('upgrade', 'p', '--to', '1.1.0', '--yes', '--json').json<OperationResult>().operation;
    expect(cli.run('upgrade', 'p', '--to', '1.2.0', '--yes').code).toBe(0);
    const rb = cli.run('rollback', 'p', '--to', first.id, '--yes', '--json');
    expect(rb.code, rb.stderr).toBe(0);
    expect(head(fx.work)).toEqual(before);
    expect(cli.run('rollback', 'p', '--to', 'op_nope', '--yes').code).toBe(2);
  });
});
