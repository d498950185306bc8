/**
 * The state every page shares, kept in the URL so a view is a link: the time range (`from`, `to`),
 * auto refresh (`refresh`) and the cluster selection (`cluster`: one cluster label, or all). The
 * theme follows the OS unless the user picks one (kept in localStorage). `tick` advances on every
 * auto refresh and on "refresh now", and panels re-query when it does.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import type { ApiContextsData } from '../../common/api/types';
import type { VigilClient } from '../../common/ipc/client';
import { formatHash, navigate, parseHash, useRoute, type Route } from './route';
import { DEFAULT_RANGE, isRelative, parseDuration, type TimeRange } from './time';

export type Theme = 'light' | 'dark';

/** AppState is what the shell gives every page. */
export interface AppState {
  client: VigilClient;
  transport: 'ipc' | 'http';
  route: Route;
  range: TimeRange;
  setRange(r: TimeRange): void;
  refresh: string;
  setRefresh(r: string): void;
  /** tick changes on every refresh (auto or manual). */
  tick: number;
  refreshNow(): void;
  /** cluster is the selected cluster label ('' for all clusters). */
  cluster: string;
  setCluster(c: string): void;
  /** contexts is the last answer of /api/v1/vigil/contexts (null until it came). */
  contexts: ApiContextsData | null;
  theme: Theme;
  setTheme(t: Theme | 'system'): void;
  themeChoice: Theme | 'system';
}

const Ctx = createContext<AppState | null>(null);

/** useApp returns the shared state (inside AppStateProvider). */
export function useApp(): AppState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useApp outside AppStateProvider');
  return s;
}

/** setParams writes global parameters into the current URL (a history entry, so back undoes it). */
function setParams(changes: Record<string, string | null>, replace = false): void {
  const cur = parseHash(window.location.hash);
  const p = new URLSearchParams(cur.params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') p.delete(k);
    else p.set(k, v);
  }
  navigate(formatHash(cur.path.length > 0 ? cur.path : ['dashboards'], p), replace);
}

function systemTheme(): Theme {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** AppStateProvider holds the shared state. */
export function AppStateProvider({ client, transport, children }: { client: VigilClient; transport: 'ipc' | 'http'; children: ReactNode }): ReactElement {
  const route = useRoute();
  const range: TimeRange = { from: route.params.get('from') ?? DEFAULT_RANGE.from, to: route.params.get('to') ?? DEFAULT_RANGE.to };
  const refresh = route.params.get('refresh') ?? '';
  const cluster = route.params.get('cluster') ?? '';
  const [tick, setTick] = useState(0);
  const [contexts, setContexts] = useState<ApiContextsData | null>(null);
  const [themeChoice, setThemeChoice] = useState<Theme | 'system'>(() => (localStorage.getItem('vigil.theme') as Theme | null) ?? 'system');
  const [sys, setSys] = useState<Theme>(systemTheme);

  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return undefined;
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const on = (): void => setSys(mq.matches ? 'dark' : 'light');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  const theme = themeChoice === 'system' ? sys : themeChoice;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Auto refresh: only a range that moves with the clock has anything new to show.
  useEffect(() => {
    const s = parseDuration(refresh);
    if (!Number.isFinite(s) || s <= 0 || !isRelative(range)) return undefined;
    const id = setInterval(() => setTick((t) => t + 1), s * 1000);
    return () => clearInterval(id);
  }, [refresh, range.from, range.to]);

  // The contexts and their state, polled (the switcher shows connection state).
  useEffect(() => {
    let stop = false;
    const load = async (): Promise<void> => {
      const r = await client.contexts();
      if (!stop && r.status === 'success') setContexts(r.data);
    };
    void load();
    const id = setInterval(() => void load(), 15_000);
    return () => {
      stop = true;
      clearInterval(id);
    };
  }, [client]);

  const setRange = useCallback((r: TimeRange) => setParams({ from: r.from === DEFAULT_RANGE.from ? null : r.from, to: r.to === DEFAULT_RANGE.to ? null : r.to }), []);
  const setRefresh = useCallback((r: string) => setParams({ refresh: r || null }), []);
  const setCluster = useCallback((c: string) => setParams({ cluster: c || null }), []);
  const refreshNow = useCallback(() => setTick((t) => t + 1), []);
  const setTheme = useCallback((t: Theme | 'system') => {
    if (t === 'system') localStorage.removeItem('vigil.theme');
    else localStorage.setItem('vigil.theme', t);
    setThemeChoice(t);
  }, []);

  const value = useMemo<AppState>(
    () => ({ client, transport, route, range, setRange, refresh, setRefresh, tick, refreshNow, cluster, setCluster, contexts, theme, setTheme, themeChoice }),
    // range is rebuilt per render from the route; its strings are the identity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, transport, route, range.from, range.to, refresh, tick, cluster, contexts, theme, themeChoice],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** pageLink builds a link to a page that keeps the global parameters (range, refresh, cluster). */
export function pageLink(path: readonly string[], params: Record<string, string | undefined> = {}): string {
  const cur = parseHash(window.location.hash).params;
  const keep: Record<string, string | undefined> = {};
  for (const k of ['from', 'to', 'refresh', 'cluster']) keep[k] = cur.get(k) ?? undefined;
  return formatHash(path, { ...keep, ...params });
}

/** clusterMatcher is the matcher value selecting the chosen cluster in dashboard queries (`.+` for all, or none when unlabelled series count). */
export function clusterRegex(cluster: string): string {
  return cluster === '' ? '.*' : cluster.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');
}
