/**
 * Where channels come from, and which get an event. Three sources, all in the same URL form:
 * - the app's settings: `notifyChannels` in state.db, a list of URLs or `{url, name, events, projects, digest, rate}`
 *   (`upshift notify add`); kept out of the Settings the dashboard reads, so no URL with its secrets reaches it;
 * - the environment: `UPSHIFT_NOTIFY_URLS`, comma or space separated;
 * - a project's manifest: `notify:`, the same entries, for that project's events only.
 * An entry that does not parse is reported (redacted) and skipped; it never stops the others.
 */
import type { ChannelHealth, NotifyEventType } from '../../../shared/api/notify.js';
import type { Outbox } from './outbox.js';
import { channelName, parseChannelUrl, roughRedact, splitUrlList, type ChannelOptions } from './url.js';
import { ChannelUrlError, type ChannelSpec } from './types.js';

/** A channel entry as written in settings or a manifest. */
export type ChannelEntry = string | ({ url: string } & ChannelOptions);

export const SETTINGS_KEY = 'notifyChannels';

export interface ConfiguredChannel extends ChannelSpec {
  origin: 'settings' | 'env' | 'manifest';
  /** For a manifest's channel: the project whose manifest names it (it receives only that project's events). */
  project: string | null;
}

export interface ChannelList {
  channels: ConfiguredChannel[];
  /** Entries that could not be used, each naming the redacted URL and what is wrong. */
  problems: string[];
}

/** Parses one entry; throws ChannelUrlError. */
export function parseEntry(entry: ChannelEntry): ChannelSpec {
  if (typeof entry === 'string') return parseChannelUrl(entry);
  const { url, ...options } = entry;
  return parseChannelUrl(url, options);
}

function add(list: ChannelList, entries: readonly ChannelEntry[], origin: ConfiguredChannel['origin'], project: string | null): void {
  for (const entry of entries) {
    try {
      const spec = parseEntry(entry);
      const scoped = project ? { ...spec, projects: [project] } : spec;
      // The same URL twice (settings and environment) is one channel: the first keeps it.
      if (!list.channels.some((c) => c.id === spec.id && c.project === project)) list.channels.push({ ...scoped, origin, project });
    } catch (err) {
      const where = origin === 'manifest' ? `the manifest of ${project}` : origin === 'env' ? 'UPSHIFT_NOTIFY_URLS' : "Upshift's settings";
      const raw = typeof entry === 'string' ? entry : typeof entry?.url === 'string' ? entry.url : String(entry);
      list.problems.push(`${where}: ${err instanceof ChannelUrlError ? err.message : `Notification URL ${roughRedact(raw)}: ${(err as Error).message}`}`);
    }
  }
}

/** The settings' entries, as stored (not validated). */
export function settingsEntries(stored: unknown): ChannelEntry[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter((e): e is ChannelEntry => typeof e === 'string' || (e !== null && typeof e === 'object' && typeof (e as { url?: unknown }).url === 'string'));
}

export interface ChannelSources {
  settings: () => unknown;
  env: NodeJS.ProcessEnv;
  /** A project's manifest entries (`notify:`); [] when it has none or cannot be read. */
  manifest: (project: string) => readonly ChannelEntry[];
  /** Every watched project (for listing all channels). */
  projects: () => readonly string[];
}

/** The channels an event of `project` may go to (global ones plus that project's manifest), or all of them. */
export function listChannels(sources: ChannelSources, scope: { project: string | null } | 'all'): ChannelList {
  const list: ChannelList = { channels: [], problems: [] };
  add(list, settingsEntries(safe(sources.settings, [])), 'settings', null);
  add(list, splitUrlList(sources.env.UPSHIFT_NOTIFY_URLS ?? ''), 'env', null);
  const projects = scope === 'all' ? safe(sources.projects, []) : scope.project ? [scope.project] : [];
  for (const p of projects) add(list, safe(() => sources.manifest(p), []), 'manifest', p);
  return list;
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** The next local `HH:MM` strictly after `now` (a digest's send time). */
export function nextDigestAt(now: number, time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const d = new Date(now);
  d.setHours(h, m, 0, 0);
  if (d.getTime() <= now) d.setDate(d.getDate() + 1);
  return d.getTime();
}

/**
 * Each channel's health, for the dashboard and `upshift doctor`: waiting messages, messages given up since the last
 * success, the last success and failure and the last error (stored redacted).
 */
export function channelHealth(outbox: Outbox, channels: readonly ConfiguredChannel[]): ChannelHealth[] {
  const rows = outbox.channelRows();
  const depth = outbox.depthByChannel();
  return channels.map((c) => {
    const r = rows.get(c.id);
    const pending = depth.get(c.id) ?? 0;
    const gaveUp = r?.gave_up ?? 0;
    const failingNow = r?.last_failure_at != null && (r.last_success_at == null || r.last_failure_at > r.last_success_at);
    const state: ChannelHealth['state'] = gaveUp > 0 ? 'unhealthy' : failingNow ? 'retrying' : r?.last_success_at != null ? 'ok' : 'unused';
    return {
      id: c.id,
      name: channelName(c),
      kind: c.kind,
      redacted: c.redacted,
      origin: c.origin,
      project: c.project,
      events: c.events as NotifyEventType[] | null,
      projects: c.projects,
      digest: c.digest,
      state,
      pending,
      gaveUp,
      lastSuccessAt: r?.last_success_at != null ? new Date(r.last_success_at).toISOString() : null,
      lastFailureAt: r?.last_failure_at != null ? new Date(r.last_failure_at).toISOString() : null,
      lastError: r?.last_error ?? null,
    };
  });
}
