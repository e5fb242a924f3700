/**
 * The one compatibility verdict per release, used by `check`, `plan`, `status`, the service (tray, dashboard)
 * and everything built on them. Given the releases newer than the current one (oldest first) and what each
 * release says about itself (contracts version, breaking changes), it adds up the breaking changes crossed on the
 * way to each release, asks every dependent, and applies the strategy and the gates. A release whose own metadata,
 * or that of a release crossed on the way to it, could not be read is never called compatible: it carries a
 * blocker saying what was not read and why (issue 15, point 2: `check` used to judge version bounds alone).
 */
import type { ReleaseEol } from '../../../shared/policy/support.js';
import type { BumpType, CompatibilityReport, Divergence, ExplicitChoice, GateAction } from '../../../shared/api/types.js';
import { evaluateDependents, type TargetRelease } from '../../../shared/compat/index.js';
import { bumpInWords, classifyBump, crossedBump, gateRule, stricterGate, type GatedBump, type NumericBump, type StrategyResult } from '../../../shared/policy/index.js';
import { mergeSecurity, securityFromMetadata, securityFromText, type SecurityFinding } from '../../../shared/policy/security.js';
import { compareVersions, type Release } from '../../../shared/version/index.js';
import type { ReleaseInfo } from '../release/index.js';
import type { BreakingChange } from '../release/types.js';
import type { CurrentState } from './current.js';
import { dependentsOf, type ProjectContext } from './projects.js';

/** At most this many releases newer than the current one are read and judged (the newest ones). */
export const MAX_RELEASES_READ = 30;

/**
 * What the verdict needs from one release: its metadata's contracts version, its breaking changes, its LTS flag, and
 * its end of life (`eol_date`/`replacement`, issue 10 §4), so check, plan and the dashboard hold back the same EOL
 * releases (electron/core/trust/holds.ts).
 */
export interface ReleaseReading {
  contractsVersion: string | null;
  breaking: BreakingChange[];
  lts: boolean | null;
  /** A security release, and why (issue 9 §1); null when nothing it says marks one. */
  security: SecurityFinding | null;
  /** `eol_date`/`replacement` in its metadata (support windows), null when it says neither. */
  eol: ReleaseEol | null;
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
  bump: BumpType;
  /** The numeric bump a prerelease crosses (see crossedBump): its gate and risk are at least that bump's. */
  crosses: NumericBump | null;
  /** The gate that applies (a prerelease: the stricter of the prerelease gate and the crossed bump's). */
  gate: GateAction;
  /**
   * Set when the gate is `manual`: the release is never the default target and `--yes` alone never installs it; the
   * sentence says how to choose it ("2.0.0 is a major upgrade, gated manual: run `upshift upgrade core --to 2.0.0`").
   */
  explicitOnly: string | null;
  /**
   * HEAD has commits this release lacks (it is not a descendant of the checkout): the gate is then at least `manual`
   * and the risk high. Null when it contains HEAD, or when that was not asked (see engine/divergence.ts).
   */
  divergence: Divergence | null;
  /** A security release (from its metadata, notes or conventional commits) and why; null when not, or not read. */
  security: SecurityFinding | null;
}

/** The releases a verdict is given for: newer than current, the newest {@link MAX_RELEASES_READ}, oldest first. */
export function verdictReleases(current: CurrentState, releases: readonly Release[]): Release[] {
  const newer = current.parsed ? releases.filter((r) => compareVersions(r.version, current.parsed!) > 0) : [...releases];
  return newer.slice(0, MAX_RELEASES_READ).reverse();
}

/** The part of a release's info the verdict uses (after the source's notes were applied). */
export function readingOf(info: Pick<ReleaseInfo, 'contractsVersion' | 'breaking' | 'metadata' | 'security' | 'note'>): ReleaseReading {
  const m = info.metadata;
  const eol = m?.eolDate || m?.replacement ? { eolDate: m.eolDate ?? null, replacement: m.replacement ?? null } : null;
  return { contractsVersion: info.contractsVersion, breaking: info.breaking, lts: typeof m?.lts === 'boolean' ? m.lts : null, security: securityOfInfo(info), eol };
}

/**
 * The security class of a release as read from its tree (`info.security`), with what its source adds on top (a GitHub
 * release's body and metadata asset, applied by applySourceNotes into `note` and `metadata`). Metadata that says
 * `security: false` is the release's own word and wins.
 */
function securityOfInfo(info: Pick<ReleaseInfo, 'metadata' | 'security' | 'note'>): SecurityFinding | null {
  const m = info.metadata;
  if (m?.security === false && !m.securityCritical) return null;
  const fromMeta = m ? securityFromMetadata({ security: m.security ?? null, securityCritical: m.securityCritical ?? null, ids: m.advisories ?? null, file: m.file ?? null }) : null;
  return mergeSecurity(info.security ?? null, fromMeta, securityFromText(info.note?.body ?? '', 'the release notes'));
}

/**
 * A release's info as the verdict reads it. Metadata that is there but invalid (issue 15 §5) is not "no breaking
 * changes": the release is unread, with the file, field and what was expected as the reason, so it is blocked.
 */
export function metadataReading(info: Pick<ReleaseInfo, 'contractsVersion' | 'breaking' | 'metadata' | 'invalid' | 'security' | 'note'>): ReadResult {
  return info.invalid ? { unread: info.invalid.reason } : { reading: readingOf(info) };
}

/**
 * The verdict of every release in `ascending` (oldest first, as from {@link verdictReleases}), by tag.
 * `strategy` is the strategy's judgement of these releases (excluded ones are blocked with its reason). `apart` holds,
 * by tag, the releases that are not descendants of HEAD (engine/divergence.ts): never `auto`, whatever the bump.
 * `held` holds, by tag, the reasons release trust and support refuse a release (electron/core/trust/holds.ts: a tag that
 * moved since first seen, a signature that is missing or not allowed, an end of life not asked for): blockers like the
 * strategy's, so check, plan and the dashboard agree.
 */
export function releaseVerdicts(
  ctx: ProjectContext,
  all: readonly ProjectContext[],
  currentVersion: string | null,
  ascending: readonly Release[],
  readings: ReadonlyMap<string, ReadResult>,
  strategy: Pick<StrategyResult, 'excluded'>,
  apart: ReadonlyMap<string, Divergence> = new Map(),
  held: ReadonlyMap<string, readonly string[]> = new Map(),
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
    blockers.push(...(held.get(r.tag) ?? []));
    const bump = classifyBump(currentVersion, version);
    const crosses = crossedBump(currentVersion, version);
    const gate = gateRule(bump, ctx.manifest.gates, crosses);
    if (gate.action === 'skip' && gate.key) blockers.push(skipBlocker(ctx, version, bump, crosses, gate.key));
    // A release that lacks commits of HEAD takes them out of the working tree: a person decides, whatever the bump.
    const divergence = apart.get(r.tag) ?? null;
    const action = divergence ? stricterGate(gate.action, 'manual') : gate.action;
    const how = `run \`upshift upgrade ${ctx.record.name} --to ${version}\``;
    const explicitOnly =
      action !== 'manual'
        ? null
        : divergence && gate.action !== 'manual'
          ? `${version} is not a descendant of the checkout (${divergence.message}), so it is gated manual: ${how}`
          : `${version} is ${bumpInWords(bump, crosses)}, gated manual: ${how}`;
    // Version bounds that fail are final; a pass is only known once contracts and breaking changes are read.
    const compatible = !report.compatible ? false : verified ? true : null;
    out.set(r.tag, { release: r, target, report, blockers, verified, compatible, bump, crosses, gate: action, explicitOnly, divergence, security: own?.security ?? null });
  }
  return out;
}

/** Why a `skip` gate refuses a release, and how to change that gate where it is set (issue 8 §4). */
function skipBlocker(ctx: ProjectContext, version: string, bump: BumpType, crosses: NumericBump | null, key: GatedBump): string {
  const name = ctx.record.name;
  const origin = ctx.manifest.origins?.find((o) => o.key === `gates.${key}`);
  const how =
    origin?.source === 'override'
      ? `change gates.${key} in the dashboard's settings for ${name}`
      : `run \`upshift config ${name} gates.${key} manual\`${origin?.source === 'manifest' && origin.file ? ` (or edit ${origin.file})` : ''}`;
  return `policy: ${version} is ${bumpInWords(bump, crosses)}, and gates.${key} of ${name} is "skip", so it is never offered nor installed; to allow it, ${how}`;
}

/**
 * The release an upgrade without a target installs, as plan and check choose it: the newest that nothing blocks and
 * whose gate does not ask for an explicit choice; and the newest release past it that would need one (a `manual`
 * gate), to name it. `descending` is newest first; `usable` says whether a release may be offered at all (check also
 * leaves out releases whose age or LTS flag is not judged yet).
 */
export function defaultTarget(
  descending: readonly Release[],
  verdicts: ReadonlyMap<string, ReleaseVerdict>,
  usable: (r: Release) => boolean = () => true,
): { offered: Release | null; explicitOnly: ReleaseVerdict | null } {
  const open = descending.filter((r) => verdicts.get(r.tag)!.blockers.length === 0 && usable(r));
  const offered = open.find((r) => verdicts.get(r.tag)!.explicitOnly === null) ?? null;
  const first = open[0];
  const explicitOnly = first && first !== offered ? verdicts.get(first.tag)! : null;
  return { offered, explicitOnly };
}

/** A verdict's `explicitOnly` as the plan and the check carry it. */
export function explicitChoiceOf(v: ReleaseVerdict): ExplicitChoice {
  return { version: v.release.version.normalized, tag: v.release.tag, bump: v.bump, gate: v.gate, message: v.explicitOnly ?? '' };
}
