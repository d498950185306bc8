/**
 * The application frame: navigation and hash routing (hash routes work both from file:// in the
 * desktop window and from the serve-mode HTTP server).
 */
import { useEffect, useState, type ReactElement } from 'react';
import type { VigilClient } from '../common/ipc/client';
import { QueryPage } from './pages/QueryPage';
import { TargetsPage } from './pages/TargetsPage';

const ROUTES = [
  { path: 'query', label: 'Query' },
  { path: 'targets', label: 'Targets' },
] as const;

function currentRoute(): string {
  const h = window.location.hash.replace(/^#\/?/, '');
  return h.split('?')[0] || 'query';
}

/** App is the root component. */
export function App({ client, transport }: { client: VigilClient; transport: 'ipc' | 'http' }): ReactElement {
  const [route, setRoute] = useState(currentRoute());
  const [version, setVersion] = useState('');
  useEffect(() => {
    const onHash = (): void => setRoute(currentRoute());
    window.addEventListener('hashchange', onHash);
    void client.buildInfo().then((r) => {
      if (r.status === 'success') setVersion((r.data as { vigilVersion?: string }).vigilVersion ?? r.data.version);
    });
    return () => window.removeEventListener('hashchange', onHash);
  }, [client]);
  return (
    <div className="app">
      <header>
        <span className="brand">Vigil</span>
        <nav>
          {ROUTES.map((r) => (
            <a key={r.path} href={`#/${r.path}`} className={route === r.path ? 'active' : ''}>
              {r.label}
            </a>
          ))}
        </nav>
        <span className="spacer" />
        <span className="meta" title={`transport: ${transport}`}>
          {version && `v${version}`}
        </span>
      </header>
      <main>{route === 'targets' ? <TargetsPage client={client} /> : <QueryPage client={client} />}</main>
    </div>
  );
}
