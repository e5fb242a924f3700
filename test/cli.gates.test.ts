// Issue 8 §4: each gate does what README "Gates" says, through the real CLI on real repositories (stdin is not a
// terminal here, as in a script or CI): auto needs no confirmation, review needs --yes, manual needs --to naming the
// version (--yes alone never crosses it), skip is refused even when named; the default target respects the gates.
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, HistoryResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

/** A project `p` cloned at v1.0.0 whose remote then published `newer` (each with its own app.txt). */
function project(newer: string[], gates = '') {
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': `smoke:\n  command: "true"\n${gates}`, 'app.txt': 'v0\n' },
    releases: ['1.0.0', ...newer].map((version) => ({ version, files: { 'app.txt': `${version}\n` } })),
    checkout: 'v1.0.0',
  });
  const cli = new CliHarness();
  const added = cli.run('add', fx.work, '--name', 'p');
  expect(added.code, added.stderr).toBe(0);
  const at = () => git(fx.work, 'describe', '--tags', '--exact-match', 'HEAD');
  return { fx, cli, at };
}

function errorOf(r: { json: <T>() => T }): { code: string; message: string; details?: Record<string, unknown> } {
  return r.json<{ error: { code: string; message: string; details?: Record<string, unknown> } }>().error;
}

describe('gates in the CLI', () => {
  it('auto: upgrades without --yes and without a terminal, saying the gate is why', () => {
    const { cli, at } = project(['1.0.1']);
    const up = cli.run('upgrade', 'p', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain('Upgrading p to 1.0.1 without asking: its gate is auto (patch).');
    expect(up.json<OperationResult>().operation).toMatchObject({ status: 'succeeded', to: { version: '1.0.1' } });
    expect(at()).toBe('v1.0.1');
  });

  it('review: refused without --yes off a terminal, nothing changed; proceeds with --yes', () => {
    const { cli, at } = project(['1.1.0']);
    const refused = cli.run('upgrade', 'p', '--json');
    expect(refused.code).toBe(2);
    expect(errorOf(refused)).toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    expect(errorOf(refused).message).toContain('pass --yes to upgrade (its gate is review)');
    expect(at()).toBe('v1.0.0');
    expect(cli.run('history', 'p', '--json').json<HistoryResult>().operations).toEqual([]);

    const up = cli.run('upgrade', 'p', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(at()).toBe('v1.1.0');
  });

  it('manual: --yes alone never crosses it (exit 3, nothing recorded); --to naming the version with --yes does', () => {
    const { cli, at } = project(['2.0.0']);
    const refused = cli.run('upgrade', 'p', '--yes', '--json');
    expect(refused.code).toBe(3);
    const e = errorOf(refused);
    expect(e.code).toBe('GATE_MANUAL');
    expect(e.message).toBe(
      'No release of p newer than 1.0.0 is installed without an explicit choice: 2.0.0 is a major upgrade, gated manual: run `upshift upgrade p --to 2.0.0` (in the dashboard: choose it in the plan and confirm). Nothing was changed.',
    );
    expect(e.details).toMatchObject({ version: '2.0.0', gate: 'manual', command: 'upshift upgrade p --to 2.0.0' });
    expect(at()).toBe('v1.0.0');
    expect(cli.run('history', 'p', '--json').json<HistoryResult>().operations).toEqual([]);

    // --to without --yes is still a confirmation nobody can give off a terminal.
    const unconfirmed = cli.run('upgrade', 'p', '--to', '2.0.0', '--json');
    expect(unconfirmed.code).toBe(2);
    expect(errorOf(unconfirmed).code).toBe('CONFIRMATION_REQUIRED');
    expect(at()).toBe('v1.0.0');

    const up = cli.run('upgrade', 'p', '--to', '2.0.0', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(up.json<OperationResult>().operation).toMatchObject({ status: 'succeeded', to: { version: '2.0.0' } });
    expect(at()).toBe('v2.0.0');
  });

  it('the default target skips a manual major and names it: check, plan and upgrade agree', () => {
    const { cli, at } = project(['1.1.0', '2.0.0']);
    const check = cli.run('check', 'p', '--json');
    expect(check.code, check.stderr).toBe(0);
    const c = check.json<CheckResult>().projects[0]!;
    expect(c.latest?.version).toBe('2.0.0');
    expect(c.gate).toBe('manual');
    expect(c.offered?.version).toBe('1.1.0');
    const message = '2.0.0 is a major upgrade, gated manual: run `upshift upgrade p --to 2.0.0`';
    expect(c.explicitChoice).toEqual({ version: '2.0.0', tag: 'v2.0.0', bump: 'major', gate: 'manual', message });
    const human = cli.run('check', 'p');
    expect(human.stdout).toContain('offered: 1.1.0 (`upshift upgrade p`)');
    expect(human.stdout).toContain(message);

    const plan = cli.run('plan', 'p', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const p = plan.json<UpgradePlan>();
    expect(p).toMatchObject({ to: { version: '1.1.0' }, bump: 'minor', gate: 'review', blocked: false });
    expect(p.explicitChoice?.message).toBe(message);
    // Not blocked: an explicit choice allows it.
    expect(p.candidates.find((x) => x.version === '2.0.0')).toMatchObject({ blocked: false });
    expect(cli.run('plan', 'p').stdout).toContain(`Not chosen by default: ${message}`);
    // A plan for the named version says nothing about a default it was not asked for.
    const named = cli.run('plan', 'p', '--to', '2.0.0', '--json').json<UpgradePlan>();
    expect(named).toMatchObject({ to: { version: '2.0.0' }, gate: 'manual', risk: { level: 'high' } });
    expect(named.explicitChoice).toBeUndefined();

    const up = cli.run('upgrade', 'p', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(up.json<OperationResult>().operation.to.version).toBe('1.1.0');
    expect(at()).toBe('v1.1.0');
  });

  it('skip: never offered, and refused even when named with --to, saying which gate and how to change it', () => {
    const { cli, at } = project(['2.0.0'], 'gates:\n  major: skip\n');
    const c = cli.run('check', 'p', '--json').json<CheckResult>().projects[0]!;
    expect(c).toMatchObject({ gate: 'skip', offered: null, explicitChoice: null, latestCompatible: null });
    const reason =
      'policy: 2.0.0 is a major upgrade, and gates.major of p is "skip", so it is never offered nor installed; to allow it, run `upshift config p gates.major manual` (or edit upshift.yml)';
    expect(c.blockers).toContain(reason);

    const refused = cli.run('upgrade', 'p', '--to', '2.0.0', '--yes', '--json');
    expect(refused.code).toBe(3);
    expect(errorOf(refused)).toMatchObject({ code: 'BLOCKED' });
    expect(errorOf(refused).message).toContain(reason);
    expect(at()).toBe('v1.0.0');

    // Changing the gate as the message says lets the explicit choice through.
    expect(cli.run('config', 'p', 'gates.major', 'manual').code).toBe(0);
    const up = cli.run('upgrade', 'p', '--to', '2.0.0', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(at()).toBe('v2.0.0');
  });

  it('a prerelease across a major is high risk and meets the stricter gate, whatever the prerelease gate says', () => {
    const { cli, at } = project(['2.0.0-rc.1'], 'channel: prerelease\ngates:\n  prerelease: auto\n');
    const p = cli.run('plan', 'p', '--to', '2.0.0-rc.1', '--json').json<UpgradePlan>();
    expect(p).toMatchObject({ bump: 'prerelease', gate: 'manual', risk: { level: 'high' } });
    expect(p.risk.reasons).toContain('It leads to a new major version: may contain incompatible changes.');
    // The prerelease gate says auto, yet the major it crosses is manual: neither auto nor --yes alone installs it.
    for (const args of [[], ['--yes']]) {
      const refused = cli.run('upgrade', 'p', ...args, '--json');
      expect(refused.code).toBe(3);
      expect(errorOf(refused).message).toContain('2.0.0-rc.1 is a prerelease across a major version, gated manual');
    }
    expect(at()).toBe('v1.0.0');
    const up = cli.run('upgrade', 'p', '--to', '2.0.0-rc.1', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(at()).toBe('v2.0.0-rc.1');
  });
});
