/**
 * The views that load on demand (App.tsx makes them lazy components), by route. boot.ts asks for the chunk of the
 * view the page opens on before React is evaluated, so its download overlaps the entry's start-up instead of
 * following it; App's lazy import then finds the module already on its way (one fetch either way).
 */
import type { Route } from './lib/route.js';

export const VIEW_CHUNKS = {
  plan: () => import('./views/PlanView.js'),
  history: () => import('./views/HistoryView.js'),
  operation: () => import('./views/OperationView.js'),
  schedule: () => import('./views/ScheduleView.js'),
  settings: () => import('./views/SettingsView.js'),
  about: () => import('./views/AboutView.js'),
} satisfies Partial<Record<Route['view'], () => Promise<unknown>>>;

/** Starts loading the chunk of a lazily loaded view; nothing for the first view (Updates), which is in the entry. */
export function prefetchView(view: Route['view']): void {
  if (view in VIEW_CHUNKS) void VIEW_CHUNKS[view as keyof typeof VIEW_CHUNKS]().catch(() => undefined);
}
