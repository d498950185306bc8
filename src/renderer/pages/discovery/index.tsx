/**
 * Service discovery (#/discovery): per scrape pool, the targets discovery found with their labels
 * before relabeling (discoveredLabels) and after (labels), and the targets relabeling dropped,
 * with the rule of relabel_configs that dropped each (Vigil's `droppedBy`) or why it was invalid.
 * Pools start collapsed and render their rows only when open (ROW_PAGE at a time).
 */
import { useMemo, useState, type ReactElement } from 'react';
import type { ApiDroppedTarget, ApiTarget } from '../../../common/api/types';
import { useApp } from '../../app/AppState';
import { useParam } from '../../app/route';
import { Labels } from '../common/Labels';
import { usePoll } from '../common/usePoll';
import { splitPool } from '../targets/model';
import { matchesLabels, ruleText, sdPools, whyDropped, type SdPool } from './model';
import '../common/ops.css';

const ROW_PAGE = 50;

export function DiscoveryPage(): ReactElement {
  const { client, route, cluster, contexts } = useApp();
  const [filter, setFilter] = useParam(route, 'q');
  const [show, setShow] = useParam(route, 'show', 'all');
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const polled = usePoll(() => client.targets('any'), 15_000, [client]);
  const clusterOfContext = useMemo(() => new Map((contexts?.contexts ?? []).map((c) => [c.name, c.clusterLabel])), [contexts]);
  const pools = useMemo(() => {
    if (!polled.data) return [];
    const keep = (pool: string): boolean => {
      if (!cluster) return true;
      const ctx = splitPool(pool).context;
      return (clusterOfContext.get(ctx) ?? ctx) === cluster;
    };
    return sdPools(polled.data, keep);
  }, [polled.data, cluster, clusterOfContext]);

  if (polled.data === null) {
    return <div className="page ops-page">{polled.error ? <div className="error">Targets could not be loaded: {polled.error}</div> : <div className="muted">Loading service discovery…</div>}</div>;
  }
  const totalActive = pools.reduce((n, p) => n + p.active.length, 0);
  const totalDropped = pools.reduce((n, p) => n + p.droppedCount, 0);
  return (
    <div className="page ops-page discovery-page" data-testid="discovery-page">
      <h2>Service discovery</h2>
      <div className="toolbar">
        <input className="filter" type="search" placeholder="Filter by label (before or after relabeling)" value={filter} onChange={(e) => setFilter(e.target.value, true)} data-testid="sd-filter" aria-label="filter discovered targets" />
        <select value={show} onChange={(e) => setShow(e.target.value, true)} aria-label="show" data-testid="sd-show">
          <option value="all">Active and dropped</option>
          <option value="active">Active only</option>
          <option value="dropped">Dropped only</option>
        </select>
        <span className="meta">
          {pools.length} pools · {totalActive} active · {totalDropped} dropped
        </span>
      </div>
      {pools.length === 0 && <div className="empty">No scrape pools{cluster ? ` for cluster ${cluster}` : ''} yet: discovery may still be running.</div>}
      {pools.filter((p) => (show === 'dropped' ? p.droppedCount > 0 : show === 'active' ? p.active.length > 0 : true)).map((p) => (
        <SdPoolView key={p.pool} p={p} open={open[p.pool] ?? filter !== ''} toggle={() => setOpen((s) => ({ ...s, [p.pool]: !(s[p.pool] ?? filter !== '') }))} filter={filter} show={show} />
      ))}
    </div>
  );
}

function SdPoolView({ p, open, toggle, filter, show }: { p: SdPool; open: boolean; toggle(): void; filter: string; show: string }): ReactElement {
  const [limit, setLimit] = useState(ROW_PAGE);
  const active = open && show !== 'dropped' ? p.active.filter((t) => matchesLabels(filter, t.discoveredLabels, t.labels)) : [];
  const dropped = open && show !== 'active' ? p.dropped.filter((t) => matchesLabels(filter, t.discoveredLabels)) : [];
  return (
    <section className="pool" data-testid={`sd-pool-${p.pool}`} data-open={open ? 'true' : 'false'}>
      <h4 className="pool-title">
        <button type="button" className="disclosure" onClick={toggle} aria-expanded={open} data-testid="pool-toggle">
          {open ? '▾' : '▸'}
        </button>
        <span className="pool-job">{p.pool}</span>
        <span className="badge ok">{p.active.length} active</span>
        {p.droppedCount > 0 && <span className="badge bad">{p.droppedCount} dropped</span>}
        {p.droppedCount > p.dropped.length && <span className="meta">({p.dropped.length} kept for display: keep_dropped_targets)</span>}
      </h4>
      {open && (
        <table className="data ops-table sd-grid">
          <thead>
            <tr>
              <th>Discovered labels (before relabeling)</th>
              <th>Target labels (after relabeling)</th>
            </tr>
          </thead>
          <tbody>
            {active.slice(0, limit).map((t, i) => (
              <ActiveRow key={`a${i}`} t={t} />
            ))}
            {dropped.slice(0, Math.max(0, limit - active.length)).map((t, i) => (
              <DroppedRow key={`d${i}`} t={t} />
            ))}
            {active.length + dropped.length === 0 && (
              <tr>
                <td colSpan={2} className="muted">
                  Nothing {filter ? `matches “${filter}”` : 'to show'} in this pool.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {open && active.length + dropped.length > limit && (
        <button type="button" className="more" onClick={() => setLimit((l) => l + ROW_PAGE * 4)}>
          Show more ({active.length + dropped.length - limit} left)
        </button>
      )}
    </section>
  );
}

function ActiveRow({ t }: { t: ApiTarget }): ReactElement {
  return (
    <tr data-testid="sd-active">
      <td className="wrap">
        <Labels labels={t.discoveredLabels} testid="sd-before" />
      </td>
      <td className="wrap">
        <Labels labels={t.labels} testid="sd-after" />
      </td>
    </tr>
  );
}

function DroppedRow({ t }: { t: ApiDroppedTarget }): ReactElement {
  return (
    <tr data-testid="sd-dropped">
      <td className="wrap">
        <Labels labels={t.discoveredLabels} testid="sd-before" />
      </td>
      <td className="wrap" data-testid="sd-drop-rule">
        <span className="health down">DROPPED</span>{' '}
        {t.droppedBy ? (
          <span className="rule">
            by <b>relabel_configs[{t.droppedBy.index}]</b> ({ruleText(t.droppedBy)})
            <div className="muted">The rule {whyDropped(t.droppedBy, t.discoveredLabels)}.</div>
          </span>
        ) : t.dropReason ? (
          <span className="rule">invalid target: {t.dropReason}</span>
        ) : (
          <span className="muted">by relabeling (the server did not say which rule)</span>
        )}
      </td>
    </tr>
  );
}
