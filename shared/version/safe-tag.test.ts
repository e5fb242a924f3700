import { describe, expect, it } from 'vitest';
import { isCommitSha, isSafeTagName, MAX_TAG_LENGTH } from './index.js';

describe('isSafeTagName', () => {
  it.each([
    ['v1.2.3'],
    ['1.2.3'],
    ['v9.2.0995'],
    ['jq-1.8.2rc1'],
    ['8.0-m01'],
    ['v1.2.3+build.5'],
    ['release/1.2'],
    ['@scope/pkg@1.2.3'],
    ['pkg@1.0.0'],
    ['under_score-1.0'],
    ['twitter-20100804'],
    ['a'.repeat(MAX_TAG_LENGTH)],
    ['x.lockfile'],
  ])('accepts %j', (name) => {
    expect(isSafeTagName(name)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['-v1.0.0', 'leading dash (read as an option)'],
    ['--upload-pack=touch /tmp/pwned', 'option injection'],
    ['-', 'a lone dash'],
    ['v1.0.0;rm -rf ~', 'semicolon and space'],
    ['v1.0.0 ', 'trailing space'],
    [' v1.0.0', 'leading space'],
    ['v1.0\t0', 'tab'],
    ['v1.0.0\n', 'newline'],
    ['v1.0.0\r', 'carriage return'],
    ['v1\u00000', 'NUL'],
    ['v1\u001b[31m', 'escape sequence'],
    ['v1.0\u007f', 'DEL'],
    ['$(reboot)', 'command substitution'],
    ['`id`', 'backticks'],
    ['v1|sh', 'pipe'],
    ['v1&&x', 'ampersand'],
    ['v1>x', 'redirect'],
    ['v1<x', 'redirect'],
    ["v1'x", 'single quote'],
    ['v1"x', 'double quote'],
    ['v1\\x', 'backslash'],
    ['v1*', 'glob star'],
    ['v1?', 'glob question mark'],
    ['v1[0]', 'glob bracket'],
    ['v1{a,b}', 'brace expansion'],
    ['v1(x)', 'parentheses'],
    ['v1!', 'history expansion'],
    ['v1#x', 'comment'],
    ['v1%x', 'percent'],
    ['v1~1', 'tilde (git revision syntax)'],
    ['v1^{}', 'caret (peeled ref syntax)'],
    ['v1:x', 'colon'],
    ['v1..2', 'double dot'],
    ['..', 'double dot alone'],
    ['v1@{0}', 'at-brace'],
    ['@', 'lone at'],
    ['.hidden', 'leading dot'],
    ['a/.hidden', 'component starting with a dot'],
    ['v1.lock', 'ending with .lock'],
    ['a.lock/b', 'component ending with .lock'],
    ['v1.', 'trailing dot'],
    ['/v1', 'leading slash'],
    ['v1/', 'trailing slash'],
    ['a//b', 'double slash'],
    ['v1.0.0\u200b', 'zero-width space'],
    ['v1.0.0ⅰ', 'non-ASCII'],
    ['vа1.0', 'Cyrillic look-alike'],
    ['a'.repeat(MAX_TAG_LENGTH + 1), 'too long'],
  ])('rejects %j (%s)', (name) => {
    expect(isSafeTagName(name)).toBe(false);
  });

  it('rejects non-strings without throwing', () => {
    expect(isSafeTagName(undefined as unknown as string)).toBe(false);
    expect(isSafeTagName({} as unknown as string)).toBe(false);
  });
});

describe('isCommitSha', () => {
  it('accepts full SHA-1 and SHA-256 ids', () => {
    expect(isCommitSha('4467af7068b1bcd7f882defff6e7ea674c5357f4')).toBe(true);
    expect(isCommitSha('a'.repeat(64))).toBe(true);
    expect(isCommitSha('4467AF7068B1BCD7F882DEFFF6E7EA674C5357F4')).toBe(true);
  });

  it.each([
    [''],
    ['4467af7'], // abbreviated: ambiguous, and not what a source reports
    ['4467af7068b1bcd7f882defff6e7ea674c5357f'], // 39
    ['g467af7068b1bcd7f882defff6e7ea674c5357f4'], // non-hex
    ['--upload-pack=x-----------------------'], // option injection, 40 characters
    [' 467af7068b1bcd7f882defff6e7ea674c5357f4'],
    ['HEAD'],
  ])('rejects %j', (sha) => {
    expect(isCommitSha(sha)).toBe(false);
  });
});
