import { type SelfUpdateStatus } from '../../../shared/policy/selfupdate.js';
import type { SelfUpdateStore } from './store.js';

/**
 * The status where Upshift does not update itself: browser mode and the CLI (updated by whatever installed them),
 * or the tray app without an update feed (a development build). It offers nothing and pretends nothing.
 */
export function externalStatus(current: string, store: SelfUpdateStore, why: { managed: 'external' | 'disabled'; note: string }): SelfUpdateStatus {
  const prefs = store.read();
  return {
    managed: why.managed,
    note: why.note,
    current,
    channel: prefs.channel,
    phase: 'idle',
    available: null,
    offer: null,
    remindUntil: null,
    installOnQuit: false,
    progress: null,
    lastCheckAt: prefs.lastCheckAt,
    error: null,
    refused: null,
  };
}
