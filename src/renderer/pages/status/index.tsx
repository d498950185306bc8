/**
 * Status (#/status): storage (series, samples, bytes per sample, disk size, the time covered,
 * retention), the busiest metric names, runtime and build information, the effective settings
 * (Prometheus's command-line flags), the loaded configuration (YAML, with copy), the kubeconfig
 * contexts with their state and notes, and per monitored context the default jobs with the ones
 * skipped and why.
 */
import { useState, type ReactElement } from 'react';
import type { ApiClusterData, ApiContextsData } from '../../../common/api/types';
import { pageLink, useApp } from '../../app/AppState';
import { formatValue } from '../../charts/units';
import { usePoll } from '../common/usePoll';
import { formatCount, formatSpan, storageFigures } from './model';
import '../common/ops.css';

export function StatusPage(): ReactElement {
  const { client } = useApp();
  const tsdb = usePoll(() => client.tsdbStatus(), 30_000, [client]);
  const runtime = usePoll(() => client.runtimeInfo(), 0, [client]);
  const build = usePoll(() => client.buildInfo(), 0, [client]);
  const flags = usePoll(() => client.flags(), 0, [client]);
  const config = usePoll(() => client.config(), 0, [client]);
  const contexts = usePoll(() => client.contexts(), 15_000, [client]);
  const cluster = usePoll(() => client.cluster(), 15_000, [client]);
  const retention = String(runtime.data?.storageRetention ?? '');
  return (
    <div className="page ops-page status-page" data-testid="status-page">
      <h2>Status</h2>
      <div className="card" data-testid="status-storage">
        <h3>Storage</h3>
        {tsdb.data ? <Storage t={tsdb.data} retention={retention} dataDir={String(runtime.data?.dataDir ?? '')} /> : <Pending error={tsdb.error} />}
      </div>
      <div className="cards">
        <div className="card">
          <h3>Series by metric name (top 10)</h3>
          {tsdb.data ? (
            <table className="kv">
              <tbody>
                {tsdb.data.seriesCountByMetricName.map((e) => (
                  <tr key={e.name}>
                    <th className="series">{e.name}</th>
                    <td className="num">{formatCount(e.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Pending error={tsdb.error} />
          )}
        </div>
        <div className="card" data-testid="status-runtime">
          <h3>Runtime</h3>
          {runtime.data ? <Kv obj={runtime.data} /> : <Pending error={runtime.error} />}
        </div>
        <div className="card" data-testid="status-build">
          <h3>Build</h3>
          {build.data ? <Kv obj={build.data as unknown as Record<string, unknown>} /> : <Pending error={build.error} />}
        </div>
        <div className="card" data-testid="status-flags">
          <h3>Settings (command-line flags)</h3>
          {flags.data ? <Kv obj={flags.data} /> : <Pending error={flags.error} />}
        </div>
      </div>
      <div className="card" data-testid="status-contexts">
        <h3>Kubernetes contexts</h3>
        {contexts.data ? <Contexts d={contexts.data} cluster={cluster.data} /> : <Pending error={contexts.error} />}
      </div>
      <div className="card" data-testid="status-config">
        <h3>
          Configuration <CopyButton text={config.data?.yaml ?? ''} />
        </h3>
        {config.data ? <pre className="yaml" data-testid="config-yaml">{config.data.yaml || '# (empty)'}</pre> : <Pending error={config.error} />}
      </div>
    </div>
  );
}

function Pending({ error }: { error: string | null }): ReactElement {
  return error ? <div className="panel-error">{error}</div> : <div className="muted">Loading…</div>;
}

function Stat({ label, value, raw, testid, title }: { label: string; value: string; raw?: number | null; testid: string; title?: string }): ReactElement {
  return (
    <div className="stat" data-testid={testid} data-value={raw === null || raw === undefined ? '' : String(raw)} title={title}>
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

function Storage({ t, retention, dataDir }: { t: Parameters<typeof storageFigures>[0]; retention: string; dataDir: string }): ReactElement {
  const f = storageFigures(t);
  return (
    <>
      <div className="big-stats">
        <Stat testid="stat-series" label="series" value={formatCount(f.series)} raw={f.series} />
        <Stat testid="stat-samples" label="samples" value={formatCount(f.samples)} raw={f.samples} />
        <Stat testid="stat-chunks" label="chunks" value={formatCount(f.chunks)} raw={f.chunks} />
        <Stat testid="stat-bytes-per-sample" label="bytes per sample (disk)" value={f.bytesPerSample === null ? '–' : f.bytesPerSample.toFixed(2)} raw={f.bytesPerSample} />
        <Stat testid="stat-disk" label="on disk" value={f.bytesOnDisk === null ? '–' : formatValue(f.bytesOnDisk, 'bytes')} raw={f.bytesOnDisk} title={f.bytesOnDisk === null ? '' : `${formatCount(f.bytesOnDisk)} bytes`} />
        <Stat testid="stat-span" label="time covered" value={f.minTime === null || f.maxTime === null ? '–' : formatSpan(f.maxTime - f.minTime)} title={f.minTime === null || f.maxTime === null ? '' : `${new Date(f.minTime).toLocaleString()} – ${new Date(f.maxTime).toLocaleString()}`} />
        <Stat testid="stat-retention" label="retention" value={retention || '–'} />
      </div>
      <p className="muted">
        Head: {formatCount(t.headStats.numSeries)} series, {formatCount(t.headStats.chunkCount)} chunks, {formatCount(t.headStats.numLabelPairs)} label pairs.{dataDir ? ` Data folder: ${dataDir}.` : ''}
      </p>
    </>
  );
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function Kv({ obj }: { obj: Record<string, unknown> }): ReactElement {
  return (
    <table className="kv">
      <tbody>
        {Object.entries(obj).map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{show(v) || <span className="muted">(empty)</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const STATE_CLASS: Record<string, string> = { connected: 'ok-text', unknown: 'muted' };

function Contexts({ d, cluster }: { d: ApiContextsData; cluster: ApiClusterData | null }): ReactElement {
  const defaults = new Map((cluster?.contexts ?? []).map((c) => [c.context, c]));
  return (
    <>
      <p className="muted">
        Kubeconfig: {d.files.join(', ') || '(none)'} · current context {d.current || '(none)'} · <a href={pageLink(['settings'])}>choose the monitored contexts in Settings</a>
      </p>
      {d.problems.map((p) => (
        <div key={p} className="note">
          {p}
        </div>
      ))}
      {d.missing.length > 0 && <div className="note">Monitored but not in the kubeconfig: {d.missing.join(', ')}</div>}
      <table className="data ops-table">
        <thead>
          <tr>
            <th>Context</th>
            <th>Cluster label</th>
            <th>Server</th>
            <th>Monitored</th>
            <th>State</th>
            <th>Default jobs</th>
            <th>Notes</th>
          </tr>
        </thead>
        <tbody>
          {d.contexts.map((c) => {
            const def = defaults.get(c.name);
            const skipped = Object.entries(def?.skippedJobs ?? {});
            return (
              <tr key={c.name} data-testid={`context-${c.name}`}>
                <td>
                  {c.name}
                  {c.current && <span className="muted"> (current)</span>}
                </td>
                <td>{c.clusterLabel}</td>
                <td className="series">{c.server}</td>
                <td>{c.monitored ? 'yes' : 'no'}</td>
                <td className={STATE_CLASS[c.state] ?? 'bad-text'} title={c.error}>
                  {c.state}
                  {c.error && <div className="path-reason">{c.error}</div>}
                  {c.denied.length > 0 && <div className="path-reason">refused: {c.denied.join(', ')}</div>}
                </td>
                <td className="wrap" data-testid="context-jobs">
                  {def ? (
                    <>
                      every {def.scrapeInterval}
                      {def.disabledJobs.length > 0 && <div>switched off: {def.disabledJobs.join(', ')}</div>}
                      {skipped.map(([j, why]) => (
                        <div key={j} className="path-reason">
                          skipped {j}: {why}
                        </div>
                      ))}
                      {def.disabledJobs.length === 0 && skipped.length === 0 && <div className="muted">all {cluster?.jobs.length ?? ''} jobs run</div>}
                    </>
                  ) : (
                    <span className="muted">{c.monitored ? '…' : 'not monitored'}</span>
                  )}
                </td>
                <td className="wrap">{(c.notes ?? []).join(' · ')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function CopyButton({ text }: { text: string }): ReactElement {
  const [done, setDone] = useState('');
  return (
    <button
      type="button"
      data-testid="copy-config"
      disabled={text === ''}
      onClick={() => {
        void navigator.clipboard
          .writeText(text)
          .then(() => setDone('copied'))
          .catch(() => setDone('copy failed: select the text instead'));
        setTimeout(() => setDone(''), 2000);
      }}
    >
      Copy{done && ` · ${done}`}
    </button>
  );
}
