/**
 * What the Updates row offers, from the last check and the user's skips (issue 11 §1): the release "Upgrade to X"
 * acts on and the risk of *that* release, the newer releases that are blocked (each with its reasons as a list,
 * Renovate-style, on their own line), and what is hidden — releases a `skip` gate never offers and versions the user
 * skipped. Only an installable release counts as an update: a blocked, gate-skipped or user-skipped one does not.
 */
import type { GateAction, ProjectCheck, ReleaseRef, Risk } from '../api/types.js';
import { skippedBy } from './skips.js';

export interface OfferedRelease {
  version: string;
  tag: string;
  gate: GateAction | null;
  /** The risk of this release (not of the newest one); null in checks recorded before candidates carried it. */
  risk: Risk | null;
}

export interface BlockedRelease {
  version: string;
  reasons: string[];
  risk: Risk | null;
}

export interface UpdateOffer {
  /** What "Upgrade to X" installs; null when nothing newer can be installed. */
  target: OfferedRelease | null;
  /** The newest release newer than `target` that only an explicit choice installs (a `manual` gate). */
  explicit: OfferedRelease | null;
  /** Blocked releases newer than `target` (all of them when there is none), newest first. */
  blocked: BlockedRelease[];
  /** Newer releases a `skip` gate never offers. */
  hiddenByGate: string[];
  /** Newer releases the user skipped, each with the entry that skips it (`1.2.0` or `2.x`). */
  skipped: Array<{ version: string; by: string }>;
  /** Whether the project counts as having an update. */
  counts: boolean;
}

type Candidate = NonNullable<ProjectCheck['candidates']>[number];

const NOTHING: UpdateOffer = { target: null, explicit: null, blocked: [], hiddenByGate: [], skipped: [], counts: false };

function reasonsOf(c: Candidate): string[] {
  if (c.reasons && c.reasons.length > 0) return c.reasons;
  return c.reason ? [c.reason] : [];
}

/** The offer of one project; `skipped` is ProjectView.decision.skipped. */
export function updateOffer(check: ProjectCheck | null, skipped: readonly string[]): UpdateOffer {
  if (!check || check.error || !check.updateAvailable || !check.latest) return NOTHING;
  const candidates = check.candidates;
  if (!candidates) return legacyOffer(check, skipped);
  const out: UpdateOffer = { target: null, explicit: null, blocked: [], hiddenByGate: [], skipped: [], counts: false };
  for (const c of candidates) {
    const by = skippedBy(skipped, c.version);
    if (by) {
      out.skipped.push({ version: c.version, by });
      continue;
    }
    const gate = c.verdict?.gate ?? null;
    if (gate === 'skip') {
      out.hiddenByGate.push(c.version);
      continue;
    }
    if (out.target) continue;
    if (c.blocked) {
      out.blocked.push({ version: c.version, reasons: reasonsOf(c), risk: c.risk ?? null });
      continue;
    }
    // Not offered by the strategy (a pin, its age, the LTS flag): neither the headline nor a blocked line.
    if (c.verdict?.notOffered) continue;
    const release: OfferedRelease = { version: c.version, tag: c.tag, gate, risk: c.risk ?? null };
    // A manual gate: only an explicit choice installs it; the button keeps acting on the default target below it.
    if (gate === 'manual') {
      out.explicit ??= release;
      continue;
    }
    out.target = release;
  }
  out.counts = out.target !== null || out.explicit !== null;
  return out;
}

/** Checks recorded before candidates carried verdicts: the engine's own offered release, or the latest. */
function legacyOffer(check: ProjectCheck, skipped: readonly string[]): UpdateOffer {
  const latest = check.latest as ReleaseRef;
  const pick = check.offered ?? (check.blockers.length === 0 ? latest : null);
  if (pick && skippedBy(skipped, pick.version)) return { ...NOTHING, skipped: [{ version: pick.version, by: skippedBy(skipped, pick.version)! }] };
  if (check.gate === 'skip' && !check.offered) return { ...NOTHING, hiddenByGate: [latest.version] };
  const target = pick ? { version: pick.version, tag: pick.tag, gate: pick === latest ? check.gate : null, risk: pick === latest ? check.risk : null } : null;
  const blocked = pick !== latest && check.blockers.length > 0 ? [{ version: latest.version, reasons: check.blockers, risk: check.risk }] : [];
  return { target, explicit: null, blocked, hiddenByGate: [], skipped: [], counts: target !== null };
}
