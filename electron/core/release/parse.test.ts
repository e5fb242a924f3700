import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../../test/helpers/repos.js';
import { findChangelogSection } from './changelog.js';
import { breakingChangesOfCommit, breakingFooters, parseConventionalHeader } from './conventional.js';
import { parseReleaseMetadata } from './metadata.js';

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

  it('never throws on bad content', () => {
    const bad = ['{not json', 'null', '42', '"text"', '[]', '{}', JSON.stringify({ version: '1.0.0', changes: 'oops', features: 'one', fixes: [1, null, { description: 'ok' }] })];
    for (const text of bad) {
      const r = parseReleaseMetadata(text, 'releases.json', '1.0.0');
      expect(Array.isArray(r.warnings)).toBe(true);
    }
    expect(parseReleaseMetadata('{not json', 'releases.json', '1.0.0').warnings[0]).toMatch(/not valid JSON/);
    const odd = parseReleaseMetadata(bad[6]!, 'releases.json', '1.0.0');
    expect(odd.metadata).toMatchObject({ features: ['one'], fixes: ['ok'] });
    expect(odd.warnings.join('\n')).toMatch(/"changes" should be an object/);
    expect(odd.warnings.join('\n')).toMatch(/2 item\(s\) of "fixes"/);
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
