/**
 * Slack incoming webhooks (https://api.slack.com/messaging/webhooks): `text` as the fallback shown in
 * notifications, `blocks` for the message itself (Block Kit: a header, the body, the facts as fields, a context line).
 */
import { eventFacts } from './message.js';
import { postOutcome } from './http.js';
import type { ChannelDeps, NotifyEvent, SendOutcome } from './types.js';

/** Slack's mrkdwn needs &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(event: NotifyEvent, channel: string | null): Record<string, unknown> {
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: event.title.slice(0, 150), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: esc(event.body).slice(0, 3000) } },
  ];
  const facts = eventFacts(event);
  if (facts.length > 0) blocks.push({ type: 'section', fields: facts.slice(0, 10).map((f) => ({ type: 'mrkdwn', text: `*${esc(f.label)}*\n${esc(f.value)}` })) });
  if (event.error) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${esc(event.error).slice(0, 2900)}\`\`\`` } });
  if (event.manualRecovery) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*To finish by hand*\n\`\`\`${esc(event.manualRecovery).slice(0, 2800)}\`\`\`` } });
  for (const e of (event.events ?? []).slice(0, 40)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `• *${esc(e.title)}*${e.body ? `\n${esc(e.body)}` : ''}`.slice(0, 3000) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Upshift · ${event.type.replace(/_/g, ' ')} · ${event.at}` }] });
  return { text: `${event.title}: ${event.body}`.slice(0, 3000), blocks, ...(channel ? { channel } : {}) };
}

export function sendSlack(target: { endpoint: string }, event: NotifyEvent, deps: ChannelDeps, now: number): Promise<SendOutcome> {
  const hash = target.endpoint.indexOf('#');
  const endpoint = hash >= 0 ? target.endpoint.slice(0, hash) : target.endpoint;
  const channel = hash >= 0 ? `#${target.endpoint.slice(hash + 1)}` : null;
  return postOutcome(endpoint, JSON.stringify(slackPayload(event, channel)), { 'content-type': 'application/json' }, deps, now);
}
