/**
 * The silences page's pure logic (tested in test/renderer/alerting-silences.test.ts): matchers in
 * Alertmanager's syntax to and from the form's rows, the form's validation, which alerts a
 * silence would mute, and the silences by state.
 */
import type { AmAlert, AmMatcher, AmSilence, SilenceState } from '../../../common/api/alerting';
import { Matcher, type MatchType } from '../../../common/model/matcher';
import { compileAnchoredRegex } from '../../../common/model/regex';
import { formatDuration, parseDuration } from '../../../common/model/time';

/** MatcherRow is one row of the silence form. */
export interface MatcherRow {
  name: string;
  op: MatchType;
  value: string;
}

export const OPS: MatchType[] = ['=', '!=', '=~', '!~'];

/**
 * formatMatchers renders rows in Alertmanager's syntax: `{alertname="X", severity=~"crit.*"}`.
 * Values are quoted the way Alertmanager's parser reads them back: only `\\`, `"` and a newline
 * are escaped (it reads other escapes literally, backslash included).
 */
export function formatMatchers(rows: readonly MatcherRow[], sep = ', '): string {
  return `{${rows.map((r) => `${quoteName(r.name)}${r.op}${quoteValue(r.value)}`).join(sep)}}`;
}

function quoteValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function quoteName(n: string): string {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(n) ? n : quoteValue(n);
}

/** unquoteValue reads a quoted value's body as Alertmanager does: `\n`, `\"` and `\\` are escapes, any other backslash is itself. */
function unquoteValue(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      const n = body[++i]!;
      out += n === 'n' ? '\n' : n === '"' || n === '\\' ? n : `\\${n}`;
    } else out += c;
  }
  return out;
}

/** fromAmMatchers turns a v2 silence's matchers into rows. */
export function fromAmMatchers(ms: readonly AmMatcher[]): MatcherRow[] {
  return ms.map((m) => ({ name: m.name, value: m.value, op: (m.isEqual === false ? (m.isRegex ? '!~' : '!=') : m.isRegex ? '=~' : '=') as MatchType }));
}

/** rowsFromLabels pre-fills a silence with an alert's labels (each an equality). */
export function rowsFromLabels(labels: Record<string, string>): MatcherRow[] {
  const names = Object.keys(labels).sort((a, b) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => ({ name, op: '=' as MatchType, value: labels[name]! }));
}

/** MatcherParseError says what is wrong at which column (1-based) of a matcher list. */
export class MatcherParseError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(`column ${column}: ${message}`);
  }
}

/**
 * parseMatchers reads a matcher list as Alertmanager and amtool accept it: optional braces, matchers
 * separated by commas, names bare or quoted, values quoted (Go escapes) or bare up to the next comma.
 */
export function parseMatchers(text: string): MatcherRow[] {
  // Braces are optional, at either end (Alertmanager trims each when present).
  let s = text.trim();
  let i = 0;
  if (s.startsWith('{')) i = 1;
  if (s.endsWith('}') && s.length > i) s = s.slice(0, -1);
  const ws = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const quoted = (): string => {
    const start = i;
    i++;
    while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    if (i >= s.length) throw new MatcherParseError('unterminated quoted string', start + 1);
    i++;
    return unquoteValue(s.slice(start + 1, i - 1));
  };
  const out: MatcherRow[] = [];
  for (;;) {
    ws();
    if (i >= s.length) break;
    const nameAt = i;
    let name: string;
    if (s[i] === '"') name = quoted();
    else {
      while (i < s.length && !/[\s=!~,{}"]/.test(s[i]!)) i++;
      name = s.slice(nameAt, i);
    }
    if (name === '') throw new MatcherParseError('expected a label name', nameAt + 1);
    ws();
    const op = (['=~', '!~', '!=', '='] as MatchType[]).find((o) => s.startsWith(o, i));
    if (!op) throw new MatcherParseError(`expected an operator (=, !=, =~, !~) after ${JSON.stringify(name)}`, i + 1);
    i += op.length;
    ws();
    let value: string;
    if (s[i] === '"') value = quoted();
    else {
      const at = i;
      while (i < s.length && s[i] !== ',') i++;
      value = s.slice(at, i).trim();
      if (value.includes('"')) throw new MatcherParseError('a bare value cannot hold a quote; quote the value', at + 1);
    }
    out.push({ name, op, value });
    ws();
    if (i >= s.length) break;
    if (s[i] === ',') {
      i++;
      continue;
    }
    throw new MatcherParseError(`expected "," or the end after the value of ${JSON.stringify(name)}`, i + 1);
  }
  return out;
}

/** rowError says what is wrong with one row (null when it is fine). */
export function rowError(r: MatcherRow): string | null {
  if (r.name.trim() === '') return 'the label name is empty';
  if (r.op === '=~' || r.op === '!~') {
    try {
      compileAnchoredRegex(r.value);
    } catch (e) {
      return `invalid regular expression: ${(e as Error).message}`;
    }
  }
  return null;
}

function toMatcher(r: MatcherRow): Matcher {
  return new Matcher(r.op, r.name, r.value);
}

/** matchesLabels reports whether every row matches a label set (an absent label is ''). */
export function matchesLabels(rows: readonly MatcherRow[], labels: Record<string, string>): boolean {
  if (rows.some((r) => rowError(r) !== null)) return false;
  return rows.every((r) => toMatcher(r).matches(labels[r.name] ?? ''));
}

/** previewAlerts returns the alerts a silence with these rows would mute (none while a row is invalid or there is none). */
export function previewAlerts(rows: readonly MatcherRow[], alerts: readonly AmAlert[]): AmAlert[] {
  if (rows.length === 0 || rows.some((r) => rowError(r) !== null)) return [];
  return alerts.filter((a) => matchesLabels(rows, a.labels));
}

/** SilenceForm is what the form holds (times as epoch ms; end given as a duration or an end time). */
export interface SilenceForm {
  id?: string;
  rows: MatcherRow[];
  startsAt: number;
  endMode: 'duration' | 'end';
  duration: string;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export type FormErrors = Partial<Record<'matchers' | 'startsAt' | 'duration' | 'endsAt' | 'createdBy' | 'comment', string>> & { rows?: (string | null)[] };

/** validateForm checks the form as Alertmanager would, before it is sent. */
export function validateForm(f: SilenceForm): FormErrors {
  const e: FormErrors = {};
  const rowErrors = f.rows.map(rowError);
  if (rowErrors.some((x) => x !== null)) e.rows = rowErrors;
  if (f.rows.length === 0) e.matchers = 'a silence needs at least one matcher';
  else if (!rowErrors.some((x) => x !== null) && f.rows.every((r) => toMatcher(r).matchesEmpty())) {
    e.matchers = 'at least one matcher must not match the empty string (else the silence would mute every alert)';
  }
  if (!Number.isFinite(f.startsAt)) e.startsAt = 'the start is not a valid time';
  if (f.endMode === 'duration') {
    const d = durationOf(f);
    if (d === null) e.duration = `${JSON.stringify(f.duration.trim())} is not a duration like 2h, 30m or 1d12h`;
    else if (d <= 0) e.duration = 'the duration must be more than 0';
  } else if (!Number.isFinite(f.endsAt)) e.endsAt = 'the end is not a valid time';
  else if (Number.isFinite(f.startsAt) && f.endsAt <= f.startsAt) e.endsAt = 'the end must be after the start';
  if (f.createdBy.trim() === '') e.createdBy = 'say who creates the silence';
  if (f.comment.trim() === '') e.comment = 'a comment is required';
  return e;
}

/** hasErrors reports whether validateForm found anything. */
export function hasErrors(e: FormErrors): boolean {
  return Object.keys(e).length > 0;
}

function durationOf(f: SilenceForm): number | null {
  try {
    return parseDuration(f.duration.trim());
  } catch {
    return null;
  }
}

/**
 * endOf is the form's end time (ms), or null when the duration does not parse. A duration counts
 * from the start, or from now when the start has passed (as the core computes it).
 */
export function endOf(f: SilenceForm, now: number): number | null {
  if (f.endMode === 'end') return f.endsAt;
  const d = durationOf(f);
  return d === null ? null : Math.max(f.startsAt, now) + d;
}

/** toParams turns a valid form into the POST /api/v1/alerting/silences parameters. */
export function toParams(f: SilenceForm): { matchers: string; startsAt: string; endsAt?: string; duration?: string; createdBy: string; comment: string; id?: string } {
  return {
    matchers: formatMatchers(f.rows),
    startsAt: new Date(f.startsAt).toISOString(),
    ...(f.endMode === 'duration' ? { duration: f.duration.trim() } : { endsAt: new Date(f.endsAt).toISOString() }),
    createdBy: f.createdBy.trim(),
    comment: f.comment,
    ...(f.id ? { id: f.id } : {}),
  };
}

/** formFromSilence opens an existing silence for editing (an expired one is re-created from now, as Alertmanager's UI does). */
export function formFromSilence(s: AmSilence, now: number): SilenceForm {
  const start = Date.parse(s.startsAt);
  const end = Date.parse(s.endsAt);
  const expired = s.status.state === 'expired';
  const startsAt = expired ? now : start;
  const len = end - start;
  return {
    id: expired ? undefined : s.id,
    rows: fromAmMatchers(s.matchers),
    startsAt,
    // An open silence keeps its end; an expired one is re-created for as long as it lasted.
    endMode: expired ? 'duration' : 'end',
    duration: formatDuration(len > 0 ? len : 2 * 3_600_000),
    endsAt: expired ? now + (len > 0 ? len : 2 * 3_600_000) : end,
    createdBy: s.createdBy,
    comment: s.comment,
  };
}

/** newForm is an empty form starting now for two hours. */
export function newForm(now: number, rows: MatcherRow[] = [], createdBy = ''): SilenceForm {
  return { rows, startsAt: now, endMode: 'duration', duration: '2h', endsAt: now + 2 * 3_600_000, createdBy, comment: '' };
}

/** bucketSilences sorts silences into their states: active soonest ending first, pending soonest starting first, expired latest ended first. */
export function bucketSilences(list: readonly AmSilence[]): Record<SilenceState, AmSilence[]> {
  const out: Record<SilenceState, AmSilence[]> = { active: [], pending: [], expired: [] };
  for (const s of list) (out[s.status.state] ?? out.expired).push(s);
  const t = (x: string): number => Date.parse(x);
  out.active.sort((a, b) => t(a.endsAt) - t(b.endsAt));
  out.pending.sort((a, b) => t(a.startsAt) - t(b.startsAt));
  out.expired.sort((a, b) => t(b.endsAt) - t(a.endsAt));
  return out;
}

/**
 * filterSilences keeps the silences whose matchers, author or comment hold the text (case-insensitive),
 * or, for a matcher list (`alertname="X"`), those that would mute an alert with those labels.
 */
export function filterSilences(list: readonly AmSilence[], text: string): AmSilence[] {
  const t = text.trim();
  if (t === '') return [...list];
  if (/[=~]/.test(t)) {
    try {
      const rows = parseMatchers(t);
      if (rows.length > 0 && rows.every((r) => r.op === '=')) {
        const labels = Object.fromEntries(rows.map((r) => [r.name, r.value]));
        return list.filter((s) => matchesLabels(fromAmMatchers(s.matchers), labels));
      }
    } catch {
      // not a matcher list: a substring
    }
  }
  const needle = t.toLowerCase();
  return list.filter((s) => formatMatchers(fromAmMatchers(s.matchers)).toLowerCase().includes(needle) || s.createdBy.toLowerCase().includes(needle) || s.comment.toLowerCase().includes(needle) || s.id.startsWith(needle));
}

/** toLocalInput renders ms as a datetime-local input's value (local time, minutes). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** fromLocalInput reads a datetime-local value (local time) into ms (NaN when malformed). */
export function fromLocalInput(v: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m) return NaN;
  const d = new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  return d.getTime();
}

/** describeSpan says how long until (or since) a time, roughly: "in 1h59m", "3m20s ago". */
export function describeSpan(ms: number, now: number): string {
  const d = ms - now;
  const abs = Math.abs(d);
  // To the second under ten minutes, to the minute beyond.
  const rounded = abs >= 600_000 ? Math.round(abs / 60_000) * 60_000 : Math.round(abs / 1000) * 1000;
  const txt = rounded === 0 ? '0s' : formatDuration(rounded);
  return d >= 0 ? `in ${txt}` : `${txt} ago`;
}
