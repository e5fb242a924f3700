/** Gotify (https://gotify.net/docs/pushmsg): POST /message with the app token in X-Gotify-Key, never in the URL. */
import { plainText } from './message.js';
import { postOutcome } from './http.js';
import type { ChannelDeps, ChannelTarget, NotifyEvent, SendOutcome } from './types.js';

export function gotifyPayload(target: Extract<ChannelTarget, { kind: 'gotify' }>, event: NotifyEvent): Record<string, unknown> {
  const urgent = event.type === 'rollback_failed' || event.type === 'security_release';
  return { title: event.title, message: plainText(event), priority: urgent ? Math.max(target.priority, 8) : target.priority, extras: { 'client::display': { contentType: 'text/plain' }, upshift: { type: event.type, project: event.project } } };
}

export function sendGotify(target: Extract<ChannelTarget, { kind: 'gotify' }>, event: NotifyEvent, deps: ChannelDeps, now: number): Promise<SendOutcome> {
  return postOutcome(`${target.base}/message`, JSON.stringify(gotifyPayload(target, event)), { 'content-type': 'application/json', 'x-gotify-key': target.token }, deps, now);
}
