import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir, writeFiles } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

type ErrorDoc = { error: { code: string; message: string } };

/** core at v1.0.0; the remote has 1.1.0 and 1.2.0 (dated 2023, long eligible by any age). */
function fixture(extra = '') {
  return createRemoteWithReleases({
    initialFiles: { 'upshift.yml': `smoke:\n  command: test -f app.txt\n${extra}`, 'app.txt': 'v0\n' },
    releases: [
      { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
      { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
      { version: '1.2.0', files: { 'app.txt': '1.2.0\n' } },
    ],
    checkout: 'v1.0.0',
  });
}

/** Publishes `tag` on the remote with today's date (the fixtures' commits are from 2023). */
function publishToday(remote: string, tag: string): void {
  const dir = join(makeTempDir('upshift-publish-'), 'w');
  git(join(dir, '..'), 'clone', '-q', remote, dir);
  writeFiles(dir, { 'app.txt': `${tag}\n` });
  git(dir, 'commit', '-qam', `Release ${tag}`);
  git(dir, 'tag', '-a', tag, '-m', `Release ${tag}`);
  git(dir, 'push', '-q', 'origin', 'HEAD:main', `refs/tags/${tag}`);
}

describe('strategies through the CLI', () => {
  it('does not offer a release younger than minimumReleaseAge, and says when it becomes eligible', () => {
    const fx = fixture('minimumReleaseAge: 7\n');
    publishToday(fx.remote, 'v1.3.0');
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);

    // Before any fetch, check cannot know the tag's date: it says the age is judged at plan time.
    const first = cli.run('check', '--json').json<CheckResult>().projects[0]!;
    expect(first.blockers.join('\n')).toMatch(/1\.3\.0: its age is judged from its tag date at plan time/);

    const plan = cli.run('plan', 'core', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const p = plan.json<UpgradePlan>();
    expect(p.to.version).toBe('1.2.0');
    const young = p.candidates.find((c) => c.version === '1.3.0')!;
    expect(young.blocked).toBe(true);
    const eligibleOn = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    expect(young.reason).toBe(`strategy: 1.3.0 is 0 days old (minimumReleaseAge 7 days); eligible on ${eligibleOn}`);

    // The plan fetched the tag, so check now knows its date: the latest offered is 1.2.0, and why not 1.3.0.
    const after = cli.run('check', '--json').json<CheckResult>().projects[0]!;
    expect(after.latest?.version).toBe('1.2.0');
    expect(after.blockers).toContain(`1.3.0 not offered: 1.3.0 is 0 days old (minimumReleaseAge 7 days); eligible on ${eligibleOn}`);
    const human = cli.run('check');
    expect(human.stdout).toContain(`eligible on ${eligibleOn}`);

    // Asked for explicitly, it is blocked with the same reason (exit 3).
    const forced = cli.run('plan', 'core', '--to', '1.3.0', '--json');
    expect(forced.code).toBe(3);
    expect(forced.json<UpgradePlan>().blockers.join()).toMatch(/eligible on/);
  });

  it('never offers an excluded version', () => {
    const fx = fixture('exclude: ["1.2.0"]\n');
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const c = cli.run('check', '--json').json<CheckResult>().projects[0]!;
    expect(c.latest?.version).toBe('1.1.0');
    expect(c.blockers).toContain('1.2.0 not offered: 1.2.0 is excluded by the manifest (exclude: 1.2.0)');
    const p = cli.run('plan', 'core', '--json').json<UpgradePlan>();
    expect(p.to.version).toBe('1.1.0');
    expect(p.candidates.map((x) => [x.version, x.blocked, x.reason])).toEqual([
      ['1.2.0', true, 'strategy: 1.2.0 is excluded by the manifest (exclude: 1.2.0)'],
      ['1.1.0', false, null],
    ]);
    expect(cli.run('upgrade', 'core', '--to', '1.2.0', '--yes').code).toBe(3);
  });

  it('pinned: moves to the pin and no further; an environment pin overrides; a pin below current points to rollback', () => {
    const fx = fixture('strategy: pinned\nversion: "1.1.0"\n');
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    expect(cli.run('check', '--json').json<CheckResult>().projects[0]!.latest?.version).toBe('1.1.0');
    const up = cli.run('upgrade', 'core', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(up.json<OperationResult>().operation.to.version).toBe('1.1.0');
    const again = cli.run('plan', 'core', '--json');
    expect(again.code).toBe(4);
    expect(again.json<ErrorDoc>().error.message).toMatch(/the version it is pinned to/);

    const envPinned = new CliHarness({ UPSHIFT_HOME: cli.home, UPSHIFT_PIN_CORE: '1.2.0' });
    const p = envPinned.run('plan', 'core', '--json').json<UpgradePlan>();
    expect(p.to.version).toBe('1.2.0');

    const down = new CliHarness({ UPSHIFT_HOME: cli.home, UPSHIFT_PIN_CORE: '1.0.0' }).run('plan', 'core', '--json');
    expect(down.code).toBe(3);
    const e = down.json<ErrorDoc>().error;
    expect(e.code).toBe('DOWNGRADE');
    expect(e.message).toMatch(/pinned to 1\.0\.0 \(UPSHIFT_PIN_CORE\), below the current 1\.1\.0.*upshift rollback core/);
  });

  it('range: offers only releases inside it', () => {
    const fx = fixture('strategy: range\nrange: ">=1.0 <1.2"\n');
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const p = cli.run('plan', 'core', '--json').json<UpgradePlan>();
    expect(p.to.version).toBe('1.1.0');
    expect(p.candidates.find((c) => c.version === '1.2.0')!.reason).toBe('strategy: outside the range >=1.0 <1.2');
  });

  it('lts: offers only releases whose metadata says lts: true', () => {
    const fx = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': 'strategy: lts\n', 'app.txt': 'v0\n' },
      releases: [
        { version: '1.0.0' },
        { version: '1.1.0', files: { 'release_metadata.json': '{"version": "1.1.0", "lts": true}' } },
        { version: '1.2.0', files: { 'release_metadata.json': '{"version": "1.2.0"}' } },
      ],
      checkout: 'v1.0.0',
    });
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    const c = cli.run('check', '--json').json<CheckResult>().projects[0]!;
    expect(c.blockers.join('\n')).toMatch(/LTS is judged from its release metadata at plan time/);
    const p = cli.run('plan', 'core', '--json').json<UpgradePlan>();
    expect(p.to.version).toBe('1.1.0');
    expect(p.candidates.find((x) => x.version === '1.2.0')!.reason).toBe('strategy: 1.2.0 is not an LTS release');
    // What the plan learnt is kept: check now offers the LTS release.
    expect(cli.run('check', '--json').json<CheckResult>().projects[0]!.latest?.version).toBe('1.1.0');
  });
});

describe('unreachable remotes and offline', () => {
  it('falls back to the last releases seen when the remote is gone, and says how old they are', () => {
    const fx = fixture();
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    expect(cli.run('check', '--json').json<CheckResult>().projects[0]!.latest?.version).toBe('1.2.0');
    rmSync(fx.remote, { recursive: true, force: true });
    const r = cli.run('check', '--json');
    expect(r.code).toBe(0);
    const c = r.json<CheckResult>().projects[0]!;
    // Still a failed check (reported once, backed off), with the releases seen last filled in.
    expect(c.error?.message).toBeTruthy();
    expect(c.latest?.version).toBe('1.2.0');
    expect(c.updateAvailable).toBe(true);
    expect(c.blockers.join('\n')).toMatch(/^remote unreachable \(.*\); using releases seen \d+ s ago$/m);
    expect(cli.run('check').stdout).toMatch(/core: check failed: .*\n {2}latest seen: 1\.2\.0\n {2}note: remote unreachable/);
  });

  it('UPSHIFT_OFFLINE=1: check uses the last releases seen; plan refuses tags that are not local', () => {
    const fx = fixture();
    const online = new CliHarness();
    online.run('add', fx.work, '--name', 'core');
    const offline = new CliHarness({ UPSHIFT_HOME: online.home, UPSHIFT_OFFLINE: '1' });
    const none = offline.run('check', '--json').json<CheckResult>().projects[0]!;
    expect(none.error?.code).toBe('OFFLINE');
    online.run('check');
    // The remote is still there, but offline nothing asks it.
    const c = offline.run('check', '--json').json<CheckResult>().projects[0]!;
    expect(c.latest?.version).toBe('1.2.0');
    expect(c.blockers.join('\n')).toMatch(/offline; using releases seen/);
    const plan = offline.run('plan', 'core', '--json');
    expect(plan.code).toBe(1);
    expect(plan.json<ErrorDoc>().error).toMatchObject({ code: 'OFFLINE' });
    expect(plan.json<ErrorDoc>().error.message).toMatch(/\(1\.2\.0, 1\.1\.0\) are in the local repository.*needs the network/);
    // A tag that is local (fetched earlier) can be planned and upgraded to offline.
    // --no-tags: the online check downloaded 1.2.0's objects (no ref), so git's tag auto-following would bring its tag too.
    git(fx.work, 'fetch', '-q', '--no-tags', 'origin', 'refs/tags/v1.1.0:refs/tags/v1.1.0');
    const p = offline.run('plan', 'core', '--json').json<UpgradePlan>();
    expect(p.to.version).toBe('1.1.0');
    expect(p.candidates.find((x) => x.version === '1.2.0')).toMatchObject({ blocked: true, reason: 'contracts and breaking changes of 1.2.0 not read yet (offline: tag v1.2.0 is not in the local repository)' });
    const up = offline.run('upgrade', 'core', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));
  });
});
