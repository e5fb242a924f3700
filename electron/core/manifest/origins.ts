import type { JsonValue, SettingOrigin, SettingSource } from '../../../shared/api/types.js';
import { formatFieldPath } from './errors.js';
import { valueAt } from './yaml-locate.js';

/** One layer of settings as written (before defaults), lowest first: the manifest, then Upshift's configuration. */
export interface SettingLayer {
  source: Exclude<SettingSource, 'default' | 'override'>;
  /** Shown with the setting: the manifest's name relative to the root, the configuration's absolute path. */
  file: string;
  data: Record<string, unknown>;
}

/** Shown in every plan whatever the files hold, so a missing smoke test or install is visible as a default. */
const ALWAYS_SHOWN = ['source.remote', 'source.tagPattern', 'channel', 'install', 'smoke.command', 'gates.patch', 'gates.minor', 'gates.major', 'gates.prerelease'];

/** Sections whose keys are listed one by one; everything else (lists, health checks) is one setting. */
const SPLIT = new Set(['source', 'smoke', 'snapshot', 'hooks', 'gates', 'artifact', 'command', 'watch', 'requires']);

function leafKeys(data: Record<string, unknown>, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key === '$schema') continue;
    const segs = [...prefix, key];
    const split = prefix.length === 0 ? SPLIT.has(key) : prefix[0] === 'requires' && prefix.length === 1 ? true : false;
    if (split && value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...leafKeys(value as Record<string, unknown>, segs));
    else out.push(segs);
  }
  return out;
}

function toJson(v: unknown): JsonValue {
  if (v === undefined) return null;
  return JSON.parse(JSON.stringify(v)) as JsonValue;
}

/**
 * Each setting with the value in effect and where it came from: the highest layer that writes it, else the
 * default. `effective` is the merged data after the schema filled its defaults.
 */
export function settingOrigins(layers: readonly SettingLayer[], effective: Record<string, unknown>): SettingOrigin[] {
  const keys = new Map<string, string[]>();
  for (const k of ALWAYS_SHOWN) keys.set(k, k.split('.'));
  for (const layer of layers) for (const segs of leafKeys(layer.data)) keys.set(formatFieldPath(segs), segs);
  const out: SettingOrigin[] = [];
  for (const [key, segs] of keys) {
    const from = [...layers].reverse().find((l) => valueAt(l.data, segs) !== undefined);
    out.push({ key, value: toJson(valueAt(effective, segs) ?? null), source: from?.source ?? 'default', file: from?.file ?? null });
  }
  return out;
}

/** The origins with the dashboard's overrides (channel, gates) marked as such, carrying their values. */
export function withOverrideOrigins(origins: readonly SettingOrigin[], overridden: Record<string, JsonValue>): SettingOrigin[] {
  // The value beneath the override is kept: the dashboard shows it beside "As in the manifest".
  const out = origins.map((o) =>
    o.key in overridden
      ? { key: o.key, value: overridden[o.key]!, source: 'override' as const, file: null, ...(o.source !== 'override' ? { beneath: { value: o.value, source: o.source, file: o.file } } : o.beneath ? { beneath: o.beneath } : {}) }
      : o,
  );
  for (const [key, value] of Object.entries(overridden)) if (!out.some((o) => o.key === key)) out.push({ key, value, source: 'override', file: null });
  return out;
}
