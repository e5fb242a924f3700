/**
 * Native notifications for the engine's NotificationCenter (which already decides what is worth telling — once per
 * version, never a downgrade, the user's settings respected). Clicking one calls `onClick`: the app opens that
 * update's plan, or the window for a failed check.
 */
import { Notification } from 'electron';
import type { Notification as UpshiftNotification, Notifier } from '../core/service/index.js';

/** Notifications still on screen. Electron drops the click handler of one that was garbage-collected. */
const MAX_LIVE = 20;

export function createNativeNotifier(opts: { onClick: (notification: UpshiftNotification) => void; icon?: string }): Notifier {
  const live = new Set<Notification>();
  return {
    notify(n) {
      if (!Notification.isSupported()) return;
      const native = new Notification({ title: n.title, body: n.body, ...(opts.icon ? { icon: opts.icon } : {}) });
      const forget = (): void => void live.delete(native);
      native.on('click', () => {
        forget();
        opts.onClick(n);
      });
      native.on('close', forget);
      native.on('failed', forget);
      live.add(native);
      for (const old of live) {
        if (live.size <= MAX_LIVE) break;
        live.delete(old);
      }
      native.show();
    },
  };
}
