import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

type OfflineDoc = { offline: boolean; source: 'env' | 'setting' | null; setting: boolean; env: boolean };

describe('upshift offline', () => {
  it('says whether it is on and why, turns the setting on and off, with --json and --help', () => {
    const cli = new CliHarness();
    const off = cli.run('offline');
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(/^Offline: off\. `upshift offline on` stops all network use\./);
    expect(cli.run('offline', '--json').json<OfflineDoc>()).toEqual({ offline: false, source: null, setting: false, env: false });

    const on = cli.run('offline', 'on');
    expect(on.code).toBe(0);
    expect(on.stdout).toMatch(/^Offline mode on: checks use the releases seen last/);
    expect(cli.run('offline').stdout).toMatch(/^Offline: on \(the offline setting; `upshift offline off` goes back online\)\./);
    expect(cli.run('offline', '--json').json<OfflineDoc>()).toEqual({ offline: true, source: 'setting', setting: true, env: false });

    // The environment wins, and says so; turning the setting off cannot switch it off.
    const env = new CliHarness({ UPSHIFT_HOME: cli.home, UPSHIFT_OFFLINE: '1' });
    expect(env.run('offline').stdout).toMatch(/^Offline: on, because UPSHIFT_OFFLINE is set in this environment \(the setting is on\)\./);
    const offEnv = env.run('offline', 'off', '--json');
    expect(offEnv.code).toBe(0);
    expect(offEnv.json<OfflineDoc>()).toEqual({ offline: true, source: 'env', setting: false, env: true });
    expect(env.run('offline', 'off').stdout).toMatch(/UPSHIFT_OFFLINE is still set in this environment/);
    expect(cli.run('offline', 'off', '--json').json<OfflineDoc>()).toEqual({ offline: false, source: null, setting: false, env: false });

    const bad = cli.run('offline', 'maybe', '--json');
    expect(bad.code).toBe(2);
    expect(bad.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'BAD_ARGUMENTS', message: expect.stringContaining('upshift offline [on|off] [--json]') });
    expect(cli.run('offline', 'on', 'off').code).toBe(2);
    const help = cli.run('offline', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: upshift offline \[on\|off\] \[--json\]/);
    expect(cli.run('--help').stdout).toMatch(/\n {2}offline {3}Offline mode for every project/);
  });

  it('the setting makes check use the releases seen last, without the remote; off again, the remote is asked', () => {
    const fx = createRemoteWithReleases({
      initialFiles: { 'upshift.yml': 'smoke:\n  command: test -f app.txt\n', 'app.txt': 'v0\n' },
      releases: [
        { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
        { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
      ],
      checkout: 'v1.0.0',
    });
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'core');
    expect(cli.run('check', '--json').json<CheckResult>().projects[0]!.latest?.version).toBe('1.1.0');
    rmSync(fx.remote, { recursive: true, force: true });

    expect(cli.run('offline', 'on').code).toBe(0);
    const r = cli.run('check', '--json');
    expect(r.code, r.stderr).toBe(0);
    const c = r.json<CheckResult>().projects[0]!;
    expect(c.error).toBeNull();
    expect(c.latest?.version).toBe('1.1.0');
    expect(c.blockers.join('\n')).toMatch(/offline; using releases seen/);

    expect(cli.run('offline', 'off').code).toBe(0);
    const online = cli.run('check', '--json').json<CheckResult>().projects[0]!;
    expect(online.error).not.toBeNull();
    expect(online.blockers.join('\n')).toMatch(/remote unreachable/);
  });
});
