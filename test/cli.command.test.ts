import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, OperationResult, UpgradePlan } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

/**
 * A stand-in package manager: `pm version` prints what is installed, `pm install <v>` installs it (recording its
 * exact argv, one argument per line, so a test can see nothing was split or expanded). PM_IGNORE makes install a
 * no-op for that version; PM_FAIL makes it fail.
 */
const PM = `#!/bin/sh
cd "$(dirname "$0")"
case "$1" in
  version) echo "pm: installed version $(cat installed)";;
  install)
    printf '%s\\n' "$@" > last-argv
    echo "$1 $2" >> calls.log
    if [ "$2" = "$PM_FAIL" ]; then echo "registry unreachable" >&2; exit 4; fi
    if [ "$2" != "$PM_IGNORE" ]; then echo "$2" > installed; fi;;
  *) exit 64;;
esac
`;

function component(installed: string, body: string): { dir: string; remote: string } {
  const fx = createRemoteWithReleases({ initialFiles: { 'README.md': 'x\n' }, releases: ['1.0.0', '1.1.0', '1.2.0'].map((version) => ({ version, files: {} })) });
  const dir = makeTempDir('upshift-cmd-');
  fs.writeFileSync(path.join(dir, 'pm'), PM, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'installed'), `${installed}\n`);
  fs.writeFileSync(path.join(dir, 'upshift.yml'), `name: svc\nkind: command\nsource:\n  url: ${fx.remote}\n${body}`);
  return { dir, remote: fx.remote };
}

const LIST_FORM = `command:
  current: ["./pm", "version"]
  apply: ["./pm", "install", "{version}"]
  rollback: ["./pm", "install", "{version}"]
`;

const installed = (dir: string) => fs.readFileSync(path.join(dir, 'installed'), 'utf8').trim();

describe('kind: command through the CLI', () => {
  it('reads the version with `current`, applies with the version as one argument, verifies, and undoes from history', async () => {
    const { dir } = component('1.0.0', LIST_FORM);
    const cli = new CliHarness();
    const added = cli.run('add', dir, '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(added.json<{ project: { current: { version: string; source: string } } }>().project.current).toMatchObject({ version: '1.0.0', source: 'command' });

    const check = cli.run('check', '--json');
    expect(check.json<CheckResult>().projects[0]).toMatchObject({ current: { version: '1.0.0', source: 'command' }, latest: { version: '1.2.0' }, updateAvailable: true });

    const plan = cli.run('plan', 'svc', '--to', '1.1.0', '--json').json<UpgradePlan>();
    expect(plan.kind).toBe('command');
    expect(plan.steps.map((s) => [s.id, s.command])).toEqual([
      ['preflight', './pm version'],
      ['snapshot', null],
      ['apply', './pm install 1.1.0'],
      ['verify-version', './pm version'],
      ['finalize', null],
    ]);

    const up = cli.run('upgrade', 'svc', '--to', '1.1.0', '--yes', '--json');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.json<OperationResult>().operation).toMatchObject({ status: 'succeeded', from: { version: '1.0.0' }, to: { version: '1.1.0' } });
    expect(installed(dir)).toBe('1.1.0');
    expect(fs.readFileSync(path.join(dir, 'last-argv'), 'utf8')).toBe('install\n1.1.0\n');

    const back = cli.run('rollback', 'svc', '--yes', '--json');
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(back.json<OperationResult>().operation).toMatchObject({ kind: 'rollback', status: 'succeeded', to: { version: '1.0.0' } });
    expect(installed(dir)).toBe('1.0.0');
  });

  it('rolls back with the rollback command when the version does not change, when apply fails, and when smoke fails', async () => {
    for (const [env, extra, step] of [
      [{ PM_IGNORE: '1.2.0' }, '', 'verify-version'],
      [{ PM_FAIL: '1.2.0' }, '', 'apply'],
      [{}, 'smoke:\n  command: test "$(cat installed)" != 1.2.0\n', 'smoke'],
    ] as const) {
      const { dir } = component('1.1.0', LIST_FORM + extra);
      const cli = new CliHarness(env);
      expect(cli.run('add', dir).code).toBe(0);
      const up = cli.run('upgrade', 'svc', '--yes', '--json');
      expect(up.code, `${step}: ${up.stdout}${up.stderr}`).toBe(1);
      const op = up.json<OperationResult>().operation;
      expect(op.status).toBe('rolled_back');
      expect(op.steps.find((s) => s.id === step)!.status).toBe('failed');
      expect(op.steps.find((s) => s.id === 'rollback')!.status).toBe('succeeded');
      expect(installed(dir)).toBe('1.1.0');
      expect(fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n').at(-1)).toBe('install 1.1.0');
    }
  });

  it('passes the version to a shell-string command in $UPSHIFT_VERSION, never as shell text', async () => {
    const { dir } = component(
      '1.0.0',
      `command:\n  current: ./pm version\n  apply: ./pm install "$UPSHIFT_VERSION"\n  rollback: ./pm install "$UPSHIFT_VERSION"\n`,
    );
    const cli = new CliHarness();
    expect(cli.run('add', dir).code).toBe(0);
    const up = cli.run('upgrade', 'svc', '--yes', '--json');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(installed(dir)).toBe('1.2.0');
  });

  it('refuses a manifest that would build a shell string from the version, saying where', () => {
    const { dir } = component('1.0.0', `command:\n  current: ./pm version\n  apply: ./pm install {version}\n  rollback: ["./pm", "install", "{version}"]\n`);
    const cli = new CliHarness();
    const added = cli.run('add', dir);
    expect(added.code).toBe(2);
    expect(added.stderr).toMatch(/upshift\.yml:\d+:\d+: command\.apply: .*must not contain \{version\}.*UPSHIFT_VERSION/);
    expect(cli.run('list', '--json').json<{ projects: unknown[] }>().projects).toEqual([]);
  });
});
