import type { BumpType, GateAction } from '../api/types.js';

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

/**
 * The action for a bump. `none` and `downgrade` are always `skip`: re-installing the same version or
 * moving backwards is not an upgrade (rollback is its own operation). A gate missing from a partial
 * configuration (or an unknown action in it) falls back to {@link defaultGates}, never to `auto`.
 */
export function gateFor(bump: BumpType, gates: Partial<Gates> = defaultGates): GateAction {
  switch (bump) {
    case 'none':
    case 'downgrade':
      return 'skip';
    default: {
      const configured = gates[bump];
      return configured !== undefined && ACTIONS.has(configured) ? configured : defaultGates[bump];
    }
  }
}
