/**
 * Silences (#/silences): the active, pending and expired silences, each with its matchers, span,
 * author, comment and the alerts it mutes now; create (#/silences/new, `matchers` pre-fills the
 * rows, as the alerts page's "Silence" does), edit (#/silences/edit/<id>) and expire. The form
 * takes matchers with =, !=, =~ and !~, a start, a duration or an end, the author and a comment;
 * it previews the alerts the matchers would mute, checks what it can before sending, and shows the
 * API's answer next to it when the core refuses. `q` filters the lists (text, or the labels of an alert
 * the silences would mute).
 */
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import type { AmAlert, AmSilence, SilenceState } from '../../../common/api/alerting';
import { pageLink, useApp } from '../../app/AppState';
import { navigate, useParam } from '../../app/route';
import { Labels } from '../common/Labels';
import { usePoll } from '../common/usePoll';
import {
  bucketSilences,
  describeSpan,
  endOf,
  filterSilences,
  formatMatchers,
  formFromSilence,
  fromAmMatchers,
  fromLocalInput,
  hasErrors,
  newForm,
  OPS,
  parseMatchers,
  previewAlerts,
  rowError,
  toLocalInput,
  toParams,
  validateForm,
  type MatcherRow,
  type SilenceForm,
} from './model';
import '../common/ops.css';
import '../common/alerting.css';

const AUTHOR_KEY = 'vigil.silenceAuthor';

export function SilencesPage(): ReactElement {
  const { client, route } = useApp();
  const silences = usePoll(() => client.silences(), 10_000, [client]);
  const alerts = usePoll(() => client.amAlerts(), 10_000, [client]);
  const [q, setQ] = useParam(route, 'q');
  const list: AmSilence[] = Array.isArray(silences.data) ? silences.data : [];
  const amAlerts: AmAlert[] = Array.isArray(alerts.data) ? alerts.data : [];
  const mode = route.path[1] === 'new' ? 'new' : route.path[1] === 'edit' ? 'edit' : 'list';
  const editing = mode === 'edit' ? list.find((s) => s.id === route.path[2]) : undefined;
  return (
    <div className="page ops-page alerting silences-page" data-testid="silences-page">
      <h2>Silences</h2>
      {mode === 'list' && (
        <div className="toolbar">
          <button type="button" className="primary" onClick={() => navigate(pageLink(['silences', 'new']))} data-testid="new-silence">
            New silence
          </button>
          {route.params.get('saved') && (
            <span className="saved" data-testid="silence-saved">
              Silence {route.params.get('saved')} saved.
            </span>
          )}
          <input className="filter" type="search" placeholder='Filter by matcher, author or comment, or labels (alertname="X") a silence would mute' value={q} onChange={(e) => setQ(e.target.value, true)} data-testid="silences-filter" aria-label="filter silences" />
          <span className="meta">{silences.error ? `The silences could not be read: ${silences.error}` : ''}</span>
        </div>
      )}
      {mode === 'new' && <Form key={`new:${route.params.get('matchers') ?? ''}`} initial={initialNew(route.params.get('matchers'))} alerts={amAlerts} onDone={silences.reload} />}
      {mode === 'edit' &&
        (editing ? (
          <Form key={`edit:${editing.id}`} initial={{ form: formFromSilence(editing, Date.now()), parseError: null }} alerts={amAlerts} onDone={silences.reload} />
        ) : silences.data === null ? (
          <div className="panel-loading">Loading…</div>
        ) : (
          <div className="error" data-testid="silence-missing">
            No silence has the ID {route.path[2]}. <a href={pageLink(['silences'])}>All silences</a>
          </div>
        ))}
      {mode === 'list' && (silences.data === null ? silences.error ? <div className="error">{silences.error}</div> : <div className="panel-loading">Loading…</div> : <Lists list={filterSilences(list, q)} filtered={q.trim() !== ''} alerts={amAlerts} onChange={silences.reload} />)}
    </div>
  );
}

function initialNew(matchers: string | null): { form: SilenceForm; parseError: string | null } {
  const author = localStorage.getItem(AUTHOR_KEY) ?? '';
  if (!matchers) return { form: newForm(Date.now(), [{ name: 'alertname', op: '=', value: '' }], author), parseError: null };
  try {
    return { form: newForm(Date.now(), parseMatchers(matchers), author), parseError: null };
  } catch (e) {
    return { form: newForm(Date.now(), [], author), parseError: `The matchers of the link could not be read: ${(e as Error).message}` };
  }
}

const STATE_TITLE: Record<SilenceState, string> = { active: 'Active', pending: 'Pending (not started yet)', expired: 'Expired' };

function Lists({ list, filtered, alerts, onChange }: { list: AmSilence[]; filtered: boolean; alerts: AmAlert[]; onChange(): void }): ReactElement {
  const buckets = useMemo(() => bucketSilences(list), [list]);
  const [showExpired, setShowExpired] = useState(false);
  if (list.length === 0 && filtered) {
    return (
      <div className="empty" data-testid="silences-empty">
        No silence matches the filter.
      </div>
    );
  }
  if (list.length === 0) {
    return (
      <div className="empty" data-testid="silences-empty">
        No silences. A silence mutes the notifications of the alerts its matchers select, for a while; the alerts page&apos;s &quot;Silence&quot; button starts one from an alert.
      </div>
    );
  }
  return (
    <>
      {(['active', 'pending', 'expired'] as const).map((st) => (
        <div className="card" key={st} data-testid={`silences-${st}`}>
          <h3>
            {STATE_TITLE[st]} <span className="muted">{buckets[st].length}</span>
            {st === 'expired' && buckets.expired.length > 0 && (
              <button type="button" onClick={() => setShowExpired(!showExpired)} data-testid="toggle-expired">
                {showExpired ? 'Hide' : 'Show'}
              </button>
            )}
          </h3>
          {buckets[st].length === 0 ? (
            <div className="muted">None.</div>
          ) : st === 'expired' && !showExpired ? null : (
            <SilenceTable list={buckets[st]} alerts={alerts} onChange={onChange} />
          )}
        </div>
      ))}
    </>
  );
}

function SilenceTable({ list, alerts, onChange }: { list: AmSilence[]; alerts: AmAlert[]; onChange(): void }): ReactElement {
  const { client } = useApp();
  const [err, setErr] = useState<Record<string, string>>({});
  const now = Date.now();
  const expire = async (id: string): Promise<void> => {
    const r = await client.expireSilence(id);
    setErr((e) => ({ ...e, [id]: r.status === 'success' ? '' : `Not expired: ${r.error}` }));
    onChange();
  };
  return (
    <table className="data">
      <thead>
        <tr>
          <th className="wrap">matchers</th>
          <th>starts</th>
          <th>ends</th>
          <th>created by</th>
          <th className="wrap">comment</th>
          <th className="num">mutes</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {list.map((s) => {
          const mutes = alerts.filter((a) => a.status.silencedBy.includes(s.id)).length;
          const start = Date.parse(s.startsAt);
          const end = Date.parse(s.endsAt);
          return (
            <tr key={s.id} data-testid="silence-row" data-id={s.id} data-state={s.status.state}>
              <td className="wrap">
                <span className="labels">
                  {fromAmMatchers(s.matchers).map((m, i) => (
                    <span key={i} className="label">
                      {formatMatchers([m]).slice(1, -1)}
                    </span>
                  ))}
                </span>
              </td>
              <td title={new Date(start).toLocaleString()}>{describeSpan(start, now)}</td>
              <td title={new Date(end).toLocaleString()}>{describeSpan(end, now)}</td>
              <td>{s.createdBy}</td>
              <td className="wrap">{s.comment}</td>
              <td className="num">{s.status.state === 'active' ? mutes : ''}</td>
              <td>
                <div className="row">
                  <button type="button" onClick={() => navigate(pageLink(['silences', 'edit', s.id]))} data-testid="edit-silence">
                    {s.status.state === 'expired' ? 'Recreate' : 'Edit'}
                  </button>
                  {s.status.state !== 'expired' && (
                    <button type="button" onClick={() => void expire(s.id)} data-testid="expire-silence">
                      Expire
                    </button>
                  )}
                </div>
                {err[s.id] && <div className="field-error">{err[s.id]}</div>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function FieldError({ msg, testid }: { msg?: string | null; testid?: string }): ReactElement | null {
  return msg ? (
    <div className="field-error" data-testid={testid}>
      {msg}
    </div>
  ) : null;
}

function Form({ initial, alerts, onDone }: { initial: { form: SilenceForm; parseError: string | null }; alerts: AmAlert[]; onDone(): void }): ReactElement {
  const { client } = useApp();
  const [f, setF] = useState<SilenceForm>(initial.form);
  const [startText, setStartText] = useState(toLocalInput(initial.form.startsAt));
  const [endText, setEndText] = useState(toLocalInput(initial.form.endsAt));
  const [tried, setTried] = useState(false);
  const [apiError, setApiError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => setApiError(''), [f]);
  const errors = validateForm(f);
  const shownErrors = tried ? errors : { rows: errors.rows };
  const preview = previewAlerts(f.rows, alerts);
  const end = endOf(f, Date.now());
  const setRow = (i: number, r: Partial<MatcherRow>): void => setF({ ...f, rows: f.rows.map((x, j) => (j === i ? { ...x, ...r } : x)) });

  const submit = async (): Promise<void> => {
    setTried(true);
    if (hasErrors(errors)) return;
    setBusy(true);
    localStorage.setItem(AUTHOR_KEY, f.createdBy.trim());
    const r = await client.saveSilence(toParams(f));
    setBusy(false);
    if (r.status !== 'success') {
      setApiError(r.error);
      return;
    }
    onDone();
    navigate(pageLink(['silences'], { saved: r.data.silenceID }));
  };

  return (
    <div className="card" data-testid="silence-form">
      <h3>{f.id ? `Edit silence ${f.id}` : 'New silence'}</h3>
      {initial.parseError && <div className="error">{initial.parseError}</div>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <label>Matchers</label>
          <div>
            {f.rows.map((r, i) => (
              <div key={i} data-testid="matcher-row">
                <div className="matcher-row">
                  <input className={`name ${shownErrors.rows?.[i] && r.name.trim() === '' ? 'invalid' : ''}`} value={r.name} placeholder="label" onChange={(e) => setRow(i, { name: e.target.value })} aria-label="label name" data-testid="matcher-name" />
                  <select value={r.op} onChange={(e) => setRow(i, { op: e.target.value as MatcherRow['op'] })} aria-label="operator" data-testid="matcher-op">
                    {OPS.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                  <input className={`value ${rowError(r) && r.name.trim() !== '' ? 'invalid' : ''}`} value={r.value} placeholder={r.op.endsWith('~') ? 'regular expression' : 'value'} onChange={(e) => setRow(i, { value: e.target.value })} aria-label="label value" data-testid="matcher-value" />
                  <button type="button" onClick={() => setF({ ...f, rows: f.rows.filter((_, j) => j !== i) })} aria-label="remove matcher" data-testid="matcher-remove">
                    ✕
                  </button>
                </div>
                <FieldError msg={shownErrors.rows?.[i]} testid="matcher-error" />
              </div>
            ))}
            <div className="row">
              <button type="button" onClick={() => setF({ ...f, rows: [...f.rows, { name: '', op: '=', value: '' }] })} data-testid="matcher-add">
                Add matcher
              </button>
              <span className="matcher-text" data-testid="matcher-text">
                {formatMatchers(f.rows)}
              </span>
            </div>
            <FieldError msg={shownErrors.matchers} testid="error-matchers" />
          </div>

          <label htmlFor="silence-start">Start</label>
          <div>
            <div className="row">
              <input
                id="silence-start"
                type="datetime-local"
                value={startText}
                onChange={(e) => {
                  setStartText(e.target.value);
                  setF({ ...f, startsAt: fromLocalInput(e.target.value) });
                }}
                data-testid="silence-start"
              />
              <button
                type="button"
                onClick={() => {
                  const now = Date.now();
                  setStartText(toLocalInput(now));
                  setF({ ...f, startsAt: now });
                }}
              >
                Now
              </button>
            </div>
            <FieldError msg={shownErrors.startsAt} testid="error-startsAt" />
          </div>

          <label>End</label>
          <div>
            <div className="row">
              <label>
                <input type="radio" checked={f.endMode === 'duration'} onChange={() => setF({ ...f, endMode: 'duration' })} data-testid="end-mode-duration" /> after
              </label>
              <input value={f.duration} size={8} disabled={f.endMode !== 'duration'} onChange={(e) => setF({ ...f, duration: e.target.value })} aria-label="duration" data-testid="silence-duration" className={shownErrors.duration ? 'invalid' : ''} />
              <label>
                <input
                  type="radio"
                  checked={f.endMode === 'end'}
                  onChange={() => {
                    const e = end ?? f.endsAt;
                    setEndText(toLocalInput(e));
                    setF({ ...f, endMode: 'end', endsAt: e });
                  }}
                  data-testid="end-mode-end"
                />{' '}
                at
              </label>
              <input
                type="datetime-local"
                value={endText}
                disabled={f.endMode !== 'end'}
                onChange={(e) => {
                  setEndText(e.target.value);
                  setF({ ...f, endsAt: fromLocalInput(e.target.value) });
                }}
                data-testid="silence-end"
              />
              {end !== null && Number.isFinite(end) && <span className="muted">ends {new Date(end).toLocaleString()}</span>}
            </div>
            <FieldError msg={shownErrors.duration ?? shownErrors.endsAt} testid="error-end" />
          </div>

          <label htmlFor="silence-author">Created by</label>
          <div>
            <input id="silence-author" value={f.createdBy} onChange={(e) => setF({ ...f, createdBy: e.target.value })} size={30} data-testid="silence-author" />
            <FieldError msg={shownErrors.createdBy} testid="error-createdBy" />
          </div>

          <label htmlFor="silence-comment">Comment</label>
          <div>
            <textarea id="silence-comment" value={f.comment} onChange={(e) => setF({ ...f, comment: e.target.value })} rows={3} cols={70} data-testid="silence-comment" />
            <FieldError msg={shownErrors.comment} testid="error-comment" />
          </div>

          <span />
          <div className="row">
            <button type="submit" className="primary" disabled={busy} data-testid="silence-submit">
              {f.id ? 'Save' : 'Create'}
            </button>
            <button type="button" onClick={() => navigate(pageLink(['silences']))}>
              Cancel
            </button>
            {tried && hasErrors(errors) && <span className="bad-text">Fix the fields marked above.</span>}
          </div>
          {apiError && (
            <>
              <span />
              <div className="error" data-testid="silence-api-error">
                The core refused the silence: {apiError}
              </div>
            </>
          )}
        </div>
      </form>
      <div className="preview" data-testid="silence-preview">
        <h3>
          Would mute <span data-testid="preview-count">{preview.length}</span> of the {alerts.length} alert{alerts.length === 1 ? '' : 's'} Alertmanager holds now
        </h3>
        {preview.length > 0 && (
          <table className="data">
            <tbody>
              {preview.slice(0, 50).map((a) => (
                <tr key={a.fingerprint} data-testid="preview-alert">
                  <td>{a.labels.alertname}</td>
                  <td className="wrap">
                    <Labels labels={Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname'))} />
                  </td>
                  <td className="muted">{a.status.state}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {preview.length > 50 && <div className="muted">and {preview.length - 50} more</div>}
      </div>
    </div>
  );
}
