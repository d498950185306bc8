/**
 * The application root: the shared state (URL-backed) around the shell.
 */
import { useEffect, useState, type ReactElement } from 'react';
import type { VigilClient } from '../common/ipc/client';
import { AppStateProvider } from './app/AppState';
import { GapsProvider } from './app/gaps';
import { Shell } from './app/Shell';
import { useBrowserNotifications } from './app/notifications';

const LAST_VIEW = 'vigil.lastView';

/**
 * restoreView reopens the last view in the desktop window (serve mode has its URL for that): the
 * hash is saved on every change and put back when the window starts without one.
 */
function useRestoredView(transport: 'ipc' | 'http'): void {
  useEffect(() => {
    if (transport !== 'ipc') return undefined;
    const saved = localStorage.getItem(LAST_VIEW);
    if ((window.location.hash === '' || window.location.hash === '#') && saved) window.location.hash = saved;
    const save = (): void => localStorage.setItem(LAST_VIEW, window.location.hash);
    window.addEventListener('hashchange', save);
    return () => window.removeEventListener('hashchange', save);
  }, [transport]);
}

/** App is the root component. */
export function App({ client, transport }: { client: VigilClient; transport: 'ipc' | 'http' }): ReactElement {
  const [version, setVersion] = useState('');
  useRestoredView(transport);
  useBrowserNotifications(transport);
  useEffect(() => {
    void client.buildInfo().then((r) => {
      if (r.status === 'success') setVersion((r.data as { vigilVersion?: string }).vigilVersion ?? r.data.version);
    });
  }, [client]);
  return (
    <AppStateProvider client={client} transport={transport}>
      <GapsProvider>
        <Shell version={version} />
      </GapsProvider>
    </AppStateProvider>
  );
}
