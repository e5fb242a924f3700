import type { OperationStatus, Risk, StepStatus } from '../../shared/api/types.js';
import { RISK_LABELS, statusLabel, stepStatusLabel } from '../lib/format.js';

/** Risk level as a coloured badge; the text says it too (colour is never the only cue). */
export function RiskBadge({ risk }: { risk: Risk | null }) {
  if (!risk) return <span className="badge badge-neutral">Risk unknown</span>;
  return (
    <span className={`badge risk-${risk.level}`} title={risk.reasons.join('\n') || undefined}>
      {RISK_LABELS[risk.level]}
    </span>
  );
}

export function CompatBadge({ compatible }: { compatible: boolean | null }) {
  if (compatible === null) return <span className="badge badge-neutral">Not checked</span>;
  return compatible ? <span className="badge compat-ok">Compatible</span> : <span className="badge compat-blocked">Incompatible</span>;
}

/** A status marker: coloured dot with a distinct shape per status, and the label. */
export function StatusBadge({ status, compact = false }: { status: OperationStatus | string; compact?: boolean }) {
  return (
    <span className={`status status-${status}`}>
      <span className="status-dot" aria-hidden="true" />
      <span className={compact ? 'visually-hidden' : 'status-label'}>{statusLabel(status)}</span>
    </span>
  );
}

const STEP_ICONS: Record<StepStatus, string> = {
  pending: '○',
  running: '◔',
  succeeded: '✓',
  failed: '✕',
  cancelled: '⊘',
  skipped: '–',
  rolled_back: '↺',
};

export function StepIcon({ status }: { status: StepStatus | string }) {
  return (
    <span className={`step-icon step-${status}`} aria-hidden="true">
      {(STEP_ICONS as Record<string, string>)[status] ?? '•'}
    </span>
  );
}

export function stepStatusText(status: StepStatus | string): string {
  return stepStatusLabel(status);
}
