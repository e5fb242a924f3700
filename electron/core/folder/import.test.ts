import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addUnlistedFile,
  flipByte,
  makeBundle,
  makePack,
  makeTarball,
  makeReleaseFolder,
  releaseEntries,
  snapshotTree,
  sumsText,
  writeRawPack,
  writeReleaseDir,
  type ReleaseDirSpec,
} from '../../../test/helpers/release-pack.js';
import { createRemoteWithReleases, makeTempDir, type RemoteFixture } from '../../../test/helpers/repos.js';
import { buildTar, type TarSpec } from '../../../test/helpers/tar-builder.js';
import { UpshiftError } from '../errors.js';
import { FolderSource } from '../source/folder.js';
import { importRelease, type ImportOptions } from './index.js';

let fx: RemoteFixture;
beforeAll(() => {
  fx = createRemoteWithReleases({
    releases: [{ version: '1.0.0' }, { version: '1.1.0', message: 'Release 1.1.0' }, { version: '1.2.0' }],
    checkout: 'v1.0.0',
  });
});

/** A folder that already holds release 1.0.0, so "unchanged" means something. */
function folderWithOne(): string {
  return makeReleaseFolder(path.join(makeTempDir('upshift-folder-'), 'releases'), [{ version: '1.0.0', bundle: { repo: fx.remote, tag: 'v1.0.0' } }]);
}

function spec(extra: Partial<ReleaseDirSpec> = {}): ReleaseDirSpec {
  return { version: '1.1.0', files: { 'app.tar.gz': buildTar([{ name: 'bin/app', body: '#!/bin/sh\necho 1.1.0\n', mode: 0o755 }], { gzip: true }) }, bundle: { repo: fx.remote, tag: 'v1.1.0' }, ...extra };
}

/** Runs the import, expects it refused with `code`, and checks the folder did not change at all (no temp dir left). */
async function refused(pack: string, folder: string, code: string, opts: ImportOptions = {}): Promise<UpshiftError> {
  const before = snapshotTree(folder);
  const err = await importRelease(pack, folder, opts).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpshiftError);
  expect(err).toMatchObject({ code });
  expect(snapshotTree(folder)).toEqual(before);
  expect((err as Error).message).toMatch(/Nothing was (imported|extracted|changed)/);
  return err as UpshiftError;
}

describe('importRelease: accepted packs', () => {
  it('imports a .tar.gz pack into <folder>/<version>/ and the folder source lists it with its commit', async () => {
    const folder = folderWithOne();
    const pack = makePack(spec());
    const r = await importRelease(pack, folder, { tagPattern: 'v{version}', repo: fx.work });
    expect(r).toMatchObject({ version: '1.1.0', tag: 'v1.1.0', dir: path.join(folder, '1.1.0'), folder, alreadyPresent: false, createdFolder: false, sumsFile: 'SHA256SUMS' });
    expect(r.files.map((f) => f.name)).toEqual(['app.tar.gz', 'project.bundle', 'release_metadata.json']);
    expect(r.bundle).toEqual({ name: 'project.bundle', ref: 'refs/tags/v1.1.0', commit: fx.sha('v1.1.0') });
    expect(r.archives).toEqual([{ name: 'app.tar.gz', entries: 1 }]);
    expect(readdirSync(folder).sort()).toEqual(['1.0.0', '1.1.0']);
    expect(readdirSync(path.join(folder, '1.1.0')).sort()).toEqual(['SHA256SUMS', 'app.tar.gz', 'project.bundle', 'release_metadata.json']);
    expect(readFileSync(path.join(folder, '1.1.0', 'SHA256SUMS'), 'utf8')).toBe(sumsText(path.join(folder, '1.1.0')));

    const p = { path: fx.work, remote: 'origin', tagPattern: 'v{version}', channel: 'stable' as const, folder: { path: folder } };
    const listed = await new FolderSource().listReleases(p);
    expect(listed.map((x) => [x.tag, x.sha])).toEqual([
      ['v1.1.0', fx.sha('v1.1.0')],
      ['v1.0.0', fx.sha('v1.0.0')],
    ]);
  });

  it('imports a directory pack, a pack under a top directory, and a plain .tar', async () => {
    const folder = folderWithOne();
    const payload = readFileSync(makeTarball(path.join(makeTempDir(), 'app.tar.gz'), { 'bin/app': '#!/bin/sh\n', 'share/doc.txt': 'doc' }));
    const dirPack = makePack(spec({ bundle: undefined, files: { 'app.bin': 'binary 1.1.0', 'app.tar.gz': payload } }), { kind: 'dir' });
    const fromDir = await importRelease(dirPack, folder);
    expect(fromDir.dir).toBe(path.join(folder, '1.1.0'));
    expect(fromDir.archives).toEqual([{ name: 'app.tar.gz', entries: 4 }]);
    const topDir = makePack({ version: '1.2.0', bundle: { repo: fx.remote, tag: 'v1.2.0' } }, { topDir: 'upshift-1.2.0' });
    expect(await importRelease(topDir, folder)).toMatchObject({ version: '1.2.0', dir: path.join(folder, '1.2.0'), bundle: { commit: fx.sha('v1.2.0') } });
    const tar = makePack({ version: '1.3.0', tag: 'release-1.3.0', files: { 'notes.txt': 'x' } }, { kind: 'tar' });
    expect(await importRelease(tar, folder)).toMatchObject({ version: '1.3.0', tag: 'release-1.3.0' });
    expect(readdirSync(folder).sort()).toEqual(['1.0.0', '1.1.0', '1.2.0', '1.3.0']);
  });

  it('creates a missing folder for the first release, and leaves none behind when the import is refused', async () => {
    const parent = makeTempDir();
    const bad = makePack(spec(), { edit: (d) => addUnlistedFile(d) });
    await expect(importRelease(bad, path.join(parent, 'releases'))).rejects.toMatchObject({ code: 'CHECKSUM_MISSING', message: expect.stringContaining('was not created') });
    expect(readdirSync(parent)).toEqual([]);
    const r = await importRelease(makePack(spec()), path.join(parent, 'releases'));
    expect(r.createdFolder).toBe(true);
    expect(readdirSync(path.join(parent, 'releases'))).toEqual(['1.1.0']);
  });

  it('an identical release already present changes nothing; a different one is RELEASE_EXISTS naming both', async () => {
    const folder = folderWithOne();
    const pack = makePack(spec());
    await importRelease(pack, folder);
    const before = snapshotTree(folder);
    const again = await importRelease(makePack(spec()), folder);
    expect(again.alreadyPresent).toBe(true);
    expect(snapshotTree(folder)).toEqual(before);

    const other = makePack(spec({ files: { 'app.tar.gz': buildTar([{ name: 'bin/app', body: 'other build' }], { gzip: true }) } }));
    const err = await refused(other, folder, 'RELEASE_EXISTS');
    expect(err.message).toContain(path.join(folder, '1.1.0'));
    expect(err.message).toContain(other);
    expect(err.message).toMatch(/"app\.tar\.gz" differs/);
    expect(err.category).toBe('blocked');
  });

  it('an incremental bundle is checked against the project history when there is one, else accepted with a warning', async () => {
    const folder = folderWithOne();
    const mk = () => makePack({ version: '1.2.0', bundle: { repo: fx.remote, tag: 'v1.2.0', base: 'v1.1.0' } });
    const r = await importRelease(mk(), folder);
    expect(r.bundle).toEqual({ name: 'project.bundle', ref: 'refs/tags/v1.2.0', commit: null });
    expect(r.warnings.join('\n')).toMatch(/incremental/);
    // The work clone is at v1.0.0 and has never fetched v1.1.0: the bundle's prerequisite is missing there.
    const folder2 = folderWithOne();
    const err = await refused(mk(), folder2, 'BAD_BUNDLE', { repo: fx.work });
    expect(err.message).toMatch(/builds on commits that .* does not have/);
  });
});

describe('importRelease: refusals leave the folder byte-for-byte unchanged', () => {
  it('a payload that does not match its checksum', async () => {
    const err = await refused(makePack(spec(), { edit: (d) => flipByte(path.join(d, 'app.tar.gz'), 40) }), folderWithOne(), 'CHECKSUM_MISMATCH');
    expect(err.message).toMatch(/"app\.tar\.gz": sha256 [0-9a-f]{64}, but SHA256SUMS says [0-9a-f]{64}/);
    expect(err.category).toBe('blocked');
  });

  it('a file without a SHA256SUMS line (missing entry), and a pack without SHA256SUMS', async () => {
    const err = await refused(makePack(spec(), { edit: (d) => addUnlistedFile(d, 'extra.sh') }), folderWithOne(), 'CHECKSUM_MISSING');
    expect(err.message).toMatch(/"extra\.sh": missing entry/);
    await refused(makePack(spec({ noSums: true })), folderWithOne(), 'CHECKSUM_MISSING');
  });

  it('a file listed in SHA256SUMS but missing from the pack', async () => {
    const err = await refused(makePack(spec(), { edit: (d) => rmSync(path.join(d, 'app.tar.gz')) }), folderWithOne(), 'PACK_FILE_MISSING');
    expect(err.message).toMatch(/"app\.tar\.gz": listed in SHA256SUMS but not in the pack/);
  });

  describe('hostile pack entries (every one named)', () => {
    function hostile(extra: TarSpec[]): string {
      const dir = writeReleaseDir(path.join(makeTempDir(), '1.1.0'), { version: '1.1.0' });
      return writeRawPack(path.join(makeTempDir(), 'hostile.tar.gz'), [...releaseEntries(dir), ...extra]);
    }

    it.each<[string, TarSpec[], RegExp[]]>([
      ['a ../ entry', [{ name: '../evil.sh', body: 'x' }], [/"\.\.\/evil\.sh"/]],
      ['an absolute entry', [{ name: '/tmp/upshift-evil', body: 'x' }], [/"\/tmp\/upshift-evil"/]],
      ['a symlink pointing outside', [{ name: 'link', type: 'symlink', linkname: '../../etc/passwd' }, { name: 'abs', type: 'symlink', linkname: '/etc/passwd' }], [/"link"/, /"abs"/]],
      ['a hardlink outside', [{ name: 'hard', type: 'hardlink', linkname: '../outside' }], [/"hard"/]],
    ])('%s', async (_what, entries, names) => {
      const err = await refused(hostile(entries), folderWithOne(), 'UNSAFE_ARCHIVE');
      for (const n of names) expect(err.message).toMatch(n);
      expect(err.category).toBe('blocked');
    });
  });

  it('a nested payload tarball with a ../ entry', async () => {
    const evil = buildTar([{ name: 'bin/app', body: 'ok' }, { name: '../../escape', body: 'x' }], { gzip: true });
    const err = await refused(makePack(spec({ files: { 'app.tar.gz': evil } })), folderWithOne(), 'UNSAFE_ARCHIVE');
    expect(err.message).toMatch(/its payload "app\.tar\.gz" is a tarball with an entry that would write outside its directory/);
    expect(err.message).toMatch(/"\.\.\/\.\.\/escape"/);
  });

  it('a bundle that is not a bundle, and a bundle without the release tag', async () => {
    const notBundle = await refused(makePack(spec({ bundle: undefined, files: { 'project.bundle': 'garbage\n' } })), folderWithOne(), 'BAD_BUNDLE');
    expect(notBundle.message).toMatch(/"project\.bundle" is not a git bundle/);
    const wrongTag = await refused(makePack(spec({ bundle: { repo: fx.remote, tag: 'v1.0.0' } })), folderWithOne(), 'BAD_BUNDLE');
    expect(wrongTag.message).toMatch(/does not hold refs\/tags\/v1\.1\.0 \(it holds refs\/tags\/v1\.0\.0\)/);
    const two = makePack(spec(), { edit: (d) => makeBundle(fx.remote, 'v1.1.0', path.join(d, 'second.bundle')) });
    // The second bundle is not in SHA256SUMS: listed after the sums check, so re-write the sums first.
    const twoListed = makePack(spec(), {
      edit: (d) => {
        makeBundle(fx.remote, 'v1.1.0', path.join(d, 'second.bundle'));
        writeFileSync(path.join(d, 'SHA256SUMS'), sumsText(d));
      },
    });
    await refused(two, folderWithOne(), 'CHECKSUM_MISSING');
    await refused(twoListed, folderWithOne(), 'BUNDLE_AMBIGUOUS');
  });

  it('metadata without a version, or with a tag that does not match the project pattern', async () => {
    const noVersion = await refused(makePack(spec({ metadata: { notes: 'forgot the version' } })), folderWithOne(), 'BAD_METADATA');
    expect(noVersion.message).toMatch(/release_metadata\.json has no "version"/);
    expect(noVersion.category).toBe('usage');
    await refused(makePack(spec({ metadata: '{ not json' })), folderWithOne(), 'BAD_METADATA');
    const badTag = await refused(makePack(spec({ tag: 'release-1.1.0' })), folderWithOne(), 'BAD_METADATA', { tagPattern: 'v{version}' });
    expect(badTag.message).toMatch(/does not match the project's tag pattern "v\{version\}"/);
  });

  it('invalid metadata (issue 15 §5: a bad date, notes as an object, breaking_changes: 42) is refused naming file, line, field and what was expected, into a new folder too', async () => {
    const metadata = { version: '1.1.0', release_date: '2026-02-30', notes: { en: 'Faster' }, breaking_changes: 42 };
    for (const kind of ['dir', 'tgz'] as const) {
      const err = await refused(makePack(spec({ metadata }), { kind }), folderWithOne(), 'BAD_METADATA');
      expect(err.category).toBe('usage');
      expect(err.message).toContain(
        'its release_metadata.json is invalid (3 problems: release_metadata.json:3:3: release_date: expected an ISO 8601 date such as "2026-02-22" or "2026-02-22T19:00:00Z", got "2026-02-30"; ' +
          'release_metadata.json:4:3: notes: expected text (Markdown), got an object; ' +
          'release_metadata.json:7:3: breaking_changes: expected a list of changes (text or {"id", "text"} objects) or true/false, got 42). Fix the pack and import it again. Nothing was imported;',
      );
      expect(err.details).toMatchObject({ file: 'release_metadata.json', issues: [{ field: 'release_date', line: 3 }, { field: 'notes' }, { field: 'breaking_changes' }] });
    }
    // A folder the import would have created is not created.
    const fresh = path.join(makeTempDir('upshift-folder-'), 'new-releases');
    const err = await importRelease(makePack(spec({ metadata: { version: '1.1.0', changes: { breaking: [{ id: 'X-1' }] } } })), fresh).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_METADATA', message: expect.stringContaining('changes.breaking[0]: expected text or an object with "text"') });
    expect((err as Error).message).toMatch(/was not created/);
    expect(existsSync(fresh)).toBe(false);
  });

  it('a pack that is not a release (no metadata at the top), a subdirectory, a symlink in a directory pack, not a tarball', async () => {
    await refused(makePack(spec(), { edit: (d) => rmSync(path.join(d, 'release_metadata.json')) }), folderWithOne(), 'PACK_LAYOUT');
    const dirPack = makePack(spec(), { kind: 'dir', edit: (d) => symlinkSync('release_metadata.json', path.join(d, 'alias.json')) });
    const err = await refused(dirPack, folderWithOne(), 'PACK_LAYOUT');
    expect(err.message).toMatch(/"alias\.json" is a symlink/);
    const junk = path.join(makeTempDir(), 'junk.tar.gz');
    writeFileSync(junk, 'this is not a tarball at all, just some text that goes on for a while '.repeat(20));
    const notTar = await refused(junk, folderWithOne(), 'NOT_AN_ARCHIVE');
    expect(notTar.category).toBe('usage');
    await expect(importRelease(path.join(makeTempDir(), 'nope.tgz'), folderWithOne())).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND', category: 'usage' });
  });
});
