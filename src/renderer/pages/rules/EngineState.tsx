/**
 * The Rules page's loaded rules over the rule engine's API (/api/v1/rules, in Prometheus's shapes):
 * rule groups with each rule's health, state, last evaluation, time taken and error. Without
 * rules it says so and names the rule files the configuration lists (none, or which); the Alerts
 * page shows that list too (RuleFiles).
 */
import type { ReactElement, ReactNode } from 'react';
import { pageLink, useApp } from '../../app/AppState';
import type { RuleEngineGroup as ApiGroup } from '../../../common/api/alerting';
import { usePoll } from '../common/usePoll';
import { ruleFilesFromYaml } from './model';
import '../common/ops.css';
import '../common/alerting.css';

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

/** EngineState is the Rules page's "Loaded rules" tab: the engine's rule groups (`rule` narrows to one rule by name). */
export function EngineState({ tabs }: { tabs?: ReactNode }): ReactElement {
  const { client, route } = useApp();
  const only = route.params.get('rule') ?? '';
  const served = usePoll(() => client.rules(), 15_000, [client]);
  const allGroups = served.data ? ((served.data as { groups?: ApiGroup[] }).groups ?? []) : [];
  // `rule` narrows the groups to the rules of that name (the alerts page links each alert's rule).
  const groups = only ? allGroups.map((g) => ({ ...g, rules: g.rules.filter((r) => r.name === only) })).filter((g) => g.rules.length > 0) : allGroups;
  return (
    <div className="page ops-page rules-page" data-testid="rules-page">
      <h2>Rules</h2>
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
      {served.error && !served.data && <div className="error">The core did not answer /api/v1/rules: {served.error}</div>}
      {served.data !== null && groups.length > 0 && <RulesView groups={groups} />}
      {served.data !== null && allGroups.length === 0 && (
        <div className="empty-state" data-testid="rules-empty">
          <h3>No rule groups are loaded.</h3>
          <p>
            The core answers /api/v1/rules with no rule groups. Rule files named by the configuration are evaluated (recording and alerting rules, as
            Prometheus does), and firing alerts go to the receivers of alertmanager.yml.
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
