/**
 * The application root: the shared state (URL-backed) around the shell.
 */
import { useEffect, useState, type ReactElement } from 'react';
import type { VigilClient } from '../common/ipc/client';
import { AppStateProvider } from './app/AppState';
import { Shell } from './app/Shell';

/** App is the root component. */
export function App({ client, transport }: { client: VigilClient; transport: 'ipc' | 'http' }): ReactElement {
  const [version, setVersion] = useState('');
  useEffect(() => {
    void client.buildInfo().then((r) => {
      if (r.status === 'success') setVersion((r.data as { vigilVersion?: string }).vigilVersion ?? r.data.version);
    });
  }, [client]);
  return (
    <AppStateProvider client={client} transport={transport}>
      <Shell version={version} />
    </AppStateProvider>
  );
}
