import { describe, expect, it } from 'vitest';
import { parseVersion, type Release } from '../version/index.js';
import { applyStrategy, effectiveStrategy, pinBelowCurrent, pinVariable, type StrategyOptions } from './strategy.js';

function rel(v: string): Release {
  const version = parseVersion(v)!;
  return { tag: `v${v}`, sha: '0'.repeat(40), version, prerelease: version.prerelease.length > 0 };
}

const releases = ['3.0.0', '2.10.0', '2.9.1', '2.9.0', '2.8.0'].map(rel);
const now = new Date('2026-11-23T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

function run(opts: Partial<StrategyOptions>, current = '2.8.0') {
  const r = applyStrategy(releases, parseVersion(current), { strategy: 'latest', now, ...opts });
  return { eligible: r.eligible.map((x) => x.version.normalized), excluded: r.excluded.map((x) => [x.version, x.reason]), unjudged: r.unjudged };
}

describe('applyStrategy', () => {
  it.each<[string, Partial<StrategyOptions>, string[]]>([
    ['latest offers everything', {}, ['3.0.0', '2.10.0', '2.9.1', '2.9.0', '2.8.0']],
    ['pinned offers only the pin', { strategy: 'pinned', version: '2.9.1' }, ['2.9.1']],
    ['pinned with a short version', { strategy: 'pinned', version: '2.9' }, ['2.9.0']],
    ['range keeps inside the constraint', { strategy: 'range', range: '>=2.9 <3' }, ['2.10.0', '2.9.1', '2.9.0']],
    ['range with a wildcard', { strategy: 'range', range: '2.9.x' }, ['2.9.1', '2.9.0']],
    ['exclude by version', { exclude: ['3.0.0', '2.9.1'] }, ['2.10.0', '2.9.0', '2.8.0']],
    ['exclude by tag', { exclude: ['v2.10.0'] }, ['3.0.0', '2.9.1', '2.9.0', '2.8.0']],
    ['exclude beats a pin', { strategy: 'pinned', version: '2.9.1', exclude: ['2.9.1'] }, []],
    [
      'lts offers only releases marked LTS',
      { strategy: 'lts', lts: new Map([['2.10.0', false], ['2.9.1', true], ['v3.0.0', false], ['2.9.0', true], ['2.8.0', false]]) },
      ['2.9.1', '2.9.0'],
    ],
  ])('%s', (_name, opts, eligible) => {
    expect(run(opts).eligible).toEqual(eligible);
  });

  it('says why each release was left out', () => {
    const r = run({ strategy: 'range', range: '>=2.9 <3', exclude: ['2.9.0'] });
    expect(r.excluded).toEqual([
      ['3.0.0', 'outside the range >=2.9 <3'],
      ['2.9.0', '2.9.0 is excluded by the manifest (exclude: 2.9.0)'],
      ['2.8.0', 'outside the range >=2.9 <3'],
    ]);
    expect(run({ strategy: 'pinned', version: '2.9.1', pinSource: 'UPSHIFT_PIN_CORE' }).excluded[0]).toEqual(['3.0.0', 'pinned to 2.9.1 (UPSHIFT_PIN_CORE)']);
  });

  it('keeps releases younger than minimumReleaseAge out, and says when they become eligible', () => {
    const dates = new Map([
      ['v3.0.0', daysAgo(2)],
      ['v2.10.0', daysAgo(6.5)],
      ['v2.9.1', daysAgo(7)],
      ['2.9.0', daysAgo(30)],
    ]);
    const r = applyStrategy(releases, parseVersion('2.8.0'), { strategy: 'latest', now, minimumReleaseAge: 7, releaseDates: dates });
    expect(r.eligible.map((x) => x.version.normalized)).toEqual(['2.9.1', '2.9.0', '2.8.0']);
    expect(r.excluded[0]).toMatchObject({ version: '3.0.0', reason: '3.0.0 is 2 days old (minimumReleaseAge 7 days); eligible on 2026-11-28' });
    expect(r.excluded[0]!.eligibleOn).toBe('2026-11-28T12:00:00.000Z');
    expect(r.excluded[1]!.reason).toBe('2.10.0 is 6 days old (minimumReleaseAge 7 days); eligible on 2026-11-24');
    // 2.8.0 has no known date: offered for now, judged when its tag is fetched.
    expect(r.unjudged).toEqual([{ version: '2.8.0', tag: 'v2.8.0', reason: '2.8.0: its age is judged from its tag date at plan time' }]);
  });

  it('lts with unknown flags offers them as unjudged', () => {
    const r = run({ strategy: 'lts', lts: new Map([['3.0.0', false]]) });
    expect(r.eligible).toEqual(['2.10.0', '2.9.1', '2.9.0', '2.8.0']);
    expect(r.unjudged.map((u) => u.version)).toEqual(['2.10.0', '2.9.1', '2.9.0', '2.8.0']);
  });

  it('minimumReleaseAge 0 or absent never looks at dates', () => {
    expect(run({ minimumReleaseAge: 0 }).unjudged).toEqual([]);
    expect(run({}).unjudged).toEqual([]);
  });
});

describe('environment pins and downgrades', () => {
  it.each([
    ['core', 'UPSHIFT_PIN_CORE'],
    ['core-api', 'UPSHIFT_PIN_CORE_API'],
    ['my.tool_2', 'UPSHIFT_PIN_MY_TOOL_2'],
  ])('pinVariable(%s) = %s', (name, variable) => {
    expect(pinVariable(name)).toBe(variable);
  });

  it('UPSHIFT_PIN_<NAME> pins regardless of the manifest', () => {
    const manifest = { strategy: 'range' as const, version: null, range: '>=2 <3' };
    expect(effectiveStrategy('core-api', manifest, { UPSHIFT_PIN_CORE_API: 'v2.9.0' })).toMatchObject({ strategy: 'pinned', version: '2.9.0', range: null, pinSource: 'UPSHIFT_PIN_CORE_API' });
    expect(effectiveStrategy('core-api', manifest, {})).toMatchObject({ strategy: 'range', range: '>=2 <3', pinSource: null, problem: null });
    expect(effectiveStrategy('core', manifest, { UPSHIFT_PIN_CORE: 'soon' })).toMatchObject({ strategy: 'range', problem: 'UPSHIFT_PIN_CORE="soon" is not a version; ignored' });
    const pinned = effectiveStrategy('core', { strategy: 'pinned', version: '2.9.1', range: null }, {});
    expect(run({ ...pinned, pinSource: pinned.pinSource }).eligible).toEqual(['2.9.1']);
  });

  it('a pin below the current version is detected (the engine points to rollback)', () => {
    expect(pinBelowCurrent('2.8.0', parseVersion('2.9.0'))).toBe(true);
    expect(pinBelowCurrent('2.9.0', parseVersion('2.9.0'))).toBe(false);
    expect(pinBelowCurrent('3.0.0', parseVersion('2.9.0'))).toBe(false);
    expect(pinBelowCurrent(null, parseVersion('2.9.0'))).toBe(false);
    // applyStrategy itself judges every release given; the pin below current stays the only eligible one.
    expect(run({ strategy: 'pinned', version: '2.8.0' }, '2.9.0').eligible).toEqual(['2.8.0']);
  });
});
