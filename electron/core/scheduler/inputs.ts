/**
 * The decision layer's inputs, from the engine: each project's current version and the one verdict per release
 * (engine/verdict.ts, as the last check recorded it — the scheduler itself never touches the network), a dirty tree,
 * divergence, rollback-loop protection, an operation running, and the manifest's `automation` section.
 */
import type { ProjectCheck } from '../../../shared/api/types.js';
import type { ApprovalFinding, CandidateRelease, ProjectAutomationState } from '../../../shared/policy/index.js';
import { skippedBy } from '../../../shared/policy/skips.js';
import type { Engine } from '../engine/index.js';
import { assertNoRollbackLoop } from '../engine/rollback-loop.js';
import { UpshiftError } from '../errors.js';
import { getStatus } from '../git/status.js';
import { assessOwner } from '../state/lock.js';

export interface GatheredProject {
  state: ProjectAutomationState;
  check: ProjectCheck | null;
  /** The project could not be read (manifest, checkout): nothing upgrades; the reason is said. */
  problem: string | null;
}

/** Candidates of a check, as the schedule takes them; releases recorded before verdicts were kept are left out. */
export function candidatesOf(check: ProjectCheck, skipped: readonly string[] = []): CandidateRelease[] {
  if (check.error || check.noSource) return [];
  return (check.candidates ?? []).flatMap((c): CandidateRelease[] => {
    const v = c.verdict;
    if (!v) return [];
    return [
      {
        version: c.version,
        tag: c.tag,
        commit: c.sha,
        bump: v.bump,
        gate: v.gate,
        crosses: v.crosses,
        gateKey: v.gateKey,
        publishedAt: null,
        // Set from when the scheduler first saw it (scheduler.ts rememberFirstSeen).
        foundAt: null,
        // From the verdict (release metadata, notes, conventional commits); the policy's fast path decides what it opens.
        security: v.security ?? null,
        compatible: v.compatible,
        refusedBy: v.refusedBy,
        unverifiedReason: v.unverifiedReason,
        breaking: v.breaking,
        breakingAllowed: v.breakingAllowed,
        offered: v.notOffered === null,
        skippedBy: skippedBy(skipped, c.version),
        notOfferedReason: v.notOffered,
      },
    ];
  });
}

function checkIsStale(store: Engine['store'], project: string, checkedAt: string): boolean {
  const row = store.database
    .prepare(`SELECT max(finished_at) AS at FROM operations WHERE project = ? AND kind IN ('upgrade', 'rollback') AND status IN ('succeeded', 'stash_kept') AND finished_at IS NOT NULL`)
    .get(project) as { at: string | null } | undefined;
  return !!row?.at && Date.parse(row.at) > Date.parse(checkedAt);
}

async function isDirty(path: string): Promise<boolean> {
  const s = await getStatus(path);
  return s.staged.length + s.unstaged.length + s.untracked.length + s.conflicted.length > 0;
}

/**
 * Every watched project's state. The working tree is read (one `git status`) only for a project with a candidate: an
 * idle scheduler with everything up to date spawns nothing.
 */
export async function gatherProjects(engine: Engine): Promise<GatheredProject[]> {
  const store = engine.store;
  const out: GatheredProject[] = [];
  for (const record of store.listProjects()) {
    const stored = store.getCheck(record.name);
    // A check older than the project's last upgrade or rollback that changed what is installed describes a checkout that is no longer there: its
    // "current" is stale, so nothing is offered from it until the next check (the scheduler rechecks after each
    // unattended upgrade; the service after every operation) — else the release just installed looks due again.
    const check = stored && !checkIsStale(store, record.name, stored.checkedAt) ? stored : null;
    // The user's "Skip this version" / "Skip this major" decisions: what a person skipped is never installed unattended.
    const skips = store.listDecisions(record.name).filter((d) => d.kind === 'skip').map((d) => d.version);
    const candidates = check ? candidatesOf(check, skips) : [];
    const running = store.runningOperation(record.name);
    const live = running ? assessOwner({ pid: running.operation.pid, pidStartTime: running.pidStartTime, bootId: running.bootId, host: running.operation.host }) : null;
    const state: ProjectAutomationState = {
      project: record.name,
      current: check?.current.version ?? null,
      candidates,
      dirty: false,
      // HEAD has commits the latest release lacks, or one of the candidates does (its gate is then manual, too).
      diverged: (check?.divergence ?? null) !== null || (check?.candidates ?? []).some((x) => x.verdict?.diverged === true),
      running: live === 'alive' || live === 'other-host',
    };
    let problem: string | null = null;
    try {
      const ctx = engine.context(record.name);
      state.policy = ctx.manifest.automation ?? null;
      if (candidates.length > 0) {
        if ((ctx.manifest.kind ?? 'git') === 'git') state.dirty = await isDirty(record.path);
        try {
          assertNoRollbackLoop(store, ctx, false);
        } catch (err) {
          if (!(err instanceof UpshiftError) || err.code !== 'ROLLBACK_LOOP') throw err;
          const until = typeof err.details?.retryAfter === 'string' ? err.details.retryAfter : null;
          state.rollbackLoop = { until, reason: `${String(err.details?.rollbacks ?? 'too many')} automatic rollbacks of ${record.name} within the hour` };
        }
      }
    } catch (err) {
      problem = `${record.name} cannot be read now: ${(err as Error).message}`;
      state.candidates = [];
    }
    out.push({ state, check, problem });
  }
  return out;
}

/** What the last checks found behind a `review` gate, for reconcileApprovals (failed checks are left out). */
export function approvalFindings(gathered: readonly GatheredProject[]): ApprovalFinding[] {
  return gathered
    .filter((g) => g.check !== null && g.check.error === null && g.problem === null)
    .map((g) => ({
      project: g.state.project,
      current: g.state.current,
      releases: g.state.candidates.filter((c) => c.gate === 'review' && !c.skippedBy).map((c) => ({ project: g.state.project, version: c.version, tag: c.tag, commit: c.commit })),
    }));
}
