import { describe, expect, it } from 'vitest';
import type { BumpType } from '../api/types.js';
import { classifyBump, crossedBump, defaultGates, gateFor, gateRequirement, gateRule, stricterGate } from './index.js';

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

  it('a prerelease meets the stricter of the prerelease gate and the gate of the bump it crosses', () => {
    const rule = (from: string | null, to: string, gates = {}) => gateRule(classifyBump(from, to), gates, crossedBump(from, to));
    // Defaults: prerelease manual is already the strictest but skip.
    expect(rule('6.2.15', '8.0.0-m01')).toEqual({ action: 'manual', key: 'prerelease' });
    // A lenient prerelease gate does not open a major: the major's gate applies.
    expect(rule('6.2.15', '8.0.0-m01', { prerelease: 'review' })).toEqual({ action: 'manual', key: 'major' });
    expect(rule('1.9.0', '2.0.0-rc.1', { prerelease: 'auto', major: 'skip' })).toEqual({ action: 'skip', key: 'major' });
    expect(rule('1.0.0', '1.1.0-beta', { prerelease: 'auto' })).toEqual({ action: 'review', key: 'minor' });
    expect(rule('1.0.0', '1.0.1-beta', { prerelease: 'auto' })).toEqual({ action: 'auto', key: 'prerelease' });
    // Between prereleases of one version only the prerelease gate applies.
    expect(rule('1.0.0-rc.1', '1.0.0-rc.2', { prerelease: 'review' })).toEqual({ action: 'review', key: 'prerelease' });
    // Unknown current version: the distance is unknown, so it crosses a major.
    expect(rule(null, '2.0.0-alpha', { prerelease: 'auto' })).toEqual({ action: 'manual', key: 'major' });
    // A stable target is judged by its own bump only.
    expect(rule('1.0.0', '2.0.0', { prerelease: 'skip' })).toEqual({ action: 'manual', key: 'major' });
  });

  it('orders gates auto < review < manual < skip', () => {
    expect(stricterGate('auto', 'review')).toBe('review');
    expect(stricterGate('manual', 'review')).toBe('manual');
    expect(stricterGate('manual', 'skip')).toBe('skip');
    expect(stricterGate('auto', 'auto')).toBe('auto');
  });

  it('says what each gate asks before an upgrade starts', () => {
    expect(['auto', 'review', 'manual', 'skip'].map((g) => gateRequirement(g as never))).toEqual(['nothing', 'confirmation', 'explicit-choice', 'never']);
  });
});
