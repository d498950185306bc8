/**
 * The starter pack (#/rules/starter): Vigil's built-in rules for Kubernetes clusters, on or off as a
 * whole, and each rule switched off by name (GET|POST /api/v1/rules/starter).
 */
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import type { RuleFileEntry, StarterSettings } from '../../../common/api/alerting';
import { pageLink, useApp } from '../../app/AppState';
import { usePoll } from '../common/usePoll';
import { sameSet, toggle } from '../settings/model';
import { starterRules } from './editor-model';

export function StarterPack(): ReactElement {
  const { client } = useApp();
  const settings = usePoll(() => client.starter(), 0, [client]);
  const files = usePoll(() => client.ruleFiles(), 0, [client]);
  const starterFile: RuleFileEntry | undefined = Array.isArray(files.data) ? files.data.find((f) => f.source === 'starter') : undefined;
  if (settings.data === null) return settings.error ? <div className="error">The starter pack&apos;s settings could not be read (/api/v1/rules/starter): {settings.error}</div> : <div className="panel-loading">Loading…</div>;
  return <StarterForm s={settings.data} file={starterFile} filesError={files.error} onSaved={settings.reload} />;
}

function StarterForm({ s, file, filesError, onSaved }: { s: StarterSettings; file?: RuleFileEntry; filesError: string | null; onSaved(): void }): ReactElement {
  const { client } = useApp();
  const [enabled, setEnabled] = useState(s.enabled);
  const [disabled, setDisabled] = useState<string[]>(s.disabled);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const rules = useMemo(() => (file ? starterRules(file.text) : []), [file]);
  // Names switched off that the file no longer has are kept (and shown) so nothing is lost.
  const unknown = disabled.filter((n) => !rules.some((r) => r.name === n));
  // A reload (after saving, or a refresh) shows what the core holds.
  useEffect(() => {
    setEnabled(s.enabled);
    setDisabled(s.disabled);
  }, [s]);
  const changed = enabled !== s.enabled || !sameSet(disabled, s.disabled);
  const save = async (): Promise<void> => {
    const r = await client.setStarter(enabled, disabled);
    if (r.status === 'success') {
      setMsg({ ok: true, text: `Saved: the starter pack is ${r.data.enabled ? 'on' : 'off'}${r.data.disabled.length ? `, ${r.data.disabled.length} rule${r.data.disabled.length === 1 ? '' : 's'} off` : ''}; the rules reload.` });
      onSaved();
    } else setMsg({ ok: false, text: `Not saved: ${r.error}` });
  };
  const groups = [...new Set(rules.map((r) => r.group))];
  return (
    <div className="card" data-testid="starter-pack">
      <h3>Starter rules</h3>
      <label className="settings-row">
        <input type="checkbox" checked={enabled} onChange={(e) => {
            setEnabled(e.target.checked);
            setMsg(null);
          }} data-testid="starter-enabled" />
        <b>Evaluate the starter pack</b>
        <span className="muted">alerts for nodes, pods, workloads and Vigil itself, for every monitored cluster</span>
      </label>
      {file ? (
        <p className="muted">
          From <a href={pageLink(['rules', 'files'], { file: file.path })}>{file.path}</a>. Switch a rule off to stop evaluating it without editing the file.
        </p>
      ) : (
        <p className="muted">{filesError ? `The starter file could not be read: ${filesError}` : 'The starter file is not among the rule files.'}</p>
      )}
      {groups.map((g) => (
        <section key={g} data-testid={`starter-group-${g}`}>
          <h4>{g}</h4>
          <div className="jobs">
            {rules
              .filter((r) => r.group === g)
              .map((r) => (
                <label key={`${r.kind}:${r.name}`}>
                  <input type="checkbox" disabled={!enabled} checked={!disabled.includes(r.name)} onChange={(e) => {
                      setDisabled(toggle(disabled, r.name, !e.target.checked));
                      setMsg(null);
                    }} data-testid={`starter-rule-${r.name}`} />
                  <span>
                    {r.name} <span className="muted">{r.kind === 'alert' ? 'alert' : 'recording rule'}</span>
                  </span>
                </label>
              ))}
          </div>
        </section>
      ))}
      {unknown.length > 0 && (
        <div className="muted">
          Also off, not in the file: {unknown.join(', ')}{' '}
          <button type="button" onClick={() => setDisabled(disabled.filter((n) => !unknown.includes(n)))}>
            Forget them
          </button>
        </div>
      )}
      <div className="settings-row">
        <button type="button" className="primary" disabled={!changed} onClick={() => void save()} data-testid="starter-save">
          Save
        </button>
        {msg && (
          <span className={msg.ok ? 'saved' : 'bad-text'} data-testid="starter-message">
            {msg.text}
          </span>
        )}
      </div>
    </div>
  );
}
