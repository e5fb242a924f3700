import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js';
import { cleanupTempDirs, createRemoteWithReleases, git } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

const TOKEN = 'ghp_cliTESTtoken_0123456789abcdef';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub();
});
afterEach(async () => {
  await gh.close();
});

/** The CLI is run asynchronously: the fake server lives in this process and must keep answering. */
async function run(cli: CliHarness, ...args: string[]) {
  return cli.start(...args).done;
}

describe('source.type github through the CLI', () => {
  it('check reports the latest GitHub release, plan shows its body, upgrade checks out its tag from the git remote', async () => {
    const fx = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': `source:\n  type: github\n  repo: o/r\n  apiUrl: ${gh.url}\n`, 'app.txt': 'v0\n' },
      releases: [
        { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
        { version: '1.1.0', files: { 'app.txt': '1.1.0\n' }, message: 'Release 1.1.0\n\nThe tag message, not used.' },
        { version: '1.2.0', files: { 'app.txt': '1.2.0\n' } },
      ],
      checkout: 'v1.0.0',
    });
    gh.setReleases('o/r', [
      { tag: 'v1.3.0-rc.1', prerelease: true, body: 'a prerelease' },
      { tag: 'v1.2.0', draft: true, body: 'not published yet' },
      { tag: 'v1.1.0', body: '## From GitHub\n\n- the frobnicator', publishedAt: '2026-11-01T10:00:00Z' },
      { tag: 'v1.0.0', body: 'Initial release' },
    ]);
    const cli = new CliHarness({ GITHUB_TOKEN: TOKEN });
    expect((await run(cli, 'add', fx.work, '--name', 'core')).code).toBe(0);

    const check = await run(cli, 'check', '--json');
    expect(check.code).toBe(0);
    const c = check.json<CheckResult>().projects[0]!;
    expect(c.error).toBeNull();
    expect(c.current).toMatchObject({ version: '1.0.0', tag: 'v1.0.0' });
    expect(c.latest).toMatchObject({ version: '1.1.0', tag: 'v1.1.0', prerelease: false });
    expect(c.updateAvailable).toBe(true);
    expect(gh.authorizations.at(-1)).toBe(`Bearer ${TOKEN}`);

    const planned = await run(cli, 'plan', 'core', '--json');
    expect(planned.code).toBe(0);
    const plan = planned.json<UpgradePlan>();
    expect(plan.to).toMatchObject({ version: '1.1.0', tag: 'v1.1.0', sha: fx.sha('v1.1.0') });
    expect(plan.releaseNotes).toEqual([expect.objectContaining({ version: '1.1.0', source: 'release', body: '## From GitHub\n\n- the frobnicator', date: '2026-11-01T10:00:00Z' })]);

    const up = await run(cli, 'upgrade', 'core', '--yes', '--json');
    expect(up.code).toBe(0);
    expect(up.json<OperationResult>().operation).toMatchObject({ status: 'succeeded' });
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));

    // Unchanged releases: later polls are conditional and answered 304.
    const before = { ...gh.counts };
    const again = await run(cli, 'check', '--json');
    expect(again.json<CheckResult>().projects[0]).toMatchObject({ updateAvailable: false, latest: { version: '1.1.0' } });
    expect(gh.counts.total - before.total).toBe(gh.counts.notModified - before.notModified);
    expect(gh.counts.primaryCost).toBe(before.primaryCost);

    for (const r of [check, planned, up, again]) expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);

    // Rate-limited later: the last releases seen are used, and the check says how old they are.
    gh.fail({ kind: 'rate-limited', resetEpochSeconds: Math.floor(Date.now() / 1000) + 3600 });
    const limited = await run(cli, 'check', '--json');
    const l = limited.json<CheckResult>().projects[0]!;
    expect(l.latest).toMatchObject({ version: '1.1.0', tag: 'v1.1.0' });
    expect(JSON.stringify(l)).toMatch(/rate limit/);
  });

  it('a rate-limited API is a check error saying until when', async () => {
    const fx = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': `source:\n  type: github\n  repo: o/r\n  apiUrl: ${gh.url}\n` },
      releases: [{ version: '1.0.0' }],
      checkout: 'v1.0.0',
    });
    gh.setReleases('o/r', [{ tag: 'v1.0.0' }]);
    const reset = Math.floor(Date.now() / 1000) + 3600;
    gh.fail({ kind: 'rate-limited', resetEpochSeconds: reset });
    const cli = new CliHarness({ GITHUB_TOKEN: TOKEN });
    expect((await run(cli, 'add', fx.work, '--name', 'core')).code).toBe(0);
    const check = await run(cli, 'check', '--json');
    const c = check.json<CheckResult>().projects[0]!;
    expect(c.error).toMatchObject({ code: 'GITHUB_RATE_LIMITED', message: expect.stringContaining(new Date(reset * 1000).toISOString()) });
  });

  it('a used-up rate limit recorded by one check is honoured by the next check, a new process, without asking the API (issue 15 §6)', async () => {
    const fx = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': `source:\n  type: github\n  repo: o/r\n  apiUrl: ${gh.url}\n` },
      releases: [{ version: '1.0.0' }, { version: '1.1.0' }],
      checkout: 'v1.0.0',
    });
    gh.setReleases('o/r', [{ tag: 'v1.1.0' }, { tag: 'v1.0.0' }]);
    const cli = new CliHarness({ GITHUB_TOKEN: TOKEN });
    expect((await run(cli, 'add', fx.work, '--name', 'core')).code).toBe(0);
    expect((await run(cli, 'check', '--json')).json<CheckResult>().projects[0]).toMatchObject({ error: null, latest: { version: '1.1.0' } });

    const reset = Math.floor(Date.now() / 1000) + 3600;
    const until = new Date(reset * 1000).toISOString();
    gh.fail({ kind: 'rate-limited', resetEpochSeconds: reset });
    const asked = gh.counts.total;
    const first = (await run(cli, 'check', '--json')).json<CheckResult>().projects[0]!;
    expect(gh.counts.total).toBe(asked + 1);
    expect(first.latest).toMatchObject({ version: '1.1.0' });
    expect(first.error).toMatchObject({ code: 'GITHUB_RATE_LIMITED', message: expect.stringContaining(`rate limit of ${new URL(gh.url).host} is used up until ${until}`) });

    // The fake would answer now (its failure was used up): a second process must not ask before the reset.
    for (const args of [['check', '--json'], ['check', 'core', '--json']]) {
      const again = await run(cli, ...args);
      expect(again.code).toBe(0);
      const c = again.json<CheckResult>().projects[0]!;
      expect(c.latest).toMatchObject({ version: '1.1.0', tag: 'v1.1.0' });
      expect(c.error).toMatchObject({ code: 'GITHUB_RATE_LIMITED', message: first.error!.message });
    }
    expect(gh.counts.total).toBe(asked + 1);

    // Another credential has its own limit: without the token the API is asked.
    const anonymous = new CliHarness({ GITHUB_TOKEN: '' });
    Object.assign(anonymous.env, { UPSHIFT_HOME: cli.home, GH_TOKEN: '' });
    const other = (await run(anonymous, 'check', '--json')).json<CheckResult>().projects[0]!;
    expect(other.error).toBeNull();
    expect(gh.counts.total).toBe(asked + 2);
  });
});
