/**
 * Notification channels as the dashboard and `upshift notify` see them: never a URL with its secrets, only the
 * redacted form (`slack://***`, `smtp://me:***@mail.example:587`), its routing and its health.
 */

/** Everything Upshift tells channels about. `test` is only ever sent by "Send test" / `upshift notify test`. */
export const NOTIFY_EVENT_TYPES = ['update_available', 'needs_approval', 'upgraded', 'rolled_back', 'rollback_failed', 'check_failing', 'security_release', 'tag_moved', 'test'] as const;
export type NotifyEventType = (typeof NOTIFY_EVENT_TYPES)[number];

export type NotifyChannelKind = 'file' | 'webhook' | 'slack' | 'discord' | 'ntfy' | 'gotify' | 'email' | 'desktop';

/**
 * A channel's health. `ok`: the last delivery succeeded; `retrying`: the last attempt failed and messages wait
 * for their next try; `unhealthy`: a message was given up (undeliverable for 24 h, or refused for good) since
 * the last success; `unused`: nothing was sent yet.
 */
export type ChannelHealthState = 'ok' | 'retrying' | 'unhealthy' | 'unused';

export interface ChannelHealth {
  /** Stable id of the channel (a fingerprint of its URL; never the URL). */
  id: string;
  /** What to call it: its configured name, else the redacted URL. */
  name: string;
  kind: NotifyChannelKind;
  /** The URL with every secret replaced by `***`. */
  redacted: string;
  /** Where it is configured: the app's settings, the environment (UPSHIFT_NOTIFY_URLS) or a project's manifest. */
  origin: 'settings' | 'env' | 'manifest';
  /** For a manifest's channel, the project whose manifest names it. */
  project: string | null;
  /** Event types it receives (null: all). */
  events: NotifyEventType[] | null;
  /** Projects it receives events of (null: all). */
  projects: string[] | null;
  /** Daily digest time (HH:MM, local time), or null for each message at once. */
  digest: string | null;
  state: ChannelHealthState;
  /** Messages waiting in the outbox (pending or being sent). */
  pending: number;
  /** Messages given up on since the last success. */
  gaveUp: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** The last failure, redacted. */
  lastError: string | null;
}

export interface NotifyTestResult {
  id: string;
  name: string;
  kind: NotifyChannelKind;
  ok: boolean;
  /** Why it failed, redacted; null when it was delivered. */
  error: string | null;
  durationMs: number;
}
