/**
 * The alerting cards of Settings: each receiver with its integrations' last attempt, last error and
 * failures in a row, a "Send test notification" button per receiver showing each integration's
 * answer; and the alertmanager.yml in use with its problems.
 */
import { useState, type ReactElement } from 'react';
import type { ReceiverState, TestResult } from '../../../common/api/alerting';
import { useApp } from '../../app/AppState';
import { since } from '../alerts/model';
import { usePoll } from '../common/usePoll';
import { integrationHealth, integrationLabel, problemText, testOutcome } from './receivers-model';
import '../common/alerting.css';

export function ReceiversCard(): ReactElement {
  const { client } = useApp();
  const receivers = usePoll(() => client.receivers(), 15_000, [client]);
  const list: ReceiverState[] = Array.isArray(receivers.data) ? receivers.data : [];
  return (
    <div className="card alerting" data-testid="settings-receivers">
      <h3>Receivers</h3>
      {receivers.data === null ? (
        <div className="muted">{receivers.error ? `The receivers could not be read (/api/v1/alerting/receivers): ${receivers.error}` : 'Loading…'}</div>
      ) : list.length === 0 ? (
        <div className="muted">alertmanager.yml names no receivers.</div>
      ) : (
        list.map((r) => <Receiver key={r.name} r={r} now={receivers.at || Date.now()} onTested={receivers.reload} />)
      )}
    </div>
  );
}

function Receiver({ r, now, onTested }: { r: ReceiverState; now: number; onTested(): void }): ReactElement {
  const { client } = useApp();
  const [results, setResults] = useState<TestResult[] | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const test = async (): Promise<void> => {
    setBusy(true);
    setError('');
    const res = await client.testReceiver(r.name);
    setBusy(false);
    if (res.status === 'success') setResults(Array.isArray(res.data) ? res.data : []);
    else {
      setResults(null);
      setError(res.error);
    }
    onTested();
  };
  const outcome = results ? testOutcome(results) : null;
  return (
    <section data-testid={`receiver-${r.name}`}>
      <h4 className="row">
        {r.name}
        <button type="button" disabled={busy || r.integrations.length === 0} onClick={() => void test()} data-testid="test-receiver">
          {busy ? 'Sending…' : 'Send test notification'}
        </button>
      </h4>
      {r.integrations.length === 0 ? (
        <div className="muted">No integrations: alerts routed here are dropped (as Alertmanager does with an empty receiver).</div>
      ) : (
        <table className="data integrations">
          <thead>
            <tr>
              <th>integration</th>
              <th>send resolved</th>
              <th>last attempt</th>
              <th className="wrap">last error</th>
              <th className="num">failures</th>
              <th className="wrap">test</th>
            </tr>
          </thead>
          <tbody>
            {r.integrations.map((i) => {
              const h = integrationHealth(i);
              const t = results?.find((x) => x.name === i.name && x.index === i.index);
              return (
                <tr key={`${i.name}-${i.index}`} data-testid="integration-row" data-health={h}>
                  <td>{integrationLabel(i)}</td>
                  <td>{i.sendResolved ? 'yes' : 'no'}</td>
                  <td>
                    <span className={`state ${h === 'failing' ? 'error' : h}`}>{h === 'never' ? 'never' : h === 'ok' ? 'ok' : 'failed'}</span> {i.lastAttempt ? since(i.lastAttempt, now) : ''}
                  </td>
                  <td className="wrap bad-text">{i.lastError ?? ''}</td>
                  <td className="num">{i.failures}</td>
                  <td className="wrap" data-testid="integration-test">
                    {t && (t.ok ? <span className="state ok">ok</span> : <span className="bad-text">{t.error ?? 'failed'}</span>)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {outcome && (
        <div className={`test-results ${outcome.ok ? 'ok-text' : 'bad-text'}`} data-testid="test-outcome">
          {outcome.text}
        </div>
      )}
      {error && (
        <div className="test-results bad-text" data-testid="test-outcome">
          The test was not sent: {error}
        </div>
      )}
    </section>
  );
}

export function AlertmanagerConfigCard(): ReactElement {
  const { client } = useApp();
  const cfg = usePoll(() => client.alertmanagerConfig(), 0, [client]);
  const d = cfg.data;
  const problems = d && Array.isArray(d.problems) ? d.problems : [];
  return (
    <div className="card alerting" data-testid="settings-alertmanager">
      <h3>
        alertmanager.yml <span className="muted">{d ? d.file || 'the built-in default (no file)' : ''}</span>
      </h3>
      {d === null ? (
        <div className="muted">{cfg.error ? `The configuration could not be read (/api/v1/alerting/config): ${cfg.error}` : 'Loading…'}</div>
      ) : (
        <>
          {problems.length === 0 ? (
            <div className="ok-text" data-testid="am-config-ok">
              No problems.
            </div>
          ) : (
            <div className="note" data-testid="am-config-problems">
              <b>
                {problems.length} problem{problems.length === 1 ? '' : 's'}
              </b>
              <ul>
                {problems.map((p, i) => (
                  <li key={i}>{problemText(p)}</li>
                ))}
              </ul>
            </div>
          )}
          <pre className="yaml" data-testid="am-config-text">
            {d.text}
          </pre>
        </>
      )}
    </div>
  );
}
