/**
 * Alerts (#/alerts): the firing and pending alerts, the rule engine's (/api/v1/alerts) joined with
 * Alertmanager's view of them (/api/v1/alerting/alerts: silences and inhibition, receivers),
 * grouped by the dispatcher's alert groups or by rule, with labels, annotations, since when, the
 * rule (a link to the Rules page), what mutes each and the gap its cluster is in. The cluster
 * switcher's `cluster` label, a state filter (`state`) and a text or matcher filter (`q`) live in
 * the URL. "Silence" opens the silence form with the alert's labels. The notification log is the
 * second tab (#/alerts/notifications). A notification's link (`group`: its group key, `receiver`)
 * narrows the page to that group.
 */
import { useMemo, type ReactElement } from 'react';
import type { AmAlert, AmSilence, Gap } from '../../../common/api/alerting';
import type { RuleEngineAlert } from '../../../common/api/alerting';
import { pageLink, useApp } from '../../app/AppState';
import { navigate, useParam } from '../../app/route';
import { Labels } from '../common/Labels';
import { usePoll } from '../common/usePoll';
import { RuleFiles } from '../rules/EngineState';
import { describeSpan, formatMatchers, rowsFromLabels } from '../silences/model';
import { countAlerts, filterAlerts, gapOf, gapText, groupAlerts, inhibitorNames, mergeAlerts, muted, openGaps, scopeGroups, since, type StateFilter, type ViewAlert } from './model';
import { NotificationLog } from './NotificationLog';
import '../common/ops.css';
import '../common/alerting.css';

export function AlertsPage(): ReactElement {
  const { route } = useApp();
  const tab = route.path[1] === 'notifications' ? 'notifications' : 'alerts';
  return (
    <div className="page ops-page alerting alerts-page" data-testid="alerts-page">
      <h2>Alerts</h2>
      <nav className="tabs" aria-label="alerts views">
        <a className={`tab ${tab === 'alerts' ? 'active' : ''}`} href={pageLink(['alerts'])} data-testid="tab-alerts">
          Alerts
        </a>
        <a className={`tab ${tab === 'notifications' ? 'active' : ''}`} href={pageLink(['alerts', 'notifications'])} data-testid="tab-notifications">
          Notification log
        </a>
        <a className="tab" href={pageLink(['silences'])}>
          Silences
        </a>
      </nav>
      {tab === 'alerts' ? <AlertsView /> : <NotificationLog />}
    </div>
  );
}

function silenceLink(labels: Record<string, string>): string {
  return pageLink(['silences', 'new'], { matchers: formatMatchers(rowsFromLabels(labels)) });
}

function AlertsView(): ReactElement {
  const { client, route, cluster } = useApp();
  const [q, setQ] = useParam(route, 'q');
  const [state, setState] = useParam(route, 'state', 'all');
  const [by, setBy] = useParam(route, 'by', 'group');
  // A notification links to its group (`group`: the group key) and receiver.
  const scope = { group: route.params.get('group') ?? '', receiver: route.params.get('receiver') ?? '' };
  const rule = usePoll(() => client.alerts(), 10_000, [client]);
  const am = usePoll(() => client.amAlerts(), 10_000, [client]);
  const groups = usePoll(() => client.amGroups(), 10_000, [client]);
  const gaps = usePoll(() => client.gaps(), 15_000, [client]);
  const silences = usePoll(() => client.silences(), 15_000, [client]);
  const silenceById = useMemo(() => new Map((Array.isArray(silences.data) ? silences.data : []).map((x) => [x.id, x])), [silences.data]);
  const now = Math.max(rule.at, am.at) || Date.now();
  const amAlerts: AmAlert[] = useMemo(() => (Array.isArray(am.data) ? am.data : []), [am.data]);
  const all = useMemo(() => mergeAlerts(((rule.data?.alerts ?? []) as RuleEngineAlert[]), amAlerts, now), [rule.data, amAlerts, now]);
  const shown = useMemo(() => filterAlerts(all, { state: state as StateFilter, cluster, text: q }), [all, state, cluster, q]);
  const grouped = useMemo(
    () => scopeGroups(groupAlerts(shown, by === 'rule' && !scope.group ? 'rule' : 'group', Array.isArray(groups.data) ? groups.data : []), scope),
    // scope is rebuilt per render from the route; its strings are the identity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [shown, by, groups.data, scope.group, scope.receiver],
  );
  const gapList: Gap[] = Array.isArray(gaps.data) ? gaps.data : [];
  const open = openGaps(gapList, cluster, now);
  const counts = countAlerts(all.filter((a) => cluster === '' || a.labels.cluster === cluster));

  if (rule.data === null && am.data === null) {
    return rule.error && am.error ? (
      <div className="error">The core did not answer /api/v1/alerts ({rule.error}) nor /api/v1/alerting/alerts ({am.error}).</div>
    ) : (
      <div className="panel-loading">Loading…</div>
    );
  }
  return (
    <>
      {open.length > 0 && (
        <div className="note" data-testid="gaps-open">
          {open.map((g, i) => (
            <div key={i}>
              <b>{g.cluster === null ? 'Every cluster' : `Cluster ${g.cluster}`}</b> is in a gap since {since(g.from, now)}: {gapText(g.reason)}. Until it ends and fresh
              scrapes arrive, the rules hold {g.cluster === null ? 'every' : 'its'} alerts as they were: none fires anew or resolves.
            </div>
          ))}
        </div>
      )}
      {am.error && am.data === null && (
        <div className="note" data-testid="alerting-unavailable">
          Alertmanager&apos;s view (silences, inhibition, receivers) is not available: {am.error}. The rule engine&apos;s alerts are shown alone.
        </div>
      )}
      <div className="toolbar">
        <input className="filter" type="search" placeholder='Filter by label or annotation, or matchers (severity="critical")' value={q} onChange={(e) => setQ(e.target.value, true)} data-testid="alerts-filter" aria-label="filter alerts" />
        <label>
          State{' '}
          <select value={state} onChange={(e) => setState(e.target.value)} data-testid="alerts-state">
            <option value="all">all</option>
            <option value="firing">firing</option>
            <option value="pending">pending</option>
            <option value="muted">silenced or inhibited</option>
            <option value="unmuted">not muted</option>
          </select>
        </label>
        <label>
          Group by{' '}
          <select value={by} onChange={(e) => setBy(e.target.value)} data-testid="alerts-group-by">
            <option value="group">alert group</option>
            <option value="rule">rule</option>
          </select>
        </label>
        <span className="meta" data-testid="alerts-summary">
          {counts.firing} firing, {counts.pending} pending, {counts.muted} muted{cluster ? ` in cluster ${cluster}` : ''}
          {shown.length !== counts.firing + counts.pending ? ` · ${shown.length} shown` : ''}
        </span>
      </div>
      {(scope.group || scope.receiver) && (
        <div className="toolbar" data-testid="alerts-scope">
          <span>
            Showing {scope.group ? <>the alert group <code>{scope.group}</code></> : 'the alerts'}
            {scope.receiver ? <> of receiver <b>{scope.receiver}</b></> : ''}
            {grouped.length === 0 && all.length > 0 ? ': it has no alerts now (resolved, or filtered out).' : ''}
          </span>
          <a href={pageLink(['alerts'], { q: q || undefined, state: state === 'all' ? undefined : state })}>Show all alerts</a>
        </div>
      )}
      {all.length === 0 && (
        <div className="empty-state" data-testid="alerts-empty">
          <h3>No alert is firing or pending.</h3>
          <p>
            The core answers /api/v1/alerts and /api/v1/alerting/alerts with no alerts. Rule files named by the configuration and the starter rules are evaluated, and
            their firing alerts are routed to the receivers of alertmanager.yml.
          </p>
          <RuleFiles />
          <p>
            <a href={pageLink(['rules'])}>See the rules</a> · <a href={pageLink(['status'])}>the loaded configuration</a>.
          </p>
        </div>
      )}
      {all.length > 0 && shown.length === 0 && !(scope.group || scope.receiver) && (
        <div className="empty" data-testid="alerts-none-shown">
          No alert matches the filters{cluster ? ` in cluster ${cluster}` : ''}.
        </div>
      )}
      {grouped.map((g) => (
        <div className="card" key={g.key} data-testid="alert-group" data-group={g.key}>
          <h3 className="group-title">
            <code>{g.title}</code>
            {g.receiver && <span className="muted">→ receiver {g.receiver}</span>}
            <span className="muted">
              {g.alerts.length} alert{g.alerts.length === 1 ? '' : 's'}
            </span>
            {by === 'rule' && g.labels.alertname && <a href={pageLink(['rules'], { rule: g.labels.alertname })}>rule</a>}
          </h3>
          <AlertTable alerts={g.alerts} am={amAlerts} gaps={gapList} silences={silenceById} now={now} />
        </div>
      ))}
    </>
  );
}

function AlertTable({ alerts, am, gaps, silences, now }: { alerts: ViewAlert[]; am: AmAlert[]; gaps: Gap[]; silences: Map<string, AmSilence>; now: number }): ReactElement {
  return (
    <table className="data">
      <thead>
        <tr>
          <th>alert</th>
          <th>state</th>
          <th>active since</th>
          <th className="wrap">labels</th>
          <th className="wrap">annotations</th>
          <th className="wrap">muted by / sent to</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => {
          const gap = gapOf(a.labels, gaps, now);
          const { summary, description, ...rest } = a.annotations;
          return (
            <tr key={a.key} data-testid="alert-row" data-state={a.state} data-muted={muted(a) ? '1' : '0'} className={muted(a) ? 'muted-row' : ''}>
              <td>
                <a href={pageLink(['rules'], { rule: a.labels.alertname ?? '' })} title="the rule on the Rules page" data-testid="alert-rule">
                  {a.labels.alertname ?? '(no alertname)'}
                </a>
                {gap && (
                  <div>
                    <span className="gap-marker" data-testid="gap-marker" title={`in a gap since ${new Date(gap.from).toLocaleString()}: the alert is held as it was`}>
                      gap: {gapText(gap.reason)}
                    </span>
                  </div>
                )}
              </td>
              <td>
                <span className={`state ${a.state}`}>{a.state}</span>
                {a.silencedBy.length > 0 && <span className="state muted"> silenced</span>}
                {a.inhibitedBy.length > 0 && <span className="state muted"> inhibited</span>}
                {a.mutedBy.length > 0 && <span className="state muted"> muted</span>}
              </td>
              <td title={Number.isFinite(a.activeAt) ? new Date(a.activeAt).toLocaleString() : ''}>{since(a.activeAt, now)}</td>
              <td className="wrap">
                <Labels labels={Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname'))} />
                {a.value !== undefined && <div className="muted">value {a.value}</div>}
              </td>
              <td className="annotations">
                {summary && <div className="summary">{summary}</div>}
                {description && <div className="description">{description}</div>}
                {Object.entries(rest).map(([k, v]) => (
                  <div key={k}>
                    <strong>{k}</strong>: {/^https?:\/\//.test(v) ? <a href={v} target="_blank" rel="noreferrer">{v}</a> : v}
                  </div>
                ))}
              </td>
              <td className="wrap mutes" data-testid="alert-mutes">
                {a.silencedBy.map((id) => {
                  const sil = silences.get(id);
                  return (
                    <div key={id}>
                      <a href={pageLink(['silences', 'edit', id])} title={id} data-testid="silenced-by">
                        silence {id.slice(0, 8)}
                      </a>
                      {sil && (
                        <span className="muted">
                          {' '}
                          by {sil.createdBy}, ends {describeSpan(Date.parse(sil.endsAt), now)}
                          {sil.comment ? `: ${sil.comment}` : ''}
                        </span>
                      )}
                    </div>
                  );
                })}
                {a.inhibitedBy.length > 0 && <div data-testid="inhibited-by">inhibited by {inhibitorNames(a.inhibitedBy, am).join(', ')}</div>}
                {a.mutedBy.length > 0 && <div>time interval {a.mutedBy.join(', ')}</div>}
                {a.receivers.length > 0 && !muted(a) && <div className="muted">to {a.receivers.join(', ')}</div>}
              </td>
              <td>
                <button type="button" onClick={() => navigate(silenceLink(a.labels))} data-testid="silence-alert">
                  Silence
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
