/**
 * The frame: the left navigation, the top bar (cluster, time range, refresh, theme) and the page
 * of the route. Keyboard: `g` then a page's key goes there (g d, g e, ...); `t ←` / `t →` shift
 * the range back or forward by half its length; `t z` zooms out (twice the range); `?` lists the
 * shortcuts. Typing in a field never triggers them.
 */
import { Suspense, useEffect, useState, type ReactElement } from 'react';
import { pageLink, useApp } from './AppState';
import { ALIASES, PAGES } from './pages';
import { ClusterSwitcher, RefreshPicker, ThemeToggle, TimeRangePicker } from './TopBar';
import { resolve, shiftRange } from './time';

function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || !!t.closest('.cm-editor'));
}

/** Shell renders the frame around the page of the route. */
export function Shell({ version }: { version: string }): ReactElement {
  const app = useApp();
  const [help, setHelp] = useState(false);
  const first = ALIASES[app.route.path[0] ?? ''] ?? app.route.path[0] ?? 'dashboards';
  const page = PAGES.find((p) => p.path === first);

  useEffect(() => {
    let prefix = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const on = (e: KeyboardEvent): void => {
      if (typing(e) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (prefix === 'g') {
        const p = PAGES.find((x) => x.key === e.key);
        if (p) window.location.hash = pageLink([p.path]);
        prefix = '';
        return;
      }
      if (prefix === 't') {
        if (e.key === 'ArrowLeft') app.setRange(shiftRange(app.range, -0.5));
        else if (e.key === 'ArrowRight') app.setRange(shiftRange(app.range, 0.5));
        else if (e.key === 'z') {
          const r = resolve(app.range);
          if (r) {
            const d = r.end - r.start;
            const end = Math.min(Date.now() / 1000, r.end + d / 2);
            app.setRange({ from: String(Math.round((end - 2 * d) * 1000)), to: String(Math.round(end * 1000)) });
          }
        }
        prefix = '';
        return;
      }
      if (e.key === 'g' || e.key === 't') {
        prefix = e.key;
        clearTimeout(timer);
        timer = setTimeout(() => (prefix = ''), 1500);
      } else if (e.key === '?') setHelp((h) => !h);
      else if (e.key === 'Escape') setHelp(false);
    };
    window.addEventListener('keydown', on);
    return () => {
      window.removeEventListener('keydown', on);
      clearTimeout(timer);
    };
  }, [app]);

  const Page = page?.component;
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="pages">
        <a className="brand" href={pageLink(['dashboards'])}>
          Vigil
        </a>
        {PAGES.map((p) => (
          <a key={p.path} href={pageLink([p.path])} className={p.path === first ? 'active' : ''} data-testid={`nav-${p.path}`}>
            {p.label}
          </a>
        ))}
        <span className="spacer" />
        <span className="meta" title={`transport: ${app.transport}`}>
          {version && `v${version}`}
        </span>
      </nav>
      <div className="content">
        <header className="topbar">
          <ClusterSwitcher />
          <span className="spacer" />
          <TimeRangePicker />
          <RefreshPicker />
          <ThemeToggle />
        </header>
        <main>
          {Page ? (
            <Suspense fallback={<div className="page panel-loading">Loading…</div>}>
              <Page />
            </Suspense>
          ) : (
            <div className="page empty-state" data-testid="unknown-page">
              <h2>No page at #/{app.route.path.join('/')}</h2>
              <p>
                The pages are {PAGES.map((p, i) => (
                  <span key={p.path}>
                    {i > 0 && ', '}
                    <a href={pageLink([p.path])}>{p.label}</a>
                  </span>
                ))}
                .
              </p>
            </div>
          )}
        </main>
      </div>
      {help && (
        <div className="popover shortcuts" role="dialog" aria-label="keyboard shortcuts" data-testid="shortcuts">
          <h3>Keyboard shortcuts</h3>
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <kbd>g</kbd> <kbd>{p.key}</kbd> {p.label}
              </li>
            ))}
            <li>
              <kbd>t</kbd> <kbd>←</kbd> / <kbd>→</kbd> shift the time range
            </li>
            <li>
              <kbd>t</kbd> <kbd>z</kbd> zoom out
            </li>
            <li>
              <kbd>Ctrl</kbd>/<kbd>⌘</kbd> <kbd>Enter</kbd> run the query (Explore); <kbd>/</kbd> focus the editor
            </li>
          </ul>
        </div>
      )}
    </div>
  );
}
