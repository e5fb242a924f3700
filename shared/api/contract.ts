/**
 * The one contract between the UI and the engine: every method with its input schema and result type, and every
 * event. The Electron preload exposes it as `window.upshift` over IPC; browser mode (`upshift serve`) carries it
 * as HTTP JSON plus Server-Sent Events. The receiving side always validates inputs with these zod schemas.
 */
import * as z from 'zod';
import type {
  ApiError,
  BatchOperation,
  BatchPlan,
  CheckResult,
  ListResult,
  Operation,
  OperationStep,
  ProjectCheck,
  ProjectConfig,
  ProjectInfo,
  UpgradePlan,
} from './types.js';
import { METHOD_LIST, type MethodName } from './methods.js';
import type { ChannelHealth, NotifyTestResult } from './notify.js';
import type { TagAcceptance } from './trust.js';
import type { Approval, Schedule } from '../policy/index.js';
import type { AboutInfo } from './about.js';
import type { SelfUpdateStatus } from '../policy/selfupdate.js';

export type { MethodName };

const name = z.string().min(1).max(64);
const version = z.string().min(1).max(100);
const operationId = z.string().regex(/^op_[A-Za-z0-9_]+$/, 'an operation id like op_20261121T101500Z_ab12cd');
const gate = z.enum(['auto', 'review', 'manual', 'skip']);
/** A dotted key of upshift.yml (`smoke.command`); which keys exist, and their values, the engine checks with the manifest's schema. */
const configKey = z.string().regex(/^[A-Za-z$<][A-Za-z0-9_$<>-]*(\.[A-Za-z0-9_$<>-]+)*$/, 'a dotted key of upshift.yml such as smoke.command').max(200);

export const settingsSchema = z.object({
  /** Minutes between background checks (a jitter of up to 10% is added). */
  pollMinutes: z.number().int().min(5).max(7 * 24 * 60),
  /** Background checks stopped by the user ("Pause checks"). */
  paused: z.boolean(),
  notifications: z.object({ enabled: z.boolean() }),
  launchAtLogin: z.boolean(),
  /**
   * No network use at all: checks use the releases seen last, plans and upgrades only local tags. The engine reads
   * this same stored setting (`upshift offline on|off` writes it too); UPSHIFT_OFFLINE=1 and a manifest's
   * `offline: true` also turn it on.
   */
  offline: z.boolean(),
  /** Per-project overrides of the manifest. */
  projects: z.record(
    name,
    z.object({
      channel: z.enum(['stable', 'prerelease']).optional(),
      gates: z.object({ patch: gate, minor: gate, major: gate, prerelease: gate }).partial().optional(),
    }),
  ),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  pollMinutes: 60,
  paused: false,
  notifications: { enabled: true },
  launchAtLogin: false,
  offline: false,
  projects: {},
};

export const historyQuerySchema = z.object({
  project: name.optional(),
  status: z.array(z.enum(['running', 'succeeded', 'stash_kept', 'rolled_back', 'cancelled', 'failed', 'blocked', 'interrupted'])).optional(),
  kind: z.array(z.enum(['upgrade', 'rollback', 'recovery'])).optional(),
  /** ISO dates (inclusive bounds on the start time). */
  since: z.string().datetime({ offset: true }).optional(),
  until: z.string().datetime({ offset: true }).optional(),
  limit: z.number().int().min(1).max(10_000).default(200),
  offset: z.number().int().min(0).default(0),
  /**
   * `false`: each operation comes with `steps: []` — for lists that show no steps (the History list; its detail
   * panel asks getOperation). A page of 100 is then 47 KB instead of 167 KB. Default: with the steps.
   */
  steps: z.boolean().optional(),
});
export type HistoryQuery = z.input<typeof historyQuerySchema>;

/** Why an update is not offered right now, when the user said so. */
export interface UpdateDecision {
  /** Skipped versions (`1.2.0`) and skipped major lines (`2.x`: every 2.x release), in the order they sort. */
  skipped: string[];
  snoozedUntil: string | null;
}

/**
 * Where the GitHub token comes from, never the token itself. `source`: `GITHUB_TOKEN`/`GH_TOKEN` ('env'), the
 * GitHub CLI's login ('gh'), the token saved in the app's keychain ('keychain'), or none (unauthenticated).
 */
export interface GithubTokenStatus {
  source: 'env' | 'gh' | 'keychain' | null;
  /** This Upshift has a keychain store (the desktop app; not browser mode or the CLI). */
  keychainAvailable: boolean;
  /** A token saved now would be protected by the OS keychain. */
  canStore: boolean;
  /** A token is saved in the keychain (it may be shadowed by the environment or `gh`). */
  stored: boolean;
  /** Why a token cannot be saved here, in words for the user; null when it can. */
  reason: string | null;
}

/** Printable ASCII, no spaces: every GitHub token format. The message never repeats the value. */
const githubToken = z
  .string()
  .min(1, 'enter a token')
  .max(255, 'a GitHub token is at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'a GitHub token has no spaces, control or non-ASCII characters');

/** Everything the Updates view shows about one project. */
export interface ProjectView extends ProjectInfo {
  check: ProjectCheck | null;
  /** Versions the user skipped, and a remind-me-later time for the latest. */
  decision: UpdateDecision;
  operationInProgress: { id: string; kind: Operation['kind'] } | null;
  /**
   * Releases still newer than the current version whose upgrade failed and was rolled back, newest release first,
   * the last attempt each: "1.2.0 failed its smoke tests on Dec 4 — rolled back". Absent from older services.
   */
  failedReleases?: FailedRelease[];
}

/** The last rolled-back upgrade to one release, and the step that failed. */
export interface FailedRelease {
  version: string;
  operationId: string;
  /** The step that failed (`smoke`, `install`, a health check), with its title; null when none is recorded. */
  step: { id: string; title: string } | null;
  /** When it was rolled back (the operation's end). */
  at: string;
}

export interface PollerState {
  paused: boolean;
  lastCheckAt: string | null;
  nextCheckAt: string | null;
  /** Consecutive failed checks (backoff grows with it). */
  failures: number;
}

export interface AppState {
  projects: ProjectView[];
  poller: PollerState;
  settings: Settings;
}

export interface OperationDetail {
  operation: Operation;
  /** The succeeded rollback that undid this operation, when one did (then it offers no second "Roll back"). */
  undoneBy?: { id: string; finishedAt: string | null } | null;
  /** The last lines of each step's log, by step id. */
  logs: Record<string, string>;
}

/** Input schemas, by method name. */
export const inputs = {
  getState: z.object({}),
  addProject: z.object({ path: z.string().min(1).max(4096), name: name.optional(), core: name.optional() }),
  validateProject: z.object({ path: z.string().min(1).max(4096) }),
  removeProject: z.object({ name }),
  checkNow: z.object({ projects: z.array(name).max(1000).optional() }),
  getPlan: z.object({ project: name, to: version.optional() }),
  /** `force`: upgrade even after too many automatic rollbacks within the hour (ROLLBACK_LOOP), like `upgrade --force`. */
  startUpgrade: z.object({ project: name, to: version.optional(), confirmManual: z.boolean().optional(), stash: z.boolean().optional(), force: z.boolean().optional(), keepOnConflict: z.boolean().optional() }),
  cancel: z.object({ operationId }),
  rollback: z.object({ project: name, to: operationId.optional(), stash: z.boolean().optional() }),
  queryHistory: historyQuerySchema,
  getOperation: z.object({ id: operationId }),
  getSettings: z.object({}),
  setSettings: settingsSchema.partial(),
  /** `scope: 'major'` skips every release of that version's major line ("Skip this major", stored as `2.x`). */
  skipVersion: z.object({ project: name, version, scope: z.enum(['version', 'major']).optional() }),
  /** Takes back a skip: a version (`1.2.0`) or a skipped major line (`2.x`) as ProjectView.decision.skipped lists it. */
  unskipVersion: z.object({ project: name, version }),
  snooze: z.object({ project: name, version, minutes: z.number().int().min(1).max(60 * 24 * 365) }),
  pauseChecks: z.object({ paused: z.boolean() }),
  githubTokenStatus: z.object({}),
  setGithubToken: z.object({ token: githubToken }),
  clearGithubToken: z.object({}),
  getProjectConfig: z.object({ project: name }),
  /**
   * Sets keys of Upshift's configuration for the project (values as text, read as YAML like `upshift config`) and removes
   * others. The whole edit is checked over the manifest in the checkout first; when any key is invalid nothing is written.
   */
  setProjectConfig: z.object({
    project: name,
    set: z.record(configKey, z.string().max(10_000)).optional(),
    unset: z.array(configKey).max(100).optional(),
  }),
  /** The notification channels with their health; URLs only in their redacted form. */
  notifyChannels: z.object({}),
  /** Sends a test message now to one channel (its name, id or kind) or to all of them. */
  testNotify: z.object({ channel: z.string().min(1).max(200).optional() }),
  /** The approval queue (docs/automation.md "Approvals") as the last checks leave it. */
  listApprovals: z.object({}),
  /**
   * Approves a release behind a `review` gate: `version` (default: the project's newest waiting one), to upgrade `now`
   * or in the `next-window`. Recorded with the OS user@host of the service's process, as `upshift approve` does.
   */
  approve: z.object({ project: name, version: version.optional(), when: z.enum(['now', 'next-window']) }),
  /** Rejects a release: it never upgrades unattended, and stays rejected when found again. */
  reject: z.object({ project: name, version: version.optional() }),
  /** What the scheduler will do and why not, per project: the same document as `upshift schedule --json`. */
  getSchedule: z.object({}),
  /** Which Upshift this is (version, commit, build time, runtime, install path) and the state of its own updates. */
  getAbout: z.object({}),
  /**
   * A decision about Upshift's own update (the tray app only; elsewhere SELF_UPDATE_UNMANAGED): check now, skip or
   * postpone the version offered, install it when Upshift quits (or not), the update channel. Decisions name the
   * version they mean, so one taken on a stale screen cannot apply to a newer release.
   */
  selfUpdate: z.discriminatedUnion('action', [
    z.object({ action: z.literal('check') }),
    z.object({ action: z.literal('skip'), version }),
    z.object({ action: z.literal('unskip'), version }),
    z.object({ action: z.literal('remind-later'), version }),
    z.object({ action: z.literal('install-on-quit'), version }),
    z.object({ action: z.literal('cancel-install-on-quit') }),
    z.object({ action: z.literal('set-channel'), channel: z.enum(['stable', 'beta']) }),
  ]),
  /**
   * Trusts the commit a release tag points at now, after it moved since first seen (`upshift trust accept`): checked
   * again first, recorded with the OS user@host of the service's process. TAG_NOT_SEEN / NOTHING_TO_DO change nothing.
   */
  acceptTag: z.object({ project: name, tag: z.string().min(1).max(255).regex(/^[^\s]+$/, 'a tag name, without spaces') }),
  /**
   * Pauses every unattended upgrade (the global `automation.pause`) until `until` — ISO 8601 with an offset, in the
   * future — or until resumed (null). Recorded with the OS user@host of the service's process. Upgrades running go on.
   */
  pauseAutomation: z.object({
    until: z.iso.datetime({ offset: true }).nullable(),
    reason: z.string().trim().min(1).max(200).optional(),
  }),
  /** Lifts the global pause (per-project pauses stay). */
  resumeAutomation: z.object({}),
  /** The joint plan of `root` and everything that depends on it, or of every project (`all`): `upshift plan --all|--with-dependents`. */
  getBatchPlan: z.object({ root: name.optional(), all: z.boolean().optional(), to: version.optional() }),
  /** Runs that plan as one batch in the background (all-or-nothing unless keepGoing); resolves once it is recorded. */
  startBatch: z.object({ root: name.optional(), all: z.boolean().optional(), to: version.optional(), keepGoing: z.boolean().optional() }),
  /** Runs a plan whose target lies beyond required stops (getPlan's `hops`) hop by hop; onHopFailure over the manifest's. */
  startPath: z.object({ project: name, to: version.optional(), onHopFailure: z.enum(['rollback-all', 'last-good']).optional() }),
  /** Batches and paths, newest first (with a member of `project` when given), each with its members. */
  listBatches: z.object({ project: name.optional(), limit: z.number().int().min(1).max(1000).optional() }),
} as const satisfies Record<MethodName, z.ZodType>;
export type MethodInput<M extends MethodName> = z.input<(typeof inputs)[M]>;

/** Result types, by method name. */
export interface MethodOutputs {
  getState: AppState;
  addProject: ProjectInfo;
  /**
   * `path`: the absolute path it was read as (a relative one is read from the user's home, never the server's working
   * directory), `note` says so in words; both absent from older services.
   */
  validateProject:
    | { ok: true; manifest: ProjectInfo['manifest']; name: string; warnings: string[]; path?: string; note?: string | null }
    | { ok: false; error: ApiError; path?: string; note?: string | null };
  removeProject: ProjectInfo;
  checkNow: CheckResult;
  getPlan: UpgradePlan;
  startUpgrade: { operationId: string };
  cancel: { cancelled: boolean };
  rollback: { operationId: string };
  queryHistory: { operations: Operation[]; total: number };
  getOperation: OperationDetail;
  getSettings: Settings;
  setSettings: Settings;
  skipVersion: ProjectView;
  unskipVersion: ProjectView;
  snooze: ProjectView;
  pauseChecks: PollerState;
  githubTokenStatus: GithubTokenStatus;
  setGithubToken: GithubTokenStatus;
  clearGithubToken: GithubTokenStatus;
  getProjectConfig: ProjectConfig;
  setProjectConfig: ProjectConfig;
  notifyChannels: { channels: ChannelHealth[]; problems: string[]; outboxDepth: number };
  testNotify: { results: NotifyTestResult[] };
  listApprovals: { approvals: Approval[] };
  approve: ApprovalDecisionResult;
  reject: ApprovalDecisionResult;
  getSchedule: ScheduleDocument;
  getAbout: AboutInfo;
  selfUpdate: SelfUpdateStatus;
  acceptTag: TagAcceptance;
  pauseAutomation: ScheduleDocument;
  resumeAutomation: ScheduleDocument;
  getBatchPlan: BatchPlan;
  startBatch: { batchId: string };
  startPath: { batchId: string };
  listBatches: { batches: BatchOperation[] };
}

/** An approval after a decision; `changed` is false when it was already so (approving twice). */
export interface ApprovalDecisionResult {
  approval: Approval;
  changed: boolean;
}

/** `upshift schedule --json`: the schedule, what could not be read, and the scheduler holding the lease (if any). */
export interface ScheduleDocument {
  schedule: Schedule;
  problems: string[];
  /** The scheduler holding the lease of this state directory now (`app`, `serve`, `daemon`), if one runs. */
  scheduler: { role: string; pid: number; host: string } | null;
  /** `automation.enabled` of the global settings: unattended upgrades at all (a project may still turn them on). */
  enabled: boolean;
  /** The maintenance windows in effect, with their next opening; none: any time. */
  windows: WindowOverview[];
  /** The latest scheduler runs that tried to start something, newest first (electron/core/scheduler/runs.ts). */
  runs: SchedulerRun[];
}

/** One evaluation of the scheduler that found releases due, and what came of each. */
export interface SchedulerRun {
  id: number;
  at: string;
  /** Which scheduler ran it: `daemon (pid 4242 on build-box)`. */
  scheduler: string;
  outcomes: Array<{
    project: string;
    version: string;
    /** The operation the unattended upgrade recorded (its status as it finished), when one was. */
    operation: { id: string; status: string } | null;
    /** Why nothing was recorded, or why the engine refused. */
    refused: { code: string; message: string } | null;
  }>;
  /** Projects or settings that could not be read in that run. */
  problems: string[];
}

/** A maintenance window as the Schedule view shows it. */
export interface WindowOverview {
  name: string;
  /** The project whose own policy has it; null: the global windows (every project without its own). */
  project: string | null;
  /** `daily 02:00–05:00`, `Mon, Tue, Wed, Thu, Fri 09:00–18:00, except Fri 12:00–24:00`. */
  period: string;
  timeZone: string;
  /** Its next opening (or the one open now) within a month; null: none (blackouts). */
  next: { start: string; end: string; open: boolean; text: string } | null;
}

/** The contract as a typed object: what `window.upshift` and the HTTP client both implement. */
export type UpshiftApi = {
  [M in MethodName]: (input: MethodInput<M>) => Promise<MethodOutputs[M]>;
} & {
  /** Subscribes to events; returns the unsubscribe function. */
  subscribe(listener: (event: UpshiftEvent) => void): () => void;
};

export type UpshiftEvent =
  | { type: 'state-changed'; state: AppState }
  | { type: 'project-changed'; project: ProjectView }
  | { type: 'operation-started'; operation: Operation }
  | { type: 'operation-step'; operationId: string; step: Pick<OperationStep, 'id' | 'title' | 'status' | 'durationMs' | 'error'> }
  | { type: 'operation-log'; operationId: string; stepId: string; line: string }
  | { type: 'operation-finished'; operation: Operation }
  | { type: 'history-changed' }
  /** A batch or path this process runs changed: recorded, a member started or ended, finished (its members' steps come as operation events). */
  | { type: 'batch-progress'; batch: BatchOperation }
  /** The approval queue changed (a decision here, or another process's): read it again with listApprovals. */
  | { type: 'approvals-changed' }
  /**
   * What the scheduler would do may have changed (it evaluated and something differs, it started an upgrade, the pause
   * or the policy changed here or in another process): read it again with getSchedule.
   */
  | { type: 'schedule-changed' }
  | { type: 'notification'; id: string; project: string; version: string; title: string; body: string }
  | { type: 'check-failed'; project: string; error: ApiError }
  /** Upshift's own update changed (checked, found, downloading, downloaded, a decision): the tray and About follow it. */
  | { type: 'self-update-changed'; status: SelfUpdateStatus };

export const METHOD_NAMES: readonly MethodName[] = METHOD_LIST;

export type { ListResult };
