import { describe, expect, it } from 'vitest';
import { approve, findApproval, reconcileApprovals, reject, type Approval, type ApprovalQueue, type ApprovalRelease, type ApprovalResult } from './approvals.js';

const T0 = new Date('2026-11-30T09:00:00Z');
const T1 = new Date('2026-11-30T10:00:00Z');
const T2 = new Date('2026-11-30T11:00:00Z');

const release = (version: string, commit = version.replace(/\D/g, '').padEnd(40, 'a')): ApprovalRelease => ({ project: 'core', version, tag: `v${version}`, commit });
const found = (releases: ApprovalRelease[], current: string | null = '1.4.0') => [{ project: 'core', current, releases }];

/** Deep-frozen, so a transition that mutated its input would throw. */
function frozen(queue: Approval[]): ApprovalQueue {
  for (const a of queue) {
    for (const e of a.events) Object.freeze(e);
    Object.freeze(a.events);
    Object.freeze(a);
  }
  return Object.freeze(queue);
}

function ok(r: ApprovalResult) {
  if (!r.ok) throw new Error(r.error.message);
  return r;
}

const states = (q: ApprovalQueue) => q.map((a) => [a.version, a.state, a.timing]);

describe('the approval lifecycle', () => {
  it('a release behind a review gate gets a pending approval: only the newest one found', () => {
    const q = reconcileApprovals([], found([release('1.5.0'), release('1.5.1')]), T0);
    expect(q).toEqual([
      {
        ...release('1.5.1'),
        state: 'pending',
        timing: null,
        requestedAt: T0.toISOString(),
        decidedAt: null,
        decidedBy: null,
        reason: null,
        supersededBy: null,
        events: [{ state: 'pending', at: T0.toISOString(), by: null, reason: 'found by a check' }],
      },
    ]);
  });

  it('pending → approved now, recording who and when; the queue given is left as it was', () => {
    const q = frozen(reconcileApprovals([], found([release('1.5.0')]), T0));
    const r = ok(approve(q, { project: 'core' }, { by: 'alice@laptop', at: T1, timing: 'now' }));
    expect(r.changed).toBe(true);
    expect(r.approval).toMatchObject({ version: '1.5.0', state: 'approved', timing: 'now', decidedBy: 'alice@laptop', decidedAt: T1.toISOString() });
    expect(r.approval.events.at(-1)).toEqual({ state: 'approved', at: T1.toISOString(), by: 'alice@laptop', reason: 'approved now', timing: 'now' });
    expect(q[0]!.state).toBe('pending');
  });

  it('pending → approved for the next window; approving again the same way changes nothing, another way changes the timing', () => {
    const q = reconcileApprovals([], found([release('1.5.0')]), T0);
    const a = ok(approve(q, { project: 'core', version: '1.5.0' }, { by: 'alice', at: T1, timing: 'next-window' }));
    expect(a.approval.events.at(-1)!.reason).toBe('approved in the next window');
    const same = ok(approve(a.queue, { project: 'core', version: '1.5.0' }, { by: 'bob', at: T2, timing: 'next-window' }));
    expect([same.changed, same.approval.decidedBy]).toEqual([false, 'alice']);
    const now = ok(approve(a.queue, { project: 'core', version: '1.5.0' }, { by: 'bob', at: T2, timing: 'now' }));
    expect([now.changed, now.approval.timing, now.approval.decidedBy, now.approval.events.length]).toEqual([true, 'now', 'bob', 3]);
  });

  it('pending → rejected, with its reason; a change of mind is recorded as one', () => {
    const q = reconcileApprovals([], found([release('1.5.0')]), T0);
    const r = ok(reject(q, { project: 'core', version: '1.5.0' }, { by: 'alice', at: T1, reason: 'after the audit' }));
    expect(r.approval).toMatchObject({ state: 'rejected', timing: null, decidedBy: 'alice', reason: 'after the audit' });
    const again = ok(approve(r.queue, { project: 'core', version: '1.5.0' }, { by: 'bob', at: T2, timing: 'now' }));
    expect(again.approval.events.map((e) => [e.state, e.by, e.reason])).toEqual([
      ['pending', null, 'found by a check'],
      ['rejected', 'alice', 'after the audit'],
      ['approved', 'bob', 'approved now, after being rejected'],
    ]);
  });

  it.each<['approved' | 'rejected' | 'pending']>([['approved'], ['rejected'], ['pending']])('%s stays settled when the same release is found again', (state) => {
    let q: ApprovalQueue = reconcileApprovals([], found([release('1.5.0')]), T0);
    if (state === 'approved') q = ok(approve(q, { project: 'core' }, { by: 'alice', at: T1, timing: 'now' })).queue;
    if (state === 'rejected') q = ok(reject(q, { project: 'core' }, { by: 'alice', at: T1 })).queue;
    const before = frozen([...q]);
    const after = reconcileApprovals(before, found([release('1.5.0')]), T2);
    expect(after).toEqual(before);
    expect(after).toHaveLength(1);
  });
});

describe('expiry', () => {
  it('superseded by a newer release, saying so; the newer one is asked', () => {
    const q = ok(approve(reconcileApprovals([], found([release('1.5.0')]), T0), { project: 'core' }, { by: 'alice', at: T1, timing: 'next-window' })).queue;
    const after = reconcileApprovals(frozen(q), found([release('1.5.0'), release('1.5.1')]), T2);
    expect(states(after)).toEqual([
      ['1.5.0', 'expired', 'next-window'],
      ['1.5.1', 'pending', null],
    ]);
    expect(after[0]).toMatchObject({ reason: 'superseded by 1.5.1: approve 1.5.1 instead', supersededBy: { version: '1.5.1', commit: release('1.5.1').commit } });
    expect(after[0]!.events.at(-1)).toEqual({ state: 'expired', at: T2.toISOString(), by: null, reason: 'superseded by 1.5.1: approve 1.5.1 instead' });
    const late = approve(after, { project: 'core', version: '1.5.0' }, { by: 'alice', at: T2, timing: 'now' });
    expect(late).toEqual({
      ok: false,
      error: { code: 'APPROVAL_EXPIRED', message: 'The approval for core 1.5.0 has expired: superseded by 1.5.1: approve 1.5.1 instead.', retryable: false, details: { project: 'core', version: '1.5.0' } },
    });
  });

  it('the tag moved to another commit: the old approval expires, the release is asked again', () => {
    const q = ok(approve(reconcileApprovals([], found([release('1.5.0', 'a'.repeat(40))]), T0), { project: 'core' }, { by: 'alice', at: T1, timing: 'now' })).queue;
    const after = reconcileApprovals(q, found([release('1.5.0', 'b'.repeat(40))]), T2);
    expect(after.map((a) => [a.commit.slice(0, 7), a.state])).toEqual([
      ['aaaaaaa', 'expired'],
      ['bbbbbbb', 'pending'],
    ]);
    expect(after[0]!.reason).toBe('the tag v1.5.0 now points at bbbbbbb, not aaaaaaa: approve it again');
    expect(findApproval(after, release('1.5.0', 'b'.repeat(40)))?.state).toBe('pending');
    expect(approve(after, { project: 'core', version: '1.5.0', commit: 'aaaaaaa' }, { by: 'alice', at: T2, timing: 'now' })).toMatchObject({ ok: false, error: { code: 'APPROVAL_COMMIT_MISMATCH' } });
  });

  it('a rejection is not superseded: it stays on its release', () => {
    const q = ok(reject(reconcileApprovals([], found([release('1.5.0')]), T0), { project: 'core' }, { by: 'alice', at: T1 })).queue;
    expect(states(reconcileApprovals(q, found([release('1.5.1')]), T2))).toEqual([
      ['1.5.0', 'rejected', null],
      ['1.5.1', 'pending', null],
    ]);
  });

  it('a pending approval of a release installed by other means expires', () => {
    const q = reconcileApprovals([], found([release('1.5.0')]), T0);
    const after = reconcileApprovals(q, found([], '1.5.0'), T2);
    expect(after[0]).toMatchObject({ state: 'expired', reason: '1.5.0 is installed already (current 1.5.0)' });
  });

  it('found again after it expired (the newer tag was deleted): asked again, the old record kept', () => {
    const q = reconcileApprovals(reconcileApprovals([], found([release('1.5.0')]), T0), found([release('1.5.1')]), T1);
    const after = reconcileApprovals(q, found([release('1.5.0')]), T2);
    expect(states(after)).toEqual([
      ['1.5.0', 'expired', null],
      ['1.5.1', 'expired', null],
      ['1.5.0', 'pending', null],
    ]);
    expect(after[2]!.events[0]!.reason).toBe('found again after it had expired');
    expect(findApproval(after, release('1.5.0'))).toBe(after[2]);
  });

  it('a newer release the check no longer finds behind a review gate expires (tag deleted, gate changed)', () => {
    const q = ok(approve(reconcileApprovals([], found([release('1.5.0')]), T0), { project: 'core' }, { by: 'alice', at: T1, timing: 'now' })).queue;
    const after = reconcileApprovals(q, found([]), T2);
    expect(after[0]).toMatchObject({ state: 'expired', reason: '1.5.0 no longer waits for approval: the last check did not find it behind a review gate' });
  });

  it('an approval that was used (the release is installed now) stays approved', () => {
    const q = ok(approve(reconcileApprovals([], found([release('1.5.0')]), T0), { project: 'core' }, { by: 'alice', at: T1, timing: 'now' })).queue;
    expect(reconcileApprovals(q, found([], '1.5.0'), T2)[0]!.state).toBe('approved');
  });

  it('projects not in the findings are left alone; other projects are not superseded', () => {
    const other = { project: 'finance', current: '2.0.0', releases: [{ project: 'finance', version: '2.1.0', tag: 'v2.1.0', commit: 'c'.repeat(40) }] };
    const q = reconcileApprovals([], [...found([release('1.5.0')]), other], T0);
    const after = reconcileApprovals(q, found([release('1.6.0')]), T1);
    expect(after.map((a) => [a.project, a.version, a.state])).toEqual([
      ['core', '1.5.0', 'expired'],
      ['finance', '2.1.0', 'pending'],
      ['core', '1.6.0', 'pending'],
    ]);
  });
});

describe('errors that say what to do', () => {
  it.each<[string, Parameters<typeof approve>[1], string, string]>([
    ['nothing waiting', { project: 'hr' }, 'APPROVAL_NOT_FOUND', 'No release of hr is waiting for approval.'],
    ['a version never asked', { project: 'core', version: '1.4.9' }, 'APPROVAL_NOT_FOUND', 'No approval was asked for core 1.4.9: only releases behind a review gate wait for one.'],
    ['another commit', { project: 'core', version: '1.5.0', commit: 'ffffffff' }, 'APPROVAL_COMMIT_MISMATCH', 'core 1.5.0 is the commit 150aaaa, not fffffff: check again and approve what the tag points at now.'],
  ])('%s', (_name, target, code, message) => {
    const q = reconcileApprovals([], found([release('1.5.0')]), T0);
    const r = approve(q, target, { by: 'alice', at: T1, timing: 'now' });
    expect(r).toMatchObject({ ok: false, error: { code, message, retryable: false } });
    expect(reject(q, target, { by: 'alice', at: T1 })).toMatchObject({ ok: false, error: { code } });
  });
});
