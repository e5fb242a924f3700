import { describe, expect, it } from 'vitest';
import type { AppState } from '../../shared/api/contract.js';
import type { ProjectCheck } from '../../shared/api/types.js';
import { newReleases, nothingNewMessage } from './check-summary.js';
import { failedReleaseText } from '../lib/outcomes.js';

const c = (name: string, versions: string[], error = false): ProjectCheck =>
  ({
    name,
    latest: versions[0] ? { version: versions[0], tag: `v${versions[0]}`, sha: 'x', prerelease: false } : null,
    candidates: versions.map((v) => ({ version: v, tag: `v${v}`, sha: 'x', prerelease: false, blocked: false, reason: null })),
    error: error ? { code: 'X', message: 'down', retryable: true } : null,
  }) as unknown as ProjectCheck;
const state = (checks: ProjectCheck[]): AppState => ({ projects: checks.map((check) => ({ name: check.name, check })) }) as unknown as AppState;

describe('Check now summary', () => {
  it('says nothing is new, with how many projects were checked', () => {
    const before = state([c('core', ['1.1.0']), c('finance', []), c('web', [])]);
    expect(nothingNewMessage(before, { projects: [c('core', ['1.1.0']), c('finance', []), c('web', [])] })).toBe('No new releases — checked 3 projects just now');
    expect(nothingNewMessage(state([c('core', [])]), { projects: [c('core', [])] })).toBe('No new releases — checked 1 project just now');
  });
  it('stays silent when a release is new or a check failed', () => {
    const before = state([c('core', ['1.1.0'])]);
    expect(newReleases(before, { projects: [c('core', ['1.2.0', '1.1.0'])] })).toEqual(['core 1.2.0']);
    expect(nothingNewMessage(before, { projects: [c('core', ['1.2.0', '1.1.0'])] })).toBeNull();
    expect(nothingNewMessage(before, { projects: [c('core', ['1.1.0'], true)] })).toBeNull();
  });
  it('says what failed and when: "1.2.0 failed its smoke tests on Dec 4 — rolled back"', () => {
    const f = { version: '1.2.0', operationId: 'op_1', step: { id: 'smoke', title: 'Run the smoke test' }, at: '2026-12-04T10:00:00Z' };
    expect(failedReleaseText(f, { timeZone: 'UTC', now: Date.parse('2026-12-06T00:00:00Z') })).toBe('1.2.0 failed its smoke tests on Dec 4 — rolled back');
    expect(failedReleaseText({ ...f, step: { id: 'install', title: 'Install' } }, { timeZone: 'UTC', now: Date.parse('2026-12-06T00:00:00Z') })).toBe('1.2.0 failed to install on Dec 4 — rolled back');
  });
});
