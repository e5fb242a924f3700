/** The Operation view's batch line and the Schedule view's run log, rendered to static HTML. */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SchedulerRun } from '../../shared/api/contract.js';
import type { BatchOperation } from '../../shared/api/types.js';
import { BatchMembershipLine, batchCommand } from './OperationBatchNote.js';
import { SchedulerRunLog } from './SchedulerRunLog.js';

const member = (seq: number, project: string, operationId: string | null, rollbackId: string | null = null) => ({
  seq,
  project,
  from: '1.0.0',
  to: '1.1.0',
  status: 'succeeded' as const,
  operationId,
  rollbackId,
  reason: null,
});

const batch: BatchOperation = {
  id: 'batch-20261206T090000Z-abcdef',
  kind: 'batch',
  mode: 'all',
  root: null,
  onFailure: 'all-or-nothing',
  status: 'succeeded',
  phase: 'done',
  startedAt: '2026-12-06T09:00:00.000Z',
  finishedAt: '2026-12-06T09:01:00.000Z',
  error: null,
  host: 'h',
  user: 'u',
  pid: 1,
  startedBy: null,
  members: [member(0, 'core', 'op_a'), member(1, 'api', 'op_b'), member(2, 'web', 'op_c', 'op_r'), member(3, 'cli', null)],
};

describe('batch membership on the Operation view', () => {
  it('names the member position, the batch (linked to History) and the command', () => {
    const html = renderToStaticMarkup(<BatchMembershipLine batches={[batch]} operationId="op_c" />);
    expect(html).toContain('Member 3 of 4 of batch');
    expect(html).toContain('href="#/history"');
    expect(html).toContain('<code>batch-20261206T090000Z-abcdef</code>');
    expect(html).toContain('— upgrade --all');
  });

  it('a rollback that undid a member says so; an operation of no batch shows nothing', () => {
    expect(renderToStaticMarkup(<BatchMembershipLine batches={[batch]} operationId="op_r" />)).toContain('Rollback of member 3 of 4');
    expect(renderToStaticMarkup(<BatchMembershipLine batches={[batch]} operationId="op_lone" />)).toBe('');
  });

  it('the command in CLI words for each mode', () => {
    expect(batchCommand({ ...batch, mode: 'with-dependents', root: 'core' })).toBe('upgrade core --with-dependents');
    expect(batchCommand({ ...batch, kind: 'path', mode: 'path', root: 'core' })).toBe('upgrade core along a path of 4 hops');
  });
});

describe('Recent unattended runs', () => {
  const run: SchedulerRun = {
    id: 7,
    at: '2026-12-06T02:00:00.000Z',
    scheduler: 'daemon (pid 4242 on build-box)',
    outcomes: [
      { project: 'core', version: '1.1.0', operation: { id: 'op_20261206T020000Z_000001', status: 'succeeded' }, refused: null },
      { project: 'api', version: '2.0.0', operation: null, refused: { code: 'BUSY', message: 'api already runs an operation' } },
    ],
    problems: ['finance: its upshift.json is not valid JSON'],
  };

  it('each run: when, which scheduler, each release with its operation linked or why it was not started, and problems', () => {
    const html = renderToStaticMarkup(<SchedulerRunLog runs={[run]} />);
    expect(html).toContain('Recent unattended runs');
    expect(html).toContain('daemon (pid 4242 on build-box)');
    expect(html).toMatch(/<strong>core 1\.1\.0<\/strong>: upgraded <a href="#\/operation\/op_20261206T020000Z_000001"/);
    expect(html).toContain('<strong>api 2.0.0</strong>: not started — api already runs an operation');
    expect(html).toContain('(BUSY)');
    expect(html).toContain('finance: its upshift.json is not valid JSON');
  });

  it('no runs yet says so', () => {
    expect(renderToStaticMarkup(<SchedulerRunLog runs={[]} />)).toContain('has not tried to upgrade anything yet');
  });
});
