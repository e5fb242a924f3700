/**
 * What a person does with the scheduler, the same from every face (issue 9 §3, §6): read the schedule, list the approval
 * queue, approve or reject a release. `upshift schedule|approve|reject` and the service's contract methods both call
 * these, so the CLI and the dashboard can never disagree about what an approval does.
 */
import { hostname, userInfo } from 'node:os';
import { approve, reconcileApprovals, reject, type Approval, type ApprovalTiming, type Schedule } from '../../../shared/policy/index.js';
import type { Engine } from '../engine/index.js';
import { UpshiftError } from '../errors.js';
import { approvalFindings, gatherProjects } from './inputs.js';
import { SchedulerLease } from './lease.js';
import { decideSchedule, type DeviceSource } from './scheduler.js';
import { ApprovalStore, AUTOMATION_KEY, readAutomationSettings, writeAutomationSettings } from './store.js';
import { windowsOverview } from './overview.js';
import type { SchedulerRun, WindowOverview } from '../../../shared/api/contract.js';
import { listSchedulerRuns } from './runs.js';

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

/** Who decided, as the history shows it: `alice@laptop` (the OS user of this process, and its host). */
export function whoAmI(): string {
  let user = process.env.USER || process.env.USERNAME || 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // keep the environment's
  }
  return `${user}@${hostname()}`;
}

export interface ScheduleReport {
  schedule: Schedule;
  /** Projects or settings that could not be read (nothing of theirs upgrades unattended). */
  problems: string[];
  /** The scheduler holding the lease now, if one runs. */
  scheduler: { role: string; pid: number; host: string } | null;
  /** automation.enabled of the global settings. */
  enabled: boolean;
  /** The windows in effect and their next openings (overview.ts). */
  windows: WindowOverview[];
  /** The latest runs that tried to start something (runs.ts). */
  runs: SchedulerRun[];
}

/** The schedule as it stands (nothing is written): `upshift schedule --json` and the contract's `getSchedule`. */
export async function scheduleReport(engine: Engine, now: Date, timeZone = systemTimeZone(), device: DeviceSource = {}): Promise<ScheduleReport> {
  const { schedule, problems } = await decideSchedule(engine, now, timeZone, new ApprovalStore(engine.store), null, device, false);
  const holder = SchedulerLease.holder(engine.store);
  const scheduler = holder && (holder.state === 'alive' || holder.state === 'other-host') ? { role: holder.role, pid: holder.pid, host: holder.host } : null;
  const { settings } = readAutomationSettings(engine.store);
  return { schedule, problems, scheduler, enabled: settings.enabled === true, windows: windowsOverview(engine, settings, timeZone, now), runs: listSchedulerRuns(engine.store, { limit: 10 }) };
}

/** The approval queue as the last checks leave it (reconciled in memory, nothing written). */
export async function currentApprovals(engine: Engine, now: Date): Promise<Approval[]> {
  const findings = approvalFindings(await gatherProjects(engine));
  return reconcileApprovals(new ApprovalStore(engine.store).list(), findings, now);
}

export type ApprovalDecision = { kind: 'approve'; project: string; version?: string; timing: ApprovalTiming } | { kind: 'reject'; project: string; version?: string };

/**
 * Approves or rejects a release of a watched project. The queue is first brought up to date with the last checks (a
 * release found since the scheduler last ran is asked for here), then decided, atomically. Refusals are the queue's
 * (APPROVAL_NOT_FOUND, APPROVAL_EXPIRED naming what superseded it) and change nothing.
 */
export async function decideApproval(engine: Engine, decision: ApprovalDecision, who: { by: string; now: Date; timeZone?: string }): Promise<{ approval: Approval; changed: boolean }> {
  engine.projectConfig(decision.project); // an unknown project fails here, with the usual message
  const approvals = new ApprovalStore(engine.store);
  await decideSchedule(engine, who.now, who.timeZone ?? systemTimeZone(), approvals, null, {}, true);
  const target = { project: decision.project, ...(decision.version ? { version: decision.version } : {}) };
  const by = { by: who.by, at: who.now };
  const result = approvals.update((queue) => {
    const r = decision.kind === 'approve' ? approve(queue, target, { ...by, timing: decision.timing }) : reject(queue, target, by);
    return { queue: r.ok ? r.queue : queue, value: r };
  });
  if (!result.ok) throw new UpshiftError(result.error.code, `${result.error.message} Nothing was changed.`, { category: 'usage', details: result.error.details });
  return { approval: result.approval, changed: result.changed };
}

/**
 * Pauses every unattended upgrade until `until` (ISO 8601 with offset) or until resumed (null): the global
 * `automation.pause`, written over the stored settings (everything else kept). An instant not in the future is refused
 * (BAD_INPUT naming `until`), and settings that do not validate are refused as `upshift policy` refuses them; either
 * way nothing is written. An upgrade already running is not stopped.
 */
export function pauseAutomation(engine: Engine, input: { until: string | null; reason?: string | undefined }, who: { by: string; now: Date }): void {
  if (input.until !== null && !(Date.parse(input.until) > who.now.getTime())) {
    throw new UpshiftError('BAD_INPUT', `until: ${input.until} is not in the future; give a later instant, or null to pause until resumed. Nothing was changed.`, { category: 'usage', details: { field: 'until' } });
  }
  const stored = storedAutomation(engine);
  writeAutomationSettings(engine.store, { ...stored, pause: { until: input.until, ...(input.reason ? { reason: input.reason } : {}), by: who.by } });
}

/** Lifts the global pause (a no-op when not paused); per-project pauses stay. */
export function resumeAutomation(engine: Engine): void {
  const stored = storedAutomation(engine);
  if (stored.pause === undefined || stored.pause === null) return;
  const { pause: _pause, ...rest } = stored;
  writeAutomationSettings(engine.store, rest);
}

function storedAutomation(engine: Engine): Record<string, unknown> {
  const raw = engine.store.getSettings()[AUTOMATION_KEY];
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}
