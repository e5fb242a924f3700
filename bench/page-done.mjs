// How the browser benchmarks learn that a page reached a mark without measuring themselves. Playwright's
// page.waitForFunction injects its helper script (about 330 KB) into the page and polls on every animation frame; on a
// cold load that evaluation (a 7–10 ms task in traces of cold loads here) lands in the middle of the app's own
// start, while a static page is already done by then — it made the app look slower than it is. Instead the page
// calls a binding (`window.__benchDone(name)`, one CDP message, no script injected) from the frame it marks.
import { clearTimeout, setTimeout } from 'node:timers';

/**
 * Exposes `window.__benchDone(name)` to every page of `context`; returns `waitFor(name, timeoutMs)`, which
 * resolves once a page of the context has called it with that name.
 */
export async function exposeDone(context) {
  const seen = new Set();
  const waiters = new Map();
  await context.exposeBinding('__benchDone', (_source, name) => {
    seen.add(name);
    for (const wake of waiters.get(name) ?? []) wake();
    waiters.delete(name);
  });
  return (name, timeoutMs = 30_000) =>
    seen.has(name)
      ? Promise.resolve()
      : new Promise((resolvePromise, reject) => {
          const timer = setTimeout(() => reject(new Error(`the page did not reach "${name}" within ${timeoutMs} ms`)), timeoutMs);
          const list = waiters.get(name) ?? [];
          list.push(() => {
            clearTimeout(timer);
            resolvePromise();
          });
          waiters.set(name, list);
        });
}
