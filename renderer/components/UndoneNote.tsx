/** "Undone by <operation>": an upgrade a rollback already took back, with a link to that rollback. */
import type { OperationDetail } from '../../shared/api/contract.js';
import { formatDateTime } from '../lib/format.js';
import { formatRoute } from '../lib/route.js';

export function UndoneNote({ undoneBy }: { undoneBy: NonNullable<OperationDetail['undoneBy']> }) {
  return (
    <p className="undone-note" role="note">
      Undone by{' '}
      <a href={formatRoute({ view: 'operation', id: undoneBy.id })}>
        <code>{undoneBy.id}</code>
      </a>
      {undoneBy.finishedAt ? ` on ${formatDateTime(undoneBy.finishedAt)}` : ''} — there is nothing left to roll back.
    </p>
  );
}
