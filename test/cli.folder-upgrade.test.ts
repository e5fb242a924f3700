import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { assetName, buildToolTarball } from './helpers/artifacts.js';
import { CliHarness } from './helpers/cli.js';
import { makeReleaseFolder } from './helpers/release-pack.js';
import { cleanupTempDirs, createRemoteWithReleases, git, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

/** Offline: every command runs with UPSHIFT_OFFLINE=1, so nothing but the release folder can be read. */
const offline = () => new CliHarness({ UPSHIFT_OFFLINE: '1' });

describe('an offline release folder through check, plan, upgrade and rollback', () => {
  it('git project: the tag comes from the release bundle, verified against SHA256SUMS, with the remote unreachable', () => {
    const fx = createRemoteWithReleases({
      initialFiles: { 'app.txt': 'v0\n' },
      releases: [
        { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
        { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } },
      ],
      checkout: 'v1.0.0',
    });
    const folder = makeReleaseFolder(path.join(makeTempDir('upshift-releases-'), 'core'), [
      { version: '1.1.0', tag: 'v1.1.0', bundle: { repo: fx.remote, tag: 'v1.1.0', name: 'core.bundle' }, metadata: { version: '1.1.0', tag: 'v1.1.0', notes: 'Offline release 1.1.0' } },
    ]);
    fs.writeFileSync(path.join(fx.work, 'upshift.yml'), `source:\n  type: folder\n  path: ${folder}\n`);
    git(fx.work, 'add', 'upshift.yml');
    git(fx.work, 'commit', '-qm', 'use the release folder');
    // The network is gone: the remote no longer exists.
    fs.rmSync(fx.remote, { recursive: true, force: true });

    const cli = offline();
    expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);
    const check = cli.run('check', '--json').json<CheckResult>().projects[0]!;
    expect(check).toMatchObject({ latest: { version: '1.1.0' }, updateAvailable: true, error: null });

    const plan = cli.run('plan', 'core', '--json').json<UpgradePlan>();
    expect(plan.releaseNotes[0]).toMatchObject({ version: '1.1.0', body: expect.stringContaining('Offline release 1.1.0') });
    expect(plan.steps.find((s) => s.id === 'fetch')!.command).toContain(path.join(folder, '1.1.0', 'core.bundle'));

    // HEAD carries a local commit 1.1.0 lacks (the manifest edit): gated manual, so the version is named.
    const up = cli.run('upgrade', 'core', '--to', '1.1.0', '--yes', '--json');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(fs.readFileSync(path.join(fx.work, 'app.txt'), 'utf8')).toBe('1.1.0\n');
    expect(cli.run('rollback', 'core', '--yes').code).toBe(0);
    expect(fs.readFileSync(path.join(fx.work, 'app.txt'), 'utf8')).toBe('1.0.0\n');
  });

  it('git project: a bundle that does not match SHA256SUMS is refused before git reads it', () => {
    const fx = createRemoteWithReleases({ initialFiles: { 'app.txt': 'v0\n' }, releases: [{ version: '1.0.0', files: {} }, { version: '1.1.0', files: { 'app.txt': '1.1.0\n' } }], checkout: 'v1.0.0' });
    const folder = makeReleaseFolder(path.join(makeTempDir('upshift-releases-'), 'core'), [{ version: '1.1.0', tag: 'v1.1.0', bundle: { repo: fx.remote, tag: 'v1.1.0', name: 'core.bundle' } }]);
    // The sums file says the bundle should be other bytes (a swapped or damaged bundle): the bundle itself reads fine.
    const sums = path.join(folder, '1.1.0', 'SHA256SUMS');
    fs.writeFileSync(sums, fs.readFileSync(sums, 'utf8').replace(/^[0-9a-f]{64}(?= {2}core\.bundle$)/m, '0'.repeat(64)));
    fs.writeFileSync(path.join(fx.work, 'upshift.yml'), `source:\n  type: folder\n  path: ${folder}\n`);
    git(fx.work, 'add', 'upshift.yml');
    git(fx.work, 'commit', '-qm', 'use the release folder');
    const cli = offline();
    expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);
    const head = git(fx.work, 'rev-parse', 'HEAD');
    const up = cli.run('upgrade', 'core', '--yes');
    expect(up.code).not.toBe(0);
    expect(up.stderr).toMatch(/does not match its checksum.*nothing was changed/s);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(fx.work, 'tag', '--list', 'v1.1.0')).toBe('');
  });

  it('artifact project: the asset is read from the folder (no download), verified, unpacked and switched to', () => {
    const releases = ['1.0.0', '1.1.0'].map((v) => ({ version: v, tag: `v${v}`, files: { [assetName(v)]: buildToolTarball(v) } }));
    const folder = makeReleaseFolder(path.join(makeTempDir('upshift-releases-'), 'tool'), releases);
    const dir = makeTempDir('upshift-tool-');
    fs.writeFileSync(path.join(dir, 'upshift.yml'), `kind: artifact\nsource:\n  type: folder\n  path: ${folder}\nartifact:\n  asset: tool-{version}.{os}-{arch}.tar.gz\n  strip: 1\nsmoke:\n  command: ./current/tool\n`);
    const cli = offline();
    expect(cli.run('add', dir, '--name', 'tool').code).toBe(0);
    expect(cli.run('upgrade', 'tool', '--to', '1.0.0', '--yes').code).toBe(0);
    const plan = cli.run('plan', 'tool', '--json').json<UpgradePlan>();
    expect(plan.steps.map((s) => s.id)).toEqual(['preflight', 'snapshot', 'verify', 'unpack', 'switch', 'smoke', 'finalize']);
    expect(plan.releaseNotes[0]).toMatchObject({ body: expect.stringContaining('Release 1.1.0') });
    const up = cli.run('upgrade', 'tool', '--yes', '--json');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.json<OperationResult>().operation.status).toBe('succeeded');
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('versions/1.1.0');
  });
});
