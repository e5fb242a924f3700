import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileTagPattern, parseVersion } from '../../../shared/version/index.js';
import { makeBundle, makeReleaseFolder, writeReleaseDir } from '../../../test/helpers/release-pack.js';
import { createRemoteWithReleases, makeTempDir } from '../../../test/helpers/repos.js';
import { isArchiveError } from '../archive/index.js';
import { sourceProjectOf } from '../engine/source-project.js';
import type { ProjectContext } from '../engine/projects.js';
import { loadManifest } from '../manifest/index.js';
import { bundleFor, FolderSource, folderReleaseDir, verifyFolderRelease } from './folder.js';
import { SourceRouter } from './router.js';
import type { ReleaseSource, ReleaseSourceProject } from './types.js';

function project(folder: string, extra: Partial<ReleaseSourceProject> = {}): ReleaseSourceProject {
  return { path: makeTempDir('upshift-noproject-'), remote: 'origin', tagPattern: 'v{version}', channel: 'stable', folder: { path: folder }, ...extra };
}

const tags = (rs: Array<{ tag: string }>) => rs.map((r) => r.tag);

describe('FolderSource: listing', () => {
  it('lists one release per version, newest first, prereleases only on the prerelease channel', async () => {
    const folder = makeReleaseFolder(path.join(makeTempDir(), 'releases'), [
      { version: '1.0.0', files: { 'app.txt': '1.0.0' } },
      { version: '1.2.0-rc.1', files: { 'app.txt': 'rc' } },
      { version: '1.1.0', files: { 'app.txt': '1.1.0' } },
      { version: '0.9.0' },
      { version: '1.1.5', metadata: { version: '1.1.5', channel: 'prerelease' } },
    ]);
    const source = new FolderSource();
    const stable = await source.listReleases(project(folder));
    expect(tags(stable)).toEqual(['v1.1.0', 'v1.0.0', 'v0.9.0']);
    expect(stable.every((r) => r.sha === '' && !r.prerelease)).toBe(true);
    const pre = await source.listReleases(project(folder, { channel: 'prerelease' }));
    expect(tags(pre)).toEqual(['v1.2.0-rc.1', 'v1.1.5', 'v1.1.0', 'v1.0.0', 'v0.9.0']);
    expect(pre.filter((r) => r.prerelease).map((r) => r.tag)).toEqual(['v1.2.0-rc.1', 'v1.1.5']);
    expect(source.lastWarnings(project(folder))).toEqual([]);
  });

  it('derives tags from the project pattern, or takes the metadata tag; a directory may be named after either', async () => {
    const folder = makeReleaseFolder(path.join(makeTempDir(), 'releases'), [
      { version: '2.0.0' },
      { version: '2.1.0', tag: 'jq-2.1.0', dirName: 'jq-2.1.0' },
    ]);
    const listed = await new FolderSource().listReleases(project(folder, { tagPattern: 'jq-{version}' }));
    expect(tags(listed)).toEqual(['jq-2.1.0', 'jq-2.0.0']);
  });

  it('skips unusable entries with a warning each, and ignores plain files and dot-directories', async () => {
    const root = makeTempDir();
    const folder = makeReleaseFolder(path.join(root, 'releases'), [
      { version: '1.0.0' },
      { version: '1.4.0', dirName: '1.3.0' },
      { version: '1.5.0', metadata: '{"version": "1.5.0",' },
      { version: '1.6.0', metadata: { notes: 'no version here' } },
      { version: '1.7.0', metadata: { version: 'seven' } },
      { version: '1.8.0', tag: 'release-1.8.0' },
      { version: '1.10.0', metadata: { version: '1.10.0', release_date: 'next week', notes: { en: 'x' }, breaking_changes: 42 } },
      { version: '1.0.0', dirName: 'v1.0.0' },
    ]);
    mkdirSync(path.join(folder, '1.9.0'));
    writeFileSync(path.join(folder, 'README.txt'), 'not a release\n');
    mkdirSync(path.join(folder, '.upshift-import-abc'));
    writeReleaseDir(path.join(root, 'outside', '2.0.0'), { version: '2.0.0' });
    symlinkSync(path.join(root, 'outside', '2.0.0'), path.join(folder, '2.0.0'));
    symlinkSync(path.join(folder, '1.0.0'), path.join(folder, 'latest'));

    const source = new FolderSource();
    const p = project(folder);
    expect(tags(await source.listReleases(p))).toEqual(['v1.0.0']);
    const w = source.lastWarnings(p).join('\n');
    expect(w).toMatch(/"1\.3\.0" was skipped: its release_metadata\.json describes version 1\.4\.0; a release directory must be named after its version or its tag/);
    expect(w).toMatch(/"1\.5\.0" was skipped: .*not valid JSON/);
    expect(w).toMatch(/"1\.6\.0" was skipped: its release_metadata\.json has no "version"/);
    expect(w).toMatch(/"1\.5\.0" was skipped: its release_metadata\.json is invalid \(1\.5\.0\/release_metadata\.json:1:21: not valid JSON/);
    expect(w).toContain('"1.7.0" was skipped: its release_metadata.json is invalid (1.7.0/release_metadata.json:2:3: version: expected a version such as "1.4.2" (in quotes), got "seven").');
    // Every problem of the file is named with its field and what was expected.
    expect(w).toContain(
      '"1.10.0" was skipped: its release_metadata.json is invalid (1.10.0/release_metadata.json:3:3: release_date: expected an ISO 8601 date such as "2026-02-22" or "2026-02-22T19:00:00Z", got "next week"; ' +
        '1.10.0/release_metadata.json:4:3: notes: expected text (Markdown), got an object; ' +
        '1.10.0/release_metadata.json:7:3: breaking_changes: expected a list of changes (text or {"id", "text"} objects) or true/false, got 42).',
    );
    expect(w).toMatch(/"1\.8\.0" was skipped: its tag "release-1\.8\.0" does not match the project's tag pattern "v\{version\}"/);
    expect(w).toMatch(/"1\.9\.0" was skipped: its release_metadata\.json is missing/);
    expect(w).toMatch(/"2\.0\.0" was skipped: it is a symlink to .*outside the folder/);
    expect(w).toMatch(/"v1\.0\.0" was skipped: "1\.0\.0" already holds version 1\.0\.0/);
    // A symlink inside the folder is followed: `latest` → 1.0.0 duplicates it.
    expect(w).toMatch(/"latest" was skipped/);
    expect(w).not.toMatch(/README|upshift-import/);
  });

  it('a missing folder is FOLDER_NOT_FOUND naming the path', async () => {
    const missing = path.join(makeTempDir(), 'not-mounted');
    await expect(new FolderSource().listReleases(project(missing))).rejects.toMatchObject({ code: 'FOLDER_NOT_FOUND', message: expect.stringContaining(missing) });
  });
});

describe('FolderSource: commits from git bundles', () => {
  function fixture() {
    return createRemoteWithReleases({
      releases: [{ version: '1.0.0' }, { version: '1.1.0', message: 'Release 1.1.0 (annotated)' }, { version: '1.2.0' }],
      checkout: 'v1.0.0',
    });
  }

  it('reads the commit of refs/tags/<tag>, lightweight and annotated, with or without the project repository', async () => {
    const fx = fixture();
    expect(fx.tags['v1.1.0']!.annotated).toBe(true);
    const folder = makeReleaseFolder(path.join(makeTempDir(), 'releases'), [
      { version: '1.1.0', bundle: { repo: fx.remote, tag: 'v1.1.0' } },
      { version: '1.2.0', bundle: { repo: fx.remote, tag: 'v1.2.0' } },
    ]);
    for (const repo of [fx.work, makeTempDir('upshift-notarepo-')]) {
      const listed = await new FolderSource().listReleases(project(folder, { path: repo }));
      expect(listed.map((r) => [r.tag, r.sha])).toEqual([
        ['v1.2.0', fx.sha('v1.2.0')],
        ['v1.1.0', fx.sha('v1.1.0')],
      ]);
    }
  });

  it('an incremental bundle is read against the project repository; without the history it is skipped with a warning', async () => {
    const fx = fixture();
    const folder = makeReleaseFolder(path.join(makeTempDir(), 'releases'), [{ version: '1.1.0', bundle: { repo: fx.remote, tag: 'v1.1.0', base: 'v1.0.0' } }]);
    const source = new FolderSource();
    expect((await source.listReleases(project(folder, { path: fx.work })))[0]).toMatchObject({ tag: 'v1.1.0', sha: fx.sha('v1.1.0') });
    const elsewhere = project(folder);
    expect(await source.listReleases(elsewhere)).toEqual([]);
    expect(source.lastWarnings(elsewhere).join('\n')).toMatch(/"1\.1\.0" was skipped: its bundle project\.bundle needs commits the project's repository does not have/);
  });

  it('skips a release whose bundle lacks its tag, is not a bundle, or is one of several', async () => {
    const fx = fixture();
    const folder = makeReleaseFolder(path.join(makeTempDir(), 'releases'), [
      { version: '1.1.0', bundle: { repo: fx.remote, tag: 'v1.2.0' } },
      { version: '1.2.0', files: { 'broken.bundle': 'not a bundle\n' } },
      { version: '1.0.0', bundle: { repo: fx.remote, tag: 'v1.0.0' }, files: { 'other.bundle': 'x' } },
    ]);
    const source = new FolderSource();
    const p = project(folder);
    expect(await source.listReleases(p)).toEqual([]);
    const w = source.lastWarnings(p).join('\n');
    expect(w).toMatch(/"1\.1\.0" was skipped: its bundle project\.bundle does not hold refs\/tags\/v1\.1\.0 \(it holds refs\/tags\/v1\.2\.0\)/);
    expect(w).toMatch(/"1\.2\.0" was skipped: .*broken\.bundle is not a readable git bundle/);
    expect(w).toMatch(/"1\.0\.0" was skipped: it holds 2 git bundles/);
  });
});

describe('FolderSource: notes and helpers', () => {
  it('describeRelease gives the metadata notes as the body, the date and the metadata', async () => {
    const folder = makeReleaseFolder(path.join(makeTempDir(), 'releases'), [
      { version: '1.1.0', metadata: { version: '1.1.0', date: '2026-02-01', notes: '## 1.1.0\n\n- faster', breaking_changes: ['config key renamed'], contracts_version: '2.0.0' } },
    ]);
    const source = new FolderSource();
    const p = project(folder);
    const [release] = await source.listReleases(p);
    const notes = await source.describeRelease(p, release!);
    expect(notes).toMatchObject({ body: '## 1.1.0\n\n- faster', date: '2026-02-01', url: null, warnings: [] });
    expect(notes?.metadata).toMatchObject({ version: '1.1.0', contractsVersion: '2.0.0', breaking: [{ text: 'config key renamed' }] });
    // Without a listing first (another process): the folder is read again.
    expect((await new FolderSource().describeRelease(p, release!))?.body).toBe('## 1.1.0\n\n- faster');
    expect(await source.describeRelease(p, { tag: 'v9.9.9', version: parseVersion('9.9.9')! })).toBeNull();
  });

  it('folderReleaseDir finds a release by version or tag; bundleFor and verifyFolderRelease check a directory', async () => {
    const fx = createRemoteWithReleases({ releases: [{ version: '1.0.0' }], checkout: null });
    const folder = makeReleaseFolder(path.join(makeTempDir(), 'releases'), [
      { version: '1.0.0', bundle: { repo: fx.remote, tag: 'v1.0.0' } },
      { version: '1.1.0', dirName: 'v1.1.0', files: { 'app.tar.gz': 'payload' } },
    ]);
    const v = (s: string) => parseVersion(s)!;
    expect(await folderReleaseDir(folder, { tag: 'v1.0.0', version: v('1.0.0') })).toBe(path.join(folder, '1.0.0'));
    expect(await folderReleaseDir(folder, { tag: 'v1.1.0', version: v('1.1.0') })).toBe(path.join(folder, 'v1.1.0'));
    await expect(folderReleaseDir(folder, { tag: 'v2.0.0', version: v('2.0.0') })).rejects.toMatchObject({ code: 'RELEASE_NOT_IN_FOLDER' });

    const dir = path.join(folder, '1.0.0');
    expect(await bundleFor(dir)).toBe(path.join(dir, 'project.bundle'));
    expect(await bundleFor(path.join(folder, 'v1.1.0'))).toBeNull();
    const ok = await verifyFolderRelease(dir, { payload: 'project.bundle' });
    expect(ok.payloadPath).toBe(path.join(dir, 'project.bundle'));
    expect([...ok.sums.keys()].sort()).toEqual(['project.bundle', 'release_metadata.json']);

    writeFileSync(path.join(dir, 'project.bundle'), 'tampered');
    const mismatch = await verifyFolderRelease(dir, { payload: 'project.bundle' }).catch((e: unknown) => e);
    expect(isArchiveError(mismatch, 'CHECKSUM_MISMATCH')).toBe(true);
    expect((mismatch as Error).message).toMatch(/nothing was changed/);
    writeFileSync(path.join(dir, 'extra.bundle'), 'x');
    await expect(bundleFor(dir)).rejects.toMatchObject({ code: 'BUNDLE_AMBIGUOUS' });
    const missing = await verifyFolderRelease(dir, { payload: 'extra.bundle' }).catch((e: unknown) => e);
    expect(isArchiveError(missing, 'CHECKSUM_MISSING')).toBe(true);
  });
});

describe('routing folder projects', () => {
  it('the router sends source.type folder to the folder source (from the manifest or the project), sourceProjectOf fills the folder', async () => {
    const root = makeTempDir();
    const folder = makeReleaseFolder(path.join(root, 'releases'), [{ version: '1.0.0' }]);
    const projectDir = path.join(root, 'app');
    mkdirSync(projectDir);
    writeFileSync(path.join(projectDir, 'upshift.yml'), 'source:\n  type: folder\n  path: ../releases\n');
    const manifest = loadManifest(projectDir);
    expect(manifest.source).toMatchObject({ type: 'folder', path: folder });

    const seen: string[] = [];
    const fake = (name: string): ReleaseSource => ({
      listReleases: async () => {
        seen.push(name);
        return [];
      },
    });
    const router = new SourceRouter(fake('git'), fake('github'));
    const base = { remote: 'origin', tagPattern: 'v{version}', channel: 'stable' as const };
    expect(tags(await router.listReleases({ ...base, path: projectDir }))).toEqual(['v1.0.0']);
    expect(seen).toEqual([]);

    const ctx = { record: { path: projectDir, name: 'app' }, manifest, pattern: compileTagPattern('v{version}'), core: null } as unknown as ProjectContext;
    const sp = sourceProjectOf(ctx);
    expect(sp.folder).toEqual({ path: folder });
    expect(tags(await router.listReleases(sp))).toEqual(['v1.0.0']);
    expect(router.lastWarnings(sp)).toEqual([]);
    await router.listReleases({ ...base, path: makeTempDir() });
    expect(seen).toEqual(['git']);
  });
});

describe('bundles made by hand', () => {
  it('makeBundle output passes through the folder source untouched by the project repository', async () => {
    const fx = createRemoteWithReleases({ releases: [{ version: '3.0.0', message: 'three' }], checkout: null });
    const dir = path.join(makeTempDir(), 'releases', '3.0.0');
    mkdirSync(dir, { recursive: true });
    makeBundle(fx.remote, 'v3.0.0', path.join(dir, 'app.bundle'));
    writeReleaseDir(dir, { version: '3.0.0' });
    const listed = await new FolderSource().listReleases(project(path.dirname(dir)));
    expect(listed).toEqual([expect.objectContaining({ tag: 'v3.0.0', sha: fx.sha('v3.0.0') })]);
  });
});
