/**
 * The JSON shapes the engine returns and the CLI prints with `--json`. The dashboard speaks the same
 * types, so field names here are a public contract: add fields, never rename them.
 */
import type { SupportStatus, TagMove, TagVerification } from './trust.js';

export type { SupportStatus, TagMove, TagVerification } from './trust.js';

export type RiskLevel = 'low' | 'medium' | 'high';
export type BumpType = 'patch' | 'minor' | 'major' | 'prerelease' | 'none' | 'downgrade';
export type GateAction = 'auto' | 'review' | 'manual' | 'skip';
export type Channel = 'stable' | 'prerelease';

/** How the current version is known: a git tag at HEAD, the nearest tag below it, the manifest, the `current` symlink of an artifact install, or a command-driven component's `current` command. */
export type CurrentVersionSource = 'tag' | 'describe' | 'manifest' | 'link' | 'command' | 'unknown';

export interface CurrentVersion {
  version: string | null;
  /** The release tag HEAD *is* (source `tag`); null when HEAD is past it (see `ahead`) or no tag names it. */
  tag: string | null;
  sha: string | null;
  source: CurrentVersionSource;
  /** The branch HEAD is on, null when it is detached (git checkouts; absent for other kinds and older records). */
  branch?: string | null;
  /** Set when HEAD is not the release tag its version was read from but commits after it (source `describe`). */
  ahead?: CommitsAhead;
}

/** A checkout whose HEAD is past a release tag: `v1.12.0-25-ga7dcc3a`, "25 commits after v1.12.0". */
export interface CommitsAhead {
  /** The nearest release tag below HEAD, which the version was read from. */
  tag: string;
  /** Commits from that tag to HEAD. */
  count: number;
  /** `git describe --tags --long` of HEAD: `v1.12.0-25-ga7dcc3a`. */
  describe: string;
  /** Of `count`, how many no remote-tracking branch contains: they exist only in this clone. */
  localOnly: number;
  /** Remote-tracking branches that contain HEAD (`origin/master`); empty when HEAD itself is on no remote. */
  remoteBranches: string[];
}

/**
 * HEAD has commits the target release lacks (`git rev-list target..HEAD`): the target is not a descendant of HEAD,
 * so the upgrade takes those commits out of the working tree. Plan and check say so first, rate the risk high and
 * never let the gate be `auto`.
 */
export interface Divergence {
  /** Commits on HEAD that are not in the target. */
  count: number;
  /** Of those, how many no remote-tracking branch contains (only in this clone). */
  localOnly: number;
  /** The branch HEAD is on (where the commits stay), null for a detached HEAD. */
  branch: string | null;
  /** The sentence shown first: "25 commits on `master` are not in v1.12.1; after the upgrade they stay on `master` but leave the working tree". */
  message: string;
}

/** What the upgrade's checkout does to branches (`checkout: detach | branch` in the manifest, `--checkout`). */
export interface CheckoutPlan {
  mode: 'detach' | 'branch';
  /** The branch HEAD is on before the upgrade, null when detached. */
  fromBranch: string | null;
  /** The branch checked out at the target; null when the upgrade leaves HEAD detached. */
  branch: string | null;
  /** The branch ref the checkout moves (compare-and-swap, recorded first so a rollback puts it back); `from` null: created. */
  move: { branch: string; from: string | null; to: string } | null;
  /** What happens to the branches, in one sentence (also among the plan's warnings). */
  note: string;
}

export interface ReleaseRef {
  version: string;
  tag: string;
  sha: string;
  prerelease: boolean;
}

export interface Risk {
  level: RiskLevel;
  reasons: string[];
}

export interface DependentVerdict {
  project: string;
  compatible: boolean;
  /** Human reason; when compatible, says what was checked ("requires core >=1.0.0 <=1.x.x; target is 1.3.0"). */
  reason: string;
}

export interface CompatibilityReport {
  compatible: boolean;
  dependents: DependentVerdict[];
}

export interface ProjectCheck {
  name: string;
  path: string;
  current: CurrentVersion;
  latest: ReleaseRef | null;
  latestCompatible: ReleaseRef | null;
  updateAvailable: boolean;
  bump: BumpType | null;
  gate: GateAction | null;
  risk: Risk | null;
  /**
   * The verdict of the latest release, the same one `plan` gives it: null when nothing newer is offered, or when its
   * contracts and breaking changes (or those of a release crossed on the way) could not be read yet.
   */
  compatible: boolean | null;
  /** Why the latest release cannot be chosen (as `plan --to <latest>` says), and notes on the check itself. */
  blockers: string[];
  /**
   * What `upgrade` without a target installs (the plan's default target): the newest release nothing blocks whose gate
   * does not ask for an explicit choice; null when none is. Absent in checks recorded before it existed.
   */
  offered?: ReleaseRef | null;
  /** The newest release newer than `offered` that only an explicit choice installs (a `manual` gate), and how. */
  explicitChoice?: ExplicitChoice | null;
  /**
   * Every release newer than the current one (up to 30), newest first, with the verdict `plan` gives it; absent in
   * checks recorded before it existed.
   */
  candidates?: Array<
    ReleaseRef & {
      blocked: boolean;
      reason: string | null;
      verdict?: CandidateVerdict;
      /** Each reason it is blocked, one per entry (`reason` joins them); absent in older checks. */
      reasons?: string[];
      /** The risk of upgrading to this release (not to the newest); absent in older checks. */
      risk?: Risk;
    }
  >;
  /** The latest release is not a descendant of HEAD (its message is also the first of `blockers`); absent or null otherwise. */
  divergence?: Divergence | null;
  /** Set when the check itself failed (remote unreachable, bad manifest); other fields are then best effort. */
  error: ApiError | null;
  /**
   * Set when the project has no release source — a local-only checkout: no git remote, and no other source named. A
   * normal state, not a failed check (`error` stays null; no error toast or tray icon); `reason` says it in words.
   */
  noSource?: { reason: string } | null;
  /** Release tags that moved since first seen (trust on first use): never upgraded to until accepted. Absent: none. */
  tagMoves?: TagMove[];
  /** The current version's support window (`support:` in the manifest); absent without a policy. */
  support?: SupportStatus | null;
  checkedAt: string;
}

export interface CheckResult {
  projects: ProjectCheck[];
}

/** The parts of a release's verdict the scheduler decides on (shared/policy schedule's CandidateRelease). */
export interface CandidateVerdict {
  bump: BumpType;
  crosses: 'patch' | 'minor' | 'major' | null;
  gate: GateAction;
  gateKey: string | null;
  compatible: boolean | null;
  refusedBy: Array<{ project: string; reason: string }>;
  /** Why it is not verified, when `compatible` is null. */
  unverifiedReason: string | null;
  /** Breaking changes crossed on the way to it, and whether every dependent accepts them. */
  breaking: string[];
  breakingAllowed: boolean;
  /** Why the strategy does not offer it (or its age or LTS flag is not judged yet); null: offered. */
  notOffered: string | null;
  /** It lacks commits of HEAD (engine/divergence.ts). */
  diverged: boolean;
  /**
   * A security release (release metadata `security` / `security_critical` / CVE ids, conventional commits such as
   * `fix(security):`, a "Security" heading or a CVE id in its notes) and what said so; null: not one. Absent in checks
   * recorded before it existed.
   */
  security?: { critical: boolean; ids: string[]; because: string[] } | null;
}

/** A release that only an explicit choice installs: its gate is `manual` (issue 8 §4). */
export interface ExplicitChoice {
  version: string;
  tag: string;
  bump: BumpType;
  gate: GateAction;
  /** "2.0.0 is a major upgrade, gated manual: run `upshift upgrade core --to 2.0.0`". */
  message: string;
}

export interface ReleaseNote {
  version: string;
  tag: string;
  /** Markdown. */
  body: string;
  /** Where the body came from. */
  source: 'metadata' | 'release' | 'tag-message' | 'changelog' | 'commits' | 'none';
  /**
   * Where exactly, for people: `CHANGES.rst, section "Version 8.1.7"`, `the message of tag v1.2.0`,
   * `the GitHub release v1.2.0`, `release metadata (release_metadata.json)`. Absent in plans recorded before it.
   */
  origin?: string;
  /** The file the body was read from (a changelog or metadata file), when it came from one. */
  file?: string;
  /** Set when `body` was shortened: it ends with a line `… N more lines in <from>`. */
  truncated?: { omittedLines: number; from: string };
  breaking: string[];
  date: string | null;
}

export interface CommitSummary {
  sha: string;
  subject: string;
}

export interface DiffStat {
  filesChanged: number;
  insertions: number;
  deletions: number;
  /** `git diff --stat` text, capped. */
  text: string;
}

export type StepId =
  | 'preflight'
  | 'snapshot'
  | 'fetch'
  | 'checkout'
  | 'install'
  | 'smoke'
  | 'finalize'
  | 'restore'
  | 'download'
  | 'verify'
  | 'unpack'
  | 'switch'
  | 'restart'
  | 'apply'
  | 'verify-version';

export interface PlanStep {
  id: StepId | string;
  title: string;
  /** The exact command line that will run, or null for internal steps. */
  command: string | null;
}

export interface PlanEndpoint {
  version: string | null;
  /** The release tag; for `from`, only when HEAD is exactly that tag (else null and `ahead` says how far past it). */
  tag: string | null;
  sha: string | null;
  /** `from` only: the branch HEAD is on (null when detached). Absent in plans made before it existed. */
  branch?: string | null;
  /** `from` only: HEAD is past the release tag its version was read from. */
  ahead?: CommitsAhead;
}

export interface UpgradePlan {
  project: string;
  /**
   * Set when the target lies beyond required stops (release metadata `required_stop`, the manifest's `upgradePath`,
   * a contracts major change): every hop with its reasons. `upgrade` runs the hops one by one as a path.
   */
  hops?: HopPlan;
  path: string;
  /** What the project is: a git checkout (absent, the default), an artifact install or a command-driven component. */
  kind?: 'git' | 'artifact' | 'command';
  from: PlanEndpoint;
  to: PlanEndpoint;
  bump: BumpType;
  gate: GateAction;
  risk: Risk;
  compatibility: CompatibilityReport;
  releaseNotes: ReleaseNote[];
  commits: { count: number; items: CommitSummary[] };
  diffstat: DiffStat | null;
  steps: PlanStep[];
  estimatedSeconds: number | null;
  blocked: boolean;
  blockers: string[];
  /**
   * Present when the tree has uncommitted work: whether, once stashed, it applies cleanly on the target (foretold
   * with a merge that writes nothing to the tree), and which files would conflict or collide.
   */
  uncommittedWork?: { appliesCleanly: boolean; conflicts: string[]; untrackedCollisions: string[] };
  /** Every release newer than the current one, newest first, with whether it could be chosen. */
  candidates: Array<
    ReleaseRef & {
      blocked: boolean;
      reason: string | null;
      /** Held back only by its end of life (support windows): not offered, but choosing it as the target installs it; says so. */
      onlyIfAsked?: string;
    }
  >;
  /**
   * A plan made without a target: the newest release that only an explicit choice installs (a `manual` gate), when it
   * is newer than `to` or is `to` itself because nothing else is offered (then `upgrade` without `--to` refuses it).
   */
  explicitChoice?: ExplicitChoice | null;
  /** What to know before approving, most important first, that does not block (a divergence, what happens to the branch). */
  warnings?: string[];
  /** Git: HEAD has commits the target lacks (null when the target is a descendant of HEAD). */
  divergence?: Divergence | null;
  /** Git: what the checkout step does to branches. */
  checkout?: CheckoutPlan;
  /** The settings this plan was made with, each with where it came from (absent in plans made before it existed). */
  settings?: SettingOrigin[];
  /** With `verify:` in the manifest: who signed the target's tag, checked before anything changes. */
  verification?: TagVerification | null;
  /** Release tags that moved since first seen (trust on first use); absent: none. */
  tagMoves?: TagMove[];
  /** With `support:`: the current version's and the target's support windows. */
  support?: { current: SupportStatus | null; target: SupportStatus | null };
}

/** A JSON value, as a setting holds it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Where a setting's value came from, highest first: the dashboard's per-project override (channel, gates), the
 * configuration Upshift keeps for the project in its state directory (`upshift config`), the manifest in the
 * checkout (upshift.yml or vertical_manifest.yaml), or the default. See README "Configuration precedence".
 */
export type SettingSource = 'override' | 'config' | 'manifest' | 'default';

export interface SettingOrigin {
  /** Dotted key as in upshift.yml: `smoke.command`, `gates.major`. */
  key: string;
  /** The value in effect (a default too). */
  value: JsonValue;
  source: SettingSource;
  /** The file it was read from (manifest: relative to the project root; config: absolute), else null. */
  file: string | null;
  /** For an override: the value it replaces and where that comes from ("As in the manifest" in the dashboard). */
  beneath?: { value: JsonValue; source: Exclude<SettingSource, 'override'>; file: string | null };
}

export type OperationKind = 'upgrade' | 'rollback' | 'recovery';
export type OperationStatus =
  | 'running'
  | 'succeeded'
  | 'rolled_back'
  /** Stopped on request (Cancel, Ctrl-C, SIGTERM, SIGHUP) and rolled back. */
  | 'cancelled'
  /** Upgraded, but the stashed work did not apply on the new version: the tree is clean, the work in its stash. */
  | 'stash_kept'
  | 'failed'
  | 'blocked'
  | 'interrupted';
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'rolled_back';

export interface OperationStep {
  id: string;
  title: string;
  status: StepStatus;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  command: string | null;
  error: string | null;
  /** Last lines of the step's output, capped. */
  outputExcerpt: string | null;
  logPath: string | null;
}

export interface Operation {
  id: string;
  project: string;
  kind: OperationKind;
  status: OperationStatus;
  from: PlanEndpoint;
  to: PlanEndpoint;
  steps: OperationStep[];
  error: string | null;
  /** For a rollback/recovery: the operation it undid. */
  target: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  host: string;
  user: string;
  pid: number;
  logDir: string | null;
  /** Present when the automatic rollback itself failed: what to run by hand. */
  manualRecovery: string | null;
  /** Set when the scheduler started it (an unattended upgrade, issue 9 §2); null or absent: a person did. */
  startedBy?: StartedBy | null;
}

/** Who or what started an unattended operation: the policy, why now, in which window, whose approval. */
export interface StartedBy {
  by: 'policy';
  /** Why it was due: window, any-time, security, approval, catch-up (shared/policy schedule). */
  trigger: string;
  /** The maintenance window it started in, when it did. */
  window: string | null;
  /** Who approved the release, for a review gate. */
  approvedBy: string | null;
  /** The scheduler that started it: `daemon`, `app`, `serve` with host and pid. */
  scheduler: string;
  /** The schedule's summary line at the time. */
  summary: string;
}

export interface OperationResult {
  operation: Operation;
}

export interface HistoryResult {
  operations: Operation[];
  /**
   * Batches and multi-hop paths (newest first) that touch the projects listed: each groups its member operations,
   * which are also in `operations`. See BatchOperation.
   */
  batches?: BatchOperation[];
}

export interface ProjectInfo {
  name: string;
  path: string;
  core: string | null;
  /** The manifest in the checkout now (read fresh each time, not remembered from `add`). */
  manifest: 'upshift.yml' | 'vertical_manifest.yaml' | 'none';
  /** The configuration Upshift keeps for the project outside the checkout (`upshift config`), when there is one. */
  config?: string | null;
  channel: Channel;
  addedAt: string;
}

/**
 * Upshift's own configuration for a project, kept outside its checkout (`$UPSHIFT_HOME/projects/<name>/upshift.yml`,
 * the manifest's schema), and every setting in effect with where it comes from.
 */
export interface ProjectConfig {
  project: string;
  /** Where the configuration lives (it may not exist yet). */
  file: string;
  exists: boolean;
  /** The keys the configuration sets (dotted, as `settings` lists them) and their values. */
  values: Record<string, JsonValue>;
  /** Every setting in effect and where it comes from: dashboard override, this configuration, the manifest, default. */
  settings: SettingOrigin[];
}

export interface ListResult {
  projects: ProjectInfo[];
}

export interface ProjectStatus {
  name: string;
  path: string;
  /** The manifest in the checkout now, and Upshift's own configuration for it (as in ProjectInfo). */
  manifest?: ProjectInfo['manifest'];
  config?: string | null;
  current: CurrentVersion;
  latest: ReleaseRef | null;
  updateAvailable: boolean;
  risk: Risk | null;
  compatible: boolean | null;
  lastCheck: string | null;
  operationInProgress: { id: string; kind: OperationKind; pid: number; startedAt: string } | null;
  /** The last check found no release source (ProjectCheck.noSource). */
  noSource?: { reason: string } | null;
}

export interface StatusResult {
  projects: ProjectStatus[];
}

/** Every error that crosses a boundary (CLI JSON, IPC, HTTP) has this shape. */
export interface ApiError {
  code: string;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

// ---- Joint (batch) plans and multi-hop paths (issue 9 §4, §5) -------------------------------------------------------
// Planned by shared/plan (batch.ts, path.ts) from plain data; executed by electron/core/batch as one journalled batch
// operation over ordinary member operations. See docs/batches-and-paths.md.

/** What a batch or path does when a member fails. */
export type BatchOnFailure = 'all-or-nothing' | 'keep-going' | 'last-good';

/**
 * `running`; `succeeded` (every member); `rolled_back` (a member failed, every member is back where it started);
 * `partial` (--keep-going or last-good: some members kept, the rest failed or were skipped); `failed` (a rollback
 * failed too: see the members' operations for what to do by hand); `interrupted` (the process died, recovery kept
 * the members that had succeeded: `upshift resume <id>` continues).
 */
export type BatchStatus = 'running' | 'succeeded' | 'rolled_back' | 'partial' | 'failed' | 'interrupted';

/**
 * A member's part: `pending`, `running`, `succeeded`, `failed` (its own upgrade failed and was rolled back by the
 * single-project engine, or refused before any change), `rolled_back` (it had succeeded; undone because another
 * member failed), `rollback_failed`, `skipped` (never run: an earlier failure stopped the batch, or it needs what
 * failed).
 */
export type BatchMemberStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'rolled_back' | 'rollback_failed' | 'skipped';

export interface BatchMemberRun {
  /** 0-based execution order. */
  seq: number;
  project: string;
  from: string | null;
  to: string;
  status: BatchMemberStatus;
  /** The member's upgrade operation (an ordinary operation in the history), once started. */
  operationId: string | null;
  /** The rollback operation that undid it (all-or-nothing), when there was one. */
  rollbackId: string | null;
  /** Why it is at this place or status (the plan's order reason, a failure, why it was skipped). */
  reason: string | null;
  /** Paths: the hop (1-based) and why the path stops at its target. */
  hop?: { index: number; of: number; stop: StopReason[] } | null;
}

/** One batch (`upgrade --all` / `--with-dependents`) or multi-hop path, as the history and `--json` show it. */
export interface BatchOperation {
  id: string;
  kind: 'batch' | 'path';
  /** `with-dependents` / `all` for a batch, `path` for a path. */
  mode: 'with-dependents' | 'all' | 'path';
  /** The core (with-dependents) or the project (path); null under `all`. */
  root: string | null;
  onFailure: BatchOnFailure;
  status: BatchStatus;
  /** Where its journal is: members run in order (`forward`), succeeded ones undone last first (`rolling-back`), `done`. */
  phase: 'forward' | 'rolling-back' | 'done';
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  host: string;
  user: string;
  pid: number;
  startedBy: StartedBy | null;
  members: BatchMemberRun[];
}

/** `upshift upgrade --all|--with-dependents|<path>` and `upshift resume`: the batch and each member's operation. */
export interface BatchResult {
  batch: BatchOperation;
  operations: Operation[];
}

/** What a failure of one batch member forces, under each execution mode. */
export interface BatchFailureEffect {
  /** All-or-nothing (the default): every member upgraded so far and this one go back to where they started. */
  allOrNothing: string[];
  /**
   * `--keep-going`: the members rolled back with this one (upgraded earlier, but incompatible with it at its
   * starting version), and the later members skipped (their chosen version needs something that is now not there).
   */
  keepGoing: { rollBack: string[]; skip: string[] };
}

/** One project's part in a joint plan. */
export interface BatchMember {
  project: string;
  /** The current version (normalized). */
  from: string;
  /** The chosen version; equal to `from` when the member stays. */
  to: string;
  changes: boolean;
  /** Why this version ("finance 0.2.0 does not accept core 2.0.0 …; 0.3.0 accepts it"). */
  reason: string;
  /** 0-based position among the members that change; null when it stays. */
  step: number | null;
  /** Why at this position ("before core: finance 0.3.0 accepts core 1.4.0 and 2.0.0, 0.2.0 does not accept 2.0.0"). */
  orderReason: string | null;
  /** The verdict of `to` against each project it depends on, at that project's chosen version. */
  requirements: DependentVerdict[];
  onFailure: BatchFailureEffect | null;
}

/** A target of the root (or of a member) that was not chosen, and which project refused it. */
export interface RejectedTarget {
  project: string;
  version: string;
  /** The member that accepts no version compatible with it. */
  refusedBy: string;
  reasons: string[];
}

/** Why a project cannot take part in a joint target: every version of it that was tried, with its refusal. */
export interface BatchConflict {
  project: string;
  /** The dependency version it was asked to accept ("core 2.0.0"). */
  against: string;
  reasons: string[];
}

/** `upshift upgrade <core> --with-dependents` / `upgrade --all`: one plan over a set of projects. */
export interface BatchPlan {
  mode: 'with-dependents' | 'all';
  /** The core the batch is about (with-dependents), else null. */
  root: string | null;
  /** Every member, dependencies before dependents (ties by name); members in a cycle are absent. */
  dependencyOrder: string[];
  /** The members that change, in the order they run (see BatchMember.orderReason). */
  order: string[];
  members: BatchMember[];
  /** Each dependency cycle as a path: "a → b → c → a" (a requires b, b requires c, c requires a). */
  cycles: string[];
  /**
   * Intermediate states no order keeps compatible (one member's new version needs the other's new version and its
   * old version refuses it): between those two steps the set is incompatible; all-or-nothing puts both back.
   */
  windows: string[];
  /** True when the plan cannot run; `blockers` say why. A plan where nothing changes is not blocked. */
  blocked: boolean;
  blockers: string[];
  /** With no joint target beyond the current versions (or the asked one refused): why, per project. */
  conflicts: BatchConflict[];
  rejectedTargets: RejectedTarget[];
  warnings: string[];
}

/** Why a multi-hop path stops at a version. */
export interface StopReason {
  /** `metadata`: the release declares `required_stop: true`; `manifest`: `upgradePath`/`requiredStops`; `contracts`: last release before a contracts major change; `requested`: the path asked for it; `target`: the end. */
  source: 'metadata' | 'manifest' | 'contracts' | 'requested' | 'target';
  reason: string;
}

/** One hop of a multi-hop path: an ordinary single upgrade from `from` to `to`. */
export interface Hop {
  from: string;
  to: string;
  /** Why the path stops at `to` (the last hop: `target`, plus any stop reason the target has too). */
  stop: StopReason[];
  /** The releases whose notes belong to this hop: newer than `from`, up to and including `to`, oldest first. */
  releases: string[];
  /** Breaking changes of those releases (what dependents are asked to accept at this hop). */
  breaking: string[];
  /** Dependents' verdict on this hop's target, when dependents were given. */
  compatibility: CompatibilityReport | null;
}

/** A path from the current version to a target through every required stop (GitLab-style upgrade paths). */
export interface HopPlan {
  project: string;
  from: string;
  to: string;
  hops: Hop[];
  /** Every required stop between `from` and `to`, with its reasons (the hops end at each unless skipped). */
  requiredStops: Array<{ version: string; reasons: StopReason[] }>;
  /** Required stops the asked path leaves out, allowed because it was forced. */
  skipped: Array<{ version: string; reasons: StopReason[] }>;
  /** Set when the path is refused; `hops` is then empty. */
  refused: { code: HopRefusal; message: string } | null;
  warnings: string[];
}

export type HopRefusal = 'TARGET_BELOW_CURRENT' | 'UNKNOWN_VERSION' | 'UNKNOWN_STOP' | 'SKIPS_REQUIRED_STOP' | 'BAD_PATH';
