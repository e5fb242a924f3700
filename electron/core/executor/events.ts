import type { OperationStatus, StepStatus } from '../../../shared/api/types.js';

/** What an operation reports while it runs; the CLI prints it, the dashboard will stream it. */
export type OperationEvent =
  | { type: 'operation-started'; operationId: string; project: string; kind: string }
  | { type: 'step-changed'; operationId: string; stepId: string; title: string; status: StepStatus; durationMs: number | null; error: string | null }
  | { type: 'log-line'; operationId: string; stepId: string; line: string }
  | { type: 'operation-finished'; operationId: string; status: OperationStatus; error: string | null };

export type OperationListener = (event: OperationEvent) => void;
