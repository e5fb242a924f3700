/**
 * The first thing the page runs, before React is evaluated: chooses the transport and asks for the first state
 * (and, opened on the history, its first page). main.tsx imports this module first, so the bundler places it ahead
 * of react-dom in the entry chunk and the requests travel while the browser is still compiling React — the
 * Updates view's data is usually in the store by the time React renders for the first time (README "Performance").
 */
import { warmIntl } from './lib/intl-warm.js';
import { parseRoute } from './lib/route.js';
import { createAppStore } from './store/store.js';
import { chooseTransport } from './transport/index.js';
import { prefetchView } from './viewChunks.js';

// Reads (and strips) #token=… before anything routes on the hash.
export const store = createAppStore(chooseTransport());
const route = parseRoute(window.location.hash);

void store.getState().actions.init();
// Opened straight on the history: ask for its first page alongside the state instead of after the first render
// (the view's own openHistory then finds it loading and does not ask twice).
if (route.view === 'history') store.getState().actions.openHistory();
prefetchView(route.view);
// Locale data for date formatting, loaded on a worker thread (lib/intl-warm.ts): at once for the views that format
// dates in their first render (History's rows…). The Updates view formats its times without Intl: there App starts
// the worker once the view is marked ready and the browser is idle, not to share a core with the first paint.
if (route.view !== 'updates') warmIntl();
