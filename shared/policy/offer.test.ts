import { describe, expect, it } from 'vitest';
import type { CandidateVerdict, ProjectCheck, Risk } from '../api/types.js';
import { updateOffer } from './offer.js';
import { describeSkip, majorSkip, skippedBy } from './skips.js';

const risk = (level: Risk['level']): Risk => ({ level, reasons: [] });
const verdict = (gate: CandidateVerdict['gate'], extra: Partial<CandidateVerdict> = {}): CandidateVerdict => ({
  bump: 'minor',
  crosses: null,
  gate,
  gateKey: null,
  compatible: true,
  refusedBy: [],
  unverifiedReason: null,
  breaking: [],
  breakingAllowed: true,
  notOffered: null,
  diverged: false,
  ...extra,
});
function candidate(version: string, gate: CandidateVerdict['gate'], blocked: string[] = [], level: Risk['level'] = 'low') {
  return { version, tag: `v${version}`, sha: version, prerelease: false, blocked: blocked.length > 0, reason: blocked.join('; ') || null, reasons: blocked, risk: risk(level), verdict: verdict(gate) };
}
function check(candidates: ProjectCheck['candidates']): ProjectCheck {
  return {
    name: 'core',
    path: '/x',
    current: { version: '1.0.0', tag: 'v1.0.0', sha: 'a', source: 'tag' },
    latest: candidates![0] ?? null,
    latestCompatible: null,
    updateAvailable: true,
    bump: 'major',
    gate: 'review',
    risk: risk('high'),
    compatible: false,
    blockers: [],
    candidates,
    error: null,
    checkedAt: '2026-12-04T10:00:00Z',
  };
}

describe('updateOffer', () => {
  it('acts on the newest installable release, with its own risk and gate, and lists newer blocked ones with their reasons', () => {
    const c = check([candidate('2.0.0', 'review', ['finance requires core <=1.x.x', 'contracts of 2.0.0 not read'], 'high'), candidate('1.2.0', 'review', [], 'medium'), candidate('1.1.0', 'auto')]);
    const offer = updateOffer(c, []);
    expect(offer.target).toEqual({ version: '1.2.0', tag: 'v1.2.0', gate: 'review', risk: risk('medium') });
    expect(offer.blocked).toEqual([{ version: '2.0.0', reasons: ['finance requires core <=1.x.x', 'contracts of 2.0.0 not read'], risk: risk('high') }]);
    expect(offer.counts).toBe(true);
  });

  it('never headlines nor counts a release a skip gate hides, nor a skipped version or major', () => {
    expect(updateOffer(check([candidate('2.0.0', 'skip', ['policy: skip'])]), [])).toMatchObject({ target: null, blocked: [], hiddenByGate: ['2.0.0'], counts: false });
    const c = check([candidate('2.1.0', 'review'), candidate('2.0.0', 'review'), candidate('1.2.0', 'auto')]);
    expect(updateOffer(c, ['2.x'])).toMatchObject({ target: { version: '1.2.0' }, skipped: [{ version: '2.1.0', by: '2.x' }, { version: '2.0.0', by: '2.x' }] });
    expect(updateOffer(c, ['2.1.0', '2.0.0', '1.2.0'])).toMatchObject({ target: null, counts: false });
  });

  it('keeps a manual-gated release as an explicit choice while the button acts on the default target', () => {
    const offer = updateOffer(check([candidate('2.0.0', 'manual'), candidate('1.1.0', 'auto')]), []);
    expect(offer.explicit?.version).toBe('2.0.0');
    expect(offer.target?.version).toBe('1.1.0');
    expect(updateOffer(check([candidate('2.0.0', 'manual')]), [])).toMatchObject({ target: null, explicit: { version: '2.0.0' }, counts: true });
  });

  it('offers nothing for a failed check or no update, and reads checks recorded before candidates', () => {
    expect(updateOffer(null, []).counts).toBe(false);
    expect(updateOffer({ ...check([candidate('1.1.0', 'auto')]), error: { code: 'X', message: 'x', retryable: true } }, []).counts).toBe(false);
    const legacy: ProjectCheck = { ...check([]), candidates: undefined, latest: { version: '2.0.0', tag: 'v2.0.0', sha: 'b', prerelease: false }, offered: { version: '1.1.0', tag: 'v1.1.0', sha: 'c', prerelease: false }, blockers: ['finance refuses'] };
    expect(updateOffer(legacy, [])).toMatchObject({ target: { version: '1.1.0', risk: null }, blocked: [{ version: '2.0.0', reasons: ['finance refuses'] }], counts: true });
  });
});

describe('skips', () => {
  it('matches a version or its major line', () => {
    expect(majorSkip('v2.3.1')).toBe('2.x');
    expect(skippedBy(['2.x'], '2.3.1')).toBe('2.x');
    expect(skippedBy(['1.2.0'], 'v1.2.0')).toBe('1.2.0');
    expect(skippedBy(['1.2.0', '2.x'], '3.0.0')).toBeNull();
    expect(describeSkip('2.x')).toBe('every 2.x release');
    expect(describeSkip('1.2.0')).toBe('1.2.0');
  });
});
