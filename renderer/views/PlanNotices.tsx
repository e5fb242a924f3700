/**
 * What to know before approving: where HEAD really is (commits past the release tag), what the upgrade does to the
 * branch, commits that leave the working tree, whether uncommitted work will come back cleanly on the target, who
 * signed the release tag, a tag that moved since it was first seen, and end-of-life dates. The engine says these in
 * `warnings`, `from.ahead`, `uncommittedWork`, `verification`, `tagMoves` and `support`.
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
  const signature = plan.verification ?? null;
  const moves = plan.tagMoves ?? [];
  const support = [plan.support?.current, plan.support?.target].filter((s): s is NonNullable<typeof s> => !!s && (s.eol || s.soon));
  if (!ahead && !work && warnings.length === 0 && !signature && moves.length === 0 && support.length === 0) return null;
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
        {signature && (
          <li className={signature.status === 'good' ? undefined : 'notice-warning'}>
            Signature of <code>{signature.tag}</code>: {signature.message}
          </li>
        )}
        {moves.map((m) => (
          <li key={m.tag} className="notice-warning">
            Tag <code>{m.tag}</code> moved: {m.message}
          </li>
        ))}
        {support.map((s) => (
          <li key={s.version} className="notice-warning">
            {s.version} {s.eol ? 'is past its end of life' : 'reaches its end of life soon'}
            {s.eolDate ? ` (${s.eolDate})` : ''}
            {s.replacement ? `; its replacement is ${s.replacement}` : ''}.
          </li>
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
