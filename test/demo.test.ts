// `npm run demo` (build/demo.mjs): the workspace it creates must show what its guide promises.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, Operation } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { git, makeTempDir } from './helpers/repos.js';

const DEMO = fileURLToPath(new URL('../build/demo.mjs', import.meta.url));

interface DemoWorkspace {
  workspace: string;
  home: string;
  core: string;
  finance: string;
}

let demo: DemoWorkspace;
let cli: CliHarness;

beforeAll(() => {
  const dir = join(makeTempDir('upshift-demo-test-'), 'ws');
  // No git identity and no global git configuration: the fixture commits must not need either.
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: dir, GIT_AUTHOR_NAME: '', GIT_AUTHOR_EMAIL: '', GIT_COMMITTER_NAME: '', GIT_COMMITTER_EMAIL: '', EMAIL: '' };
  const r = spawnSync(process.execPath, [DEMO, '--no-serve', '--json', '--dir', dir], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`demo.mjs failed (exit ${r.status}): ${r.stderr}`);
  demo = JSON.parse(r.stdout) as DemoWorkspace;
  cli = new CliHarness();
  (cli.env as Record<string, string>).UPSHIFT_HOME = demo.home;
}, 90_000);

describe('npm run demo', () => {
  it('creates the workspace in the given directory and registers both projects', () => {
    expect(demo.workspace).toMatch(/ws$/);
    for (const p of [demo.core, demo.finance, demo.home]) expect(existsSync(p), p).toBe(true);
    const list = cli.run('list', '--json').json<{ projects: Array<{ name: string; core: string | null; manifest: string }> }>();
    expect(list.projects.map((p) => [p.name, p.core, p.manifest])).toEqual([
      ['core', null, 'upshift.yml'],
      ['finance', 'core', 'vertical_manifest.yaml'],
    ]);
  });

  it('shows core 1.0.0 with updates up to 2.0.0, blocked by finance, the newest compatible being 1.2.0', () => {
    const r = cli.run('check', '--json');
    expect(r.code).toBe(0);
    const byName = Object.fromEntries(r.json<CheckResult>().projects.map((p) => [p.name, p]));
    const core = byName.core!;
    expect(core.error).toBeNull();
    expect(core.current.version).toBe('1.0.0');
    expect(core.latest?.version).toBe('2.0.0');
    expect(core.updateAvailable).toBe(true);
    expect(core.bump).toBe('major');
    expect(core.compatible).toBe(false);
    expect(core.blockers.join(' ')).toMatch(/finance requires core <= 1\.x\.x/);
    expect(core.latestCompatible?.version).toBe('1.2.0');
    const finance = byName.finance!;
    expect(finance.error).toBeNull();
    expect(finance.current.version).toBe('0.2.0');
    expect(finance.updateAvailable).toBe(false);
  });

  it('carries release notes for 1.1.0 (annotated tag) and the refusal of 2.0.0 in the plans', () => {
    const plan11 = cli.run('plan', 'core', '--to', '1.1.0', '--json').json<{ blocked: boolean; releaseNotes: Array<{ version: string; body: string; source: string }> }>();
    expect(plan11.blocked).toBe(false);
    expect(plan11.releaseNotes.find((n) => n.version === '1.1.0')).toMatchObject({ source: 'tag-message', body: expect.stringContaining('core doctor') });
    const plan20 = cli.run('plan', 'core', '--to', '2.0.0', '--json').json<{ blocked: boolean; blockers: string[] }>();
    expect(plan20.blocked).toBe(true);
    expect(plan20.blockers.join(' ')).toMatch(/Contracts major mismatch/);
  });

  it('upgrades to 1.1.0, and rolls back an upgrade to 1.2.0 whose smoke test fails', () => {
    expect(cli.run('upgrade', 'core', '--to', '1.1.0', '--yes').code).toBe(0);
    expect(git(demo.core, 'describe', '--tags')).toBe('v1.1.0');
    const failed = cli.run('upgrade', 'core', '--to', '1.2.0', '--yes');
    expect(failed.code).toBe(1);
    expect(failed.stdout + failed.stderr).toMatch(/health endpoint is broken/);
    expect(git(demo.core, 'describe', '--tags')).toBe('v1.1.0');
    const history = cli.run('history', 'core', '--json').json<{ operations: Operation[] }>();
    expect(history.operations.map((o) => [o.to.version, o.status])).toEqual([
      ['1.2.0', 'rolled_back'],
      ['1.1.0', 'succeeded'],
    ]);
  });

  it('refuses a directory that is not empty', () => {
    const r = spawnSync(process.execPath, [DEMO, '--no-serve', '--dir', demo.workspace], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not empty/);
  });
});
