/**
 * The first Intl formatter a page builds loads Chromium's locale data: 16–60 ms of the main thread on a cold load
 * on this project's loaded CI machine, and History's first rows (their day and time, in the user's locale) paid it
 * before they could be drawn. A worker that builds one formatter loads the same data on another thread, and it is
 * shared by the whole renderer process: the page's own first formatter then takes ~0.2 ms (docs/performance.md,
 * "The dashboard's first view").
 */

let started = false;

/**
 * Starts the warm-up worker once; it ends itself when done. Browser mode only: the Electron window's CSP allows no
 * workers (`worker-src 'none'`, electron/main/security.ts) and would report the attempt as a violation — its
 * renderer process lives as long as the tray app, so it pays the locale data once, not on every cold load.
 */
export function warmIntl(): void {
  if (started || typeof Worker !== 'function' || window.upshift !== undefined) return;
  started = true;
  try {
    const worker = new Worker(new URL('./intl-warm.worker.ts', import.meta.url), { type: 'module' });
    const done = () => worker.terminate();
    worker.onmessage = done;
    worker.onerror = done;
  } catch {
    // No worker here (a locked-down embedding): each formatter loads the data on first use, as before.
  }
}

/** Warms Intl once the browser is idle: for a page whose first view needs no Intl, before the user opens one that does. */
export function warmIntlWhenIdle(): void {
  if (started) return;
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => warmIntl(), { timeout: 5000 });
  else setTimeout(warmIntl, 2000);
}
