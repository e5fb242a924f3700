/** The words of schedule.ts: each refusal says what holds the release back and what a person can do about it. */
import type { Approval } from './approvals.js';
import { bumpInWords } from './gates.js';
import type { CandidateRelease, ProjectAutomationState } from './schedule-types.js';
import type { Opening } from './windows.js';
import { formatWhen } from './zoned.js';

/** An instant for people, in `timeZone`: `Tue 02:00 Europe/Rome`, `Dec 9 14:00 Europe/Rome`. */
export function when(instant: number, timeZone: string, now: number): string {
  return formatWhen(instant, timeZone, now);
}

export function describeWindow(opening: Opening): string {
  return `'${opening.window.name}'`;
}

function quoteList(items: readonly string[]): string {
  const shown = items.slice(0, 3).map((b) => `"${b.replace(/\s+/g, ' ').slice(0, 100)}"`);
  return items.length > 3 ? `${shown.join(', ')} and ${items.length - 3} more` : shown.join(', ');
}

export function describeRefusal(state: ProjectAutomationState, c: CandidateRelease, timeZone: string, now: number) {
  const p = state.project;
  const v = c.version;
  const words = bumpInWords(c.bump, c.crosses ?? null);
  const key = c.gateKey ? ` (gates.${c.gateKey})` : '';
  const loop = state.rollbackLoop;
  return {
    dirty: `${p} has uncommitted changes: an unattended upgrade never sets them aside — commit or stash them, or upgrade by hand with \`upshift upgrade ${p} --stash\``,
    diverged: `${p}'s HEAD has commits ${v} does not contain: an unattended upgrade would take them out of the working tree — read \`upshift plan ${p} --to ${v}\` and upgrade by hand`,
    rollbackLoop: `rollback-loop protection: ${loop?.reason ?? `${p} was rolled back automatically too often within the hour`}${loop?.until && !Number.isNaN(Date.parse(loop.until)) ? `, until ${when(Date.parse(loop.until), timeZone, now)}` : ''} — only a person can upgrade it now (\`upshift upgrade ${p} --force\`)`,
    // Release trust and support windows hold a release back too (a moved tag, a refused signature, an end of life).
    notOffered: /^(trust|signature|support): /.test(c.notOfferedReason ?? '')
      ? `${v} is not offered: ${c.notOfferedReason}`
      : `the strategy does not offer ${v}${c.notOfferedReason ? `: ${c.notOfferedReason}` : ''}`,
    incompatible:
      c.refusedBy && c.refusedBy.length > 0
        ? c.refusedBy.map((r) => `${r.project} refuses ${v} (${r.reason})`).join('; ')
        : `a dependent refuses ${v}`,
    unverified: `${v} is not verified${c.unverifiedReason ? ` (${c.unverifiedReason})` : ''}: with its compatibility unknown it is never installed unattended`,
    breaking: `${v} announces breaking changes that are not allowed: ${quoteList(c.breaking ?? [])}`,
    gateManual: `${v} is ${words}, gated manual${key}: only a person installs it — \`upshift upgrade ${p} --to ${v}\``,
    gateSkip: `${v} is ${words}, gated skip${key}: never installed`,
    rejected: (a: Approval) =>
      `rejected by ${a.decidedBy ?? 'someone'}${a.decidedAt ? ` on ${when(Date.parse(a.decidedAt), timeZone, now)}` : ''}${a.reason ? `: ${a.reason}` : ''}`,
  };
}
