/** "#/operation/<id>": one operation followed live (from the Updates row of a running project, or a link). */
import { OperationProgress } from '../components/OperationProgress.js';
import { useApp } from '../store/context.js';
import { OperationBatchNote } from './OperationBatchNote.js';
import { ViewHeading } from './ViewHeading.js';

export function OperationView({ id }: { id: string }) {
  const op = useApp((s) => s.operations[id]?.operation ?? null);
  return (
    <div className="view">
      <header className="view-header">
        <ViewHeading>Operation</ViewHeading>
        <p className="view-subtitle">
          <code>{id}</code>
          {op ? ` · ${op.project}` : ''}
        </p>
      </header>
      {op && <OperationBatchNote operationId={id} project={op.project} />}
      <OperationProgress operationId={id} />
      <div className="actions">
        <a className="button" href="#/updates">
          Done
        </a>
        <a className="button" href="#/history">
          All operations
        </a>
      </div>
    </div>
  );
}
