/**
 * An operation's life in the log: started, each step's outcome, finished. It wraps the operation's listener, so the
 * lines follow exactly the events the CLI prints and the dashboard streams; the operation id and project come from
 * the log context the engine binds for the operation (withLogContext), so every line of the operation carries them.
 * Command output (`log-line` events) stays in the step's own log file, not here.
 */
import type { OperationEvent, OperationListener } from '../executor/events.js';
import { moduleLogger } from './log.js';

const log = moduleLogger('operation');

export function loggingListener(inner: OperationListener | undefined): OperationListener {
  return (event: OperationEvent) => {
    logEvent(event);
    inner?.(event);
  };
}

function logEvent(e: OperationEvent): void {
  switch (e.type) {
    case 'operation-started':
      log.info('operation started', { op: e.operationId, project: e.project, kind: e.kind });
      return;
    case 'step-changed':
      if (e.status === 'running') log.debug('step started', { op: e.operationId, step: e.stepId, title: e.title });
      else if (e.status === 'failed') log.warn('step failed', { op: e.operationId, step: e.stepId, status: e.status, durationMs: e.durationMs, error: e.error });
      else log.info('step finished', { op: e.operationId, step: e.stepId, status: e.status, durationMs: e.durationMs });
      return;
    case 'operation-finished':
      if (e.status === 'succeeded') log.info('operation finished', { op: e.operationId, status: e.status });
      else log.warn('operation finished', { op: e.operationId, status: e.status, error: e.error });
      return;
    default:
      return;
  }
}
