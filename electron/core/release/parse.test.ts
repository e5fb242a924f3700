import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../../test/helpers/repos.js';
import { findChangelogSection } from './changelog.js';
import { breakingChangesOfCommit, breakingFooters, parseConventionalHeader } from './conventional.js';
import { parseReleaseMetadata } from './metadata.js';
import { formatMetadataIssue, isIsoDate } from './metadata-schema.js';

describe('parseReleaseMetadata', () => {
  it('reads the real vitruvyan releases.json, including breaking_changes (the seed dropped them)', () => {
    const text = readFileSync(path.join(FIXTURES_DIR, 'vitruvyan', 'releases.json'), 'utf8');
    const { metadata, warnings } = parseReleaseMetadata(text, 'releases.json', '1.3.0');
    expect(metadata).not.toBeNull();
    expect(metadata!.version).toBe('1.3.0');
    expect(metadata!.channel).toBe('stable');
    expect(metadata!.releaseDate).toBe('2026-02-22T19:00:00Z');
    expect(metadata!.breaking.map((b) => b.text)).toEqual([
      'Python imports changed: infrastructure.edge.oculus_prime → vitruvyan_edge.oculus_prime',
      'Dockerfile COPY changed: infrastructure/edge/oculus_prime → vitruvyan_edge',
    ]);
    expect(metadata!.features).toHaveLength(6);
    expect(metadata!.fixes).toEqual([]);
    expect(metadata!.checksum).toEqual({ type: 'sha256', value: 'TBD' });
    // What it ignored is said, not swallowed.
    expect(metadata!.ignoredKeys.sort()).toEqual(['changes.documentation', 'commits', 'upgrade_instructions', 'validation']);
    expect(warnings.join('\n')).toMatch(/ignored key\(s\).*changes\.documentation/);
  });

  it('reads the seed release_metadata.json shape with changes.breaking', () => {
    const text = JSON.stringify({
      version: '2.0.0',
      release_date: '2026-03-01',
      channel: 'stable',
      contracts_version: '2.1',
      changes: { breaking: ['Removed /v1 API', { id: 'CFG-7', description: 'Renamed config key' }], features: ['New thing'], fixes: ['Bug'] },
      migration_guide_url: 'https://example.com/migrate',
      checksum: { type: 'git_commit_sha', value: 'abc' },
    });
    const { metadata, warnings } = parseReleaseMetadata(text, 'release_metadata.json', '2.0.0');
    expect(warnings).toEqual([]);
    expect(metadata).toMatchObject({
      version: '2.0.0',
      contractsVersion: '2.1',
      breaking: [{ text: 'Removed /v1 API' }, { text: 'Renamed config key', id: 'CFG-7' }],
      features: ['New thing'],
      fixes: ['Bug'],
      migrationGuideUrl: 'https://example.com/migrate',
      checksum: { type: 'git_commit_sha', value: 'abc' },
    });
  });

  it('reads both breaking keys together, at either level, without duplicates', () => {
    const text = JSON.stringify({ version: '1.0.0', changes: { breaking: ['A'], breaking_changes: ['A', 'B'] }, breaking_changes: ['C'] });
    expect(parseReleaseMetadata(text, 'releases.json', '1.0.0').metadata!.breaking.map((b) => b.text)).toEqual(['A', 'B', 'C']);
  });

  it('picks the matching entry from an array, a {releases} wrapper, or an object keyed by version', () => {
    const entries = [
      { version: '1.2.0', changes: { breaking_changes: ['old'] } },
      { version: 'v1.3.0', contracts_version: '3.0', changes: { breaking_changes: ['new'] } },
    ];
    for (const text of [
      JSON.stringify(entries),
      JSON.stringify({ releases: entries }),
      JSON.stringify({ '1.2.0': { changes: { breaking_changes: ['old'] } }, '1.3': { contracts_version: '3.0', changes: { breaking_changes: ['new'] } } }),
    ]) {
      const { metadata } = parseReleaseMetadata(text, 'releases.json', '1.3.0');
      expect(metadata?.breaking.map((b) => b.text)).toEqual(['new']);
      expect(metadata?.contractsVersion).toBe('3.0');
    }
  });

  it('ignores a single entry for another version (stale file) and says so', () => {
    const { metadata, warnings } = parseReleaseMetadata(JSON.stringify({ version: '1.2.0', changes: { breaking: ['x'] } }), 'release_metadata.json', '1.3.0');
    expect(metadata).toBeNull();
    expect(warnings[0]).toMatch(/describes version 1\.2\.0, not 1\.3\.0/);
  });

  it('never throws on bad content: what is not release metadata is an issue or a warning, never metadata', () => {
    const bad = ['{not json', 'null', '42', '"text"', '[]', '{}', JSON.stringify({ version: '1.0.0', changes: 'oops', features: 'one', fixes: [1, null, { description: 'ok' }] })];
    for (const text of bad) {
      const r = parseReleaseMetadata(text, 'releases.json', '1.0.0');
      expect(r.metadata, text).toBeNull();
      expect(r.issues.length + r.warnings.length, text).toBeGreaterThan(0);
    }
    expect(parseReleaseMetadata('{not json', 'releases.json', '1.0.0').issues[0]).toMatchObject({ line: 1, column: 2, problem: expect.stringMatching(/^not valid JSON/) });
    expect(parseReleaseMetadata('42', 'releases.json', '1.0.0').issues[0]?.problem).toBe('expected release metadata (a release object, a list of them, or {"releases": …}), got 42');
    expect(parseReleaseMetadata('[]', 'releases.json', '1.0.0').warnings).toEqual(['releases.json lists no releases; it was ignored.']);
    const odd = parseReleaseMetadata(bad[6]!, 'releases.json', '1.0.0');
    expect(odd.issues.map((i) => `${i.field}: ${i.problem}`)).toEqual([
      'changes: expected an object of change lists ({"breaking": [...], "features": [...]}), got "oops"',
      'features: expected a list of changes (text or {"id", "text"} objects), got "one"',
      'fixes[0]: expected text or an object with "text" (or "description") and an optional "id", got 1',
      'fixes[1]: expected text or an object with "text" (or "description") and an optional "id", got null',
    ]);
  });

  it('a release flagged breaking without details still counts as breaking', () => {
    const { metadata } = parseReleaseMetadata(JSON.stringify({ version: '3.0.0', breaking_changes: true }), 'releases.json', '3.0.0');
    expect(metadata!.breaking).toHaveLength(1);
    expect(metadata!.breaking[0]!.text).toMatch(/3\.0\.0 is marked as containing breaking changes/);
  });
});

describe('findChangelogSection', () => {
  const changelog = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '- next',
    '',
    '## [1.3.0] - 2024-05-01',
    '### Added',
    '- three',
    '```md',
    '## 1.2.0 (inside a code block)',
    '```',
    '',
    '## v1.2.0 - 2024-04-01',
    '- two',
    '',
    '# 1.1.0',
    'one',
    '## [1.0.0](https://example.com/compare) (2024-01-01)',
    '- zero',
  ].join('\n');

  it('finds Keep-a-Changelog, v-prefixed, h1 and linked headings', () => {
    expect(findChangelogSection(changelog, '1.3.0')).toMatchObject({ date: '2024-05-01', body: '### Added\n- three\n```md\n## 1.2.0 (inside a code block)\n```' });
    expect(findChangelogSection(changelog, '1.2.0')).toMatchObject({ date: '2024-04-01', body: '- two' });
    expect(findChangelogSection(changelog, '1.1.0')?.body).toBe('one');
    expect(findChangelogSection(changelog, '1.0.0')).toMatchObject({ date: '2024-01-01', body: '- zero' });
    expect(findChangelogSection(changelog, '9.9.9')).toBeNull();
  });

  it('matches by tag name and by equal versions written differently', () => {
    expect(findChangelogSection('### jq-1.7\n- x\n### jq-1.6\n- y', '1.7.0', 'jq-1.7')?.body).toBe('- x');
    expect(findChangelogSection('## 1.2\n- short\n', '1.2.0')?.body).toBe('- short');
    expect(findChangelogSection('## 1.2.0\r\n- crlf\r\n', '1.2.0')?.body).toBe('- crlf');
  });
});

describe('conventional commits', () => {
  it('parses headers', () => {
    expect(parseConventionalHeader('feat!: drop node 16')).toEqual({ type: 'feat', scope: null, breaking: true, description: 'drop node 16' });
    expect(parseConventionalHeader('fix(api)!: rename field')).toEqual({ type: 'fix', scope: 'api', breaking: true, description: 'rename field' });
    expect(parseConventionalHeader('feat(ui): add button')).toMatchObject({ breaking: false });
    expect(parseConventionalHeader('Merge pull request #1 from x/y')).toBeNull();
    expect(parseConventionalHeader('Revert "feat!: x"')).toBeNull();
  });

  it('reads BREAKING CHANGE and BREAKING-CHANGE footers, with continuation lines', () => {
    const body = 'Some body.\n\nBREAKING CHANGE: the config file moved\nto ~/.config/app.\nRefs: #12\nBREAKING-CHANGE: second one';
    expect(breakingFooters(body)).toEqual(['the config file moved to ~/.config/app.', 'second one']);
    expect(breakingFooters('breaking change: lowercase is not a footer')).toEqual([]);
  });

  it('one change per commit: the footer wins over the header description', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    expect(breakingChangesOfCommit({ sha, subject: 'feat!: new API', body: '' })).toEqual([{ text: 'new API', id: '0123456' }]);
    expect(breakingChangesOfCommit({ sha, subject: 'feat!: new API', body: 'BREAKING CHANGE: v1 endpoints removed' })).toEqual([{ text: 'v1 endpoints removed', id: '0123456' }]);
    expect(breakingChangesOfCommit({ sha, subject: 'chore: deps', body: 'BREAKING CHANGE: needs Node 20' })).toEqual([{ text: 'needs Node 20', id: '0123456' }]);
    expect(breakingChangesOfCommit({ sha, subject: 'feat: harmless', body: 'No footer here.' })).toEqual([]);
  });

  it('finds breaking headers listed in squash and merge bodies', () => {
    const sha = 'f'.repeat(40);
    const body = '* feat: a\n* fix(db)!: drop column x\n- refactor!: rename module';
    expect(breakingChangesOfCommit({ sha, subject: 'Big squash (#42)', body }).map((b) => b.text)).toEqual(['drop column x', 'rename module']);
  });
});

describe('release metadata validation (issue 15 §5)', () => {
  /** The seed's own shape, valid, as a base for one wrong key at a time. */
  const base = { version: '2.0.0', release_date: '2026-03-01', channel: 'stable', contracts_version: '2.1', changes: { breaking: ['Removed /v1 API'] } };
  const problemOf = (patch: Record<string, unknown>) => {
    const r = parseReleaseMetadata(JSON.stringify({ ...base, ...patch }, null, 2), 'release_metadata.json', '2.0.0');
    expect(r.metadata).toBeNull();
    expect(r.issues).toHaveLength(1);
    return `${r.issues[0]!.field}: ${r.issues[0]!.problem}`;
  };

  it('the issue report: an invalid date, notes as an object and breaking_changes: 42, each located', () => {
    const text = ['{', '  "version": "1.4.0",', '  "release_date": "2026-02-30",', '  "notes": {"en": "hi"},', '  "breaking_changes": 42', '}'].join('\n');
    const r = parseReleaseMetadata(text, 'release_metadata.json', '1.4.0');
    expect(r.metadata).toBeNull();
    expect(r.issues).toEqual([
      { file: 'release_metadata.json', line: 3, column: 3, field: 'release_date', problem: 'expected an ISO 8601 date such as "2026-02-22" or "2026-02-22T19:00:00Z", got "2026-02-30"' },
      { file: 'release_metadata.json', line: 4, column: 3, field: 'notes', problem: 'expected text (Markdown), got an object' },
      { file: 'release_metadata.json', line: 5, column: 3, field: 'breaking_changes', problem: 'expected a list of changes (text or {"id", "text"} objects) or true/false, got 42' },
    ]);
    expect(formatMetadataIssue(r.issues[0]!)).toBe('release_metadata.json:3:3: release_date: expected an ISO 8601 date such as "2026-02-22" or "2026-02-22T19:00:00Z", got "2026-02-30"');
  });

  it('every key Upshift reads is checked', () => {
    expect(problemOf({ version: 2 })).toBe('version: expected a version such as "1.4.2" (in quotes), got 2');
    expect(problemOf({ tag: 'v2.0.0..x' })).toBe('tag: expected a git tag name such as "v1.4.2", got "v2.0.0..x"');
    expect(problemOf({ channel: '' })).toMatch(/^channel: expected a channel name/);
    expect(problemOf({ date: '01/03/2026' })).toMatch(/^date: expected an ISO 8601 date/);
    expect(problemOf({ releaseDate: '2026-13-01' })).toMatch(/^releaseDate: expected an ISO 8601 date/);
    expect(problemOf({ release_date: '2026-03-01T25:00:00Z' })).toMatch(/^release_date: expected an ISO 8601 date/);
    expect(problemOf({ contracts_version: 'two' })).toBe('contracts_version: expected a version such as "1.4.2" (in quotes), got "two"');
    expect(problemOf({ contractsVersion: 2.1 })).toMatch(/^contractsVersion: expected a version/);
    expect(problemOf({ changes: { breaking_changes: 'everything' } })).toMatch(/^changes\.breaking_changes: expected a list of changes/);
    expect(problemOf({ changes: { breaking: [{ id: 'X-1' }] } })).toBe('changes.breaking[0]: expected text or an object with "text" (or "description") and an optional "id", got an object without text');
    expect(problemOf({ changes: { breaking: [{ text: 'ok', id: ['x'] }] } })).toBe('changes.breaking[0]: its "id" must be text or a whole number, got a list');
    expect(problemOf({ changes: { features: [''] } })).toBe('changes.features[0]: must not be empty');
    expect(problemOf({ fixes: true })).toMatch(/^fixes: expected a list of changes \(text or \{"id", "text"\} objects\), got true/);
    expect(problemOf({ migration_guide_url: 7 })).toMatch(/^migration_guide_url: expected a URL/);
    expect(problemOf({ summary: ['a'] })).toBe('summary: expected text (Markdown), got a list');
    expect(problemOf({ checksum: 'sha256:abc' })).toMatch(/^checksum: expected an object such as/);
    expect(problemOf({ checksum: { algorithm: 'sha256', value: 5 } })).toBe('checksum.value: expected text, got 5');
    expect(problemOf({ lts: 'yes' })).toBe('lts: expected true or false, got "yes"');
  });

  it('accepts what real files hold: ISO dates with or without time and offset, {id, text} items, true/false flags, nulls, unknown keys (warnings)', () => {
    for (const date of ['2026-02-22', '2026-02-22T19:00:00Z', '2026-02-22T19:00Z', '2026-02-22T19:00:00.123+01:00', '2024-02-29']) {
      expect(parseReleaseMetadata(JSON.stringify({ ...base, release_date: date }), 'f', '2.0.0').issues, date).toEqual([]);
    }
    const r = parseReleaseMetadata(
      JSON.stringify({ ...base, notes: null, migration_guide_url: null, lts: true, breaking_changes: false, changes: { breaking: [{ id: 7, text: 'Renamed key' }, { description: 'Dropped Node 16' }] }, build: { ci: 'x' } }),
      'release_metadata.json',
      '2.0.0',
    );
    expect(r.issues).toEqual([]);
    expect(r.metadata).toMatchObject({ lts: true, summary: null, breaking: [{ text: 'Renamed key', id: '7' }, { text: 'Dropped Node 16' }] });
    expect(r.warnings).toEqual(['release_metadata.json: ignored key(s) Upshift does not use: build.']);
  });

  it('in a list, only the entry for the release is checked, and its location is in the whole file', () => {
    const text = JSON.stringify({ releases: [{ version: '1.0.0', release_date: 'long ago' }, { version: '2.0.0', release_date: 'soon' }] }, null, 2);
    expect(parseReleaseMetadata(text, 'releases.json', '3.0.0')).toMatchObject({ metadata: null, issues: [] });
    const r = parseReleaseMetadata(text, 'releases.json', '2.0.0');
    expect(r.issues).toEqual([{ file: 'releases.json', line: 9, column: 7, field: 'releases[1].release_date', problem: expect.stringContaining('got "soon"') }]);
  });

  it('a single object with an unreadable version is invalid, not stale', () => {
    const r = parseReleaseMetadata(JSON.stringify({ version: 'seven', notes: 'x' }), 'release_metadata.json', '7.0.0');
    expect(r.issues.map((i) => i.field)).toEqual(['version']);
    // A real other version is a stale file: a warning, not an issue.
    expect(parseReleaseMetadata(JSON.stringify({ version: '6.0.0' }), 'release_metadata.json', '7.0.0')).toMatchObject({ metadata: null, issues: [], warnings: [expect.stringMatching(/stale/)] });
  });

  it('isIsoDate knows real days', () => {
    expect(['2026-02-28', '2026-02-22 19:00', '2026-02-22T23:59:60Z'].map(isIsoDate)).toEqual([true, true, true]);
    expect(['2026-02-29', '2026-2-2', '22-02-2026', '2026-02-22T24:00Z', '2026-02-22T10:00:00+0', ''].map(isIsoDate)).toEqual([false, false, false, false, false, false]);
  });
});

