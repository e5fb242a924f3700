/**
 * A batch killed with SIGKILL in the middle (issue 9 §4): the next command finishes it from the journal — the member
 * that was running is restored by the single-project recovery, then every member that had succeeded is rolled back
 * (all-or-nothing), or kept and resumable with `upshift resume` (--keep-going). Crash points: util/crash-points.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchResult, HistoryResult } from '../shared/api/types.js';
import { cleanupTempDirs, git } from './helpers/repos.js';
import { world } from './helpers/batch-world.js';

afterAll(() => cleanupTempDirs());

function crashAt(w: ReturnType<typeof world>, point: string, ...args: string[]) {
  w.cli.env.UPSHIFT_TEST_CRASH_AT = point;
  try {
    return w.cli.run(...args);
  } finally {
    delete w.cli.env.UPSHIFT_TEST_CRASH_AT;
  }
}

describe('kill -9 in the middle of a batch', () => {
  it("during the third member's smoke test: the next command rolls every member back to where it started", () => {
    const w = world();
    const before = w.heads();
    const killed = crashAt(w, 'command:smoke:spawned#3', 'upgrade', '--all', '--yes', '--json');
    expect(killed.code).toBeNull(); // SIGKILL
    expect(git(w.core.work, 'rev-parse', 'HEAD')).toBe(w.core.sha('v2.0.0')); // half done

    const next = w.cli.run('history', '--json');
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/Recovered interrupted batch-.*rolled every member back/);
    const h = next.json<HistoryResult>();
    const b = h.batches![0]!;
    expect(b.status).toBe('rolled_back');
    expect(b.phase).toBe('done');
    expect(b.members.map((m) => [m.project, m.status])).toEqual([
      ['finance', 'rolled_back'],
      ['core', 'rolled_back'],
      ['audit', 'failed'],
      ['reports', 'skipped'],
    ]);
    expect(w.heads()).toEqual(before);
    // The running member was restored by its own recovery operation; the others by ordinary rollbacks.
    expect(h.operations.filter((o) => o.kind === 'recovery').map((o) => o.project)).toEqual(['audit']);
    expect(h.operations.filter((o) => o.kind === 'rollback').map((o) => [o.project, o.status])).toEqual([
      ['finance', 'succeeded'],
      ['core', 'succeeded'],
    ]);
  });

  it('while rolling back: recovery finishes the rollback of the members not yet undone', () => {
    const w = world({ reportsSmoke: 'exit 1\n' });
    const before = w.heads();
    const killed = crashAt(w, 'batch:member-rolled-back#1', 'upgrade', '--all', '--yes', '--json');
    expect(killed.code).toBeNull();
    const next = w.cli.run('history', '--json');
    expect(next.code, next.stderr).toBe(0);
    const b = next.json<HistoryResult>().batches![0]!;
    expect(b.status).toBe('rolled_back');
    expect(b.members.map((m) => m.status)).toEqual(['rolled_back', 'rolled_back', 'rolled_back', 'failed']);
    expect(w.heads()).toEqual(before);
  });

  it('with --keep-going: recovery keeps what succeeded, and `upshift resume` continues with the rest', () => {
    const w = world();
    const killed = crashAt(w, 'command:smoke:spawned#3', 'upgrade', '--all', '--keep-going', '--yes', '--json');
    expect(killed.code).toBeNull();
    const next = w.cli.run('history', '--json');
    const b = next.json<HistoryResult>().batches![0]!;
    expect(b.status).toBe('interrupted');
    expect(b.error).toMatch(/upshift resume batch-/);
    expect(b.members.map((m) => [m.project, m.status])).toEqual([
      ['finance', 'succeeded'],
      ['core', 'succeeded'],
      ['audit', 'pending'],
      ['reports', 'pending'],
    ]);
    expect(git(w.core.work, 'rev-parse', 'HEAD')).toBe(w.core.sha('v2.0.0'));
    expect(git(w.audit.work, 'rev-parse', 'HEAD')).toBe(w.audit.sha('v1.0.0'));

    const resumed = w.cli.run('resume', b.id, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    const r = resumed.json<BatchResult>();
    expect(r.batch.id).toBe(b.id);
    expect(r.batch.status).toBe('succeeded');
    expect(git(w.reports.work, 'rev-parse', 'HEAD')).toBe(w.reports.sha('v1.1.0'));
    expect(w.cli.run('resume', b.id).code).toBe(4);
  });
});
