import { describe, expect, it } from 'vitest';
import type { BumpType } from '../api/types.js';
import { assessRisk, classifyBump, crossedBump, type RiskInput } from './index.js';

describe('assessRisk', () => {
  const base: RiskInput = { bump: 'patch', breaking: [], incompatibleDependents: [], hasSmokeTests: true };

  it.each([
    // [input overrides, level]
    [{}, 'low'],
    [{ bump: 'minor' }, 'medium'],
    [{ bump: 'major' }, 'high'],
    [{ bump: 'prerelease' }, 'medium'],
    [{ bump: 'none' }, 'low'],
    [{ bump: 'downgrade' }, 'high'],
    [{ hasSmokeTests: false }, 'medium'], // missing tests raise low to medium
    [{ bump: 'minor', hasSmokeTests: false }, 'medium'],
    [{ bump: 'prerelease', hasSmokeTests: false }, 'medium'],
    [{ breaking: ['X'] }, 'medium'], // breaking with tests: at least medium
    [{ breaking: ['X'], hasSmokeTests: false }, 'high'], // breaking without tests: high
    [{ bump: 'major', breaking: ['X'] }, 'high'],
    [{ incompatibleDependents: ['finance'] }, 'high'],
    [{ security: true }, 'low'], // security never lowers nor raises
    [{ bump: 'major', security: true }, 'high'],
  ] as [Partial<RiskInput>, string][])('%j → %s', (overrides, level) => {
    expect(assessRisk({ ...base, ...overrides }).level).toBe(level);
  });

  // A prerelease is at least as risky as the bump it crosses (issue 8 §4: redis 6.2.15 → 8.0-m01 was rated below 7.4.1).
  it.each([
    // [from, to, level with smoke tests]
    ['6.2.15', '7.4.1', 'high'],
    ['6.2.15', '8.0.0-m01', 'high'],
    ['1.9.0', '2.0.0-rc.1', 'high'],
    ['1.0.0', '1.1.0-beta.1', 'medium'],
    ['1.0.0', '1.0.1-rc.1', 'medium'],
    ['1.0.0-rc.1', '1.0.0-rc.2', 'medium'],
    [null, '2.0.0-alpha', 'high'],
  ] as [string | null, string, string][])('%s → %s: %s', (from, to, level) => {
    const risk = assessRisk({ ...base, bump: classifyBump(from, to), crosses: crossedBump(from, to) });
    expect(risk.level).toBe(level);
  });

  it('a prerelease across a major is never rated below the stable major', () => {
    const order = { low: 0, medium: 1, high: 2 };
    const stable = assessRisk({ ...base, bump: classifyBump('6.2.15', '7.4.1') });
    const pre = assessRisk({ ...base, bump: classifyBump('6.2.15', '8.0.0-m01'), crosses: crossedBump('6.2.15', '8.0.0-m01') });
    expect(order[pre.level]).toBeGreaterThanOrEqual(order[stable.level]);
    expect(pre.reasons).toEqual(['Prerelease: not a final release and may be unstable.', 'It leads to a new major version: may contain incompatible changes.']);
  });

  it('gives one human sentence per factor', () => {
    expect(assessRisk(base)).toEqual({ level: 'low', reasons: ['Patch release: by convention only bug fixes.'] });
    expect(
      assessRisk({
        bump: 'major',
        breaking: ['Removed the v1 API', 'Renamed config key'],
        incompatibleDependents: ['finance', 'root'],
        hasSmokeTests: false,
        security: true,
      }),
    ).toEqual({
      level: 'high',
      reasons: [
        'Major release: may contain incompatible changes.',
        '2 breaking changes announced ("Removed the v1 API", "Renamed config key") and no smoke tests to catch what breaks.',
        'Incompatible with 2 dependents: finance, root.',
        'No smoke tests configured: a broken upgrade would only be noticed by hand.',
        'Security fix: worth applying soon, but that does not make it any less risky.',
      ],
    });
    expect(assessRisk({ ...base, bump: 'minor', breaking: ['X'], incompatibleDependents: ['a'] }).reasons).toEqual([
      'Minor release: new features that should stay backward compatible.',
      '1 breaking change announced ("X"); smoke tests will check the result.',
      'Incompatible with 1 dependent: a.',
    ]);
  });

  it('every reason is a sentence', () => {
    const bumps: BumpType[] = ['patch', 'minor', 'major', 'prerelease', 'none', 'downgrade'];
    for (const bump of bumps) {
      for (const r of assessRisk({ bump, crosses: 'major', breaking: ['b'], incompatibleDependents: ['d'], hasSmokeTests: false, security: true }).reasons) {
        expect(r).toMatch(/^[A-Z0-9].*\.$/);
      }
    }
  });

  it('ignores blank breaking-change texts and clips very long ones', () => {
    expect(assessRisk({ ...base, breaking: ['', '  '] }).level).toBe('low');
    const long = 'x'.repeat(500);
    const reason = assessRisk({ ...base, breaking: [long] }).reasons[1] ?? '';
    expect(reason.length).toBeLessThan(200);
    expect(reason).toContain('…');
  });

  it('treats an unknown bump as high rather than crashing', () => {
    const risk = assessRisk({ ...base, bump: 'sideways' as BumpType });
    expect(risk.level).toBe('high');
    expect(risk.reasons[0]).toBe('Unknown kind of change "sideways".');
  });
});
