/**
 * Settings (#/settings): which kubeconfig contexts Vigil monitors (kept in the settings file), the
 * default jobs of each monitored context (scrape interval, jobs switched off; the jobs Vigil
 * skips and why), the alerting receivers (with a test notification each) and alertmanager.yml, and
 * the theme (system, dark, light).
 */
import { useEffect, useState, type ReactElement } from 'react';
import type { ApiClusterContext, ApiClusterData, ApiContextsData } from '../../../common/api/types';
import { useApp } from '../../app/AppState';
import { usePoll } from '../common/usePoll';
import { intervalError, sameSet, toggle } from './model';
import { AlertmanagerConfigCard, ReceiversCard } from './Alerting';
import '../common/ops.css';

export function SettingsPage(): ReactElement {
  const { client, themeChoice, setTheme } = useApp();
  const contexts = usePoll(() => client.contexts(), 0, [client]);
  const cluster = usePoll(() => client.cluster(), 0, [client]);
  return (
    <div className="page ops-page settings-page" data-testid="settings-page">
      <h2>Settings</h2>
      <div className="card" data-testid="settings-contexts">
        <h3>Monitored contexts</h3>
        {contexts.data ? <ContextChoice d={contexts.data} onSaved={() => { contexts.reload(); cluster.reload(); }} /> : <div className="muted">{contexts.error ?? 'Loading…'}</div>}
      </div>
      <div className="card" data-testid="settings-jobs">
        <h3>Default jobs</h3>
        {cluster.data ? (
          cluster.data.contexts.length === 0 ? (
            <div className="muted">No monitored context: choose one above.</div>
          ) : (
            cluster.data.contexts.map((c) => <JobSettings key={c.context} c={c} d={cluster.data!} onSaved={cluster.reload} />)
          )
        ) : (
          <div className="muted">{cluster.error ?? 'Loading…'}</div>
        )}
      </div>
      <ReceiversCard />
      <AlertmanagerConfigCard />
      <div className="card" data-testid="settings-theme">
        <h3>Theme</h3>
        <div className="settings-row" role="radiogroup" aria-label="theme">
          {(['system', 'dark', 'light'] as const).map((t) => (
            <label key={t}>
              <input type="radio" name="theme" checked={themeChoice === t} onChange={() => setTheme(t)} data-testid={`theme-${t}`} /> {t === 'system' ? 'Follow the system' : t === 'dark' ? 'Dark' : 'Light'}
            </label>
          ))}
        </div>
      </div>
    </div>
  );
}

function ContextChoice({ d, onSaved }: { d: ApiContextsData; onSaved(): void }): ReactElement {
  const { client } = useApp();
  const [chosen, setChosen] = useState<string[]>(d.monitored);
  const [msg, setMsg] = useState('');
  useEffect(() => setChosen(d.monitored), [d]);
  const changed = !sameSet(chosen, d.monitored);
  const save = async (): Promise<void> => {
    const r = await client.selectContexts(chosen);
    setMsg(r.status === 'success' ? `Saved: monitoring ${r.data.monitored.join(', ') || 'no context'}.` : `Not saved: ${r.error}`);
    onSaved();
  };
  return (
    <>
      {d.contexts.length === 0 && <div className="muted">The kubeconfig ({d.files.join(', ') || 'none found'}) has no contexts.</div>}
      {d.contexts.map((c) => (
        <label key={c.name} className="settings-row">
          <input type="checkbox" checked={chosen.includes(c.name)} onChange={(e) => setChosen(toggle(chosen, c.name, e.target.checked))} data-testid={`monitor-${c.name}`} />
          <b>{c.name}</b>
          <span className="muted">
            {c.server} · {c.monitored ? c.state : 'not monitored'}
            {c.error ? ` — ${c.error}` : ''}
          </span>
        </label>
      ))}
      <div className="settings-row">
        <button type="button" className="primary" disabled={!changed} onClick={() => void save()} data-testid="save-contexts">
          Apply
        </button>
        {msg && <span className="saved">{msg}</span>}
      </div>
    </>
  );
}

function JobSettings({ c, d, onSaved }: { c: ApiClusterContext; d: ApiClusterData; onSaved(): void }): ReactElement {
  const { client } = useApp();
  const [interval, setInterval_] = useState(c.scrapeInterval === d.defaultInterval ? '' : c.scrapeInterval);
  const [disabled, setDisabled] = useState<string[]>(c.disabledJobs);
  const [msg, setMsg] = useState('');
  const err = intervalError(interval);
  const save = async (): Promise<void> => {
    const r = await client.setClusterSettings(c.context, { scrapeInterval: interval.trim(), disabledJobs: disabled });
    setMsg(r.status === 'success' ? 'Saved; the scrape configuration is being reloaded.' : `Not saved: ${r.error}`);
    if (r.status === 'success') onSaved();
  };
  return (
    <section data-testid={`jobs-${c.context}`}>
      <h4>{c.context}</h4>
      <div className="settings-row">
        <label>
          Scrape interval <input value={interval} placeholder={`default ${d.defaultInterval}`} onChange={(e) => setInterval_(e.target.value)} size={10} data-testid="job-interval" />
        </label>
        <span className="muted">now every {c.scrapeInterval}</span>
        {err && <span className="bad-text">{err}</span>}
      </div>
      <div className="jobs">
        {d.jobs.map((j) => (
          <label key={j.name} title={j.description}>
            <input type="checkbox" checked={!disabled.includes(j.name)} onChange={(e) => setDisabled(toggle(disabled, j.name, !e.target.checked))} data-testid={`job-${j.name}`} />
            <span>
              {j.name}
              {c.skippedJobs[j.name] && <span className="bad-text"> skipped: {c.skippedJobs[j.name]}</span>}
              <span className="muted">{j.description}</span>
            </span>
          </label>
        ))}
      </div>
      <div className="settings-row">
        <button type="button" className="primary" disabled={err !== null} onClick={() => void save()} data-testid="save-jobs">
          Save {c.context}
        </button>
        {msg && <span className="saved">{msg}</span>}
      </div>
    </section>
  );
}
