/**
 * Operation view: when the operation is a member of a batch or a multi-hop path, say so — "Member 3 of 4 of batch
 * <id> — upgrade --all" — so an upgrade followed from a link is not mistaken for a lone one (its failure may roll
 * back the others). Membership comes from listBatches of the operation's project (members carry their operationId).
 */
import type { BatchOperation } from '../../shared/api/types.js';
import { formatRoute } from '../lib/route.js';
import { useBatches } from './useBatches.js';

/** The command that started it, in CLI words. */
export function batchCommand(b: BatchOperation): string {
  if (b.mode === 'all') return 'upgrade --all';
  if (b.mode === 'with-dependents') return `upgrade ${b.root ?? ''} --with-dependents`;
  return `upgrade ${b.root ?? ''} along a path of ${b.members.length} hops`;
}

/** The batch and member this operation is (its upgrade or the rollback that undid it), if any. */
export function findMembership(batches: BatchOperation[], operationId: string) {
  for (const batch of batches) {
    const member = batch.members.find((m) => m.operationId === operationId || m.rollbackId === operationId);
    if (member) return { batch, member };
  }
  return null;
}

/** The line itself, for the batch this operation is a member of; nothing when it is none. */
export function BatchMembershipLine({ batches, operationId }: { batches: BatchOperation[]; operationId: string }) {
  const found = findMembership(batches, operationId);
  if (!found) return null;
  const { batch, member } = found;
  const what = batch.kind === 'path' ? 'path' : 'batch';
  return (
    <p className="operation-batch" data-batch-id={batch.id}>
      {member.rollbackId === operationId ? 'Rollback of member' : 'Member'} {member.seq + 1} of {batch.members.length} of {what}{' '}
      <a href={formatRoute({ view: 'history' })} aria-label={`${what} ${batch.id} in History`}>
        <code>{batch.id}</code>
      </a>{' '}
      — {batchCommand(batch)}
    </p>
  );
}

export function OperationBatchNote({ operationId, project }: { operationId: string; project: string }) {
  const { batches } = useBatches(project);
  return batches ? <BatchMembershipLine batches={batches} operationId={operationId} /> : null;
}
