/**
 * Multi-hop paths with required stops (issue 9 §5) through the real CLI: 1.0.0 → 1.5.0 stops at 1.2.0 (its release
 * metadata says required_stop) and 1.4.0 (the manifest's upgradePath names the 1.4 line). Each hop is an ordinary
 * upgrade with its own smoke test; a failure at the second hop rolls back all the way (default) or keeps the last
 * good hop; a kill -9 mid-path is rolled back, or kept and resumed from the journal.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchResult, HistoryResult, UpgradePlan } from '../shared/api/types.js';
import { Engine } from '../electron/core/engine/index.js';
import { CliHarness } from './helpers/cli.js';
import { notifyLog } from './helpers/notify-log.js';
import { cleanupTempDirs, createRemoteWithReleases, git } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

function meta(version: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version, release_date: '2026-01-01', changes: { breaking_changes: version === '1.4.0' ? ['config key db.url renamed to database.url'] : [], features: [], fixes: [] }, ...extra });
}

function pathWorld(opts: { failAt?: string; onHopFailure?: 'rollback-all' | 'last-good' } = {}) {
  const manifest = `smoke:\n  command: sh smoke.sh\nupgradePath: ["1.4.x"]\n${opts.onHopFailure ? `onHopFailure: ${opts.onHopFailure}\n` : ''}`;
  const release = (version: string, extra: Record<string, unknown> = {}) => ({
    version,
    files: { VERSION: `${version}\n`, 'release_metadata.json': meta(version, extra), 'smoke.sh': version === opts.failAt ? 'echo "smoke failed on this hop" >&2; exit 1\n' : 'true\n' },
  });
  const core = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': manifest, 'smoke.sh': 'true\n', VERSION: '1.0.0\n', 'release_metadata.json': meta('1.0.0') },
    releases: [{ version: '1.0.0' }, release('1.1.0'), release('1.2.0', { required_stop: true }), release('1.3.0'), release('1.4.0'), release('1.5.0')],
    checkout: 'v1.0.0',
  });
  const cli = new CliHarness();
  expect(cli.run('add', core.work, '--name', 'core').code).toBe(0);
  return { core, cli, head: () => git(core.work, 'rev-parse', 'HEAD') };
}

function crashAt(cli: CliHarness, point: string, ...args: string[]) {
  cli.env.UPSHIFT_TEST_CRASH_AT = point;
  try {
    return cli.run(...args);
  } finally {
    delete cli.env.UPSHIFT_TEST_CRASH_AT;
  }
}

describe('multi-hop upgrade paths', () => {
  it('the plan shows every hop with why it stops there, its releases and breaking changes', () => {
    const { cli } = pathWorld();
    const r = cli.run('plan', 'core', '--json');
    expect(r.code, r.stderr).toBe(0);
    const p = r.json<UpgradePlan>();
    expect(p.to.version).toBe('1.5.0');
    expect(p.hops!.hops.map((h) => [h.from, h.to, h.stop.map((s) => s.source)])).toEqual([
      ['1.0.0', '1.2.0', ['metadata']],
      ['1.2.0', '1.4.0', ['manifest']],
      ['1.4.0', '1.5.0', ['target']],
    ]);
    expect(p.hops!.hops[1]!.releases).toEqual(['1.3.0', '1.4.0']);
    expect(p.hops!.hops[1]!.breaking.join()).toMatch(/database\.url/);
    expect(p.warnings?.join('\n')).toMatch(/reached in 3 hops \(1\.0\.0 → 1\.2\.0 → 1\.4\.0 → 1\.5\.0\)/);
    const text = cli.run('plan', 'core');
    expect(text.stdout).toMatch(/1\.5\.0 is reached in 3 hops/);
  });

  it('runs hop by hop, each an ordinary upgrade with its own smoke test, recorded as one path', () => {
    const { cli, core, head } = pathWorld();
    const r = cli.run('upgrade', 'core', '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    const b = r.json<BatchResult>();
    expect(b.batch.kind).toBe('path');
    expect(b.batch.members.map((m) => [m.hop!.index, m.from, m.to, m.status])).toEqual([
      [1, '1.0.0', '1.2.0', 'succeeded'],
      [2, '1.2.0', '1.4.0', 'succeeded'],
      [3, '1.4.0', '1.5.0', 'succeeded'],
    ]);
    expect(b.operations.every((o) => o.steps.some((s) => s.id === 'smoke' && s.status === 'succeeded'))).toBe(true);
    expect(head()).toBe(core.sha('v1.5.0'));
    expect(cli.run('history', 'core').stdout).toMatch(/Path core\s+succeeded[\s\S]*hop 2\/3 core 1\.2\.0 → 1\.4\.0/);
  });

  it('a failure at the second hop rolls back all the way by default', () => {
    const { cli, core, head } = pathWorld({ failAt: '1.4.0' });
    const r = cli.run('upgrade', 'core', '--yes', '--json');
    expect(r.code).toBe(1);
    const b = r.json<BatchResult>().batch;
    expect(b.status).toBe('rolled_back');
    expect(b.members.map((m) => m.status)).toEqual(['rolled_back', 'failed', 'skipped']);
    expect(head()).toBe(core.sha('v1.0.0'));
  });

  it('--on-hop-failure last-good (or the manifest\'s onHopFailure) keeps the last good hop', () => {
    const flag = pathWorld({ failAt: '1.4.0' });
    const r = flag.cli.run('upgrade', 'core', '--on-hop-failure', 'last-good', '--yes', '--json');
    expect(r.code).toBe(1);
    const b = r.json<BatchResult>().batch;
    expect(b.status).toBe('partial');
    expect(b.members.map((m) => m.status)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(b.error).toMatch(/stopped at the last good hop: kept core 1\.2\.0/);
    expect(flag.head()).toBe(flag.core.sha('v1.2.0'));

    const manifest = pathWorld({ failAt: '1.4.0', onHopFailure: 'last-good' });
    expect(manifest.cli.run('upgrade', 'core', '--yes').code).toBe(1);
    expect(manifest.head()).toBe(manifest.core.sha('v1.2.0'));
  });

  it('kill -9 during the second hop: the next command rolls the path back all the way', () => {
    const { cli, core, head } = pathWorld();
    expect(crashAt(cli, 'command:smoke:spawned#2', 'upgrade', 'core', '--yes', '--json').code).toBeNull();
    const next = cli.run('history', '--json');
    expect(next.code, next.stderr).toBe(0);
    const b = next.json<HistoryResult>().batches![0]!;
    expect(b.status).toBe('rolled_back');
    expect(b.members.map((m) => m.status)).toEqual(['rolled_back', 'failed', 'skipped']);
    expect(head()).toBe(core.sha('v1.0.0'));
  });

  it('kill -9 during the second hop with last-good: recovery keeps hop 1, `upshift resume` continues from the journal', () => {
    const { cli, core, head } = pathWorld({ onHopFailure: 'last-good' });
    expect(crashAt(cli, 'command:smoke:spawned#2', 'upgrade', 'core', '--yes', '--json').code).toBeNull();
    const b = cli.run('history', '--json').json<HistoryResult>().batches![0]!;
    expect(b.status).toBe('interrupted');
    expect(b.members.map((m) => m.status)).toEqual(['succeeded', 'pending', 'pending']);
    expect(head()).toBe(core.sha('v1.2.0'));
    const resumed = cli.run('resume', b.id, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json<BatchResult>().batch.members.map((m) => m.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(head()).toBe(core.sha('v1.5.0'));
  });

  it('the engine never takes a target beyond a required stop in one step (the service and the scheduler get PATH_REQUIRED)', async () => {
    const { cli, core, head } = pathWorld();
    const engine = await Engine.open({ home: cli.home, env: cli.env });
    try {
      await expect(engine.upgrade('core', { explicit: true })).rejects.toMatchObject({ code: 'PATH_REQUIRED', category: 'blocked' });
      expect(engine.history({ project: 'core' }).operations).toEqual([]);
    } finally {
      engine.close();
    }
    expect(head()).toBe(core.sha('v1.0.0'));
    // A target at a stop is one ordinary upgrade.
    const r = cli.run('upgrade', 'core', '--to', '1.2.0', '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<{ operation: { to: { version: string } } }>().operation.to.version).toBe('1.2.0');
  });
});

describe('notifications of a multi-hop path', () => {
  it('each hop that ran is told to the channels once', () => {
    const { cli } = pathWorld();
    const events = notifyLog(cli);
    const up = cli.run('upgrade', 'core', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(events().map((e) => [e.type, e.from, e.to])).toEqual([
      ['upgraded', '1.0.0', '1.2.0'],
      ['upgraded', '1.2.0', '1.4.0'],
      ['upgraded', '1.4.0', '1.5.0'],
    ]);
  });
});
