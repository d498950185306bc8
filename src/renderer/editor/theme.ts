/**
 * The editor's look for light and dark themes: every colour is a CSS variable (editor.css defines
 * them under :root and :root[data-theme='dark'], over the app's own variables), so switching the
 * theme restyles open editors without reconfiguring them.
 */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import type { Extension } from '@codemirror/state';
import { tags } from '@lezer/highlight';

const base = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--panel)', fontSize: '13px', border: '1px solid var(--border)', borderRadius: '6px' },
  '&.cm-focused': { outline: '2px solid var(--cm-focus)', borderColor: 'var(--accent)' },
  '.cm-content': { fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, monospace", caretColor: 'var(--text)', padding: '7px 0' },
  '.cm-line': { padding: '0 10px' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--cm-selection)' },
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--cm-bracket)', outline: 'none' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)', borderRadius: '6px', boxShadow: '0 6px 20px rgba(0,0,0,0.16)' },
  '.cm-tooltip-autocomplete > ul': { fontFamily: 'ui-monospace, monospace', fontSize: '12px', maxHeight: '18em' },
  '.cm-tooltip-autocomplete > ul > li': { padding: '2px 8px' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--accent-soft)', color: 'var(--text)' },
  '.cm-completionDetail': { color: 'var(--muted)', fontStyle: 'normal', marginLeft: '1em' },
  '.cm-completionMatchedText': { textDecoration: 'none', fontWeight: '700', color: 'var(--accent)' },
  '.cm-completionInfo': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)', maxWidth: '420px', fontSize: '12px' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--bad)' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--bad)', textUnderlineOffset: '3px' },
  '.cm-api-error': { textDecoration: 'underline wavy var(--bad)', textUnderlineOffset: '3px', backgroundColor: 'var(--bad-soft)' },
  '.cm-api-error-caret': { display: 'inline-block', width: '0.6em', height: '1.1em', verticalAlign: 'text-bottom', borderBottom: '2px solid var(--bad)', backgroundColor: 'var(--bad-soft)' },
});

const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--cm-keyword)' },
  { tag: [tags.operatorKeyword, tags.modifier], color: 'var(--cm-keyword)', fontWeight: '600' },
  { tag: tags.function(tags.variableName), color: 'var(--cm-function)' },
  { tag: tags.variableName, color: 'var(--cm-metric)' },
  { tag: tags.labelName, color: 'var(--cm-label)' },
  { tag: tags.string, color: 'var(--cm-string)' },
  { tag: tags.number, color: 'var(--cm-number)' },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.operator, tags.logicOperator, tags.arithmeticOperator], color: 'var(--cm-operator)' },
  { tag: [tags.paren, tags.squareBracket, tags.brace], color: 'var(--muted)' },
  { tag: tags.invalid, color: 'var(--bad)' },
]);

/** editorTheme is the base theme and syntax colours; dark says which base CodeMirror styles to use. */
export function editorTheme(dark: boolean): Extension {
  return [base, EditorView.darkTheme.of(dark), syntaxHighlighting(highlight)];
}
