/**
 * The approval buttons of the Updates view (issue 9 §3, §6): a release behind a `review` gate waits for a person before
 * it upgrades unattended. "Approve" (now), "Approve for the next window" and "Reject" name the version, as
 * `upshift approve|reject` does; who decided and how is shown once decided. The queue is read when the first such
 * release is shown, and follows `approvals-changed` events from then on.
 */
import { useEffect, useState } from 'react';
import type { ProjectView } from '../../shared/api/contract.js';
import type { Approval } from '../../shared/policy/index.js';
import { useActions, useApp } from '../store/context.js';
import { updateOffer } from '../../shared/policy/offer.js';

/**
 * The release waiting for approval: the one the row offers (shared/policy/offer.ts) when its gate is `review` — never
 * a newer release that is blocked, gated skip or skipped (issue 11 §1: buttons name the version they act on).
 */
export function awaitingApproval(p: ProjectView): { version: string; commit: string } | null {
  const target = updateOffer(p.check, p.decision.skipped).target;
  if (!target || target.gate !== 'review') return null;
  const ref = p.check?.candidates?.find((c) => c.version === target.version) ?? (p.check?.latest?.version === target.version ? p.check.latest : null);
  return ref ? { version: target.version, commit: ref.sha } : null;
}

/** The queue's record of exactly this release (version and commit): an approval never carries over to another commit. */
function recordOf(queue: readonly Approval[] | null, project: string, release: { version: string; commit: string }): Approval | null {
  const mine = (queue ?? []).filter((a) => a.project === project && a.version === release.version && a.commit === release.commit && a.state !== 'expired');
  return mine[mine.length - 1] ?? null;
}

function decidedText(a: Approval): string | null {
  if (a.state === 'approved') return `Approved by ${a.decidedBy ?? 'someone'}: upgrades ${a.timing === 'now' ? 'as soon as the scheduler looks' : 'in the next window'}`;
  if (a.state === 'rejected') return `Rejected by ${a.decidedBy ?? 'someone'}: never upgraded unattended`;
  return null;
}

export function ApprovalControls({ p, describedBy }: { p: ProjectView; describedBy: string }) {
  const release = awaitingApproval(p);
  const queue = useApp((s) => s.approvals);
  const { loadApprovals, approveUpdate, rejectUpdate } = useActions();
  const [busy, setBusy] = useState(false);
  const wanted = release !== null && queue === null;
  useEffect(() => {
    if (wanted) void loadApprovals();
  }, [wanted, loadApprovals]);
  if (!release) return null;

  const record = recordOf(queue, p.name, release);
  const v = release.version;
  const run = (action: () => Promise<boolean>) => {
    setBusy(true);
    void action().finally(() => setBusy(false));
  };
  const approvedNow = record?.state === 'approved' && record.timing === 'now';
  const approvedLater = record?.state === 'approved' && record.timing === 'next-window';
  const note = record ? decidedText(record) : null;
  return (
    <div className="approval" role="group" aria-label={`Approval of ${p.name} ${v}`}>
      <span className="muted small">{note ?? `${v} waits for approval (review gate)`}</span>
      {!approvedNow && (
        <button type="button" className="button button-small" disabled={busy} aria-describedby={describedBy} onClick={() => run(() => approveUpdate(p.name, v, 'now'))}>
          Approve {v}
        </button>
      )}
      {!approvedLater && (
        <button type="button" className="button button-small" disabled={busy} aria-describedby={describedBy} onClick={() => run(() => approveUpdate(p.name, v, 'next-window'))}>
          Approve {v} for the next window
        </button>
      )}
      {record?.state !== 'rejected' && (
        <button type="button" className="button button-small" disabled={busy} aria-describedby={describedBy} onClick={() => run(() => rejectUpdate(p.name, v))}>
          Reject {v}
        </button>
      )}
    </div>
  );
}
