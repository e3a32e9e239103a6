import { useEffect, useState } from 'react';
import { Dashboard } from './pages/Dashboard';
import { useConnection } from './lib/api';

const pages = [{ id: 'dashboard', label: 'Dashboard', element: <Dashboard /> }] as const;
type PageId = (typeof pages)[number]['id'];

function pageFromHash(): PageId {
  const id = window.location.hash.replace(/^#\/?/, '');
  return pages.find((p) => p.id === id)?.id ?? 'dashboard';
}

export function App() {
  const [page, setPage] = useState<PageId>(pageFromHash);
  const connection = useConnection();
  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const current = pages.find((p) => p.id === page) ?? pages[0];
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Flywheel</div>
        <ul>
          {pages.map((p) => (
            <li key={p.id}>
              <a href={`#/${p.id}`} aria-current={p.id === page ? 'page' : undefined}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
        <div className={`connection connection-${connection}`} data-testid="connection" role="status">
          {connection === 'open' ? 'Connected' : connection === 'connecting' ? 'Connecting…' : 'Disconnected'}
        </div>
      </nav>
      <main className="content">
        <h1>{current.label}</h1>
        {current.element}
      </main>
    </div>
  );
}
