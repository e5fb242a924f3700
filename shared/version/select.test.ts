import { describe, expect, it } from 'vitest';
import {
  compileTagPattern,
  latestRelease,
  selectReleases,
  toReleaseRef,
  type TagPattern,
  type TagRef,
  type Version,
} from './index.js';

/** A distinct, valid 40-hex sha per index. */
function sha(i: number): string {
  return i.toString(16).padStart(40, '0');
}

function refs(...tags: string[]): TagRef[] {
  return tags.map((tag, i) => ({ tag, sha: sha(i + 1) }));
}

function tagsOf(list: { tag: string }[]): string[] {
  return list.map((r) => r.tag);
}

describe('selectReleases', () => {
  const list = refs(
    'v1.0.0',
    'v1.10.0',
    'v1.2.0',
    'v2.0.0-rc.1',
    'v2.0.0-rc.10',
    'v2.0.0-rc.2',
    'nightly',
    'latest',
    'v1.9.9',
    'build-2024',
  );

  it('returns stable releases newest first, ignoring non-version tags', () => {
    expect(tagsOf(selectReleases(list, 'v{version}', { channel: 'stable' }))).toEqual([
      'v1.10.0',
      'v1.9.9',
      'v1.2.0',
      'v1.0.0',
    ]);
  });

  it('defaults to the stable channel and the v{version} pattern', () => {
    expect(tagsOf(selectReleases(list))).toEqual(tagsOf(selectReleases(list, 'v{version}', { channel: 'stable' })));
  });

  it('includes prereleases on the prerelease channel, in SemVer order', () => {
    const all = selectReleases(list, 'v{version}', { channel: 'prerelease' });
    expect(tagsOf(all)).toEqual(['v2.0.0-rc.10', 'v2.0.0-rc.2', 'v2.0.0-rc.1', 'v1.10.0', 'v1.9.9', 'v1.2.0', 'v1.0.0']);
    expect(all[0]).toMatchObject({ tag: 'v2.0.0-rc.10', sha: sha(5), prerelease: true });
    expect(all[0]?.version.normalized).toBe('2.0.0-rc.10');
    expect(all[3]?.prerelease).toBe(false);
  });

  it('fails closed on an unknown channel: prereleases stay out', () => {
    const options = { channel: 'beta' as unknown as 'stable' };
    expect(tagsOf(selectReleases(list, 'v{version}', options))[0]).toBe('v1.10.0');
    expect(latestRelease(list, 'v{version}', options)?.tag).toBe('v1.10.0');
  });

  it('returns an empty list when nothing matches', () => {
    expect(selectReleases([], 'v{version}')).toEqual([]);
    expect(selectReleases(refs('main', 'nightly'), 'v{version}')).toEqual([]);
    expect(selectReleases(refs('v2.0.0-rc.1'), 'v{version}', { channel: 'stable' })).toEqual([]);
  });

  it('accepts a compiled pattern', () => {
    const p: TagPattern = compileTagPattern('jq-{version}');
    expect(tagsOf(selectReleases(refs('jq-1.6', '1.6rc2', 'jq-1.7'), p))).toEqual(['jq-1.7', 'jq-1.6']);
  });

  describe('duplicates of one version resolve deterministically', () => {
    it.each([
      [['1.0.0', 'v1.0'], 'v1.0', 'the pattern’s own prefix first'],
      [['v1.0', '1.0.0'], 'v1.0', 'whatever the input order'],
      [['v1.0', 'v1.0.0'], 'v1.0.0', 'then the canonical spelling'],
      [['v1.0.0', 'v1.0'], 'v1.0.0', 'whatever the input order'],
      [['v1.0.00', 'v1.0.0'], 'v1.0.0', 'padding is not canonical'],
      [['v1.0.0+b', 'v1.0.0+a'], 'v1.0.0+a', 'then the smaller name'],
      [['V1.0.0', 'v1.0.0'], 'v1.0.0', 'lower-case v is the pattern’s'],
      [['0.13.0-rc.2', 'v0.13.0-rc.2'], 'v0.13.0-rc.2', 'node_exporter re-tagged an rc'],
    ])('%j → %s (%s)', (tags, expected) => {
      for (const order of [tags, [...tags].reverse()]) {
        const selected = selectReleases(refs(...order), 'v{version}', { channel: 'prerelease' });
        expect(tagsOf(selected)).toEqual([expected]);
        expect(latestRelease(refs(...order), 'v{version}', { channel: 'prerelease' })?.tag).toBe(expected);
      }
    });

    it('keeps the sha of the chosen tag', () => {
      const selected = selectReleases(
        [
          { tag: '1.0.0', sha: sha(1) },
          { tag: 'v1.0', sha: sha(2) },
        ],
        'v{version}',
      );
      expect(selected).toHaveLength(1);
      expect(selected[0]).toMatchObject({ tag: 'v1.0', sha: sha(2) });
    });
  });

  describe('hostile refs are dropped, never returned', () => {
    const hostile: TagRef[] = [
      { tag: '-v9.9.9', sha: sha(1) },
      { tag: 'v9.9.9;rm -rf ~', sha: sha(2) },
      { tag: 'v9.9.9 ', sha: sha(3) },
      { tag: 'v9.9.9\n', sha: sha(4) },
      { tag: `v9.9.9-${'a'.repeat(250)}`, sha: sha(5) },
      { tag: 'v9.9.9.lock', sha: sha(6) },
      { tag: 'v9.9.9$(id)', sha: sha(7) },
      { tag: 'v9.9.9', sha: '--upload-pack=evil' },
      { tag: 'v9.9.8', sha: 'HEAD' },
      { tag: 'v9.9.7', sha: '' },
      { tag: 'v9.9.6', sha: 'abc123' },
      { tag: 'v9.9.5', sha: undefined as unknown as string },
      { tag: undefined as unknown as string, sha: sha(8) },
      { tag: 'v1.0.0', sha: sha(9) },
    ];

    it.each(['stable', 'prerelease'] as const)('%s channel', (channel) => {
      expect(selectReleases(hostile, 'v{version}', { channel }).map((r) => [r.tag, r.sha])).toEqual([
        ['v1.0.0', sha(9)],
      ]);
      expect(latestRelease(hostile, 'v{version}', { channel })?.tag).toBe('v1.0.0');
    });

    it('latestRelease falls back to the full selection when many top candidates are hostile', () => {
      const many: TagRef[] = [];
      for (let i = 0; i < 10; i++) many.push({ tag: `v9.${i}.0`, sha: `-bad-${i}` });
      many.push({ tag: 'v1.0.0', sha: sha(1) });
      expect(latestRelease(many, 'v{version}')?.tag).toBe('v1.0.0');
      expect(latestRelease(many.slice(0, 10), 'v{version}')).toBeNull();
    });
  });

  it('throws TagPatternError for a malformed pattern string', () => {
    expect(() => selectReleases(refs('v1.0.0'), 'no-placeholder')).toThrow('Invalid tag pattern');
    expect(() => latestRelease(refs('v1.0.0'), 'no-placeholder')).toThrow('Invalid tag pattern');
  });
});

describe('latestRelease', () => {
  it('agrees with selectReleases()[0] on both channels', () => {
    const list = refs('v1.0.0', 'v1.1.0-rc.1', 'v1.1.0-rc.2', 'v1.0.1', '1.1.0-rc.2', 'junk', 'v0.9.0');
    for (const channel of ['stable', 'prerelease'] as const) {
      expect(latestRelease(list, 'v{version}', { channel })).toEqual(
        selectReleases(list, 'v{version}', { channel })[0],
      );
    }
    expect(latestRelease(list, 'v{version}', { channel: 'prerelease' })?.tag).toBe('v1.1.0-rc.2');
    expect(latestRelease(list)?.tag).toBe('v1.0.1');
  });

  it('compares prereleases of the same numbers by SemVer, numerically', () => {
    const list = refs('v2.0.0-rc.9', 'v2.0.0-rc.10', 'v2.0.0-beta.11', 'v2.0.0-1');
    expect(latestRelease(list, 'v{version}', { channel: 'prerelease' })?.tag).toBe('v2.0.0-rc.10');
    expect(latestRelease([...list].reverse(), 'v{version}', { channel: 'prerelease' })?.tag).toBe('v2.0.0-rc.10');
  });

  it('prefers the release over its prereleases, and four parts are not equal', () => {
    expect(latestRelease(refs('v1.0.0', 'v1.0.0-rc.1'), 'v{version}', { channel: 'prerelease' })?.tag).toBe('v1.0.0');
    expect(latestRelease(refs('v1.0.0.1', 'v1.0.0.2', 'v1.0.0'))?.tag).toBe('v1.0.0.2');
  });

  it('returns null when there is no release', () => {
    expect(latestRelease([], 'v{version}')).toBeNull();
    expect(latestRelease(refs('main', 'v1.0.0-rc.1'), 'v{version}')).toBeNull();
  });

  it('works with TagPattern implementations other than compileTagPattern’s', () => {
    const custom: TagPattern = {
      pattern: 'custom',
      prefix: 'r',
      suffix: '',
      match: (tag: string): Version | null => compileTagPattern('r{version}').match(tag),
      isExactMatch: () => true,
    };
    expect(latestRelease(refs('r1.0.0', 'r2.0.0', 'x3.0.0'), custom)?.tag).toBe('r2.0.0');
  });
});

describe('toReleaseRef', () => {
  it('gives the API shape with the normalised version', () => {
    const [r] = selectReleases([{ tag: 'v9.2.0995', sha: sha(1) }], 'v{version}');
    expect(r).toBeDefined();
    if (r !== undefined) {
      expect(toReleaseRef(r)).toEqual({ version: '9.2.995', tag: 'v9.2.0995', sha: sha(1), prerelease: false });
    }
  });
});
