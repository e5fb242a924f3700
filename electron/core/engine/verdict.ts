/**
 * The one compatibility verdict per release, used by `check`, `plan`, `status`, the service (tray, dashboard)
 * and everything built on them. Given the releases newer than the current one (oldest first) and what each
 * release says about itself (contracts version, breaking changes), it adds up the breaking changes crossed on the
 * way to each release, asks every dependent, and applies the strategy and the gates. A release whose own metadata,
 * or that of a release crossed on the way to it, could not be read is never called compatible: it carries a
 * blocker saying what was not read and why (issue 15, point 2: `check` used to judge version bounds alone).
 */
import type { CompatibilityReport } from '../../../shared/api/types.js';
import { evaluateDependents, type TargetRelease } from '../../../shared/compat/index.js';
import { classifyBump, gateFor, type StrategyResult } from '../../../shared/policy/index.js';
import { compareVersions, type Release } from '../../../shared/version/index.js';
import type { ReleaseInfo } from '../release/index.js';
import type { BreakingChange } from '../release/types.js';
import type { CurrentState } from './current.js';
import { dependentsOf, type ProjectContext } from './projects.js';

/** At most this many releases newer than the current one are read and judged (the newest ones). */
export const MAX_RELEASES_READ = 30;

/** What the verdict needs from one release: its metadata's contracts version, its breaking changes, its LTS flag. */
export interface ReleaseReading {
  contractsVersion: string | null;
  breaking: BreakingChange[];
  lts: boolean | null;
}

/** A release read, or why it was not (offline and not local, a fetch that failed). */
export type ReadResult = { reading: ReleaseReading } | { unread: string };

export interface ReleaseVerdict {
  release: Release;
  /** The release with every breaking change from the current version up to it. */
  target: TargetRelease;
  report: CompatibilityReport;
  /** Why this release cannot be chosen now (dependents, strategy, a `skip` gate, metadata not read); empty when nothing. */
  blockers: string[];
  /** False when the metadata of this release, or of one crossed on the way to it, was not read. */
  verified: boolean;
  /** Every dependent accepts it (true), one does not (false), or not known because metadata was not read (null). */
  compatible: boolean | null;
}

/** The releases a verdict is given for: newer than current, the newest {@link MAX_RELEASES_READ}, oldest first. */
export function verdictReleases(current: CurrentState, releases: readonly Release[]): Release[] {
  const newer = current.parsed ? releases.filter((r) => compareVersions(r.version, current.parsed!) > 0) : [...releases];
  return newer.slice(0, MAX_RELEASES_READ).reverse();
}

/** The part of a release's info the verdict uses (after the source's notes were applied). */
export function readingOf(info: Pick<ReleaseInfo, 'contractsVersion' | 'breaking' | 'metadata'>): ReleaseReading {
  return { contractsVersion: info.contractsVersion, breaking: info.breaking, lts: typeof info.metadata?.lts === 'boolean' ? info.metadata.lts : null };
}

/**
 * A release's info as the verdict reads it. Metadata that is there but invalid (issue 15 §5) is not "no breaking
 * changes": the release is unread, with the file, field and what was expected as the reason, so it is blocked.
 */
export function metadataReading(info: Pick<ReleaseInfo, 'contractsVersion' | 'breaking' | 'metadata' | 'invalid'>): ReadResult {
  return info.invalid ? { unread: info.invalid.reason } : { reading: readingOf(info) };
}

/**
 * The verdict of every release in `ascending` (oldest first, as from {@link verdictReleases}), by tag.
 * `strategy` is the strategy's judgement of these releases (excluded ones are blocked with its reason).
 */
export function releaseVerdicts(
  ctx: ProjectContext,
  all: readonly ProjectContext[],
  currentVersion: string | null,
  ascending: readonly Release[],
  readings: ReadonlyMap<string, ReadResult>,
  strategy: Pick<StrategyResult, 'excluded'>,
): Map<string, ReleaseVerdict> {
  const dependents = dependentsOf(ctx.record.name, all);
  const out = new Map<string, ReleaseVerdict>();
  const breakingSoFar: BreakingChange[] = [];
  // The first release crossed whose metadata was not read: everything after it is unverified too.
  let gap: { version: string; reason: string } | null = null;
  for (const r of ascending) {
    const version = r.version.normalized;
    const read = readings.get(r.tag) ?? { unread: 'not read' };
    const own = 'reading' in read ? read.reading : null;
    if (own) breakingSoFar.push(...own.breaking);
    const target: TargetRelease = { version, contractsVersion: own?.contractsVersion ?? null, breaking: [...breakingSoFar] };
    const report = evaluateDependents(ctx.record.name, target, dependents);
    const blockers = report.dependents.filter((d) => !d.compatible).map((d) => d.reason);
    if (!own) blockers.push(`contracts and breaking changes of ${version} not read yet (${'unread' in read ? read.unread : 'not read'})`);
    else if (gap) blockers.push(`breaking changes of ${gap.version}, crossed on the way to ${version}, not read yet (${gap.reason})`);
    const verified = own !== null && gap === null;
    if (!own && !gap) gap = { version, reason: 'unread' in read ? read.unread : 'not read' };
    const excluded = strategy.excluded.find((e) => e.tag === r.tag);
    if (excluded) blockers.push(`strategy: ${excluded.reason}`);
    const bump = classifyBump(currentVersion, version);
    if (gateFor(bump, ctx.manifest.gates) === 'skip') blockers.push(`policy: ${bump} upgrades of ${ctx.record.name} are set to "skip"`);
    // Version bounds that fail are final; a pass is only known once contracts and breaking changes are read.
    const compatible = !report.compatible ? false : verified ? true : null;
    out.set(r.tag, { release: r, target, report, blockers, verified, compatible });
  }
  return out;
}
