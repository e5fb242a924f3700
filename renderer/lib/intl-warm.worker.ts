/**
 * Runs on a worker thread (started by intl-warm.ts): formats one date the way the views do, which makes Chromium
 * load the locale data Intl needs. That data is shared by every thread of the page's process, so the page's own
 * first formatter then finds it loaded. Imports nothing, so the worker starts as fast as it can.
 */
const now = new Date();
new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(now);
new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(now);
(globalThis as unknown as { postMessage(message: unknown): void }).postMessage('warm');
