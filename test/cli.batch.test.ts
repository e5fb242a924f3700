/**
 * Batches (issue 9 §4) through the real CLI over real git repositories: a core and three dependents, one of which must
 * be upgraded before the core (its new release is a bridge that accepts the old and the new core), upgraded with
 * `upshift upgrade --all` as one journalled batch; a failure in the last member rolls every member back; --keep-going
 * keeps what succeeded; a kill -9 in the middle is finished by the next command.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchPlan, BatchResult, HistoryResult } from '../shared/api/types.js';
import { world } from './helpers/batch-world.js';
import { notifyLog } from './helpers/notify-log.js';
import { cleanupTempDirs, git } from './helpers/repos.js';

afterAll(() => cleanupTempDirs());

describe('upshift upgrade --all (one batch in dependency order)', () => {
  it('plans the bridge first, runs every member as an ordinary upgrade and records one batch', () => {
    const w = world();
    const plan = w.cli.run('plan', '--all', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const p = plan.json<BatchPlan>();
    expect(p.order).toEqual(['finance', 'core', 'audit', 'reports']);
    expect(p.members.find((m) => m.project === 'finance')!.orderReason).toMatch(/before core/);

    const up = w.cli.run('upgrade', '--all', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    const r = up.json<BatchResult>();
    expect(r.batch.status).toBe('succeeded');
    expect(r.batch.members.map((m) => [m.project, m.to, m.status])).toEqual([
      ['finance', '0.3.0', 'succeeded'],
      ['core', '2.0.0', 'succeeded'],
      ['audit', '1.1.0', 'succeeded'],
      ['reports', '1.1.0', 'succeeded'],
    ]);
    expect(r.operations.map((o) => [o.project, o.kind, o.status])).toEqual([
      ['finance', 'upgrade', 'succeeded'],
      ['core', 'upgrade', 'succeeded'],
      ['audit', 'upgrade', 'succeeded'],
      ['reports', 'upgrade', 'succeeded'],
    ]);
    expect(git(w.core.work, 'rev-parse', 'HEAD')).toBe(w.core.sha('v2.0.0'));
    expect(git(w.reports.work, 'rev-parse', 'HEAD')).toBe(w.reports.sha('v1.1.0'));

    const h = w.cli.run('history', '--json').json<HistoryResult>();
    expect(h.batches).toHaveLength(1);
    expect(h.batches![0]!.members.map((m) => m.operationId)).toEqual(r.operations.map((o) => o.id));
    const text = w.cli.run('history', 'core');
    expect(text.stdout).toMatch(/Batch: every project\s+succeeded/);
  });

  it('a failure in the last member rolls every member back, last first (all-or-nothing)', () => {
    const w = world({ reportsSmoke: 'echo "reports smoke failed" >&2; exit 1\n' });
    const before = w.heads();
    const up = w.cli.run('upgrade', '--all', '--yes', '--json');
    expect(up.code, up.stderr).toBe(1);
    const r = up.json<BatchResult>();
    expect(r.batch.status).toBe('rolled_back');
    expect(r.batch.members.map((m) => [m.project, m.status])).toEqual([
      ['finance', 'rolled_back'],
      ['core', 'rolled_back'],
      ['audit', 'rolled_back'],
      ['reports', 'failed'],
    ]);
    expect(r.batch.error).toMatch(/reports 1\.1\.0: rolled_back .*smoke/);
    expect(w.heads()).toEqual(before);
    // Each member's own upgrade, then the rollbacks of the others in reverse order.
    const rollbacks = r.operations.filter((o) => o.kind === 'rollback');
    expect(rollbacks.map((o) => [o.project, o.status])).toEqual([
      ['finance', 'succeeded'],
      ['core', 'succeeded'],
      ['audit', 'succeeded'],
    ]);
    const order = [...rollbacks].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id)).map((o) => o.project);
    expect(order).toEqual(['audit', 'core', 'finance']);
  });

  it('--keep-going keeps what succeeded and reports the rest', () => {
    const w = world({ reportsSmoke: 'exit 1\n' });
    const up = w.cli.run('upgrade', '--all', '--keep-going', '--yes', '--json');
    expect(up.code, up.stderr).toBe(1);
    const r = up.json<BatchResult>();
    expect(r.batch.status).toBe('partial');
    expect(r.batch.members.map((m) => [m.project, m.status])).toEqual([
      ['finance', 'succeeded'],
      ['core', 'succeeded'],
      ['audit', 'succeeded'],
      ['reports', 'failed'],
    ]);
    expect(r.batch.error).toMatch(/kept finance 0\.3\.0, core 2\.0\.0, audit 1\.1\.0/);
    expect(git(w.core.work, 'rev-parse', 'HEAD')).toBe(w.core.sha('v2.0.0'));
    expect(git(w.reports.work, 'rev-parse', 'HEAD')).toBe(w.reports.sha('v1.0.0'));
  });

  it('--keep-going skips what needs a member that failed (the core fails: its dependents waiting for it do not run)', () => {
    const w = world({ coreSmoke: 'exit 1\n' });
    const up = w.cli.run('upgrade', '--all', '--keep-going', '--yes', '--json');
    expect(up.code, up.stderr).toBe(1);
    const r = up.json<BatchResult>();
    expect(r.batch.members.map((m) => [m.project, m.status])).toEqual([
      ['finance', 'succeeded'],
      ['core', 'failed'],
      ['audit', 'skipped'],
      ['reports', 'skipped'],
    ]);
    expect(r.batch.members[2]!.reason).toMatch(/needs it/);
  });

  it('--with-dependents upgrades a core and the dependent that cannot follow it, bridge first', () => {
    const w = world();
    const up = w.cli.run('upgrade', 'core', '--with-dependents', '--yes', '--json');
    expect(up.code, up.stderr).toBe(0);
    const r = up.json<BatchResult>();
    // audit and reports 1.0.0 accept core 2.0.0, so they stay.
    expect(r.batch.members.map((m) => [m.project, m.to])).toEqual([
      ['finance', '0.3.0'],
      ['core', '2.0.0'],
    ]);
  });

  it('refuses flags that do not fit a batch, naming them', () => {
    const w = world();
    const blocked = w.cli.run('upgrade', '--all', '--keep-going', '--on-hop-failure', 'last-good', '--yes');
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/--on-hop-failure applies to one project/);
    expect(w.cli.run('upgrade', '--all', 'core', '--yes').code).toBe(2);
  });
});

describe('notifications of a batch', () => {
  it('each member operation reaches the channels once, as a single upgrade or rollback would: upgrades, the failure, the rollbacks', () => {
    const w = world({ reportsSmoke: 'echo "reports smoke failed" >&2; exit 1\n' });
    const events = notifyLog(w.cli);
    const up = w.cli.run('upgrade', '--all', '--yes', '--json');
    expect(up.code, up.stderr).toBe(1);
    const sent = events().map((e) => [e.type, e.project, e.to]);
    // Three members upgraded, the fourth failed its smoke test (rolled back), then the others were rolled back.
    expect(sent).toEqual(expect.arrayContaining([
      ['upgraded', 'finance', '0.3.0'],
      ['upgraded', 'core', '2.0.0'],
      ['upgraded', 'audit', '1.1.0'],
      ['rolled_back', 'reports', '1.1.0'],
    ]));
    expect(sent.filter(([type]) => type === 'rolled_back').map(([, project]) => project).sort()).toEqual(['audit', 'core', 'finance', 'reports']);
    expect(sent).toHaveLength(7);
    expect(events().find((e) => e.project === 'reports')!.step).toBe('smoke');
  });
});
