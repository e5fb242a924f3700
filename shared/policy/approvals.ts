/**
 * The approval queue as pure state transitions (issue 9 §3). An approval is for one release: a project, a version and
 * the commit its tag pointed at. It stays settled when the same release is found again (keel-hq/keel#485: approvals
 * that came back), expires when a newer release supersedes it or the tag moves — saying so — and records who decided
 * what and when. Nothing here reads a clock or writes a file: every function takes the instant and returns a new
 * queue, leaving the one given untouched.
 */
import { compareVersions, parseVersion } from '../version/index.js';

export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'expired';
/** An approval may upgrade at once, or in the project's next maintenance window. */
export type ApprovalTiming = 'now' | 'next-window';

/** The release an approval is for. */
export interface ApprovalRelease {
  project: string;
  version: string;
  tag: string;
  /** The commit the tag pointed at when it was found: an approval never carries over to another commit. */
  commit: string;
}

export interface ApprovalEvent {
  state: ApprovalState;
  /** ISO 8601. */
  at: string;
  /** Who decided (`alice@laptop`, `tray`, …); null for what Upshift did itself (found, expired). */
  by: string | null;
  timing?: ApprovalTiming;
  /** Why, in words: "found by a check", "superseded by 1.5.1", a rejection's reason. */
  reason: string;
}

export interface Approval extends ApprovalRelease {
  state: ApprovalState;
  /** For `approved`: now or in the next window. */
  timing: ApprovalTiming | null;
  requestedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** The rejection's or the expiry's reason. */
  reason: string | null;
  /** The release that superseded this one, when that is why it expired. */
  supersededBy: { version: string; commit: string } | null;
  /** Every change, oldest first: what the history shows. */
  events: ApprovalEvent[];
}

export type ApprovalQueue = readonly Approval[];

/**
 * What a check found for one project: its version now and every release newer than it behind a `review` gate, blocked
 * or not (a blocked release may be approved ahead; the scheduler still refuses it while it is blocked). Only the newest
 * is asked. A project whose check failed must be left out, or its approvals would expire.
 */
export interface ApprovalFinding {
  project: string;
  current: string | null;
  releases: readonly ApprovalRelease[];
}

export type ApprovalErrorCode = 'APPROVAL_NOT_FOUND' | 'APPROVAL_EXPIRED' | 'APPROVAL_COMMIT_MISMATCH';

export type ApprovalResult =
  | { ok: true; queue: Approval[]; approval: Approval; changed: boolean }
  | { ok: false; error: { code: ApprovalErrorCode; message: string; retryable: false; details: Record<string, string> } };

const short = (commit: string) => commit.slice(0, 7);

function newer(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va && vb) return compareVersions(va, vb);
  return a === b ? 0 : a < b ? -1 : 1;
}

function sameRelease(a: ApprovalRelease, b: ApprovalRelease): boolean {
  return a.project === b.project && newer(a.version, b.version) === 0 && a.commit === b.commit;
}

function transition(a: Approval, state: ApprovalState, at: Date, by: string | null, reason: string, extra: Partial<Approval> = {}, timing?: ApprovalTiming): Approval {
  const event: ApprovalEvent = { state, at: at.toISOString(), by, reason, ...(timing ? { timing } : {}) };
  return { ...a, state, ...extra, events: [...a.events, event] };
}

/** The record for exactly this release (project, version and commit), the latest when there are several. */
export function findApproval(queue: ApprovalQueue, release: ApprovalRelease): Approval | null {
  for (let i = queue.length - 1; i >= 0; i--) if (sameRelease(queue[i]!, release)) return queue[i]!;
  return null;
}

/**
 * Brings the queue up to date with what a check found, per project in `findings` (projects not in it are left as
 * they are):
 * - the newest release waiting for approval gets a pending approval, unless that very release already has one that is
 *   pending or settled (approved, rejected): found again, it stays as it is;
 * - a pending or approved approval of an older version expires, superseded by the newest ("approve 1.5.1 instead");
 * - a pending or approved approval of the same version whose tag now points at another commit expires (the tag moved);
 * - a pending approval of a version at or below the one installed now expires (installed by other means);
 * - a pending or approved approval of a newer release the check no longer finds expires (its tag was deleted, its gate
 *   is no longer `review`, the strategy dropped it).
 * Rejected approvals stay as they are: a rejection is for that release and keeps it out.
 */
export function reconcileApprovals(queue: ApprovalQueue, findings: readonly ApprovalFinding[], now: Date): Approval[] {
  let out = [...queue];
  for (const finding of findings) {
    const newest = [...finding.releases].filter((r) => r.project === finding.project).sort((a, b) => newer(b.version, a.version))[0] ?? null;
    out = out.map((a) => {
      if (a.project !== finding.project || (a.state !== 'pending' && a.state !== 'approved')) return a;
      const expire = (reason: string, supersededBy: Approval['supersededBy'] = null) => transition(a, 'expired', now, null, reason, { reason, supersededBy });
      if (finding.current !== null && newer(a.version, finding.current) <= 0) {
        // An approval that was used stays as it is; one nobody answered is moot.
        return a.state === 'pending' ? expire(`${a.version} is installed already (current ${finding.current})`) : a;
      }
      const order = newest ? newer(a.version, newest.version) : 1;
      if (newest && order < 0) return expire(`superseded by ${newest.version}: approve ${newest.version} instead`, { version: newest.version, commit: newest.commit });
      if (newest && order === 0 && a.commit !== newest.commit) {
        return expire(`the tag ${newest.tag} now points at ${short(newest.commit)}, not ${short(a.commit)}: approve it again`, { version: newest.version, commit: newest.commit });
      }
      if (!finding.releases.some((r) => sameRelease(r, a))) return expire(`${a.version} no longer waits for approval: the last check did not find it behind a review gate`);
      return a;
    });
    if (newest === null) continue;
    const existing = findApproval(out, newest);
    if (existing && existing.state !== 'expired') continue;
    const at = now.toISOString();
    out.push({
      project: newest.project,
      version: newest.version,
      tag: newest.tag,
      commit: newest.commit,
      state: 'pending',
      timing: null,
      requestedAt: at,
      decidedAt: null,
      decidedBy: null,
      reason: null,
      supersededBy: null,
      events: [{ state: 'pending', at, by: null, reason: existing ? 'found again after it had expired' : 'found by a check' }],
    });
  }
  return out;
}

/** Which approval a person means: a project's newest pending one, or a version (and optionally its commit). */
export interface ApprovalTarget {
  project: string;
  version?: string;
  commit?: string;
}

export interface Decision {
  by: string;
  at: Date;
}

/**
 * Approves a release, to upgrade `now` or in the `next-window`. Approving again changes the timing; approving a
 * rejected release is a change of mind and is recorded as one. An expired approval cannot be approved: the error says
 * which release superseded it.
 */
export function approve(queue: ApprovalQueue, target: ApprovalTarget, decision: Decision & { timing: ApprovalTiming }): ApprovalResult {
  const found = locate(queue, target);
  if (!found.ok) return found;
  const a = found.approval;
  if (a.state === 'approved' && a.timing === decision.timing) return { ok: true, queue: [...queue], approval: a, changed: false };
  const when = decision.timing === 'now' ? 'now' : 'in the next window';
  const reason = a.state === 'rejected' ? `approved ${when}, after being rejected` : `approved ${when}`;
  const next = transition(a, 'approved', decision.at, decision.by, reason, { timing: decision.timing, decidedAt: decision.at.toISOString(), decidedBy: decision.by, reason: null }, decision.timing);
  return replace(queue, a, next);
}

/** Rejects a release: it is never upgraded unattended, and stays rejected when found again. */
export function reject(queue: ApprovalQueue, target: ApprovalTarget, decision: Decision & { reason?: string }): ApprovalResult {
  const found = locate(queue, target);
  if (!found.ok) return found;
  const a = found.approval;
  const reason = decision.reason?.trim() || null;
  if (a.state === 'rejected' && a.reason === reason) return { ok: true, queue: [...queue], approval: a, changed: false };
  const next = transition(a, 'rejected', decision.at, decision.by, reason ?? 'rejected', { timing: null, decidedAt: decision.at.toISOString(), decidedBy: decision.by, reason });
  return replace(queue, a, next);
}

function replace(queue: ApprovalQueue, old: Approval, next: Approval): ApprovalResult {
  return { ok: true, queue: queue.map((a) => (a === old ? next : a)), approval: next, changed: true };
}

function locate(queue: ApprovalQueue, target: ApprovalTarget): { ok: true; approval: Approval } | Extract<ApprovalResult, { ok: false }> {
  const mine = queue.filter((a) => a.project === target.project);
  const details: Record<string, string> = { project: target.project, ...(target.version ? { version: target.version } : {}) };
  if (target.version === undefined) {
    const pending = mine.filter((a) => a.state === 'pending').sort((a, b) => newer(b.version, a.version))[0];
    if (pending) return { ok: true, approval: pending };
    return fail('APPROVAL_NOT_FOUND', `No release of ${target.project} is waiting for approval.`, details);
  }
  const same = mine.filter((a) => newer(a.version, target.version!) === 0);
  const live = same.filter((a) => a.state !== 'expired');
  const pick = (live.length > 0 ? live : same)[(live.length > 0 ? live : same).length - 1];
  if (!pick) return fail('APPROVAL_NOT_FOUND', `No approval was asked for ${target.project} ${target.version}: only releases behind a review gate wait for one.`, details);
  if (target.commit !== undefined && !pick.commit.startsWith(target.commit) && !target.commit.startsWith(pick.commit)) {
    return fail('APPROVAL_COMMIT_MISMATCH', `${target.project} ${pick.version} is the commit ${short(pick.commit)}, not ${short(target.commit)}: check again and approve what the tag points at now.`, details);
  }
  if (pick.state === 'expired') {
    return fail('APPROVAL_EXPIRED', `The approval for ${target.project} ${pick.version} has expired: ${pick.reason ?? 'superseded by a newer release'}.`, details);
  }
  return { ok: true, approval: pick };
}

function fail(code: ApprovalErrorCode, message: string, details: Record<string, string>): Extract<ApprovalResult, { ok: false }> {
  return { ok: false, error: { code, message, retryable: false, details } };
}
