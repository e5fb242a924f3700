import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearest } from './nearest.js';

const COMMANDS = ['add', 'config', 'remove', 'list', 'check', 'plan', 'upgrade', 'rollback', 'history', 'unlock', 'status', 'offline', 'import', 'state', 'serve', 'help'];

describe('editDistance', () => {
  it('counts inserts, deletes, substitutions and adjacent swaps as one edit each, ignoring case', () => {
    expect(editDistance('check', 'check')).toBe(0);
    expect(editDistance('chek', 'check')).toBe(1);
    expect(editDistance('chekc', 'check')).toBe(1);
    expect(editDistance('CHECK', 'check')).toBe(0);
    expect(editDistance('plna', 'plan')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('nearest', () => {
  it('finds the command a typo meant', () => {
    expect(nearest('chek', COMMANDS)).toBe('check');
    expect(nearest('upgarde', COMMANDS)).toBe('upgrade');
    expect(nearest('histroy', COMMANDS)).toBe('history');
    expect(nearest('rollbak', COMMANDS)).toBe('rollback');
    expect(nearest('stauts', COMMANDS)).toBe('status');
    expect(nearest('lsit', COMMANDS)).toBe('list');
  });

  it('finds flags and project names', () => {
    expect(nearest('--too', ['--to', '--yes', '--stash', '--force', '--json'])).toBe('--to');
    expect(nearest('--stahs', ['--to', '--yes', '--stash', '--force', '--json'])).toBe('--stash');
    expect(nearest('node_exporer', ['jq', 'node_exporter', 'redis'])).toBe('node_exporter');
    expect(nearest('Redis', ['jq', 'node_exporter', 'redis'])).toBe('redis');
  });

  it('accepts a prefix of three characters or more', () => {
    expect(nearest('hist', COMMANDS)).toBe('history');
    expect(nearest('roll', COMMANDS)).toBe('rollback');
  });

  it('suggests nothing when nothing is close', () => {
    expect(nearest('xyz', COMMANDS)).toBeNull();
    expect(nearest('deploy', COMMANDS)).toBeNull();
    expect(nearest('', COMMANDS)).toBeNull();
    expect(nearest('a', ['jq'])).toBeNull();
    expect(nearest('anything', [])).toBeNull();
  });

  it('never turns a short word into an unrelated one of the same length', () => {
    // "jq" → "js" is one edit, but every character of a two-letter word would change with two.
    expect(nearest('ab', ['cd'])).toBeNull();
    expect(nearest('jx', ['jq'])).toBe('jq');
  });

  it('says it as a sentence, or not at all', () => {
    expect(didYouMean('chek', COMMANDS)).toBe(' Did you mean "check"?');
    expect(didYouMean('chek', COMMANDS, (s) => `\`upshift ${s}\``)).toBe(' Did you mean `upshift check`?');
    expect(didYouMean('zzz', COMMANDS)).toBe('');
  });
});
