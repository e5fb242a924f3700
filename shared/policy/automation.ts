/**
 * The automation policy: what Upshift may upgrade on its own, and when. Types and defaults only; the zod schema that
 * reads it from global settings and manifests is shared/api/automation.ts, the decisions are schedule.ts.
 *
 * Layering (as for the rest of the configuration): a project's `automation` replaces the global value key by key;
 * `security` merges key by key; lists (`windows`, `blackouts`, `bumps`) are replaced whole.
 */
import type { GatedBump } from './gates.js';
import type { Blackout, MaintenanceWindow } from './windows.js';

export interface SecurityPolicy {
  /** Security releases get the fast path below at all; false: they are scheduled like any other release. */
  fastPath: boolean;
  /** `minimumReleaseAge` does not hold a security release back. */
  bypassSoak: boolean;
  /**
   * When a security release upgrades: `at-once` as soon as every other rule allows, without waiting for a window;
   * `critical-at-once` only critical ones at once, the others in the next window; `next-window` in the next window.
   */
  timing: 'at-once' | 'critical-at-once' | 'next-window';
  /** What happens to a security release whose window was missed (machine asleep) when it waits for windows. */
  catchUp: CatchUp;
  /**
   * A security release behind a `review` gate upgrades without waiting for an approval. Never crosses a `manual` or
   * `skip` gate.
   */
  approveReview: boolean;
  /** The bumps a security release may upgrade unattended; absent: the same as `bumps`. */
  bumps?: readonly GatedBump[];
}

/** A window missed (the machine was asleep or off): upgrade in the next window, or at once. */
export type CatchUp = 'next-window' | 'at-once';

/** Paused until an instant (ISO 8601 with offset), or until resumed (`until` null). */
export interface Pause {
  until: string | null;
  reason?: string;
  by?: string;
}

export interface AutomationPolicy {
  /** Unattended upgrades at all. Off unless a person turns them on. */
  enabled: boolean;
  /** The bumps that may upgrade unattended; the gates still decide (an `auto` gate, or `review` with an approval). */
  bumps: readonly GatedBump[];
  /** Days a release must have been out before it upgrades unattended (fractions allowed: 0.5 is 12 hours). */
  minimumReleaseAge: number;
  security: SecurityPolicy;
  catchUp: CatchUp;
  /** When unattended upgrades may start; none: at any time. */
  windows: readonly MaintenanceWindow[];
  blackouts: readonly Blackout[];
  /** The time zone of windows that name none; null: the system's. */
  timeZone: string | null;
  /** On battery power (where the OS says): wait for mains power, or go ahead. */
  battery: 'wait' | 'allow';
  /** On a metered connection (where the OS says): wait, or go ahead. */
  metered: 'wait' | 'allow';
  pause: Pause | null;
}

/** The global automation settings: a policy, the limits that only make sense machine-wide, per-project overrides. */
export interface AutomationSettings extends AutomationPolicy {
  /** Unattended upgrades running at the same time, across projects (operations already running count). */
  maxConcurrent: number;
  projects: Readonly<Record<string, ProjectAutomationPolicy>>;
}

/** What a project (its manifest, or the global settings' `projects`) may override. */
export type ProjectAutomationPolicy = Partial<Omit<AutomationPolicy, 'security'>> & { security?: Partial<SecurityPolicy> } & DeviceKeys;

/**
 * `onBattery: defer` / `onMetered: defer` — the spelling issue 9 and the docs use — are `battery: wait` /
 * `metered: wait`; when a layer has both, `battery` / `metered` win.
 */
export interface DeviceKeys {
  onBattery?: 'defer' | 'allow';
  onMetered?: 'defer' | 'allow';
}

function deviceAliases(layer: ProjectAutomationPolicy): Partial<Pick<AutomationPolicy, 'battery' | 'metered'>> {
  const out: Partial<Pick<AutomationPolicy, 'battery' | 'metered'>> = {};
  if (layer.onBattery && layer.battery === undefined) out.battery = layer.onBattery === 'defer' ? 'wait' : 'allow';
  if (layer.onMetered && layer.metered === undefined) out.metered = layer.onMetered === 'defer' ? 'wait' : 'allow';
  return out;
}

/** The global settings as written: every key optional (DEFAULT_AUTOMATION fills the rest). */
export type AutomationConfig = ProjectAutomationPolicy & {
  maxConcurrent?: number;
  projects?: Readonly<Record<string, ProjectAutomationPolicy>>;
};

export const DEFAULT_SECURITY_POLICY: Readonly<SecurityPolicy> = Object.freeze({
  fastPath: true,
  bypassSoak: true,
  timing: 'at-once',
  catchUp: 'at-once',
  approveReview: false,
});

export const DEFAULT_AUTOMATION: Readonly<AutomationSettings> = Object.freeze({
  enabled: false,
  bumps: Object.freeze(['patch', 'minor', 'major', 'prerelease'] as GatedBump[]),
  minimumReleaseAge: 0,
  security: DEFAULT_SECURITY_POLICY,
  catchUp: 'next-window',
  windows: Object.freeze([] as MaintenanceWindow[]),
  blackouts: Object.freeze([] as Blackout[]),
  timeZone: null,
  battery: 'wait',
  metered: 'wait',
  pause: null,
  maxConcurrent: 1,
  projects: Object.freeze({}),
});

/**
 * The policy in effect for one project: the global settings (themselves over the defaults) with the project's
 * overrides from the global `projects` and then from its manifest (`manifest` wins). Its `pause` is the project's
 * own: the global pause is not the project's to lift, and the schedule applies it on top of every project.
 */
export function effectivePolicy(
  settings: AutomationConfig,
  project: string,
  manifest: ProjectAutomationPolicy | null = null,
): AutomationPolicy {
  const { pause: _globalPause, ...global } = settings;
  const layers: ProjectAutomationPolicy[] = [global, settings.projects?.[project] ?? {}, manifest ?? {}];
  let policy: AutomationPolicy = { ...pickPolicy(DEFAULT_AUTOMATION), security: { ...DEFAULT_SECURITY_POLICY } };
  for (const layer of layers) {
    const { security, ...given } = layer;
    const rest = { ...given, ...deviceAliases(layer) };
    const defined = Object.fromEntries(Object.entries(rest).filter(([k, v]) => v !== undefined && k in DEFAULT_AUTOMATION && k !== 'projects' && k !== 'maxConcurrent'));
    policy = { ...policy, ...defined, security: { ...policy.security, ...definedOnly(security ?? {}) } };
  }
  return policy;
}

function pickPolicy(s: AutomationSettings): Omit<AutomationPolicy, 'security'> {
  const { maxConcurrent: _m, projects: _p, security: _s, ...policy } = s;
  return policy;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
