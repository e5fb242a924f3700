/** The inputs and decisions of schedule.ts: plain data, serialisable as JSON (instants are ISO 8601 strings). */
import type { BumpType, GateAction } from '../api/types.js';
import type { ApprovalQueue } from './approvals.js';
import type { AutomationConfig, ProjectAutomationPolicy } from './automation.js';
import type { NumericBump } from './bump.js';

/** What the release metadata, its notes or conventional commits say about security, classified by the caller. */
export interface SecurityClass {
  /** `security_critical` in the metadata, or a critical advisory. */
  critical?: boolean;
  /** CVE (or GHSA) ids named by the release. */
  ids?: readonly string[];
  /** What made it a security release (metadata, a commit, a heading of its notes), for people. */
  because?: readonly string[];
}

/** A release newer than the one installed, with the verdict the engine gives it (the same as `plan`'s). */
export interface CandidateRelease {
  version: string;
  tag: string;
  /** The commit the tag points at: approvals are for it. */
  commit: string;
  /** From the version installed now to this one. */
  bump: BumpType;
  gate: GateAction;
  /** For a prerelease, the numeric bump it crosses (crossedBump), for messages. */
  crosses?: NumericBump | null;
  /** The gates.<key> that decided the gate, for messages. */
  gateKey?: string | null;
  /** When the release came out (its tag or release date), ISO 8601; null when unknown. */
  publishedAt: string | null;
  /** When Upshift first saw it; absent: `publishedAt`. Used to tell a missed window. */
  foundAt?: string | null;
  /** Set when it is a security release; absent or null when it is not. */
  security?: SecurityClass | null;
  /** false: a dependent refuses it; null: not verified (its metadata could not be read). */
  compatible: boolean | null;
  /** The dependents that refuse it, each with the verdict's words. */
  refusedBy?: ReadonlyArray<{ project: string; reason: string }>;
  /** Why it is not verified, when `compatible` is null. */
  unverifiedReason?: string | null;
  /** Breaking changes announced on the way from the installed version to this one. */
  breaking?: readonly string[];
  /** Every breaking change crossed is explicitly allowed (dependents' allowlists); false or absent: not allowed. */
  breakingAllowed?: boolean;
  /** The project's version strategy offers it (pinned, range, lts, exclude). */
  offered: boolean;
  /** The user skipped it ("Skip this version" / "Skip this major"): the skip entry (`1.2.0` or `2.x`); absent or null: not skipped. */
  skippedBy?: string | null;
  /** Why the strategy does not offer it (as `plan` says). */
  notOfferedReason?: string | null;
}

/** One project as the engine sees it now. */
export interface ProjectAutomationState {
  project: string;
  current: string | null;
  /** Releases newer than `current`, in any order. */
  candidates: readonly CandidateRelease[];
  /** Uncommitted work in the checkout. */
  dirty: boolean;
  /** HEAD has commits the releases lack: an upgrade would take them out of the working tree. */
  diverged: boolean;
  /** Rollback-loop protection is on (too many automatic rollbacks within the hour): until when, and why. */
  rollbackLoop?: { until: string | null; reason?: string } | null;
  /** An operation (an upgrade, a rollback) holds the project now. */
  running?: boolean;
  /** The `automation` section of the project's manifest, when it has one. */
  policy?: ProjectAutomationPolicy | null;
}

export interface DeviceState {
  /** Running on battery power; null or absent: the OS does not say. */
  onBattery?: boolean | null;
  /** On a metered connection; null or absent: the OS does not say. */
  metered?: boolean | null;
}

export interface ScheduleInput {
  now: Date;
  /** The system's IANA time zone: the default for windows and the zone messages are written in. */
  timeZone: string;
  settings: AutomationConfig;
  projects: readonly ProjectAutomationState[];
  approvals?: ApprovalQueue;
  device?: DeviceState;
  /** When the scheduler last evaluated before `now`: a window between the two was missed (the machine slept). */
  lastEvaluatedAt?: Date | null;
  /** How far ahead to look for a window, in days (default 31). */
  horizonDays?: number;
}

export type ReasonCode =
  // never unattended, whatever the policy says
  | 'dirty'
  | 'diverged'
  | 'rollback-loop'
  | 'not-offered'
  | 'incompatible'
  | 'unverified'
  | 'breaking'
  | 'gate-manual'
  | 'gate-skip'
  | 'user-skip'
  | 'rejected'
  // the policy says no
  | 'disabled'
  | 'bump-not-unattended'
  // waiting for something
  | 'awaiting-approval'
  | 'paused'
  | 'soaking'
  | 'outside-window'
  | 'no-window'
  | 'battery'
  | 'metered'
  | 'busy'
  | 'max-concurrent'
  | 'superseded'
  // said for information
  | 'missed-window';

export interface Reason {
  code: ReasonCode;
  /** `refused`: never unattended as things stand; `waiting`: held back for now; `info`: explains, holds nothing back. */
  kind: 'refused' | 'waiting' | 'info';
  text: string;
  /** When what holds it back ends, when known (ISO 8601). */
  until?: string;
}

/** Why an upgrade is due when it is. */
export type Trigger = 'window' | 'any-time' | 'security' | 'approval' | 'catch-up';

export interface ReleaseDecision {
  version: string;
  tag: string;
  commit: string;
  /**
   * `due`: upgrade now; `scheduled`: will upgrade at `at`; `waiting`: held back by something that may change (an
   * approval, a free slot, mains power); `refused`: never unattended as things stand.
   */
  status: 'due' | 'scheduled' | 'waiting' | 'refused';
  at: string | null;
  trigger: Trigger | null;
  /** The window it upgrades in, for `window` and `catch-up`. */
  window: { name: string; start: string; end: string; timeZone: string } | null;
  security: boolean;
  reasons: Reason[];
  /** One line: "core 1.4.1 will upgrade Tue 02:00 Europe/Rome — window 'nightly'". */
  summary: string;
}

export interface ProjectSchedule {
  project: string;
  current: string | null;
  /** What happens next: the release that upgrades first (`due`, `scheduled`, or `waiting` for a free slot), or null. */
  next: ReleaseDecision | null;
  /** Every candidate, newest first. */
  releases: ReleaseDecision[];
  summary: string;
}

export interface Schedule {
  now: string;
  timeZone: string;
  /** The global pause in effect now. */
  paused: { until: string | null; reason: string | null } | null;
  /** What to start now, in order (within maxConcurrent). */
  due: Array<{ project: string; version: string; tag: string; commit: string; trigger: Trigger }>;
  /** The earliest later instant at which a decision changes on its own (a scheduled upgrade, a pause's end). */
  wakeAt: string | null;
  projects: ProjectSchedule[];
}
