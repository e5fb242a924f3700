/**
 * Schedule view: "Recent unattended runs" — the scheduler's run log (getSchedule's `runs`, newest first). Each run
 * says when and which scheduler, then every release it tried: the operation it recorded (linked, with how it ended),
 * or why nothing was started. Without it a user could only guess why a due release did not move.
 */
import type { SchedulerRun } from '../../shared/api/contract.js';
import { formatDateTime } from '../lib/format.js';
import { formatRoute } from '../lib/route.js';

const OP_STATUS: Record<string, string> = {
  running: 'running',
  succeeded: 'upgraded',
  failed: 'failed',
  rolled_back: 'failed and rolled back',
  rollback_failed: 'failed; the rollback did not complete',
  interrupted: 'interrupted',
};

function Outcome({ o }: { o: SchedulerRun['outcomes'][number] }) {
  const label = `${o.project} ${o.version}`;
  if (o.operation) {
    return (
      <li data-outcome={o.operation.status}>
        <strong>{label}</strong>: {OP_STATUS[o.operation.status] ?? o.operation.status}{' '}
        <a href={formatRoute({ view: 'operation', id: o.operation.id })} aria-label={`Operation of ${label}`}>
          <code>{o.operation.id}</code>
        </a>
      </li>
    );
  }
  return (
    <li data-outcome="not-started">
      <strong>{label}</strong>: not started — {o.refused ? o.refused.message : 'no reason was recorded'}
      {o.refused && <span className="muted small"> ({o.refused.code})</span>}
    </li>
  );
}

export function SchedulerRunLog({ runs }: { runs: SchedulerRun[] }) {
  return (
    <section className="panel schedule-runs" aria-labelledby="schedule-runs">
      <h2 id="schedule-runs">Recent unattended runs</h2>
      {runs.length === 0 ? (
        <p className="muted">The scheduler has not tried to upgrade anything yet.</p>
      ) : (
        <ol className="schedule-run-list" aria-label="Unattended runs, newest first">
          {runs.map((r) => (
            <li key={r.id} className="schedule-run" data-run-id={r.id}>
              <p>
                <time dateTime={r.at}>{formatDateTime(r.at)}</time> · <span className="muted">{r.scheduler}</span>
              </p>
              {r.outcomes.length > 0 && (
                <ul aria-label={`Releases tried at ${formatDateTime(r.at)}`}>
                  {r.outcomes.map((o) => (
                    <Outcome key={`${o.project}@${o.version}`} o={o} />
                  ))}
                </ul>
              )}
              {r.problems.length > 0 && (
                <ul className="schedule-problems" aria-label={`Problems at ${formatDateTime(r.at)}`}>
                  {r.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
