/**
 * The rule editor's pure logic (tested in test/renderer/alerting-rules-editor.test.ts): line
 * numbers, where a line:column is in the text (to jump to an error), the errors of a refused
 * save, and the rules of the starter file with their off switches.
 */
import type { ApiEnvelope } from '../../../common/api/types';
import type { RuleCheckError, RuleFileEntry } from '../../../common/api/alerting';

/** lineCount is the number of lines a textarea shows for text. */
export function lineCount(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** offsetOf is the character offset of a 1-based line and column (clamped to the text). */
export function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  const end = text.indexOf('\n', off);
  const lineEnd = end < 0 ? text.length : end;
  return Math.min(off + Math.max(0, column - 1), lineEnd);
}

/** lineRange is the [start, end) offsets of a 1-based line (to select it). */
export function lineRange(text: string, line: number): [number, number] {
  const start = offsetOf(text, line, 1);
  const nl = text.indexOf('\n', start);
  return [start, nl < 0 ? text.length : nl];
}

/** sortErrors orders errors by position. */
export function sortErrors(errs: readonly RuleCheckError[]): RuleCheckError[] {
  return [...errs].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** saveErrors reads the errors of a refused save (400 bad_data with data.errors), or one error without position. */
export function saveErrors(r: ApiEnvelope<unknown>): RuleCheckError[] {
  if (r.status === 'success') return [];
  const d = r.data as { errors?: unknown } | undefined;
  if (d && Array.isArray(d.errors)) {
    const errs = d.errors.filter((e): e is RuleCheckError => typeof e === 'object' && e !== null && typeof (e as RuleCheckError).message === 'string');
    if (errs.length > 0) return sortErrors(errs.map((e) => ({ line: Number(e.line) || 0, column: Number(e.column) || 0, message: e.message })));
  }
  return [{ line: 0, column: 0, message: r.error }];
}

/** StarterRule is one rule of the starter file. */
export interface StarterRule {
  name: string;
  kind: 'alert' | 'record';
  group: string;
}

/**
 * starterRules lists the rules of a rule file's text by their `alert:` and `record:` lines, with
 * the group they are in (a light reading: the file is the starter pack's own, well formed).
 */
export function starterRules(text: string): StarterRule[] {
  const out: StarterRule[] = [];
  let group = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '');
    const g = /^\s*-\s*name:\s*(.+?)\s*$/.exec(line);
    if (g) {
      group = unquote(g[1]!);
      continue;
    }
    const r = /^\s*(?:-\s*)?(alert|record):\s*(.+?)\s*$/.exec(line);
    if (r) out.push({ kind: r[1] as 'alert' | 'record', name: unquote(r[2]!), group });
  }
  return out;
}

function unquote(s: string): string {
  if (s.length >= 2 && ((s[0] === '"' && s.endsWith('"')) || (s[0] === "'" && s.endsWith("'")))) return s.slice(1, -1);
  return s;
}

/** pickFile chooses the file to open: the one named, else the first editable one, else the first. */
export function pickFile(files: readonly RuleFileEntry[], path: string): RuleFileEntry | null {
  return files.find((f) => f.path === path) ?? files.find((f) => f.editable) ?? files[0] ?? null;
}
