/**
 * Offline mode, globally: the `offline` setting (the dashboard's toggle, `upshift offline on|off`) and
 * `UPSHIFT_OFFLINE`. A manifest's `offline: true` turns it on for one project (see releases.ts isOffline).
 */
import type { StateStore } from '../state/index.js';

/** True when `UPSHIFT_OFFLINE` is set to anything but '', '0' or 'false'. */
export function offlineFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.UPSHIFT_OFFLINE;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** Whether this process is offline for every project, and why (the environment wins: it cannot be switched off here). */
export interface OfflineStatus {
  offline: boolean;
  source: 'env' | 'setting' | null;
  /** The stored setting, whatever the environment says. */
  setting: boolean;
  /** UPSHIFT_OFFLINE is set in this process's environment. */
  env: boolean;
}

export function offlineStatus(store: StateStore, env: NodeJS.ProcessEnv = process.env): OfflineStatus {
  const fromEnv = offlineFromEnv(env);
  const setting = store.getSetting('offline') === true;
  return { offline: fromEnv || setting, source: fromEnv ? 'env' : setting ? 'setting' : null, setting, env: fromEnv };
}

/** Writes the global setting (the same key the dashboard's settings use). */
export function setOffline(store: StateStore, offline: boolean): void {
  store.setSettings({ offline });
}
