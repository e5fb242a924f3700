/**
 * `upshift schedule`, `approve`, `reject` and `policy` (issue 9 §1, §3; docs/automation.md): what the scheduler will do
 * and why, the approval queue, and the global automation settings. Decisions come from shared/policy; the queue and
 * the settings live in the state directory (electron/core/scheduler/store.ts).
 */
import type { SchedulerRun } from '../../../shared/api/contract.js';
import type { Approval, Schedule } from '../../../shared/policy/index.js';
import type { Engine } from '../../core/engine/index.js';
import { usageError } from '../../core/errors.js';
import { decideApproval, readAutomationSettings, scheduleReport, systemTimeZone, whoAmI, writeAutomationSettings } from '../../core/scheduler/index.js';
import { deviceProbe } from '../../core/service/device.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';

interface AutomationIo {
  print: (doc: unknown, human: () => string) => void;
  style: Style;
}

export const AUTOMATION_COMMANDS = ['schedule', 'approve', 'reject', 'policy'];

export async function automationCommand(cmd: ParsedCommand, engine: Engine, io: AutomationIo): Promise<ExitCodeValue> {
  switch (cmd.spec.name) {
    case 'schedule':
      return scheduleCommand(engine, io);
    case 'approve':
    case 'reject':
      return decideCommand(cmd, engine, io);
    default:
      return policyCommand(cmd, engine, io);
  }
}

async function scheduleCommand(engine: Engine, io: AutomationIo): Promise<ExitCodeValue> {
  const { schedule, problems, scheduler, runs } = await scheduleReport(engine, new Date(), systemTimeZone(), deviceProbe());
  io.print({ schedule, problems, scheduler, runs }, () => [formatSchedule(schedule, problems, scheduler, io.style), ...formatRuns(runs.slice(0, 5), io.style)].join('\n'));
  return ExitCode.ok;
}

export function formatSchedule(s: Schedule, problems: readonly string[], scheduler: { role: string; pid: number; host: string } | null, style: Style): string {
  const lines: string[] = [];
  if (s.paused) lines.push(style.yellow(`Automation is paused${s.paused.until ? ` until ${s.paused.until}` : ' until resumed'}${s.paused.reason ? ` (${s.paused.reason})` : ''}.`));
  for (const p of s.projects) {
    lines.push(p.summary);
    for (const r of p.releases) {
      if (r === p.next) continue;
      lines.push(style.dim(`  ${r.version}: ${r.reasons.map((x) => x.text).join('; ') || r.summary}`));
    }
  }
  if (s.projects.length === 0) lines.push('No watched projects.');
  for (const problem of problems) lines.push(style.yellow(`warning: ${problem}`));
  lines.push(
    style.dim(
      scheduler
        ? `Scheduler: ${scheduler.role} (pid ${scheduler.pid} on ${scheduler.host}).`
        : 'No scheduler is running: nothing upgrades on its own until the tray app or `upshift daemon` runs.',
    ),
  );
  return lines.join('\n');
}

/** The latest scheduler runs, newest first: what each tried and what came of it. */
export function formatRuns(runs: readonly SchedulerRun[], style: Style): string[] {
  if (runs.length === 0) return [];
  const lines = ['Recent unattended runs:'];
  for (const run of runs) {
    for (const o of run.outcomes) {
      const result = o.operation ? `${o.operation.status} (${o.operation.id})` : `not started: ${o.refused?.message ?? 'declined'}`;
      lines.push(style.dim(`  ${run.at} ${o.project} ${o.version}: ${result} — ${run.scheduler}`));
    }
  }
  return lines;
}

async function decideCommand(cmd: ParsedCommand, engine: Engine, io: AutomationIo): Promise<ExitCodeValue> {
  const [project, version] = cmd.positionals as [string, string | undefined];
  if (cmd.values.now === true && cmd.values['next-window'] === true) throw usageError('FLAG_CONFLICT', '--now and --next-window contradict each other: give one. Nothing was changed.');
  const target = { project, ...(version ? { version } : {}) };
  const decision = cmd.spec.name === 'approve' ? { kind: 'approve' as const, ...target, timing: cmd.values.now === true ? ('now' as const) : ('next-window' as const) } : { kind: 'reject' as const, ...target };
  const result = await decideApproval(engine, decision, { by: whoAmI(), now: new Date() });
  const a = result.approval;
  io.print({ approval: a, changed: result.changed }, () => formatDecision(a, result.changed));
  return ExitCode.ok;
}

function formatDecision(a: Approval, changed: boolean): string {
  const what = `${a.project} ${a.version} (${a.commit.slice(0, 7)})`;
  if (a.state === 'rejected') return `${changed ? 'Rejected' : 'Already rejected:'} ${what} by ${a.decidedBy}: it is never upgraded unattended.`;
  const when = a.timing === 'now' ? 'at once, when the scheduler next looks' : 'in its next maintenance window';
  return `${changed ? 'Approved' : 'Already approved:'} ${what} by ${a.decidedBy}: it upgrades ${when} (see \`upshift schedule\`).`;
}

/** `upshift policy [key] [value] [--unset]`: the global automation settings, a dotted key at a time, checked first. */
async function policyCommand(cmd: ParsedCommand, engine: Engine, io: AutomationIo): Promise<ExitCodeValue> {
  const [key, raw] = cmd.positionals as [string | undefined, string | undefined];
  const stored = (engine.store.getSettings().automation ?? {}) as Record<string, unknown>;
  if (key === undefined) {
    const { settings, problem } = readAutomationSettings(engine.store);
    io.print({ automation: settings, problem }, () => [JSON.stringify(stored, null, 2), ...(problem ? [io.style.yellow(`warning: ${problem}`)] : [])].join('\n'));
    return ExitCode.ok;
  }
  const path = key.replace(/^automation\./, '').split('.');
  if (raw === undefined && cmd.values.unset !== true) {
    const value = path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), stored);
    io.print({ key, value: value ?? null }, () => (value === undefined ? `${key} is not set (the default applies; docs/automation.md)` : JSON.stringify(value, null, 2)));
    return ExitCode.ok;
  }
  const next = structuredClone(stored);
  let at: Record<string, unknown> = next;
  for (const k of path.slice(0, -1)) at = (at[k] && typeof at[k] === 'object' ? at[k] : (at[k] = {})) as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (cmd.values.unset === true) delete at[last];
  else at[last] = parseValue(raw!);
  const settings = writeAutomationSettings(engine.store, next);
  io.print({ automation: settings }, () => (cmd.values.unset === true ? `Removed automation.${path.join('.')}.` : `Set automation.${path.join('.')} = ${JSON.stringify(at[last])}.`));
  return ExitCode.ok;
}

/** JSON when it reads as JSON (true, 3, ["patch"], {…}), else the text itself. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
