/** Tag schemes detected on real tag lists recorded from public repositories (test/fixtures/real/tags). */
// eslint-disable-next-line no-restricted-imports -- test-only: reads the recorded fixtures
import { readFileSync } from 'node:fs';
// eslint-disable-next-line no-restricted-imports -- test-only
import path from 'node:path';
// eslint-disable-next-line no-restricted-imports -- test-only
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectTagScheme, suggestTagPattern, tagPatternAdvice } from './index.js';

const FIXTURES = process.env.UPSHIFT_FIXTURES ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/real');
const tagsOf = (name: string): string[] =>
  readFileSync(path.join(FIXTURES, 'tags', `${name}.tsv`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t')[0]!);

describe('detectTagScheme on real repositories', () => {
  it('jq: jq-{version}, its newest stable release as the example', () => {
    const jq = tagsOf('jq');
    const scheme = detectTagScheme(jq)!;
    expect(scheme.pattern).toBe('jq-{version}');
    expect(scheme.matched).toBe(jq.filter((t) => t.startsWith('jq-')).length);
    expect(scheme.example).toBe('jq-1.8.2'); // not jq-1.8.2rc1, nor the stray 1.6rc2
  });

  it('vim, chalk and node_exporter (v1.2.3, and bare 0.12.0 before v0.13.0) and redis (bare 7.4.1): the default v{version}', () => {
    for (const name of ['vim', 'chalk', 'node_exporter', 'redis']) {
      const scheme = detectTagScheme(tagsOf(name));
      expect(scheme?.pattern, name).toBe('v{version}');
      expect(scheme!.matched, name).toBeGreaterThan(20);
    }
    expect(detectTagScheme(tagsOf('chalk'))!.example).toMatch(/^v5\./);
  });

  it('a repository without version tags has no scheme; the default wins a tie', () => {
    expect(detectTagScheme([])).toBeNull();
    expect(detectTagScheme(['latest', 'stable', 'nightly', '2024'])).toBeNull();
    expect(detectTagScheme(['v1.0.0', 'rel-1.0.0'])!.pattern).toBe('v{version}');
    expect(detectTagScheme(['release/1.0', 'release/1.1', 'v0.9'])!.pattern).toBe('release/{version}');
  });
});

describe('suggestTagPattern', () => {
  it("suggests jq's own pattern under the default, and nothing once it is used", () => {
    const jq = tagsOf('jq');
    expect(suggestTagPattern(jq, 'v{version}')?.pattern).toBe('jq-{version}');
    expect(suggestTagPattern(jq, 'jq-{version}')).toBeNull();
  });

  it('suggests nothing for a single stray tag or for a project whose pattern is already right', () => {
    expect(suggestTagPattern(['core-1.0.0'], 'v{version}')).toBeNull();
    expect(suggestTagPattern(tagsOf('redis'), 'v{version}')).toBeNull();
  });

  it('says what was found and what to set', () => {
    const advice = tagPatternAdvice('v{version}', suggestTagPattern(tagsOf('jq'), 'v{version}')!, 'jq');
    expect(advice).toBe(
      'no tag matches the tag pattern "v{version}", but 18 tags look like versions named like jq-1.8.2: set tagPattern: "jq-{version}" (source.tagPattern in upshift.yml, or `upshift config jq source.tagPattern "jq-{version}"`)',
    );
  });
});
