/**
 * Release trust and support windows as badges (issue 10 §4, §5), on the Updates view and the plan: the running
 * version is or becomes end of life within 30 days, a release tag moved since first seen (with the button that
 * trusts its new commit, `upshift trust accept`), and who signed the plan's target tag. Each badge says its state in
 * words (colour is never the only cue) and carries the engine's sentence as its description.
 */
import { useId, useState } from 'react';
import type { SupportStatus, TagMove, TagVerification, UpgradePlan } from '../../shared/api/types.js';
import { shortSha } from '../lib/format.js';
import { useActions } from '../store/context.js';

/** "End of life" / "End of life in N days" after a version; nothing while it is supported. */
export function EolBadge({ support, subject }: { support: SupportStatus | null | undefined; subject?: string }) {
  const id = useId();
  if (!support || (!support.eol && !support.soon)) return null;
  const label = support.eol ? 'End of life' : `End of life ${support.daysLeft === 0 ? 'today' : `in ${support.daysLeft} day${support.daysLeft === 1 ? '' : 's'}`}`;
  return (
    <span className="trust-badge" data-eol={support.eol ? 'past' : 'soon'}>
      <span className={`badge ${support.eol ? 'badge-danger' : 'badge-warning'}`} aria-describedby={id}>
        {subject ? `${subject}: ` : ''}
        {label}
      </span>
      <span id={id} className="muted small trust-detail">
        {support.message}
      </span>
    </span>
  );
}

/**
 * One moved tag: loud, with what it pointed at and points at now, and "Trust <tag>" behind a confirmation that names
 * the new commit (the user is asked to have checked it; the service records who accepted it).
 */
export function TagMovedBadge({ project, move }: { project: string; move: TagMove }) {
  const { acceptTag } = useActions();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const id = useId();
  return (
    <span className="trust-badge" data-tag-moved={move.tag} role="group" aria-label={`Tag ${move.tag} of ${project} moved`}>
      <span className="badge badge-danger" aria-describedby={id}>
        Tag {move.tag} moved
      </span>
      <span id={id} className="muted small trust-detail">
        {move.tag} pointed at <code>{shortSha(move.was)}</code> when first seen and now points at <code>{shortSha(move.now)}</code>: it is not installed until
        you trust it.
      </span>
      {!confirming ? (
        <button type="button" className="button button-small" onClick={() => setConfirming(true)} disabled={busy}>
          Trust {move.tag}…
        </button>
      ) : (
        <span className="trust-confirm">
          <span className="small">
            Trust {move.tag} at <code>{shortSha(move.now)}</code>? Check that commit first.
          </span>{' '}
          <button
            type="button"
            className="button button-small button-danger"
            disabled={busy}
            aria-busy={busy}
            onClick={() => {
              setBusy(true);
              void acceptTag(project, move.tag).finally(() => {
                setBusy(false);
                setConfirming(false);
              });
            }}
          >
            Trust {move.tag} at {shortSha(move.now)}
          </button>{' '}
          <button type="button" className="button button-small button-ghost" disabled={busy} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      )}
    </span>
  );
}

/** The moved tags and the running version's end of life of one project (the Updates view's row). */
export function ProjectTrustBadges({ project, tagMoves, support }: { project: string; tagMoves?: readonly TagMove[] | undefined; support?: SupportStatus | null | undefined }) {
  const moves = tagMoves ?? [];
  if (moves.length === 0 && !(support && (support.eol || support.soon))) return null;
  return (
    <span className="trust-badges">
      <EolBadge support={support} />
      {moves.map((m) => (
        <TagMovedBadge key={m.tag} project={project} move={m} />
      ))}
    </span>
  );
}

/** The target tag's signature against the manifest's `verify:` signers: verified (who), refused (why), or not checked. */
export function SignatureBadge({ verification }: { verification: TagVerification | null | undefined }) {
  const id = useId();
  if (verification === undefined) return null;
  const good = verification?.status === 'good';
  const label = verification === null ? 'Signature not checked' : good ? `Signed by ${verification.signer ?? verification.key ?? 'an allowed key'}` : 'Signature refused';
  return (
    <span className="trust-badge" data-signature={verification?.status ?? 'unchecked'}>
      <span className={`badge ${good ? 'compat-ok' : verification === null ? 'badge-warning' : 'badge-danger'}`} aria-describedby={id}>
        {label}
      </span>
      <span id={id} className="muted small trust-detail">
        {verification === null ? 'This release tag was not fetched, so its signature was not checked.' : verification.message}
      </span>
    </span>
  );
}

/** The plan's badges: who signed the target, moved tags (with Trust), and the current and target end of life. */
export function PlanTrustBadges({ plan }: { plan: UpgradePlan }) {
  const current = plan.support?.current;
  const target = plan.support?.target;
  const moves = plan.tagMoves ?? [];
  const eol = (s: SupportStatus | null | undefined) => !!s && (s.eol || s.soon);
  if (plan.verification === undefined && moves.length === 0 && !eol(current) && !eol(target)) return null;
  return (
    <div className="trust-badges plan-trust" role="group" aria-label="Release trust">
      <SignatureBadge verification={plan.verification} />
      <EolBadge support={current} subject={`Current ${current?.version ?? ''}`.trim()} />
      <EolBadge support={target} subject={`Target ${target?.version ?? ''}`.trim()} />
      {moves.map((m) => (
        <TagMovedBadge key={m.tag} project={plan.project} move={m} />
      ))}
    </div>
  );
}
