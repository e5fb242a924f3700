// Issue 9 §3 through the service (what the dashboard calls): the approval queue listed, approved now or for the next
// window with who approved (this process's user@host, as the CLI records it), rejected, superseded by a newer release,
// and refused with BAD_INPUT naming the field. Real git remotes, as the CLI's automation tests.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeServices, openService, rejection } from '../../../test/helpers/service.js';
import { cleanupTempDirs, createRemoteWithReleases, pushTag } from '../../../test/helpers/repos.js';
import { CliHarness } from '../../../test/helpers/cli.js';
import { whoAmI, writeAutomationSettings } from '../scheduler/index.js';

afterEach(closeServices);
afterAll(() => cleanupTempDirs());

/** Project `p` at 1.0.0 with a minor release (gated `review` by default) on its remote, checked. */
async function reviewGated(newer: string[] = ['1.1.0']) {
  const fx = createRemoteWithReleases({
    initialFiles: { 'upshift.yml': 'smoke:\n  command: "true"\n', 'app.txt': 'v0\n' },
    releases: ['1.0.0', ...newer].map((version) => ({ version, files: { 'app.txt': `${version}\n` } })),
    checkout: 'v1.0.0',
  });
  const h = await openService();
  await h.service.addProject({ path: fx.work, name: 'p' });
  await h.service.idle();
  const check = await h.service.checkNow({ projects: ['p'] });
  expect(check.projects[0]).toMatchObject({ name: 'p', gate: 'review' });
  return { fx, h };
}

describe('approvals through the service', () => {
  it('lists the waiting release, approves it now with who approved, and the schedule makes it due', async () => {
    const { h } = await reviewGated();
    writeAutomationSettings(h.service.engine.store, { enabled: true });
    const listed = await h.service.listApprovals({});
    expect(listed.approvals).toEqual([expect.objectContaining({ project: 'p', version: '1.1.0', state: 'pending' })]);
    const before = await h.service.getSchedule({});
    expect(before.scheduler).toBeNull();
    expect(before.schedule.projects[0]!.releases[0]).toMatchObject({ version: '1.1.0', status: 'waiting', reasons: [{ code: 'awaiting-approval' }] });

    h.events.clear();
    const approved = await h.service.approve({ project: 'p', version: '1.1.0', when: 'now' });
    expect(approved).toMatchObject({ changed: true, approval: { project: 'p', version: '1.1.0', state: 'approved', timing: 'now', decidedBy: whoAmI() } });
    expect(whoAmI()).toMatch(/.@./);
    expect(h.events.types()).toContain('approvals-changed');
    // Approving again is settled, not a second decision.
    expect(await h.service.approve({ project: 'p', version: '1.1.0', when: 'now' })).toMatchObject({ changed: false });
    expect((await h.service.listApprovals({})).approvals).toEqual([expect.objectContaining({ version: '1.1.0', state: 'approved', decidedBy: whoAmI() })]);
    const after = await h.service.getSchedule({});
    expect(after.schedule.due).toEqual([expect.objectContaining({ project: 'p', version: '1.1.0', trigger: 'approval' })]);
  });

  it('approves for the next window, then rejects (a change of mind): the release stays rejected', async () => {
    const { h } = await reviewGated();
    expect(await h.service.approve({ project: 'p', when: 'next-window' })).toMatchObject({ approval: { version: '1.1.0', state: 'approved', timing: 'next-window' } });
    const rejected = await h.service.call('reject', { project: 'p', version: '1.1.0' });
    expect(rejected).toMatchObject({ changed: true, approval: { version: '1.1.0', state: 'rejected', decidedBy: whoAmI() } });
    await h.service.checkNow({ projects: ['p'] });
    expect((await h.service.listApprovals({})).approvals).toEqual([expect.objectContaining({ version: '1.1.0', state: 'rejected' })]);
    const s = await h.service.getSchedule({});
    expect(s.schedule.projects[0]!.releases[0]!.reasons.map((r) => r.code)).toContain('rejected');
  });

  it('a newer release supersedes an approval: approving the old one is APPROVAL_EXPIRED naming the new one', async () => {
    const { fx, h } = await reviewGated();
    await h.service.approve({ project: 'p', version: '1.1.0', when: 'now' });
    pushTag(fx.remote, 'v1.2.0', { 'app.txt': '1.2.0\n' });
    await h.service.checkNow({ projects: ['p'] });
    const err = await rejection(h.service.approve({ project: 'p', version: '1.1.0', when: 'now' }));
    expect(err).toMatchObject({ code: 'APPROVAL_EXPIRED', retryable: false, message: expect.stringContaining('superseded by 1.2.0') });
    expect(err.message).toContain('Nothing was changed.');
    const queue = (await h.service.listApprovals({})).approvals;
    expect(queue.map((a) => [a.version, a.state])).toEqual([
      ['1.1.0', 'expired'],
      ['1.2.0', 'pending'],
    ]);
    expect(await h.service.approve({ project: 'p', when: 'now' })).toMatchObject({ approval: { version: '1.2.0', state: 'approved' } });
  });

  it('an approval made in a terminal (`upshift approve`) reaches the dashboard as approvals-changed', async () => {
    const { h } = await reviewGated();
    h.events.clear();
    const r = new CliHarness({ UPSHIFT_HOME: h.home }).run('approve', 'p', '1.1.0', '--json');
    expect(r.code, r.stderr).toBe(0);
    h.clock.advance(500);
    expect(h.events.types()).toContain('approvals-changed');
    expect((await h.service.listApprovals({})).approvals).toEqual([expect.objectContaining({ version: '1.1.0', state: 'approved', timing: 'next-window' })]);
  });

  it('refuses what it cannot decide: nothing waiting, an unknown project, bad input naming the field', async () => {
    const { h } = await reviewGated();
    expect(await rejection(h.service.approve({ project: 'p', version: '9.9.9', when: 'now' }))).toMatchObject({ code: 'APPROVAL_NOT_FOUND' });
    expect(await rejection(h.service.reject({ project: 'nope' }))).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    const bad = await rejection(h.service.call('approve', { project: 'p', version: '1.1.0' }));
    expect(bad).toMatchObject({ code: 'BAD_INPUT', details: { method: 'approve', field: 'when' } });
    expect(bad.message).toContain('when');
    expect(await rejection(h.service.call('reject', { version: '1.1.0' }))).toMatchObject({ code: 'BAD_INPUT', details: { field: 'project' } });
    expect((await h.service.listApprovals({})).approvals.every((a) => a.state === 'pending')).toBe(true);
  });
});
