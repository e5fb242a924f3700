import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, makeTempDir } from '../../../test/helpers/repos.js';
import {
  fillAssetPattern,
  listInstalled,
  pruneVersions,
  readCurrentLink,
  switchCurrentLink,
  versionDirName,
  versionsToPrune,
  writeMarker,
} from './artifact-layout.js';
import { assertSafeVersion, prepareCommand, readCommandVersion, versionInOutput } from './command.js';

afterAll(() => cleanupTempDirs());

function install(root: string, version: string, activatedAt: string | null = null, installedAt = '2026-11-01T00:00:00Z'): void {
  const dir = path.join(root, 'versions', version);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tool'), version);
  writeMarker(dir, { version, asset: `tool-${version}.tar.gz`, sha256: 'a'.repeat(64), installedAt, activatedAt });
}

describe('artifact layout', () => {
  it('reads no current before the first install, then switches atomically and back', () => {
    const root = makeTempDir();
    expect(readCurrentLink(root)).toBeNull();
    install(root, '1.0.0');
    install(root, '1.1.0');
    switchCurrentLink(root, 'versions/1.0.0');
    expect(readCurrentLink(root)).toMatchObject({ target: 'versions/1.0.0', dir: '1.0.0', version: expect.objectContaining({ normalized: '1.0.0' }) });
    expect(fs.readFileSync(path.join(root, 'current', 'tool'), 'utf8')).toBe('1.0.0');
    switchCurrentLink(root, 'versions/1.1.0');
    expect(fs.readFileSync(path.join(root, 'current', 'tool'), 'utf8')).toBe('1.1.0');
    switchCurrentLink(root, null);
    expect(readCurrentLink(root)).toBeNull();
    // No temporary links are left behind.
    expect(fs.readdirSync(root).filter((n) => n.startsWith('.current'))).toEqual([]);
  });

  it('refuses to switch to a version that is not installed, leaving current as it was', () => {
    const root = makeTempDir();
    install(root, '1.0.0');
    switchCurrentLink(root, 'versions/1.0.0');
    expect(() => switchCurrentLink(root, 'versions/9.9.9')).toThrow(/not an installed version.*left as it was/);
    expect(readCurrentLink(root)?.target).toBe('versions/1.0.0');
  });

  it('refuses a current that Upshift did not make: a directory, a file, a link elsewhere', () => {
    const dirRoot = makeTempDir();
    fs.mkdirSync(path.join(dirRoot, 'current'));
    expect(() => readCurrentLink(dirRoot)).toThrow(/is a directory, not a symlink.*Nothing was changed/s);
    const fileRoot = makeTempDir();
    fs.writeFileSync(path.join(fileRoot, 'current'), 'x');
    expect(() => readCurrentLink(fileRoot)).toThrow(/is a file, not a symlink/);
    const elsewhere = makeTempDir();
    fs.symlinkSync('/usr/bin', path.join(elsewhere, 'current'));
    expect(() => readCurrentLink(elsewhere)).toThrow(/not at a directory in/);
    const escaping = makeTempDir();
    fs.symlinkSync('versions/../../x', path.join(escaping, 'current'));
    expect(() => readCurrentLink(escaping)).toThrow(/not at a directory in/);
  });

  it('refuses version names that are not one plain path component', () => {
    expect(versionDirName('1.2.3-rc.1')).toBe('versions/1.2.3-rc.1');
    for (const bad of ['../1.0.0', '1.0.0/x', '', '.hidden', '1.0 0']) expect(() => versionDirName(bad)).toThrow(/Refused/);
  });

  it('retention keeps the N most recently used (current always), plus any used within keepDays, and never touches foreign directories', () => {
    const root = makeTempDir();
    install(root, '1.0.0', '2026-10-01T00:00:00Z');
    install(root, '1.1.0', '2026-11-10T00:00:00Z');
    install(root, '1.2.0', '2026-11-15T00:00:00Z');
    install(root, '1.3.0', '2026-11-20T00:00:00Z');
    fs.mkdirSync(path.join(root, 'versions', '0.9.0')); // not installed by Upshift: no marker
    switchCurrentLink(root, 'versions/1.1.0'); // rolled back to an older one: it stays
    const now = new Date('2026-11-21T00:00:00Z');
    expect(versionsToPrune(root, { keep: 2, keepDays: null }, now).map((v) => v.dir)).toEqual(['1.2.0', '1.0.0']);
    expect(versionsToPrune(root, { keep: 2, keepDays: 7 }, now).map((v) => v.dir)).toEqual(['1.0.0']);
    expect(versionsToPrune(root, { keep: 1, keepDays: null }, now, ['versions/1.0.0']).map((v) => v.dir)).toEqual(['1.3.0', '1.2.0']);
    expect(pruneVersions(root, { keep: 2, keepDays: null }, now)).toEqual(['1.2.0', '1.0.0']);
    expect(listInstalled(root).map((v) => v.dir)).toEqual(['1.3.0', '1.1.0', '0.9.0']);
  });

  it('fills asset patterns with version, tag, and Go-style os/arch names', () => {
    expect(fillAssetPattern('node_exporter-{version}.{os}-{arch}.tar.gz', { version: '1.8.2', tag: 'v1.8.2' }, 'linux', 'x64')).toBe('node_exporter-1.8.2.linux-amd64.tar.gz');
    expect(fillAssetPattern('{tag}/tool-{os}-{arch}', { version: '2.0.0', tag: 'v2.0.0' }, 'win32', 'arm64')).toBe('v2.0.0/tool-windows-arm64');
  });
});

describe('command kind', () => {
  it('fills {version} into single arguments of a list-form command, never into the program', () => {
    const p = prepareCommand({ argv: ['helm', 'upgrade', 'app', 'chart', '--version={version}'] }, '1.2.3', '1.2.0');
    expect(p.argv).toEqual(['helm', 'upgrade', 'app', 'chart', '--version=1.2.3']);
    expect(p.env).toEqual({ UPSHIFT_VERSION: '1.2.3', UPSHIFT_FROM_VERSION: '1.2.0' });
    expect(p.display).toBe('helm upgrade app chart --version=1.2.3');
  });

  it('gives a shell-string command the version in $UPSHIFT_VERSION only, the string untouched', () => {
    const p = prepareCommand({ shell: 'docker compose pull && echo "$UPSHIFT_VERSION"' }, '2.0.0');
    expect(p.shell).toBe('docker compose pull && echo "$UPSHIFT_VERSION"');
    expect(p.argv).toBeUndefined();
    expect(p.env.UPSHIFT_VERSION).toBe('2.0.0');
  });

  it('refuses versions that could mean something to a shell or a program', () => {
    for (const bad of ['1.0.0;rm -rf /', '$(id)', '-rf', '1.0.0 2', '`x`', '1.0\n']) {
      expect(() => assertSafeVersion(bad)).toThrow(/Refused to pass/);
      expect(() => prepareCommand({ argv: ['x', '{version}'] }, bad)).toThrow(/Nothing was run/);
    }
  });

  it('reads the first version-looking word of the output', () => {
    expect(versionInOutput('Docker Compose version v2.29.1')?.normalized).toBe('2.29.1');
    expect(versionInOutput('version.BuildInfo{Version:"v3.16.2", GitCommit:"abc"}')?.normalized).toBe('3.16.2');
    expect(versionInOutput('app 1.4, built 2026')?.normalized).toBe('1.4.0');
    expect(versionInOutput('no version here')).toBeNull();
  });

  it('runs the current command without a shell and reports a failure with its output', async () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'pm'), '#!/bin/sh\necho "pm version 3.1.4"\n', { mode: 0o755 });
    expect((await readCommandVersion({ argv: ['./pm'] }, dir)).version?.normalized).toBe('3.1.4');
    fs.writeFileSync(path.join(dir, 'bad'), '#!/bin/sh\necho "cannot connect"\nexit 3\n', { mode: 0o755 });
    await expect(readCommandVersion({ argv: ['./bad'] }, dir)).rejects.toThrow(/exited with code 3[\s\S]*cannot connect/);
    await expect(readCommandVersion({ argv: ['./missing'] }, dir)).rejects.toThrow(/could not be started/);
  });
});
