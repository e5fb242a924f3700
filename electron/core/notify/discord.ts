/**
 * Discord webhooks with an embed (https://discord.com/developers/docs/resources/webhook#execute-webhook). A 429
 * carries `retry_after` (seconds) in its JSON body as well as Retry-After; either is honoured.
 */
import { eventColor, eventFacts, plainText } from './message.js';
import { postOutcome, type PostResult } from './http.js';
import type { ChannelDeps, NotifyEvent, SendOutcome } from './types.js';

export function discordPayload(event: NotifyEvent): Record<string, unknown> {
  const fields = eventFacts(event).map((f) => ({ name: f.label, value: f.value.slice(0, 1024), inline: true }));
  if (event.error) fields.push({ name: 'Error', value: event.error.slice(0, 1024), inline: false });
  if (event.manualRecovery) fields.push({ name: 'To finish by hand', value: event.manualRecovery.slice(0, 1024), inline: false });
  return {
    username: 'Upshift',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: event.title.slice(0, 256),
        description: (event.events ? plainText(event) : event.body).slice(0, 4096),
        color: eventColor(event.type),
        fields: fields.slice(0, 25),
        timestamp: event.at,
        footer: { text: `Upshift · ${event.type.replace(/_/g, ' ')}` },
      },
    ],
  };
}

function discordRetryAfter(r: PostResult): number | null {
  try {
    const v = (JSON.parse(r.body) as { retry_after?: unknown }).retry_after;
    return typeof v === 'number' && v >= 0 ? Math.round(v * 1000) : null;
  } catch {
    return null;
  }
}

export function sendDiscord(target: { endpoint: string }, event: NotifyEvent, deps: ChannelDeps, now: number): Promise<SendOutcome> {
  return postOutcome(`${target.endpoint}?wait=true`, JSON.stringify(discordPayload(event)), { 'content-type': 'application/json' }, deps, now, discordRetryAfter);
}
