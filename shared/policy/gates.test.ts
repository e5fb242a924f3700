import { describe, expect, it } from 'vitest';
import type { BumpType } from '../api/types.js';
import { classifyBump, defaultGates, gateFor } from './index.js';

describe('gates', () => {
  it('defaults: patch auto, minor review, major and prerelease manual', () => {
    expect(defaultGates).toEqual({ patch: 'auto', minor: 'review', major: 'manual', prerelease: 'manual' });
    expect(Object.isFrozen(defaultGates)).toBe(true);
  });

  it.each([
    ['patch', 'auto'],
    ['minor', 'review'],
    ['major', 'manual'],
    ['prerelease', 'manual'],
    ['none', 'skip'],
    ['downgrade', 'skip'],
  ] as [BumpType, string][])('gateFor(%s) = %s', (bump, action) => {
    expect(gateFor(bump)).toBe(action);
    expect(gateFor(bump, defaultGates)).toBe(action);
  });

  it('uses configured gates, falling back to the defaults, never to auto', () => {
    const gates = { patch: 'review', minor: 'auto' } as const;
    expect(gateFor('patch', gates)).toBe('review');
    expect(gateFor('minor', gates)).toBe('auto');
    expect(gateFor('major', gates)).toBe('manual');
    expect(gateFor('prerelease', {})).toBe('manual');
    expect(gateFor('major', { major: 'yolo' as never })).toBe('manual');
  });

  it('never lets a downgrade or a no-op through, whatever the configuration', () => {
    const all = { patch: 'auto', minor: 'auto', major: 'auto', prerelease: 'auto' } as const;
    expect(gateFor('downgrade', all)).toBe('skip');
    expect(gateFor('none', all)).toBe('skip');
  });

  it('a prerelease that looks like a patch meets the prerelease gate (seed bug)', () => {
    expect(gateFor(classifyBump('1.0.0', '1.0.1-beta'))).toBe('manual');
  });
});
