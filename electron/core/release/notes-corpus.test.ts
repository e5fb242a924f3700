import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRemoteWithReleases } from '../../../test/helpers/repos.js';
import { fetchTag } from '../git/fetch.js';
import { changelogVersions, findChangelogSection, notesFileRank, notesFormat } from './changelog.js';
import { excerptNotes, moreLinesText } from './excerpt.js';
import { applySourceNotes } from '../source/github/notes.js';
import { loadReleaseInfo } from './info.js';
import { parseReleaseMetadata } from './metadata.js';
import { isTrivialTagMessage } from './tag-message.js';

/** Real notes files from public projects, trimmed; test/fixtures/notes/README.md names where each was recorded. */
const NOTES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/notes');
const corpus = (file: string) => readFileSync(path.join(NOTES, file), 'utf8');

interface Expected {
  title: string;
  first: string;
  last: string;
  lines: number;
  date: string | null;
}

/** The section's title, first and last line (exactly as written), line count and date. */
function sectionOf(file: string, version: string, tag?: string): Expected | null {
  const s = findChangelogSection(corpus(file), version, tag, notesFormat(file));
  if (!s) return null;
  const lines = s.body.split('\n');
  return { title: s.title, first: lines[0]!, last: lines[lines.length - 1]!, lines: lines.length, date: s.date };
}

describe('notes corpus: the versions each real file has sections for', () => {
  it.each([
    ['click/CHANGES.rst', ['8.2.0', '8.1.8', '8.1.7', '8.1.6', '8.1.5', '8.1.4', '8.1.3']],
    ['redis/00-RELEASENOTES', ['7.0.5', '7.0.4', '7.0.3', '7.0.2', '7.0.1', '7.0.0']],
    // `# Previous releases` lists older versions in prose ("New features in 1.6 since 1.5:"), not as sections.
    ['jq/NEWS.md', ['1.7.0']],
    ['node_exporter/CHANGELOG.md', ['0.13.0', '0.12.0', '0.11.0', '0.10.0', '0.9.0', '0.8.1', '0.8.0']],
    // `## [Unreleased]` is not a release.
    ['keep-a-changelog/CHANGELOG.md', ['1.1.0', '1.0.0', '0.3.0', '0.2.0', '0.1.0', '0.0.8', '0.0.7', '0.0.6', '0.0.5', '0.0.4', '0.0.3', '0.0.2', '0.0.1']],
    // `2.3.0 (YYYY-MM-DD)` is the unreleased next version, written as a release heading.
    ['requests/HISTORY.rst', ['2.3.0', '2.2.1', '2.2.0', '2.1.0', '2.0.1', '2.0.0', '1.2.3', '1.2.2', '1.2.1', '1.2.0']],
    ['express/History.md', ['1.0.0-rc4', '1.0.0-rc3', '1.0.0-rc2', '1.0.0-rc', '1.0.0-beta2', '1.0.0-beta', '0.14.0']],
    // `* Changes in Wget X.Y.Z` is not a version.
    ['wget/NEWS', ['1.14.0', '1.13.4', '1.13.3']],
  ])('%s', (file, versions) => {
    expect(changelogVersions(corpus(file), notesFormat(file))).toEqual(versions);
  });
});

describe('notes corpus: the section chosen for a release, first and last line exactly', () => {
  it('click CHANGES.rst (reST titles underlined with -): a section ends at the next title, its date from "Released …"', () => {
    expect(sectionOf('click/CHANGES.rst', '8.1.7')).toEqual({
      title: 'Version 8.1.7',
      first: 'Released 2023-08-17',
      last: '-   Fix issue with completion script for Fish shell. :issue:`2567`',
      lines: 5,
      date: '2023-08-17',
    });
    // Nested lists and blank lines inside a section do not end it; the last section runs to the end of the file.
    expect(sectionOf('click/CHANGES.rst', '8.2.0')).toMatchObject({ first: 'Unreleased', last: '-   Incorrect ``click.edit`` typing has been corrected. :pr:`2804`', lines: 92 });
    expect(sectionOf('click/CHANGES.rst', '8.1.3')).toMatchObject({ first: 'Released 2022-04-28', last: '    :issue:`2246`', lines: 7 });
    expect(sectionOf('click/CHANGES.rst', '8.0.0')).toBeNull();
  });

  it('redis 00-RELEASENOTES (no extension, ==== blocks): sub-headings inside a release do not end it', () => {
    expect(sectionOf('redis/00-RELEASENOTES', '7.0.5')).toEqual({
      title: 'Redis 7.0.5 Released Wed Sep 21 20:00:00 IST 2022',
      first: 'Upgrade urgency: SECURITY, contains fixes to security issues.',
      last: '* Fix missing sections for INFO ALL when also requesting a module info section (#11291)',
      lines: 37,
      date: '2022-09-21',
    });
    expect(sectionOf('redis/00-RELEASENOTES', '7.0.4')).toMatchObject({ last: '  remote code execution. The problem affects Redis versions 7.0.0 or newer.', lines: 6, date: '2022-07-18' });
    // 7.0 is 7.0.0: the `Redis 7.0.0 GA` release block, not the file's title `Redis 7.0 release notes` nor a
    // sub-heading `Fixes for issues in previous releases of Redis 7.0`.
    expect(sectionOf('redis/00-RELEASENOTES', '7.0')).toMatchObject({ title: 'Redis 7.0.0 GA  Released Wed Apr 27 12:00:00 IST 2022', lines: 83 });
    expect(sectionOf('redis/00-RELEASENOTES', '7.0.0')?.last).toBe('* Fix RM_Yield module API bug processing future commands of the current client (#10573)');
    // `Redis 7.0 RC3` is the prerelease 7.0-rc3, never 7.0.0 (and not in this trimmed file).
    expect(sectionOf('redis/00-RELEASENOTES', '7.0-rc3')).toBeNull();
  });

  it('jq NEWS.md: `# …` inside fenced code is not a heading; the section ends at `# Previous releases`', () => {
    const s = sectionOf('jq/NEWS.md', '1.7', 'jq-1.7');
    expect(s).toEqual({
      title: '1.7',
      first: "After a five year hiatus we're back with a GitHub organization, with new admins and new maintainers who have brought a great deal of energy to make a long-awaited and long-needed new release.",
      // As written, trailing space included.
      last: '- Fix sub/3 to resolve issues involving global search-and-replace (gsub) operations. @pkoppstein #2641 ',
      lines: 201,
      date: null,
    });
    expect(findChangelogSection(corpus('jq/NEWS.md'), '1.7')!.body).toContain('## Language changes');
    expect(sectionOf('jq/NEWS.md', '1.6')).toBeNull();
  });

  it('node_exporter CHANGELOG.md (`## v0.13.0 / 2016-11-26`) and Keep a Changelog (`## [1.1.0] - 2019-02-15`)', () => {
    expect(sectionOf('node_exporter/CHANGELOG.md', '0.13.0')).toEqual({
      title: 'v0.13.0 / 2016-11-26',
      first: 'NOTE: We have disabled builds of linux/ppc64 and linux/ppc64le due to build bugs.',
      last: '* [BUGFIX] Fix additional mdadm parsing cases #346',
      lines: 23,
      date: '2016-11-26',
    });
    // A heading directly followed by its first line (no blank line) and the file's end.
    expect(sectionOf('node_exporter/CHANGELOG.md', '0.8.0')).toMatchObject({ first: '* [CLEANUP] Introduced semantic versioning and changelog. From now on,', last: '  changes will be reported in this file.', lines: 2 });
    expect(sectionOf('keep-a-changelog/CHANGELOG.md', '1.1.0')).toEqual({
      title: '[1.1.0] - 2019-02-15',
      first: '### Added',
      last: '- Fixed typos in Indonesian translation from [@ekojs](https://github.com/ekojs).',
      lines: 10,
      date: '2019-02-15',
    });
    // The link definitions at the end of the file are not part of the last release's notes.
    expect(sectionOf('keep-a-changelog/CHANGELOG.md', '0.0.1')).toMatchObject({ last: '- Counter-examples: "What makes unicorns cry?"', lines: 8 });
  });

  it('requests HISTORY.rst (two reST title levels): a version ends at the next version; its closing paragraph stays', () => {
    expect(sectionOf('requests/HISTORY.rst', '1.2.0')).toEqual({
      title: '1.2.0 (2013-03-31)',
      first: '- Fixed cookies on sessions and on requests',
      last: 'issues.',
      lines: 24,
      date: '2013-03-31',
    });
    expect(sectionOf('requests/HISTORY.rst', '2.2.1')).toMatchObject({ first: '**Bugfixes**', last: '- Assorted urllib3 fixes.', lines: 4 });
  });

  it('express History.md (setext `====`, glued prereleases `1.0.0rc4`, trailing spaces and a tab-only line)', () => {
    expect(sectionOf('express/History.md', '1.0.0-rc4')).toEqual({
      title: '1.0.0rc4 / 2010-10-14',
      first: '  * Added _NODE_ENV_ support, _EXPRESS_ENV_ is deprecated and will be removed in 1.0.0',
      last: '  * Fixed mvc example',
      lines: 15,
      date: '2010-10-14',
    });
    expect(sectionOf('express/History.md', '1.0.0rc', '1.0.0rc')).toMatchObject({ first: '  * Added mounted hook. Closes #369', last: '  * Fixed; _configure()_ callbacks called immediately. Closes #368', lines: 13 });
  });

  it('wget NEWS (GNU `* Changes in Wget 1.14`, `**` items inside)', () => {
    expect(sectionOf('wget/NEWS', '1.14')).toEqual({
      title: 'Changes in Wget 1.14',
      first: '** Add support for content-on-error.  It allows to store the HTTP',
      last: '** Add support for RFC 2617 Digest Access Authentication.',
      lines: 24,
      date: null,
    });
    expect(sectionOf('wget/NEWS', '1.13.3')).toMatchObject({ first: '** Support HTTP/1.1', last: '   a DNS name when it is resolved.', lines: 63 });
  });

  it('GNU `* Noteworthy changes in release`, plain `1.2.0 (2024-01-01)` lines and `# v1.2.0` are read too', () => {
    const gnu = 'GNU hello NEWS\n\n* Noteworthy changes in release 2.12.1 (2023-05-03) [stable]\n\n** Bug fixes\n\n  Fixed the thing.\n\n* Noteworthy changes in release 2.12 (2022-03-20) [stable]\n\n  Older.\n';
    expect(findChangelogSection(gnu, '2.12.1', undefined, 'text')).toMatchObject({ body: '** Bug fixes\n\n  Fixed the thing.', date: '2023-05-03' });
    expect(findChangelogSection(gnu, '2.12.0', undefined, 'text')?.body).toBe('  Older.');
    const plain = 'Project history\n\n1.2.0 (2024-01-01)\n- two\n- three\n\n1.1.0 (2023-12-01)\n- one\n';
    expect(findChangelogSection(plain, '1.2.0', undefined, 'text')).toMatchObject({ body: '- two\n- three', date: '2024-01-01' });
    expect(findChangelogSection('# v1.2.0\n\n- a\n\n# v1.1.0\n\n- b\n', '1.2.0')?.body).toBe('- a');
  });
});

describe('notes files: names and formats', () => {
  it('the root and docs/ hold them, in any case, with .md, .rst, .txt or no extension', () => {
    for (const p of ['CHANGELOG.md', 'CHANGES.rst', 'HISTORY.rst', 'NEWS', 'NEWS.md', 'RELEASE-NOTES.txt', 'RELEASENOTES', '00-RELEASENOTES', 'History.md', 'docs/changelog.md', 'doc/CHANGES.txt']) {
      expect(notesFileRank(p), p).not.toBeNull();
    }
    for (const p of ['README.md', 'src/CHANGELOG.md', 'CHANGELOG.json', 'changes.py']) expect(notesFileRank(p), p).toBeNull();
    expect(notesFileRank('CHANGELOG.md')!).toBeLessThan(notesFileRank('NEWS')!);
    expect(notesFileRank('NEWS')!).toBeLessThan(notesFileRank('docs/CHANGELOG.md')!);
    expect([notesFormat('CHANGES.rst'), notesFormat('NEWS.md'), notesFormat('00-RELEASENOTES'), notesFormat('NEWS.txt')]).toEqual(['rst', 'markdown', 'text', 'text']);
  });
});

describe('trivial tag messages', () => {
  it.each([
    ['Release version 8.5.0.', '8.5.0', '8.5.0'],
    ['Version 8.5.0', '8.5.0', '8.5.0'],
    ['v8.5.0', '8.5.0', 'v8.5.0'],
    ['8.5.0', '8.5.0', '8.5.0'],
    ['Bump to 8.5.0', '8.5.0', '8.5.0'],
    ['Release 8.5', '8.5.0', '8.5.0'],
    ['chore(release): 8.5.0 [skip ci]', '8.5.0', 'v8.5.0'],
    ['jq 1.7.1', '1.7.1', 'jq-1.7.1'],
    ['jq-1.7.1', '1.7.1', 'jq-1.7.1'],
    ['Redis 7.4.1 (2024-10-02)', '7.4.1', '7.4.1'],
    ['Release v1.2.0\n\nSigned-off-by: A Person <a@example.com>', '1.2.0', 'v1.2.0'],
  ])('%j is trivial', (message, version, tag) => {
    expect(isTrivialTagMessage(message, version, tag)).toBe(true);
  });

  it.each([
    ['Fix a crash on start', '1.2.0', 'v1.2.0'],
    ['1.2.0: fix a crash on start', '1.2.0', 'v1.2.0'],
    ['Release 1.3.0', '1.2.0', 'v1.2.0'],
    ['v1.2.0\n\n- a new flag\n- less memory', '1.2.0', 'v1.2.0'],
  ])('%j says something', (message, version, tag) => {
    expect(isTrivialTagMessage(message, version, tag)).toBe(false);
  });
});

describe('shortened notes say so', () => {
  it('jq 1.7 cut to 15 lines: at a line boundary, never inside its fenced examples, with the count of what is left', () => {
    const body = findChangelogSection(corpus('jq/NEWS.md'), '1.7')!.body;
    const total = body.split('\n').length;
    const cut = excerptNotes(body, { maxLines: 15 });
    const kept = cut.text.split('\n');
    expect(kept.length).toBeLessThanOrEqual(15);
    expect(body.startsWith(cut.text)).toBe(true);
    expect(cut.omittedLines).toBeGreaterThan(0);
    expect(kept.length + cut.omittedLines).toBeLessThanOrEqual(total);
    expect(kept.filter((l) => l.trimStart().startsWith('```')).length % 2).toBe(0);
    expect(moreLinesText(cut.omittedLines, 'NEWS.md')).toBe(`… ${cut.omittedLines} more lines in NEWS.md`);
    // A cut that would fall inside the first code example stops before the fence instead.
    const inFence = excerptNotes(body, { maxLines: 25 });
    expect(inFence.text.split('\n').filter((l) => l.trimStart().startsWith('```')).length % 2).toBe(0);
    expect(inFence.text.endsWith('#2703')).toBe(true);
  });

  it('a body that fits is unchanged; a single over-long line is the only cut inside a line, ending in …', () => {
    expect(excerptNotes('a\nb', { maxLines: 2 })).toEqual({ text: 'a\nb', omittedLines: 0 });
    expect(excerptNotes('x'.repeat(50) + '\nnext', { maxChars: 10 })).toEqual({ text: `${'x'.repeat(10)}…`, omittedLines: 1 });
    expect(moreLinesText(1, 'CHANGES.rst')).toBe('… 1 more line in CHANGES.rst');
  });
});

describe('release notes from the corpus at a real release commit', () => {
  async function infoAt(files: Record<string, string>, release: { version: string; tag: string; message?: string }) {
    const f = createRemoteWithReleases({ releases: [{ version: '0.0.1', tag: 'base' }, { ...release, files }] });
    const { sha } = await fetchTag(f.work, 'origin', release.tag);
    return loadReleaseInfo(f.work, { tag: release.tag, sha, version: release.version, previousSha: f.sha('base') });
  }

  it('click: "Release version 8.1.7." loses to the CHANGES.rst section, and the note says where it came from', async () => {
    const info = await infoAt({ 'CHANGES.rst': corpus('click/CHANGES.rst') }, { version: '8.1.7', tag: '8.1.7', message: 'Release version 8.1.7.' });
    expect(info.note).toMatchObject({ source: 'changelog', origin: 'CHANGES.rst, section "Version 8.1.7"', file: 'CHANGES.rst', date: '2023-08-17' });
    expect(info.note.body.split('\n')[0]).toBe('Released 2023-08-17');
    expect(info.note.body.split('\n').at(-1)).toBe('-   Fix issue with completion script for Fish shell. :issue:`2567`');
    expect(info.note.truncated).toBeUndefined();
  });

  it('redis: 00-RELEASENOTES at a lightweight tag; jq: NEWS.md for tag jq-1.7', async () => {
    const redis = await infoAt({ '00-RELEASENOTES': corpus('redis/00-RELEASENOTES') }, { version: '7.0.4', tag: '7.0.4' });
    expect(redis.note).toMatchObject({ source: 'changelog', origin: '00-RELEASENOTES, section "Redis 7.0.4 Released Monday Jul 18 12:00:00 IST 2022"', date: '2022-07-18' });
    expect(redis.note.body.split('\n')[0]).toBe('Upgrade urgency: SECURITY, contains fixes to security issues.');
    const jq = await infoAt({ 'NEWS.md': corpus('jq/NEWS.md') }, { version: '1.7', tag: 'jq-1.7', message: 'jq 1.7' });
    expect(jq.note).toMatchObject({ source: 'changelog', origin: 'NEWS.md, section "1.7"' });
    expect(jq.note.body.split('\n')).toHaveLength(201);
  });

  it('a notes file in docs/ with a lower-case name is read; a root one is preferred', async () => {
    const info = await infoAt({ 'docs/changelog.md': corpus('keep-a-changelog/CHANGELOG.md') }, { version: '1.1.0', tag: 'v1.1.0' });
    expect(info.note).toMatchObject({ source: 'changelog', origin: 'docs/changelog.md, section "[1.1.0] - 2019-02-15"', date: '2019-02-15' });
    const both = await infoAt({ 'docs/changelog.md': '## 1.1.0\n\n- from docs\n', 'HISTORY.rst': corpus('requests/HISTORY.rst').replace('2.2.1 (2014-01-23)', '1.1.0 (2014-01-23)') }, { version: '1.1.0', tag: 'v1.1.0' });
    expect(both.note).toMatchObject({ origin: 'HISTORY.rst, section "1.1.0 (2014-01-23)"', body: '**Bugfixes**\n\n- Fixes incorrect parsing of proxy credentials that contain a literal or encoded \'#\' character.\n- Assorted urllib3 fixes.' });
  });

  it('a tag message that says something still wins, and says so', async () => {
    const info = await infoAt({ 'CHANGES.rst': corpus('click/CHANGES.rst') }, { version: '8.1.7', tag: '8.1.7', message: 'Fix shell completion regressions\n\nSee CHANGES.rst.' });
    expect(info.note).toMatchObject({ source: 'tag-message', origin: 'the message of tag 8.1.7', body: 'Fix shell completion regressions\n\nSee CHANGES.rst.' });
  });

  it('without a section, commit subjects beat a trivial tag message; the trivial message is the last resort', async () => {
    const info = await infoAt({ 'CHANGES.rst': corpus('click/CHANGES.rst') }, { version: '9.9.9', tag: '9.9.9', message: 'Release 9.9.9' });
    expect(info.note.source).toBe('commits');
    expect(info.note.origin).toMatch(/^the subjects of the commits since [0-9a-f]{12}$/);
    const f = createRemoteWithReleases({ releases: [{ version: '1.0.0', message: 'Release version 1.0.0.' }] });
    const { sha } = await fetchTag(f.work, 'origin', 'v1.0.0');
    const alone = await loadReleaseInfo(f.work, { tag: 'v1.0.0', sha, version: '1.0.0', previousSha: null });
    expect(alone.note).toMatchObject({ source: 'tag-message', body: 'Release version 1.0.0.', origin: 'the message of tag v1.0.0' });
  });

  it('a section over the limit is shortened at a line boundary and ends with "… N more lines in <file>"', async () => {
    const items = Array.from({ length: 3000 }, (_, i) => `- change ${i + 1}`);
    const info = await infoAt({ 'CHANGELOG.md': `# Changelog\n\n## 2.0.0\n\n${items.join('\n')}\n\n## 1.0.0\n\n- old\n` }, { version: '2.0.0', tag: 'v2.0.0' });
    const lines = info.note.body.split('\n');
    expect(info.note.truncated).toEqual({ omittedLines: 1500, from: 'CHANGELOG.md' });
    expect(lines.slice(0, 1500)).toEqual(items.slice(0, 1500));
    expect(lines.slice(1500)).toEqual(['', '… 1500 more lines in CHANGELOG.md']);
  });

  it('a GitHub release body or metadata asset replaces the changelog note, and the note says so', async () => {
    const info = await infoAt({ 'CHANGES.rst': corpus('click/CHANGES.rst') }, { version: '8.1.7', tag: '8.1.7', message: 'Release version 8.1.7.' });
    const released = applySourceNotes(info, { body: 'From the release page', date: '2023-08-17T10:00:00Z', url: 'https://github.com/pallets/click/releases/tag/8.1.7', metadata: null, warnings: [] });
    expect(released.note).toEqual({ version: '8.1.7', tag: '8.1.7', body: 'From the release page', source: 'release', origin: 'the GitHub release 8.1.7', breaking: [], date: '2023-08-17T10:00:00Z' });
    const asset = parseReleaseMetadata(JSON.stringify({ version: '8.1.7', notes: 'From the asset' }), 'release_metadata.json (release asset)', '8.1.7').metadata!;
    const fromAsset = applySourceNotes(info, { body: '', date: null, url: 'https://github.com/pallets/click/releases/tag/8.1.7', metadata: asset, warnings: [] });
    expect(fromAsset.note).toMatchObject({ body: 'From the asset', source: 'metadata', origin: 'release metadata (release_metadata.json (release asset))' });
    // Nothing from the source: the changelog note stands, with its origin.
    expect(applySourceNotes(info, { body: '', date: null, url: null, metadata: null, warnings: [] }).note).toMatchObject({ source: 'changelog', origin: 'CHANGES.rst, section "Version 8.1.7"', file: 'CHANGES.rst' });
  });
});
