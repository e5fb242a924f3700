import { describe, expect, it } from 'vitest';
import { splitTokenFromHash } from './token.js';

describe('splitTokenFromHash', () => {
  it.each([
    ['#token=abc123', { token: 'abc123', hash: '' }],
    ['#token=abc%2B123', { token: 'abc+123', hash: '' }],
    ['#token=abc&/plan/core', { token: 'abc', hash: '#/plan/core' }],
    ['#/plan/core?token=abc', { token: 'abc', hash: '#/plan/core' }],
    ['#/plan/core?to=1.3.0&token=abc', { token: 'abc', hash: '#/plan/core?to=1.3.0' }],
    ['#/history', { token: null, hash: '#/history' }],
    ['', { token: null, hash: '' }],
    ['#token=', { token: null, hash: '' }],
  ])('%s', (hash, expected) => {
    expect(splitTokenFromHash(hash)).toEqual(expected);
  });
});
