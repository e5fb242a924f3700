/**
 * The parts of an Updates row that say what "Upgrade" acts on and what it does not (issue 11 §1): the target with
 * its gate, newer releases that are blocked on their own line (Renovate-style) with their reasons as a list and a
 * read-only plan, a release that only an explicit choice installs, releases that failed and were rolled back, and
 * the versions the user skipped, each of which can be offered again.
 */
import type { FailedRelease, ProjectView } from '../../shared/api/contract.js';
import type { GateAction } from '../../shared/api/types.js';
import type { UpdateOffer } from '../../shared/policy/offer.js';
import { describeSkip } from '../../shared/policy/skips.js';
import { RiskBadge } from '../components/Badges.js';
import { GATE_LABELS, GATE_MEANINGS, failedReleaseText } from '../lib/outcomes.js';
import { formatRoute, planHref } from '../lib/route.js';
import { useActions } from '../store/context.js';

export function GateNote({ gate }: { gate: GateAction | null }) {
  if (!gate) return null;
  return (
    <span className="muted small gate-note" title={GATE_MEANINGS[gate]}>
      {' '}
      · gate: {GATE_LABELS[gate]}
    </span>
  );
}

/** Blocked newer releases, one line each, with the reasons as a list and the read-only plan one click away. */
export function BlockedReleases({ project, offer }: { project: string; offer: UpdateOffer }) {
  if (offer.blocked.length === 0) return null;
  return (
    <ul className="blocked-releases" aria-label={`Blocked releases of ${project}`}>
      {offer.blocked.map((b) => (
        <li key={b.version}>
          <details>
            <summary>
              <span className="badge badge-warning">{b.version} blocked</span> {b.risk && <RiskBadge risk={b.risk} />}
            </summary>
            <ul className="reasons">
              {b.reasons.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
            <a className="small" href={planHref(project, b.version)}>
              See the plan for {b.version} (read-only)
            </a>
          </details>
        </li>
      ))}
    </ul>
  );
}

/** "2.0.0 is offered by explicit choice only (gate: Manual)" with a link to its plan. */
export function ExplicitRelease({ project, offer }: { project: string; offer: UpdateOffer }) {
  const e = offer.explicit;
  if (!e) return null;
  return (
    <span className="muted small block-reason">
      {e.version} only by explicit choice (gate: {GATE_LABELS.manual}) — <a href={planHref(project, e.version)}>review {e.version}</a>
    </span>
  );
}

/** "1.2.0 failed its smoke tests on Dec 4 — rolled back", linking to that operation. */
export function FailedReleaseNotes({ failed, now }: { failed: readonly FailedRelease[]; now: number }) {
  if (failed.length === 0) return null;
  return (
    <>
      {failed.map((f) => (
        <span key={f.version} className="small failed-release">
          <a href={formatRoute({ view: 'operation', id: f.operationId })}>{failedReleaseText(f, { now })}</a>
        </span>
      ))}
    </>
  );
}

/** The project's skipped versions and major lines, each with "Offer again". */
export function SkippedVersions({ p }: { p: ProjectView }) {
  const { unskipVersion } = useActions();
  if (p.decision.skipped.length === 0) return null;
  return (
    <ul className="skipped-versions small" aria-label={`Skipped versions of ${p.name}`}>
      {p.decision.skipped.map((entry) => (
        <li key={entry}>
          <span className="muted">Skipped {describeSkip(entry)}</span>{' '}
          <button type="button" className="link-button" onClick={() => void unskipVersion(p.name, entry)} aria-label={`Offer ${describeSkip(entry)} of ${p.name} again`}>
            Offer again
          </button>
        </li>
      ))}
    </ul>
  );
}
