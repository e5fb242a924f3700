import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { updateOffer } from '../shared/policy/offer.js';
import { Nav } from './components/Nav.js';
import { SkeletonBlock } from './components/Skeleton.js';
import { Toasts } from './components/Toasts.js';
import { warmIntlWhenIdle } from './lib/intl-warm.js';
import { markNavigated, parseRoute, type Route } from './lib/route.js';
import { useActions, useApp } from './store/context.js';
import { VIEW_CHUNKS } from './viewChunks.js';
import { UpdatesView } from './views/UpdatesView.js';

// The first view is Updates; the others load on demand, with what they alone need: the Plan view's markdown
// renderer (marked), the History view's virtual list (@tanstack/react-virtual). See README "Performance".
const PlanView = lazy(() => VIEW_CHUNKS.plan().then((m) => ({ default: m.PlanView })));
const HistoryView = lazy(() => VIEW_CHUNKS.history().then((m) => ({ default: m.HistoryView })));
const OperationView = lazy(() => VIEW_CHUNKS.operation().then((m) => ({ default: m.OperationView })));
const ScheduleView = lazy(() => VIEW_CHUNKS.schedule().then((m) => ({ default: m.ScheduleView })));
const SettingsView = lazy(() => VIEW_CHUNKS.settings().then((m) => ({ default: m.SettingsView })));
const AboutView = lazy(() => VIEW_CHUNKS.about().then((m) => ({ default: m.AboutView })));

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => {
      markNavigated();
      setRoute(parseRoute(location.hash));
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const TITLES: Record<Route['view'], string> = {
  updates: 'Updates',
  plan: 'Plan',
  operation: 'Operation',
  history: 'History',
  schedule: 'Schedule',
  settings: 'Projects & settings',
  about: 'About',
};

/** Renders nothing; mounts only when the Suspense boundary it sits in shows its view (the lazy chunk is in). */
function Shown({ onShown }: { onShown: () => void }) {
  useLayoutEffect(() => onShown(), [onShown]);
  return null;
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'plan':
      return <PlanView key={route.project} project={route.project} to={route.to} />;
    case 'operation':
      return <OperationView key={route.id} id={route.id} />;
    case 'history':
      return <HistoryView />;
    case 'schedule':
      return <ScheduleView />;
    case 'settings':
      return <SettingsView />;
    case 'about':
      return <AboutView />;
    default:
      return <UpdatesView />;
  }
}

export function App() {
  const route = useRoute();
  const status = useApp((s) => s.load.status);
  const connection = useApp((s) => s.connection);
  const authLost = useApp((s) => s.authLost);
  const mode = useApp((s) => s.transport.mode);
  const { refresh } = useActions();
  const updates = useApp((s) => s.app?.projects.filter((p) => updateOffer(p.check, p.decision.skipped).counts).length ?? 0);

  // Set once the first view's code has loaded and rendered (views other than Updates load on demand). A ref, not
  // state: marking the view shown must not render the whole tree a second time before the first paint.
  const viewShown = useRef(false);
  const latestStatus = useRef(status);
  latestStatus.current = status;
  const mark = useCallback(() => {
    // The e2e tests wait for this: the first state has arrived and the view on screen shows real data.
    const root = document.getElementById('root');
    if (!root) return;
    const now = latestStatus.current;
    if (now === 'ready' && viewShown.current) {
      root.dataset.ready = 'true';
      // Then, when idle, the locale data the other views' dates need (a no-op if boot.ts started it already).
      warmIntlWhenIdle();
    }
    // A failed first load is marked too, so a test can wait for either outcome.
    if (now !== 'ready' || viewShown.current) root.dataset.load = now;
  }, []);
  const onShown = useCallback(() => {
    viewShown.current = true;
    mark();
  }, [mark]);
  // Layout effects: data-ready is set in the same task as the DOM that shows the data, so the frame after it is the
  // one that paints the data. Passive effects run after that paint (Preact: after the next frame), which marked
  // the view ready one to two frames after the user could see it.
  useLayoutEffect(mark, [status, mark]);

  useEffect(() => {
    // The Electron shell may ask to show a view (a tray item or a notification opens a plan).
    return window.upshiftShell?.onNavigate?.((hash) => {
      if (/^#\/[A-Za-z0-9_./?=&%~+-]*$/.test(hash)) location.hash = hash;
    });
  }, []);

  useEffect(() => {
    const suffix = updates > 0 ? ` (${updates})` : '';
    document.title = `${TITLES[route.view]}${suffix} · Upshift`;
  }, [route.view, updates]);

  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <Nav route={route} />
      <main id="main" tabIndex={-1} className="main">
        {authLost && (
          <div className="banner banner-error" role="alert">
            <div className="banner-text">
              <p>
                <strong>Upshift&apos;s dashboard server was restarted</strong>: open the new address it printed (<code>http://…/#token=…</code>) in this
                browser. Every tab then works again; here, press Retry.
              </p>
            </div>
            <button type="button" className="button" onClick={() => void refresh()}>
              Retry
            </button>
          </div>
        )}
        {!authLost && mode === 'browser' && connection === 'reconnecting' && status === 'ready' && (
          <div className="banner banner-warning" role="status">
            Lost the connection to Upshift — reconnecting… Anything that happens meanwhile will show up once it is back. If you restarted{' '}
            <code>upshift serve</code>, open the new address it printed.
          </div>
        )}
        <Suspense fallback={<SkeletonBlock lines={4} label={`Loading ${TITLES[route.view]}…`} />}>
          <View route={route} />
          <Shown onShown={onShown} />
        </Suspense>
      </main>
      <Toasts />
    </div>
  );
}
