/**
 * What a gate asks before an upgrade starts, enforced where every caller passes (Engine.upgrade): the CLI, the
 * dashboard's service and, later, unattended upgrades. See shared/policy gateRequirement and README "Gates".
 */
import type { UpgradePlan } from '../../../shared/api/types.js';
import { bumpInWords, crossedBump, gateRequirement } from '../../../shared/policy/index.js';
import { blockedError } from '../errors.js';

export interface GateApproval {
  /** The target the caller named (`--to`, the dashboard's version), if any. */
  to?: string | undefined;
  /**
   * The user chose `to` themselves knowing its gate is `manual`: the CLI's `--to`, the dashboard's confirmation of a
   * manual gate (`confirmManual`). Counts only together with `to`.
   */
  explicit?: boolean | undefined;
}

/**
 * Refuses a plan whose target is gated `manual` unless it was chosen explicitly (issue 8 §4: `upgrade redis6 --yes`
 * crossed a manual major). A `skip` gate is a blocker of the plan itself (verdict.ts); `auto` and `review` pass here and
 * are left to the caller's confirmation. GATE_MANUAL is a policy refusal (exit 3, HTTP 409); nothing was changed.
 */
export function assertGateApproval(plan: UpgradePlan, approval: GateApproval): void {
  if (plan.blocked || gateRequirement(plan.gate) !== 'explicit-choice') return;
  if (approval.explicit === true && approval.to !== undefined) return;
  const version = plan.to.version ?? '?';
  const cli = `upshift upgrade ${plan.project} --to ${version}`;
  // The verdict's own sentence when the plan carries it: it says why the gate is manual (the bump, or a divergence).
  const own = plan.explicitChoice?.version === plan.to.version ? plan.explicitChoice.message : null;
  const what = own ?? `${version} is ${bumpInWords(plan.bump, plan.to.version ? crossedBump(plan.from.version, plan.to.version) : null)}, gated manual: run \`${cli}\``;
  const message =
    approval.to === undefined
      ? `No release of ${plan.project} newer than ${plan.from.version ?? 'the current one'} is installed without an explicit choice: ${what} (in the dashboard: choose it in the plan and confirm). Nothing was changed.`
      : `${what}, or confirm the manual gate in the dashboard: it is installed only when chosen explicitly. Nothing was changed.`;
  throw blockedError('GATE_MANUAL', message, { version, bump: plan.bump, gate: plan.gate, command: cli });
}
