/**
 * Batches and multi-hop paths in the dashboard (issue 9 §4, §5): the hops of a plan whose target lies beyond required
 * stops, with the button that runs them; the joint plan of every project (or of a core and its dependents) with the
 * button that runs it as one batch; and the batches in the history, live. Each member links to its operation, whose
 * steps the Operation view shows as they run.
 */
import { useId, useState } from 'react';
import type { ApiError, BatchPlan, UpgradePlan } from '../../shared/api/types.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { toApiError } from '../transport/errors.js';
import { useApp } from '../store/context.js';
import { BatchMembers } from './BatchMembers.js';
import { useBatches } from './useBatches.js';

/** A plan's hops (plan.hops), and "Upgrade in N hops". */
export function PathHops({ plan }: { plan: UpgradePlan }) {
  const hops = plan.hops;
  const { started, starting, startPath } = useBatches(plan.project);
  const [mode, setMode] = useState<'rollback-all' | 'last-good'>('rollback-all');
  const modeId = useId();
  if (!hops) return null;
  return (
    <section className="panel path-hops" aria-label="Upgrade path">
      <h3 className="small-heading">
        {plan.to.version} is reached in {hops.hops.length} hops
      </h3>
      <ol>
        {hops.hops.map((h, i) => (
          <li key={h.to}>
            <strong>
              Hop {i + 1}: {h.from} → {h.to}
            </strong>{' '}
            <span className="muted small">{h.stop.map((s) => s.reason).join('; ')}</span>
            <div className="small">Releases: {h.releases.join(', ')}</div>
            {h.breaking.length > 0 && <div className="small notice-warning">Breaking: {h.breaking.join('; ')}</div>}
            {(h.compatibility?.dependents ?? [])
              .filter((d) => !d.compatible)
              .map((d) => (
                <div key={d.project} className="small notice-warning">
                  {d.project}: {d.reason}
                </div>
              ))}
          </li>
        ))}
      </ol>
      <p className="muted small">Each hop is an ordinary upgrade with its own snapshot, install, smoke and health checks.</p>
      <div className="field">
        <label htmlFor={modeId}>If a hop fails</label>
        <select id={modeId} value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
          <option value="rollback-all">Roll back all the way</option>
          <option value="last-good">Keep the last good hop</option>
        </select>
      </div>
      <button type="button" className="button button-primary" disabled={starting || plan.blocked || started?.phase === 'forward'} onClick={() => void startPath({ project: plan.project, ...(plan.to.version ? { to: plan.to.version } : {}), onHopFailure: mode })}>
        Upgrade in {hops.hops.length} hops
      </button>
      {started && <BatchMembers batch={started} />}
    </section>
  );
}

/** "Plan a batch": the joint plan of every project, and running it as one batch. */
export function BatchPlanPanel() {
  const api = useApp((s) => s.transport.api);
  const { started, starting, startBatch } = useBatches();
  const [plan, setPlan] = useState<BatchPlan | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [keepGoing, setKeepGoing] = useState(false);
  const keepId = useId();
  const load = async () => {
    setLoading(true);
    try {
      setPlan(await api.getBatchPlan({ all: true }));
      setError(null);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setLoading(false);
    }
  };
  const steps = plan ? plan.members.filter((m) => m.changes).sort((a, b) => (a.step ?? 0) - (b.step ?? 0)) : [];
  return (
    <section className="panel batch-plan" aria-label="Batch upgrade">
      <h2 className="small-heading">Upgrade everything, in dependency order</h2>
      <button type="button" className="button" disabled={loading} onClick={() => void load()}>
        {loading ? 'Planning…' : 'Plan a batch'}
      </button>
      {error && <ErrorBanner error={error} title="Could not plan the batch" onRetry={() => void load()} />}
      {plan && (
        <>
          {plan.blocked && <p className="notice-warning">Blocked: {plan.blockers.join('; ')}</p>}
          {steps.length === 0 && !plan.blocked && <p className="muted">Nothing changes: every project is on the newest release the others accept.</p>}
          <ol>
            {steps.map((m) => (
              <li key={m.project}>
                <strong>{m.project}</strong> {m.from} → {m.to} <span className="muted small">{m.orderReason ?? m.reason}</span>
              </li>
            ))}
          </ol>
          {steps.length > 0 && !plan.blocked && (
            <>
              <div className="field">
                <input id={keepId} type="checkbox" checked={keepGoing} onChange={(e) => setKeepGoing(e.target.checked)} />
                <label htmlFor={keepId}>Keep what succeeded when a member fails (otherwise everything is rolled back)</label>
              </div>
              <button type="button" className="button button-primary" disabled={starting || started?.phase === 'forward'} onClick={() => void startBatch({ all: true, keepGoing })}>
                Run the batch ({steps.length} projects)
              </button>
            </>
          )}
        </>
      )}
      {started && <BatchMembers batch={started} />}
    </section>
  );
}

/** The batches and paths of the history (of the project filtered on), newest first, live. */
export function BatchHistory() {
  const project = useApp((s) => s.history.filters.project);
  const { batches, error } = useBatches(project ?? null);
  if (error) return <ErrorBanner error={error} title="Could not load the batches" />;
  if (!batches || batches.length === 0) return null;
  return (
    <section className="batch-history" aria-label="Batches and paths">
      <h2 className="small-heading">Batches and paths</h2>
      {batches.slice(0, 10).map((b) => (
        <BatchMembers key={b.id} batch={b} />
      ))}
    </section>
  );
}
