/** History's detail panel: one operation's steps with durations and logs, and "Roll back" (with confirmation). */
import { useId, useRef, useState } from 'react';
import type { OperationDetail } from '../../shared/api/contract.js';
import type { Operation } from '../../shared/api/types.js';
import { StatusBadge, StepIcon, stepStatusText } from '../components/Badges.js';
import { Dialog } from '../components/Dialog.js';
import { DurationBar } from '../components/DurationBar.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { OperationProgress } from '../components/OperationProgress.js';
import { SkeletonBlock } from '../components/Skeleton.js';
import { KIND_LABELS, formatDateTime, formatDuration, formatEndpoints, formatVersion, shortSha } from '../lib/format.js';
import { useActions, useApp } from '../store/context.js';
import { formatRoute } from '../lib/route.js';
import { UndoneNote } from '../components/UndoneNote.js';
import { OperationBatchNote } from './OperationBatchNote.js';

function RollbackDialog({ op, open, onClose }: { op: Operation; open: boolean; onClose: () => void }) {
  const { rollback } = useActions();
  const [stash, setStash] = useState(false);
  const [busy, setBusy] = useState(false);
  const stashId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      open={open}
      title={`Roll back ${op.project}?`}
      onClose={onClose}
      initialFocus={cancelRef}
      role="alertdialog"
      footer={
        <>
          <button ref={cancelRef} type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              const id = await rollback(op.project, op.id, stash);
              setBusy(false);
              if (id) onClose();
            }}
          >
            Roll back
          </button>
        </>
      }
    >
      <p>
        {op.project} goes back to where it was before this upgrade: <strong>{formatVersion(op.from)}</strong> (commit <code>{shortSha(op.from.sha)}</code>),
        on its branch, with its snapshot paths. Upgrades made after this one are undone too.
      </p>
      <p className="muted small">The rollback is recorded as an operation of its own; you can upgrade again at any time.</p>
      <p className="field-check">
        <input id={stashId} type="checkbox" checked={stash} onChange={(e) => setStash(e.target.checked)} />
        <label htmlFor={stashId}>Set uncommitted changes aside (stash) and give them back afterwards</label>
      </p>
    </Dialog>
  );
}

function StaticDetail({ detail }: { detail: OperationDetail }) {
  const op = detail.operation;
  const projectBusy = useApp((s) => Boolean(s.app?.projects.find((p) => p.name === op.project)?.operationInProgress));
  const [confirming, setConfirming] = useState(false);
  // An upgrade a rollback already undid offers no second "Roll back" (the service refuses it: ALREADY_UNDONE).
  const canRollBack = op.kind === 'upgrade' && op.status === 'succeeded' && !detail.undoneBy;
  const scale = Math.max(1000, ...op.steps.map((s) => s.durationMs ?? 0));
  return (
    <>
      <div className="detail-head">
        <h3>
          {op.project} · {KIND_LABELS[op.kind]} {formatEndpoints(op.from, op.to)}
        </h3>
        <StatusBadge status={op.status} />
      </div>
      <dl className="facts">
        <dt>Started</dt>
        <dd>{formatDateTime(op.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(op.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(op.durationMs)}</dd>
        <dt>Where</dt>
        <dd>
          {op.user}@{op.host} (pid {op.pid})
        </dd>
        {op.target && (
          <>
            <dt>Undid</dt>
            <dd>
              <a href={formatRoute({ view: 'operation', id: op.target })}>
                <code>{op.target}</code>
              </a>
            </dd>
          </>
        )}
        <dt>Id</dt>
        <dd>
          <code>{op.id}</code>
        </dd>
        {op.logDir && (
          <>
            <dt>Logs</dt>
            <dd>
              <code>{op.logDir}</code>
            </dd>
          </>
        )}
      </dl>
      <OperationBatchNote operationId={op.id} project={op.project} />
      {detail.undoneBy && <UndoneNote undoneBy={detail.undoneBy} />}
      {op.error && <p className="step-error">{op.error}</p>}
      {op.manualRecovery && (
        <div className="outcome outcome-failed" role="alert">
          <strong>The automatic rollback did not complete. Finish by hand:</strong>
          <pre className="log" tabIndex={0}>{op.manualRecovery}</pre>
        </div>
      )}
      {canRollBack && (
        <div className="actions">
          <button type="button" className="button button-danger" disabled={projectBusy} onClick={() => setConfirming(true)}>
            Roll back
          </button>
          <span className="muted small">{projectBusy ? `${op.project} is busy with another operation.` : `Back to ${formatVersion(op.from)}, as before this upgrade.`}</span>
        </div>
      )}
      <h4 className="small-heading">Steps</h4>
      <ol className="detail-steps">
        {op.steps.map((s) => {
          const log = detail.logs[s.id] ?? s.outputExcerpt ?? '';
          return (
            <li key={s.id} className={`detail-step step-row-${s.status}`}>
              <div className="detail-step-head">
                <StepIcon status={s.status} />
                <span className="step-title">{s.title}</span>
                <span className="muted small">{stepStatusText(s.status)}</span>
                <DurationBar ms={s.durationMs} status={s.status === 'succeeded' ? 'succeeded' : s.status === 'failed' ? 'failed' : 'neutral'} fullScaleMs={scale} />
              </div>
              {s.command && <code className="command">{s.command}</code>}
              {s.error && <p className="step-error">{s.error}</p>}
              {log.trim() ? (
                <details open={s.status === 'failed'}>
                  <summary>Log of {s.title}</summary>
                  <pre className="log" tabIndex={0}>{log}</pre>
                </details>
              ) : (
                s.status !== 'pending' && s.status !== 'skipped' && <p className="muted small">No output.</p>
              )}
            </li>
          );
        })}
      </ol>
      {canRollBack && <RollbackDialog op={op} open={confirming} onClose={() => setConfirming(false)} />}
    </>
  );
}

export function OperationDetailPanel() {
  const detail = useApp((s) => s.history.detail);
  const selectedId = useApp((s) => s.history.selectedId);
  const liveRunning = useApp((s) => (selectedId ? s.operations[selectedId]?.operation?.status === 'running' : false));
  const { selectOperation } = useActions();
  return (
    <aside className="panel detail" aria-labelledby="history-detail-title">
      <div className="detail-title-row">
        <h2 id="history-detail-title">Details</h2>
        {selectedId && (
          <button type="button" className="button button-small button-ghost" onClick={() => void selectOperation(null)} aria-label="Close details">
            ✕
          </button>
        )}
      </div>
      {!selectedId ? (
        <p className="muted">Select an operation to see each step, how long it took, and its log.</p>
      ) : liveRunning ? (
        <OperationProgress operationId={selectedId} headingLevel={3} />
      ) : detail.status === 'error' && detail.error ? (
        <ErrorBanner error={detail.error} title="Could not load this operation" onRetry={() => void selectOperation(selectedId)} />
      ) : detail.data && detail.data.operation.id === selectedId ? (
        <StaticDetail detail={detail.data} />
      ) : (
        <SkeletonBlock lines={6} label="Loading the operation…" />
      )}
    </aside>
  );
}
