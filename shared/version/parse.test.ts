import { describe, expect, it } from 'vitest';
import { makeVersion, parseVersion } from './index.js';

describe('parseVersion: normalised form next to the raw text', () => {
  it.each([
    // [raw, normalized, parts, prerelease]
    ['1.2.3', '1.2.3', [1, 2, 3], []],
    ['v1.2.3', '1.2.3', [1, 2, 3], []],
    ['V1.2.3', '1.2.3', [1, 2, 3], []],
    ['  1.2.3\n', '1.2.3', [1, 2, 3], []],
    ['1', '1.0.0', [1, 0, 0], []],
    ['1.2', '1.2.0', [1, 2, 0], []],
    // vim: zero-padded patch numbers
    ['v9.2.0995', '9.2.995', [9, 2, 995], []],
    ['v7.0.001', '7.0.1', [7, 0, 1], []],
    ['v8.0.0000', '8.0.0', [8, 0, 0], []],
    // redis: two parts, milestone and rc glued with a hyphen
    ['8.0-m01', '8.0.0-m01', [8, 0, 0], ['m01']],
    ['7.4-rc2', '7.4.0-rc2', [7, 4, 0], ['rc2']],
    ['2.2-alpha0', '2.2.0-alpha0', [2, 2, 0], ['alpha0']],
    ['2.6.10-1', '2.6.10-1', [2, 6, 10], [1]],
    // jq / vim / Python style: prerelease glued on
    ['1.8.2rc1', '1.8.2-rc1', [1, 8, 2], ['rc1']],
    ['1.7rc2', '1.7.0-rc2', [1, 7, 0], ['rc2']],
    ['v7.0b01', '7.0.0-b01', [7, 0, 0], ['b01']],
    ['v7.2a.001', '7.2.0-a.1', [7, 2, 0], ['a', 1]],
    ['v7.2a.00', '7.2.0-a.0', [7, 2, 0], ['a', 0]],
    // SemVer prereleases; numeric identifiers become numbers
    ['v1.4.0-rc.0', '1.4.0-rc.0', [1, 4, 0], ['rc', 0]],
    ['1.0.0-rc.01', '1.0.0-rc.1', [1, 0, 0], ['rc', 1]],
    ['1.0.0-alpha.beta', '1.0.0-alpha.beta', [1, 0, 0], ['alpha', 'beta']],
    ['1.0.0-x-y-z.--', '1.0.0-x-y-z.--', [1, 0, 0], ['x-y-z', '--']],
    // build metadata is ignored (seed bug: `+build` broke parsing)
    ['1.2.3+build.5', '1.2.3', [1, 2, 3], []],
    ['v1.2.3-rc.1+sha.abc123', '1.2.3-rc.1', [1, 2, 3], ['rc', 1]],
    ['1.0+20240101', '1.0.0', [1, 0, 0], []],
    // four parts: the fourth is kept, a zero fourth dropped
    ['1.0.0.1', '1.0.0.1', [1, 0, 0, 1], []],
    ['v2.3.4.5-beta', '2.3.4.5-beta', [2, 3, 4, 5], ['beta']],
    ['1.0.0.0', '1.0.0', [1, 0, 0], []],
    // calendar versions: two-digit zero padding is fine
    ['24.04', '24.4.0', [24, 4, 0], []],
    ['2024.01.15', '2024.1.15', [2024, 1, 15], []],
    ['0.0.0', '0.0.0', [0, 0, 0], []],
  ])('%s → %s', (raw, normalized, parts, prerelease) => {
    const v = parseVersion(raw);
    expect(v).not.toBeNull();
    expect(v?.normalized).toBe(normalized);
    expect(v?.parts).toEqual(parts);
    expect(v?.prerelease).toEqual(prerelease);
  });
});

describe('parseVersion: not versions', () => {
  it.each([
    [''],
    ['   '],
    ['v'],
    ['latest'],
    ['main'],
    ['twitter-20100804'],
    ['vm-playpen'],
    ['1.2.3.4.5'], // five parts
    ['1.2.3-'], // empty prerelease
    ['1.2.3+'], // empty build
    ['1.2.3-rc..1'], // empty identifier
    ['1..2'],
    ['.1.2'],
    ['1.2.'],
    ['-1.2.3'],
    ['1.2.3 beta'],
    ['1.2.3-rc.1\n-x'],
    ['1.2.3.beta'], // a word after a dot must be a prerelease introduced by "-" or glued
    ['v7.0001'], // vim pre-7.0 snapshot serials are not minor version 1
    ['v7.0224'],
    ['0001.2.3'],
    ['1234567890123456.0.0'], // 16 digits: not an exact JavaScript number
    ['1.0.0-1234567890123456'],
    ['１.２.３'], // full-width digits
    ['1.2.3\u0000'],
    ['x'.repeat(300)],
  ])('%j → null', (raw) => {
    expect(parseVersion(raw)).toBeNull();
  });

  it('never throws on non-string input', () => {
    expect(parseVersion(undefined as unknown as string)).toBeNull();
    expect(parseVersion(null as unknown as string)).toBeNull();
    expect(parseVersion(123 as unknown as string)).toBeNull();
  });
});

describe('makeVersion', () => {
  it('pads to three parts, keeps a non-zero fourth, drops a zero fourth', () => {
    expect(makeVersion([1]).normalized).toBe('1.0.0');
    expect(makeVersion([1, 2, 3, 4]).normalized).toBe('1.2.3.4');
    expect(makeVersion([1, 2, 3, 0]).parts).toEqual([1, 2, 3]);
    expect(makeVersion([2, 0, 0], [0]).normalized).toBe('2.0.0-0');
  });

  it('does not share the caller’s prerelease array', () => {
    const pre: (string | number)[] = ['rc', 1];
    const v = makeVersion([1, 0, 0], pre);
    pre.push('x');
    expect(v.prerelease).toEqual(['rc', 1]);
  });
});
