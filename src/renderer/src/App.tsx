import { lazy, Suspense, useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { Loading } from './components/feedback';
import { StaleTokenNotice } from './components/StaleToken';
import { ThemeSync } from './components/ThemeSync';
import { Toasts } from './components/Toasts';
import { useConnection } from './lib/api';
import { EconomiesProvider } from './lib/economies';
import { NetworkProvider } from './lib/network';
import { href, parseRoute, type PageId, type Route } from './lib/routes';
import { Dashboard } from './pages/Dashboard';
import './App.css';

// The dashboard is the first paint; every other page (and recharts with Earnings) loads when first opened.
const Economies = lazy(() => import('./pages/Economies').then((m) => ({ default: m.Economies })));
const Jobs = lazy(() => import('./pages/Jobs').then((m) => ({ default: m.Jobs })));
const Earnings = lazy(() => import('./pages/Earnings').then((m) => ({ default: m.Earnings })));
const Penalties = lazy(() => import('./pages/Penalties').then((m) => ({ default: m.Penalties })));
const Validate = lazy(() => import('./pages/Validate').then((m) => ({ default: m.Validate })));
const Fleet = lazy(() => import('./pages/Fleet').then((m) => ({ default: m.Fleet })));
const Settings = lazy(() => import('./pages/Settings').then((m) => ({ default: m.Settings })));

const pages: { id: PageId; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'economies', label: 'Economies' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'earnings', label: 'Earnings' },
  { id: 'penalties', label: 'Penalties' },
  { id: 'validate', label: 'Validate' },
  { id: 'fleet', label: 'Fleet' },
  { id: 'settings', label: 'Settings' },
];

function PageBody({ route }: { route: Route }): ReactNode {
  switch (route.page) {
    case 'dashboard':
      return <Dashboard />;
    case 'economies':
      return <Economies />;
    case 'jobs':
      return <Jobs jobKey={route.param} />;
    case 'earnings':
      return <Earnings />;
    case 'penalties':
      return <Penalties />;
    case 'validate':
      return <Validate />;
    case 'fleet':
      return <Fleet />;
    case 'settings':
      return <Settings />;
  }
}

export function App() {
  return (
    <NetworkProvider>
      <EconomiesProvider>
        <ThemeSync />
        <Shell />
      </EconomiesProvider>
    </NetworkProvider>
  );
}

function Shell() {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  const connection = useConnection();
  // "Lost the connection" only once there was one: a page opened without its token says so in its own notices.
  const [wasOpen, setWasOpen] = useState(false);
  if (connection === 'open' && !wasOpen) setWasOpen(true);
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  // After a page change, focus its heading so keyboard and screen-reader users start at the new page.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
  }, [route.page, route.param]);
  const current = pages.find((p) => p.id === route.page) ?? pages[0]!;
  const skipToContent = (e: MouseEvent) => {
    // The hash holds the route, so the skip link moves focus itself instead of navigating to #main.
    e.preventDefault();
    heading.current?.focus();
  };
  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={skipToContent}>
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="sidebar-inner">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Flywheel
          </div>
          <ul>
            {pages.map((p) => (
              <li key={p.id}>
                <a href={href(p.id)} aria-current={p.id === route.page ? 'page' : undefined}>
                  {p.label}
                </a>
              </li>
            ))}
          </ul>
          <Toasts />
          <div className={`connection connection-${connection}`} data-testid="connection" role="status">
            {connection === 'open'
              ? 'Connected'
              : connection === 'connecting'
                ? 'Connecting…'
                : connection === 'stale'
                  ? 'Token no longer valid'
                  : 'Disconnected'}
          </div>
        </div>
      </nav>
      <main className="content" id="main">
        {connection === 'stale' && <StaleTokenNotice />}
        {connection === 'closed' && wasOpen && (
          <div className="notice notice-warn" role="status">
            <strong>Lost the connection to the node.</strong> Live updates pause until it comes back; Flywheel
            reconnects by itself.
          </div>
        )}
        <h1 ref={heading} tabIndex={-1}>
          {current.label}
        </h1>
        <Suspense fallback={<Loading label={`Opening ${current.label}…`} />}>
          <PageBody route={route} />
        </Suspense>
      </main>
    </div>
  );
}
