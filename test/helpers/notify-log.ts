/**
 * A notification channel the tests can read: a `file://` log channel (one JSON object per line, docs/notifications.md)
 * set through UPSHIFT_NOTIFY_URLS on a CLI harness.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliHarness } from './cli.js';
import { makeTempDir } from './repos.js';

export interface LoggedEvent {
  type: string;
  project: string;
  from?: string;
  to?: string;
  step?: string;
}

/**
 * Points `cli`'s notifications at a fresh log file; returns a reader of the events delivered so far. Its rate is the
 * highest a channel may have (600 a minute, 100 ms apart), so that several events fit in one command's ~2 s flush.
 */
export function notifyLog(cli: CliHarness): () => LoggedEvent[] {
  const file = join(makeTempDir('upshift-notify-log-'), 'notify.jsonl');
  cli.env.UPSHIFT_NOTIFY_URLS = `file://${file}?rate=600`;
  return () =>
    existsSync(file)
      ? readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as LoggedEvent)
      : [];
}
