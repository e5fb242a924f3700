/**
 * What the Plan view can say at once, from the last check in the state, while the plan itself (release notes,
 * commits, diffstat, steps — the slow part, seconds on a real remote) is still being built: from → to, the risk
 * and compatibility the check gave that release, and the projects that depend on this one.
 */
import { CompatBadge, RiskBadge } from '../components/Badges.js';
import { formatVersion } from '../lib/format.js';
import { useApp } from '../store/context.js';

export function PlanCheckSummary({ project, to }: { project: string; to: string | null }) {
  // Select the stable array and derive here: a selector returning a new array each time would re-render forever.
  const projects = useApp((s) => s.app?.projects);
  const view = projects?.find((p) => p.name === project) ?? null;
  const dependents = (projects ?? []).filter((p) => p.core === project).map((p) => p.name);
  const check = view?.check ?? null;
  if (!check || check.error) return null;
  // The target `plan` would pick: the one asked for, else what upgrade installs by default.
  const target = to ?? check.offered?.version ?? check.latestCompatible?.version ?? check.latest?.version ?? null;
  if (!target) return null;
  const isLatest = check.latest?.version === target;
  const candidate = check.candidates?.find((c) => c.version === target);
  return (
    <section className="plan-summary plan-check-summary" aria-label="From the last check">
      <p>
        <span className="version">{formatVersion(check.current)}</span>
        <span aria-hidden="true"> → </span>
        <span className="visually-hidden"> to </span>
        <span className="version version-new">{target}</span>{' '}
        {/* The risk of this release (checks carry one per candidate), not of the newest one. */}
        {candidate?.risk ? <RiskBadge risk={candidate.risk} /> : isLatest && <RiskBadge risk={check.risk} />} {isLatest && <CompatBadge compatible={check.compatible} />}
        {!isLatest && candidate && (candidate.blocked ? <span className="badge compat-blocked">Blocked</span> : <span className="badge compat-ok">Not blocked</span>)}
      </p>
      {candidate?.blocked && (candidate.reasons?.length ?? 0) > 0 ? (
        <ul className="muted small">
          {candidate.reasons!.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      ) : (
        candidate?.blocked && candidate.reason && <p className="muted small">{candidate.reason}</p>
      )}
      <p className="muted small">
        {dependents.length > 0 ? `Projects that depend on ${project}: ${dependents.join(', ')}.` : `No watched project depends on ${project}.`}
      </p>
    </section>
  );
}
