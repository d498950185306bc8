/**
 * What panels read from the shared state, narrowed: the client, the range, the refresh tick, the
 * cluster selection and the contexts. A dashboard provides it (memoized on those values only), so
 * a change of unrelated state (another URL parameter, a poll of the contexts that changed nothing)
 * does not re-render its panels. Without a provider a panel takes it from useApp().
 */
import { createContext, useContext, useMemo, type ReactElement, type ReactNode } from 'react';
import type { ApiContextStatus } from '../../common/api/types';
import type { VigilClient } from '../../common/ipc/client';
import { useApp } from '../app/AppState';
import type { TimeRange } from '../app/time';

/** PanelEnv is what a panel needs of the app. */
export interface PanelEnv {
  client: VigilClient;
  range: TimeRange;
  tick: number;
  setRange(r: TimeRange): void;
  cluster: string;
  contexts: readonly ApiContextStatus[];
}

export const PanelEnvContext = createContext<PanelEnv | null>(null);

/** usePanelEnv returns the nearest PanelEnv (null without a provider). */
export function usePanelEnv(): PanelEnv | null {
  return useContext(PanelEnvContext);
}

/** useAppPanelEnv builds a PanelEnv from the app state, stable while its parts are. */
export function useAppPanelEnv(): PanelEnv {
  const { client, range, tick, setRange, cluster, contexts } = useApp();
  const ctxKey = JSON.stringify(contexts?.contexts.map((c) => [c.clusterLabel, c.monitored, c.state, c.error, c.denied, c.notes, c.user]) ?? []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const ctxs = useMemo(() => contexts?.contexts ?? [], [ctxKey]);
  return useMemo(() => ({ client, range: { from: range.from, to: range.to }, tick, setRange, cluster, contexts: ctxs }), [client, range.from, range.to, tick, setRange, cluster, ctxs]);
}

/** PanelEnvProvider provides the app's PanelEnv to the panels below. */
export function PanelEnvProvider({ children }: { children: ReactNode }): ReactElement {
  const env = useAppPanelEnv();
  return <PanelEnvContext.Provider value={env}>{children}</PanelEnvContext.Provider>;
}
