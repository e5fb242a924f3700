/** One batch or path and its members, each linking to its operation: the History view's batches and live progress. */
import type { BatchMemberRun, BatchOperation } from '../../shared/api/types.js';
import { formatDateTime } from '../lib/format.js';

const MEMBER_LABELS: Record<BatchMemberRun['status'], string> = {
  pending: 'Waiting',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  rolled_back: 'Rolled back',
  rollback_failed: 'Rollback failed',
  skipped: 'Not run',
};

const BATCH_LABELS: Record<BatchOperation['status'], string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  rolled_back: 'Rolled back',
  partial: 'Partly done',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

export function batchTitle(b: BatchOperation): string {
  if (b.kind === 'path') return `Path: ${b.root} ${[b.members[0]?.from, ...b.members.map((m) => m.to)].filter(Boolean).join(' → ')}`;
  return b.mode === 'all' ? 'Batch: every project' : `Batch: ${b.root} and its dependents`;
}

export function BatchMembers({ batch }: { batch: BatchOperation }) {
  return (
    <article className="panel batch" aria-label={batchTitle(batch)} data-batch-status={batch.status}>
      <h3 className="small-heading">
        {batchTitle(batch)} <span className={`status status-${batch.status}`}>{BATCH_LABELS[batch.status]}</span>
      </h3>
      <p className="muted small">
        {batch.onFailure === 'all-or-nothing' ? 'All or nothing' : batch.onFailure === 'keep-going' ? 'Keep going' : 'Keep the last good hop'} · started {formatDateTime(batch.startedAt)}
      </p>
      <ol className="batch-members">
        {batch.members.map((m) => (
          <li key={m.seq} className={`status status-${m.status}`}>
            <span className="status-dot" aria-hidden="true" />
            {m.hop ? `Hop ${m.hop.index} of ${m.hop.of}: ` : ''}
            <strong>{m.project}</strong> {m.from ?? '?'} → {m.to} — {MEMBER_LABELS[m.status]}
            {m.operationId && (
              <>
                {' '}
                <a href={`#/operation/${m.operationId}`}>upgrade</a>
              </>
            )}
            {m.rollbackId && (
              <>
                {' · '}
                <a href={`#/operation/${m.rollbackId}`}>rollback</a>
              </>
            )}
            {m.reason && m.status !== 'succeeded' && <div className="muted small">{m.reason}</div>}
            {m.hop && m.status === 'pending' && <div className="muted small">{m.hop.stop.map((s) => s.reason).join('; ')}</div>}
          </li>
        ))}
      </ol>
      {batch.error && <p className="small">{batch.error}</p>}
    </article>
  );
}
