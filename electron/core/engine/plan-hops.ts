/**
 * The required stops between the current version and a single plan's target (issue 9 §5): release metadata
 * `required_stop`, the manifest's `upgradePath`/`requiredStops`, a contracts major change. Computed from what the plan
 * already read of every release it crossed, so a plan with no stops costs nothing more. A plan whose target lies
 * beyond a stop carries the hops; `upgrade` then runs them one by one (electron/core/batch), never straight across.
 */
import type { HopPlan } from '../../../shared/api/types.js';
import { planPath, type PathRelease } from '../../../shared/plan/path.js';
import type { Release } from '../../../shared/version/index.js';
import type { ReleaseInfo } from '../release/index.js';
import type { ProjectContext } from './projects.js';
import { dependentsOf } from './projects.js';

/** The path to `target`, or null when it is one hop (nothing to stop at). */
export function hopsTo(ctx: ProjectContext, all: readonly ProjectContext[], current: string | null, target: Release, ascending: readonly Release[], infos: ReadonlyMap<string, ReleaseInfo>, currentContracts: string | null): HopPlan | null {
  if (current === null) return null;
  const releases: PathRelease[] = ascending.map((r) => {
    const info = infos.get(r.tag);
    return {
      version: r.version.normalized,
      ...(info?.metadata?.requiredStop === true ? { requiredStop: true } : {}),
      contractsVersion: info?.contractsVersion ?? null,
      breaking: (info?.breaking ?? []).map((b) => ({ text: b.text, ...(b.id ? { id: b.id } : {}) })),
    };
  });
  const m = ctx.manifest;
  const path = planPath({
    project: ctx.record.name,
    current,
    currentContractsVersion: currentContracts,
    target: target.version.normalized,
    releases,
    ...(m.requiredStops ? { requiredStops: m.requiredStops } : {}),
    ...(m.contractsStops !== undefined ? { contractsStops: m.contractsStops } : {}),
    dependents: dependentsOf(ctx.record.name, all),
  });
  return path.refused === null && path.hops.length > 1 ? path : null;
}
