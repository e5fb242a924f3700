import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, HistoryResult, ListResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, FIXTURES_DIR, git, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

const FIXTURES = join(FIXTURES_DIR, 'vitruvyan');

function metadata(version: string, contracts: string, breaking: string[] = []): string {
  return JSON.stringify({ version, release_date: '2026-01-01', channel: 'stable', contracts_version: contracts, changes: { breaking_changes: breaking, features: [`feature of ${version}`], fixes: [] } });
}

/** A core with four releases, and the real `finance` vertical manifest (core <= 1.x.x, contracts major 1). */
function coreAndVertical() {
  const core = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\n', 'release_metadata.json': metadata('1.0.0', '1.0.0') },
    releases: [
      { version: '1.0.0' },
      { version: '1.1.0', files: { 'release_metadata.json': metadata('1.1.0', '1.4.0') } },
      { version: '1.2.0', files: { 'release_metadata.json': metadata('1.2.0', '2.1.0', ['Contracts v2: IDataProvider.fetch is async']) } },
      { version: '2.0.0', files: { 'release_metadata.json': metadata('2.0.0', '2.1.0') } },
    ],
    checkout: 'v1.0.0',
  });
  const vertical = createRemoteWithReleases({
    initialFiles: {
      'vertical_manifest.yaml': readFileSync(join(FIXTURES, 'finance.vertical_manifest.yaml'), 'utf8'),
      'smoke_tests/run.sh': { content: 'echo vertical smoke ok\n', executable: true },
    },
    releases: [{ version: '0.2.0' }, { version: '0.3.0', files: { 'smoke_tests/run.sh': { content: 'echo "cannot reach the test database" >&2\nexit 2\n', executable: true } } }],
    checkout: 'v0.2.0',
  });
  const cli = new CliHarness();
  expect(cli.run('add', core.work, '--name', 'core').code).toBe(0);
  const added = cli.run('add', vertical.work, '--core', 'core', '--json');
  expect(added.code, added.stderr).toBe(0);
  return { core, vertical, cli };
}

describe('compatibility across projects (seed format)', () => {
  it('check reports the latest blocked by the vertical and the latest compatible release', () => {
    const { cli } = coreAndVertical();
    const r = cli.run('check', 'core', '--json');
    expect(r.code).toBe(0);
    const c = r.json<CheckResult>().projects[0]!;
    expect(c.latest?.version).toBe('2.0.0');
    expect(c.compatible).toBe(false);
    expect(c.blockers.join('\n')).toMatch(/finance requires core <= 1\.x\.x; target is 2\.0\.0/);
    // 1.2.0 moves contracts to 2.1.0 (finance needs major 1): check reads the metadata as the plan does.
    expect(c.latestCompatible?.version).toBe('1.1.0');
  });

  it('plan picks the newest release nobody blocks and explains every candidate', () => {
    const { cli } = coreAndVertical();
    const r = cli.run('plan', 'core', '--json');
    expect(r.code, r.stderr).toBe(0);
    const p = r.json<UpgradePlan>();
    expect(p.to.version).toBe('1.1.0');
    expect(p.blocked).toBe(false);
    expect(p.compatibility.dependents).toEqual([expect.objectContaining({ project: 'finance', compatible: true })]);
    const byVersion = Object.fromEntries(p.candidates.map((c) => [c.version, c]));
    expect(byVersion['2.0.0']!.blocked).toBe(true);
    expect(byVersion['1.2.0']!.reason).toMatch(/[Cc]ontracts major/);
    expect(byVersion['1.1.0']!.blocked).toBe(false);
  });

  it('an explicit blocked target exits 3 with the reason, and an upgrade to it is refused and recorded', () => {
    const { core, cli } = coreAndVertical();
    const plan = cli.run('plan', 'core', '--to', '2.0.0', '--json');
    expect(plan.code).toBe(3);
    const p = plan.json<UpgradePlan>();
    expect(p.blocked).toBe(true);
    expect(p.compatibility.dependents[0]).toMatchObject({ project: 'finance', compatible: false });
    expect(p.compatibility.dependents[0]!.reason).toMatch(/finance requires core <= 1\.x\.x; target is 2\.0\.0/);
    expect(p.risk.level).toBe('high');
    const before = git(core.work, 'rev-parse', 'HEAD');
    const up = cli.run('upgrade', 'core', '--to', '2.0.0', '--yes', '--json');
    expect(up.code).toBe(3);
    expect(up.json<{ error: { code: string } }>().error.code).toBe('BLOCKED');
    expect(git(core.work, 'rev-parse', 'HEAD')).toBe(before);
    const hist = cli.run('history', 'core', '--json').json<HistoryResult>();
    expect(hist.operations[0]).toMatchObject({ status: 'blocked', to: { version: '2.0.0' } });
  });

  it('upgrades a seed-format vertical with a pre-upgrade tag, and rolls back on smoke exit 2', () => {
    const { vertical, cli } = coreAndVertical();
    const before = git(vertical.work, 'rev-parse', 'HEAD');
    const up = cli.run('upgrade', 'finance', '--to', '0.3.0', '--yes', '--json');
    expect(up.code).toBe(1);
    const op = up.json<OperationResult>().operation;
    expect(op.status).toBe('rolled_back');
    const smoke = op.steps.find((s) => s.id === 'smoke')!;
    expect(smoke.error).toMatch(/exit 2/);
    expect(smoke.outputExcerpt).toContain('cannot reach the test database');
    expect(git(vertical.work, 'rev-parse', 'HEAD')).toBe(before);
    expect(git(vertical.work, 'branch', '--show-current')).toBe('main');
    const tags = git(vertical.work, 'tag', '--list', 'pre-upgrade-*').split('\n').filter(Boolean);
    expect(tags).toHaveLength(1);
    expect(git(vertical.work, 'rev-parse', `${tags[0]}^{commit}`)).toBe(before);
  });
});

describe('bad input', () => {
  it('refuses an invalid manifest with file, line and field, exit 2, and adds nothing', () => {
    const fx = createRemoteWithReleases({ initialFiles: { 'upshift.yml': 'install: npm ci\nsmoke:\n  command: npm test\n  timeoutSeconds: fast\n' }, releases: [{ version: '1.0.0' }] });
    const cli = new CliHarness();
    const r = cli.run('add', fx.work);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/upshift\.yml:4:\d+: smoke\.timeoutSeconds/);
    expect(r.stderr).toMatch(/Nothing was changed/);
    expect(cli.run('list', '--json').json<ListResult>().projects).toEqual([]);
  });

  it('a manifest broken after add stops upgrade with exit 2 before touching the checkout', () => {
    const fx = createRemoteWithReleases({ initialFiles: { 'upshift.yml': 'channel: stable\n' }, releases: [{ version: '1.0.0' }, { version: '1.1.0' }], checkout: 'v1.0.0' });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'p').code).toBe(0);
    writeFileSync(join(fx.work, 'upshift.yml'), 'channel: nightly\n');
    const before = git(fx.work, 'rev-parse', 'HEAD');
    const r = cli.run('upgrade', 'p', '--yes', '--json');
    expect(r.code).toBe(2);
    const err = r.json<{ error: { code: string; message: string } }>().error;
    expect(err.code).toBe('MANIFEST_INVALID');
    expect(err.message).toMatch(/upshift\.yml:1:\d+: channel/);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(before);
  });

  it('never runs a remote tag named --upload-pack=<script>, and ignores it', () => {
    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0' }], checkout: 'v1.0.0' });
    const dir = makeTempDir('upshift-evil-');
    const marker = join(dir, 'pwned');
    const script = join(dir, 'evil.sh');
    writeFileSync(script, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    const sha = fx.sha('v1.1.0');
    // git itself refuses to create such names; a hostile server can still advertise them.
    const packed = join(fx.remote, 'packed-refs');
    const existing = existsSync(packed) ? readFileSync(packed, 'utf8') : '# pack-refs with: peeled fully-peeled sorted \n';
    writeFileSync(packed, `${existing}${sha} refs/tags/--upload-pack=${script}\n${sha} refs/tags/v9.9.9;touch${marker}\n`);
    const cli = new CliHarness();
    cli.run('add', fx.work, '--name', 'p');
    const check = cli.run('check', '--json');
    expect(check.code).toBe(0);
    expect(check.json<CheckResult>().projects[0]!.latest?.tag).toBe('v1.1.0');
    const up = cli.run('upgrade', 'p', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('--json prints exactly one JSON document for every command', () => {
    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.0.1' }], checkout: 'v1.0.0' });
    const cli = new CliHarness();
    for (const args of [['add', fx.work, '--name', 'p'], ['list'], ['check'], ['plan', 'p'], ['status'], ['upgrade', 'p', '--yes'], ['history'], ['rollback', 'p', '--yes'], ['remove', 'p']]) {
      const r = cli.run(...args, '--json');
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(() => r.json()).not.toThrow();
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
    }
  });
});
