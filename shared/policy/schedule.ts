/**
 * The scheduler's decisions (issue 9 §1, §3): given an instant, the automation policy, each project's state, the
 * approvals and the windows, what upgrades unattended, when, and — for everything that does not — why. Pure: no
 * timers, no I/O; the scheduler loop (electron/core/scheduler, not written yet) asks it what is due and sleeps until
 * `wakeAt`.
 *
 * The "never unattended" rules are absolute and come first: a dirty tree, a diverged checkout, rollback-loop
 * protection, a release the strategy does not offer, an incompatible or unverified dependent verdict, breaking
 * changes not allowed, a `manual` or `skip` gate, a rejection. No setting, approval or security fast path crosses
 * them: an unattended upgrade never does what a person at the keyboard would be refused.
 */
import { compareVersions, parseVersion } from '../version/index.js';
import { findApproval, type Approval } from './approvals.js';
import { DEFAULT_AUTOMATION, effectivePolicy, type AutomationPolicy, type Pause } from './automation.js';
import { bumpInWords, type GatedBump } from './gates.js';
import type { CandidateRelease, ProjectAutomationState, ProjectSchedule, Reason, ReleaseDecision, Schedule, ScheduleInput, Trigger } from './schedule-types.js';
import { describeRefusal, describeWindow, when } from './schedule-text.js';
import { describeSkip, isMajorSkip } from './skips.js';
import { nextOpening, type MaintenanceWindow, type Opening } from './windows.js';
import { DAY_MS, formatClock } from './zoned.js';

export type * from './schedule-types.js';

/** No windows but blackout dates: any time outside them. */
const ANY_TIME: readonly MaintenanceWindow[] = Object.freeze([{ name: 'any time', start: '00:00', end: '24:00' }]);

const GATED: ReadonlySet<string> = new Set<GatedBump>(['patch', 'minor', 'major', 'prerelease']);

interface Context {
  now: number;
  input: ScheduleInput;
  globalPause: ActivePause | null;
  /** A global pause that ended before now: a window under it was not missed. */
  globalPauseEnded: number | null;
  horizonDays: number;
  /** nextOpening by windows, blackouts, zone and instant: projects share the global windows, releases the instant. */
  openings: WeakMap<object, WeakMap<object, Map<string, Opening | null>>>;
}

type OpeningOptions = { timeZone: string; blackouts: AutomationPolicy['blackouts']; horizonDays: number };

function opening(ctx: Context, windows: AutomationPolicy['windows'], at: number, options: OpeningOptions): Opening | null {
  let byBlackouts = ctx.openings.get(windows);
  if (!byBlackouts) ctx.openings.set(windows, (byBlackouts = new WeakMap()));
  let byKey = byBlackouts.get(options.blackouts);
  if (!byKey) byBlackouts.set(options.blackouts, (byKey = new Map()));
  const key = `${options.timeZone}|${at}`;
  if (!byKey.has(key)) byKey.set(key, nextOpening(windows, new Date(at), options));
  return byKey.get(key)!;
}

interface ActivePause {
  until: number | null;
  pause: Pause;
  scope: 'global' | 'project';
}

/** Decides every project; see the module comment. */
export function schedule(input: ScheduleInput): Schedule {
  const now = input.now.getTime();
  const pause = input.settings.pause ?? null;
  const ctx: Context = {
    now,
    input,
    globalPause: activePause(pause, now, 'global'),
    globalPauseEnded: pause?.until && Date.parse(pause.until) <= now ? Date.parse(pause.until) : null,
    horizonDays: input.horizonDays ?? 31,
    openings: new WeakMap(),
  };
  const projects = input.projects.map((p) => decideProject(p, ctx));
  const due = applyConcurrency(projects, input);
  const later = [
    ...projects.flatMap((p) => p.releases.filter((r) => r.status === 'scheduled' && r.at !== null).map((r) => Date.parse(r.at!))),
    ...projects.flatMap((p) => p.releases.flatMap((r) => r.reasons.filter((x) => x.until !== undefined).map((x) => Date.parse(x.until!)))),
  ].filter((t) => t > now);
  return {
    now: input.now.toISOString(),
    timeZone: input.timeZone,
    paused: ctx.globalPause ? { until: iso(ctx.globalPause.until), reason: ctx.globalPause.pause.reason ?? null } : null,
    due,
    wakeAt: later.length > 0 ? new Date(Math.min(...later)).toISOString() : null,
    projects,
  };
}

function activePause(pause: Pause | null | undefined, now: number, scope: ActivePause['scope']): ActivePause | null {
  if (!pause) return null;
  if (pause.until === null) return { until: null, pause, scope };
  const until = Date.parse(pause.until);
  // An instant that cannot be read pauses until resumed: the safe side.
  if (Number.isNaN(until)) return { until: null, pause, scope };
  return until <= now ? null : { until, pause, scope };
}

function iso(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}

function newestFirst(a: { version: string }, b: { version: string }): number {
  const va = parseVersion(a.version);
  const vb = parseVersion(b.version);
  return va && vb ? compareVersions(vb, va) : b.version.localeCompare(a.version);
}

function decideProject(state: ProjectAutomationState, ctx: Context): ProjectSchedule {
  const policy = effectivePolicy(ctx.input.settings, state.project, state.policy ?? null);
  const candidates = [...state.candidates].sort(newestFirst);
  const releases = candidates.map((c) => decideRelease(state, c, policy, ctx));
  const upcoming = releases.filter((r) => r.status === 'due' || r.status === 'scheduled');
  // The earliest upgrade wins; at the same time, the newest release (it includes the older ones).
  const next = upcoming.sort((a, b) => Date.parse(a.at!) - Date.parse(b.at!) || newestFirst(a, b))[0] ?? null;
  if (next) {
    const nextVersion = parseVersion(next.version);
    for (const r of releases) {
      if (r === next || (r.status !== 'due' && r.status !== 'scheduled')) continue;
      const v = parseVersion(r.version);
      if (nextVersion && v && compareVersions(v, nextVersion) < 0) {
        supersede(r, `${state.project} ${next.version} upgrades instead (it includes ${r.version})`);
      }
    }
  }
  return { project: state.project, current: state.current, next, releases, summary: projectSummary(state, releases, next) };
}

function supersede(r: ReleaseDecision, text: string): void {
  r.status = 'waiting';
  r.at = null;
  r.trigger = null;
  r.window = null;
  r.reasons = [{ code: 'superseded', kind: 'waiting', text }];
  r.summary = text;
}

function projectSummary(state: ProjectAutomationState, releases: ReleaseDecision[], next: ReleaseDecision | null): string {
  if (next) return next.summary;
  const newest = releases[0];
  if (!newest) return `${state.project}: up to date${state.current ? ` (${state.current})` : ''}`;
  return `${state.project}: nothing scheduled — ${newest.summary}`;
}

function decideRelease(state: ProjectAutomationState, c: CandidateRelease, policy: AutomationPolicy, ctx: Context): ReleaseDecision {
  const tz = policy.timeZone ?? ctx.input.timeZone;
  const base: ReleaseDecision = {
    version: c.version,
    tag: c.tag,
    commit: c.commit,
    status: 'refused',
    at: null,
    trigger: null,
    window: null,
    security: !!c.security,
    reasons: [],
    summary: '',
  };
  const label = `${state.project} ${c.version}`;
  const approval = ctx.input.approvals ? findApproval(ctx.input.approvals, { project: state.project, version: c.version, tag: c.tag, commit: c.commit }) : null;
  const fastPath = !!c.security && policy.security.fastPath;

  // 1. Never unattended: every rule that applies, so the person sees all there is to fix.
  const refusals = refusalsFor(state, c, policy, approval, fastPath, tz, ctx.now);
  if (refusals.length > 0) return finish(base, 'refused', refusals, `${label}: ${refusals[0]!.text}`);

  const waiting = (reasons: Reason[]): ReleaseDecision => finish(base, 'waiting', reasons, `${label}: ${reasons.map((r) => r.text).join('; ')}`);

  // 2. A person's approval, when the gate asks for one.
  const approved = approval?.state === 'approved' ? approval : null;
  if (c.gate === 'review' && !approved && !(fastPath && policy.security.approveReview)) {
    const words = bumpInWords(c.bump, c.crosses ?? null);
    const asked = approval?.state === 'pending' ? ` (asked ${when(Date.parse(approval.requestedAt), tz, ctx.now)})` : '';
    return waiting([{ code: 'awaiting-approval', kind: 'waiting', text: `waiting for approval: ${words}, gated review${asked} — \`upshift approve ${state.project} ${c.version}\`` }]);
  }
  if (state.running) return waiting([{ code: 'busy', kind: 'waiting', text: `an operation is running on ${state.project}` }]);

  // 3. Pauses, soak: instants before which nothing starts.
  const pauses = [ctx.globalPause, activePause(policy.pause, ctx.now, 'project')].filter((p): p is ActivePause => p !== null);
  const forever = pauses.find((p) => p.until === null);
  if (forever) return waiting([pauseReason(forever, state.project, tz, ctx.now)]);
  const delays: Reason[] = pauses.map((p) => pauseReason(p, state.project, tz, ctx.now));
  let notBefore = Math.max(ctx.now, ...pauses.map((p) => p.until!));

  const soakDays = policy.minimumReleaseAge;
  const bypassSoak = (fastPath && policy.security.bypassSoak) || approved !== null;
  let soakEnd: number | null = null;
  if (soakDays > 0 && !bypassSoak) {
    const since = c.publishedAt ?? c.foundAt ?? null;
    if (since === null || Number.isNaN(Date.parse(since))) {
      return waiting([{ code: 'soaking', kind: 'waiting', text: `its release date is unknown, so its soak (minimumReleaseAge ${days(soakDays)}) cannot end yet` }]);
    }
    soakEnd = Date.parse(since) + soakDays * DAY_MS;
    if (soakEnd > ctx.now) {
      delays.push({ code: 'soaking', kind: 'waiting', text: `soaking until ${when(soakEnd, tz, ctx.now)} (minimumReleaseAge ${days(soakDays)})`, until: new Date(soakEnd).toISOString() });
      notBefore = Math.max(notBefore, soakEnd);
    }
  }

  // 4. When: at once (an approval for now, the security fast path), at any time (no windows), or in a window.
  const critical = c.security?.critical === true;
  const securityAtOnce = fastPath && (policy.security.timing === 'at-once' || (policy.security.timing === 'critical-at-once' && critical));
  const notes: Reason[] = [];
  let timing: { at: number; trigger: Trigger; opening: Opening | null };
  if (approved?.timing === 'now') timing = { at: notBefore, trigger: 'approval', opening: null };
  else if (securityAtOnce) timing = { at: notBefore, trigger: 'security', opening: null };
  else if (policy.windows.length === 0 && policy.blackouts.length === 0) timing = { at: notBefore, trigger: 'any-time', opening: null };
  else {
    const options = { timeZone: tz, blackouts: policy.blackouts, horizonDays: ctx.horizonDays };
    const windows = policy.windows.length > 0 ? policy.windows : ANY_TIME;
    const next = opening(ctx, windows, notBefore, options);
    const openNow = next !== null && next.start.getTime() <= ctx.now;
    const missed = openNow ? null : missedOpening(c, windows, policy, approved, soakEnd, ctx, options);
    const catchUpAtOnce = (fastPath ? policy.security.catchUp : policy.catchUp) === 'at-once' && notBefore === ctx.now;
    if (missed) {
      const start = when(missed.start.getTime(), missed.timeZone, ctx.now).slice(0, -(missed.timeZone.length + 1));
      const span = `'${missed.window.name}' (${start}–${formatClock(missed.end.getTime(), missed.timeZone)} ${missed.timeZone})`;
      const then = catchUpAtOnce ? 'catching up at once' : 'catching up in the next window';
      notes.push({ code: 'missed-window', kind: 'info', text: `missed the window ${span} while the machine was asleep or off: ${then}` });
    }
    if (missed && catchUpAtOnce) timing = { at: ctx.now, trigger: 'catch-up', opening: null };
    else if (!next) {
      const after = notBefore > ctx.now ? ` after ${when(notBefore, tz, ctx.now)}` : '';
      return waiting([...delays, ...notes, { code: 'no-window', kind: 'waiting', text: `no window opens within ${days(ctx.horizonDays)}${after}` }]);
    } else {
      const anyTime = windows === ANY_TIME;
      timing = { at: Math.max(next.start.getTime(), notBefore), trigger: anyTime ? 'any-time' : 'window', opening: anyTime ? null : next };
      if (next.start.getTime() > ctx.now && next.start.getTime() >= notBefore) {
        const resumes = when(next.start.getTime(), next.timeZone, ctx.now);
        const text = anyTime ? `a blackout date: upgrades resume ${resumes}` : `outside the windows: ${describeWindow(next)} opens ${resumes}`;
        delays.push({ code: 'outside-window', kind: 'waiting', text, until: next.start.toISOString() });
      }
    }
  }
  const { at, trigger } = timing;
  const open = timing.opening;
  const decided: ReleaseDecision = {
    ...base,
    at: new Date(at).toISOString(),
    trigger,
    window: open ? { name: open.window.name, start: open.start.toISOString(), end: open.end.toISOString(), timeZone: open.timeZone } : null,
  };
  const because = why(trigger, c, open, approved);

  // 5. Starting now also needs mains power and an unmetered connection, where the policy says so and the OS tells.
  if (at <= ctx.now) {
    const device = ctx.input.device ?? {};
    const held: Reason[] = [];
    if (device.onBattery === true && policy.battery === 'wait') held.push({ code: 'battery', kind: 'waiting', text: 'on battery power: waiting for mains power (automation.battery: wait)' });
    if (device.metered === true && policy.metered === 'wait') held.push({ code: 'metered', kind: 'waiting', text: 'on a metered connection: waiting for an unmetered one (automation.metered: wait)' });
    if (held.length > 0) return waiting([...held, ...notes]);
    return finish(decided, 'due', notes, `${label} upgrades now — ${because}`);
  }
  const held = delays.filter((d) => d.code !== 'outside-window').map((d) => `; ${d.text}`).join('');
  return finish(decided, 'scheduled', [...delays, ...notes], `${label} will upgrade ${when(at, open ? open.timeZone : tz, ctx.now)} — ${because}${held}`);
}

function finish(base: ReleaseDecision, status: ReleaseDecision['status'], reasons: Reason[], summary: string): ReleaseDecision {
  return { ...base, status, reasons, summary, ...(status === 'refused' || status === 'waiting' ? { at: null, trigger: null, window: null } : {}) };
}

function refusalsFor(state: ProjectAutomationState, c: CandidateRelease, policy: AutomationPolicy, approval: Approval | null, fastPath: boolean, tz: string, now: number): Reason[] {
  const out: Reason[] = [];
  const refuse = (code: Reason['code'], text: string, until?: string) => out.push({ code, kind: 'refused', text, ...(until ? { until } : {}) });
  const d = describeRefusal(state, c, tz, now);
  if (state.dirty) refuse('dirty', d.dirty);
  if (state.diverged) refuse('diverged', d.diverged);
  if (state.rollbackLoop) {
    const parsed = state.rollbackLoop.until ? Date.parse(state.rollbackLoop.until) : null;
    const until = parsed === null || Number.isNaN(parsed) ? null : parsed;
    if (until === null || until > now) refuse('rollback-loop', d.rollbackLoop, until === null ? undefined : new Date(until).toISOString());
  }
  if (!c.offered) refuse('not-offered', d.notOffered);
  if (c.compatible === false) refuse('incompatible', d.incompatible);
  if (c.compatible === null) refuse('unverified', d.unverified);
  if ((c.breaking ?? []).length > 0 && c.breakingAllowed !== true) refuse('breaking', d.breaking);
  if (c.gate === 'manual') refuse('gate-manual', d.gateManual);
  if (c.gate === 'skip') refuse('gate-skip', d.gateSkip);
  // A person skipped it: the scheduler never installs what the Updates view no longer offers.
  if (c.skippedBy) refuse('user-skip', `${c.version} was skipped${isMajorSkip(c.skippedBy) ? ` (${describeSkip(c.skippedBy)})` : ''}: never installed unattended — \`upshift unskip ${state.project} ${c.skippedBy}\` offers it again`);
  if (approval?.state === 'rejected') refuse('rejected', d.rejected(approval));
  if (!policy.enabled) refuse('disabled', `unattended upgrades are off for ${state.project} (automation.enabled)`);
  const bumps = fastPath ? (policy.security.bumps ?? policy.bumps) : policy.bumps;
  if (GATED.has(c.bump) && !bumps.includes(c.bump as GatedBump)) {
    const key = fastPath && policy.security.bumps ? 'automation.security.bumps' : 'automation.bumps';
    refuse('bump-not-unattended', `${bumpInWords(c.bump, c.crosses ?? null)} is not installed unattended (${key}: ${bumps.join(', ') || 'none'})`);
  }
  return out;
}

function pauseReason(p: ActivePause, project: string, tz: string, now: number): Reason {
  const who = p.scope === 'global' ? 'automation is paused' : `automation is paused for ${project}`;
  const why = p.pause.reason ? ` (${p.pause.reason})` : '';
  if (p.until === null) return { code: 'paused', kind: 'waiting', text: `${who} until resumed${why}` };
  return { code: 'paused', kind: 'waiting', text: `${who} until ${when(p.until, tz, now)}${why}`, until: new Date(p.until).toISOString() };
}

/**
 * The window this release could have upgraded in while nobody was there: the first opening after the scheduler last
 * evaluated and after the release became due (found, soaked, approved, a pause over) that closed before now. Without
 * `lastEvaluatedAt` (a first run) nothing counts as missed: a window the scheduler was awake for is not missed, even
 * when something else held the release back then.
 */
function missedOpening(
  c: CandidateRelease,
  windows: AutomationPolicy['windows'],
  policy: AutomationPolicy,
  approved: Approval | null,
  soakEnd: number | null,
  ctx: Context,
  options: OpeningOptions,
): Opening | null {
  const last = ctx.input.lastEvaluatedAt?.getTime() ?? null;
  const found = c.foundAt ?? c.publishedAt ?? null;
  if (last === null || found === null) return null;
  const marks = [Date.parse(found), soakEnd ?? -Infinity, approved?.decidedAt ? Date.parse(approved.decidedAt) : -Infinity, ctx.globalPauseEnded ?? -Infinity];
  if (policy.pause?.until && Date.parse(policy.pause.until) <= ctx.now) marks.push(Date.parse(policy.pause.until));
  const dueSince = Math.max(...marks);
  let from = Math.max(dueSince, last);
  for (let i = 0; i < 2 && from < ctx.now; i++) {
    const o = opening(ctx, windows, from, options);
    if (!o || o.end.getTime() > ctx.now) return null;
    // Open when the scheduler last looked: it was awake for that one; look at the next.
    if (Math.max(o.start.getTime(), dueSince) > last) return o;
    from = o.end.getTime();
  }
  return null;
}

function why(trigger: Trigger, c: CandidateRelease, opening: Opening | null, approved: Approval | null): string {
  switch (trigger) {
    case 'window':
      return `window '${opening!.window.name}'${approved ? `, approved by ${approved.decidedBy ?? 'someone'}` : ''}`;
    case 'security': {
      const ids = c.security?.ids?.length ? ` (${c.security.ids.join(', ')})` : '';
      return `${c.security?.critical ? 'critical security fix' : 'security fix'}${ids}, at once`;
    }
    case 'approval':
      return `approved by ${approved?.decidedBy ?? 'someone'} to upgrade now`;
    case 'catch-up':
      return 'catching up on a missed window';
    default:
      return 'at any time (no windows configured)';
  }
}

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

/** Orders what is due (security first, then approvals, catch-ups, windows; then by project) and keeps maxConcurrent. */
function applyConcurrency(projects: ProjectSchedule[], input: ScheduleInput): Schedule['due'] {
  const running = input.projects.filter((p) => p.running).map((p) => p.project);
  const max = input.settings.maxConcurrent ?? DEFAULT_AUTOMATION.maxConcurrent;
  let free = Math.max(0, max - running.length);
  const rank = (r: ReleaseDecision) => (r.trigger === 'security' ? 0 : r.security ? 1 : r.trigger === 'approval' ? 2 : r.trigger === 'catch-up' ? 3 : 4);
  const due = projects
    .filter((p) => p.next?.status === 'due')
    .sort((a, b) => rank(a.next!) - rank(b.next!) || a.project.localeCompare(b.project));
  const out: Schedule['due'] = [];
  for (const p of due) {
    const r = p.next!;
    if (free > 0) {
      free--;
      out.push({ project: p.project, version: r.version, tag: r.tag, commit: r.commit, trigger: r.trigger! });
      continue;
    }
    const busy = [...running, ...out.map((o) => o.project)];
    r.status = 'waiting';
    r.reasons = [{ code: 'max-concurrent', kind: 'waiting', text: `waiting for a free slot: ${busy.length} of ${max} unattended upgrades running (${busy.join(', ')}) — automation.maxConcurrent` }, ...r.reasons];
    r.summary = `${p.project} ${r.version} is due but waits for a free slot (maxConcurrent ${max}: ${busy.join(', ')})`;
    p.summary = r.summary;
  }
  return out;
}
