import { randomBytes } from 'node:crypto';
import type { UpshiftEvent } from '../../../shared/api/contract.js';
import type { ApiError, Channel, ProjectCheck } from '../../../shared/api/types.js';
import { compareVersions, parseVersion } from '../../../shared/version/index.js';
import { majorSkip } from '../../../shared/policy/skips.js';
import type { StateStore } from '../state/index.js';
import type { Clock } from './clock.js';
import { tagMovedEvent, type NotifyInput } from '../notify/hub.js';

/** What the user is told: a new release, or that checking a project started failing. */
export interface Notification {
  id: string;
  kind: 'update' | 'check-failed';
  project: string;
  /** The release (update), or null (check-failed). */
  version: string | null;
  title: string;
  body: string;
}

/**
 * Shows notifications natively. The Electron shell passes one (clicking an update opens that project's plan);
 * `upshift serve` passes none and the dashboard shows the `notification` events instead. A notifier that throws
 * or rejects is ignored: a broken notification must never break checking.
 */
export interface Notifier {
  notify(notification: Notification): void | Promise<void>;
}

export interface NotificationCenterOptions {
  store: StateStore;
  clock: Clock;
  emit: (event: UpshiftEvent) => void;
  notifier?: Notifier | undefined;
  /** settings.notifications.enabled, read at each decision. */
  enabled: () => boolean;
  /** The project's channel with the app's override applied (asked only about prereleases). */
  channelOf: (project: string) => Channel;
  /**
   * The notification channels (electron/core/notify): told about the same updates (after the same claim, so once
   * per version) and about each distinct check failure, whether or not desktop notifications are on.
   */
  outbound?: ((event: NotifyInput) => void) | undefined;
}

/** Why a release is (not) worth telling the user about now; `remindAfter` is set for a reminder after a snooze. */
export type UpdateVerdict = { notify: true; version: string; remindAfter: string | null } | { notify: false; reason: string };

/**
 * The rules for an update notification, from a check and the user's decisions: a release strictly newer than the
 * version running now (never a downgrade, never when the current version is unknown, since then "newer" means
 * nothing), not a prerelease on the stable channel, not skipped, not snoozed; after a snooze has passed, once more.
 */
export function updateVerdict(check: ProjectCheck, channel: Channel | (() => Channel), store: StateStore, now: number): UpdateVerdict {
  if (check.error) return { notify: false, reason: 'the check failed' };
  const latest = check.latest;
  if (!latest || !check.updateAvailable) return { notify: false, reason: 'no update' };
  const current = check.current.version ? parseVersion(check.current.version) : null;
  const target = parseVersion(latest.version);
  if (!current || !target) return { notify: false, reason: 'current version unknown' };
  if (compareVersions(target, current) <= 0) return { notify: false, reason: 'not newer than the current version' };
  if (latest.prerelease && (typeof channel === 'function' ? channel() : channel) === 'stable') return { notify: false, reason: 'prerelease on the stable channel' };
  const decision = store.getDecision(check.name, target.normalized);
  if (decision?.kind === 'skip') return { notify: false, reason: 'skipped' };
  // "Skip this major": every release of that major line (shared/policy/skips.ts).
  if (store.getDecision(check.name, majorSkip(target.normalized)!)?.kind === 'skip') return { notify: false, reason: 'skipped' };
  if (decision?.kind === 'snooze' && decision.until) {
    if (Date.parse(decision.until) > now) return { notify: false, reason: 'snoozed' };
    return { notify: true, version: target.normalized, remindAfter: decision.until };
  }
  return { notify: true, version: target.normalized, remindAfter: null };
}

function firstLine(text: string, max = 240): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Decides, records and delivers notifications. Update notifications are claimed in the database before they are
 * sent, so each (project, version) is announced once — across restarts and across processes sharing the state —
 * plus once more when a snooze runs out. Check failures are announced once per distinct failure (same code and
 * message), and again only after the project was checked successfully and then failed anew; that memory is per
 * process, so a restart may say a persisting failure once more.
 */
export class NotificationCenter {
  private readonly failing = new Map<string, string>();

  constructor(private readonly opts: NotificationCenterOptions) {}

  /** Everything a fresh check of one project may have to say. */
  afterCheck(check: ProjectCheck): void {
    if (check.error) this.failed(check.name, check.error);
    else this.failing.delete(check.name);
    for (const m of check.tagMoves ?? []) if (m.fresh) this.opts.outbound?.(tagMovedEvent(check.name, m));
    this.considerUpdate(check);
  }

  /** Update notifications only, e.g. from the cached checks when a snooze runs out (no network needed). */
  considerUpdate(check: ProjectCheck): boolean {
    if (!this.opts.enabled()) return false;
    const verdict = updateVerdict(check, () => this.opts.channelOf(check.name), this.opts.store, this.opts.clock.now());
    if (!verdict.notify) return false;
    const at = new Date(this.opts.clock.now()).toISOString();
    if (!this.opts.store.claimNotification(check.name, verdict.version, at, verdict.remindAfter)) return false;
    const latest = check.latest!;
    const details = [
      `${check.current.version} → ${verdict.version}`,
      check.bump ? `${check.bump} update` : null,
      check.risk ? `${check.risk.level} risk` : null,
      check.compatible === false ? `blocked: ${firstLine(check.blockers[0] ?? 'a dependent refuses it')}` : null,
    ].filter((x): x is string => x !== null);
    const title = verdict.remindAfter ? `Reminder: ${check.name} ${latest.version} is available` : `${check.name} ${latest.version} is available`;
    this.opts.outbound?.({ id: `update:${check.name}:${verdict.version}:${at}`, type: 'update_available', project: check.name, version: verdict.version, from: check.current.version, to: verdict.version, title, body: details.join(' · ') });
    this.deliver({
      id: newId(),
      kind: 'update',
      project: check.name,
      version: verdict.version,
      title: verdict.remindAfter ? `Reminder: ${check.name} ${latest.version} is available` : `${check.name} ${latest.version} is available`,
      body: details.join(' · '),
    });
    return true;
  }

  /** Forgets a removed project. */
  forget(project: string): void {
    this.failing.delete(project);
  }

  /** The earliest snooze still running, when a reminder may be due (ms since epoch), or null. */
  nextReminderAt(): number | null {
    const now = this.opts.clock.now();
    let next: number | null = null;
    for (const d of this.opts.store.listDecisions()) {
      if (d.kind !== 'snooze' || !d.until) continue;
      const at = Date.parse(d.until);
      if (at > now && (next === null || at < next)) next = at;
    }
    return next;
  }

  private failed(project: string, error: ApiError): void {
    const fingerprint = `${error.code}\0${error.message}`;
    if (this.failing.get(project) === fingerprint) return;
    this.failing.set(project, fingerprint);
    this.opts.emit({ type: 'check-failed', project, error });
    this.opts.outbound?.({ type: 'check_failing', project, title: `Checking ${project} failed`, body: firstLine(error.message), error: `${error.code}: ${error.message}` });
    if (!this.opts.enabled()) return;
    this.deliver({ id: newId(), kind: 'check-failed', project, version: null, title: `Checking ${project} failed`, body: firstLine(error.message) });
  }

  private deliver(n: Notification): void {
    if (n.kind === 'update') this.opts.emit({ type: 'notification', id: n.id, project: n.project, version: n.version ?? '', title: n.title, body: n.body });
    const notifier = this.opts.notifier;
    if (!notifier) return;
    try {
      void Promise.resolve(notifier.notify(n)).catch(() => undefined);
    } catch {
      // See Notifier: never let the shell's notification break a check.
    }
  }
}

function newId(): string {
  return `ntf_${randomBytes(6).toString('hex')}`;
}
