import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, HistoryResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness, waitFor } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir, pushTag, type FileMap } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

function manifest(extra = ''): string {
  return `install: sh install.sh\nsmoke:\n  command: sh smoke.sh\n  timeoutSeconds: 20\n${extra}`;
}

/** A core project cloned at v1.0.0 whose remote has 1.1.0 (good) and 1.2.0 (smoke test fails). */
function coreFixture(initial: FileMap = {}) {
  const fx = createRemoteWithReleases({
    initialFiles: {
      'upshift.yml': manifest(),
      'install.sh': 'echo installing\n',
      'smoke.sh': 'echo smoke ok\n',
      'app.txt': 'v0\n',
      '.gitignore': 'node_modules/\n',
      ...initial,
    },
    releases: [
      { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
      { version: '1.1.0', files: { 'app.txt': '1.1.0\n' }, message: 'Release 1.1.0\n\nAdds the frobnicator.' },
      { version: '1.2.0', files: { 'app.txt': '1.2.0\n', 'smoke.sh': 'echo "boom: the widget is broken"; exit 1\n' } },
    ],
    checkout: 'v1.0.0',
  });
  return fx;
}

/** A process counts as running unless it is gone or a zombie waiting to be reaped (containers often lack a reaper). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function head(work: string) {
  return { sha: git(work, 'rev-parse', 'HEAD'), branch: git(work, 'branch', '--show-current') };
}

describe('upshift upgrade', () => {
  it('adds, checks, plans and upgrades a project, then lists it in history', () => {
    const fx = coreFixture();
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);

    const check = cli.run('check', '--json');
    expect(check.code).toBe(0);
    const c = check.json<CheckResult>().projects[0]!;
    expect(c.current).toMatchObject({ version: '1.0.0', tag: 'v1.0.0', source: 'tag' });
    expect(c.latest).toMatchObject({ version: '1.2.0', tag: 'v1.2.0', prerelease: false });
    expect(c.updateAvailable).toBe(true);
    expect(c.risk?.level).toBeDefined();

    const plan = cli.run('plan', 'core', '--to', '1.1.0', '--json');
    expect(plan.code).toBe(0);
    const p = plan.json<UpgradePlan>();
    expect(p.from).toMatchObject({ version: '1.0.0', tag: 'v1.0.0' });
    expect(p.to).toEqual({ version: '1.1.0', tag: 'v1.1.0', sha: fx.sha('v1.1.0') });
    expect(p.releaseNotes.map((n) => n.version)).toEqual(['1.1.0']);
    expect(p.releaseNotes[0]!.body).toContain('frobnicator');
    expect(p.commits.count).toBe(1);
    expect(p.steps.map((s) => s.id)).toEqual(['preflight', 'snapshot', 'fetch', 'checkout', 'install', 'smoke', 'finalize']);
    expect(p.steps.find((s) => s.id === 'install')!.command).toBe('sh install.sh');
    expect(p.estimatedSeconds).toBeNull();
    expect(p.blocked).toBe(false);
    // Planning changed nothing in the checkout.
    expect(head(fx.work)).toEqual({ sha: fx.sha('v1.0.0'), branch: 'main' });

    const up = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    const op = up.json<OperationResult>().operation;
    expect(op.status).toBe('succeeded');
    expect(op.steps.map((s) => [s.id, s.status])).toEqual([
      ['preflight', 'succeeded'],
      ['snapshot', 'succeeded'],
      ['fetch', 'succeeded'],
      ['checkout', 'succeeded'],
      ['install', 'succeeded'],
      ['smoke', 'succeeded'],
      ['finalize', 'succeeded'],
    ]);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));
    expect(readFileSync(join(fx.work, 'app.txt'), 'utf8')).toBe('1.1.0\n');
    expect(git(fx.work, 'rev-parse', `refs/upshift/snapshots/${op.id}`)).toBe(fx.sha('v1.0.0'));

    const hist = cli.run('history', 'core', '--json').json<HistoryResult>();
    expect(hist.operations[0]).toMatchObject({ id: op.id, kind: 'upgrade', status: 'succeeded', from: { version: '1.0.0' }, to: { version: '1.1.0' } });
    expect(hist.operations[0]!.finishedAt).not.toBeNull();
    expect(hist.operations[0]!.steps.every((s) => typeof s.durationMs === 'number')).toBe(true);

    // The next plan has an estimate from this upgrade, and the current version moved.
    const next = cli.run('plan', 'core', '--json').json<UpgradePlan>();
    expect(next.from.version).toBe('1.1.0');
    expect(next.estimatedSeconds).not.toBeNull();
  });

  it('rolls a failing smoke test back to the exact commit and branch, showing the output', () => {
    const fx = coreFixture();
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const before = head(fx.work);
    const up = cli.run('upgrade', 'core', '--to', '1.2.0', '--yes', '--json');
    expect(up.code).toBe(1);
    const op = up.json<OperationResult>().operation;
    expect(op.status).toBe('rolled_back');
    const smoke = op.steps.find((s) => s.id === 'smoke')!;
    expect(smoke.status).toBe('failed');
    expect(smoke.outputExcerpt).toContain('boom: the widget is broken');
    expect(op.error).toContain('smoke');
    expect(op.steps.find((s) => s.id === 'finalize')!.status).toBe('skipped');
    expect(op.steps.find((s) => s.id === 'rollback')!.status).toBe('succeeded');
    expect(head(fx.work)).toEqual(before);
    expect(readFileSync(join(fx.work, 'app.txt'), 'utf8')).toBe('1.0.0\n');
    expect(git(fx.work, 'status', '--porcelain')).toBe('');
  });

  it('refuses a dirty tree, lists the changed files, and changes nothing', () => {
    const fx = coreFixture();
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    writeFileSync(join(fx.work, 'app.txt'), 'my local edit\n');
    writeFileSync(join(fx.work, 'notes.txt'), 'untracked work\n');
    const before = head(fx.work);
    const up = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes');
    expect(up.code).toBe(3);
    expect(up.stdout + up.stderr).toMatch(/app\.txt/);
    expect(up.stdout + up.stderr).toMatch(/notes\.txt/);
    expect(up.stdout + up.stderr).toMatch(/--stash/);
    expect(head(fx.work)).toEqual(before);
    expect(readFileSync(join(fx.work, 'app.txt'), 'utf8')).toBe('my local edit\n');
    expect(readFileSync(join(fx.work, 'notes.txt'), 'utf8')).toBe('untracked work\n');
    const hist = cli.run('history', '--json').json<HistoryResult>();
    expect(hist.operations[0]!.status).toBe('blocked');
  });

  it('--stash gives uncommitted work back after success and after a rollback', () => {
    for (const [to, code] of [['1.1.0', 0], ['1.2.0', 1]] as const) {
      const fx = coreFixture({ 'config.local': 'a=1\n' });
      const cli = new CliHarness();
      cli.run('add', fx.work, '--name', 'core');
      writeFileSync(join(fx.work, 'config.local'), 'a=2 # my edit\n');
      writeFileSync(join(fx.work, 'scratch.txt'), 'untracked\n');
      git(fx.work, 'add', 'scratch.txt'); // staged
      writeFileSync(join(fx.work, 'more.txt'), 'untracked too\n');
      const up = cli.run('upgrade', 'core', '--to', to, '--yes', '--stash', '--json');
      expect(up.code, up.stderr).toBe(code);
      expect(readFileSync(join(fx.work, 'config.local'), 'utf8')).toBe('a=2 # my edit\n');
      expect(readFileSync(join(fx.work, 'scratch.txt'), 'utf8')).toBe('untracked\n');
      expect(readFileSync(join(fx.work, 'more.txt'), 'utf8')).toBe('untracked too\n');
      expect(git(fx.work, 'stash', 'list')).toBe('');
      expect(git(fx.work, 'diff', '--cached', '--name-only')).toContain('scratch.txt');
    }
  });

  it('kills a hanging smoke test and its grandchild at the timeout, then rolls back', () => {
    const fx = coreFixture();
    const pidFile = join(makeTempDir('upshift-pid-'), 'grandchild.pid');
    pushTag(fx.remote, 'v1.3.0', {
      'smoke.sh': `sleep 300 &\necho $! > ${pidFile}\necho waiting forever\nwait\n`,
      'upshift.yml': manifest(),
    });
    writeFileSync(join(fx.work, 'upshift.yml'), manifest().replace('timeoutSeconds: 20', 'timeoutSeconds: 1'));
    git(fx.work, 'commit', '-qam', 'shorter smoke timeout');
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const before = head(fx.work);
    const up = cli.run('upgrade', 'core', '--to', '1.3.0', '--yes', '--json');
    expect(up.code).toBe(1);
    const op = up.json<OperationResult>().operation;
    expect(op.status).toBe('rolled_back');
    expect(op.steps.find((s) => s.id === 'smoke')!.error).toMatch(/timed out/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(running(pid)).toBe(false);
    expect(head(fx.work)).toEqual(before);
  });

  it('recovers an upgrade whose process was killed with SIGKILL during install', async () => {
    const marker = join(makeTempDir('upshift-mark-'), 'install.pid');
    const fx = coreFixture();
    const v130 = pushTag(fx.remote, 'v1.3.0', { 'install.sh': `echo $$ > ${marker}\nsleep 300\n`, 'app.txt': '1.3.0\n' });
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const before = head(fx.work);
    const { child, done } = cli.start('upgrade', 'core', '--to', '1.3.0', '--yes', '--json');
    await waitFor(() => existsSync(marker) && readFileSync(marker, 'utf8').trim() !== '', 20_000, 'install to start');
    const installPid = Number(readFileSync(marker, 'utf8'));
    child.kill('SIGKILL');
    await done;
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(v130); // the crash left it half done

    const status = cli.run('status', '--json');
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(/Recovered interrupted operation/);
    expect(head(fx.work)).toEqual(before);
    expect(running(installPid)).toBe(false);
    const ops = cli.run('history', '--json').json<HistoryResult>().operations;
    const recovery = ops.find((o) => o.kind === 'recovery')!;
    const upgrade = ops.find((o) => o.kind === 'upgrade')!;
    expect(recovery.status).toBe('succeeded');
    expect(recovery.target).toBe(upgrade.id);
    expect(upgrade.status).toBe('interrupted');
    expect(upgrade.steps.find((s) => s.id === 'install')!.status).toBe('failed');
  });

  it('refuses a second upgrade of the same project at once, and says who holds it', async () => {
    const dir = makeTempDir('upshift-mark-');
    const marker = join(dir, 'started');
    const release = join(dir, 'release');
    const fx = coreFixture();
    // The first upgrade's install holds the lock until the test lets it go (not a sleep: a loaded machine may take
    // seconds to start the second CLI); it gives up by itself after 60 s so a failing test cannot hang.
    const install = `touch ${marker}\ni=0\nwhile [ ! -e ${release} ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\n`;
    const v130 = pushTag(fx.remote, 'v1.3.0', { 'install.sh': install, 'smoke.sh': 'echo smoke ok\n', 'app.txt': '1.3.0\n' });
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const first = cli.start('upgrade', 'core', '--to', '1.3.0', '--yes', '--json');
    await waitFor(() => existsSync(marker), 20_000, 'first install');
    const second = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
    expect(second.code).toBe(3);
    expect(second.json<{ error: { code: string; message: string } }>().error.code).toBe('LOCK_HELD');
    expect(second.stderr).toMatch(/locked by operation op_/);
    writeFileSync(release, '');
    const r = await first.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(v130);
  });

  it('rolls back to the state before an upgrade, onto the original branch', () => {
    const fx = coreFixture();
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const before = head(fx.work);
    const up = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes', '--json').json<OperationResult>().operation;
    expect(up.status).toBe('succeeded');
    const rb = cli.run('rollback', 'core', '--yes', '--json');
    expect(rb.code, rb.stderr).toBe(0);
    const op = rb.json<OperationResult>().operation;
    expect(op).toMatchObject({ kind: 'rollback', status: 'succeeded', target: up.id });
    expect(head(fx.work)).toEqual(before);
    // Nothing left to roll back.
    expect(cli.run('rollback', 'core', '--yes').code).toBe(4);
    // Naming the undone upgrade is refused too (a second undo of it would be recorded), with what to do instead.
    const again = cli.run('rollback', 'core', '--to', up.id, '--yes');
    expect(again.code).toBe(4);
    expect(again.stderr).toContain(`${up.id} was already undone by ${op.id}`);
    expect(again.stderr).toContain(`roll back ${op.id}`);
    expect(head(fx.work)).toEqual(before);
    // Rolling back the rollback itself installs the upgrade again.
    const redo = cli.run('rollback', 'core', '--to', op.id, '--yes', '--json');
    expect(redo.code, redo.stderr).toBe(0);
    expect(redo.json<OperationResult>().operation).toMatchObject({ kind: 'rollback', status: 'succeeded', target: op.id });
  });

  it('exits 4 when already on the latest release, 2 for an unknown project or flag', () => {
    const fx = createRemoteWithReleases({ initialFiles: { 'upshift.yml': 'channel: stable\n' }, releases: [{ version: '2.0.0' }], checkout: 'v2.0.0' });
    const cli = new CliHarness();
    cli.run('add', fx.work);
    expect(cli.run('upgrade', 'work', '--yes').code).toBe(4);
    expect(cli.run('plan', 'nope').code).toBe(2);
    expect(cli.run('check', '--bogus').code).toBe(2);
    const nope = cli.run('plan', 'nope', '--json');
    expect(nope.json<{ error: { code: string } }>().error.code).toBe('PROJECT_NOT_FOUND');
  });
});
