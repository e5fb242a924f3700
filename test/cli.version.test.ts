// `upshift --version` (text and --json) from the built bundle, and build/build-info.mjs that bakes the origin in.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, CliHarness } from './helpers/cli.js';
import { cleanupTempDirs } from './helpers/repos.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

afterAll(() => cleanupTempDirs());

interface VersionDoc {
  version: string;
  commit: string | null;
  dirty: boolean | null;
  builtAt: string | null;
  node: string;
  platform: string;
  arch: string;
  installPath: string;
}

describe('upshift --version', () => {
  it('--json: the version, the commit it was built from, the dirty flag, the build time, the runtime and where it is installed', () => {
    const cli = new CliHarness();
    const r = cli.run('--version', '--json');
    expect(r.code).toBe(0);
    const doc = r.json<VersionDoc>();
    expect(Object.keys(doc).sort()).toEqual(['arch', 'builtAt', 'commit', 'dirty', 'installPath', 'node', 'platform', 'version']);
    expect(doc.version).toBe(pkg.version);
    // Built in this checkout: a commit of this repository.
    expect(doc.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(git('cat-file', '-t', doc.commit!)).toBe('commit');
    expect(typeof doc.dirty).toBe('boolean');
    expect(Date.parse(doc.builtAt!)).toBeLessThanOrEqual(Date.now());
    expect(doc).toMatchObject({ node: process.versions.node, platform: process.platform, arch: process.arch, installPath: path.dirname(CLI) });
  });

  it('text: the version first (scripts read that line), then where it came from and where it runs', () => {
    const cli = new CliHarness();
    const doc = cli.run('--version', '--json').json<VersionDoc>();
    const r = cli.run('--version');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`upshift ${pkg.version}`);
    expect(lines[1]).toMatch(new RegExp(`^commit ${doc.commit!.slice(0, 12)}${doc.dirty ? ' with uncommitted changes' : ''}, built \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`));
    expect(lines[2]).toBe(`node ${process.versions.node}, ${process.platform} ${process.arch}`);
    expect(lines[3]).toBe(`installed at ${path.dirname(CLI)}`);
    expect(cli.run('-V').stdout).toBe(r.stdout);
    expect(r.stderr).toBe('');
  });
});

describe('build/build-info.mjs', () => {
  it('records HEAD, whether tracked files differ from it, and SOURCE_DATE_EPOCH as the build time', async () => {
    const { buildInfo } = (await import(path.join(root, 'build/build-info.mjs'))) as { buildInfo: (env: Record<string, string>) => VersionDoc };
    const info = buildInfo({ SOURCE_DATE_EPOCH: '1700000000' });
    expect(info).toEqual({
      version: pkg.version,
      commit: git('rev-parse', 'HEAD'),
      dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
      builtAt: '2023-11-14T22:13:20.000Z',
    });
    expect(Date.parse(buildInfo({}).builtAt!)).toBeGreaterThan(Date.parse('2026-01-01'));
  });
});
