/**
 * The PromQL editor: CodeMirror 6 with codemirror-promql (highlighting, the library's linter with
 * positions, completion of functions, keywords, metric names, label names and values). Completion
 * asks Vigil's API through the typed client (VigilPrometheusClient), never by fetching itself.
 * Ctrl/Cmd+Enter (or Shift+Enter) runs; Enter adds a line, or accepts a completion. An error the
 * API reported for the query (`apiError`, positions in the text) is marked where it points until
 * the text changes. Reusable: Explore uses it, dashboards' panel editors can.
 */
import { useEffect, useRef, type ReactElement, type RefObject } from 'react';
import { autocompletion, closeBrackets, closeBracketsKeymap, closeCompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching } from '@codemirror/language';
import { Compartment, EditorState, Prec, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, keymap, placeholder as placeholderExt, WidgetType, type DecorationSet } from '@codemirror/view';
import { LanguageType, PromQLExtension, promQLLanguage } from '@prometheus-io/codemirror-promql';
import type { VigilClient } from '../../common/ipc/client';
import { VigilPrometheusClient, type MatchOps } from './prometheus-client';
import { editorTheme } from './theme';
import './editor.css';

/** ApiErrorMark is an error the API reported, at offsets of the query text. */
export interface ApiErrorMark {
  from: number;
  to: number;
  message: string;
}

/** PromQLEditorHandle lets a page focus the editor (the `/` shortcut). */
export interface PromQLEditorHandle {
  focus(): void;
}

export interface PromQLEditorProps {
  client: VigilClient;
  value: string;
  onChange(v: string): void;
  onRun(): void;
  apiError?: ApiErrorMark | null;
  placeholder?: string;
  dark?: boolean;
  autoFocus?: boolean;
  handle?: RefObject<PromQLEditorHandle | null>;
  testId?: string;
}

let matchOps: MatchOps | null = null;

/** MATCH_OPS: the lezer node ids of the matcher operators, read from the language's parser. */
function ops(): MatchOps {
  if (matchOps) return matchOps;
  const text: Record<string, string> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };
  const out: MatchOps = {};
  for (const t of promQLLanguage(LanguageType.PromQL).parser.nodeSet.types) if (t.name in text) out[t.id] = text[t.name]!;
  matchOps = out;
  return out;
}

const setApiError = StateEffect.define<ApiErrorMark | null>();

class Caret extends WidgetType {
  constructor(private readonly message: string) {
    super();
  }
  override eq(o: Caret): boolean {
    return o.message === this.message;
  }
  override toDOM(): HTMLElement {
    const s = document.createElement('span');
    s.className = 'cm-api-error-caret';
    s.title = this.message;
    s.dataset.testid = 'editor-error-caret';
    return s;
  }
}

/** apiErrorField holds the API's error mark; any edit clears it (the text it pointed at is gone). */
const apiErrorField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) {
      if (!e.is(setApiError)) continue;
      const m = e.value;
      if (!m) return Decoration.none;
      const len = tr.state.doc.length;
      const from = Math.max(0, Math.min(len, m.from));
      const to = Math.max(from, Math.min(len, m.to));
      if (to > from) return Decoration.set([Decoration.mark({ class: 'cm-api-error', attributes: { title: m.message, 'data-testid': 'editor-error-mark' } }).range(from, to)]);
      return Decoration.set([Decoration.widget({ widget: new Caret(m.message), side: 1 }).range(from)]);
    }
    return tr.docChanged ? Decoration.none : deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** PromQLEditor edits one PromQL expression. */
export function PromQLEditor({ client, value, onChange, onRun, apiError = null, placeholder = 'Enter a PromQL query (Ctrl+Enter to run)', dark = false, autoFocus = false, handle, testId = 'promql-editor' }: PromQLEditorProps): ReactElement {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const themeC = useRef(new Compartment());
  const cb = useRef({ onChange, onRun });
  cb.current = { onChange, onRun };

  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const promql = new PromQLExtension().setComplete({ remote: new VigilPrometheusClient(client, ops()) });
    const run = (v: EditorView): boolean => {
      closeCompletion(v);
      cb.current.onRun();
      return true;
    };
    const extensions: Extension[] = [
      history(),
      closeBrackets(),
      bracketMatching(),
      autocompletion({ activateOnTyping: true, icons: false }),
      EditorView.lineWrapping,
      placeholderExt(placeholder),
      Prec.highest(keymap.of([{ key: 'Mod-Enter', run }, { key: 'Shift-Enter', run }])),
      keymap.of([...closeBracketsKeymap, ...completionKeymap, ...historyKeymap, ...defaultKeymap]),
      promql.asExtension(),
      apiErrorField,
      themeC.current.of(editorTheme(dark)),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) cb.current.onChange(u.state.doc.toString());
      }),
      EditorView.contentAttributes.of({ 'aria-label': 'PromQL expression', 'data-testid': `${testId}-input` }),
    ];
    const v = new EditorView({ state: EditorState.create({ doc: value, extensions }), parent: el });
    view.current = v;
    if (autoFocus) v.focus();
    return () => {
      v.destroy();
      promql.destroy();
      view.current = null;
    };
    // The view lives as long as the component; value, theme and marks are pushed in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client]);

  // A value from outside (history, the URL, a link) replaces the text.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: themeC.current.reconfigure(editorTheme(dark)) });
  }, [dark]);

  useEffect(() => {
    view.current?.dispatch({ effects: setApiError.of(apiError) });
  }, [apiError]);

  useEffect(() => {
    if (!handle) return undefined;
    handle.current = {
      focus: () => {
        const v = view.current;
        if (!v) return;
        v.focus();
        v.dispatch({ selection: { anchor: v.state.doc.length } });
      },
    };
    return () => {
      handle.current = null;
    };
  }, [handle]);

  return <div className="promql-editor" ref={host} data-testid={testId} data-error-from={apiError?.from} data-error-to={apiError?.to} />;
}
