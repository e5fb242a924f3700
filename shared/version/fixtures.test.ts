/**
 * Ordering and "latest" on real tag lists recorded from public repositories (test/fixtures/real/tags,
 * or $UPSHIFT_FIXTURES/tags). Tests run in Node and are not shipped, so reading files here is fine.
 */
// eslint-disable-next-line no-restricted-imports -- test-only: reads the recorded fixtures
import { existsSync, readdirSync, readFileSync } from 'node:fs';
// eslint-disable-next-line no-restricted-imports -- test-only
import path from 'node:path';
// eslint-disable-next-line no-restricted-imports -- test-only
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  compileTagPattern,
  isSafeTagName,
  latestRelease,
  parseConstraint,
  satisfies,
  selectReleases,
  type Release,
  type TagRef,
} from './index.js';

const FIXTURES =
  process.env.UPSHIFT_FIXTURES ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/real');
const TAGS_DIR = path.join(FIXTURES, 'tags');

interface Row extends TagRef {
  date: string;
}

function load(name: string): Row[] {
  return readFileSync(path.join(TAGS_DIR, `${name}.tsv`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [tag = '', object = '', peeled = '', date = ''] = line.split('\t');
      return { tag, sha: peeled || object, date };
    });
}

/** What a careful human says about each recorded repository. */
interface Expectation {
  pattern: string;
  tags: number;
  latestStable: string;
  /** Newest on the prerelease channel (a release beats its own prereleases). */
  latestAny: string;
  /** The newest tag that is a prerelease. */
  newestPrerelease: string;
  /** Tags that are not releases under the pattern (or duplicates of a chosen tag). */
  ignored: string[] | number;
}

const EXPECTED: Record<string, Expectation> = {
  vim: {
    pattern: 'v{version}',
    tags: 19_877,
    latestStable: 'v9.2.0995',
    latestAny: 'v9.2.0995',
    newestPrerelease: 'v7.4b.022',
    // v7.0001…v7.0224: zero-padded serials of the 2004–2006 snapshots before 7.0 (224 tags), plus four
    // duplicates of release tags on the same commits: v7.2.000, v8.2.0000, v9.1.0000, v9.2.0000 (v7.2,
    // v8.2.0, v9.1.0 and v9.2.0 are kept).
    ignored: 228,
  },
  redis: {
    pattern: 'v{version}',
    tags: 311,
    latestStable: '7.4.1',
    latestAny: '8.0-m01',
    newestPrerelease: '8.0-m01',
    ignored: ['twitter-20100804', 'twitter-20100825', 'vm-playpen', 'with-deprecated-diskstore'],
  },
  jq: {
    pattern: 'jq-{version}',
    tags: 19,
    latestStable: 'jq-1.8.2',
    latestAny: 'jq-1.8.2',
    newestPrerelease: 'jq-1.8.2rc1',
    // A stray unprefixed tag; under jq-{version} it is not a release (and jq-1.6 supersedes it anyway).
    ignored: ['1.6rc2'],
  },
  node_exporter: {
    pattern: 'v{version}',
    tags: 62,
    latestStable: 'v1.12.1',
    latestAny: 'v1.12.1',
    newestPrerelease: 'v1.4.0-rc.0',
    // Same version as v0.13.0-rc.2 (same date): the tag with the pattern's own prefix wins.
    ignored: ['0.13.0-rc.2'],
  },
  chalk: {
    pattern: 'v{version}',
    tags: 44,
    latestStable: 'v5.6.2',
    latestAny: 'v5.6.2',
    newestPrerelease: 'v3.0.0-beta.2',
    ignored: [],
  },
};

function tags(list: readonly { tag: string }[]): string[] {
  return list.map((r) => r.tag);
}

/** Deterministic shuffle (mulberry32), so a failure reproduces. */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function indexOf(list: readonly Release[], tag: string): number {
  const i = list.findIndex((r) => r.tag === tag);
  expect(i, `${tag} is among the releases`).toBeGreaterThanOrEqual(0);
  return i;
}

/** `a` ranks above `b` (newest first). */
function expectNewer(list: readonly Release[], a: string, b: string): void {
  expect(indexOf(list, a), `${a} is newer than ${b}`).toBeLessThan(indexOf(list, b));
}

describe('recorded tag fixtures', () => {
  it('are present', () => {
    expect(existsSync(TAGS_DIR), `fixtures not found at ${TAGS_DIR}; set UPSHIFT_FIXTURES`).toBe(true);
  });

  const files = existsSync(TAGS_DIR)
    ? readdirSync(TAGS_DIR)
        .filter((f) => f.endsWith('.tsv'))
        .map((f) => f.slice(0, -4))
        .sort()
    : [];

  it('each have an expectation here (a new fixture needs a human to say what is latest)', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !(f in EXPECTED))).toEqual([]);
  });

  describe.each(files)('%s', (name) => {
    const rows = load(name);
    const want = EXPECTED[name] as Expectation;
    const pattern = compileTagPattern(want.pattern);
    const stable = selectReleases(rows, pattern, { channel: 'stable' });
    const all = selectReleases(rows, pattern, { channel: 'prerelease' });

    it('has the recorded number of tags', () => {
      expect(rows).toHaveLength(want.tags);
    });

    it('selects the latest stable release and the latest on the prerelease channel', () => {
      expect(stable[0]?.tag).toBe(want.latestStable);
      expect(all[0]?.tag).toBe(want.latestAny);
      expect(all.find((r) => r.prerelease)?.tag).toBe(want.newestPrerelease);
      expect(latestRelease(rows, pattern, { channel: 'stable' })?.tag).toBe(want.latestStable);
      expect(latestRelease(rows, pattern, { channel: 'prerelease' })?.tag).toBe(want.latestAny);
      expect(latestRelease(rows, want.pattern)).toEqual(stable[0]); // pattern given as text, default channel
    });

    it('orders every release strictly newest first, one per version', () => {
      for (let i = 1; i < all.length; i++) {
        const a = all[i - 1] as Release;
        const b = all[i] as Release;
        expect(compareVersions(a.version, b.version), `${a.tag} > ${b.tag}`).toBe(1);
      }
    });

    it('stable is the prerelease channel without prereleases', () => {
      expect(stable.every((r) => !r.prerelease && r.version.prerelease.length === 0)).toBe(true);
      expect(tags(stable)).toEqual(tags(all.filter((r) => !r.prerelease)));
    });

    it('ignores exactly the tags that are not (distinct) releases', () => {
      const chosen = new Set(tags(all));
      const ignored = tags(rows).filter((t) => !chosen.has(t));
      if (typeof want.ignored === 'number') expect(ignored).toHaveLength(want.ignored);
      else expect(ignored.sort()).toEqual([...want.ignored].sort());
    });

    it('returns only safe tags with the sha recorded for them', () => {
      const shaOf = new Map(rows.map((r) => [r.tag, r.sha]));
      for (const r of all) {
        expect(isSafeTagName(r.tag)).toBe(true);
        expect(r.sha).toBe(shaOf.get(r.tag));
      }
    });

    it('does not depend on the order of the refs', () => {
      for (const seed of [1, 2, 3]) {
        const mixed = shuffled(rows, seed);
        expect(tags(selectReleases(mixed, pattern, { channel: 'prerelease' }))).toEqual(tags(all));
        expect(latestRelease(mixed, pattern, { channel: 'stable' })?.tag).toBe(want.latestStable);
      }
      expect(tags(selectReleases([...rows].reverse(), pattern, { channel: 'prerelease' }))).toEqual(tags(all));
    });

    it('agrees with the semver package wherever a tag is strict SemVer', () => {
      const strict = all.filter((r) => semver.valid(r.version.normalized) !== null && r.version.parts.length === 3);
      for (let i = 1; i < strict.length; i++) {
        const a = (strict[i - 1] as Release).version.normalized;
        const b = (strict[i] as Release).version.normalized;
        expect(semver.compare(a, b), `${a} > ${b}`).toBe(1);
      }
    });
  });
});

describe('spot checks a person would make', () => {
  it('vim: zero-padded patches, 9.2 after 9.1, pre-7.0 serials ignored, latest per major', () => {
    const all = selectReleases(load('vim'), 'v{version}', { channel: 'prerelease' });
    expectNewer(all, 'v9.2.0995', 'v9.2.0994');
    expectNewer(all, 'v9.2.0100', 'v9.2.0099');
    expectNewer(all, 'v9.2.0001', 'v9.2.0');
    expectNewer(all, 'v9.2.0', 'v9.1.1999');
    // v9.2.0000 names the same commit and version as v9.2.0; the canonical spelling is kept.
    expect(all.find((r) => r.tag === 'v9.2.0000')).toBeUndefined();
    expectNewer(all, 'v7.0.001', 'v7.0');
    expectNewer(all, 'v7.0', 'v7.0g05'); // 7.0 final after its prereleases
    expectNewer(all, 'v7.2', 'v7.2c.003');
    expectNewer(all, 'v7.2c.000', 'v7.2b.030');
    expectNewer(all, 'v7.4a.047', 'v7.4a.010');
    expect(all.find((r) => r.tag === 'v7.0001')).toBeUndefined();
    const v91 = all.filter((r) => r.tag.startsWith('v9.1.'));
    const i992 = indexOf(all, 'v9.2.0995');
    expect(v91.every((r) => indexOf(all, r.tag) > i992)).toBe(true);
    const latestOf = (c: string) => all.find((r) => !r.prerelease && satisfies(r.version, parseConstraint(c)))?.tag;
    expect(latestOf('7.x')).toBe('v7.4.2367');
    expect(latestOf('8.x.x')).toBe('v8.2.5172');
    expect(latestOf('9.1.x')).toBe(all.filter((r) => r.tag.startsWith('v9.1.'))[0]?.tag);
  });

  it('redis: rc and milestone before release; highest version wins over later-dated old lines', () => {
    const rows = load('redis');
    const all = selectReleases(rows, 'v{version}', { channel: 'prerelease' });
    expectNewer(all, '7.4.0', '7.4-rc2');
    expectNewer(all, '7.4-rc2', '7.4-rc1');
    expectNewer(all, '8.0-m01', '7.4.1');
    expectNewer(all, '3.0.0', '3.0.0-rc6');
    expectNewer(all, '3.0.0-rc1', '3.0.0-beta8');
    expectNewer(all, '2.6.10-1', '2.6.9'); // redis' -1 re-tags are prereleases of 2.6.10 in SemVer terms
    expectNewer(all, '2.6.10', '2.6.10-3');
    expectNewer(all, '2.0.0', 'v2.0.0-rc4');
    expectNewer(all, 'v1.3.10', 'v1.3.9');
    expectNewer(all, 'v1.3.7', '1.3.6');
    // The milestone is not the final 8.0: a human orders 8.0-m01 < 8.0-rc1 < 8.0.0.
    const synthetic = selectReleases(
      [...rows, { tag: '8.0-rc1', sha: 'a'.repeat(40) }, { tag: '8.0.0', sha: 'b'.repeat(40) }],
      'v{version}',
      { channel: 'prerelease' },
    );
    expect(tags(synthetic).slice(0, 4)).toEqual(['8.0.0', '8.0-rc1', '8.0-m01', '7.4.1']);
    // Old lines tagged late: the newest-dated tags are not the newest versions.
    const date = (tag: string) => Date.parse(rows.find((r) => r.tag === tag)?.date ?? '');
    expect(date('2.8.24')).toBeGreaterThan(date('3.0.0'));
    expectNewer(all, '3.0.0', '2.8.24');
    const newestDated = [...rows].sort((a, b) => Date.parse(b.date) - Date.parse(a.date))[0]?.tag;
    expect(newestDated).toBe('6.2.16');
    expect(latestRelease(rows, 'v{version}')?.tag).toBe('7.4.1');
  });

  it('jq: glued release candidates below their release, the 1.6rc2 stray ignored', () => {
    const all = selectReleases(load('jq'), 'jq-{version}', { channel: 'prerelease' });
    expect(tags(all)).toEqual([
      'jq-1.8.2',
      'jq-1.8.2rc1',
      'jq-1.8.1',
      'jq-1.8.0',
      'jq-1.7.1',
      'jq-1.7',
      'jq-1.7rc2',
      'jq-1.7rc1',
      'jq-1.6',
      'jq-1.6rc1',
      'jq-1.5',
      'jq-1.5rc2',
      'jq-1.5rc1',
      'jq-1.4',
      'jq-1.3',
      'jq-1.2',
      'jq-1.1',
      'jq-1.0',
    ]);
    expect(all[1]?.version.normalized).toBe('1.8.2-rc1');
    // Under the default pattern nothing of jq is a release except the stray.
    expect(tags(selectReleases(load('jq'), 'v{version}', { channel: 'prerelease' }))).toEqual(['1.6rc2']);
  });

  it('node_exporter: rc.N order, 1.10 after 1.9, glued rc of the 0.12 era', () => {
    const all = selectReleases(load('node_exporter'), 'v{version}', { channel: 'prerelease' });
    expectNewer(all, 'v1.10.0', 'v1.9.1');
    expectNewer(all, 'v1.12.1', 'v1.12.0');
    expectNewer(all, 'v0.16.0', 'v0.16.0-rc.3');
    expectNewer(all, 'v0.16.0-rc.3', 'v0.16.0-rc.2');
    expectNewer(all, 'v0.16.0-rc.1', 'v0.16.0-rc.0');
    expectNewer(all, 'v1.0.0-rc.1', 'v1.0.0-rc.0');
    expectNewer(all, 'v1.0.0', 'v1.0.0-rc.1');
    expectNewer(all, '0.12.0', '0.12.0rc3');
    expectNewer(all, '0.12.0rc3', '0.12.0rc1');
    expectNewer(all, 'v0.13.0-rc.1', '0.12.0');
    expectNewer(all, '0.10.0', '0.9.0');
  });

  it('chalk: betas below the release', () => {
    const all = selectReleases(load('chalk'), 'v{version}', { channel: 'prerelease' });
    expectNewer(all, 'v3.0.0', 'v3.0.0-beta.2');
    expectNewer(all, 'v3.0.0-beta.2', 'v3.0.0-beta.1');
    expectNewer(all, 'v3.0.0-beta.1', 'v2.4.2');
    expect(tags(selectReleases(load('chalk'), 'v{version}')).slice(0, 3)).toEqual(['v5.6.2', 'v5.6.0', 'v5.5.0']);
  });
});
