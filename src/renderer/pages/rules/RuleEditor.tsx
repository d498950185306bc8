/**
 * The rule file editor (#/rules/files?file=<path>): the rule files Vigil knows (starter pack,
 * configuration's rule_files, the user's under the data folder), one opened in a monospace text
 * area with line numbers; "Validate" checks the text without saving (errors with line:column,
 * a click selects the line); "Save" writes it (refused with the same errors when invalid) and
 * the rules reload. Files that may not be written open read-only.
 */
import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { RuleCheckError, RuleFileEntry } from '../../../common/api/alerting';
import { useApp } from '../../app/AppState';
import { useParam } from '../../app/route';
import { usePoll } from '../common/usePoll';
import { lineCount, lineRange, pickFile, saveErrors, sortErrors } from './editor-model';

const LINE_PX = 18;

const SOURCE_TEXT: Record<RuleFileEntry['source'], string> = { starter: 'starter pack', config: 'from the configuration', user: 'yours' };

export function RuleEditor(): ReactElement {
  const { client, route } = useApp();
  const [fileParam, setFileParam] = useParam(route, 'file');
  const files = usePoll(() => client.ruleFiles(), 0, [client]);
  const list: RuleFileEntry[] = Array.isArray(files.data) ? files.data : [];
  const file = pickFile(list, fileParam);
  if (files.data === null) return files.error ? <div className="error">The rule files could not be read (/api/v1/rules/files): {files.error}</div> : <div className="panel-loading">Loading…</div>;
  if (!file) return <div className="empty">Vigil knows no rule files: neither the starter pack nor the configuration&apos;s rule_files name one.</div>;
  return (
    <div data-testid="rule-editor">
      <div className="toolbar">
        <label>
          File{' '}
          <select value={file.path} onChange={(e) => setFileParam(e.target.value)} data-testid="rule-file-select">
            {list.map((f) => (
              <option key={f.path} value={f.path}>
                {f.name} ({SOURCE_TEXT[f.source] ?? f.source}
                {f.editable ? '' : ', read-only'})
              </option>
            ))}
          </select>
        </label>
        <span className="meta" data-testid="rule-file-path">
          {file.path}
        </span>
      </div>
      <EditFile key={file.path} file={file} onSaved={files.reload} />
    </div>
  );
}

function EditFile({ file, onSaved }: { file: RuleFileEntry; onSaved(): void }): ReactElement {
  const { client } = useApp();
  const [text, setText] = useState(file.text);
  const [errors, setErrors] = useState<RuleCheckError[]>([]);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const dirty = text !== file.text;
  const lines = lineCount(text);
  const errLines = useMemo(() => new Set(errors.map((e) => e.line)), [errors]);
  useEffect(() => {
    setMsg(null);
  }, [text]);
  // The file changed on disk (reloaded): follow it unless there are unsaved edits.
  const base = useRef(file.text);
  useEffect(() => {
    if (text === base.current) setText(file.text);
    base.current = file.text;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [file.text]);

  const jump = (e: RuleCheckError): void => {
    const ta = area.current;
    if (!ta || e.line < 1) return;
    const [s, end] = lineRange(text, e.line);
    ta.focus();
    ta.setSelectionRange(s, end);
    ta.scrollTop = Math.max(0, (e.line - 4) * LINE_PX);
    if (gutter.current) gutter.current.scrollTop = ta.scrollTop;
  };

  const validate = async (): Promise<void> => {
    setBusy(true);
    const r = await client.checkRules(text);
    setBusy(false);
    if (r.status !== 'success') {
      setErrors([]);
      setMsg({ ok: false, text: `The check failed: ${r.error}` });
      return;
    }
    setErrors(sortErrors(r.data.errors ?? []));
    setMsg(r.data.ok ? { ok: true, text: `Valid: ${r.data.groups} group${r.data.groups === 1 ? '' : 's'}, ${r.data.rules} rule${r.data.rules === 1 ? '' : 's'}.` } : { ok: false, text: `${r.data.errors.length} error${r.data.errors.length === 1 ? '' : 's'}.` });
  };

  const save = async (): Promise<void> => {
    setBusy(true);
    const r = await client.saveRuleFile(file.path, text);
    setBusy(false);
    if (r.status !== 'success') {
      const errs = saveErrors(r);
      setErrors(errs.filter((e) => e.line > 0));
      setMsg({ ok: false, text: errs.some((e) => e.line > 0) ? `Not saved: ${errs.length} error${errs.length === 1 ? '' : 's'}.` : `Not saved: ${r.error}` });
      return;
    }
    setErrors([]);
    // Saved, but the reload may have failed (the core says so in warnings).
    const warn = r.warnings?.length ? r.warnings.join('; ') : '';
    setMsg(
      warn
        ? { ok: false, text: `Saved ${r.data.saved}, with a warning: ${warn}` }
        : { ok: true, text: `Saved ${r.data.saved}; the rules reloaded: ${r.data.groups} group${r.data.groups === 1 ? '' : 's'}, ${r.data.rules} rule${r.data.rules === 1 ? '' : 's'}.` },
    );
    onSaved();
  };

  return (
    <>
      {!file.editable && <div className="note">This file is read-only here: only the starter file, files under the data folder&apos;s rules/ and the configuration&apos;s rule files may be written.</div>}
      <div className="editor">
        <div className="gutter" ref={gutter} aria-hidden="true" data-testid="rule-gutter">
          {Array.from({ length: lines }, (_, i) => (
            <div key={i} className={errLines.has(i + 1) ? 'err' : ''}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={area}
          value={text}
          readOnly={!file.editable}
          spellCheck={false}
          wrap="off"
          onChange={(e) => setText(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onKeyDown={(e) => {
            // Tab indents by two spaces (YAML has no tabs) instead of leaving the field.
            if (e.key === 'Tab' && !e.shiftKey && file.editable) {
              e.preventDefault();
              const ta = e.currentTarget;
              const s = ta.selectionStart;
              const next = `${text.slice(0, s)}  ${text.slice(ta.selectionEnd)}`;
              setText(next);
              requestAnimationFrame(() => ta.setSelectionRange(s + 2, s + 2));
            }
          }}
          aria-label="rule file text"
          data-testid="rule-text"
        />
      </div>
      <div className="toolbar" style={{ marginTop: 8 }}>
        <button type="button" disabled={busy} onClick={() => void validate()} data-testid="rule-validate">
          Validate
        </button>
        <button type="button" className="primary" disabled={busy || !file.editable || !dirty} onClick={() => void save()} data-testid="rule-save">
          Save
        </button>
        <button type="button" disabled={!dirty} onClick={() => setText(file.text)}>
          Revert
        </button>
        {dirty && <span className="muted">unsaved changes</span>}
        {msg && (
          <span className={msg.ok ? 'saved' : 'bad-text'} data-testid="rule-message">
            {msg.text}
          </span>
        )}
      </div>
      {errors.length > 0 && (
        <ul className="check-errors" data-testid="rule-errors">
          {errors.map((e, i) => (
            <li key={i}>
              <button type="button" onClick={() => jump(e)} data-testid="rule-error" data-line={e.line}>
                {e.line}:{e.column}: {e.message}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
