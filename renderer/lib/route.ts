/**
 * Hash routes: #/updates, #/plan/<project>[?to=<version>], #/operation/<id>, #/history, #/schedule, #/settings, #/about.
 * The first load in browser mode also carries `#token=…`: transport/token.ts reads and strips it before routing.
 */
export type Route =
  | { view: 'updates' }
  | { view: 'plan'; project: string; to: string | null }
  | { view: 'operation'; id: string }
  | { view: 'history' }
  | { view: 'schedule' }
  | { view: 'settings' }
  | { view: 'about' };

export type ViewName = Route['view'];

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', query = ''] = raw.split('?', 2);
  const segments = pathPart.split('/').filter(Boolean).map(safeDecode);
  const params = new URLSearchParams(query);
  switch (segments[0]) {
    case 'plan':
      if (segments[1]) return { view: 'plan', project: segments[1], to: params.get('to') || null };
      return { view: 'updates' };
    case 'operation':
      if (segments[1]) return { view: 'operation', id: segments[1] };
      return { view: 'history' };
    case 'history':
      return { view: 'history' };
    case 'schedule':
      return { view: 'schedule' };
    case 'settings':
      return { view: 'settings' };
    case 'about':
      return { view: 'about' };
    default:
      return { view: 'updates' };
  }
}

export function formatRoute(route: Route): string {
  switch (route.view) {
    case 'plan': {
      const base = `#/plan/${encodeURIComponent(route.project)}`;
      return route.to ? `${base}?to=${encodeURIComponent(route.to)}` : base;
    }
    case 'operation':
      return `#/operation/${encodeURIComponent(route.id)}`;
    default:
      return `#/${route.view}`;
  }
}

export function planHref(project: string, to?: string | null): string {
  return formatRoute({ view: 'plan', project, to: to ?? null });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Navigates; `replace` does not add a history entry (used when re-planning for another target). */
export function navigate(route: Route | string, opts: { replace?: boolean } = {}): void {
  const hash = typeof route === 'string' ? route : formatRoute(route);
  if (opts.replace) {
    history.replaceState(history.state, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}

let navigated = false;

/** Called on every hash change: from then on, views move focus to their heading when they open. */
export function markNavigated(): void {
  navigated = true;
}

export function hasNavigated(): boolean {
  return navigated;
}
