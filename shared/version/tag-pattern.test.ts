import { describe, expect, it } from 'vitest';
import { compileTagPattern, DEFAULT_TAG_PATTERN, TagPatternError } from './index.js';

describe('compileTagPattern: default v{version}', () => {
  const p = compileTagPattern();

  it('is v{version}', () => {
    expect(DEFAULT_TAG_PATTERN).toBe('v{version}');
    expect(p.pattern).toBe('v{version}');
    expect(p.prefix).toBe('v');
    expect(p.suffix).toBe('');
  });

  it.each([
    ['v1.2.3', '1.2.3', true],
    ['V1.2.3', '1.2.3', false],
    ['1.2.3', '1.2.3', false],
    ['v9.2.0995', '9.2.995', true],
    ['8.0-m01', '8.0.0-m01', false],
    ['v1.4.0-rc.0', '1.4.0-rc.0', true],
    ['0.12.0rc1', '0.12.0-rc1', false],
    ['v1', '1.0.0', true],
    ['v1.0.0.1', '1.0.0.1', true],
    ['v1.2.3+build', '1.2.3', true],
  ])('matches %j as %s (exact prefix: %s)', (tag, normalized, exact) => {
    expect(p.match(tag)?.normalized).toBe(normalized);
    expect(p.isExactMatch(tag)).toBe(exact);
  });

  it.each([
    ['1', 'a bare lone number is more often a build number or date'],
    ['20100804', 'date'],
    ['twitter-20100804', 'prefix that is not v'],
    ['vm-playpen', 'not a version'],
    ['with-deprecated-diskstore', 'not a version'],
    ['vv1.2.3', 'double prefix'],
    ['release-1.2.3', 'other prefix'],
    ['v1.2.3-', 'empty prerelease'],
    ['v7.0001', 'vim pre-7.0 snapshot serial'],
    ['refs/tags/v1.2.3', 'full ref name'],
    ['v1.2.3.lock', 'git would refuse it'],
    [`v1.2.3-${'a'.repeat(200)}`, 'longer than 200 characters'],
    ['-1.2.3', 'leading dash'],
    ['v1.2.3 ', 'whitespace'],
    ['v1.2.3\n', 'newline'],
  ])('does not match %j (%s)', (tag) => {
    expect(p.match(tag)).toBeNull();
  });
});

describe('compileTagPattern: custom prefixes are strict', () => {
  const jq = compileTagPattern('jq-{version}');

  it('matches jq tags, including glued release candidates', () => {
    expect(jq.match('jq-1.8.2rc1')?.normalized).toBe('1.8.2-rc1');
    expect(jq.match('jq-1.7')?.normalized).toBe('1.7.0');
    expect(jq.match('jq-1')?.normalized).toBe('1.0.0'); // the prefix makes a lone number a version
    expect(jq.isExactMatch('jq-1.7')).toBe(true);
  });

  it('ignores unprefixed tags such as jq’s stray 1.6rc2, and other spellings of the prefix', () => {
    expect(jq.match('1.6rc2')).toBeNull();
    expect(jq.match('v1.6')).toBeNull();
    expect(jq.match('JQ-1.6')).toBeNull();
    expect(jq.match('jq-v1.6')).toBeNull();
    expect(jq.match('xjq-1.6')).toBeNull();
  });

  it('supports a suffix and regex characters in the literal text', () => {
    const p = compileTagPattern('release/{version}-final');
    expect(p.match('release/1.2.3-final')?.normalized).toBe('1.2.3');
    expect(p.match('release/1.2.3-rc.1-final')?.normalized).toBe('1.2.3-rc.1');
    expect(p.match('release/1.2.3')).toBeNull();
    const dots = compileTagPattern('a.b+{version}');
    expect(dots.match('a.b+1.0.0')?.normalized).toBe('1.0.0');
    expect(dots.match('aXb+1.0.0')).toBeNull(); // the dot is literal, not "any character"
  });

  it('{version} alone accepts bare versions and, as a fallback, v-prefixed ones', () => {
    const p = compileTagPattern('{version}');
    expect(p.match('7.4.0')?.normalized).toBe('7.4.0');
    expect(p.match('v1.3.7')?.normalized).toBe('1.3.7');
    expect(p.isExactMatch('7.4.0')).toBe(true);
    expect(p.isExactMatch('v1.3.7')).toBe(false);
  });
});

describe('compileTagPattern: malformed patterns', () => {
  it.each([
    ['', 'must contain {version}'],
    ['v', 'must contain {version}'],
    ['{VERSION}', 'must contain {version}'],
    ['{version}-{version}', 'more than once'],
    ['v {version}', 'may only contain'],
    ['$(id){version}', 'may only contain'],
    ['v{version};rm', 'may only contain'],
    ['-{version}', 'cannot start with'],
    ['.{version}', 'cannot start with'],
    ['x'.repeat(101) + '{version}', 'longer than 100'],
  ])('%j is rejected (%s)', (pattern, message) => {
    expect(() => compileTagPattern(pattern)).toThrow(TagPatternError);
    expect(() => compileTagPattern(pattern)).toThrow(message);
  });

  it('names the pattern in the message', () => {
    expect(() => compileTagPattern('v{version};rm')).toThrow('Invalid tag pattern "v{version};rm"');
  });
});
