/**
 * The gaps Vigil caused itself, loaded once for the whole window (every 30 s and on refresh) and
 * handed to every chart through context, so each chart shades them without its own request.
 */
import { createContext, useContext, useEffect, useState, type ReactElement, type ReactNode } from 'react';
import type { Gap } from '../../common/api/alerting';
import { useApp } from './AppState';

/** GapsState is the gaps and the cluster selection they are filtered by. */
export interface GapsState {
  gaps: readonly Gap[];
  cluster: string;
}

const GapsContext = createContext<GapsState>({ gaps: [], cluster: '' });

/** useGaps returns the current gaps (none outside GapsProvider). */
export function useGaps(): GapsState {
  return useContext(GapsContext);
}

/** GapsProvider polls /api/v1/vigil/gaps (inside AppStateProvider). */
export function GapsProvider({ children }: { children: ReactNode }): ReactElement {
  const { client, tick, cluster } = useApp();
  const [gaps, setGaps] = useState<readonly Gap[]>([]);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      void client.gaps().then(
        (r) => {
          if (live && r.status === 'success' && Array.isArray(r.data)) setGaps((old) => (JSON.stringify(old) === JSON.stringify(r.data) ? old : r.data));
        },
        () => {},
      );
    };
    load();
    const id = setInterval(load, 30_000);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [client, tick]);
  return <GapsContext.Provider value={{ gaps, cluster }}>{children}</GapsContext.Provider>;
}
