/**
 * Desktop notifications without Electron (the daemon and `upshift serve`), through node-notifier
 * (notify-send on Linux, Notification Center on macOS, toasts on Windows). It is an optional dependency, loaded on
 * first use; when it is not installed, or the system has no notification daemon (a server, a container, no D-Bus),
 * a notification is reported as not shown — never thrown — and the reason is kept for `upshift doctor`.
 */
import type { Notification, Notifier } from '../service/notifications.js';
import type { SendOutcome } from './types.js';

interface NodeNotifierLike {
  notify(options: { title: string; message: string; wait?: boolean; timeout?: number }, callback: (err: Error | null) => void): unknown;
}

export interface HeadlessDesktop {
  show(title: string, body: string): Promise<SendOutcome>;
  /** Why the last notification could not be shown, or null when it was (or none was tried). */
  readonly problem: string | null;
}

async function loadNodeNotifier(): Promise<NodeNotifierLike> {
  const mod = (await import('node-notifier')) as unknown as { default?: NodeNotifierLike } & NodeNotifierLike;
  return mod.default ?? mod;
}

/** `load` replaces the import in tests (a missing package); `timeoutMs` bounds a notifier that never answers. */
export function headlessDesktop(opts: { load?: () => Promise<NodeNotifierLike>; timeoutMs?: number } = {}): HeadlessDesktop {
  let loaded: Promise<NodeNotifierLike> | null = null;
  const state = { problem: null as string | null };
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const show = async (title: string, body: string): Promise<SendOutcome> => {
    let notifier: NodeNotifierLike;
    try {
      loaded ??= (opts.load ?? loadNodeNotifier)();
      notifier = await loaded;
    } catch (err) {
      state.problem = `node-notifier is not available (${(err as Error).message.split('\n')[0]}); install it to get desktop notifications without the tray app`;
      return { ok: false, permanent: true, error: state.problem, retryAfterMs: null };
    }
    const error = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(`the notification daemon did not answer within ${timeoutMs / 1000} s`), timeoutMs);
      timer.unref();
      try {
        notifier.notify({ title, message: body || ' ', wait: false }, (err) => {
          clearTimeout(timer);
          resolve(err ? err.message.split('\n')[0] || 'failed' : null);
        });
      } catch (err) {
        clearTimeout(timer);
        resolve((err as Error).message);
      }
    });
    state.problem = error === null ? null : `no desktop notification could be shown: ${error}`;
    return error === null ? { ok: true } : { ok: false, permanent: true, error: state.problem!, retryAfterMs: null };
  };
  return {
    show,
    get problem() {
      return state.problem;
    },
  };
}

/** The service's Notifier (update available, check failing) over a headless desktop; it never throws. */
export function headlessNotifier(desktop: HeadlessDesktop): Notifier {
  return { notify: (n: Notification) => desktop.show(n.title, n.body).then(() => undefined) };
}
