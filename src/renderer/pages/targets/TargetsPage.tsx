/**
 * The targets page: scrape targets grouped by scrape pool (job), with health, labels, the last
 * scrape's age and duration, and the last error.
 */
import { useEffect, useState, type ReactElement } from 'react';
import type { ApiTarget, ApiTargetsData } from '../../../common/api/types';
import type { VigilClient } from '../../../common/ipc/client';

function age(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return 'never';
  const s = Math.max(0, (Date.now() - t) / 1000);
  return s < 60 ? `${s.toFixed(1)}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : `${Math.floor(s / 3600)}h ago`;
}

/** TargetsPage lists scrape targets. */
export function TargetsPage({ client }: { client: VigilClient }): ReactElement {
  const [data, setData] = useState<ApiTargetsData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [onlyUnhealthy, setOnlyUnhealthy] = useState(false);

  useEffect(() => {
    let live = true;
    const load = async (): Promise<void> => {
      const r = await client.targets();
      if (!live) return;
      if (r.status === 'success') {
        setData(r.data);
        setError(null);
      } else setError(r.error);
    };
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client]);

  if (error) return <div className="page error">{error}</div>;
  if (!data) return <div className="page">Loading…</div>;
  const pools = new Map<string, ApiTarget[]>();
  for (const t of data.activeTargets) {
    if (onlyUnhealthy && t.health === 'up') continue;
    const list = pools.get(t.scrapePool) ?? [];
    list.push(t);
    pools.set(t.scrapePool, list);
  }
  return (
    <div className="page targets-page" data-testid="targets-page">
      <div className="toolbar">
        <label>
          <input type="checkbox" checked={onlyUnhealthy} onChange={(e) => setOnlyUnhealthy(e.target.checked)} /> Unhealthy only
        </label>
        <span className="meta">
          {data.activeTargets.length} active, {data.droppedTargets.length} dropped
        </span>
      </div>
      {[...pools.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([pool, targets]) => {
          const up = targets.filter((t) => t.health === 'up').length;
          return (
            <section key={pool} className="pool">
              <h3>
                {pool} <span className={up === targets.length ? 'badge ok' : 'badge bad'}>{up}/{targets.length} up</span>
              </h3>
              <table className="results">
                <thead>
                  <tr>
                    <th>Endpoint</th>
                    <th>State</th>
                    <th>Labels</th>
                    <th>Last scrape</th>
                    <th className="num">Duration</th>
                    <th>Error</th>
                  </tr>
                </thead>
                <tbody>
                  {targets.map((t) => (
                    <tr key={t.scrapeUrl + JSON.stringify(t.labels)}>
                      <td className="series">{t.scrapeUrl}</td>
                      <td>
                        <span className={`health ${t.health}`}>{t.health.toUpperCase()}</span>
                      </td>
                      <td className="labels">
                        {Object.entries(t.labels).map(([k, v]) => (
                          <span key={k} className="label">
                            {k}="{v}"
                          </span>
                        ))}
                      </td>
                      <td>{age(t.lastScrape)}</td>
                      <td className="num">{(t.lastScrapeDuration * 1000).toFixed(1)} ms</td>
                      <td className="err">{t.lastError}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          );
        })}
    </div>
  );
}
