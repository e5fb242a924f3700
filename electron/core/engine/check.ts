import type { CandidateVerdict, Divergence, ProjectCheck, Risk } from '../../../shared/api/types.js';
import { evaluateDependents } from '../../../shared/compat/index.js';
import { assessRisk, classifyBump } from '../../../shared/policy/index.js';
import { compareVersions, toReleaseRef, type Release } from '../../../shared/version/index.js';
import { toApiError } from '../errors.js';
import type { Advertisement, ReleaseSource } from '../source/types.js';
import type { CheckMemo } from './check-memo.js';
import { projectCurrent, type CurrentState } from './current.js';
import type { StateStore } from '../state/index.js';
import { dependentsOf, type ProjectContext } from './projects.js';
import { discoverReleases, isOffline, judgeReleases, rememberReleases, saveFacts } from './releases.js';
import { isNoReleaseSource, NO_SOURCE_REASON } from '../source/no-source.js';
import { sourceProjectOf } from './source-project.js';
import { readForVerdict } from './verdict-read.js';
import { DivergenceReader } from './divergence.js';
import { currentSupport, eolOfReadings, releaseHolds, TagCommitRecord } from '../trust/index.js';
import type { TagMove } from '../../../shared/api/trust.js';
import { defaultTarget, explicitChoiceOf, releaseVerdicts, verdictReleases, type ReleaseVerdict } from './verdict.js';

export interface Discovery {
  current: CurrentState;
  /** Releases on the project's channel, newest first. */
  releases: Release[];
  /** Set when the releases are the last ones seen (remote unreachable, or offline): a note saying how old. */
  stale: { at: string; note: string; error?: unknown } | null;
  /** Release tags that point elsewhere than when first seen (trust on first use, electron/core/trust/tag-record.ts). */
  moves: TagMove[];
}

export async function discover(ctx: ProjectContext, source: ReleaseSource, store: StateStore, signal?: AbortSignal, advertised?: Promise<Advertisement | null> | null): Promise<Discovery> {
  const m = ctx.manifest;
  const [current, found] = await Promise.all([
    projectCurrent(store, ctx, signal),
    discoverReleases(ctx, sourceProjectOf(ctx), source, store, signal, advertised),
  ]);
  // After the current-version cache wrote the project's settings, so neither write loses the other.
  if (!found.stale) rememberReleases(store, ctx.record.name, m.channel, found.releases);
  // Trust on first use: every tag's commit is remembered when first seen; one seen elsewhere later is a move.
  const tags = new TagCommitRecord(store.database, () => store.now());
  const moves = found.stale ? tags.moved(ctx.record.name) : tags.observe(ctx.record.name, found.releases);
  return { current, releases: found.releases, stale: found.stale, moves };
}

/** Releases strictly newer than what runs now (all of them when the current version is unknown). */
export function newerThan(current: CurrentState, releases: readonly Release[]): Release[] {
  return current.parsed ? releases.filter((r) => compareVersions(r.version, current.parsed!) > 0) : [...releases];
}

/** One project's check: current and latest, whether it is an update, risk, gate, compatibility, the latest compatible. */
export async function checkProject(ctx: ProjectContext, all: readonly ProjectContext[], source: ReleaseSource, store: StateStore, signal?: AbortSignal, memo?: CheckMemo): Promise<ProjectCheck> {
  // Conditional discovery: the remote's advertisement first; unchanged with every other input, the last check stands.
  let advertised: Promise<Advertisement | null> | null = null;
  let memoKey: string | null = null;
  if (memo && source.advertise && !isOffline(ctx, store)) {
    advertised = source.advertise(sourceProjectOf(ctx), signal);
    const ad = await advertised.catch(() => null);
    if (ad) {
      memoKey = memo.inputKey(ctx, all);
      const again = memo.reuse(ctx, ad, memoKey);
      if (again) return again;
    }
  }
  const check = await computeCheck(ctx, all, source, store, signal, advertised);
  const ad = advertised ? await advertised.catch(() => null) : null;
  // The key as the check leaves things: reading release metadata may have fetched tags into the checkout.
  if (memo && ad) memo.remember(ctx, ad, memo.inputKey(ctx, all), check);
  return check;
}

async function computeCheck(ctx: ProjectContext, all: readonly ProjectContext[], source: ReleaseSource, store: StateStore, signal?: AbortSignal, advertised?: Promise<Advertisement | null> | null): Promise<ProjectCheck> {
  const base = { name: ctx.record.name, path: ctx.record.path, checkedAt: store.now() };
  let found: Discovery;
  try {
    found = await discover(ctx, source, store, signal, advertised);
  } catch (err) {
    if (isNoReleaseSource(err)) return noSourceCheck(ctx, store, base.checkedAt, signal);
    return failedCheck(base.name, base.path, base.checkedAt, err);
  }
  const { current } = found;
  const { parsed: _parsed, ...currentOut } = current;
  // The same verdict as the plan's: every release newer than current, read (cached by commit) and judged.
  const ascending = verdictReleases(current, found.releases);
  const readings = await readForVerdict(ctx, source, store, current, ascending, signal);
  const lts = new Map<string, boolean>();
  if (ctx.manifest.strategy?.type === 'lts') {
    for (const [tag, read] of readings) if ('reading' in read && read.reading.lts !== null) lts.set(tag, read.reading.lts);
    saveFacts(store, ctx.record.name, Object.fromEntries([...lts].map(([tag, flag]) => [tag, { lts: flag }])));
  }
  // The strategy decides which releases are offered at all: "latest" is the newest eligible one.
  const judged = await judgeReleases(ctx, store, found.releases, current.parsed, { lts });
  // Moved tags and support windows (electron/core/trust/holds.ts), the same input of the verdict as in the plan.
  const now = Date.parse(store.now());
  const released = found.releases.map((r) => r.version.normalized);
  const { held } = releaseHolds({ project: ctx.record.name, releases: ascending, released, moves: found.moves, support: ctx.manifest.support, eol: eolOfReadings(readings), now });
  const plain = releaseVerdicts(ctx, all, current.version, ascending, readings, judged, new Map(), held);
  // Which releases lack commits of HEAD (engine/divergence.ts), as an input of the same verdict: the latest, and the
  // ones the default target depends on. Counted once per HEAD and target, then remembered.
  const apart = new Map<string, Divergence>();
  const reader = new DivergenceReader(ctx, store, current, signal);
  const newestEligible = judged.eligible[0];
  if (newestEligible && plain.has(newestEligible.tag)) {
    const d = await reader.of(newestEligible, newestEligible.sha || null);
    if (d) apart.set(newestEligible.tag, d);
  }
  const notJudgedYet = new Set(judged.unjudged.map((u) => u.tag));
  await reader.ofDefault([...ascending].reverse(), plain, (r) => r.sha || null, apart, (r) => !notJudgedYet.has(r.tag));
  reader.save();
  const verdicts = apart.size > 0 ? releaseVerdicts(ctx, all, current.version, ascending, readings, judged, apart, held) : plain;
  const releases = judged.eligible;
  const latest = releases[0] ?? null;
  const newer = newerThan(current, releases);
  const notes: string[] = [...(found.stale ? [found.stale.note] : []), ...(source.lastWarnings?.(sourceProjectOf(ctx)) ?? []), ...judged.warnings];
  const newest = found.releases[0];
  if (newest && newest !== latest && newerThan(current, [newest]).length > 0) {
    const why = judged.excluded.find((e) => e.tag === newest.tag);
    if (why) notes.push(`${newest.version.normalized} not offered: ${why.reason}`);
  }
  if (judged.pinned && current.parsed && newer.length === 0 && judged.eligible.some((r) => newerThan(current, [r]).length === 0 && r.version.normalized !== current.version)) {
    notes.push(`pinned to ${judged.pinned}, below the current ${current.version}: Upshift never downgrades; use \`upshift rollback ${ctx.record.name}\``);
  }
  for (const u of judged.unjudged) if (newer.some((r) => r.tag === u.tag)) notes.push(u.reason);
  const updateAvailable = latest !== null && newer[0] === latest;
  const verdict = latest && updateAvailable ? (verdicts.get(latest.tag) ?? null) : null;
  // The newest release nothing blocks (whatever its gate), and the one the plan chooses by default: the newest the gates
  // allow without an explicit choice. One whose age or LTS flag is not judged yet is neither.
  const unjudged = new Set(judged.unjudged.map((u) => u.tag));
  const descending = [...ascending].reverse();
  const open = descending.find((r) => verdicts.get(r.tag)!.blockers.length === 0 && !unjudged.has(r.tag));
  const latestCompatible = updateAvailable && open ? toReleaseRef(open) : null;
  const byDefault = defaultTarget(descending, verdicts, (r) => !unjudged.has(r.tag));
  const offered = updateAvailable && byDefault.offered ? toReleaseRef(byDefault.offered) : null;
  const explicitChoice = updateAvailable && byDefault.explicitOnly ? explicitChoiceOf(byDefault.explicitOnly) : null;
  // Nothing newer: the running release against its dependents' version bounds (nothing is offered).
  const installed = latest && !updateAvailable ? evaluateDependents(ctx.record.name, { version: latest.version.normalized, contractsVersion: null, breaking: [] }, dependentsOf(ctx.record.name, all)) : null;
  const bump = latest ? classifyBump(current.version, latest.version.normalized) : null;
  // A latest release that is not a descendant of HEAD says so first (issue 8 §1).
  // The running version's end of life: the manifest's `support:` and the metadata of the release checked out.
  const support = await currentSupport(store, { path: ctx.record.path, kind: ctx.manifest.kind ?? 'git', policy: ctx.manifest.support }, current, released, now, signal);
  if (support && (support.eol || support.soon)) notes.unshift(`support: ${support.message}`);
  for (const mv of found.moves) if (verdict?.release.tag !== mv.tag) notes.unshift(mv.message);
  const blockers = [...(verdict?.divergence ? [verdict.divergence.message] : []), ...(verdict ? verdict.blockers : installed ? installed.dependents.filter((d) => !d.compatible).map((d) => d.reason) : []), ...notes];
  const risk =
    verdict && bump
      ? assessRisk({
          bump,
          crosses: verdict.crosses,
          breaking: verdict.target.breaking.map((b) => b.text),
          incompatibleDependents: verdict.report.dependents.filter((d) => !d.compatible).map((d) => d.project),
          hasSmokeTests: ctx.manifest.smoke !== null,
          diverged: verdict.divergence && latest ? { count: verdict.divergence.count, localOnly: verdict.divergence.localOnly, target: latest.tag } : null,
        })
      : null;
  return {
    ...base,
    current: currentOut,
    latest: latest ? toReleaseRef(latest) : null,
    latestCompatible,
    updateAvailable,
    bump,
    gate: verdict ? verdict.gate : null,
    risk,
    compatible: verdict ? verdict.compatible : installed ? installed.compatible : null,
    blockers,
    divergence: verdict?.divergence ?? null,
    offered,
    explicitChoice,
    candidates: [...ascending].reverse().map((r) => {
      const v = verdicts.get(r.tag)!;
      const b = v.blockers;
      // A release trust or a support window holds back (trust/holds.ts) is not offered either: never scheduled nor queued.
      const excluded = judged.excluded.find((e) => e.tag === r.tag)?.reason ?? judged.unjudged.find((u) => u.tag === r.tag)?.reason ?? held.get(r.tag)?.join('; ') ?? null;
      return { ...toReleaseRef(r), blocked: b.length > 0, reason: b.length > 0 ? b.join('; ') : null, reasons: b, risk: releaseRisk(v, ctx.manifest.smoke !== null), verdict: candidateVerdict(v, excluded) };
    }),
    // An unreachable remote is still a failed check (reported, backed off), with the last releases seen filled in.
    error: found.stale?.error !== undefined ? toApiError(found.stale.error) : null,
    ...(found.moves.length > 0 ? { tagMoves: found.moves } : {}),
    ...(ctx.manifest.support || support ? { support } : {}),
  };
}

/** The risk of upgrading to one release, as the plan rates it: the Updates row shows the risk of what you would get. */
function releaseRisk(v: ReleaseVerdict, hasSmokeTests: boolean): Risk {
  return assessRisk({
    bump: v.bump,
    crosses: v.crosses,
    breaking: v.target.breaking.map((b) => b.text),
    incompatibleDependents: v.report.dependents.filter((d) => !d.compatible).map((d) => d.project),
    hasSmokeTests,
    diverged: v.divergence ? { count: v.divergence.count, localOnly: v.divergence.localOnly, target: v.release.tag } : null,
  });
}

/** What the scheduler decides on (shared/policy schedule's CandidateRelease), from the one verdict per release. */
function candidateVerdict(v: ReleaseVerdict, notOffered: string | null): CandidateVerdict {
  const refusedBy = v.report.dependents.filter((d) => !d.compatible).map((d) => ({ project: d.project, reason: d.reason }));
  const breaking = v.target.breaking.map((b) => b.text);
  const gateKey = v.bump === 'patch' || v.bump === 'minor' || v.bump === 'major' || v.bump === 'prerelease' ? v.bump : null;
  return {
    bump: v.bump,
    crosses: v.crosses,
    gate: v.gate,
    gateKey,
    compatible: v.compatible,
    refusedBy,
    unverifiedReason: v.verified ? null : (v.blockers.find((b) => b.includes('not read')) ?? 'its metadata was not read'),
    breaking,
    // Breaking changes are allowed when dependents were asked and every one accepts them (their allowlists).
    breakingAllowed: breaking.length === 0 || (v.report.dependents.length > 0 && v.compatible === true),
    notOffered,
    diverged: v.divergence !== null,
    security: v.security,
  };
}

/**
 * The check of a local-only project (no git remote, no other source): its current version and `noSource`, no error —
 * a normal state, which the tray, notifications and the dashboard do not report as a failure.
 */
async function noSourceCheck(ctx: ProjectContext, store: StateStore, checkedAt: string, signal?: AbortSignal): Promise<ProjectCheck> {
  const check = failedCheck(ctx.record.name, ctx.record.path, checkedAt, null);
  try {
    const { parsed: _parsed, ...current } = await projectCurrent(store, ctx, signal);
    check.current = current;
  } catch {
    // The version stays unknown; having no release source is still what the check says.
  }
  return { ...check, error: null, noSource: { reason: NO_SOURCE_REASON } };
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
