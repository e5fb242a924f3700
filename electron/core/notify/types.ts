import type { NotifyChannelKind, NotifyEventType } from '../../../shared/api/notify.js';

export type { NotifyChannelKind, NotifyEventType };

/** One thing worth telling, as every channel receives it (each formats it its own way). */
export interface NotifyEvent {
  /** Unique per event; with the channel it makes the idempotency key of each delivery. */
  id: string;
  type: NotifyEventType;
  project: string | null;
  /** The release concerned (update, security release, approval) or the version reached (upgraded). */
  version: string | null;
  from: string | null;
  to: string | null;
  title: string;
  body: string;
  /** ISO-8601 time of the event. */
  at: string;
  /** The operation it is about, the failing step, the commands to finish a failed rollback by hand. */
  operation?: string | null;
  step?: string | null;
  error?: string | null;
  manualRecovery?: string | null;
  /** A digest: the events it gathers. */
  events?: NotifyEvent[];
}

/** A channel as parsed from its URL (url.ts), with its routing. Holds secrets: never print it, print `redacted`. */
export interface ChannelSpec {
  /** Fingerprint of the URL (sha256, 16 hex digits): the outbox and the health table key on it. */
  id: string;
  kind: NotifyChannelKind;
  /** The URL as given. Secret. */
  url: string;
  /** The URL with every secret replaced by `***`. */
  redacted: string;
  /** Configured name; else the redacted URL is shown. */
  name: string | null;
  events: NotifyEventType[] | null;
  projects: string[] | null;
  /** HH:MM local time of the daily digest, or null. */
  digest: string | null;
  /** At most this many messages per minute to this channel. */
  ratePerMinute: number;
  /** The strings that must never appear in output (passwords, tokens, webhook paths). */
  secrets: string[];
  /** Kind-specific settings (see url.ts). */
  target: ChannelTarget;
}

export type ChannelTarget =
  | { kind: 'file'; path: string }
  | { kind: 'webhook'; endpoint: string; hmacSecret: string | null; headers: Record<string, string> }
  | { kind: 'slack'; endpoint: string }
  | { kind: 'discord'; endpoint: string }
  | { kind: 'ntfy'; base: string; topic: string; auth: string | null; priority: number | null }
  | { kind: 'gotify'; base: string; token: string; priority: number }
  | { kind: 'email'; host: string; port: number; secure: boolean; user: string | null; pass: string | null; from: string; to: string[]; authMethod: 'PLAIN' | 'LOGIN' | null }
  | { kind: 'desktop' };

/** What a delivery attempt came to. `retryAfterMs`: the receiver said when to come back (Retry-After, 429). */
export type SendOutcome = { ok: true } | { ok: false; permanent: boolean; error: string; retryAfterMs: number | null };

/**
 * What channels need from the outside world. Tests point the public hosts (hooks.slack.com, discord.com) at a
 * receiver on 127.0.0.1 and give the SMTP client the test server's certificate; nothing else is replaced.
 */
export interface ChannelDeps {
  /** `https://hooks.slack.com` → `http://127.0.0.1:PORT`: requests to a host listed here go to the given base. */
  hostOverrides?: Record<string, string>;
  /** Extra CA certificates (PEM) for TLS (the SMTP server's, a webhook's). */
  ca?: string;
  /** Per-request deadline, ms (default 10 s). */
  timeoutMs?: number;
  /** Aborts requests in flight (the CLI's bounded flush at exit). */
  signal?: AbortSignal;
  /** Headless desktop notifications (desktop.ts); absent: the desktop channel reports it cannot show one. */
  desktop?: { show(title: string, body: string): Promise<SendOutcome> };
}

export class ChannelUrlError extends Error {
  readonly code = 'NOTIFY_URL_INVALID';
  constructor(
    message: string,
    readonly redacted: string,
  ) {
    super(message);
    this.name = 'ChannelUrlError';
  }
}
