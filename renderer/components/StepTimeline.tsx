import type { OperationStep } from '../../shared/api/types.js';
import { domId, formatDuration } from '../lib/format.js';
import { StepIcon, stepStatusText } from './Badges.js';

export interface StepTimelineProps {
  steps: OperationStep[];
  /** When each running step started (epoch ms), for a live duration. */
  startedAt: Record<string, number>;
  now: number;
  selected: string | null;
  onSelect: (stepId: string) => void;
  /** Prefix for element ids (several timelines can be on one page). */
  idPrefix: string;
}

export function stepDuration(step: OperationStep, startedAt: Record<string, number>, now: number): number | null {
  if (step.durationMs != null) return step.durationMs;
  if (step.status === 'running') {
    const t = startedAt[step.id] ?? (step.startedAt ? Date.parse(step.startedAt) : NaN);
    return Number.isFinite(t) ? Math.max(0, now - t) : null;
  }
  return null;
}

/** Every step in order with its state, duration (live while running), command and error; pick one to see its log. */
export function StepTimeline({ steps, startedAt, now, selected, onSelect, idPrefix }: StepTimelineProps) {
  if (steps.length === 0) return <p className="muted">Waiting for the first step…</p>;
  return (
    <ol className="timeline" aria-label="Steps">
      {steps.map((step) => {
        const ms = stepDuration(step, startedAt, now);
        const id = domId(idPrefix, step.id);
        return (
          <li key={step.id} className={`timeline-step step-row-${step.status}`} aria-current={step.status === 'running' ? 'step' : undefined}>
            <StepIcon status={step.status} />
            <div className="timeline-body">
              <button type="button" className="link-button timeline-title" aria-pressed={selected === step.id} aria-describedby={`${id}-state`} onClick={() => onSelect(step.id)}>
                {step.title}
              </button>
              <span id={`${id}-state`} className="timeline-state">
                {stepStatusText(step.status)}
                {ms != null && step.status !== 'pending' && step.status !== 'skipped' ? ` · ${formatDuration(ms)}` : ''}
              </span>
              {step.command && <code className="command">{step.command}</code>}
              {step.error && <p className="step-error">{step.error}</p>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
