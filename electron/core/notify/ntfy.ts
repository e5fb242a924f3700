/** ntfy (https://docs.ntfy.sh/publish/#publish-as-json): JSON published to the server's root, the topic in the body. */
import { plainText } from './message.js';
import { postOutcome } from './http.js';
import type { ChannelDeps, ChannelTarget, NotifyEvent, SendOutcome } from './types.js';

const TAGS: Record<string, string[]> = {
  update_available: ['arrow_up'],
  needs_approval: ['raised_hand'],
  upgraded: ['white_check_mark'],
  rolled_back: ['leftwards_arrow_with_hook'],
  rollback_failed: ['rotating_light'],
  check_failing: ['warning'],
  security_release: ['lock'],
  test: ['test_tube'],
};

export function ntfyPayload(target: Extract<ChannelTarget, { kind: 'ntfy' }>, event: NotifyEvent): Record<string, unknown> {
  const urgent = event.type === 'rollback_failed' || event.type === 'security_release';
  return { topic: target.topic, title: event.title, message: plainText(event), tags: TAGS[event.type] ?? [], priority: target.priority ?? (urgent ? 5 : 3) };
}

export function sendNtfy(target: Extract<ChannelTarget, { kind: 'ntfy' }>, event: NotifyEvent, deps: ChannelDeps, now: number): Promise<SendOutcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(target.auth ? { authorization: target.auth } : {}) };
  return postOutcome(`${target.base}/`, JSON.stringify(ntfyPayload(target, event)), headers, deps, now);
}
