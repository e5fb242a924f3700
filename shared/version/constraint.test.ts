import { describe, expect, it } from 'vitest';
import { atLeast, atMost, ConstraintError, parseConstraint, parseVersion, satisfies } from './index.js';

/** [version, satisfies, atLeast (as a min), atMost (as a max)] */
type Row = [string, boolean, boolean, boolean];

function check(constraint: string, rows: Row[]): void {
  const c = parseConstraint(constraint);
  for (const [version, sat, least, most] of rows) {
    expect(satisfies(version, c), `${version} satisfies ${constraint}`).toBe(sat);
    expect(atLeast(version, c), `${version} at least ${constraint}`).toBe(least);
    expect(atMost(version, c), `${version} at most ${constraint}`).toBe(most);
  }
}

const MAJOR_ONE: Row[] = [
  ['1.0.0', true, true, true],
  ['1.2', true, true, true], // seed bug: `1.2` did not match `1.x.x`
  ['v1.2.0', true, true, true], // seed bug: wildcards did not match v-prefixed versions
  ['V1.2.0', true, true, true],
  ['1.9.9', true, true, true],
  ['1.99.99', true, true, true],
  ['1.5.0-rc.1', true, true, true], // a prerelease of a 1.x release is a 1.x release
  ['1.0.0-rc.1', true, true, true], // …even of 1.0.0: min 1.x.x means "the 1.x line or later"
  ['1.0.0.7', true, true, true],
  ['1.2.3+build.9', true, true, true], // seed bug: build metadata broke parsing
  ['2.0.0', false, true, false],
  ['2.0.0-rc.1', false, true, false], // a human reads 2.0.0-rc.1 as a 2.x release: above max 1.x.x
  ['2.0.0-0', false, true, false],
  ['0.9.9', false, false, true],
  ['0.99.0-beta', false, false, true],
];

describe('wildcards', () => {
  it.each(['1.x.x', '1.x', '1', 'v1.x.x', 'V1.X.X', '1.X', '1.*', '1.*.*', '1.x.*', 'v1'])(
    '%s stands for the whole 1.x line',
    (text) => {
      expect(parseConstraint(text).kind).toBe('wildcard');
      check(text, MAJOR_ONE);
    },
  );

  it('1.2.x and the partial 1.2 stand for the 1.2 line', () => {
    for (const text of ['1.2.x', '1.2.X', 'v1.2.*', '1.2']) {
      check(text, [
        ['1.2.0', true, true, true],
        ['1.2.99', true, true, true],
        ['1.2.0-beta.1', true, true, true],
        ['1.2.5.1', true, true, true],
        ['1.3.0', false, true, false],
        ['1.3.0-rc.1', false, true, false],
        ['1.1.9', false, false, true],
        ['2.2.0', false, true, false],
      ]);
    }
  });

  it('a four-part wildcard 1.0.0.x', () => {
    check('1.0.0.x', [
      ['1.0.0', true, true, true],
      ['1.0.0.1', true, true, true],
      ['1.0.0.99', true, true, true],
      ['1.0.1', false, true, false],
      ['0.9.9', false, false, true],
    ]);
  });

  it.each(['*', 'x', 'X', '  *  '])('%j admits everything', (text) => {
    const c = parseConstraint(text);
    expect(c.kind).toBe('any');
    for (const v of ['0.0.0', '0.0.0-0', '1.2.3', '99.0.0-rc.1', '1.0.0.1']) {
      expect(satisfies(v, c)).toBe(true);
      expect(atLeast(v, c)).toBe(true);
      expect(atMost(v, c)).toBe(true);
    }
  });

  it('keeps the user’s text for messages, not an expansion', () => {
    expect(parseConstraint(' v1.x.x ').text).toBe('v1.x.x');
    expect(parseConstraint('1.x.x').text).toBe('1.x.x');
  });
});

describe('exact versions', () => {
  it('1.2.3', () => {
    expect(parseConstraint('1.2.3').kind).toBe('exact');
    check('1.2.3', [
      ['1.2.3', true, true, true],
      ['v1.2.3+build', true, true, true],
      ['1.2.3.0', true, true, true],
      ['1.2.4', false, true, false],
      ['1.2.3-rc.1', false, false, true], // below the release
      ['1.2.2', false, false, true],
      ['1.2.3.1', false, true, false],
    ]);
  });

  it('four parts: 1.0.0.1 (seed bug: 1.0.0.2 was equal to 1.0.0.1)', () => {
    check('1.0.0.1', [
      ['1.0.0.1', true, true, true],
      ['1.0.0.2', false, true, false],
      ['1.0.0', false, false, true],
    ]);
  });

  it('prereleases, glued prereleases and leading zeros', () => {
    check('1.2.3-beta.2', [
      ['1.2.3-beta.2', true, true, true],
      ['1.2.3-beta.10', false, true, false], // numeric, not lexical (seed bug)
      ['1.2.3-beta.1', false, false, true],
    ]);
    check('1.8.2rc1', [['1.8.2-rc1', true, true, true], ['1.8.2', false, true, false]]);
    check('v9.2.0995', [
      ['9.2.995', true, true, true],
      ['v9.2.0994', false, false, true],
    ]);
    check('7.4-rc2', [
      ['7.4.0-rc2', true, true, true],
      ['7.4.0', false, true, false],
    ]);
  });
});

describe('ranges (semver syntax, evaluated with Upshift ordering)', () => {
  it('>=1.7.0 <2.0.0', () => {
    expect(parseConstraint('>=1.7.0 <2.0.0').kind).toBe('range');
    check('>=1.7.0 <2.0.0', [
      ['1.7.0', true, true, true],
      ['1.99.0', true, true, true],
      ['1.8.0-beta', true, true, true],
      ['1.7.0.5', true, true, true], // four-part target
      ['1.6.9', false, false, true],
      ['1.7.0-rc.1', false, false, true],
      ['2.0.0', false, true, false],
      ['2.0.0-rc.1', false, true, false], // `<2.0.0` keeps 2.0.0's prereleases out
    ]);
  });

  it('^1.2, ~1.2.3, hyphen ranges, ||', () => {
    check('^1.2', [
      ['1.2.0', true, true, true],
      ['v1.2.0995', true, true, true],
      ['1.9.9', true, true, true],
      ['1.1.9', false, false, true],
      ['2.0.0', false, true, false],
      ['2.0.0-rc.1', false, true, false],
    ]);
    check('~1.2.3', [
      ['1.2.3', true, true, true],
      ['1.2.9', true, true, true],
      ['1.3.0', false, true, false],
      ['1.2.2', false, false, true],
    ]);
    check('1.2.3 - 1.4', [
      ['1.2.3', true, true, true],
      ['1.4.9', true, true, true],
      ['1.5.0', false, true, false],
      ['1.2.2', false, false, true],
    ]);
    check('1.2.3 - 1.4.0', [
      ['1.4.0', true, true, true],
      ['1.4.1', false, true, false],
    ]);
    check('<1.0.0 || >=2.0.0', [
      ['0.9.0', true, true, true],
      ['1.5.0', false, true, true], // between the alternatives: above one, below the other
      ['2.1.0', true, true, true],
    ]);
    check('>= 1.2.3', [['1.2.3', true, true, true]]);
    check('=1.2.3', [['1.2.3', true, true, true], ['1.2.4', false, true, false]]);
    check('~>1.2', [['1.2.5', true, true, true], ['1.3.0', false, true, false]]);
  });

  it('normalises versions inside ranges through the Upshift parser', () => {
    check('>=v9.2.0995', [
      ['v9.2.0995', true, true, true],
      ['9.2.994', false, false, true],
    ]);
    check('>=1.8.2rc1 <1.9', [
      ['1.8.2-rc1', true, true, true],
      ['1.8.2rc2', true, true, true],
      ['1.8.2', true, true, true],
      ['1.8.1', false, false, true],
    ]);
    check('>=7.4-rc2', [
      ['7.4-rc2', true, true, true],
      ['7.4-rc1', false, false, true],
    ]);
    check('^1.x', [['1.5.0', true, true, true], ['2.0.0', false, true, false]]);
    check('>=1.2.3+build.1', [['1.2.3', true, true, true]]);
  });

  it('asks for prereleases of one version when told so', () => {
    check('>=1.0.0-rc.1 <1.0.0', [
      ['1.0.0-rc.1', true, true, true],
      ['1.0.0-rc.2', true, true, true],
      ['1.0.0', false, true, false],
    ]);
  });
});

describe('satisfies / atLeast / atMost with bad input', () => {
  it('an unparseable version satisfies nothing', () => {
    expect(satisfies('banana', '*')).toBe(false);
    expect(atLeast('banana', '1.x')).toBe(false);
    expect(atMost('', '1.x')).toBe(false);
  });

  it('accepts parsed versions and constraint text', () => {
    const v = parseVersion('1.5.0');
    expect(v).not.toBeNull();
    if (v !== null) expect(satisfies(v, '1.x.x')).toBe(true);
  });

  it('throws ConstraintError for a bad constraint text', () => {
    expect(() => satisfies('1.0.0', '1.x.2')).toThrow(ConstraintError);
  });
});

describe('parseConstraint: invalid text says what is wrong with which text', () => {
  it.each([
    ['', 'it is empty'],
    ['   ', 'it is empty'],
    ['1.x.2', 'a wildcard cannot be followed by a number ("2")'],
    ['1.*.3', 'a wildcard cannot be followed by a number'],
    ['1.2.3.4.5', 'at most four parts'],
    ['1.2.3.4.x', 'at most four parts'],
    ['1.2.3-', 'not a version'],
    ['1.2.3.beta', 'not a version'],
    ['v7.0001.x', 'zero-padded major or minor'],
    ['banana', 'not a version, wildcard or range'],
    ['latest', 'not a version, wildcard or range'],
    ['>=1.2.3 garbage', 'not a version, wildcard or range'],
    ['>=', 'not a version, wildcard or range'],
    ['1.2.3 -', 'not a version, wildcard or range'],
    ['>=1.0.0.1', 'four-part versions cannot be used inside a range'],
    ['^1.0.0.x', 'four-part versions cannot be used inside a range'],
    ['^1.x.2', 'a wildcard cannot be followed by a number'],
    ['>=0001.2', 'zero-padded major or minor'],
    ['>2 <1', 'no version can satisfy it'],
    ['1.2.3 1.2.4', 'no version can satisfy it'],
    ['<0.0.0', 'no version can satisfy it'],
    ['<x', 'no version can satisfy it'],
    ['1.0.0 ||', 'an alternative around "||" is empty'],
    ['||', 'an alternative around "||" is empty'],
    ['>=1.0.0; rm -rf /', 'unexpected character ";"'],
    ['>=1.0.0 $(id)', 'unexpected character "$"'],
    ['>=1.0.0\u0000', 'unexpected character'],
    ['x'.repeat(300), 'longer than 256 characters'],
  ])('%j → %s', (text, problem) => {
    let error: unknown;
    try {
      parseConstraint(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstraintError);
    const ce = error as ConstraintError;
    expect(ce.message).toContain(problem);
    expect(ce.problem).toContain(problem);
    if (text.length <= 256) expect(ce.message).toContain(`"${text}"`);
  });

  it('names the constraint in the message', () => {
    expect(() => parseConstraint('1.x.2')).toThrow(
      'Invalid version constraint "1.x.2": a wildcard cannot be followed by a number ("2")',
    );
  });

  it('rejects non-string input with a ConstraintError', () => {
    expect(() => parseConstraint(undefined as unknown as string)).toThrow(ConstraintError);
  });
});
