/**
 * The notification log (#/alerts/notifications): what was sent, newest first: when, receiver,
 * integration, the alert group, how many firing and resolved alerts, whether it went through and
 * after how many attempts (the error when not). Receiver and outcome filters live in the URL.
 */
import { useMemo, type ReactElement } from 'react';
import type { NotificationEntry } from '../../../common/api/alerting';
import { pageLink, useApp } from '../../app/AppState';
import { useParam } from '../../app/route';
import { Labels } from '../common/Labels';
import { usePoll } from '../common/usePoll';
import { filterNotifications, since, sortNotifications } from './model';

const LIMIT = 500;

export function NotificationLog(): ReactElement {
  const { client, route } = useApp();
  const [receiver, setReceiver] = useParam(route, 'receiver');
  const [status, setStatus] = useParam(route, 'status', 'all');
  const log = usePoll(() => client.notifications(LIMIT), 10_000, [client]);
  const all: NotificationEntry[] = useMemo(() => sortNotifications(Array.isArray(log.data) ? log.data : []), [log.data]);
  const shown = filterNotifications(all, { receiver, status: status as 'all' | 'ok' | 'error' });
  const receivers = [...new Set(all.map((n) => n.receiver))].sort();
  if (log.data === null) return log.error ? <div className="error">The notification log could not be read (/api/v1/alerting/notifications): {log.error}</div> : <div className="panel-loading">Loading…</div>;
  return (
    <div data-testid="notification-log">
      <div className="toolbar">
        <label>
          Receiver{' '}
          <select value={receiver} onChange={(e) => setReceiver(e.target.value)} data-testid="log-receiver">
            <option value="">all</option>
            {receivers.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="log-status">
            <option value="all">all</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
          </select>
        </label>
        <span className="meta">
          {all.length} notification{all.length === 1 ? '' : 's'}
          {all.length >= LIMIT ? ` (the newest ${LIMIT})` : ''}
          {shown.length !== all.length ? ` · ${shown.length} shown` : ''}
          {log.error ? ` · last refresh failed: ${log.error}` : ''}
        </span>
      </div>
      {all.length === 0 ? (
        <div className="empty" data-testid="log-empty">
          No notification has been sent yet. Firing alerts are sent to their receivers after the route&apos;s group_wait.
        </div>
      ) : (
        <div className="card">
          <table className="data">
            <thead>
              <tr>
                <th>time</th>
                <th>receiver</th>
                <th>integration</th>
                <th className="wrap">group</th>
                <th className="num">firing</th>
                <th className="num">resolved</th>
                <th>outcome</th>
                <th className="num">attempts</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((n, i) => (
                <tr key={`${n.time}-${n.receiver}-${n.integration}-${n.index}-${i}`} data-testid="log-row" data-ok={n.ok ? '1' : '0'}>
                  <td title={new Date(n.time).toLocaleString()}>
                    {new Date(n.time).toLocaleTimeString()} <span className="muted">{since(n.time, log.at || Date.now())}</span>
                  </td>
                  <td>{n.receiver}</td>
                  <td>
                    {n.integration}[{n.index}]
                  </td>
                  <td className="wrap">
                    <a href={pageLink(['alerts'], { group: n.groupKey, receiver: n.receiver })} title={n.groupKey} data-testid="log-group">
                      <Labels labels={n.groupLabels} />
                    </a>
                  </td>
                  <td className="num">{n.firing}</td>
                  <td className="num">{n.resolved}</td>
                  <td className="wrap">
                    <span className={`state ${n.ok ? 'ok' : 'error'}`}>{n.ok ? 'ok' : 'error'}</span> {n.error && <span className="bad-text">{n.error}</span>}
                  </td>
                  <td className="num">{n.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
