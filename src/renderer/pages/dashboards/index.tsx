/**
 * Dashboards: #/dashboards is the cluster overview with the list of dashboards above it;
 * #/dashboards/<id> a built-in dashboard (cluster, nodes, node, namespaces, namespace, workloads,
 * workload, pod), #/dashboards/import the Grafana import, #/dashboards/i/<id> an imported one,
 * #/dashboards/bench the chart benchmark's page (not listed).
 */
import { useMemo, type ReactElement } from 'react';
import { pageLink, useApp } from '../../app/AppState';
import { DASHBOARDS, dashboardById } from '../../dashboards';
import { convertGrafana } from '../../dashboards/grafana';
import { listImported } from '../../dashboards/store';
import { BenchPage } from './BenchPage';
import { DashboardView } from './DashboardView';
import { ImportPage } from './ImportPage';
import './dashboards.css';

function DashboardList({ current }: { current: string }): ReactElement {
  const imported = listImported();
  return (
    <nav className="dash-list" aria-label="dashboards" data-testid="dashboard-list">
      {DASHBOARDS.filter((d) => !d.detail).map((d) => (
        <a key={d.id} href={pageLink(['dashboards', d.id])} className={current === d.id ? 'active' : ''} title={d.description} data-testid={`dash-link-${d.id}`}>
          {d.title}
        </a>
      ))}
      {imported.map((d) => (
        <a key={d.id} href={pageLink(['dashboards', 'i', d.id])} className={current === `i/${d.id}` ? 'active imported' : 'imported'} title="imported from Grafana JSON" data-testid={`dash-link-i-${d.id}`}>
          {d.title}
        </a>
      ))}
      <a href={pageLink(['dashboards', 'import'])} className={`import${current === 'import' ? ' active' : ''}`} data-testid="dash-link-import">
        + Import Grafana JSON
      </a>
    </nav>
  );
}

function Imported({ id }: { id: string }): ReactElement {
  const stored = listImported().find((d) => d.id === id);
  const conv = useMemo(() => {
    if (!stored) return null;
    try {
      return convertGrafana(stored.json);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }, [stored?.json]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!stored) return <div className="empty-state">No imported dashboard {id}. <a href={pageLink(['dashboards', 'import'])}>Import one</a>.</div>;
  if (typeof conv === 'string' || !conv) return <div className="error">{conv}</div>;
  return (
    <>
      {conv.notes.length > 0 && (
        <details className="import-notes">
          <summary>{conv.notes.length} note(s) on the conversion</summary>
          <ul>
            {conv.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </details>
      )}
      <DashboardView def={conv.def} />
    </>
  );
}

export function DashboardsPage(): ReactElement {
  const { route } = useApp();
  const sub = route.path[1] ?? '';
  if (sub === 'bench') return <BenchPage />;
  let body: ReactElement;
  let current = sub || 'cluster';
  if (sub === 'import') body = <ImportPage />;
  else if (sub === 'i') {
    current = `i/${route.path[2] ?? ''}`;
    body = <Imported key={route.path[2]} id={route.path[2] ?? ''} />;
  } else {
    const def = dashboardById(current);
    body = def ? <DashboardView key={def.id} def={def} /> : <div className="empty-state" data-testid="unknown-dashboard">No dashboard “{sub}”.</div>;
  }
  return (
    <div className="page dashboards">
      <DashboardList current={current} />
      {body}
    </div>
  );
}
