/**
 * Release discovery with what strategies need around it: the last releases seen per project (a fallback when
 * the remote is unreachable, and the only source offline), release dates and LTS flags learnt at plan time,
 * and the strategy applied to a project's releases.
 */
import type { Channel } from '../../../shared/api/types.js';
import { applyStrategy, effectiveStrategy, type StrategyResult } from '../../../shared/policy/index.js';
import type { Release, TagRef, Version } from '../../../shared/version/index.js';
import { UpshiftError } from '../errors.js';
import { runGit } from '../git/index.js';
import { selectTagReleases } from '../source/github/source.js';
import { isNoReleaseSource } from '../source/no-source.js';
import type { Advertisement, ReleaseSource, ReleaseSourceProject } from '../source/types.js';
import type { StateStore } from '../state/index.js';
import { offlineFromEnv } from './offline.js';
import type { ProjectContext } from './projects.js';
import { withRelaxedSync } from '../state/db.js';

interface SeenReleases {
  at: string;
  refs: TagRef[];
}

/** What is known about a release beyond its tag: learnt when its tag was fetched. */
export interface ReleaseFacts {
  date?: string;
  lts?: boolean;
}

/** Releases as discovered, and whether they came from the remote or from what was seen before. */
export interface DiscoveredReleases {
  releases: Release[];
  /** Set when the releases are the last ones seen, not the remote's: why, a note for the user, and the source's error. */
  stale: { at: string; note: string; error?: unknown } | null;
}

/** True when nothing may use the network: `UPSHIFT_OFFLINE=1`, the global `offline` setting, or `offline: true` in the manifest. */
export function isOffline(ctx: ProjectContext, store: StateStore, env: NodeJS.ProcessEnv = process.env): boolean {
  if (offlineFromEnv(env)) return true;
  if (ctx.manifest.offline === true) return true;
  return store.getSetting('offline') === true;
}

/** `45 s`, `12 min`, `3 h`, `2 days`. */
export function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 2 * 86_400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

function settingsOf(store: StateStore, name: string): Record<string, unknown> {
  return store.getProject(name)?.settings ?? {};
}

function seenReleases(store: StateStore, name: string, channel: Channel): SeenReleases | null {
  const all = settingsOf(store, name).lastReleases as Record<string, SeenReleases> | undefined;
  const seen = all?.[channel];
  return seen && Array.isArray(seen.refs) && typeof seen.at === 'string' ? seen : null;
}

/**
 * Remembers the releases a source listed, for when it cannot be reached (call after other settings writes).
 * Written only when they changed, so an unchanged poll costs no write: when they were last seen is then the
 * time of the last check that reached the remote (see {@link seenAt}).
 */
export function rememberReleases(store: StateStore, name: string, channel: Channel, releases: readonly Release[]): void {
  const settings = settingsOf(store, name);
  const all = { ...((settings.lastReleases as Record<string, SeenReleases> | undefined) ?? {}) };
  // The newest 500 are plenty to fall back on, and keep the settings row small for projects with many tags.
  const refs = releases.slice(0, 500).map((r) => ({ tag: r.tag, sha: r.sha }));
  const before = all[channel]?.refs;
  if (before && before.length === refs.length && before.every((r, i) => r.tag === refs[i]!.tag && r.sha === refs[i]!.sha)) return;
  all[channel] = { at: store.now(), refs };
  // Derived (the remote's tags), so no fsync of its own: see withRelaxedSync.
  withRelaxedSync(store.database, () => store.updateProject(name, { settings: { ...settings, lastReleases: all } }));
}

/** When the remembered releases were last confirmed: their write, or a later check that reached the remote. */
function seenAt(store: StateStore, name: string, seen: SeenReleases): string {
  const check = store.getCheck(name);
  const fresh = check !== null && check.error === null && !check.blockers.some((b) => b.includes('using releases seen'));
  return fresh && Date.parse(check.checkedAt) > Date.parse(seen.at) ? check.checkedAt : seen.at;
}

/**
 * The project's releases on `channel`: from the source, remembered for later; when the source fails (or the
 * project is offline) the last ones seen, with their age.
 */
export async function discoverReleases(
  ctx: ProjectContext,
  project: ReleaseSourceProject,
  source: ReleaseSource,
  store: StateStore,
  signal?: AbortSignal,
  advertised?: Promise<Advertisement | null> | null,
): Promise<DiscoveredReleases> {
  const name = ctx.record.name;
  const channel = project.channel;
  const fromSeen = (seen: SeenReleases, why: string, error?: unknown): DiscoveredReleases => {
    const at = seenAt(store, name, seen);
    const age = ageText(Date.parse(store.now()) - Date.parse(at));
    const note = `${why}; using releases seen ${age} ago`;
    // GitHub releases carry no commit id (sha ''): selectTagReleases keeps them.
    return { releases: selectTagReleases(seen.refs, ctx.pattern, channel), stale: error === undefined ? { at, note } : { at, note, error } };
  };
  // A release folder is on this machine: reading it is not network use, offline or not.
  if (isOffline(ctx, store) && ctx.manifest.source.type !== 'folder') {
    const seen = seenReleases(store, name, channel);
    if (!seen) {
      throw new UpshiftError('OFFLINE', `Offline: no network use, and no releases of ${name} have been seen yet. Run \`upshift check ${name}\` once with network access (without UPSHIFT_OFFLINE).`, { category: 'failed' });
    }
    return fromSeen(seen, 'offline');
  }
  try {
    // An advertisement the check already read (engine/check-memo.ts) is finished here, not listed again.
    const ad = advertised ? await advertised : null;
    const releases = ad ? ad.releases() : await source.listReleases(project, signal);
    return { releases, stale: null };
  } catch (err) {
    // No remote at all (a local-only project) is not an outage: releases seen before it was removed do not apply.
    const seen = signal?.aborted || isNoReleaseSource(err) ? null : seenReleases(store, name, channel);
    if (!seen) throw err;
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return fromSeen(seen, `remote unreachable (${reason})`, err);
  }
}

export function readFacts(store: StateStore, name: string): Record<string, ReleaseFacts> {
  const facts = settingsOf(store, name).releaseFacts;
  return facts !== null && typeof facts === 'object' ? (facts as Record<string, ReleaseFacts>) : {};
}

/** Remembers dates and LTS flags learnt from fetched tags (kept for the latest 200 tags). */
export function saveFacts(store: StateStore, name: string, learnt: Record<string, ReleaseFacts>): void {
  if (Object.keys(learnt).length === 0) return;
  const settings = settingsOf(store, name);
  const merged = { ...readFacts(store, name), ...learnt };
  const kept = Object.fromEntries(Object.entries(merged).slice(-200));
  withRelaxedSync(store.database, () => store.updateProject(name, { settings: { ...settings, releaseFacts: kept } }));
}

/**
 * Dates of the local tags: the tagger date of an annotated tag, else the commit date (`creatordate`). One git
 * process for all of them.
 */
export async function localTagDates(path: string, signal?: AbortSignal): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  try {
    const r = await runGit(['for-each-ref', '--format=%(refname:strip=2)%09%(creatordate:unix)', 'refs/tags'], { cwd: path, ...(signal ? { signal } : {}) });
    for (const line of r.stdout.split('\n')) {
      const [tag, unix] = line.split('\t');
      if (tag && unix && /^\d+$/.test(unix)) out.set(tag, new Date(Number(unix) * 1000));
    }
  } catch {
    // No dates: releases stay unjudged by age until their tags are fetched.
  }
  return out;
}

/** The strategy applied to `releases` for this project, with the dates and LTS flags known now. */
export async function judgeReleases(
  ctx: ProjectContext,
  store: StateStore,
  releases: readonly Release[],
  current: Version | null,
  known: { dates?: Map<string, Date>; lts?: Map<string, boolean> } = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<StrategyResult & { pinned: string | null; pinSource: string | null; warnings: string[] }> {
  const spec = ctx.manifest.strategy ?? { type: 'latest' as const, version: null, range: null, exclude: [], minimumReleaseAge: null };
  const eff = effectiveStrategy(ctx.record.name, { strategy: spec.type, version: spec.version, range: spec.range }, env);
  const facts = readFacts(store, ctx.record.name);
  const dates = new Map<string, Date>();
  const lts = new Map<string, boolean>();
  for (const [tag, f] of Object.entries(facts)) {
    if (f.date) dates.set(tag, new Date(f.date));
    if (typeof f.lts === 'boolean') lts.set(tag, f.lts);
  }
  if ((spec.minimumReleaseAge ?? 0) > 0) for (const [tag, d] of await localTagDates(ctx.record.path)) dates.set(tag, d);
  for (const [tag, d] of known.dates ?? []) dates.set(tag, d);
  for (const [tag, v] of known.lts ?? []) lts.set(tag, v);
  const result = applyStrategy(releases, current, {
    strategy: eff.strategy,
    version: eff.version,
    range: eff.range,
    exclude: spec.exclude,
    minimumReleaseAge: spec.minimumReleaseAge,
    now: new Date(store.now()),
    releaseDates: dates,
    lts,
    pinSource: eff.pinSource,
  });
  return { ...result, pinned: eff.strategy === 'pinned' ? eff.version : null, pinSource: eff.pinSource, warnings: eff.problem ? [eff.problem] : [] };
}
