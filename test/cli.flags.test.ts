import { afterAll, describe, expect, it } from 'vitest';
import type { ApiError, HistoryResult } from '../shared/api/types.js';
import { Engine } from '../electron/core/engine/index.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

/** A project at v1.0.0 whose remote has 1.1.0 and 1.2.0: an upgrade would change HEAD at once. */
function project() {
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': 'install: "true"\nsmoke:\n  command: "true"\n', 'app.txt': 'v0\n' },
    releases: [
      { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
      { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
      { version: '1.2.0', files: { 'app.txt': '1.2.0\n' } },
    ],
    checkout: 'v1.0.0',
  });
  const cli = new CliHarness();
  expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
  return { fx, cli };
}

/** Everything an upgrade would move: HEAD, the branch, every ref (tags fetched, snapshots), the stash and the tree. */
function checkoutState(work: string) {
  return {
    head: git(work, 'rev-parse', 'HEAD'),
    branch: git(work, 'rev-parse', '--abbrev-ref', 'HEAD'),
    refs: git(work, 'for-each-ref', '--format=%(refname) %(objectname)'),
    log: git(work, 'log', '--all', '--format=%H %s'),
    status: git(work, 'status', '--porcelain', '--untracked-files=all'),
    reflog: git(work, 'reflog', '--format=%H %gs'),
  };
}

describe('empty and malformed flag values through the real CLI', () => {
  it('upgrade --to= --yes is a usage error (exit 2) naming --to, and nothing in the checkout or the history changes', () => {
    const { fx, cli } = project();
    const before = checkoutState(fx.work);
    for (const args of [
      ['upgrade', 'p', '--to=', '--yes'],
      ['upgrade', 'p', '--to', '', '--yes'],
      ['upgrade', 'p', '--to=latest', '--yes'],
      ['upgrade', 'p', '--to', '1.1.0', '--to', '1.2.0', '--yes'],
      ['upgrade', '--to=', 'p', '--yes', '--stash'],
    ]) {
      const r = cli.run(...args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^error: --to was given /);
      expect(r.stderr).toContain('Nothing was changed.');
      expect(r.stdout).toBe('');
      expect(checkoutState(fx.work), args.join(' ')).toEqual(before);
    }
    expect(cli.run('history', 'p', '--json').json<HistoryResult>().operations).toEqual([]);

    // The same flag twice with the same value is one flag: the upgrade runs to that release.
    const up = cli.run('upgrade', 'p', '--to', '1.1.0', '--to=1.1.0', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.1.0'));
  });

  it('--json prints one error document with the code, the flag and what was expected', () => {
    const { fx, cli } = project();
    const r = cli.run('plan', 'p', '--to=', '--json');
    expect(r.code).toBe(2);
    const { error } = r.json<{ error: ApiError }>();
    expect(error).toMatchObject({ code: 'BAD_FLAG_VALUE', retryable: false, details: { flag: '--to', value: '', expected: expect.stringContaining('a version') } });
    const twice = cli.run('plan', 'p', '--to', '1.1.0', '--to', '1.2.0', '--json');
    expect(twice.code).toBe(2);
    expect(twice.json<{ error: ApiError }>().error).toMatchObject({ code: 'FLAG_CONFLICT', details: { flag: '--to', values: ['1.1.0', '1.2.0'] } });
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.0.0'));
  });

  it('rollback --to, history --limit, serve --port and --host, add --name and import --into refuse bad values with exit 2', () => {
    const { fx, cli } = project();
    expect(cli.run('upgrade', 'p', '--to', '1.1.0', '--yes').code).toBe(0);
    const after = checkoutState(fx.work);
    const cases: Array<[string[], RegExp]> = [
      [['rollback', 'p', '--to=', '--yes'], /--to was given an empty value; it expects an operation id/],
      [['rollback', 'p', '--to', '1.0.0', '--yes'], /--to was given "1\.0\.0", which is not an operation id/],
      [['history', '--limit='], /--limit was given an empty value; it expects a whole number ≥ 0/],
      [['history', '--limit', '-1'], /--limit.*(ambiguous|argument)/],
      [['history', '--limit=-1'], /--limit was given "-1", which is not a whole number/],
      [['history', '--limit', '5', '--limit', '6'], /--limit was given 2 times with different values \("5", "6"\)/],
      [['serve', '--port='], /--port was given an empty value/],
      [['serve', '--port', '99999'], /--port was given "99999", which is not a port number/],
      [['serve', '--host='], /--host was given an empty value/],
      [['add', fx.work, '--name='], /--name was given an empty value/],
      [['import', fx.work, '--into='], /--into was given an empty value/],
      [['import', fx.work, '--project', ''], /--project was given an empty value/],
    ];
    for (const [args, message] of cases) {
      const r = cli.run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(checkoutState(fx.work)).toEqual(after);
    const ops = cli.run('history', 'p', '--json').json<HistoryResult>().operations;
    expect(ops.map((o) => `${o.kind} ${o.status}`)).toEqual(['upgrade succeeded']);
  });
});

describe('the engine refuses an empty target from any caller, not only the CLI', () => {
  it('plan, upgrade and rollback with to: "" are usage errors and change nothing', async () => {
    const { fx } = project();
    const engine = await Engine.open({ home: makeTempDir('upshift-home-') });
    try {
      await engine.addProject(fx.work, { name: 'p' });
      const before = checkoutState(fx.work);
      for (const to of ['', '  ']) {
        await expect(engine.plan('p', { to })).rejects.toMatchObject({ code: 'BAD_FLAG_VALUE', category: 'usage' });
        await expect(engine.upgrade('p', { to, confirm: async () => true })).rejects.toMatchObject({ code: 'BAD_FLAG_VALUE', message: expect.stringContaining('target version is empty') });
        await expect(engine.rollback('p', { to, confirm: async () => true })).rejects.toMatchObject({ code: 'BAD_FLAG_VALUE', message: expect.stringContaining('target operation id is empty') });
      }
      expect(checkoutState(fx.work)).toEqual(before);
      expect(engine.history({ project: 'p' }).operations).toEqual([]);
    } finally {
      engine.close();
    }
  });
});

