import { basename } from 'node:path';
import type { Divergence, PlanStep, ReleaseNote, UpgradePlan } from '../../../shared/api/types.js';
import { artifactSteps, commandSteps, estimateSeconds, upgradeSteps } from '../../../shared/plan/index.js';
import type { ArtifactJob } from '../executor/artifact-driver.js';
import type { CommandJob } from '../executor/command-driver.js';
import { isTarName, versionDirName } from '../kinds/artifact-layout.js';
import { bundleFor, folderReleaseDir, verifyFolderRelease } from '../source/folder.js';
import { locateArtifact } from './artifact-plan.js';
import { assessRisk, classifyBump } from '../../../shared/policy/index.js';
import { compareVersions, parseVersion, toReleaseRef, type Release } from '../../../shared/version/index.js';
import { blockedError, UpshiftError, usageError } from '../errors.js';
import { predictWorkApply, readTagRef, resolveCommit } from '../git/index.js';
import { PlanFacts, type RangeFacts } from './plan-facts.js';
import { rekeyCurrentAfterFetch } from './current.js';
import { describeCheck } from '../health/index.js';
import { loadReleaseInfo, type ReleaseInfo } from '../release/index.js';
import type { ReleaseSource } from '../source/types.js';
import type { StateStore } from '../state/index.js';
import { applySourceNotes } from '../source/github/notes.js';
import { discover, newerThan } from './check.js';
import type { ProjectContext } from './projects.js';
import { isOffline, judgeReleases, saveFacts, type ReleaseFacts } from './releases.js';
import { pinBelowCurrent } from '../../../shared/policy/index.js';
import { sourceProjectOf } from './source-project.js';
import { rememberTreeReading } from './verdict-read.js';
import { hopsTo } from './plan-hops.js';
import { planCheckout, type CheckoutMode } from './checkout-plan.js';
import { DivergenceReader } from './divergence.js';
import { currentSupport as currentSupportOf, eolOfReadings, releaseHolds, verifyTag } from '../trust/index.js';
import type { TagVerification } from '../../../shared/api/trust.js';
import { mapLimit } from '../util/map-limit.js';
import { defaultTarget, explicitChoiceOf, MAX_RELEASES_READ, metadataReading, releaseVerdicts, type ReadResult } from './verdict.js';

export interface PlanOptions {
  to?: string;
  stash?: boolean;
  /** Keep the new version when the stashed work will not apply on it (the work stays in the stash). */
  keepOnConflict?: boolean;
  /**
   * Foretell what becomes of uncommitted work (default true). `upgrade --yes` without --stash turns it off: nobody
   * reads that plan before it runs, and the preflight refuses a dirty tree anyway, listing every file.
   */
  predictWork?: boolean;
  /**
   * Read the diffstat from the checkout to the target (default true). Off when nobody reads the plan before it runs
   * (`upgrade --yes`, the scheduler): the operation does not record it, and the next plan shown reads it.
   */
  diffstat?: boolean;
  /** What the checkout does to branches, over the manifest's `checkout` (default detach). */
  checkout?: CheckoutMode;
  signal?: AbortSignal;
}

/** The plan plus what the executor needs that the JSON does not show. */
export interface PlanResult {
  plan: UpgradePlan;
  target: Release | null;
  /** Git: where the tag is fetched from (the remote, or the release's bundle in an offline release folder). */
  remote: string;
  /** Git: the object the target's tag ref points to, as fetched (the executor skips its fetch when it is still so). */
  tagObject?: string;
  /** Git with a release folder: verifies the bundle again right before a fetch. */
  beforeFetch?: () => Promise<void>;
  artifact?: ArtifactJob;
  command?: CommandJob;
}

function findRelease(releases: readonly Release[], wanted: string): Release | undefined {
  const v = parseVersion(wanted);
  return releases.find((r) => r.tag === wanted || (v !== null && compareVersions(r.version, v) === 0));
}

/**
 * Everything an upgrade of one project would do, computed without changing the checkout (only the tags read
 * are fetched). The default target is the newest release on the channel that no dependent blocks, no gate
 * skips and no `manual` gate reserves for an explicit choice (that one is named in `explicitChoice`); each candidate is listed with why it is or is not eligible.
 */
export async function buildPlan(ctx: ProjectContext, all: readonly ProjectContext[], source: ReleaseSource, store: StateStore, opts: PlanOptions = {}): Promise<PlanResult> {
  const m = ctx.manifest;
  const path = ctx.record.path;
  const { current, releases, moves } = await discover(ctx, source, store, opts.signal);
  let pool = releases;
  if (opts.to && !findRelease(releases, opts.to) && m.channel === 'stable') {
    // An explicit --to may name a prerelease; the channel only decides what is offered by default.
    pool = (await discover({ ...ctx, manifest: { ...m, channel: 'prerelease' } }, source, store, opts.signal)).releases;
  }
  const offline = isOffline(ctx, store);
  const kind = m.kind ?? 'git';
  const isFolder = m.source.type === 'folder';
  // A release folder is local: its bundle is the remote, verified against its SHA256SUMS before git reads it.
  const verified = new Map<string, string>();
  const remoteFor = async (r: Release): Promise<string> => {
    if (!isFolder) return m.source.remote;
    const known = verified.get(r.tag);
    if (known) return known;
    const dir = await folderReleaseDir(m.source.path!, r);
    const bundle = await bundleFor(dir);
    if (!bundle) throw usageError('NO_BUNDLE', `${dir} holds no .bundle file, and ${ctx.record.name} is a git checkout: a release folder for a git project needs one git bundle per release. Nothing was changed.`);
    await verifyFolderRelease(dir, { payload: basename(bundle), ...(opts.signal ? { signal: opts.signal } : {}) });
    verified.set(r.tag, bundle);
    return bundle;
  };
  const pre = await judgeReleases(ctx, store, pool, current.parsed);
  if (pre.pinned && pinBelowCurrent(pre.pinned, current.parsed) && !opts.to) {
    throw blockedError(
      'DOWNGRADE',
      `${ctx.record.name} is pinned to ${pre.pinned}${pre.pinSource && pre.pinSource !== 'manifest' ? ` (${pre.pinSource})` : ''}, below the current ${current.version}; Upshift never offers a downgrade as an upgrade. Use \`upshift rollback ${ctx.record.name}\` to return to a state before an upgrade.`,
    );
  }
  if (pre.pinned && !opts.to && current.parsed && current.version === pre.pinned) {
    throw new UpshiftError('NOTHING_TO_DO', `${ctx.record.name} is on ${current.version}, the version it is pinned to.`, { category: 'nothing-to-do' });
  }
  let candidates = newerThan(current, pool).slice(0, MAX_RELEASES_READ);
  // Offline, only releases whose tags are already local can be read; the others are listed as blocked.
  const notLocal: Release[] = [];
  if (offline && kind === 'git' && !isFolder) {
    const local = await Promise.all(candidates.map((r) => resolveCommit(path, `refs/tags/${r.tag}`).catch(() => null)));
    candidates.forEach((r, i) => {
      if (local[i] !== r.sha) notLocal.push(r);
    });
    candidates = candidates.filter((r) => !notLocal.includes(r));
    const asked = opts.to ? findRelease(notLocal, opts.to) : undefined;
    if (asked) throw new UpshiftError('OFFLINE', `Offline: tag ${asked.tag} is not in the local repository, and fetching it needs the network. Nothing was changed.`);
    if (candidates.length === 0 && notLocal.length > 0) {
      throw new UpshiftError('OFFLINE', `Offline: none of the newer releases of ${ctx.record.name} (${notLocal.map((r) => r.version.normalized).join(', ')}) are in the local repository, and fetching them needs the network. Nothing was changed.`);
    }
  }
  if (opts.to) {
    const wanted = findRelease(pool, opts.to);
    if (!wanted) throw usageError('RELEASE_NOT_FOUND', `No release ${opts.to} on ${m.source.remote} (tag pattern ${m.source.tagPattern}). Run \`upshift check ${ctx.record.name}\` to see what exists. Nothing was changed.`);
    if (!candidates.includes(wanted)) {
      const cmp = current.parsed ? compareVersions(wanted.version, current.parsed) : 1;
      if (cmp === 0) throw new UpshiftError('NOTHING_TO_DO', `${ctx.record.name} already runs ${current.version}.`, { category: 'nothing-to-do' });
      if (cmp < 0) throw blockedError('DOWNGRADE', `${wanted.version.normalized} is older than the current ${current.version}; Upshift never offers a downgrade as an upgrade. Use \`upshift rollback ${ctx.record.name}\` to return to a state before an upgrade.`);
    }
  }
  if (candidates.length === 0) {
    throw new UpshiftError('NOTHING_TO_DO', `${ctx.record.name} is on ${current.version ?? 'an unknown version'}, and no newer release is on its ${m.channel} channel.`, { category: 'nothing-to-do' });
  }

  // Oldest first, so the breaking changes of every release crossed add up on the way to each candidate.
  const ascending = [...candidates].reverse();
  const infos = new Map<string, ReleaseInfo>();
  const shas: string[] = [];
  const likely = opts.to ? findRelease(candidates, opts.to)! : candidates[0]!;
  const noRange: Promise<RangeFacts> = Promise.resolve({ commits: { count: 0, items: [] }, diffstat: null, ancestor: null });
  let rangeOf: (sha: string) => Promise<RangeFacts> = () => noRange;
  let likelyRange: ReturnType<typeof rangeOf> = noRange;
  let loaded: ReleaseInfo[];
  // Facts about release commits, read once and kept by object id (engine/plan-facts.ts).
  const facts = new PlanFacts(store, path, opts.signal);
  let tagObjects: string[] = [];
  if (kind === 'git') {
    for (const r of ascending) {
      if (offline && !isFolder) {
        shas.push(r.sha);
        tagObjects.push('');
      } else {
        const fetched = await facts.fetchTag(await remoteFor(r), r);
        shas.push(fetched.sha);
        tagObjects.push(fetched.objectSha);
      }
    }
    if (!(offline && !isFolder)) rekeyCurrentAfterFetch(store, ctx.record.name, m.source.tagPattern, m.declaredVersion, shas);
    // Offline, the tag object is read from the ref files where they say it (else the notes are read, not cached).
    if (offline && !isFolder) tagObjects = ascending.map((r) => readTagRef(path, r.tag)?.objectSha ?? '');
    // Everything below only reads the local repository: run it side by side. The range of the likely target
    // (the one asked for, else the newest) is read meanwhile; another choice reads its own afterwards.
    const likelySha = shas[ascending.indexOf(likely)]!;
    rangeOf = (sha: string) => (current.sha ? facts.range(current.sha, sha, { diffstat: opts.diffstat !== false }) : noRange);
    likelyRange = rangeOf(likelySha);
    loaded = await Promise.all(
      ascending.map((r, i) => {
        const input = { tag: r.tag, sha: shas[i]!, version: r.version.normalized, previousSha: i === 0 ? current.sha : shas[i - 1]! };
        return tagObjects[i] ? facts.releaseInfo({ ...input, objectSha: tagObjects[i]! }) : loadReleaseInfo(path, input);
      }),
    );
    // What the tree says is what `check` needs for its verdict: remembered by commit, so check reads nothing again.
    loaded.forEach((info, i) => rememberTreeReading(store, info, i === 0 ? current.sha : shas[i - 1]!));
  } else {
    // Not a checkout: what is known of a release is what its source says (GitHub release, release folder metadata).
    loaded = ascending.map((r) => sourceOnlyInfo(r));
  }
  // A source that holds notes of its own (GitHub: the release body, a release_metadata.json asset) is preferred.
  const described = source.describeRelease ? await Promise.all(ascending.map((r) => source.describeRelease!(sourceProjectOf(ctx), r, opts.signal))) : [];
  ascending.forEach((r, i) => infos.set(r.tag, applySourceNotes(loaded[i]!, described[i] ?? null)));
  // With the tags fetched, their dates and LTS flags are known: judge the strategy again, and remember them.
  const lts = new Map<string, boolean>();
  if (m.strategy?.type === 'lts') for (const r of ascending) lts.set(r.tag, infos.get(r.tag)!.metadata?.lts === true);
  const judged = await judgeReleases(ctx, store, candidates, current.parsed, { lts });
  const learnt: Record<string, ReleaseFacts> = {};
  for (const [tag, flag] of lts) learnt[tag] = { lts: flag };
  saveFacts(store, ctx.record.name, learnt);
  // The one verdict (engine/verdict.ts), as `check` gives it. Releases that could not be read (offline, not local)
  // are judged too: they are never compatible, and they interrupt the breaking changes added up past them.
  const listed = [...candidates, ...notLocal].sort((a, b) => compareVersions(b.version, a.version));
  const readings = new Map<string, ReadResult>();
  // Invalid release metadata (issue 15 §5) is not "no breaking changes": the release is unread, so it is blocked.
  for (const r of ascending) readings.set(r.tag, metadataReading(infos.get(r.tag)!));
  for (const r of notLocal) readings.set(r.tag, { unread: `offline: tag ${r.tag} is not in the local repository` });
  // Release trust and support (electron/core/trust/holds.ts): with `verify:`, who signed each fetched tag, checked by
  // git before anything changes; tags that moved since first seen; releases past their end of life unless asked for.
  const verifications = new Map<string, TagVerification>();
  if (kind === 'git' && m.verify) {
    const checked = await mapLimit(ascending, 4, (r) => verifyTag(path, r.tag, m.verify!, opts.signal));
    checked.forEach((v) => verifications.set(v.tag, v));
  }
  // End-of-life dates as the verdict reads them (the same readings `check` uses).
  const eolOf = eolOfReadings(readings);
  const now = Date.parse(store.now());
  const released = releases.map((r) => r.version.normalized);
  const asked = opts.to ? (findRelease(candidates, opts.to)?.tag ?? null) : null;
  const holds = releaseHolds({ project: ctx.record.name, releases: listed, released, moves, verifications, support: m.support, eol: eolOf, now, asked });
  const held = holds.held;
  const plain = releaseVerdicts(ctx, all, current.version, [...listed].reverse(), readings, judged, new Map(), held);
  // Releases that lack commits of HEAD (engine/divergence.ts), an input of the verdict as in `check`: the newest, the
  // one asked for, and those the default target depends on.
  const apart = new Map<string, Divergence>();
  if (kind === 'git' && current.sha) {
    const reader = new DivergenceReader(ctx, store, current, opts.signal);
    // The likely target's range says for free whether it contains every commit of HEAD (the common case).
    const likelySha = infos.get(likely.tag)?.sha;
    if (likelySha && (await likelyRange).ancestor === true) reader.assume(likelySha, { count: 0, localOnly: 0 });
    const shaOf = (r: Release) => infos.get(r.tag)?.sha || null;
    for (const r of new Set([candidates[0]!, ...(opts.to ? [findRelease(candidates, opts.to)!] : [])])) {
      const d = await reader.of(r, shaOf(r));
      if (d) apart.set(r.tag, d);
    }
    await reader.ofDefault(candidates, plain, shaOf, apart);
    reader.save();
  }
  const verdicts = apart.size > 0 ? releaseVerdicts(ctx, all, current.version, [...listed].reverse(), readings, judged, apart, held) : plain;
  // Without a target, the gates decide too (issue 8 §4): the newest release nothing blocks whose gate asks no explicit
  // choice; when every open one is gated manual, the newest of them, which `upgrade` refuses without naming it.
  const byDefault = defaultTarget(candidates, verdicts);
  const chosen = opts.to ? findRelease(candidates, opts.to)! : (byDefault.offered ?? byDefault.explicitOnly?.release ?? candidates[0]!);
  const verdict = verdicts.get(chosen.tag)!;
  const info = infos.get(chosen.tag)!;
  // What happens to the branch (issue 8 §1): said in the plan, and with `checkout: branch` a branch follows the upgrade.
  const checkout =
    kind === 'git' && info.sha && current.sha
      ? await planCheckout(path, ctx.record.name, { sha: current.sha, branch: current.branch ?? null }, { tag: chosen.tag, sha: info.sha }, verdict.divergence, opts.checkout ?? m.checkout ?? 'detach')
      : null;
  if (checkout?.blocker) verdict.blockers.push(checkout.blocker);
  const bump = classifyBump(current.version, chosen.version.normalized);
  const upTo = ascending.slice(0, ascending.indexOf(chosen) + 1);
  const releaseNotes: ReleaseNote[] = upTo.map((r) => infos.get(r.tag)!.note).reverse();
  const hops = kind === 'git' ? hopsTo(ctx, all, current.version, chosen, upTo, infos, null) : null;
  const { commits, diffstat } = await (chosen === likely ? likelyRange : rangeOf(info.sha));
  const verification = { smoke: m.smoke, health: (m.health ?? []).map(describeCheck), watch: m.watch ?? null };
  let extras: Pick<PlanResult, 'artifact' | 'command' | 'beforeFetch'> = {};
  let steps: PlanStep[];
  const chosenRemote = kind === 'git' ? await remoteFor(chosen) : '';
  if (kind === 'artifact') {
    const a = m.artifact!;
    const located = await locateArtifact(ctx, source, chosen, opts.signal);
    if (offline && 'url' in located.location) verdict.blockers.push(`offline: installing ${located.asset} needs a download from ${new URL(located.location.url).host}`);
    steps = artifactSteps({
      ...verification,
      version: chosen.version.normalized,
      asset: located.asset,
      checksums: located.checksums,
      from: 'url' in located.location ? { url: located.location.url } : { file: located.location.file },
      unpack: { archive: isTarName(located.asset), strip: a.strip },
      restart: a.restart,
      hooks: { preUpgrade: m.hooks.preUpgrade, postUpgrade: m.hooks.postUpgrade },
      keep: a.keep,
      keepDays: a.keepDays,
    });
    extras = {
      artifact: {
        target: versionDirName(chosen.version.normalized),
        install: { asset: located.asset, checksums: located.checksums, location: located.location, strip: a.strip, maxBytes: a.maxBytes },
        restart: a.restart,
        retention: { keep: a.keep, keepDays: a.keepDays },
      },
    };
  } else if (kind === 'command') {
    const c = m.command!;
    steps = commandSteps({ ...verification, version: chosen.version.normalized, apply: c.apply, current: c.current, hooks: { preUpgrade: m.hooks.preUpgrade, postUpgrade: m.hooks.postUpgrade } });
    extras = { command: { spec: c, use: 'apply' } };
  } else {
    steps = upgradeSteps({
      remote: chosenRemote,
      targetTag: chosen.tag,
      targetSha: info.sha,
      install: m.install,
      smoke: m.smoke,
      hooks: m.hooks,
      snapshotPaths: m.snapshot.paths,
      snapshotMode: m.snapshot.mode,
      seedFormat: m.seedFormat,
      stash: opts.stash ?? false,
      health: verification.health,
      watch: verification.watch,
      ...(checkout ? { checkout: checkout.step } : {}),
      ...(m.verify ? { verify: verifyDescription(m.verify) } : {}),
    });
    if (isFolder) {
      extras = {
        beforeFetch: async () => {
          verified.delete(chosen.tag);
          await remoteFor(chosen);
        },
      };
    }
  }
  const work = kind === 'git' && info.sha && opts.predictWork !== false ? await uncommittedWorkOn(path, info.sha, chosen.version.normalized, opts) : null;
  if (work?.blocker) verdict.blockers.push(work.blocker);
  const risk = assessRisk({
    bump,
    crosses: verdict.crosses,
    breaking: verdict.target.breaking.map((b) => b.text),
    incompatibleDependents: verdict.report.dependents.filter((d) => !d.compatible).map((d) => d.project),
    hasSmokeTests: m.smoke !== null,
    diverged: verdict.divergence ? { count: verdict.divergence.count, localOnly: verdict.divergence.localOnly, target: chosen.tag } : null,
  });
  // Said first: commits that leave the working tree, then what happens to the branch.
  const warnings = [...(verdict.divergence ? [verdict.divergence.message] : []), ...(checkout && (checkout.plan.fromBranch || checkout.plan.branch) ? [checkout.plan.note] : [])];
  const currentSupport = await currentSupportOf(store, { path, kind, policy: m.support }, current, released, now, opts.signal);
  const targetSupport = holds.support.get(chosen.tag) ?? null;
  if (targetSupport?.eol) warnings.push(`support: ${targetSupport.message}; installed only because you asked for it`);
  else if (targetSupport?.soon) warnings.push(`support: ${targetSupport.message}`);
  if (currentSupport && (currentSupport.eol || currentSupport.soon)) warnings.push(`support: the current ${currentSupport.message}`);
  for (const mv of moves) if (mv.tag !== chosen.tag) warnings.unshift(mv.message);
  if (hops) warnings.push(`${chosen.version.normalized} is reached in ${hops.hops.length} hops (${[hops.from, ...hops.hops.map((h) => h.to)].join(' → ')}) through required stops: \`upshift upgrade\` runs them one by one, each with its own checks`);
  const plan: UpgradePlan = {
    project: ctx.record.name,
    path,
    ...(kind !== 'git' ? { kind } : {}),
    from: { version: current.version, tag: current.tag, sha: current.sha, ...(kind === 'git' ? { branch: current.branch ?? null } : {}), ...(current.ahead ? { ahead: current.ahead } : {}) },
    to: { version: chosen.version.normalized, tag: chosen.tag, sha: info.sha || null },
    bump,
    gate: verdict.gate,
    risk,
    compatibility: verdict.report,
    releaseNotes,
    commits: { count: commits.count, items: commits.items.map((c) => ({ sha: c.sha, subject: c.subject })) },
    diffstat,
    steps,
    ...(work ? { uncommittedWork: work.summary } : {}),
    estimatedSeconds: estimateSeconds(store.pastUpgradeDurations(ctx.record.name)),
    blocked: verdict.blockers.length > 0,
    blockers: verdict.blockers,
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(kind === 'git' ? { divergence: verdict.divergence } : {}),
    ...(checkout ? { checkout: checkout.plan } : {}),
    candidates: listed.map((r) => {
      const b = verdicts.get(r.tag)!.blockers;
      // Only its end of life holds it back (trust/holds.ts): asking for it installs it, so a target picker may offer it.
      const eolOnly = b.length > 0 && b.every((x) => x.startsWith('support: ')) && holds.support.get(r.tag)?.eol === true;
      return {
        ...toReleaseRef(r),
        ...(infos.has(r.tag) ? { sha: infos.get(r.tag)!.sha } : {}),
        blocked: b.length > 0,
        reason: b.length > 0 ? b.join('; ') : null,
        ...(eolOnly ? { onlyIfAsked: `end of life${holds.support.get(r.tag)!.eolDate ? ` since ${holds.support.get(r.tag)!.eolDate}` : ''}: installed only if you choose it` } : {}),
      };
    }),
    ...(opts.to ? {} : { explicitChoice: byDefault.explicitOnly ? explicitChoiceOf(byDefault.explicitOnly) : null }),
    ...(kind === 'git' && m.verify ? { verification: verifications.get(chosen.tag) ?? null } : {}),
    ...(moves.length > 0 ? { tagMoves: moves } : {}),
    ...(hops ? { hops } : {}),
    ...(m.support || targetSupport || currentSupport ? { support: { current: currentSupport, target: targetSupport } } : {}),
  };
  const chosenObject = kind === 'git' ? tagObjects[ascending.indexOf(chosen)] : undefined;
  return { plan, target: chosen, remote: chosenRemote, ...(chosenObject ? { tagObject: chosenObject } : {}), ...extras };
}

/**
 * What becomes of the uncommitted work in the tree: `upgrade --stash` sets it aside and gives it back on the target at
 * the end, so whether that applies cleanly is foretold here (nothing in the tree changes). With --stash, a conflict
 * blocks the plan unless the user chose to keep the new version with the work left in the stash (`--keep-on-conflict`).
 */
async function uncommittedWorkOn(path: string, target: string, version: string, opts: PlanOptions): Promise<{ summary: NonNullable<UpgradePlan['uncommittedWork']>; blocker: string | null } | null> {
  const p = await predictWorkApply(path, target, opts.signal ? { signal: opts.signal } : {});
  if (!p.hasWork) return null;
  const summary = { appliesCleanly: p.clean, conflicts: p.conflicts, untrackedCollisions: p.untrackedCollisions };
  // Without --stash a dirty tree is refused by the preflight anyway, listing every file: that says more.
  if (p.clean || !opts.stash || opts.keepOnConflict) return { summary, blocker: null };
  const what = [
    ...(p.conflicts.length > 0 ? [`your changes to ${p.conflicts.join(', ')} conflict with ${version}`] : []),
    ...(p.untrackedCollisions.length > 0 ? [`your untracked ${p.untrackedCollisions.join(', ')} would collide with files ${version} adds`] : []),
  ].join('; ');
  return {
    summary,
    blocker: `uncommitted work: ${what}, so it could not be given back after the upgrade. Commit or move it first, or upgrade with --stash --keep-on-conflict to keep ${version} and leave the work in a stash to merge by hand`,
  };
}

/** The verify step's allowed signers, as the plan shows them. */
function verifyDescription(v: NonNullable<ProjectContext['manifest']['verify']>): string {
  return [v.ssh ? `SSH signers in ${v.ssh.allowedSigners}` : null, v.gpg ? `OpenPGP keys in ${v.gpg.keyring}` : null].filter((x) => x !== null).join(' or ');
}

/** A release known only from its source (no checkout to read): notes and metadata come from describeRelease. */
function sourceOnlyInfo(r: Release): ReleaseInfo {
  const version = r.version.normalized;
  return {
    tag: r.tag,
    sha: r.sha,
    version,
    note: { version, tag: r.tag, body: '', source: 'none', breaking: [], date: null },
    breaking: [],
    contractsVersion: null,
    metadata: null,
    commitCount: null,
    warnings: [],
  };
}
