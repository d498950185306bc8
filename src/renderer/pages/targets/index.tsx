/**
 * Targets (#/targets): every scrape target, grouped by cluster, then job and scrape pool, with its
 * health, labels, last scrape, duration, error and the path Vigil reaches it by (API-server proxy,
 * port-forward, direct; with why). A text filter (labels, URL, error) and "unhealthy only" live in
 * the URL (`q`, `unhealthy`). Pools collapse; with many targets they start collapsed and a pool's
 * rows render only when open (and at most ROW_PAGE at a time), so 1,000+ targets stay fast.
 */
import { useMemo, useState, type ReactElement } from 'react';
import type { ApiTarget } from '../../../common/api/types';
import { useApp } from '../../app/AppState';
import { useParam } from '../../app/route';
import { Labels } from '../common/Labels';
import { usePoll } from '../common/usePoll';
import { clusterOf, formatSeconds, groupTargets, indexTargets, PATH_TEXT, relativeTime, type PoolGroup } from './model';
import '../common/ops.css';

/** LARGE is the target count above which pools start collapsed. */
const LARGE = 150;
/** ROW_PAGE is how many rows of an open pool render before "show more". */
const ROW_PAGE = 100;

export function TargetsPage(): ReactElement {
  const { client, route, cluster } = useApp();
  const [filter, setFilter] = useParam(route, 'q');
  const [unhealthy, setUnhealthy] = useParam(route, 'unhealthy');
  const polled = usePoll(() => client.targets('active'), 10_000, [client]);
  const indexed = useMemo(() => indexTargets(polled.data?.activeTargets ?? []), [polled.data]);
  const groups = useMemo(() => groupTargets(indexed, { filter, unhealthyOnly: unhealthy === '1', cluster }), [indexed, filter, unhealthy, cluster]);
  const [toggled, setToggled] = useState<Record<string, boolean>>({});

  if (polled.data === null) {
    return <div className="page ops-page">{polled.error ? <div className="error">Targets could not be loaded: {polled.error}</div> : <div className="muted">Loading targets…</div>}</div>;
  }
  const all = polled.data.activeTargets;
  const inScope = cluster ? indexed.filter((x) => clusterOf(x.t) === cluster).length : all.length;
  const shown = groups.reduce((n, c) => n + c.pools.reduce((m, p) => m + p.targets.length, 0), 0);
  const up = all.filter((t) => t.health === 'up').length;
  const defaultOpen = filter !== '' || unhealthy === '1' || all.length <= LARGE;
  const isOpen = (pool: string): boolean => toggled[pool] ?? defaultOpen;
  const setAll = (open: boolean): void => setToggled(Object.fromEntries(groups.flatMap((c) => c.pools.map((p) => [p.pool, open]))));

  return (
    <div className="page ops-page targets-page" data-testid="targets-page">
      <h2>Targets</h2>
      <div className="toolbar">
        <input className="filter" type="search" placeholder="Filter by label, URL or error (e.g. job=&quot;kubelet&quot; or node-2)" value={filter} onChange={(e) => setFilter(e.target.value, true)} data-testid="targets-filter" aria-label="filter targets" />
        <label>
          <input type="checkbox" checked={unhealthy === '1'} onChange={(e) => setUnhealthy(e.target.checked ? '1' : '')} data-testid="unhealthy-only" /> Unhealthy only
        </label>
        <button type="button" onClick={() => setAll(true)}>
          Expand all
        </button>
        <button type="button" onClick={() => setAll(false)}>
          Collapse all
        </button>
        <span className="meta" data-testid="targets-summary">
          {up}/{all.length} up{cluster ? ` · ${inScope} in cluster ${cluster}` : ''}
          {shown !== inScope ? ` · ${shown} shown` : ''}
          {polled.error ? ` · last refresh failed: ${polled.error}` : ''}
        </span>
      </div>
      {groups.length === 0 && <EmptyTargets total={inScope} unhealthy={unhealthy === '1'} filter={filter} cluster={cluster} />}
      {groups.map((c) => (
        <section key={c.cluster || '(none)'} className="cluster-group" data-testid={`targets-cluster-${c.cluster || 'none'}`}>
          <h3 className="cluster-title">
            {c.cluster ? (
              <>
                Cluster <b>{c.cluster}</b>
              </>
            ) : (
              'Outside any cluster'
            )}{' '}
            <Count up={c.up} total={c.total} />
          </h3>
          {c.pools.map((p) => (
            <Pool key={p.pool} p={p} open={isOpen(p.pool)} toggle={() => setToggled((s) => ({ ...s, [p.pool]: !isOpen(p.pool) }))} now={polled.at} />
          ))}
        </section>
      ))}
    </div>
  );
}

function Count({ up, total }: { up: number; total: number }): ReactElement {
  return (
    <span className={up === total ? 'badge ok' : 'badge bad'} data-testid="count">
      {up}/{total} up
    </span>
  );
}

function EmptyTargets({ total, unhealthy, filter, cluster }: { total: number; unhealthy: boolean; filter: string; cluster: string }): ReactElement {
  let text: string;
  if (total === 0) text = cluster ? `No targets in cluster ${cluster} yet: discovery may still be running, or the context is not connected.` : 'No targets yet: discovery may still be running. The configuration and the monitored contexts are on the Status page.';
  else if (unhealthy && filter === '') text = `All ${total} targets are healthy.`;
  else if (unhealthy) text = `No unhealthy target matches “${filter}”: every matching target is healthy.`;
  else text = `No target matches “${filter}”.`;
  return (
    <div className="empty" data-testid="targets-empty">
      {text}
    </div>
  );
}

function Pool({ p, open, toggle, now }: { p: PoolGroup; open: boolean; toggle(): void; now: number }): ReactElement {
  const [limit, setLimit] = useState(ROW_PAGE);
  return (
    <section className="pool" data-testid={`pool-${p.pool}`} data-open={open ? 'true' : 'false'}>
      <h4 className="pool-title">
        <button type="button" className="disclosure" onClick={toggle} aria-expanded={open} data-testid="pool-toggle">
          {open ? '▾' : '▸'}
        </button>
        <span className="pool-job">{p.job}</span>
        <span className="muted pool-name">{p.pool}</span>
        <Count up={p.up} total={p.total} />
        {p.targets.length !== p.total && <span className="meta">{p.targets.length} shown</span>}
      </h4>
      {open && (
        <table className="data ops-table">
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>State</th>
              <th>Labels</th>
              <th>Last scrape</th>
              <th className="num">Duration</th>
              <th>Scrape path</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {p.targets.slice(0, limit).map((t) => (
              <TargetRow key={t.scrapeUrl + '\x00' + JSON.stringify(t.labels)} t={t} now={now} />
            ))}
          </tbody>
        </table>
      )}
      {open && p.targets.length > limit && (
        <button type="button" className="more" onClick={() => setLimit((l) => l + ROW_PAGE * 5)}>
          Show {Math.min(ROW_PAGE * 5, p.targets.length - limit)} more of {p.targets.length - limit}
        </button>
      )}
    </section>
  );
}

function TargetRow({ t, now }: { t: ApiTarget; now: number }): ReactElement {
  return (
    <tr data-testid="target-row" data-health={t.health}>
      <td className="series">
        <span title={t.globalUrl}>{t.scrapeUrl}</span>
      </td>
      <td>
        <span className={`health ${t.health}`}>{t.health.toUpperCase()}</span>
      </td>
      <td className="wrap">
        <Labels labels={t.labels} />
      </td>
      <td title={t.lastScrape}>{relativeTime(t.lastScrape, now)}</td>
      <td className="num">{formatSeconds(t.lastScrapeDuration)}</td>
      <td data-testid="scrape-path" title={t.scrapePathReason ?? ''}>
        {t.scrapePath ? <span className={`path path-${t.scrapePath}`}>{PATH_TEXT[t.scrapePath] ?? t.scrapePath}</span> : <span className="muted">—</span>}
        {t.scrapePathReason && <div className="path-reason">{t.scrapePathReason}</div>}
      </td>
      <td className="err wrap">{t.lastError}</td>
    </tr>
  );
}
