/**
 * `upshift ci`: the release gate. One candidate of a core against every vertical; blocked when any vertical is not
 * compatible (the seed's gate, which judged one vertical at a time and never read the breaking-change allowlist).
 */
import type { Release } from '../../../shared/version/index.js';
import { previousRelease, readCandidate, resolveCandidate } from './candidate.js';
import { localReleases, type GateCore } from './core-project.js';
import { judgeReleases } from './judge.js';
import type { CiReport, VerticalResult } from './types.js';
import type { VerticalManifest } from './verticals.js';

export interface CiOptions {
  /** The candidate's version (or its tag). */
  version: string;
  /** Where its tree is: a tag, a commit, or `worktree`; null: the release tag of `version`. */
  at: string | null;
}

/** Judges the candidate against every vertical. Verticals must already be loaded (a broken manifest is an error, not a verdict). */
export async function runCiGate(core: GateCore, verticals: readonly VerticalManifest[], opts: CiOptions): Promise<CiReport> {
  const releases = await localReleases(core, true);
  const candidate = await resolveCandidate(core, releases, opts.version, opts.at);
  const stable = candidate.version.prerelease.length > 0 ? releases : releases.filter((r) => !r.prerelease);
  const previous = previousRelease(stable, candidate.version);
  const { read, info } = await readCandidate(core, candidate, previous);
  const release: Release = { tag: candidate.tag ?? candidate.label, sha: candidate.sha ?? '', version: candidate.version, prerelease: candidate.version.prerelease.length > 0 };
  const [verdicts] = judgeReleases(core, verticals, [{ release, previousVersion: previous?.version.normalized ?? null, read }]);
  const results: VerticalResult[] = verticals.map((v, i) => ({
    name: v.name,
    manifest: v.manifestPath,
    format: v.format,
    ...verdicts![i]!,
  }));
  const failing = results.filter((r) => !r.compatible).map((r) => r.name);
  const what = `${core.name} ${info.version} (${info.label})`;
  const reason =
    results.length === 0
      ? `No verticals to judge ${what} against.`
      : failing.length === 0
        ? `All ${results.length} vertical${results.length === 1 ? ' is' : 's are'} compatible with ${what}.`
        : `${failing.length} of ${results.length} vertical${results.length === 1 ? '' : 's'} ${failing.length === 1 ? 'is' : 'are'} not compatible with ${what}: ${failing.join(', ')}.`;
  return {
    blocked: failing.length > 0,
    reason,
    failing_verticals: failing,
    total_verticals: results.length,
    core: { name: core.name, path: core.path },
    candidate: info,
    results,
  };
}
