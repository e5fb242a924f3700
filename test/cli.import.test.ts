import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../shared/api/types.js';
import { CliHarness } from './helpers/cli.js';
import { flipByte, makePack, releaseEntries, sha256, snapshotTree, writeRawPack, writeReleaseDir } from './helpers/release-pack.js';
import { cleanupTempDirs, createRemoteWithReleases, makeTempDir } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

type ErrorDoc = { error: { code: string; message: string; details?: Record<string, unknown> } };
type ImportDoc = {
  import: {
    version: string;
    tag: string;
    dir: string;
    folder: string;
    alreadyPresent: boolean;
    createdFolder: boolean;
    project: string | null;
    files: Array<{ name: string; sha256: string; size: number }>;
    bundle: { name: string; ref: string; commit: string | null } | null;
  };
};

/** A git project on v1.0.0 whose releases come from the folder `<root>/releases` (not there yet). */
function folderProject() {
  const root = makeTempDir('upshift-offline-');
  const fx = createRemoteWithReleases({
    dir: root,
    initialFiles: { 'upshift.yml': 'source:\n  type: folder\n  path: ../releases\n', 'app.txt': 'v0\n' },
    releases: [
      { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
      { version: '1.1.0', files: { 'app.txt': '1.1.0\n' }, message: 'Release 1.1.0' },
      { version: '1.2.0', files: { 'app.txt': '1.2.0\n' } },
    ],
    checkout: 'v1.0.0',
  });
  return { fx, folder: path.join(root, 'releases') };
}

describe('upshift import', () => {
  it('imports packs into a folder project, says what it verified, and check lists the imported releases', () => {
    const { fx, folder } = folderProject();
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);

    const pack11 = makePack({ version: '1.1.0', bundle: { repo: fx.remote, tag: 'v1.1.0' }, metadata: { version: '1.1.0', notes: 'Faster start-up' } });
    const human = cli.run('import', pack11, '--project', 'core');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`Verified ${pack11}: 2 files, each matching its sha256 in SHA256SUMS, and no file without an entry there:`);
    expect(human.stdout).toMatch(new RegExp(`[0-9a-f]{64}  project\\.bundle\\s+git bundle holding refs/tags/v1\\.1\\.0 → ${fx.sha('v1.1.0').slice(0, 12)}`));
    expect(human.stdout).toMatch(/[0-9a-f]{64} {2}release_metadata\.json\s+version 1\.1\.0, tag v1\.1\.0/);
    expect(human.stdout).toContain(`Imported 1.1.0 (v1.1.0) into ${path.join(folder, '1.1.0')} (created the release folder ${folder}).`);
    expect(human.stdout).toContain('`upshift check core` lists it.');

    const pack12 = makePack({ version: '1.2.0', bundle: { repo: fx.remote, tag: 'v1.2.0' }, files: { 'CHANGES.md': '- 1.2.0\n' } }, { topDir: 'core-1.2.0' });
    const json = cli.run('import', pack12, '--project', 'core', '--json');
    expect(json.code, json.stderr).toBe(0);
    const doc = json.json<ImportDoc>().import;
    expect(doc).toMatchObject({ version: '1.2.0', tag: 'v1.2.0', dir: path.join(folder, '1.2.0'), folder, alreadyPresent: false, createdFolder: false, project: 'core' });
    expect(doc.bundle).toEqual({ name: 'project.bundle', ref: 'refs/tags/v1.2.0', commit: fx.sha('v1.2.0') });
    expect(doc.files.find((f) => f.name === 'CHANGES.md')).toEqual({ name: 'CHANGES.md', sha256: sha256('- 1.2.0\n'), size: 8 });

    // Again: nothing to do (exit 4), nothing changed.
    const before = snapshotTree(folder);
    const again = cli.run('import', pack12, '--project', 'core', '--json');
    expect(again.code).toBe(4);
    expect(again.json<ImportDoc>().import.alreadyPresent).toBe(true);
    expect(cli.run('import', pack12, '--project', 'core').stdout).toContain(`1.2.0 is already in ${path.join(folder, '1.2.0')} with the same files; nothing was changed.`);
    expect(snapshotTree(folder)).toEqual(before);

    const check = cli.run('check', 'core', '--json');
    expect(check.code, check.stderr).toBe(0);
    const c = check.json<CheckResult>().projects[0]!;
    expect(c.error).toBeNull();
    expect(c.current).toMatchObject({ version: '1.0.0', tag: 'v1.0.0' });
    expect(c.latest).toMatchObject({ version: '1.2.0', tag: 'v1.2.0' });
    expect(c.updateAvailable).toBe(true);
    expect(cli.run('check', 'core').stdout).toMatch(/core: 1\.0\.0 → 1\.2\.0/);
  });

  it('refuses damaged or hostile packs with exit 3 (2 for bad input), a JSON error, and the folder unchanged', () => {
    const { fx, folder } = folderProject();
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'core').code).toBe(0);
    expect(cli.run('import', makePack({ version: '1.1.0', bundle: { repo: fx.remote, tag: 'v1.1.0' } }), '--project', 'core').code).toBe(0);
    const before = snapshotTree(folder);

    const tampered = makePack({ version: '1.2.0', bundle: { repo: fx.remote, tag: 'v1.2.0' } }, { edit: (d) => flipByte(path.join(d, 'project.bundle')) });
    const mismatch = cli.run('import', tampered, '--project', 'core', '--json');
    expect(mismatch.code).toBe(3);
    const err = mismatch.json<ErrorDoc>().error;
    expect(err.code).toBe('CHECKSUM_MISMATCH');
    expect(err.message).toMatch(/"project\.bundle": sha256 [0-9a-f]{64}, but SHA256SUMS says [0-9a-f]{64}/);
    expect(err.message).toContain(`Nothing was imported; ${folder} was not changed.`);
    expect(mismatch.stderr).toMatch(/^error: .* was refused: its files do not match SHA256SUMS/);

    const dir = writeReleaseDir(path.join(makeTempDir(), '1.3.0'), { version: '1.3.0' });
    const hostile = writeRawPack(path.join(makeTempDir(), 'hostile.tgz'), [...releaseEntries(dir), { name: '../../etc/cron.d/evil', body: 'x' }, { name: 'up', type: 'symlink', linkname: '/etc' }]);
    const unsafe = cli.run('import', hostile, '--project', 'core', '--json');
    expect(unsafe.code).toBe(3);
    const u = unsafe.json<ErrorDoc>().error;
    expect(u.code).toBe('UNSAFE_ARCHIVE');
    expect(u.message).toContain('../../etc/cron.d/evil');
    expect(u.details?.problems).toEqual([expect.objectContaining({ entry: '../../etc/cron.d/evil' }), expect.objectContaining({ entry: 'up' })]);

    const noVersion = cli.run('import', makePack({ version: '1.4.0', metadata: { notes: 'no version' } }), '--project', 'core');
    expect(noVersion.code).toBe(2);
    expect(noVersion.stderr).toMatch(/release_metadata\.json has no "version" \(it is required\)/);

    expect(snapshotTree(folder)).toEqual(before);
    expect(readdirSync(folder)).toEqual(['1.1.0']);
  });

  it('--into fills any folder; the target must be given once; --project needs a folder project', () => {
    const cli = new CliHarness();
    const into = path.join(makeTempDir(), 'mirror');
    const pack = makePack({ version: '2.0.0', files: { 'tool-2.0.0.tar.gz': Buffer.from('payload') } });
    // Not really a tarball: a .tar.gz payload is inspected, so this one is refused as bad input.
    const notTar = cli.run('import', pack, '--into', into, '--json');
    expect(notTar.code).toBe(2);
    expect(notTar.json<ErrorDoc>().error).toMatchObject({ code: 'NOT_AN_ARCHIVE', message: expect.stringContaining('its payload "tool-2.0.0.tar.gz" cannot be read as a tarball') });

    const ok = cli.run('import', makePack({ version: '2.0.0', files: { 'tool-2.0.0': Buffer.from('#!/bin/sh\n') } }, { kind: 'dir' }), '--into', into, '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json<ImportDoc>().import).toMatchObject({ version: '2.0.0', tag: 'v2.0.0', dir: path.join(into, '2.0.0'), createdFolder: true, project: null, bundle: null });

    for (const args of [[pack], [pack, '--into', into, '--project', 'x']]) {
      const r = cli.run('import', ...args, '--json');
      expect(r.code).toBe(2);
      expect(r.json<ErrorDoc>().error.code).toBe('BAD_ARGUMENTS');
    }
    expect(cli.run('import', '--json').code).toBe(2);

    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }] });
    expect(cli.run('add', fx.work, '--name', 'plain').code).toBe(0);
    const notFolder = cli.run('import', pack, '--project', 'plain', '--json');
    expect(notFolder.code).toBe(2);
    expect(notFolder.json<ErrorDoc>().error).toMatchObject({ code: 'NOT_A_FOLDER_PROJECT', message: expect.stringContaining('not from a release folder') });
    expect(cli.run('import', pack, '--project', 'nosuch').code).toBe(2);

    const missing = cli.run('import', path.join(into, 'nope.tgz'), '--into', into, '--json');
    expect(missing.code).toBe(2);
    expect(missing.json<ErrorDoc>().error.code).toBe('INPUT_NOT_FOUND');

    const help = cli.run('import', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: upshift import <file\|dir> \(--project <name> \| --into <folder>\) \[--json\]/);
    expect(cli.run('--help').stdout).toMatch(/import\s+Verify a release pack/);
  });
});
