/**
 * The generic webhook (json:// and jsons://): the event as a JSON body. With `?secret=…` the body is signed with
 * HMAC-SHA256 as GitHub signs its webhooks: `X-Upshift-Signature-256: sha256=<hex of HMAC(secret, raw body)>`; a
 * receiver recomputes it over the exact bytes it got and compares in constant time. `Idempotency-Key` lets it drop
 * a message it already has (delivery is at least once: a crash between sending and recording may send again).
 */
import { createHmac } from 'node:crypto';
import { postOutcome } from './http.js';
import type { ChannelDeps, ChannelTarget, NotifyEvent, SendOutcome } from './types.js';

export const SIGNATURE_HEADER = 'X-Upshift-Signature-256';

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function webhookBody(event: NotifyEvent, key: string): string {
  return JSON.stringify({ key, source: 'upshift', ...event });
}

export function sendWebhook(target: Extract<ChannelTarget, { kind: 'webhook' }>, event: NotifyEvent, key: string, deps: ChannelDeps, now: number): Promise<SendOutcome> {
  const body = webhookBody(event, key);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': key, 'x-upshift-event': event.type, ...target.headers };
  if (target.hmacSecret) headers[SIGNATURE_HEADER] = sign(target.hmacSecret, body);
  return postOutcome(target.endpoint, body, headers, deps, now);
}
