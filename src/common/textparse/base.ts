/**
 * State and accessors shared by the Prometheus text and OpenMetrics parsers.
 *
 * The body is one decoded string scanned by character code. A series is kept as offsets into the
 * body (metric name, then per label: name start/end, value start/end, flags), so next() allocates
 * nothing for a series but the raw series key; labels are materialised only on request.
 */
import type { Label, Labels } from '../model/labels';
import { MetricName } from '../model/labels';
import { goQuote } from '../util/go/strconv';
import { firstInvalidIn } from '../util/go/utf8';
import { normalizeLabelValue } from './floats';
import type { Exemplar, MetricType, Parser } from './types';
import { Entry, ExpositionError } from './types';

// Module-local copies of imports used per sample (tsx/vitest compile imports to getters).
const METRIC_NAME = MetricName;
const normalizeLabelValue_ = normalizeLabelValue;
const firstInvalidIn_ = firstInvalidIn;

/** F_NAME_ESC is a per-label flag: the label name was quoted and contains a backslash. */
export const F_NAME_ESC = 1;
/** F_VALUE_ESC is a per-label flag: the label value contains a backslash. */
export const F_VALUE_ESC = 2;
/** F_NAME_QUOTED is a per-label flag: the label name was quoted (and may be any UTF-8 string). */
export const F_NAME_QUOTED = 4;

/** L_STRIDE is the stride of the per-label offsets array: nameStart, nameEnd, valueStart, valueEnd, flags. */
export const L_STRIDE = 5;

/**
 * CHAR_CLASS classifies UTF-16 code units for the scanners: bit 1 [a-zA-Z_:] (metric name start),
 * 2 [a-zA-Z0-9_:] (metric name), 4 [a-zA-Z_] (label name start), 8 [a-zA-Z0-9_] (label name),
 * 16 a character that ends a text-format value token (space, tab, newline, '{', NUL).
 */
export const CHAR_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(65536);
  for (let c = 0; c < 128; c++) {
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    const digit = c >= 48 && c <= 57;
    if (letter || c === 58) t[c]! |= 1;
    if (letter || digit || c === 58) t[c]! |= 2;
    if (letter) t[c]! |= 4;
    if (letter || digit) t[c]! |= 8;
  }
  for (const c of [32, 9, 10, 123, 0]) t[c]! |= 16;
  return t;
})();

/** isMetricNameStart reports [a-zA-Z_:]. */
export function isMetricNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

/** isMetricNameChar reports [a-zA-Z0-9_:]. */
export function isMetricNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || (c >= 48 && c <= 57);
}

/** isLabelNameStart reports [a-zA-Z_]. */
export function isLabelNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** isLabelNameChar reports [a-zA-Z0-9_]. */
export function isLabelNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}

/**
 * unescapeLabelValue applies Prometheus's label-value unescaping: `\"`, `\\` and `\n`; any other
 * backslash sequence stays as it is.
 */
export function unescapeLabelValue(raw: string): string {
  let out = '';
  let last = 0;
  for (let i = raw.indexOf('\\'); i >= 0 && i < raw.length - 1; i = raw.indexOf('\\', i)) {
    const n = raw.charCodeAt(i + 1);
    let rep: string | null = null;
    if (n === 34) rep = '"';
    else if (n === 92) rep = '\\';
    else if (n === 110) rep = '\n';
    if (rep === null) {
      i += 1;
      continue;
    }
    out += raw.slice(last, i) + rep;
    i += 2;
    last = i;
  }
  return last === 0 ? raw : out + raw.slice(last);
}

/** unescapeHelpText applies the text format's help unescaping: `\\` and `\n` only. */
export function unescapeHelpText(raw: string): string {
  let out = '';
  let last = 0;
  for (let i = raw.indexOf('\\'); i >= 0 && i < raw.length - 1; i = raw.indexOf('\\', i)) {
    const n = raw.charCodeAt(i + 1);
    let rep: string | null = null;
    if (n === 92) rep = '\\';
    else if (n === 110) rep = '\n';
    if (rep === null) {
      i += 1;
      continue;
    }
    out += raw.slice(last, i) + rep;
    i += 2;
    last = i;
  }
  return last === 0 ? raw : out + raw.slice(last);
}

/** Lex names the lexer states used to describe the offending token in an error. */
export enum Lex {
  Init,
  Labels,
  LValue,
  Value,
  Timestamp,
  Meta,
}

/** BaseParser holds the shared state; subclasses implement next(). */
export abstract class BaseParser implements Parser {
  protected readonly s: string;
  protected readonly len: number;
  protected readonly invalid: Int32Array | null;
  protected pos = 0;
  /** start is the offset where the current entry (line) starts. */
  protected start = 0;
  protected done = false;

  // Current series.
  protected seriesEnd = 0;
  protected nameStart = -1;
  protected nameEnd = -1;
  protected nameEsc = false;
  protected lofs: Int32Array = new Int32Array(L_STRIDE * 16);
  protected nlabels = 0;
  protected val = 0;
  protected hasTs = false;
  protected ts = 0;
  protected mtype: MetricType = 'unknown';

  // Current metadata entry.
  protected metaName = '';
  protected metaText = '';
  protected metaType: MetricType = 'unknown';

  // Scratch results of scanQuoted.
  protected qEsc = false;
  protected qStop = 0;
  /** Cached offsets of the next backslash and newline at or after the last quoted string. */
  protected nextBs = -1;
  protected nextNl = -1;

  constructor(text: string, invalid: Int32Array | null) {
    this.s = text;
    this.len = text.length;
    this.invalid = invalid;
  }

  abstract next(): Entry;

  series(): string {
    return this.s.substring(this.start, this.seriesEnd);
  }

  metricName(): string {
    const raw = this.s.substring(this.nameStart, this.nameEnd);
    return this.nameEsc ? unescapeLabelValue(raw) : raw;
  }

  labelCount(): number {
    return this.nlabels;
  }

  labelName(i: number): string {
    const o = i * L_STRIDE;
    const raw = this.s.substring(this.lofs[o]!, this.lofs[o + 1]!);
    return (this.lofs[o + 4]! & F_NAME_ESC) !== 0 ? unescapeLabelValue(raw) : raw;
  }

  labelValue(i: number): string {
    const o = i * L_STRIDE;
    const raw = this.s.substring(this.lofs[o + 2]!, this.lofs[o + 3]!);
    const v = (this.lofs[o + 4]! & F_VALUE_ESC) !== 0 ? unescapeLabelValue(raw) : raw;
    if (this.mtype === 'histogram' || this.mtype === 'summary') return normalizeLabelValue_(this.mtype, this.labelName(i), v);
    return v;
  }

  labels(): Labels {
    const n = this.nlabels;
    const out: Label[] = new Array(n + 1);
    out[0] = { name: METRIC_NAME, value: this.metricName() };
    for (let i = 0; i < n; i++) out[i + 1] = { name: this.labelName(i), value: this.labelValue(i) };
    // Insertion sort: expositions are small and usually sorted already.
    for (let i = 1; i <= n; i++) {
      const x = out[i]!;
      let j = i - 1;
      while (j >= 0 && out[j]!.name > x.name) {
        out[j + 1] = out[j]!;
        j--;
      }
      out[j + 1] = x;
    }
    return out;
  }

  value(): number {
    return this.val;
  }

  timestamp(): number | null {
    return this.hasTs ? this.ts : null;
  }

  exemplar(): Exemplar | null {
    return null;
  }

  createdTimestamp(): number | null {
    return null;
  }

  currentType(): MetricType {
    return this.mtype;
  }

  family(): string {
    return this.metaName;
  }

  help(): string {
    return this.metaText;
  }

  type(): MetricType {
    return this.metaType;
  }

  unit(): string {
    return this.metaText;
  }

  comment(): string {
    return this.metaText;
  }

  line(): number {
    return lineOf(this.s, this.start);
  }

  /** pushLabel records one label's offsets. */
  protected pushLabel(ns: number, ne: number, vs: number, ve: number, flags: number): void {
    let o = this.nlabels * L_STRIDE;
    if (o + L_STRIDE > this.lofs.length) {
      const grown = new Int32Array(this.lofs.length * 2);
      grown.set(this.lofs);
      this.lofs = grown;
    }
    const a = this.lofs;
    a[o++] = ns;
    a[o++] = ne;
    a[o++] = vs;
    a[o++] = ve;
    a[o] = flags;
    this.nlabels++;
  }

  /**
   * scanQuoted scans a double-quoted string starting at the quote at pos. It returns the offset
   * after the closing quote, or -1 when the string is not terminated (qStop is then where scanning
   * stopped). A backslash escapes any character but a newline; raw newlines are allowed only when
   * allowNewline. Sets qEsc when the content contains a backslash.
   */
  protected scanQuoted(pos: number, allowNewline: boolean): number {
    const s = this.s;
    const len = this.len;
    // Fast path: the next quote, with no backslash (and, if required, no newline) before it.
    // The next backslash and newline positions are cached; they only move forward.
    const q = s.indexOf('"', pos + 1);
    if (q > 0) {
      if (this.nextBs <= pos) {
        const b = s.indexOf('\\', pos + 1);
        this.nextBs = b < 0 ? len : b;
      }
      if (this.nextBs > q) {
        if (!allowNewline) {
          if (this.nextNl <= pos) {
            const n = s.indexOf('\n', pos + 1);
            this.nextNl = n < 0 ? len : n;
          }
          if (this.nextNl < q) {
            this.qStop = this.nextNl;
            return -1;
          }
        }
        this.qEsc = false;
        return q + 1;
      }
    }
    let i = pos + 1;
    let esc = false;
    for (;;) {
      if (i >= len) {
        this.qStop = len;
        return -1;
      }
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        esc = true;
        if (i + 1 >= len || s.charCodeAt(i + 1) === 10) {
          this.qStop = i;
          return -1;
        }
        i += 2;
        continue;
      }
      if (c === 10 && !allowNewline) {
        this.qStop = i;
        return -1;
      }
      i++;
    }
    this.qEsc = esc;
    return i + 1;
  }

  /** checkUtf8 raises an error if [start, end) contains a replacement of invalid UTF-8 bytes. */
  protected checkUtf8(start: number, end: number, what: string): void {
    if (this.invalid === null) return;
    const at = firstInvalidIn_(this.invalid, start, end);
    if (at >= 0) {
      throw this.errorAt(`invalid UTF-8 ${what}: ${goQuote(this.s.slice(start, end))}`, at);
    }
  }

  /** errorAt builds an ExpositionError for a position. */
  protected errorAt(detail: string, offset: number): ExpositionError {
    const { line, column } = positionOf(this.s, offset);
    this.done = true;
    return new ExpositionError(detail, line, column, offset);
  }

  /**
   * parseError builds Prometheus's "expected X, got T (KIND) while parsing: ..." error for the
   * token at pos in the given lexer state.
   */
  protected parseError(expected: string, pos: number, state: Lex): ExpositionError {
    const [end, kind] = this.tokenAt(pos, state);
    const got = this.s.slice(pos, end);
    const ctx = this.s.slice(this.start, Math.min(end, this.start + 200));
    return this.errorAt(`${expected}, got ${goQuote(got)} (${kind}) while parsing: ${goQuote(ctx)}`, pos);
  }

  /** withContext appends Prometheus's "while parsing" context to a detail. */
  protected whileParsing(detail: string, end: number): string {
    return `${detail} while parsing: ${goQuote(this.s.slice(this.start, Math.min(end, this.start + 200)))}`;
  }

  /** tokenAt describes the token a lexer in state would read at pos: its end and kind. */
  protected tokenAt(pos: number, state: Lex): [number, string] {
    const s = this.s;
    if (pos >= this.len) return [pos, 'EOF'];
    const c = s.charCodeAt(pos);
    if (c === 10) return [pos + 1, state === Lex.Init || state === Lex.Timestamp ? 'LINEBREAK' : 'INVALID'];
    if (c === 34) {
      const end = this.scanQuoted(pos, state !== Lex.LValue || this.allowNewlineInValues());
      if (end < 0) return [Math.min(this.len, this.qStop + 1), 'INVALID'];
      return [end, state === Lex.LValue ? 'LVALUE' : state === Lex.Labels ? 'QSTRING' : 'INVALID'];
    }
    if (state === Lex.Labels || state === Lex.Init || state === Lex.Meta) {
      if (c === 123) return [pos + 1, 'BOPEN'];
      if (c === 125 && state === Lex.Labels) return [pos + 1, 'BCLOSE'];
      if (c === 61 && state === Lex.Labels) return [pos + 1, 'EQUAL'];
      if (c === 44 && state === Lex.Labels) return [pos + 1, 'COMMA'];
      const nameStart = state === Lex.Labels ? isLabelNameStart : isMetricNameStart;
      const nameChar = state === Lex.Labels ? isLabelNameChar : isMetricNameChar;
      if (nameStart(c)) {
        let e = pos + 1;
        while (e < this.len && nameChar(s.charCodeAt(e))) e++;
        return [e, state === Lex.Labels ? 'LNAME' : 'MNAME'];
      }
      return [pos + 1, 'INVALID'];
    }
    if (state === Lex.Value) {
      if (c === 123) return [pos + 1, 'BOPEN'];
      let e = pos;
      while (e < this.len) {
        const d = s.charCodeAt(e);
        if (d === 32 || d === 9 || d === 10 || d === 123 || d === 0) break;
        e++;
      }
      return e > pos ? [e, 'VALUE'] : [pos + 1, 'INVALID'];
    }
    if (state === Lex.Timestamp) {
      if (c >= 48 && c <= 57) {
        let e = pos;
        while (e < this.len && s.charCodeAt(e) >= 48 && s.charCodeAt(e) <= 57) e++;
        return [e, 'TIMESTAMP'];
      }
      return [pos + 1, 'INVALID'];
    }
    return [pos + 1, 'INVALID'];
  }

  /** allowNewlineInValues reports whether label values may contain raw newlines (text format). */
  protected abstract allowNewlineInValues(): boolean;

  /** resetSeries clears the per-series state before a new line. */
  protected resetSeries(): void {
    this.nameStart = -1;
    this.nameEnd = -1;
    this.nameEsc = false;
    this.nlabels = 0;
    this.hasTs = false;
  }
}

/** lineOf returns the 1-based line of offset in s. */
export function lineOf(s: string, offset: number): number {
  let line = 1;
  for (let i = s.indexOf('\n'); i >= 0 && i < offset; i = s.indexOf('\n', i + 1)) line++;
  return line;
}

/** positionOf returns the 1-based line and column (in characters) of offset in s. */
export function positionOf(s: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = s.indexOf('\n'); i >= 0 && i < offset; i = s.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
