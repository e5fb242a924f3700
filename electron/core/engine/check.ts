import type { CompatibilityReport, ProjectCheck, ReleaseRef } from '../../../shared/api/types.js';
import { evaluateDependents } from '../../../shared/compat/index.js';
import { assessRisk, classifyBump, gateFor } from '../../../shared/policy/index.js';
import { compareVersions, toReleaseRef, type Release } from '../../../shared/version/index.js';
import { toApiError } from '../errors.js';
import type { ReleaseSource } from '../source/types.js';
import { cachedCurrentVersion, type CurrentState } from './current.js';
import type { StateStore } from '../state/index.js';
import { dependentsOf, type ProjectContext } from './projects.js';

export interface Discovery {
  current: CurrentState;
  /** Releases on the project's channel, newest first. */
  releases: Release[];
}

export async function discover(ctx: ProjectContext, source: ReleaseSource, store: StateStore, signal?: AbortSignal): Promise<Discovery> {
  const m = ctx.manifest;
  const [current, releases] = await Promise.all([
    cachedCurrentVersion(store, ctx.record, ctx.pattern, m.source.tagPattern, m.declaredVersion),
    source.listReleases({ path: ctx.record.path, remote: m.source.remote, tagPattern: ctx.pattern, channel: m.channel }, signal),
  ]);
  return { current, releases };
}

/** Releases strictly newer than what runs now (all of them when the current version is unknown). */
export function newerThan(current: CurrentState, releases: readonly Release[]): Release[] {
  return current.parsed ? releases.filter((r) => compareVersions(r.version, current.parsed!) > 0) : [...releases];
}

/**
 * Compatibility judged from version bounds alone: what `check` can say without fetching each release. The
 * plan fetches the target and adds its contracts version and breaking changes.
 */
export function boundsVerdict(ctx: ProjectContext, all: readonly ProjectContext[], release: Release): CompatibilityReport {
  return evaluateDependents(ctx.record.name, { version: release.version.normalized, contractsVersion: null, breaking: [] }, dependentsOf(ctx.record.name, all));
}

/** One project's check: current and latest, whether it is an update, risk, gate, compatibility, the latest compatible. */
export async function checkProject(ctx: ProjectContext, all: readonly ProjectContext[], source: ReleaseSource, store: StateStore, signal?: AbortSignal): Promise<ProjectCheck> {
  const base = { name: ctx.record.name, path: ctx.record.path, checkedAt: store.now() };
  let found: Discovery;
  try {
    found = await discover(ctx, source, store, signal);
  } catch (err) {
    return failedCheck(base.name, base.path, base.checkedAt, err);
  }
  const { current, releases } = found;
  const { parsed: _parsed, ...currentOut } = current;
  const latest = releases[0] ?? null;
  const newer = newerThan(current, releases);
  const updateAvailable = latest !== null && newer[0] === latest;
  let latestCompatible: ReleaseRef | null = null;
  let compat: CompatibilityReport | null = null;
  if (latest) {
    compat = boundsVerdict(ctx, all, latest);
    if (compat.compatible) latestCompatible = updateAvailable ? toReleaseRef(latest) : null;
    else {
      const ok = newer.find((r) => boundsVerdict(ctx, all, r).compatible);
      latestCompatible = ok ? toReleaseRef(ok) : null;
    }
  }
  const bump = latest ? classifyBump(current.version, latest.version.normalized) : null;
  const blockers = compat ? compat.dependents.filter((d) => !d.compatible).map((d) => d.reason) : [];
  const risk =
    latest && updateAvailable && bump
      ? assessRisk({
          bump,
          breaking: [],
          incompatibleDependents: compat ? compat.dependents.filter((d) => !d.compatible).map((d) => d.project) : [],
          hasSmokeTests: ctx.manifest.smoke !== null,
        })
      : null;
  return {
    ...base,
    current: currentOut,
    latest: latest ? toReleaseRef(latest) : null,
    latestCompatible,
    updateAvailable,
    bump,
    gate: bump && updateAvailable ? gateFor(bump, ctx.manifest.gates) : null,
    risk,
    compatible: compat ? compat.compatible : null,
    blockers,
    error: null,
  };
}

/** The check of a project that could not be read (manifest, checkout or remote): only its name, path and the error. */
export function failedCheck(name: string, path: string, checkedAt: string, err: unknown): ProjectCheck {
  return {
    name,
    path,
    current: { version: null, tag: null, sha: null, source: 'unknown' },
    latest: null,
    latestCompatible: null,
    updateAvailable: false,
    bump: null,
    gate: null,
    risk: null,
    compatible: null,
    blockers: [],
    error: toApiError(err),
    checkedAt,
  };
}
