/** Import a Grafana dashboard JSON (pasted or from a file): converted, previewed, kept in localStorage and listed. */
import { useState, type ReactElement } from 'react';
import { pageLink } from '../../app/AppState';
import { navigate } from '../../app/route';
import { convertGrafana } from '../../dashboards/grafana';
import { listImported, removeImported, saveImported } from '../../dashboards/store';

export function ImportPage(): ReactElement {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [list, setList] = useState(listImported);
  const submit = (json: string): void => {
    try {
      const c = convertGrafana(json);
      saveImported({ id: c.def.id, title: c.def.title, json, importedAt: Date.now() });
      setList(listImported());
      setError('');
      navigate(pageLink(['dashboards', 'i', c.def.id]));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="import-page" data-testid="import-page">
      <h2>Import a Grafana dashboard</h2>
      <p className="muted">
        Paste a dashboard’s JSON (Grafana’s “Export → JSON”, or a kubernetes-mixin dashboard) or pick its file. Time series, graph, stat, singlestat, gauge and table panels are drawn;
        <code> $cluster</code> follows the cluster switcher, other query variables become selects filled by label_values().
      </p>
      <textarea className="import-text" rows={12} value={text} onChange={(e) => setText(e.target.value)} placeholder='{"title": "…", "panels": […]}' data-testid="import-json" spellCheck={false} />
      <div className="import-actions">
        <button type="button" className="primary" disabled={!text.trim()} onClick={() => submit(text)} data-testid="import-submit">
          Import
        </button>
        <label className="file-pick">
          or pick a file <input type="file" accept=".json,application/json" data-testid="import-file" onChange={(e) => void e.target.files?.[0]?.text().then((t) => { setText(t); submit(t); })} />
        </label>
      </div>
      {error && <div className="error" data-testid="import-error">{error}</div>}
      {list.length > 0 && (
        <>
          <h3>Imported</h3>
          <ul className="import-list">
            {list.map((d) => (
              <li key={d.id}>
                <a href={pageLink(['dashboards', 'i', d.id])}>{d.title}</a> <span className="muted">{new Date(d.importedAt).toLocaleString()}</span>{' '}
                <button type="button" onClick={() => { removeImported(d.id); setList(listImported()); }} title="remove">
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
