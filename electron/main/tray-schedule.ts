/**
 * What the tray says about the scheduler (issue 9 §6), pure like tray-model.ts: "Paused until Thu 17:00 Europe/Rome"
 * with Resume automation, "Next: core 1.4.1 at Tue 02:00 Europe/Rome", and one "Approve core 1.4.1" per release
 * waiting for a person (the same decision as the dashboard's Approve and `upshift approve --now`).
 */
import type { Schedule } from '../../shared/policy/index.js';
import { formatWhen } from '../../shared/policy/zoned.js';

export type ScheduleAction = { type: 'approve'; project: string; version: string } | { type: 'resume-automation' } | { type: 'open-schedule' };

export type ScheduleMenuItem =
  | { kind: 'item'; id: string; label: string; enabled: boolean; action: ScheduleAction }
  | { kind: 'info'; id: string; label: string };

/** At most this many approval items (the rest are in the Schedule view). */
export const MAX_APPROVAL_ITEMS = 5;

export interface TraySchedule {
  /** Tooltip parts ("automation paused", "1 waiting for approval"). */
  tooltip: string[];
  items: ScheduleMenuItem[];
}

function nextUpgrade(schedule: Schedule): { project: string; version: string; at: number } | null {
  const upcoming = schedule.projects
    .flatMap((p) => (p.next && (p.next.status === 'due' || p.next.status === 'scheduled') && p.next.at ? [{ project: p.project, version: p.next.version, at: Date.parse(p.next.at) }] : []))
    .sort((a, b) => a.at - b.at || a.project.localeCompare(b.project));
  return upcoming[0] ?? null;
}

export function traySchedule(schedule: Schedule | null | undefined, now: number): TraySchedule {
  if (!schedule) return { tooltip: [], items: [] };
  const tz = schedule.timeZone;
  const tooltip: string[] = [];
  const items: ScheduleMenuItem[] = [];
  if (schedule.paused) {
    tooltip.push('automation paused');
    const until = schedule.paused.until ? `until ${formatWhen(Date.parse(schedule.paused.until), tz, now)}` : 'until resumed';
    items.push({ kind: 'info', id: 'automation-paused', label: `Paused ${until}${schedule.paused.reason ? ` (${schedule.paused.reason})` : ''}` });
    items.push({ kind: 'item', id: 'automation-resume', label: 'Resume automation', enabled: true, action: { type: 'resume-automation' } });
  } else {
    const next = nextUpgrade(schedule);
    if (next) items.push({ kind: 'info', id: 'automation-next', label: `Next: ${next.project} ${next.version} ${next.at <= now ? 'now' : `at ${formatWhen(next.at, tz, now)}`}` });
  }
  const waiting = schedule.projects.flatMap((p) => p.releases.filter((r) => r.reasons.some((x) => x.code === 'awaiting-approval')).map((r) => ({ project: p.project, version: r.version })));
  if (waiting.length > 0) tooltip.push(`${waiting.length} waiting for approval`);
  for (const w of waiting.slice(0, MAX_APPROVAL_ITEMS)) {
    items.push({ kind: 'item', id: `approve:${w.project}:${w.version}`, label: `Approve ${w.project} ${w.version}`, enabled: true, action: { type: 'approve', project: w.project, version: w.version } });
  }
  if (waiting.length > MAX_APPROVAL_ITEMS) items.push({ kind: 'item', id: 'more-approvals', label: `${waiting.length - MAX_APPROVAL_ITEMS} more waiting: open the schedule…`, enabled: true, action: { type: 'open-schedule' } });
  return { tooltip, items };
}
