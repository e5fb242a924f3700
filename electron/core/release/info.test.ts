import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRemoteWithReleases, FIXTURES_DIR, git, pushTag, type RemoteFixture } from '../../../test/helpers/repos.js';
import { fetchTag } from '../git/fetch.js';
import { breakingChanges, loadReleaseInfo, releaseNotes } from './info.js';
import { readReleaseMetadata } from './metadata.js';

/** Fetches the tag (the documented precondition) and returns the release input. */
async function fetched(f: RemoteFixture, tag: string, version: string) {
  const { sha } = await fetchTag(f.work, 'origin', tag);
  return { tag, sha, version };
}

describe('readReleaseMetadata at a release commit', () => {
  it('reads release_metadata.json, falls back to releases.json, and prefers the first when both exist', async () => {
    const real = readFileSync(path.join(FIXTURES_DIR, 'vitruvyan', 'releases.json'), 'utf8');
    const f = createRemoteWithReleases({
      releases: [
        { version: '1.0.0' },
        { version: '1.2.0', files: { 'release_metadata.json': JSON.stringify({ version: '1.2.0', release_date: '2026-01-01', changes: { breaking: ['from release_metadata'] } }) } },
        { version: '1.3.0', files: { 'release_metadata.json': null, 'releases.json': real } },
        {
          version: '1.4.0',
          files: {
            'release_metadata.json': JSON.stringify({ version: '1.4.0', contracts_version: '2.0' }),
            'releases.json': JSON.stringify({ version: '1.4.0', contracts_version: '9.9' }),
          },
        },
      ],
    });
    const r12 = await fetched(f, 'v1.2.0', '1.2.0');
    expect((await readReleaseMetadata(f.work, r12.sha, { version: '1.2.0' })).metadata).toMatchObject({ file: 'release_metadata.json', breaking: [{ text: 'from release_metadata' }] });
    const r13 = await fetched(f, 'v1.3.0', '1.3.0');
    const m13 = await readReleaseMetadata(f.work, r13.sha, { version: '1.3.0' });
    expect(m13.metadata?.file).toBe('releases.json');
    expect(m13.metadata?.breaking).toHaveLength(2);
    const r14 = await fetched(f, 'v1.4.0', '1.4.0');
    expect((await readReleaseMetadata(f.work, r14.sha, { version: '1.4.0' })).metadata).toMatchObject({ file: 'release_metadata.json', contractsVersion: '2.0' });
    expect((await readReleaseMetadata(f.work, f.sha('v1.0.0'))).metadata).toBeNull();
  });

  it('invalid metadata is located and stops the search (releases.json does not stand in for it), and the release info says so', async () => {
    const f = createRemoteWithReleases({
      releases: [
        { version: '1.0.0' },
        { version: '2.0.0', files: { 'release_metadata.json': '{ "version": "2.0.0",\n  oops', 'releases.json': JSON.stringify([{ version: '2.0.0', changes: { breaking_changes: ['from releases.json'] } }]) } },
        {
          version: '3.0.0',
          files: { 'release_metadata.json': JSON.stringify({ version: '3.0.0', release_date: 'yesterday', notes: { text: 'x' }, breaking_changes: 42 }, null, 2) },
        },
      ],
    });
    const r = await fetched(f, 'v2.0.0', '2.0.0');
    const m = await readReleaseMetadata(f.work, r.sha, { version: '2.0.0' });
    expect(m.metadata).toBeNull();
    expect(m.issues).toEqual([{ file: 'release_metadata.json', line: 2, column: 3, field: '', problem: expect.stringMatching(/^not valid JSON: /) }]);

    const r3 = await fetched(f, 'v3.0.0', '3.0.0');
    const info = await loadReleaseInfo(f.work, { ...r3, previousSha: r.sha });
    expect(info.metadata).toBeNull();
    expect(info.invalid?.file).toBe('release_metadata.json');
    expect(info.invalid?.issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.problem}`)).toEqual([
      '3:3 release_date: expected an ISO 8601 date such as "2026-02-22" or "2026-02-22T19:00:00Z", got "yesterday"',
      '4:3 notes: expected text (Markdown), got an object',
      '7:3 breaking_changes: expected a list of changes (text or {"id", "text"} objects) or true/false, got 42',
    ]);
    expect(info.invalid?.reason).toMatch(/^the release metadata of v3\.0\.0 is invalid: release_metadata\.json:3:3: release_date: /);
    // A release with valid (or no) metadata has no `invalid`.
    expect((await loadReleaseInfo(f.work, { ...r, previousSha: null })).invalid).toBeDefined();
    expect((await loadReleaseInfo(f.work, { ...(await fetched(f, 'v1.0.0', '1.0.0')), previousSha: null })).invalid).toBeUndefined();
  });
});

describe('release notes', () => {
  it('from metadata: features, fixes, breaking, migration link, and the metadata date', async () => {
    const f = createRemoteWithReleases({
      releases: [
        { version: '1.0.0' },
        {
          version: '1.1.0',
          message: 'A tag message that loses to metadata',
          files: {
            'release_metadata.json': JSON.stringify({
              version: '1.1.0',
              release_date: '2026-02-01',
              contracts_version: '1.4',
              changes: { breaking_changes: ['Renamed the CLI'], features: ['Faster'], fixes: ['Crash on start'] },
              migration_guide_url: 'https://example.com/m',
            }),
          },
        },
      ],
    });
    const release = await fetched(f, 'v1.1.0', '1.1.0');
    const info = await loadReleaseInfo(f.work, { ...release, previousSha: f.sha('v1.0.0') });
    expect(info.note).toMatchObject({ version: '1.1.0', tag: 'v1.1.0', source: 'metadata', date: '2026-02-01', breaking: ['Renamed the CLI'] });
    expect(info.note.body).toContain('### Breaking changes\n\n- Renamed the CLI');
    expect(info.note.body).toContain('### Features\n\n- Faster');
    expect(info.note.body).toContain('### Fixes\n\n- Crash on start');
    expect(info.note.body).toContain('Migration guide: https://example.com/m');
    expect(info.contractsVersion).toBe('1.4');
    expect(info.breaking).toEqual([{ text: 'Renamed the CLI', version: '1.1.0' }]);
  });

  it('from the annotated tag message when there is no metadata', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0', message: 'Highlights\n\n- a new flag\n- less memory' }] });
    const release = await fetched(f, 'v1.1.0', '1.1.0');
    const note = await releaseNotes(f.work, { fromSha: f.sha('v1.0.0'), release });
    expect(note).toMatchObject({ source: 'tag-message', body: 'Highlights\n\n- a new flag\n- less memory' });
    expect(note.date).toMatch(/^\d{4}-/);
  });

  it('from the CHANGELOG.md section at the release commit when the tag message only repeats the version', async () => {
    const changelog = '# Changelog\n\n## [1.1.0] - 2026-03-03\n### Fixed\n- the thing\n\n## [1.0.0] - 2026-01-01\n- first\n';
    const f = createRemoteWithReleases({
      releases: [{ version: '1.0.0' }, { version: '1.1.0', message: 'Release v1.1.0', files: { 'CHANGELOG.md': changelog } }],
    });
    const release = await fetched(f, 'v1.1.0', '1.1.0');
    const note = await releaseNotes(f.work, { fromSha: f.sha('v1.0.0'), release });
    expect(note).toMatchObject({ source: 'changelog', body: '### Fixed\n- the thing', date: '2026-03-03' });
  });

  it('from commit subjects since the previous release', async () => {
    const f = createRemoteWithReleases({
      releases: [
        { version: '1.0.0' },
        { version: '1.1.0', commits: [{ message: 'Add retries', files: { 'r.txt': 'r' } }, { message: 'Tidy docs', files: { 'd.txt': 'd' } }] },
      ],
    });
    const release = await fetched(f, 'v1.1.0', '1.1.0');
    const note = await releaseNotes(f.work, { fromSha: f.sha('v1.0.0'), release });
    expect(note.source).toBe('commits');
    expect(note.body.split('\n').map((l) => l.replace(/ \([0-9a-f]{7}\)$/, ''))).toEqual(['- Release v1.1.0', '- Tidy docs', '- Add retries']);
  });

  it('none when nothing describes the release and the previous commit is unknown', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0' }] });
    const release = await fetched(f, 'v1.1.0', '1.1.0');
    expect(await releaseNotes(f.work, { fromSha: null, release })).toMatchObject({ source: 'none', body: '', breaking: [] });
  });

  it('requires the release to be fetched first, and says so', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0' }] });
    const e = await releaseNotes(f.work, { fromSha: null, release: { tag: 'v1.1.0', sha: f.sha('v1.1.0'), version: '1.1.0' } }).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'ref-not-found' });
    expect((e as Error).message).toMatch(/fetch the tag/);
  });
});

describe('breaking changes', () => {
  it('unions metadata and conventional commits in the range, de-duplicated, attributed to the release', async () => {
    const f = createRemoteWithReleases({
      releases: [
        { version: '1.0.0' },
        {
          version: '2.0.0',
          commits: [
            { message: 'feat(api)!: remove the v1 endpoints', files: { a: '1' } },
            { message: 'fix: keep going\n\nBREAKING CHANGE: config moved to\n~/.config/app\n\nRefs: #1', files: { b: '1' } },
            { message: 'refactor: internal\n\nBREAKING-CHANGE: Drop Node 18', files: { c: '1' } },
            { message: 'feat: harmless', files: { d: '1' } },
            { message: 'docs: mention breaking change: not a footer', files: { e: '1' } },
          ],
          files: { 'releases.json': JSON.stringify({ version: '2.0.0', changes: { breaking_changes: ['Drop Node 18', { id: 'DB-1', description: 'Schema v2' }] } }) },
        },
      ],
    });
    const release = await fetched(f, 'v2.0.0', '2.0.0');
    const list = await breakingChanges(f.work, { fromSha: f.sha('v1.0.0'), release });
    expect(list.map((b) => b.text)).toEqual(['Drop Node 18', 'Schema v2', 'remove the v1 endpoints', 'config moved to ~/.config/app']);
    expect(list.every((b) => b.version === '2.0.0')).toBe(true);
    expect(list[1]!.id).toBe('DB-1');
    expect(list[2]!.id).toMatch(/^[0-9a-f]{7}$/);
  });

  it('only the commits since fromSha count', async () => {
    const f = createRemoteWithReleases({
      releases: [{ version: '1.0.0', commits: [{ message: 'feat!: an old break', files: { o: '1' } }] }, { version: '1.1.0' }],
    });
    const release = await fetched(f, 'v1.1.0', '1.1.0');
    expect(await breakingChanges(f.work, { fromSha: f.sha('v1.0.0'), release })).toEqual([]);
  });

  it('a previous commit that is not in the repository is a warning, not a failure', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }, { version: '1.1.0' }] });
    const release = await fetched(f, 'v1.1.0', '1.1.0');
    const info = await loadReleaseInfo(f.work, { ...release, previousSha: '1'.repeat(40) });
    expect(info.warnings.join('\n')).toMatch(/could not be listed/);
    expect(info.commitCount).toBeNull();
  });

  it('a release published later is described once fetched', async () => {
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0' }] });
    pushTag(f.remote, 'v1.0.1', { 'fix.txt': 'x' }, { commitMessage: 'fix!: stricter parsing' });
    git(f.work, 'fetch', '-q', 'origin');
    const release = await fetched(f, 'v1.0.1', '1.0.1');
    const info = await loadReleaseInfo(f.work, { ...release, previousSha: f.sha('v1.0.0') });
    expect(info.breaking.map((b) => b.text)).toEqual(['stricter parsing']);
    expect(info.note.source).toBe('commits');
  });
});
