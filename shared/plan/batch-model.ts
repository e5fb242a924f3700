/**
 * The plain-data input of a joint plan and the indexed model the search works on: each project's current version
 * and newer releases (ascending), what each release requires of the projects it depends on, and one memoised
 * compatibility verdict per (dependent version, dependency version) pair, given by shared/compat so the rules are
 * exactly the product's (bounds, wildcards, contracts major, breaking changes crossed). Pure.
 */
import type { DependentVerdict } from '../api/types.js';
import { evaluateDependents, type BreakingChange, type Requirement, type TargetRelease } from '../compat/index.js';
import { compareVersions, parseVersion, type Version } from '../version/index.js';
import { dependencyGraph, type DependencyGraph } from './graph.js';

/** A release of a project in the batch, with what its own manifest says (read from the release by the engine). */
export interface BatchRelease {
  version: string;
  /** `contracts_version` from the release metadata; null or absent when it declares none. */
  contractsVersion?: string | null;
  /** Breaking changes this release announces (text, or text with an id). */
  breaking?: ReadonlyArray<string | { text: string; id?: string }>;
  /**
   * What this release requires of other projects, by name (its manifest's `requires:`, or the seed
   * `compatibility:` block under the core's name). Absent or null: not read — the release is never chosen for a
   * project that depends on something, because nobody knows what it accepts.
   */
  requires?: Readonly<Record<string, Requirement>> | null;
  /**
   * Why this release's metadata could not be read (offline, a failed fetch, invalid metadata). It is never chosen,
   * and neither is any later release of the project: the breaking changes crossed on the way are unknown.
   */
  unread?: string | null;
}

/** A project in the batch, as its manifest (in the checkout now) and its release source describe it. */
export interface BatchProject {
  name: string;
  /** The version the checkout is on; null when unknown (the project cannot be planned). */
  current: string | null;
  /** The current release's `contracts_version`, when known. */
  contractsVersion?: string | null;
  /** Manifest `core:`. */
  core?: string | null;
  /** Manifest `requires:` — what the current version requires. */
  requires?: Readonly<Record<string, Requirement>>;
  /** Releases of the project; older ones and the current are ignored, duplicates keep the first. */
  releases?: readonly BatchRelease[];
}

/** One version a project can be on: index 0 is the current one, then newer releases oldest first. */
export interface ModelVersion {
  text: string;
  parsed: Version;
  contracts: string | null;
  own: BreakingChange[];
  /** Null: not read. */
  requires: Readonly<Record<string, Requirement>> | null;
}

export interface ModelProject {
  name: string;
  versions: ModelVersion[];
  /** Highest usable index: releases at or after the first unread one are cut. */
  top: number;
  deps: string[];
  dependents: string[];
}

/** The model of a batch's input: indexed projects and memoised verdicts. */
export class BatchModel {
  readonly graph: DependencyGraph;
  readonly projects = new Map<string, ModelProject>();
  readonly warnings: string[] = [];
  /** Projects whose current version is unknown or not a version, with why. */
  readonly unplannable = new Map<string, string>();
  private readonly verdicts = new Map<string, DependentVerdict>();
  private readonly crossedCache = new Map<string, BreakingChange[][]>();
  evaluations = 0;

  constructor(input: readonly BatchProject[]) {
    this.graph = dependencyGraph(input);
    this.warnings.push(...this.graph.unknown);
    const seen = new Set<string>();
    for (const p of input) {
      if (seen.has(p.name)) {
        this.warnings.push(`${p.name} is listed twice; the first entry is used`);
        continue;
      }
      seen.add(p.name);
      this.projects.set(p.name, this.modelOf(p));
    }
  }

  project(name: string): ModelProject {
    const p = this.projects.get(name);
    if (p === undefined) throw new Error(`unknown project ${name}`);
    return p;
  }

  version(name: string, index: number): string {
    return this.project(name).versions[index]!.text;
  }

  /** The release `q` at `qi`, as compat judges it: its contracts version and every breaking change since current. */
  target(q: string, qi: number): TargetRelease {
    const p = this.project(q);
    let cache = this.crossedCache.get(q);
    if (cache === undefined) {
      cache = [];
      this.crossedCache.set(q, cache);
    }
    let crossed = cache[qi];
    if (crossed === undefined) {
      crossed = [];
      for (let i = 1; i <= qi; i++) crossed.push(...p.versions[i]!.own);
      cache[qi] = crossed;
    }
    const v = p.versions[qi]!;
    return { version: v.text, contractsVersion: v.contracts, breaking: crossed };
  }

  /**
   * Does `p` at version index `pi` accept `q` at `qi`? The product's verdict (evaluateDependents), memoised.
   * A release of `p` whose requirements were not read is refused with that reason.
   */
  accepts(p: string, pi: number, q: string, qi: number): DependentVerdict {
    const key = `${p}\u0000${pi}\u0000${q}\u0000${qi}`;
    const hit = this.verdicts.get(key);
    if (hit !== undefined) return hit;
    const pv = this.project(p).versions[pi]!;
    let verdict: DependentVerdict;
    if (pv.requires === null) {
      verdict = {
        project: p,
        compatible: false,
        reason: `what ${p} ${pv.text} requires of ${q} was not read (its release gives no requirements), so it is not chosen`,
      };
    } else {
      this.evaluations++;
      const requirement = pv.requires[q] ?? {};
      verdict = evaluateDependents(q, this.target(q, qi), [{ project: p, requirement }]).dependents[0]!;
    }
    this.verdicts.set(key, verdict);
    return verdict;
  }

  private modelOf(p: BatchProject): ModelProject {
    const deps = this.graph.dependencies.get(p.name) ?? [];
    const dependents = this.graph.dependents.get(p.name) ?? [];
    const base = { name: p.name, deps, dependents };
    const current = p.current === null || p.current === undefined ? null : parseVersion(p.current);
    if (current === null) {
      this.unplannable.set(
        p.name,
        p.current === null || p.current === undefined
          ? `the current version of ${p.name} is not known`
          : `the current version of ${p.name}, "${p.current}", is not a version`,
      );
      return { ...base, versions: [], top: -1 };
    }
    const versions: ModelVersion[] = [
      { text: current.normalized, parsed: current, contracts: p.contractsVersion ?? null, own: [], requires: p.requires ?? {} },
    ];
    const newer: Array<{ parsed: Version; release: BatchRelease }> = [];
    const seen = new Set<string>([current.normalized]);
    for (const release of p.releases ?? []) {
      const parsed = parseVersion(release.version);
      if (parsed === null) {
        this.warnings.push(`${p.name}: release "${release.version}" is not a version; ignored`);
        continue;
      }
      if (seen.has(parsed.normalized) || compareVersions(parsed, current) <= 0) continue;
      seen.add(parsed.normalized);
      newer.push({ parsed, release });
    }
    newer.sort((a, b) => compareVersions(a.parsed, b.parsed));
    let top = newer.length;
    for (let i = 0; i < newer.length; i++) {
      const { parsed, release } = newer[i]!;
      if (typeof release.unread === 'string' && release.unread !== '' && top === newer.length) {
        top = i;
        this.warnings.push(
          `${p.name} ${parsed.normalized} was not read (${release.unread}); it and every later release of ${p.name} are not chosen`,
        );
      }
      versions.push({
        text: parsed.normalized,
        parsed,
        contracts: release.contractsVersion ?? null,
        own: (release.breaking ?? []).map((b) =>
          typeof b === 'string' ? { text: b, version: parsed.normalized } : { ...b, version: parsed.normalized },
        ),
        requires: release.requires ?? null,
      });
    }
    return { ...base, versions, top };
  }
}
