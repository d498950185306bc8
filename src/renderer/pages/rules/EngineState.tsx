/**
 * The Rules and Alerts pages over the rule engine's API (/api/v1/rules, /api/v1/alerts, in
 * Prometheus's shapes): rule groups with each rule's health, state, last evaluation, time taken
 * and error; firing and pending alerts with labels, annotations, value and since when. Without
 * rules they say so and name the rule files the configuration lists (none, or which).
 * The Alerts page (pages/alerts) joins these alerts with Alertmanager's view of them.
 */
import type { ReactElement, ReactNode } from 'react';
import { pageLink, useApp } from '../../app/AppState';
import { Labels } from '../common/Labels';
import { usePoll } from '../common/usePoll';
import { ruleFilesFromYaml } from './model';
import '../common/ops.css';
import '../common/alerting.css';

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  value: string;
}
interface ApiRule {
  name: string;
  query: string;
  type: 'alerting' | 'recording';
  health: string;
  state?: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  duration?: number;
  labels?: Record<string, string>;
  alerts?: ApiAlert[];
}
interface ApiGroup {
  name: string;
  file: string;
  interval: number;
  rules: ApiRule[];
  evaluationTime: number;
  lastEvaluation: string;
}

function since(iso: string | undefined): string {
  if (!iso || iso.startsWith('0001')) return 'never';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  return s < 60 ? `${s.toFixed(0)} s ago` : s < 3600 ? `${(s / 60).toFixed(0)} min ago` : `${(s / 3600).toFixed(1)} h ago`;
}

export function RuleFiles(): ReactElement {
  const { client } = useApp();
  const config = usePoll(() => client.config(), 0, [client]);
  const files = config.data ? ruleFilesFromYaml(config.data.yaml) : null;
  if (files === null) return <p className="muted">{config.error ? `The configuration could not be read: ${config.error}` : 'Reading the configuration…'}</p>;
  if (files.length === 0) return <p data-testid="rule-files-none">The configuration names no rule files (rule_files).</p>;
  return (
    <div data-testid="rule-files">
      <p>The configuration names {files.length === 1 ? 'this rule file' : `these ${files.length} rule files`}:</p>
      <ul className="files">
        {files.map((f) => (
          <li key={f}>{f}</li>
        ))}
      </ul>
    </div>
  );
}

function AlertsView({ alerts }: { alerts: ApiAlert[] }): ReactElement {
  const order = (a: ApiAlert): number => (a.state === 'firing' ? 0 : 1);
  return (
    <div className="card" data-testid="alerts-list">
      <h3>
        {alerts.filter((a) => a.state === 'firing').length} firing, {alerts.filter((a) => a.state === 'pending').length} pending
      </h3>
      <table className="data">
        <thead>
          <tr>
            <th>alert</th>
            <th>state</th>
            <th>since</th>
            <th className="num">value</th>
            <th>labels</th>
            <th>annotations</th>
          </tr>
        </thead>
        <tbody>
          {[...alerts]
            .sort((a, b) => order(a) - order(b) || (a.labels.alertname ?? '').localeCompare(b.labels.alertname ?? ''))
            .map((a, i) => (
              <tr key={i} data-testid="alert-row" data-state={a.state}>
                <td>{a.labels.alertname}</td>
                <td className={a.state === 'firing' ? 'bad' : ''}>{a.state}</td>
                <td>{since(a.activeAt)}</td>
                <td className="num">{a.value}</td>
                <td>
                  <Labels labels={Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname'))} />
                </td>
                <td className="annotations">
                  {Object.entries(a.annotations).map(([k, v]) => (
                    <div key={k}>
                      <strong>{k}</strong>: {v}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

function RulesView({ groups }: { groups: ApiGroup[] }): ReactElement {
  return (
    <>
      {groups.map((g) => (
        <div className="card" key={`${g.file};${g.name}`} data-testid="rule-group">
          <h3>
            {g.name} <span className="muted">{g.file} · every {g.interval}s · last evaluation {since(g.lastEvaluation)} in {(g.evaluationTime * 1000).toFixed(1)} ms</span>
          </h3>
          <table className="data">
            <thead>
              <tr>
                <th>rule</th>
                <th>type</th>
                <th>health</th>
                <th>state</th>
                <th>query</th>
                <th>last evaluation</th>
                <th className="num">took</th>
                <th>error</th>
              </tr>
            </thead>
            <tbody>
              {g.rules.map((r, i) => (
                <tr key={i} data-testid="rule-row" data-health={r.health}>
                  <td>{r.name}</td>
                  <td>{r.type === 'alerting' ? 'alert' : 'record'}</td>
                  <td className={r.health === 'ok' ? 'ok' : r.health === 'err' ? 'bad' : ''}>{r.health}</td>
                  <td>{r.type === 'alerting' ? `${r.state ?? ''}${r.alerts && r.alerts.length > 0 ? ` (${r.alerts.length})` : ''}` : ''}</td>
                  <td>
                    <a href={pageLink(['explore'], { q0: r.query })}>
                      <code>{r.query}</code>
                    </a>
                  </td>
                  <td>{since(r.lastEvaluation)}</td>
                  <td className="num">{(r.evaluationTime * 1000).toFixed(2)} ms</td>
                  <td className="bad">{r.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

export function EngineState({ kind, tabs }: { kind: 'rules' | 'alerts'; tabs?: ReactNode }): ReactElement {
  const { client, route } = useApp();
  const only = kind === 'rules' ? (route.params.get('rule') ?? '') : '';
  const served = usePoll<unknown>(() => (kind === 'rules' ? client.rules() : client.alerts()), 15_000, [client, kind]);
  const title = kind === 'rules' ? 'Rules' : 'Alerts';
  const allGroups = kind === 'rules' && served.data ? ((served.data as { groups?: ApiGroup[] }).groups ?? []) : [];
  // `rule` narrows the groups to the rules of that name (the alerts page links each alert's rule).
  const groups = only ? allGroups.map((g) => ({ ...g, rules: g.rules.filter((r) => r.name === only) })).filter((g) => g.rules.length > 0) : allGroups;
  const alerts = kind === 'alerts' && served.data ? ((served.data as { alerts?: ApiAlert[] }).alerts ?? []) : [];
  const items = kind === 'rules' ? groups.length : alerts.length;
  return (
    <div className={`page ops-page ${kind}-page`} data-testid={`${kind}-page`}>
      <h2>{title}</h2>
      {tabs}
      {only && (
        <div className="toolbar" data-testid="rule-only">
          <span>
            Rule <b>{only}</b>
            {groups.length === 0 && served.data !== null ? ': no loaded rule has this name.' : ''}
          </span>
          <a href={pageLink(['rules'])}>Show all rules</a>
        </div>
      )}
      {served.error && !served.data && <div className="error">The core did not answer /api/v1/{kind}: {served.error}</div>}
      {served.data !== null && items > 0 && (kind === 'rules' ? <RulesView groups={groups} /> : <AlertsView alerts={alerts} />)}
      {served.data !== null && items === 0 && !(only && allGroups.length > 0) && (
        <div className="empty-state" data-testid={`${kind}-empty`}>
          <h3>{kind === 'rules' ? 'No rule groups are loaded.' : 'No alert is firing or pending.'}</h3>
          <p>
            The core answers /api/v1/{kind} with no {kind === 'rules' ? 'rule groups' : 'alerts'}. Rule files named by the configuration are
            evaluated (recording and alerting rules, as Prometheus does), and firing alerts go to the receivers of alertmanager.yml.
          </p>
          <RuleFiles />
          <p>
            <a href={pageLink(['status'])}>See the loaded configuration on the Status page</a>.
          </p>
        </div>
      )}
      {served.data === null && !served.error && <div className="panel-loading">Loading…</div>}
    </div>
  );
}
