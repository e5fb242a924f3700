import { describe, expect, it } from 'vitest';
import { describeSnapshotModes, recreatedByInstall, snapshotModes } from './snapshot-mode.js';

describe('which snapshot paths the install recreates', () => {
  it.each([
    ['npm ci', 'node_modules', 'npm ci recreates it'],
    ['npm ci --ignore-scripts && npm run build', 'node_modules', 'npm ci recreates it'],
    ['cd . && npm clean-install', './node_modules/', 'npm ci recreates it'],
    ['rm -rf vendor && composer install', 'vendor', 'the install removes vendor first'],
    ['rm -fr ./vendor; composer install', 'vendor', 'the install removes vendor first'],
    ['rm -r -f .venv && python -m venv .venv', '.venv', 'the install removes .venv first'],
    ['python3 -m venv --clear .venv && .venv/bin/pip install -r requirements.txt', '.venv', 'the install recreates .venv (--clear)'],
    ['uv venv .venv && uv pip sync requirements.txt', '.venv', 'uv venv recreates .venv'],
  ])('%s → %s: %s', (install, path, reason) => {
    expect(recreatedByInstall(install, path)).toBe(reason);
  });

  it.each([
    ['npm install', 'node_modules'],
    ['npm ci', 'vendor'],
    ['npm cinnamon', 'node_modules'],
    ['rm -rf vendor-old && composer install', 'vendor'],
    ['rm -f .venv/lock && pip install', '.venv'],
    ['rm -f .venv && pip install', '.venv'],
    ['composer install', 'vendor'],
    ['python -m venv .venv', '.venv'],
  ])('%s keeps %s', (install, path) => {
    expect(recreatedByInstall(install, path)).toBeNull();
  });

  it('no install recreates nothing', () => {
    expect(recreatedByInstall(null, 'node_modules')).toBeNull();
  });
});

describe('snapshot modes per path', () => {
  it('auto moves what the install recreates and copies the rest; move and copy are what they say', () => {
    expect(snapshotModes('auto', ['node_modules', 'data'], 'npm ci')).toEqual([
      { path: 'node_modules', mode: 'move', reason: 'npm ci recreates it' },
      { path: 'data', mode: 'copy', reason: 'the install may keep it' },
    ]);
    expect(snapshotModes('copy', ['node_modules'], 'npm ci').map((m) => m.mode)).toEqual(['copy']);
    expect(snapshotModes('move', ['data'], null).map((m) => m.mode)).toEqual(['move']);
  });

  it('the plan says which mode and why', () => {
    expect(describeSnapshotModes(snapshotModes('auto', ['node_modules', 'data'], 'npm ci'))).toBe(
      'move node_modules (npm ci recreates it) aside; copy data aside (a reflink clone where the file system supports it, else a full copy)',
    );
  });
});
