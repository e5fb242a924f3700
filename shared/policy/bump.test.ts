import { describe, expect, it } from 'vitest';
import type { BumpType } from '../api/types.js';
import { classifyBump, crossedBump, isUpgrade } from './index.js';

describe('classifyBump', () => {
  it.each([
    ['1.0.0', '1.0.1', 'patch'],
    ['1.0.0', '1.1.0', 'minor'],
    ['1.0.0', '2.0.0', 'major'],
    ['1.9.9', '2.0.0', 'major'],
    ['0.1.0', '0.2.0', 'minor'],
    ['v9.2.0994', 'v9.2.0995', 'patch'],
    ['7.4.1', '8.0.0', 'major'],
    ['1.0', '1.0.1', 'patch'],
    // seed bug: 1.0.0 → 1.0.1-beta was a patch and slipped through the auto gate
    ['1.0.0', '1.0.1-beta', 'prerelease'],
    ['1.0.0', '2.0.0-rc.1', 'prerelease'],
    ['7.4.1', '8.0-m01', 'prerelease'],
    ['1.0.0-rc.1', '1.0.0-rc.2', 'prerelease'],
    ['1.0.0-beta.2', '1.0.0-beta.10', 'prerelease'], // numeric, not lexical
    ['1.0.0-rc.2', '1.0.0', 'patch'], // finishing a prerelease you run
    ['2.0.0-rc.1', '2.0.0', 'patch'],
    ['1.0.0-rc.1', '1.1.0', 'minor'],
    // seed bug: 1.0.0.1 → 1.0.0.2 was rejected as equal
    ['1.0.0.1', '1.0.0.2', 'patch'],
    ['1.0.0', '1.0.0.1', 'patch'],
    ['1.0.0.9', '1.1.0', 'minor'],
    // equal, whatever the spelling
    ['1.0.0', '1.0.0', 'none'],
    ['v1.0', '1.0.0+build.2', 'none'],
    ['1.0.0.0', '1.0.0', 'none'],
    // seed bug: downgrades labelled "patch"
    ['1.0.1', '1.0.0', 'downgrade'],
    ['2.0.0', '1.9.9', 'downgrade'],
    ['1.0.0', '1.0.0-rc.1', 'downgrade'],
    ['1.0.0.2', '1.0.0.1', 'downgrade'],
    ['1.0.0-beta.10', '1.0.0-beta.2', 'downgrade'],
    // unknown current version
    [null, '1.2.3', 'major'],
    [null, '1.2.3-rc.1', 'prerelease'],
    ['main', '1.2.3', 'major'],
    ['', '1.2.3', 'major'],
  ] as [string | null, string, BumpType][])('%j → %j is %s', (from, to, bump) => {
    expect(classifyBump(from, to)).toBe(bump);
  });

  it('throws a clear TypeError when the target is not a version', () => {
    expect(() => classifyBump('1.0.0', 'latest')).toThrow(TypeError);
    expect(() => classifyBump('1.0.0', 'latest')).toThrow('classifyBump: target "latest" is not a version');
  });
});

describe('isUpgrade', () => {
  it.each([
    ['1.0.0', '1.0.1', true],
    ['1.0.0', '1.0.0', false],
    ['v1.0', '1.0.0+b', false],
    // seed bug: an "update" was reported when the current version was newer
    ['2.0.0', '1.9.9', false],
    ['1.0.0', '1.0.0-rc.1', false],
    ['1.0.0-rc.1', '1.0.0', true],
    ['1.0.0.1', '1.0.0.2', true],
    ['1.0.0-beta.2', '1.0.0-beta.10', true],
    [null, '1.0.0', true],
    ['main', '1.0.0', true],
    ['1.0.0', 'latest', false],
    [null, 'latest', false],
  ] as [string | null, string, boolean][])('%j → %j: %s', (from, to, expected) => {
    expect(isUpgrade(from, to)).toBe(expected);
  });
});

describe('crossedBump', () => {
  it.each([
    ['6.2.15', '8.0-m01', 'major'],
    ['1.9.0', '2.0.0-rc.1', 'major'],
    ['1.0.0', '1.1.0-beta', 'minor'],
    ['1.0.0', '1.0.1-rc.1', 'patch'],
    ['1.0.0.1', '1.0.0.2-rc', 'patch'],
    ['1.0.0-rc.1', '1.0.0-rc.2', null],
    ['1.0.0-rc.2', '1.0.0', null],
    ['2.0.0', '1.0.0', null],
    ['1.0.0', '1.0.0', null],
    [null, '1.0.0-beta', 'major'],
    ['main', '1.2.0', 'major'],
    ['1.0.0', '1.2.0', 'minor'],
  ] as [string | null, string, string | null][])('%s → %s crosses %s', (from, to, crossed) => {
    expect(crossedBump(from, to)).toBe(crossed);
  });
});
