import { describe, expect, it } from 'vitest';
import { compareIdentifiers, compareVersions, parseVersion, versionsEqual, type Version } from './index.js';

function v(text: string): Version {
  const parsed = parseVersion(text);
  if (parsed === null) throw new Error(`test version ${text} does not parse`);
  return parsed;
}

function cmp(a: string, b: string): number {
  return compareVersions(v(a), v(b));
}

/** Every adjacent pair ascends, and so does every pair (transitivity on the table). */
function expectAscending(list: string[]): void {
  for (let i = 0; i < list.length; i++) {
    for (let j = 0; j < list.length; j++) {
      const expected = Math.sign(i - j);
      expect(cmp(list[i] as string, list[j] as string), `${list[i]} vs ${list[j]}`).toBe(expected);
    }
  }
}

describe('compareVersions', () => {
  it('follows the SemVer 2.0 spec example (§11)', () => {
    expectAscending([
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ]);
  });

  it('orders numeric prerelease identifiers numerically (seed bug: beta.10 < beta.2)', () => {
    expect(cmp('1.0.0-beta.10', '1.0.0-beta.2')).toBe(1);
    expect(cmp('1.0.0-rc.2', '1.0.0-rc.10')).toBe(-1);
    expectAscending(['2.0.0-rc.1', '2.0.0-rc.2', '2.0.0-rc.9', '2.0.0-rc.10', '2.0.0-rc.11', '2.0.0']);
  });

  it('puts numeric identifiers before alphanumeric ones without crashing (seed bug: 1.0.0-1 vs 1.0.0-beta)', () => {
    expect(() => cmp('1.0.0-1', '1.0.0-beta')).not.toThrow();
    expect(cmp('1.0.0-1', '1.0.0-beta')).toBe(-1);
    expect(cmp('1.0.0-beta', '1.0.0-1')).toBe(1);
    expect(cmp('1.0.0-1', '1.0.0')).toBe(-1);
  });

  it('compares numbers embedded in glued words by value (rc2 < rc10), a documented refinement', () => {
    expectAscending(['1.7rc1', '1.7rc2', '1.7rc10', '1.7']);
    expectAscending(['3.0.0-beta1', '3.0.0-beta8', '3.0.0-beta10', '3.0.0-rc1']);
    expect(cmp('8.0-m01', '8.0-m1')).not.toBe(0); // different spellings never compare equal
  });

  it('compares four parts numerically (seed bug: 1.0.0.1 → 1.0.0.2 rejected as equal)', () => {
    expect(cmp('1.0.0.1', '1.0.0.2')).toBe(-1);
    expect(cmp('1.0.0.2', '1.0.0.1')).toBe(1);
    expectAscending(['1.0.0', '1.0.0.1', '1.0.0.2', '1.0.0.10', '1.0.1', '1.1']);
    expect(cmp('1.0.0', '1.0.0.0')).toBe(0);
    expect(cmp('1.0.0.1-rc.1', '1.0.0.1')).toBe(-1);
    expect(cmp('1.0.0.1-rc.1', '1.0.0')).toBe(1);
  });

  it('ignores leading zeros, missing parts, the v prefix and build metadata', () => {
    expect(cmp('v9.2.0995', '9.2.995')).toBe(0);
    expect(cmp('v9.2.0995', 'v9.2.0994')).toBe(1);
    expect(cmp('v9.2.0100', 'v9.2.0099')).toBe(1);
    expect(cmp('1.0', '1.0.0')).toBe(0);
    expect(cmp('1.0.0+a', '1.0.0+b')).toBe(0);
    expect(cmp('1.0.0-rc.1+a', '1.0.0-rc.1')).toBe(0);
    expect(versionsEqual(v('v1.0'), v('1.0.0+x'))).toBe(true);
  });

  it('orders numeric parts numerically, not as text', () => {
    expectAscending(['1.2.9', '1.2.10', '1.9.0', '1.10.0', '2.0.0', '10.0.0']);
  });

  it('orders redis milestones, release candidates and releases', () => {
    expectAscending(['7.4-rc1', '7.4-rc2', '7.4.0', '7.4.1', '8.0-m01', '8.0-rc1', '8.0.0']);
  });

  it('is antisymmetric and returns only -1, 0, 1', () => {
    const all = ['0.0.0', '1.0.0-0', '1.0.0-a', '1.0.0-a.0', '1.0.0', '1.0.0.5', '2.0.0-rc.1'];
    for (const a of all) {
      for (const b of all) {
        const r = cmp(a, b);
        expect([-1, 0, 1]).toContain(r);
        expect(cmp(b, a)).toBe(-r || 0);
      }
    }
  });
});

describe('compareIdentifiers', () => {
  it.each([
    [1, 2, -1],
    [10, 2, 1],
    [0, 0, 0],
    [1, 'a', -1],
    ['a', 1, 1],
    ['alpha', 'beta', -1],
    ['rc', 'rc1', -1],
    ['rc2', 'rc10', -1],
    ['rc10', 'rc2', 1],
    ['a1b', 'a1c', -1],
    ['b01', 'b02', -1],
    ['c03', 'c10', -1],
    ['same', 'same', 0],
    ['Z', 'a', -1], // code-unit order, as in SemVer
  ] as const)('%j vs %j → %i', (a, b, expected) => {
    expect(compareIdentifiers(a, b)).toBe(expected);
  });
});
