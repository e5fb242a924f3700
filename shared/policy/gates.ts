import type { BumpType, GateAction } from '../api/types.js';
import type { NumericBump } from './bump.js';

/** The bump types a gate can be configured for; `none` and `downgrade` are never upgrades. */
export type GatedBump = 'patch' | 'minor' | 'major' | 'prerelease';

export type Gates = Record<GatedBump, GateAction>;

/** Patch releases install on their own; minors wait for a review; majors and prereleases for a person. */
export const defaultGates: Readonly<Gates> = Object.freeze({
  patch: 'auto',
  minor: 'review',
  major: 'manual',
  prerelease: 'manual',
});

const ACTIONS: ReadonlySet<string> = new Set<GateAction>(['auto', 'review', 'manual', 'skip']);

/** Gates from the most permissive to the strictest. */
const STRICTNESS: Record<GateAction, number> = { auto: 0, review: 1, manual: 2, skip: 3 };

/** The stricter of two gates (`skip` > `manual` > `review` > `auto`). */
export function stricterGate(a: GateAction, b: GateAction): GateAction {
  return STRICTNESS[b] > STRICTNESS[a] ? b : a;
}

/** A gate and the configuration key that decided it (`gates.major`), or null for `none` and `downgrade`. */
export interface GateRule {
  action: GateAction;
  key: GatedBump | null;
}

/**
 * The gate that applies to an upgrade, and the key it comes from. A prerelease meets the stricter of the prerelease
 * gate and the gate of the numeric bump it crosses (`crosses`, see crossedBump): a prerelease of the next major is
 * never let through more easily than that major (issue 8 §4). `none` and `downgrade` are always `skip`.
 */
export function gateRule(bump: BumpType, gates: Partial<Gates> = defaultGates, crosses: NumericBump | null = null): GateRule {
  if (bump === 'none' || bump === 'downgrade') return { action: 'skip', key: null };
  const own: GateRule = { action: configured(bump, gates), key: bump };
  if (bump !== 'prerelease' || crosses === null) return own;
  const crossed: GateRule = { action: configured(crosses, gates), key: crosses };
  return STRICTNESS[crossed.action] > STRICTNESS[own.action] ? crossed : own;
}

/**
 * The action for a bump. `none` and `downgrade` are always `skip`: re-installing the same version or
 * moving backwards is not an upgrade (rollback is its own operation). A gate missing from a partial
 * configuration (or an unknown action in it) falls back to {@link defaultGates}, never to `auto`. For a
 * prerelease, `crosses` is the numeric bump it crosses (see {@link gateRule}).
 */
export function gateFor(bump: BumpType, gates: Partial<Gates> = defaultGates, crosses: NumericBump | null = null): GateAction {
  return gateRule(bump, gates, crosses).action;
}

function configured(bump: GatedBump, gates: Partial<Gates>): GateAction {
  const value = gates[bump];
  return value !== undefined && ACTIONS.has(value) ? value : defaultGates[bump];
}

/**
 * What a gate asks before an upgrade starts, the same in the CLI, the dashboard and the service:
 * - `auto`: nothing — the CLI upgrades without asking (and says so), unattended upgrades may install it;
 * - `review`: a confirmation — a yes on a terminal, `--yes`, or the dashboard's Start upgrade;
 * - `manual`: an explicit choice of that very version (`--to <version>`, or the dashboard's confirmation of a manual
 *   gate) as well as the confirmation; never the default target, never crossed by `--yes` alone;
 * - `skip`: never — not offered, and refused even when named.
 */
export type GateRequirement = 'nothing' | 'confirmation' | 'explicit-choice' | 'never';

export function gateRequirement(gate: GateAction): GateRequirement {
  switch (gate) {
    case 'auto':
      return 'nothing';
    case 'review':
      return 'confirmation';
    case 'manual':
      return 'explicit-choice';
    default:
      return 'never';
  }
}

/** "a major upgrade", "a prerelease across a major version": the bump in words, for messages. */
export function bumpInWords(bump: BumpType, crosses: NumericBump | null = null): string {
  if (bump === 'prerelease') return crosses === 'major' || crosses === 'minor' ? `a prerelease across a ${crosses} version` : 'a prerelease';
  if (bump === 'none') return 'the same version';
  return `a ${bump === 'downgrade' ? 'downgrade' : `${bump} upgrade`}`;
}
