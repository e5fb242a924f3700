import type { Channel, GateAction } from '../../../shared/api/types.js';
import { withOverrideOrigins } from '../manifest/origins.js';
import type { StateStore } from '../state/index.js';
import type { ProjectContext } from './projects.js';

/** What the user changed for one project in the app's settings, over its manifest. */
export interface ProjectOverride {
  channel?: Channel;
  gates?: Partial<Record<'patch' | 'minor' | 'major' | 'prerelease', GateAction>>;
}

const CHANNELS: readonly string[] = ['stable', 'prerelease'];
const GATES: readonly string[] = ['auto', 'review', 'manual', 'skip'];
const BUMPS = ['patch', 'minor', 'major', 'prerelease'] as const;

/**
 * The per-project overrides stored under the `projects` setting. Read by the engine itself (not only the app) so
 * that `upshift check` in a terminal sees the same channel and gates the dashboard shows. Checked by hand rather
 * than with the contract's zod schema to keep zod out of the CLI's start-up; anything malformed is ignored.
 */
export function readOverrides(store: StateStore): Record<string, ProjectOverride> {
  const raw = store.getSetting('projects');
  const out: Record<string, ProjectOverride> = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === null || typeof value !== 'object') continue;
    const v = value as { channel?: unknown; gates?: unknown };
    const o: ProjectOverride = {};
    if (typeof v.channel === 'string' && CHANNELS.includes(v.channel)) o.channel = v.channel as Channel;
    if (v.gates !== null && typeof v.gates === 'object') {
      const gates: ProjectOverride['gates'] = {};
      for (const bump of BUMPS) {
        const g = (v.gates as Record<string, unknown>)[bump];
        if (typeof g === 'string' && GATES.includes(g)) gates[bump] = g as GateAction;
      }
      if (Object.keys(gates).length > 0) o.gates = gates;
    }
    out[name] = o;
  }
  return out;
}

/**
 * The context with the override's channel and gates in place of the manifest's (and of Upshift's configuration for
 * the project: the dashboard's override is the highest layer), each marked as an override in the origins.
 */
export function applyOverride(ctx: ProjectContext, override: ProjectOverride | undefined): ProjectContext {
  if (!override || (override.channel === undefined && override.gates === undefined)) return ctx;
  const overridden: Record<string, string> = {};
  if (override.channel !== undefined) overridden.channel = override.channel;
  for (const [bump, gate] of Object.entries(override.gates ?? {})) overridden[`gates.${bump}`] = gate;
  return {
    ...ctx,
    manifest: {
      ...ctx.manifest,
      channel: override.channel ?? ctx.manifest.channel,
      gates: { ...ctx.manifest.gates, ...override.gates },
      ...(ctx.manifest.origins ? { origins: withOverrideOrigins(ctx.manifest.origins, overridden) } : {}),
    },
  };
}
