/**
 * The URL is the state of the window: `#/<page>[/<sub>...]?<params>`. Every page reads its state
 * from the route and writes it back with navigate(), so a view can be shared as a link, reopened,
 * and walked with back and forward (each navigate() that is not `replace` is a history entry).
 * Hash routes work from file:// in the desktop window and from the serve-mode HTTP server alike.
 */
import { useCallback, useEffect, useState } from 'react';

/** Route is a parsed location. */
export interface Route {
  /** path segments after `#/`, e.g. ['dashboards', 'node'] */
  path: string[];
  params: URLSearchParams;
}

/** parseHash parses a location hash ('#/explore?expr=up'). */
export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const p = q >= 0 ? h.slice(0, q) : h;
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(q >= 0 ? h.slice(q + 1) : '') };
}

/** formatHash renders a route as a hash (params with empty values are left out; keys sorted for stable links). */
export function formatHash(path: readonly string[], params: URLSearchParams | Record<string, string | undefined>): string {
  const src = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  const out = new URLSearchParams();
  for (const [k, v] of src.filter(([, v]) => v !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out.append(k, v);
  const qs = out.toString();
  return `#/${path.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
}

/** navigate moves to a route; replace edits the current history entry instead of adding one. */
export function navigate(hash: string, replace = false): void {
  if (window.location.hash === hash) return;
  if (replace) {
    window.history.replaceState(null, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else window.location.hash = hash;
}

/** useRoute follows the location (hashchange and back/forward). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    window.addEventListener('popstate', on);
    return () => {
      window.removeEventListener('hashchange', on);
      window.removeEventListener('popstate', on);
    };
  }, []);
  return route;
}

/**
 * useParam is one URL parameter as state: reading it follows the URL, setting it writes the URL
 * (replace: no history entry, for typing; otherwise a new entry).
 */
export function useParam(route: Route, name: string, def = ''): [string, (v: string, replace?: boolean) => void] {
  const value = route.params.get(name) ?? def;
  const set = useCallback(
    (v: string, replace = false) => {
      const cur = parseHash(window.location.hash);
      const p = new URLSearchParams(cur.params);
      if (v === def || v === '') p.delete(name);
      else p.set(name, v);
      navigate(formatHash(cur.path, p), replace);
    },
    [name, def],
  );
  return [value, set];
}
