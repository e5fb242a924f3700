/**
 * The words of each event, shared by every channel: a title, a body, and labelled facts. Channels only lay
 * them out (Slack blocks, a Discord embed, an e-mail), so a message says the same thing everywhere.
 */
import { randomBytes } from 'node:crypto';
import type { Operation } from '../../../shared/api/types.js';
import type { NotifyEvent, NotifyEventType } from './types.js';

export function newEventId(): string {
  return `evt_${randomBytes(8).toString('hex')}`;
}

/** Red for failures, amber for what wants attention, green for success, blue for news (Discord embed colours). */
export function eventColor(type: NotifyEventType): number {
  switch (type) {
    case 'rollback_failed':
    case 'security_release':
    case 'tag_moved':
      return 0xd73a49;
    case 'rolled_back':
    case 'check_failing':
    case 'needs_approval':
      return 0xdbab09;
    case 'upgraded':
      return 0x28a745;
    default:
      return 0x0366d6;
  }
}

/** Short labelled facts for layouts that show fields. */
export function eventFacts(e: NotifyEvent): Array<{ label: string; value: string }> {
  const facts: Array<{ label: string; value: string }> = [];
  if (e.project) facts.push({ label: 'Project', value: e.project });
  if (e.from || e.to) facts.push({ label: 'Version', value: `${e.from ?? '?'} → ${e.to ?? '?'}` });
  else if (e.version) facts.push({ label: 'Version', value: e.version });
  if (e.step) facts.push({ label: 'Failing step', value: e.step });
  if (e.operation) facts.push({ label: 'Operation', value: e.operation });
  return facts;
}

/** The event as plain text (ntfy, Gotify, e-mail, the desktop), body first, then the facts and any error. */
export function plainText(e: NotifyEvent): string {
  if (e.events) return [e.body, '', ...e.events.map((x) => `• ${x.title}${x.body ? ` — ${x.body}` : ''}`)].join('\n');
  const lines = [e.body, ...eventFacts(e).map((f) => `${f.label}: ${f.value}`)];
  if (e.error) lines.push(`Error: ${e.error}`);
  if (e.manualRecovery) lines.push('', 'To finish by hand:', e.manualRecovery);
  return lines.filter((l, i) => l !== '' || i > 0).join('\n');
}

/** The event of an upgrade or rollback that ended, or null when it is worth no message (blocked, cancelled). */
export function operationEvent(op: Operation, at: string): NotifyEvent | null {
  const from = op.from.version;
  const to = op.to.version;
  const failed = op.steps.find((s) => s.status === 'failed');
  const base = { id: `op:${op.id}`, project: op.project, version: to, from, to, at, operation: op.id };
  const verb = op.kind === 'rollback' ? 'rollback' : op.kind === 'recovery' ? 'recovery' : 'upgrade';
  switch (op.status) {
    case 'succeeded':
    case 'stash_kept':
      if (op.kind === 'upgrade') {
        return {
          ...base,
          type: 'upgraded',
          title: `${op.project} upgraded to ${to ?? '?'}`,
          body: `${op.project} is on ${to ?? '?'} (was ${from ?? '?'}).${op.status === 'stash_kept' ? ' Your uncommitted work did not apply on the new version and was kept in a stash.' : ''}`,
        };
      }
      if (op.kind === 'rollback') return { ...base, type: 'rolled_back', title: `${op.project} rolled back to ${to ?? '?'}`, body: `A rollback returned ${op.project} to ${to ?? '?'} (from ${from ?? '?'}), as asked.` };
      return null;
    case 'rolled_back':
      return {
        ...base,
        type: 'rolled_back',
        version: from,
        title: `${op.project}: ${verb} to ${to ?? '?'} failed and was rolled back`,
        body: `The ${verb} of ${op.project} from ${from ?? '?'} to ${to ?? '?'} failed${failed ? ` at step ${failed.id}` : ''}; ${op.project} is back on ${from ?? '?'}.`,
        step: failed?.id ?? null,
        error: failed?.error ?? op.error,
      };
    case 'failed':
    case 'interrupted':
      if (!op.manualRecovery) {
        // Failed before anything changed (a preflight refusal): the project stays where it was.
        return {
          ...base,
          type: 'rolled_back',
          version: from,
          title: `${op.project}: ${verb} to ${to ?? '?'} failed`,
          body: `The ${verb} of ${op.project} to ${to ?? '?'} failed${failed ? ` at step ${failed.id}` : ''} before changing anything; ${op.project} stays on ${from ?? '?'}.`,
          step: failed?.id ?? null,
          error: op.error ?? failed?.error ?? null,
        };
      }
      return {
        ...base,
        type: 'rollback_failed',
        title: `${op.project}: the ${verb} failed and so did its rollback`,
        body: `The ${verb} of ${op.project} from ${from ?? '?'} to ${to ?? '?'} failed${failed ? ` at step ${failed.id}` : ''}, and putting it back failed too: the checkout needs you.`,
        step: failed?.id ?? null,
        error: op.error ?? failed?.error ?? null,
        manualRecovery: op.manualRecovery,
      };
    default:
      return null;
  }
}
