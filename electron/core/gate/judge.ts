/**
 * Judges core versions against verticals with the product's one verdict: engine/verdict.ts `releaseVerdicts`, which
 * asks shared/compat `evaluateDependents` for every dependent and blocks a release whose metadata could not be read.
 * `check`, `plan`, the tray and the dashboard decide with the same function, so a release the gate passes is one
 * `upshift plan` would not block for these verticals' requirements.
 *
 * The gate has no watched checkouts, so it gives the verdict the contexts it would have: the core, and one per
 * vertical whose requirement is filed under the core's name. Gates and strategy belong to upgrading a checkout, not
 * to whether a release suits its verticals: the gate reads only the verdict's compatibility and `verified`.
 */
import type { Requirement } from '../../../shared/compat/requirement.js';
import type { Release } from '../../../shared/version/index.js';
import { releaseVerdicts, type ReadResult } from '../engine/verdict.js';
import type { ProjectContext } from '../engine/projects.js';
import { SEED_CORE_PLACEHOLDER } from '../manifest/index.js';
import type { ProjectRecord } from '../state/index.js';
import type { GateCore } from './core-project.js';
import type { VerticalManifest } from './verticals.js';

/** One vertical's verdict on one core version. */
export interface VerticalVerdict {
  compatible: boolean;
  reasons: string[];
  requirement: Requirement | null;
  /** What the manifest loader reported (keys it does not use …). */
  warnings: string[];
}

/**
 * What `vertical` requires of the core: filed under the core's name, one of its other names, the manifest's own
 * `core:`, the seed's placeholder, or — when the manifest requires exactly one project — that one (a vertical names its
 * core as it likes; in the gate there is one core). Null when it requires nothing of it.
 */
export function requirementOnCore(vertical: VerticalManifest, core: GateCore): { requirement: Requirement | null; note: string | null } {
  const requires = vertical.manifest.requires;
  for (const key of [core.name, ...core.aliases, SEED_CORE_PLACEHOLDER]) {
    if (requires[key]) return { requirement: requires[key], note: null };
  }
  const own = vertical.manifest.core;
  if (own && requires[own]) return { requirement: requires[own], note: `requires.${own} is read as its requirement on ${core.name} (the project it names as its core)` };
  const keys = Object.keys(requires);
  if (keys.length === 1) {
    return { requirement: requires[keys[0]!]!, note: `requires.${keys[0]} is read as its requirement on ${core.name} (the only project it requires)` };
  }
  const why = keys.length === 0 ? 'it declares no requirement at all' : `it requires ${keys.join(', ')}, none of them named ${core.name}`;
  return { requirement: null, note: `nothing limits which ${core.name} versions it accepts: ${why}` };
}

function record(name: string, path: string, core: string | null): ProjectRecord {
  return { name, path, core, manifest: 'none', channel: 'stable', addedAt: '', settings: {} };
}

/** The verdict's contexts: the core, then each vertical, in order (a vertical named like the core is renamed for it). */
export function gateContexts(core: GateCore, verticals: readonly VerticalManifest[]): { coreCtx: ProjectContext; all: ProjectContext[]; requirements: ReturnType<typeof requirementOnCore>[] } {
  const coreCtx: ProjectContext = { record: record(core.name, core.path, null), manifest: core.manifest, pattern: core.pattern, core: null };
  const requirements = verticals.map((v) => requirementOnCore(v, core));
  const all: ProjectContext[] = [coreCtx];
  verticals.forEach((v, i) => {
    const name = v.name === core.name ? `${v.name} (vertical)` : v.name;
    // Every vertical gets a requirement (an empty one when it sets none), so the verdict lists each, in this order.
    const requires = { [core.name]: requirements[i]!.requirement ?? {} };
    all.push({ record: record(name, v.root, core.name), manifest: { ...v.manifest, requires }, pattern: core.pattern, core: core.name });
  });
  return { coreCtx, all, requirements };
}

/**
 * The verdict of each release in `ascending` (oldest first) for every vertical. Each release is judged with its own
 * breaking changes only (`previousVersion` of the first is the release before it): a cell says whether that release
 * suits the vertical, not whether a jump across several does.
 */
export function judgeReleases(
  core: GateCore,
  verticals: readonly VerticalManifest[],
  columns: ReadonlyArray<{ release: Release; previousVersion: string | null; read: ReadResult }>,
): VerticalVerdict[][] {
  const { coreCtx, all, requirements } = gateContexts(core, verticals);
  return columns.map(({ release, previousVersion, read }) => {
    const verdict = releaseVerdicts(coreCtx, all, previousVersion, [release], new Map([[release.tag, read]]), { excluded: [] }).get(release.tag)!;
    const unread = 'unread' in read ? read.unread : null;
    return verticals.map((v, i) => {
      const d = verdict.report.dependents[i]!;
      const reasons = [d.reason];
      if (!verdict.verified) reasons.push(`the metadata of ${core.name} ${verdict.target.version} cannot be used: ${unread ?? 'not read'}`);
      const note = requirements[i]!.note;
      if (note) reasons.push(note);
      return { compatible: d.compatible && verdict.verified, reasons, requirement: requirements[i]!.requirement, warnings: [...v.manifest.warnings] };
    });
  });
}
