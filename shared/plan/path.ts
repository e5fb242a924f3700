/**
 * Multi-hop upgrade paths with required stops (GitLab's upgrade path model): from the current version to a target,
 * every hop, why each stop is required, the releases whose notes belong to each hop, and the refusals. Pure.
 *
 * A stop is required by:
 * - release metadata `required_stop: true` on a release between current and target;
 * - the manifest's `upgradePath` / `requiredStops`: an exact version, or a line (`1.2.x`, `1.2`) meaning the newest
 *   known release of that line (GitLab: "the latest patch release of the required stop");
 * - a contracts major change: the path stops at the **last release that declares the old contracts major** before
 *   the first one declaring another. There every dependent that requires the old contracts major still accepts the
 *   core and the old major's migrations are complete; the next hop crosses the contracts change alone, so dependents
 *   can be moved between the two hops and a failure in the crossing rolls back to a state they all accept (GitLab's
 *   stops are likewise the last minor of a major, 15.11 before 16.x). Stopping at the first release of the new major
 *   instead would make the stop itself the incompatible state, and leave no checkpoint on the old contracts.
 *   Releases that declare no contracts version are not taken as a change (older releases predate the field).
 * See docs/batches-and-paths.md.
 */
import type { CompatibilityReport, Hop, HopPlan, HopRefusal, StopReason } from '../api/types.js';
import { evaluateDependents, type BreakingChange, type Dependent } from '../compat/index.js';
import { compareVersions, ConstraintError, parseConstraint, parseVersion, satisfies, type Version } from '../version/index.js';

export interface PathRelease {
  version: string;
  /** Release metadata `required_stop: true`. */
  requiredStop?: boolean;
  /** `contracts_version` from the release metadata; absent or null when it declares none. */
  contractsVersion?: string | null;
  breaking?: ReadonlyArray<string | { text: string; id?: string }>;
}

export interface PathInput {
  project: string;
  current: string;
  /** The current release's contracts version when `releases` does not list the current release. */
  currentContractsVersion?: string | null;
  target: string;
  /** Known releases of the project (any order; the current and older ones may be included). */
  releases: readonly PathRelease[];
  /** Manifest `upgradePath` / `requiredStops`: exact versions or lines (`1.2.x`). */
  requiredStops?: readonly string[];
  /** Stop before a contracts major change (default true). */
  contractsStops?: boolean;
  /** An explicit path: the intermediate versions asked for (`[]`: straight to the target). Absent: every required stop. */
  via?: readonly string[];
  /** Accept an explicit path that leaves out required stops, or a required stop in range that is not a known release. */
  force?: boolean;
  /** When given, each hop's target is judged against them (breaking changes of that hop only). */
  dependents?: readonly Dependent[];
}

interface Known {
  version: Version;
  release: PathRelease;
}

/** Plans the path. Never throws on bad data: a problem is a refusal with its reason. */
export function planPath(input: PathInput): HopPlan {
  const { project } = input;
  const plan: HopPlan = { project, from: input.current, to: input.target, hops: [], requiredStops: [], skipped: [], refused: null, warnings: [] };
  const refuse = (code: HopRefusal, message: string): HopPlan => {
    plan.refused = { code, message };
    plan.hops = [];
    return plan;
  };
  const current = parseVersion(input.current);
  const target = parseVersion(input.target);
  if (current === null) return refuse('UNKNOWN_VERSION', `the current version of ${project}, "${input.current}", is not a version`);
  if (target === null) return refuse('UNKNOWN_VERSION', `the target "${input.target}" is not a version`);
  plan.from = current.normalized;
  plan.to = target.normalized;
  const order = compareVersions(target, current);
  if (order < 0) {
    return refuse(
      'TARGET_BELOW_CURRENT',
      `${project} ${target.normalized} is below the current ${current.normalized}: a path only goes up. Nothing was changed; to go back, roll back from the history.`,
    );
  }

  const known = knownReleases(input.releases, plan.warnings, project);
  const byVersion = new Map(known.map((k) => [k.version.normalized, k]));
  if (order === 0) {
    plan.warnings.push(`${project} is already on ${target.normalized}: no hops`);
    return plan;
  }
  if (!byVersion.has(target.normalized)) {
    return refuse('UNKNOWN_VERSION', `${project} ${target.normalized} is not a known release. Nothing was changed; check the version (upshift check ${project}).`);
  }
  const inRange = known.filter((k) => compareVersions(k.version, current) > 0 && compareVersions(k.version, target) <= 0);

  // Every required stop in (current, target], with its reasons.
  const stops = new Map<string, StopReason[]>();
  const addStop = (v: string, reason: StopReason) => {
    const list = stops.get(v) ?? [];
    list.push(reason);
    stops.set(v, list);
  };
  for (const k of inRange) {
    if (k.release.requiredStop === true) {
      addStop(k.version.normalized, { source: 'metadata', reason: `the release metadata of ${k.version.normalized} declares required_stop` });
    }
  }
  for (const entry of input.requiredStops ?? []) {
    const problem = manifestStop(entry, known, current, target, project, addStop);
    if (problem === null) continue;
    if (problem.inRange && input.force !== true) return refuse('UNKNOWN_STOP', problem.message);
    plan.warnings.push(problem.inRange ? `${problem.message} — forced: the path goes on without it` : problem.message);
  }
  if (input.contractsStops !== false) contractsStops(input, known, current, inRange, addStop);

  const stopVersions = [...stops.keys()]
    .map((v) => byVersion.get(v)!)
    .sort((a, b) => compareVersions(a.version, b.version));
  plan.requiredStops = stopVersions.map((k) => ({ version: k.version.normalized, reasons: stops.get(k.version.normalized)! }));
  const intermediate = stopVersions.filter((k) => compareVersions(k.version, target) < 0);

  let points: Known[];
  if (input.via === undefined) {
    points = intermediate;
  } else {
    const asked: Known[] = [];
    for (const text of input.via) {
      const v = parseVersion(text);
      const k = v === null ? undefined : byVersion.get(v.normalized);
      if (v === null || k === undefined) {
        return refuse('UNKNOWN_VERSION', `the path asks to stop at "${text}", which is not a known release of ${project}. Nothing was changed.`);
      }
      const last = asked[asked.length - 1]?.version ?? current;
      if (compareVersions(v, last) <= 0 || compareVersions(v, target) >= 0) {
        return refuse(
          'BAD_PATH',
          `the path must go up from ${current.normalized} to ${target.normalized} one stop at a time; ${v.normalized} is out of place. Nothing was changed.`,
        );
      }
      asked.push(k);
    }
    const askedSet = new Set(asked.map((k) => k.version.normalized));
    const missing = intermediate.filter((k) => !askedSet.has(k.version.normalized));
    if (missing.length > 0) {
      const list = missing.map((k) => `${k.version.normalized} (${stops.get(k.version.normalized)!.map((r) => r.reason).join('; ')})`).join(', ');
      if (input.force !== true) {
        return refuse(
          'SKIPS_REQUIRED_STOP',
          `the path ${[current, ...asked.map((k) => k.version), target].map((v) => v.normalized).join(' → ')} skips the required stop${missing.length === 1 ? '' : 's'} ${list}. ` +
            `Nothing was changed; plan without a path to go through every stop, or force it.`,
        );
      }
      plan.skipped = missing.map((k) => ({ version: k.version.normalized, reasons: stops.get(k.version.normalized)! }));
      plan.warnings.push(`forced: the path skips the required stop${missing.length === 1 ? '' : 's'} ${list}`);
    }
    points = asked;
  }

  const ends = [...points, byVersion.get(target.normalized)!];
  let from = current;
  for (const end of ends) {
    const isTarget = end.version.normalized === target.normalized;
    const reasons = stops.get(end.version.normalized) ?? [];
    const stop: StopReason[] = isTarget
      ? [{ source: 'target', reason: `the target, ${target.normalized}` }, ...reasons]
      : reasons.length > 0
        ? reasons
        : [{ source: 'requested', reason: `the path asks to stop at ${end.version.normalized}` }];
    plan.hops.push(hopOf(input, from, end, known, stop));
    from = end.version;
  }
  return plan;
}

function knownReleases(releases: readonly PathRelease[], warnings: string[], project: string): Known[] {
  const out: Known[] = [];
  const seen = new Set<string>();
  for (const release of releases) {
    const version = parseVersion(release.version);
    if (version === null) {
      warnings.push(`${project}: release "${release.version}" is not a version; ignored`);
      continue;
    }
    if (seen.has(version.normalized)) continue;
    seen.add(version.normalized);
    out.push({ version, release });
  }
  return out.sort((a, b) => compareVersions(a.version, b.version));
}

/**
 * Resolves one manifest stop: an exact version must be a known release; a line is its newest known release. Adds the
 * stop when it lies in (current, target]. Returns a problem when the entry names nothing known (`inRange`: it
 * would have been a stop on this path).
 */
function manifestStop(
  entry: string,
  known: readonly Known[],
  current: Version,
  target: Version,
  project: string,
  addStop: (v: string, r: StopReason) => void,
): { message: string; inRange: boolean } | null {
  let constraint;
  try {
    constraint = parseConstraint(entry);
  } catch (e) {
    if (!(e instanceof ConstraintError)) throw e;
    return { message: `the manifest's required stop "${entry}" is not a version or a line: ${e.message}`, inRange: false };
  }
  const between = (v: Version) => compareVersions(v, current) > 0 && compareVersions(v, target) <= 0;
  const exact = constraint.kind === 'exact';
  let match: Known | undefined;
  for (const k of known) if (satisfies(k.version, constraint)) match = k; // ascending: the last one is the newest
  if (match === undefined) {
    const start = parseVersion(entry.replace(/\.[xX*]/g, '.0').replace(/^[vV]?[xX*]$/, '0'));
    const inRange = start !== null && compareVersions(start, current) > 0 && compareVersions(start, target) < 0;
    return {
      message: `the manifest's required stop ${entry} is not a known release of ${project}${inRange ? ` (it lies between ${current.normalized} and ${target.normalized})` : ''}`,
      inRange,
    };
  }
  if (!between(match.version)) return null;
  addStop(match.version.normalized, {
    source: 'manifest',
    reason: exact
      ? `the manifest's upgrade path lists ${match.version.normalized}`
      : `the manifest's upgrade path lists ${entry}; ${match.version.normalized} is its newest release`,
  });
  return null;
}

/** Adds a stop at the last release declaring the old contracts major before each change of major in the range. */
function contractsStops(
  input: PathInput,
  known: readonly Known[],
  current: Version,
  inRange: readonly Known[],
  addStop: (v: string, r: StopReason) => void,
): void {
  const own = known.find((k) => compareVersions(k.version, current) === 0)?.release.contractsVersion ?? input.currentContractsVersion ?? null;
  let last: { version: Version; major: number } | null = null;
  const currentContracts = own === null ? null : parseVersion(own);
  if (currentContracts !== null) last = { version: current, major: currentContracts.parts[0]! };
  for (const k of inRange) {
    const text = k.release.contractsVersion;
    const c = typeof text === 'string' && text.trim() !== '' ? parseVersion(text) : null;
    if (c === null) continue;
    const major = c.parts[0]!;
    if (last !== null && major !== last.major && compareVersions(last.version, current) > 0) {
      addStop(last.version.normalized, {
        source: 'contracts',
        reason: `last release with contracts ${last.major}.x before ${k.version.normalized} moves to contracts ${major}.x`,
      });
    }
    last = { version: k.version, major };
  }
}

function hopOf(input: PathInput, from: Version, end: Known, known: readonly Known[], stop: StopReason[]): Hop {
  const releases = known.filter((k) => compareVersions(k.version, from) > 0 && compareVersions(k.version, end.version) <= 0);
  const breaking: BreakingChange[] = [];
  for (const k of releases) {
    for (const b of k.release.breaking ?? []) {
      breaking.push(typeof b === 'string' ? { text: b, version: k.version.normalized } : { ...b, version: k.version.normalized });
    }
  }
  let compatibility: CompatibilityReport | null = null;
  if (input.dependents !== undefined) {
    compatibility = evaluateDependents(
      input.project,
      { version: end.version.normalized, contractsVersion: end.release.contractsVersion ?? null, breaking },
      input.dependents,
    );
  }
  return {
    from: from.normalized,
    to: end.version.normalized,
    stop,
    releases: releases.map((k) => k.version.normalized),
    breaking: breaking.map((b) => b.text),
    compatibility,
  };
}
