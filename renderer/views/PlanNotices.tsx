/**
 * What to know before approving that does not block the plan: where HEAD really is (commits past the release tag),
 * what the upgrade does to the branch, commits that leave the working tree, and whether uncommitted work will come
 * back cleanly on the target. The engine says these in `warnings`, `from.ahead`, `checkout` and `uncommittedWork`.
 */
import type { UpgradePlan } from '../../shared/api/types.js';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function PlanNotices({ plan }: { plan: UpgradePlan }) {
  const ahead = plan.from.ahead;
  const work = plan.uncommittedWork;
  // The divergence message may be both a blocker and a warning: say it once, where it blocks.
  const warnings = (plan.warnings ?? []).filter((w) => !plan.blockers.includes(w));
  if (!ahead && !work && warnings.length === 0) return null;
  return (
    <section className="panel plan-notices" aria-label="Before you approve">
      <h3 className="small-heading">Before you approve</h3>
      <ul className="notice-list">
        {ahead && (
          <li>
            HEAD is <code>{ahead.describe}</code>: {plural(ahead.count, 'commit', 'commits')} after <code>{ahead.tag}</code>
            {ahead.localOnly > 0 ? `, ${plural(ahead.localOnly, 'of them', 'of them')} only in this clone` : ', all of them on the remote'}
            {ahead.remoteBranches.length > 0 ? ` (on ${ahead.remoteBranches.join(', ')})` : ''}.
          </li>
        )}
        {warnings.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
        {work &&
          (work.appliesCleanly ? (
            <li>Your uncommitted changes apply cleanly on {plan.to.version} once set aside: choose “Set uncommitted changes aside” below.</li>
          ) : (
            <li className="notice-warning">
              Your uncommitted changes would not apply cleanly on {plan.to.version}:{' '}
              {[
                ...(work.conflicts.length > 0 ? [`${work.conflicts.join(', ')} conflict with it`] : []),
                ...(work.untrackedCollisions.length > 0 ? [`untracked ${work.untrackedCollisions.join(', ')} would be overwritten by its own files`] : []),
              ].join('; ')}
              . Commit or move them first — Upshift never applies them half.
            </li>
          ))}
      </ul>
    </section>
  );
}
