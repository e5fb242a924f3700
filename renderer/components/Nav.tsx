import type { Route } from '../lib/route.js';
import { updateOffer } from '../../shared/policy/offer.js';
import { setThemeChoice, useTheme } from '../lib/theme.js';
import { useApp } from '../store/context.js';

interface Item {
  href: string;
  label: string;
  active: (r: Route) => boolean;
}

const ITEMS: Item[] = [
  { href: '#/updates', label: 'Updates', active: (r) => r.view === 'updates' || r.view === 'plan' },
  { href: '#/history', label: 'History', active: (r) => r.view === 'history' || r.view === 'operation' },
  { href: '#/schedule', label: 'Schedule', active: (r) => r.view === 'schedule' },
  { href: '#/settings', label: 'Projects & settings', active: (r) => r.view === 'settings' },
  { href: '#/about', label: 'About', active: (r) => r.view === 'about' },
];

/** The sidebar: the views, how many updates wait, offline mode, the live connection, the theme toggle. */
export function Nav({ route }: { route: Route }) {
  const updates = useApp((s) => s.app?.projects.filter((p) => updateOffer(p.check, p.decision.skipped).counts).length ?? 0);
  const connection = useApp((s) => s.connection);
  const mode = useApp((s) => s.transport.mode);
  const offline = useApp((s) => s.app?.settings.offline === true);
  const { effective } = useTheme();
  const nextTheme = effective === 'dark' ? 'light' : 'dark';
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">⇡</span>
        <span className="brand-name">Upshift</span>
        {offline && (
          <a href="#/settings" className="badge badge-warning offline-badge" title="Offline: no network use. Checks use the releases seen last. Change it in Projects & settings.">
            Offline
          </a>
        )}
      </div>
      <ul className="nav-list">
        {ITEMS.map((item) => {
          const current = item.active(route);
          return (
            <li key={item.href}>
              <a
                href={item.href}
                className={current ? 'nav-link current' : 'nav-link'}
                aria-current={current ? 'page' : undefined}
                aria-describedby={item.label === 'Updates' && updates > 0 ? 'nav-updates-count' : undefined}
              >
                {item.label}
                {item.label === 'Updates' && updates > 0 && (
                  <span className="nav-count" aria-hidden="true">
                    {updates}
                  </span>
                )}
              </a>
              {item.label === 'Updates' && updates > 0 && (
                <span id="nav-updates-count" className="visually-hidden">
                  {updates} {updates === 1 ? 'update' : 'updates'} available
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <div className="sidebar-footer">
        {mode === 'browser' && (
          <p className={`connection connection-${connection}`} role="status">
            <span className="connection-dot" aria-hidden="true" />
            {connection === 'open' ? 'Live' : connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          </p>
        )}
        <button type="button" className="button button-ghost theme-toggle" aria-pressed={effective === 'dark'} onClick={() => setThemeChoice(nextTheme)}>
          <span className="theme-toggle-label">Dark theme</span>
        </button>
      </div>
    </nav>
  );
}
