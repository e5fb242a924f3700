import { describe, expect, it } from 'vitest';
import type { HopPlan } from '../api/types.js';
import { planPath, type PathRelease } from './index.js';

const line = (p: HopPlan) => [p.from, ...p.hops.map((h) => h.to)].join(' → ');
const rel = (version: string, extra: Partial<PathRelease> = {}): PathRelease => ({ version, ...extra });
const plain = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0'];

describe('planPath: three hops', () => {
  it('stops where release metadata declares required_stop, each hop with its releases and reason', () => {
    const releases = plain.map((v) => rel(v, { requiredStop: v === '1.2.0' || v === '1.4.0' || v === '1.0.0', breaking: v === '1.3.0' ? ['config v1 removed'] : [] }));
    const plan = planPath({ project: 'core', current: '1.0.0', target: '1.5.0', releases });
    expect(plan.refused).toBeNull();
    expect(line(plan)).toBe('1.0.0 → 1.2.0 → 1.4.0 → 1.5.0');
    expect(plan.hops.map((h) => h.releases)).toEqual([['1.1.0', '1.2.0'], ['1.3.0', '1.4.0'], ['1.5.0']]);
    expect(plan.hops.map((h) => h.breaking)).toEqual([[], ['config v1 removed'], []]);
    expect(plan.hops[0]?.stop).toEqual([{ source: 'metadata', reason: 'the release metadata of 1.2.0 declares required_stop' }]);
    expect(plan.hops[2]?.stop).toEqual([{ source: 'target', reason: 'the target, 1.5.0' }]);
    expect(plan.requiredStops.map((s) => s.version)).toEqual(['1.2.0', '1.4.0']);
  });

  it('stops at manifest stops: an exact version, and a line meaning its newest release', () => {
    const releases = ['1.0.0', '1.1.0', '1.2.0', '1.2.3', '1.3.0', '1.4.0', '1.5.0'].map((v) => rel(v));
    const plan = planPath({ project: 'core', current: 'v1.0', target: '1.5.0', releases, requiredStops: ['1.2.x', '1.4.0', '0.9.x'] });
    expect(line(plan)).toBe('1.0.0 → 1.2.3 → 1.4.0 → 1.5.0');
    expect(plan.hops.map((h) => h.stop[0]?.reason)).toEqual([
      "the manifest's upgrade path lists 1.2.x; 1.2.3 is its newest release",
      "the manifest's upgrade path lists 1.4.0",
      'the target, 1.5.0',
    ]);
    expect(plan.warnings).toEqual(["the manifest's required stop 0.9.x is not a known release of core"]);
  });

  it('stops at the last release of each contracts major before it changes', () => {
    const releases = [
      rel('1.0.0', { contractsVersion: '1.0.0' }),
      rel('1.1.0'), // declares none: not taken as a change
      rel('1.2.0', { contractsVersion: '1.3.0' }),
      rel('1.2.1'),
      rel('1.3.0', { contractsVersion: '2.0.0' }),
      rel('1.4.0', { contractsVersion: '2.1.0' }),
      rel('1.5.0', { contractsVersion: '3.0.0' }),
    ];
    const dependents = [{ project: 'finance', requirement: { contractsMajor: 1 } }];
    const plan = planPath({ project: 'core', current: '1.0.0', target: '1.5.0', releases, dependents });
    expect(line(plan)).toBe('1.0.0 → 1.2.0 → 1.4.0 → 1.5.0');
    expect(plan.hops[0]?.stop).toEqual([{ source: 'contracts', reason: 'last release with contracts 1.x before 1.3.0 moves to contracts 2.x' }]);
    expect(plan.hops[1]?.stop).toEqual([{ source: 'contracts', reason: 'last release with contracts 2.x before 1.5.0 moves to contracts 3.x' }]);
    expect(plan.hops[1]?.releases).toEqual(['1.2.1', '1.3.0', '1.4.0']);
    expect(plan.hops.map((h) => h.compatibility?.compatible)).toEqual([true, false, false]);
    expect(plan.hops[1]?.compatibility?.dependents[0]?.reason).toBe('Contracts major mismatch: core 1.4.0 has contracts 2.1.0, finance requires 1');
  });

  it('adds no contracts stop when the current release is already the last of its major, or when turned off', () => {
    const releases = [rel('1.0.0', { contractsVersion: '1.0.0' }), rel('2.0.0', { contractsVersion: '2.0.0' }), rel('2.1.0', { contractsVersion: '2.0.0' })];
    expect(line(planPath({ project: 'core', current: '1.0.0', target: '2.1.0', releases }))).toBe('1.0.0 → 2.1.0');
    const more = [rel('1.0.0', { contractsVersion: '1.0.0' }), rel('1.1.0', { contractsVersion: '1.0.0' }), ...releases.slice(1)];
    expect(line(planPath({ project: 'core', current: '1.0.0', target: '2.1.0', releases: more }))).toBe('1.0.0 → 1.1.0 → 2.1.0');
    expect(line(planPath({ project: 'core', current: '1.0.0', target: '2.1.0', releases: more, contractsStops: false }))).toBe('1.0.0 → 2.1.0');
  });

  it('gives one stop every reason it has, and a target that is a stop keeps its reasons', () => {
    const releases = plain.map((v) => rel(v, { requiredStop: v === '1.3.0' || v === '1.5.0' }));
    const plan = planPath({ project: 'core', current: '1.0.0', target: '1.5.0', releases, requiredStops: ['1.3'] });
    expect(plan.hops[0]?.stop.map((s) => s.source)).toEqual(['metadata', 'manifest']);
    expect(plan.hops[1]?.stop.map((s) => s.source)).toEqual(['target', 'metadata']);
  });
});

describe('planPath: refusals', () => {
  const releases = plain.map((v) => rel(v, { requiredStop: v === '1.2.0' || v === '1.4.0' }));

  it('refuses an explicit path that skips a required stop, naming it and why', () => {
    const plan = planPath({ project: 'core', current: '1.0.0', target: '1.5.0', releases, via: ['1.2.0'] });
    expect(plan.refused).toEqual({
      code: 'SKIPS_REQUIRED_STOP',
      message:
        'the path 1.0.0 → 1.2.0 → 1.5.0 skips the required stop 1.4.0 (the release metadata of 1.4.0 declares required_stop). ' +
        'Nothing was changed; plan without a path to go through every stop, or force it.',
    });
    expect(plan.hops).toEqual([]);
    expect(planPath({ project: 'core', current: '1.0.0', target: '1.5.0', releases, via: [] }).refused?.code).toBe('SKIPS_REQUIRED_STOP');
  });

  it('takes the asked path when forced, listing what it skips', () => {
    const plan = planPath({ project: 'core', current: '1.0.0', target: '1.5.0', releases, via: ['1.3.0'], force: true });
    expect(plan.refused).toBeNull();
    expect(line(plan)).toBe('1.0.0 → 1.3.0 → 1.5.0');
    expect(plan.hops[0]?.stop).toEqual([{ source: 'requested', reason: 'the path asks to stop at 1.3.0' }]);
    expect(plan.skipped.map((s) => s.version)).toEqual(['1.2.0', '1.4.0']);
    expect(plan.warnings[0]).toMatch(/^forced: the path skips the required stops 1\.2\.0 \(/);
  });

  it('accepts an explicit path that keeps every stop', () => {
    expect(line(planPath({ project: 'core', current: '1.0.0', target: '1.5.0', releases, via: ['1.2.0', '1.3.0', '1.4.0'] }))).toBe(
      '1.0.0 → 1.2.0 → 1.3.0 → 1.4.0 → 1.5.0',
    );
  });

  it('refuses a manifest stop on the way that is not a known release, unless forced', () => {
    const input = { project: 'core', current: '1.0.0', target: '1.5.0', releases: plain.map((v) => rel(v)), requiredStops: ['1.2.5'] };
    expect(planPath(input).refused).toEqual({
      code: 'UNKNOWN_STOP',
      message: "the manifest's required stop 1.2.5 is not a known release of core (it lies between 1.0.0 and 1.5.0)",
    });
    const forced = planPath({ ...input, force: true });
    expect(line(forced)).toBe('1.0.0 → 1.5.0');
    expect(forced.warnings).toEqual([
      "the manifest's required stop 1.2.5 is not a known release of core (it lies between 1.0.0 and 1.5.0) — forced: the path goes on without it",
    ]);
  });

  it('refuses a target below the current version, an unknown target, and a path out of order', () => {
    expect(planPath({ project: 'core', current: '1.4.0', target: '1.2.0', releases }).refused?.code).toBe('TARGET_BELOW_CURRENT');
    expect(planPath({ project: 'core', current: '1.0.0', target: '1.9.0', releases }).refused?.code).toBe('UNKNOWN_VERSION');
    expect(planPath({ project: 'core', current: '1.0.0', target: '1.5.0', releases, via: ['1.4.0', '1.2.0'] }).refused?.code).toBe('BAD_PATH');
    expect(planPath({ project: 'core', current: '1.0.0', target: '1.5.0', releases, via: ['1.2.7'] }).refused?.code).toBe('UNKNOWN_VERSION');
    const same = planPath({ project: 'core', current: '1.5.0', target: 'v1.5', releases });
    expect(same.hops).toEqual([]);
    expect(same.warnings).toEqual(['core is already on 1.5.0: no hops']);
  });
});
