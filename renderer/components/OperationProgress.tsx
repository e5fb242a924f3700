/**
 * One operation, live: summary, step timeline with durations, log tail, Cancel while running, and the final state
 * (succeeded; rolled back with the failing step and its output; or a failed rollback with what to run by hand).
 */
import { useEffect, useState } from 'react';
import type { Operation } from '../../shared/api/types.js';
import { KIND_LABELS, formatDateTime, formatDuration, formatEndpoints, formatVersion, tailLines } from '../lib/format.js';
import { useNow } from '../lib/hooks.js';
import { useActions, useApp } from '../store/context.js';
import { StatusBadge } from './Badges.js';
import { LogTail } from './LogTail.js';
import { SkeletonBlock } from './Skeleton.js';
import { StepTimeline } from './StepTimeline.js';
import { UndoneNote } from './UndoneNote.js';

export function failingStep(op: Operation) {
  return op.steps.find((s) => s.status === 'failed' || s.status === 'cancelled') ?? op.steps.find((s) => s.error) ?? null;
}

/**
 * The outcome in words. `Sub`: the heading one level below the panel's own, so the document's heading order holds
 * wherever it is shown. `past`: an operation this dashboard did not watch finish (opened from the history or a link)
 * speaks in the past tense — "core was put back on 1.1.0" — since the project may have moved on since.
 */
function FinalState({ op, logs, Sub, past }: { op: Operation; logs: Record<string, string[]>; Sub: 'h3' | 'h4'; past: boolean }) {
  const failed = failingStep(op);
  const excerpt = failed ? failed.outputExcerpt || tailLines((logs[failed.id] ?? []).join('\n'), 40) : '';
  switch (op.status) {
    case 'running':
      return null;
    case 'succeeded':
      return (
        <div className="outcome outcome-succeeded" role="status">
          <strong>Succeeded.</strong>{' '}
          {op.kind === 'upgrade'
            ? past
              ? `${op.project} was upgraded to ${formatVersion(op.to)}.`
              : `${op.project} is now on ${formatVersion(op.to)}.`
            : past
              ? `${op.project} was put back on ${formatVersion(op.to)}.`
              : `${op.project} is back on ${formatVersion(op.to)}.`}{' '}
          Took {formatDuration(op.durationMs)}.
        </div>
      );
    case 'rolled_back':
      return (
        <div className="outcome outcome-rolled_back" role="status">
          <p>
            <strong>Rolled back.</strong> {failed ? <>The step “{failed.title}” failed</> : 'The operation failed'},{' '}
            {past ? `so ${op.project} was put back on ${formatVersion(op.from)}.` : `so everything was put back: ${op.project} is on ${formatVersion(op.from)} again.`}
          </p>
          {(op.error || failed?.error) && <p className="step-error">{op.error ?? failed?.error}</p>}
          {excerpt && (
            <>
              <Sub className="small-heading">Output of “{failed?.title}”</Sub>
              <pre className="log log-excerpt" aria-label={`Output of the failing step ${failed?.title ?? ''}`} tabIndex={0}>
                {excerpt}
              </pre>
            </>
          )}
        </div>
      );
    case 'stash_kept':
      return (
        <div className="outcome outcome-stash_kept" role="status">
          <p>
            <strong>Upgraded — your uncommitted work is in a stash.</strong> {op.project} is now on {formatVersion(op.to)}, but the work you had
            did not apply cleanly on it, so the tree was left clean and the work kept, as you chose.
          </p>
          {op.error && <p className="step-error">{op.error}</p>}
        </div>
      );
    case 'cancelled':
      return (
        <div className="outcome outcome-cancelled" role="status">
          <p>
            <strong>Cancelled.</strong> {failed ? <>It was stopped during “{failed.title}”</> : 'It was stopped'},{' '}
            {past ? `so ${op.project} was put back on ${formatVersion(op.from)}.` : `so everything was put back: ${op.project} is on ${formatVersion(op.from)} again.`}
          </p>
        </div>
      );
    case 'failed':
      return (
        <div className="outcome outcome-failed" role="alert">
          <p>
            <strong>Failed, and the automatic rollback did not complete.</strong> {op.error}
          </p>
          {failed && <p>Failing step: “{failed.title}”{failed.error ? ` — ${failed.error}` : ''}</p>}
          {op.manualRecovery && (
            <>
              <Sub className="small-heading">Finish by hand</Sub>
              <pre className="log" tabIndex={0}>{op.manualRecovery}</pre>
            </>
          )}
          {excerpt && <pre className="log log-excerpt" tabIndex={0}>{excerpt}</pre>}
        </div>
      );
    case 'blocked':
      return (
        <div className="outcome outcome-blocked" role="status">
          <strong>Blocked — nothing was changed.</strong> {op.error}
        </div>
      );
    default:
      return (
        <div className="outcome outcome-interrupted" role="status">
          <strong>Interrupted.</strong> {op.error ?? 'The operation stopped before it finished and was recovered.'}
        </div>
      );
  }
}

export function OperationProgress({ operationId, headingLevel = 2 }: { operationId: string; headingLevel?: 2 | 3 }) {
  const live = useApp((s) => s.operations[operationId]);
  const { followOperation, cancelOperation } = useActions();
  const op = live?.operation ?? null;
  const running = op?.status === 'running';
  const now = useNow(1000, running);
  const [selected, setSelected] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);

  useEffect(() => {
    if (!live?.operation) void followOperation(operationId);
    // Only when the id changes: events keep the record current afterwards.
  }, [operationId]);

  useEffect(() => {
    if (!running) setCancelling(false);
  }, [running]);

  const H = `h${headingLevel}` as 'h2';
  const Sub = `h${headingLevel + 1}` as 'h3' | 'h4';
  if (!op) {
    return (
      <section className="panel progress" aria-label="Progress">
        <H>Progress</H>
        <SkeletonBlock lines={4} label="Loading the operation…" />
      </section>
    );
  }

  const runningStep = op.steps.find((s) => s.status === 'running');
  const failed = failingStep(op);
  const lastWithLog = [...op.steps].reverse().find((s) => (live?.logs[s.id]?.length ?? 0) > 0);
  const shownStepId = selected ?? runningStep?.id ?? failed?.id ?? lastWithLog?.id ?? op.steps[0]?.id ?? null;
  const shownStep = op.steps.find((s) => s.id === shownStepId) ?? null;
  const elapsed = op.durationMs ?? Math.max(0, now - Date.parse(op.startedAt));

  return (
    <section className="panel progress" aria-label="Progress" aria-busy={running}>
      <div className="progress-head">
        <H>Progress</H>
        <StatusBadge status={op.status} />
      </div>
      <p className="progress-summary">
        {KIND_LABELS[op.kind]} of <strong>{op.project}</strong> {formatEndpoints(op.from, op.to)} · started {formatDateTime(op.startedAt)} ·{' '}
        {running ? 'running for ' : 'took '}
        {formatDuration(elapsed)}
      </p>
      {running && (
        <div className="actions">
          <button
            type="button"
            className="button button-danger"
            disabled={cancelling}
            onClick={() => {
              setCancelling(true);
              void cancelOperation(op.id);
            }}
          >
            Cancel
          </button>
          {cancelling && <span className="muted" role="status">Cancelling — the running step is stopped, then everything is rolled back…</span>}
        </div>
      )}
      <FinalState op={op} logs={live?.logs ?? {}} Sub={Sub} past={Object.keys(live?.stepStartedAt ?? {}).length === 0} />
      {live?.undoneBy && <UndoneNote undoneBy={live.undoneBy} />}
      <div className="progress-grid">
        <div>
          <Sub className="small-heading">Steps</Sub>
          <StepTimeline steps={op.steps} startedAt={live?.stepStartedAt ?? {}} now={now} selected={shownStepId} onSelect={setSelected} idPrefix={op.id} />
        </div>
        <div>
          <Sub className="small-heading">Log{shownStep ? ` — ${shownStep.title}` : ''}</Sub>
          <LogTail lines={shownStepId ? (live?.logs[shownStepId] ?? []) : []} label={shownStep ? `Log of ${shownStep.title}` : 'Log'} />
        </div>
      </div>
    </section>
  );
}
