/** Sends one event to one channel, whatever its kind; the error, if any, never carries the channel's secrets. */
import { sendDiscord } from './discord.js';
import { sendEmail } from './email.js';
import { sendFile } from './file.js';
import { sendGotify } from './gotify.js';
import { sendNtfy } from './ntfy.js';
import { sendSlack } from './slack.js';
import { scrub } from './url.js';
import { sendWebhook } from './webhook.js';
import type { ChannelDeps, ChannelSpec, NotifyEvent, SendOutcome } from './types.js';

export async function sendTo(spec: ChannelSpec, event: NotifyEvent, key: string, deps: ChannelDeps, now: number): Promise<SendOutcome> {
  let outcome: SendOutcome;
  try {
    const t = spec.target;
    switch (t.kind) {
      case 'file':
        outcome = await sendFile(t, event, key);
        break;
      case 'webhook':
        outcome = await sendWebhook(t, event, key, deps, now);
        break;
      case 'slack':
        outcome = await sendSlack(t, event, deps, now);
        break;
      case 'discord':
        outcome = await sendDiscord(t, event, deps, now);
        break;
      case 'ntfy':
        outcome = await sendNtfy(t, event, deps, now);
        break;
      case 'gotify':
        outcome = await sendGotify(t, event, deps, now);
        break;
      case 'email':
        outcome = await sendEmail(t, event, key, deps);
        break;
      case 'desktop':
        outcome = deps.desktop ? await deps.desktop.show(event.title, event.body) : { ok: false, permanent: true, error: 'no desktop notifications in this process', retryAfterMs: null };
        break;
    }
  } catch (err) {
    outcome = { ok: false, permanent: false, error: (err as Error).message, retryAfterMs: null };
  }
  return outcome.ok ? outcome : { ...outcome, error: scrub(outcome.error, spec.secrets).slice(0, 500) };
}
