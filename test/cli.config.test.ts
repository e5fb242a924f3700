/**
 * Configuration that does not live in someone else's repository (issue 8 §5), through the real CLI on real
 * repositories: `add` with settings, `upshift config`, where each setting of a plan comes from, the manifest the user
 * approved, an untracked upshift.yml, and `list`/`status` reading the manifest in effect now.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ListResult, OperationResult, ProjectConfig, SettingOrigin, StatusResult, UpgradePlan } from '../shared/api/types.js';
import { StateStore } from '../electron/core/state/index.js';
import { CliHarness } from './helpers/cli.js';
import { cleanupTempDirs, createRemoteWithReleases, git, type FileMap } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

/**
 * A project someone else publishes: no upshift.yml of theirs unless `manifest` is given, an install script that
 * leaves a mark, a smoke test that records which version it tested. Cloned at v1.0.0; 1.1.0 and 1.2.0 come later.
 */
function thirdParty(opts: { manifest?: string; releases?: Array<{ version: string; files?: FileMap }> } = {}) {
  return createRemoteWithReleases({
    initialFiles: {
      ...(opts.manifest !== undefined ? { 'upshift.yml': opts.manifest } : {}),
      'install.sh': 'echo installed > .installed\n',
      'smoke.sh': 'echo "smoke tested $UPSHIFT_TO_VERSION"; cat VERSION > .smoked\n',
      '.gitignore': '.installed\n.smoked\n',
    },
    releases: opts.releases ?? [{ version: '1.0.0' }, { version: '1.1.0' }, { version: '1.2.0' }],
    checkout: 'v1.0.0',
  });
}

function setting(settings: readonly SettingOrigin[] | undefined, key: string): SettingOrigin {
  const found = settings?.find((s) => s.key === key);
  if (!found) throw new Error(`no setting ${key} in ${JSON.stringify(settings)}`);
  return found;
}

function stepsOf(op: OperationResult['operation']): Record<string, string> {
  return Object.fromEntries(op.steps.map((s) => [s.id, s.status]));
}

describe('upshift add with settings, plan shows where each came from, upgrade runs them', () => {
  it('a third-party checkout without a manifest: settings kept outside it, upgraded twice, the smoke test runs both times', () => {
    const fx = thirdParty();
    const cli = new CliHarness();
    const add = cli.run('add', fx.work, '--name', 'tp', '--install', 'sh install.sh', '--smoke', 'sh smoke.sh', '--smoke-timeout', '120', '--tag-pattern', 'v{version}', '--json');
    expect(add.code, add.stderr).toBe(0);
    const configFile = join(cli.home, 'projects', 'tp', 'upshift.yml');
    expect(add.json<{ project: { manifest: string; config: string } }>().project).toMatchObject({ manifest: 'none', config: configFile });
    expect(readFileSync(configFile, 'utf8')).toBe('install: sh install.sh\nsmoke:\n  command: sh smoke.sh\n  timeoutSeconds: 120\nsource:\n  tagPattern: v{version}\n');
    // Nothing was written into their checkout.
    expect(git(fx.work, 'status', '--porcelain')).toBe('');

    const plan = cli.run('plan', 'tp', '--to', '1.1.0', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const p = plan.json<UpgradePlan>();
    expect(setting(p.settings, 'install')).toEqual({ key: 'install', value: 'sh install.sh', source: 'config', file: configFile });
    expect(setting(p.settings, 'smoke.command')).toMatchObject({ value: 'sh smoke.sh', source: 'config' });
    expect(setting(p.settings, 'smoke.timeoutSeconds')).toMatchObject({ value: 120, source: 'config' });
    expect(setting(p.settings, 'source.remote')).toEqual({ key: 'source.remote', value: 'origin', source: 'default', file: null });
    expect(setting(p.settings, 'gates.major')).toMatchObject({ value: 'manual', source: 'default' });
    expect(p.steps.find((s) => s.id === 'smoke')?.command).toBe('sh smoke.sh');
    const human = cli.run('plan', 'tp', '--to', '1.1.0');
    expect(human.stdout).toMatch(/Settings:\n/);
    expect(human.stdout).toMatch(/smoke\.command +sh smoke\.sh +\(config .*projects\/tp\/upshift\.yml\)/);
    expect(human.stdout).toMatch(/gates\.major +manual +\(default\)/);

    const first = cli.run('upgrade', 'tp', '--to', '1.1.0', '--yes', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(stepsOf(first.json<OperationResult>().operation)).toMatchObject({ install: 'succeeded', smoke: 'succeeded' });
    expect(readFileSync(join(fx.work, '.smoked'), 'utf8')).toBe('1.1.0\n');

    // The checkout is now a detached upstream tag; the settings did not live in it, so the next plan still has them.
    const next = cli.run('plan', 'tp', '--json').json<UpgradePlan>();
    expect(next.to.version).toBe('1.2.0');
    expect(next.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['install', 'smoke']));
    const second = cli.run('upgrade', 'tp', '--yes', '--json');
    expect(second.code, second.stderr).toBe(0);
    expect(stepsOf(second.json<OperationResult>().operation)).toMatchObject({ install: 'succeeded', smoke: 'succeeded' });
    expect(readFileSync(join(fx.work, '.smoked'), 'utf8')).toBe('1.2.0\n');
  });

  it('a bad value given to add is refused naming the key and what it expects; nothing is watched or written', () => {
    const fx = thirdParty();
    const cli = new CliHarness();
    const r = cli.run('add', fx.work, '--name', 'tp', '--smoke', 'sh smoke.sh', '--smoke-timeout', 'fast', '--json');
    expect(r.code).toBe(2);
    const err = r.json<{ error: { code: string; message: string; details: { key: string } } }>().error;
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.details.key).toBe('smoke.timeoutSeconds');
    expect(err.message).toContain('smoke.timeoutSeconds: expected a number, got "fast"');
    expect(err.message).toContain('Nothing was written');
    expect(cli.run('list', '--json').json<ListResult>().projects).toEqual([]);
    expect(existsSync(join(cli.home, 'projects', 'tp'))).toBe(false);
  });
});

describe('upshift config', () => {
  it('gets every setting with its origin, gets one, sets, unsets; bad keys and values are refused and nothing is written', () => {
    const fx = thirdParty({ manifest: 'install: sh install.sh\ngates:\n  minor: review\n' });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'tp').code).toBe(0);
    const file = join(cli.home, 'projects', 'tp', 'upshift.yml');

    const none = cli.run('config', 'tp', '--json').json<{ config: ProjectConfig }>().config;
    expect(none).toMatchObject({ project: 'tp', file, exists: false, values: {} });
    expect(setting(none.settings, 'install')).toEqual({ key: 'install', value: 'sh install.sh', source: 'manifest', file: 'upshift.yml' });

    expect(cli.run('config', 'tp', 'smoke.command', 'sh smoke.sh').stdout).toContain(`Set smoke.command = sh smoke.sh in ${file}.`);
    expect(cli.run('config', 'tp', 'gates.minor', 'auto').code).toBe(0);
    // A value YAML reads as a number, where the schema wants text, is kept as written.
    expect(cli.run('config', 'tp', 'source.remote', '1.10').code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('smoke:\n  command: sh smoke.sh\ngates:\n  minor: auto\nsource:\n  remote: "1.10"\n');
    expect(cli.run('config', 'tp', 'source.remote', '--unset').code).toBe(0);

    const one = cli.run('config', 'tp', 'gates.minor', '--json').json<{ entry: Record<string, unknown> }>().entry;
    expect(one).toEqual({ key: 'gates.minor', value: 'auto', source: 'config', file, configured: 'auto' });
    expect(cli.run('config', 'tp', 'gates.minor').stdout).toMatch(/^auto +\(config .*\)\n$/);
    const all = cli.run('config', 'tp');
    expect(all.stdout).toMatch(/install +sh install\.sh +\(manifest upshift\.yml\)/);
    expect(all.stdout).toMatch(/smoke\.command +sh smoke\.sh +\(config /);

    const before = readFileSync(file, 'utf8');
    const refusals: Array<[string[], string, string]> = [
      [['smoke.timeoutSeconds', 'fast'], 'smoke.timeoutSeconds', 'smoke.timeoutSeconds: expected a number, got "fast"'],
      [['channel', 'beta'], 'channel', 'channel: expected one of "stable", "prerelease", got "beta" (did you mean "prerelease"?)'],
      [['gates.major', 'sometimes'], 'gates.major', 'gates.major: expected one of "auto", "review", "manual", "skip", got "sometimes"'],
      [['smoke.comand', 'x'], 'smoke.comand', 'smoke.comand: unknown key (did you mean "command"?)'],
      [['source.tagPattern', 'release'], 'source.tagPattern', 'source.tagPattern: must contain {version}'],
    ];
    for (const [args, key, text] of refusals) {
      const r = cli.run('config', 'tp', ...args, '--json');
      expect(r.code, args.join(' ')).toBe(2);
      const err = r.json<{ error: { code: string; message: string; details: { key: string } } }>().error;
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.details.key).toBe(key);
      expect(err.message).toContain(text);
      expect(err.message).toContain('Nothing was written');
      expect(readFileSync(file, 'utf8')).toBe(before);
    }
    expect(cli.run('config', 'tp', 'smoke command', 'x').code).toBe(2);

    // Unset: the manifest's value applies again; unsetting everything removes the file.
    const unset = cli.run('config', 'tp', 'gates.minor', '--unset');
    expect(unset.code).toBe(0);
    expect(unset.stdout).toContain('Now gates.minor = review (manifest upshift.yml).');
    expect(cli.run('config', 'tp', 'smoke.command', '--unset').code).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(cli.run('config', 'tp', 'install', 'x', 'y', '--unset').code).toBe(2);
  });

  it('precedence: the dashboard override over the config over the manifest, as plan shows it', () => {
    const fx = thirdParty({ manifest: 'channel: stable\nsmoke:\n  command: sh smoke.sh\n  timeoutSeconds: 30\ngates:\n  minor: manual\n  patch: review\n' });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'tp', '--smoke', 'sh smoke.sh && true').code).toBe(0);
    expect(cli.run('config', 'tp', 'gates.minor', 'review').code).toBe(0);
    // The dashboard's per-project override, as the service stores it (the same setting `setSettings` writes).
    const store = StateStore.open(cli.home);
    store.setSettings({ projects: { tp: { gates: { minor: 'auto' } } } });
    store.close();
    const p = cli.run('plan', 'tp', '--to', '1.1.0', '--json').json<UpgradePlan>();
    // An override names what it replaces (the dashboard shows it beside "As in the manifest"): here the config's value.
    expect(setting(p.settings, 'gates.minor')).toEqual({ key: 'gates.minor', value: 'auto', source: 'override', file: null, beneath: { value: 'review', source: 'config', file: expect.stringContaining('upshift.yml') } });
    expect(p.gate).toBe('auto');
    // Mappings merge key by key: the config's smoke command, the manifest's timeout.
    expect(setting(p.settings, 'smoke.command')).toMatchObject({ value: 'sh smoke.sh && true', source: 'config' });
    expect(setting(p.settings, 'smoke.timeoutSeconds')).toEqual({ key: 'smoke.timeoutSeconds', value: 30, source: 'manifest', file: 'upshift.yml' });
    expect(setting(p.settings, 'gates.patch')).toMatchObject({ value: 'review', source: 'manifest' });
    expect(setting(p.settings, 'source.tagPattern')).toMatchObject({ value: 'v{version}', source: 'default' });
  });
});

describe('the manifest that applies is the one approved in the plan', () => {
  it('a target tag that changes the smoke command, then one that removes upshift.yml: the approved smoke runs, the config keeps it', () => {
    const fx = thirdParty({
      manifest: 'smoke:\n  command: sh smoke.sh\n',
      releases: [
        { version: '1.0.0' },
        // The new tag's own manifest asks for a smoke test that would fail; the approved one is sh smoke.sh.
        { version: '1.1.0', files: { VERSION: '1.1.0\n', 'upshift.yml': 'smoke:\n  command: sh -c "exit 7"\n' } },
        { version: '1.2.0', files: { VERSION: '1.2.0\n', 'upshift.yml': null } },
        { version: '1.3.0', files: { VERSION: '1.3.0\n' } },
      ],
    });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'tp').code).toBe(0);
    const plan = cli.run('plan', 'tp', '--to', '1.1.0', '--json').json<UpgradePlan>();
    expect(plan.steps.find((s) => s.id === 'smoke')?.command).toBe('sh smoke.sh');
    const up = cli.run('upgrade', 'tp', '--to', '1.1.0', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    const op = up.json<OperationResult>().operation;
    expect(op.steps.find((s) => s.id === 'smoke')).toMatchObject({ status: 'succeeded', command: 'sh smoke.sh' });
    expect(readFileSync(join(fx.work, '.smoked'), 'utf8')).toBe('1.1.0\n');

    // Keep the smoke test outside the checkout, then move to a tag that has no upshift.yml at all.
    expect(cli.run('config', 'tp', 'smoke.command', 'sh smoke.sh').code).toBe(0);
    const toNone = cli.run('upgrade', 'tp', '--to', '1.2.0', '--yes', '--json');
    expect(toNone.code, toNone.stderr).toBe(0);
    expect(existsSync(join(fx.work, 'upshift.yml'))).toBe(false);
    const after = cli.run('plan', 'tp', '--json').json<UpgradePlan>();
    expect(after.to.version).toBe('1.3.0');
    expect(after.steps.find((s) => s.id === 'smoke')?.command).toBe('sh smoke.sh');
    expect(setting(after.settings, 'smoke.command')).toMatchObject({ source: 'config' });
    expect(cli.run('list', '--json').json<ListResult>().projects[0]).toMatchObject({ manifest: 'none', config: join(cli.home, 'projects', 'tp', 'upshift.yml') });
  });
});

describe('an untracked upshift.yml, and list/status showing the manifest in effect', () => {
  it('list and status read the manifest fresh; an untracked upshift.yml the target lacks needs no --stash and is left exactly', () => {
    const fx = thirdParty();
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'tp').code).toBe(0);
    expect(cli.run('list', '--json').json<ListResult>().projects[0]).toMatchObject({ manifest: 'none', config: null });
    expect(cli.run('list').stdout).toContain('[none, stable]');

    const mine = '# my settings for their project\nsmoke:\n  command: sh smoke.sh\n';
    writeFileSync(join(fx.work, 'upshift.yml'), mine);
    expect(cli.run('list', '--json').json<ListResult>().projects[0]).toMatchObject({ manifest: 'upshift.yml' });
    expect(cli.run('list').stdout).toContain('[upshift.yml, stable]');
    expect(cli.run('status', '--json').json<StatusResult>().projects[0]).toMatchObject({ manifest: 'upshift.yml', config: null });

    const up = cli.run('upgrade', 'tp', '--to', '1.1.0', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(stepsOf(up.json<OperationResult>().operation)).toMatchObject({ preflight: 'succeeded', smoke: 'succeeded' });
    expect(readFileSync(join(fx.work, 'upshift.yml'), 'utf8')).toBe(mine);
    expect(git(fx.work, 'status', '--porcelain')).toBe('?? upshift.yml');
    expect(git(fx.work, 'stash', 'list')).toBe('');

    // A rollback does not touch it either.
    expect(cli.run('rollback', 'tp', '--yes').code).toBe(0);
    expect(readFileSync(join(fx.work, 'upshift.yml'), 'utf8')).toBe(mine);
  });

  it('an untracked upshift.yml the target carries still counts as uncommitted work: refused, left exactly', () => {
    const fx = thirdParty({ releases: [{ version: '1.0.0' }, { version: '1.1.0', files: { VERSION: '1.1.0\n', 'upshift.yml': 'install: sh install.sh\n' } }] });
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'tp').code).toBe(0);
    writeFileSync(join(fx.work, 'upshift.yml'), 'smoke:\n  command: sh smoke.sh\n');
    const headBefore = git(fx.work, 'rev-parse', 'HEAD');
    const r = cli.run('upgrade', 'tp', '--to', '1.1.0', '--yes', '--json');
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toContain('upshift.yml');
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(readFileSync(join(fx.work, 'upshift.yml'), 'utf8')).toBe('smoke:\n  command: sh smoke.sh\n');
  });

  it('remove keeps the configuration aside; a new project of that name does not inherit it', () => {
    const fx = thirdParty();
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'tp', '--smoke', 'sh smoke.sh').code).toBe(0);
    const removed = cli.run('remove', 'tp', '--json').json<{ project: { config: string } }>().project;
    expect(removed.config).toMatch(/projects\/tp\/upshift\.yml\.removed-\d{8}T\d{6}Z$/);
    expect(readFileSync(removed.config, 'utf8')).toContain('sh smoke.sh');
    expect(cli.run('add', fx.work, '--name', 'tp').code).toBe(0);
    expect(setting(cli.run('plan', 'tp', '--json').json<UpgradePlan>().settings, 'smoke.command')).toMatchObject({ value: null, source: 'default' });
  });
});
