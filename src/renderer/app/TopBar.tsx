/**
 * The bar above every page: the cluster switcher (monitored contexts with their connection state,
 * or all clusters), the time-range picker (quick ranges, absolute from/to, shift back and forward),
 * auto refresh and the theme.
 */
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { useApp } from './AppState';
import { describeRange, REFRESH_INTERVALS, RELATIVE_RANGES, resolve, shiftRange } from './time';

const STATE_TEXT: Record<string, string> = {
  connected: 'connected',
  unknown: 'connecting',
  'auth-failed': 'authentication failed',
  forbidden: 'RBAC-limited',
  unreachable: 'unreachable',
  'tls-error': 'TLS error',
  misconfigured: 'misconfigured',
};

/** ClusterSwitcher picks the cluster every dashboard shows (the `cluster` label). */
export function ClusterSwitcher(): ReactElement {
  const { contexts, cluster, setCluster } = useApp();
  const monitored = (contexts?.contexts ?? []).filter((c) => c.monitored);
  return (
    <label className="cluster-switcher" data-testid="cluster-switcher">
      <span className="muted">Cluster</span>
      <select value={cluster} onChange={(e) => setCluster(e.target.value)} aria-label="cluster">
        <option value="">All clusters{monitored.length > 0 ? ` (${monitored.length})` : ''}</option>
        {monitored.map((c) => (
          <option key={c.name} value={c.clusterLabel} title={c.error || c.server}>
            {c.clusterLabel} · {STATE_TEXT[c.state] ?? c.state}
            {c.denied.length > 0 ? ` (no ${c.denied.join(', ')})` : ''}
          </option>
        ))}
      </select>
      {monitored.map((c) => (
        <span key={c.name} className={`state-dot state-${c.state}`} title={`${c.clusterLabel}: ${STATE_TEXT[c.state] ?? c.state}${c.error ? ` — ${c.error}` : ''}`} data-testid={`cluster-state-${c.clusterLabel}`} />
      ))}
    </label>
  );
}

function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** TimeRangePicker edits the shared range. */
export function TimeRangePicker(): ReactElement {
  const { range, setRange } = useApp();
  const [open, setOpen] = useState(false);
  const res = resolve(range);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return undefined;
    const r = resolve(range);
    if (r) {
      setFrom(toLocalInput(r.start * 1000));
      setTo(toLocalInput(r.end * 1000));
    }
    const close = (e: MouseEvent): void => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open, range]);
  return (
    <div className="time-picker" ref={box}>
      <button type="button" title="Earlier (t ←)" onClick={() => setRange(shiftRange(range, -0.5))} aria-label="earlier">
        ‹
      </button>
      <button type="button" className="range-button" data-testid="time-range" onClick={() => setOpen(!open)} title={res ? `${new Date(res.start * 1000).toLocaleString()} – ${new Date(res.end * 1000).toLocaleString()}` : 'invalid range'}>
        {describeRange(range)}
      </button>
      <button type="button" title="Later (t →)" onClick={() => setRange(shiftRange(range, 0.5))} aria-label="later">
        ›
      </button>
      {open && (
        <div className="popover time-popover" data-testid="time-popover">
          <div className="quick">
            {RELATIVE_RANGES.map((q) => (
              <button
                type="button"
                key={q.from}
                className={range.from === q.from && range.to === 'now' ? 'active' : ''}
                onClick={() => {
                  setRange({ from: q.from, to: 'now' });
                  setOpen(false);
                }}
              >
                {q.label}
              </button>
            ))}
          </div>
          <form
            className="absolute"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new Date(from).getTime();
              const t = new Date(to).getTime();
              if (Number.isFinite(f) && Number.isFinite(t) && t > f) {
                setRange({ from: String(f), to: String(t) });
                setOpen(false);
              }
            }}
          >
            <label>
              From <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="time-from" />
            </label>
            <label>
              To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} data-testid="time-to" />
            </label>
            <button type="submit">Apply</button>
          </form>
        </div>
      )}
    </div>
  );
}

/** RefreshPicker sets auto refresh. */
export function RefreshPicker(): ReactElement {
  const { refresh, setRefresh, refreshNow } = useApp();
  return (
    <span className="refresh-picker">
      <button type="button" onClick={refreshNow} title="Refresh now" aria-label="refresh now" data-testid="refresh-now">
        ⟳
      </button>
      <select value={refresh} onChange={(e) => setRefresh(e.target.value)} aria-label="auto refresh" data-testid="auto-refresh">
        {REFRESH_INTERVALS.map((r) => (
          <option key={r} value={r}>
            {r === '' ? 'Auto refresh off' : `Every ${r}`}
          </option>
        ))}
      </select>
    </span>
  );
}

/** ThemeToggle cycles system -> dark -> light. */
export function ThemeToggle(): ReactElement {
  const { themeChoice, setTheme, theme } = useApp();
  const next = themeChoice === 'system' ? 'dark' : themeChoice === 'dark' ? 'light' : 'system';
  return (
    <button type="button" className="theme-toggle" data-testid="theme-toggle" data-theme-now={theme} onClick={() => setTheme(next)} title={`Theme: ${themeChoice} (click for ${next})`}>
      {theme === 'dark' ? '☾' : '☀'}
    </button>
  );
}
