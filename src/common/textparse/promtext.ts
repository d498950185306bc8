/**
 * Parser for the Prometheus text exposition format 0.0.4 (and 1.0.0 with quoted UTF-8 names), with
 * the exact acceptance of Prometheus 3's promparse.go/promlex.l:
 *
 *  - spaces and tabs are allowed between all tokens and at the start of a line (and, as in
 *    Prometheus, leading blanks become part of the metric name);
 *  - blank lines are skipped; a NUL at the start of a line ends the input;
 *  - `# HELP name text` and `# TYPE name type` (after `#` and blanks); any other `#` line is a comment;
 *  - labels: `{name="value", ...}` with optional trailing comma, blanks or nothing between pairs,
 *    quoted label names `{"a.b"="v"}` and a quoted metric name `{"my.metric", a="b"}`;
 *  - label values may span lines; escapes `\"`, `\\`, `\n`;
 *  - value: Go ParseFloat syntax without hex/underscores, NaN/Inf in any case;
 *  - optional timestamp: decimal digits, milliseconds;
 *  - the last line may lack its newline.
 */
import { floatStatus, parseGoFloat } from './floats';
import {
  BaseParser,
  CHAR_CLASS,
  F_NAME_ESC,
  F_NAME_QUOTED,
  F_VALUE_ESC,
  isLabelNameChar,
  isLabelNameStart,
  isMetricNameChar,
  isMetricNameStart,
  Lex,
  unescapeHelpText,
  unescapeLabelValue,
} from './base';
import { Entry } from './types';
import type { MetricType } from './types';

// Hot helpers are bound to module-local constants: module systems that turn imports into getter
// calls (CommonJS interop in tsx/vitest) would otherwise slow the scanning loops down by half.
const floatStatus_ = floatStatus;
const parseGoFloat_ = parseGoFloat;
const isLabelNameChar_ = isLabelNameChar;
const isLabelNameStart_ = isLabelNameStart;
const isMetricNameChar_ = isMetricNameChar;
const isMetricNameStart_ = isMetricNameStart;
const CC = CHAR_CLASS;
const F_NAME_ESC_ = F_NAME_ESC;
const F_NAME_QUOTED_ = F_NAME_QUOTED;
const F_VALUE_ESC_ = F_VALUE_ESC;
const SERIES = Entry.Series;
const EOF = Entry.EOF;

const MAX_INT64 = '9223372036854775807';

/** exceedsInt64 reports whether a string of decimal digits is above Go's int64 range. */
function exceedsInt64(digits: string): boolean {
  let d = digits;
  let i = 0;
  while (i < d.length - 1 && d.charCodeAt(i) === 48) i++;
  d = d.slice(i);
  return d.length > MAX_INT64.length || (d.length === MAX_INT64.length && d > MAX_INT64);
}

/** PromTextParser parses the Prometheus text format. */
export class PromTextParser extends BaseParser {
  next(): Entry {
    if (this.done) return EOF;
    const s = this.s;
    const len = this.len;
    for (;;) {
      let pos = this.pos;
      this.start = pos;
      let c = 0;
      while (pos < len && ((c = s.charCodeAt(pos)) === 32 || c === 9)) pos++;
      if (pos >= len || c === 0) {
        this.pos = len;
        this.done = true;
        return EOF;
      }
      if (c === 10) {
        this.pos = pos + 1;
        continue;
      }
      if (c === 35) return this.parseHash(pos);
      this.resetSeries();
      if (isMetricNameStart_(c)) {
        let e = pos + 1;
        while (e < len && (CC[s.charCodeAt(e)]! & 2) !== 0) e++;
        // Prometheus takes the name from the start of the line, leading blanks included.
        this.nameStart = this.start;
        this.nameEnd = e;
        this.seriesEnd = e;
        pos = e;
        while (pos < len && ((c = s.charCodeAt(pos)) === 32 || c === 9)) pos++;
        if (pos < len && c === 123) {
          pos = this.parseLabels(pos + 1);
          this.seriesEnd = pos;
        }
        return this.parseSuffix(pos);
      }
      if (c === 123) {
        pos = this.parseLabels(pos + 1);
        this.seriesEnd = pos;
        return this.parseSuffix(pos);
      }
      throw this.parseError('expected a valid start token', pos, Lex.Init);
    }
  }

  protected allowNewlineInValues(): boolean {
    return true;
  }

  /** parseHash parses a line starting with '#' at pos. */
  private parseHash(pos: number): Entry {
    const s = this.s;
    const len = this.len;
    const hash = pos;
    let p = pos + 1;
    let c = 0;
    while (p < len && ((c = s.charCodeAt(p)) === 32 || c === 9)) p++;
    let kind = 0; // 1 HELP, 2 TYPE
    if (p > pos + 1 && p + 4 < len) {
      const w = s.substr(p, 4);
      const after = s.charCodeAt(p + 4);
      if ((after === 32 || after === 9) && (w === 'HELP' || w === 'TYPE')) kind = w === 'HELP' ? 1 : 2;
    }
    if (kind === 0) {
      let eol = s.indexOf('\n', hash);
      if (eol < 0) eol = len;
      this.metaText = s.substring(hash, eol);
      this.pos = eol < len ? eol + 1 : len;
      return Entry.Comment;
    }
    p += 4;
    while (p < len && ((c = s.charCodeAt(p)) === 32 || c === 9)) p++;
    // Metric name: legacy or quoted.
    let nameStart: number;
    let nameEnd: number;
    let name: string;
    const what = kind === 1 ? 'HELP' : 'TYPE';
    if (p < len && isMetricNameStart_(c)) {
      nameStart = p;
      p++;
      while (p < len && isMetricNameChar_(s.charCodeAt(p))) p++;
      nameEnd = p;
      name = s.substring(nameStart, nameEnd);
    } else if (p < len && c === 34) {
      const end = this.scanQuoted(p, true);
      if (end < 0) throw this.parseError(`expected metric name after ${what}`, p, Lex.Meta);
      nameStart = p + 1;
      nameEnd = end - 1;
      this.checkUtf8(nameStart, nameEnd, 'metric name');
      name = s.substring(nameStart, nameEnd);
      if (this.qEsc) name = unescapeLabelValue(name);
      p = end;
    } else {
      throw this.parseError(`expected metric name after ${what}`, p, Lex.Meta);
    }
    let eol = s.indexOf('\n', p);
    if (eol < 0) eol = len;
    // The text token is the rest of the line; Prometheus drops its first character (the blank
    // after the name), and a rest made only of blanks is empty text.
    let textStart = eol;
    for (let k = p; k < eol; k++) {
      const d = s.charCodeAt(k);
      if (d !== 32 && d !== 9) {
        textStart = p + 1;
        break;
      }
    }
    this.metaName = name;
    this.pos = eol < len ? eol + 1 : len;
    if (kind === 1) {
      this.checkUtf8(textStart, eol, 'help text');
      const raw = s.substring(textStart, eol);
      this.metaText = raw.indexOf('\\') >= 0 ? unescapeHelpText(raw) : raw;
      return Entry.Help;
    }
    const t = s.substring(textStart, eol);
    let mt: MetricType;
    switch (t) {
      case 'counter':
      case 'gauge':
      case 'histogram':
      case 'summary':
        mt = t;
        break;
      case 'untyped':
        mt = 'unknown';
        break;
      default:
        throw this.errorAt(`invalid metric type ${JSON.stringify(t)}`, textStart);
    }
    this.mtype = mt;
    this.metaType = mt;
    this.metaText = t;
    return Entry.Type;
  }

  /** parseLabels parses label pairs after '{' at pos; returns the offset after '}'. */
  private parseLabels(pos: number): number {
    const s = this.s;
    const len = this.len;
    let c = 0;
    for (;;) {
      while (pos < len && ((c = s.charCodeAt(pos)) === 32 || c === 9)) pos++;
      if (pos >= len) throw this.parseError('expected label name', pos, Lex.Labels);
      if (c === 125) return pos + 1;
      let ns: number;
      let ne: number;
      let flags = 0;
      let quoted = false;
      if (isLabelNameStart_(c)) {
        ns = pos;
        pos++;
        while (pos < len && (CC[s.charCodeAt(pos)]! & 8) !== 0) pos++;
        ne = pos;
      } else if (c === 34) {
        const end = this.scanQuoted(pos, true);
        if (end < 0) throw this.parseError('expected label name', pos, Lex.Labels);
        ns = pos + 1;
        ne = end - 1;
        quoted = true;
        flags = F_NAME_QUOTED_ | (this.qEsc ? F_NAME_ESC_ : 0);
        pos = end;
      } else {
        throw this.parseError('expected label name', pos, Lex.Labels);
      }
      while (pos < len && ((c = s.charCodeAt(pos)) === 32 || c === 9)) pos++;
      if (quoted && pos < len && (c === 44 || c === 125)) {
        // A lone quoted string is the metric name.
        if (this.nameStart !== -1) {
          throw this.errorAt(this.whileParsing('metric name already set', pos + 1), ns - 1);
        }
        this.checkUtf8(ns, ne, 'metric name');
        this.nameStart = ns;
        this.nameEnd = ne;
        this.nameEsc = (flags & F_NAME_ESC_) !== 0;
        pos++;
        if (c === 125) return pos;
        continue;
      }
      if (pos >= len || c !== 61) throw this.parseError('expected equal', pos, Lex.Labels);
      pos++;
      while (pos < len && ((c = s.charCodeAt(pos)) === 32 || c === 9)) pos++;
      if (pos >= len || c !== 34) throw this.parseError('expected label value', pos, Lex.LValue);
      const vend = this.scanQuoted(pos, true);
      if (vend < 0) throw this.parseError('expected label value', pos, Lex.LValue);
      if (quoted) this.checkUtf8(ns, ne, 'label name');
      this.checkUtf8(pos, vend, 'label value');
      if (this.qEsc) flags |= F_VALUE_ESC_;
      this.pushLabel(ns, ne, pos + 1, vend - 1, flags);
      pos = vend;
      while (pos < len && ((c = s.charCodeAt(pos)) === 32 || c === 9)) pos++;
      if (pos < len && c === 44) pos++;
    }
  }

  /** parseSuffix parses the value and optional timestamp after the series at pos. */
  private parseSuffix(pos: number): Entry {
    const s = this.s;
    const len = this.len;
    if (this.nameStart === -1) {
      throw this.errorAt(this.whileParsing('metric name not set', pos), this.start);
    }
    let c = 0;
    while (pos < len && ((c = s.charCodeAt(pos)) === 32 || c === 9)) pos++;
    const vs = pos;
    while (pos < len) {
      c = s.charCodeAt(pos);
      if ((CC[c]! & 16) !== 0) break;
      pos++;
    }
    if (pos === vs) throw this.parseError('expected value after metric', vs, Lex.Value);
    this.val = parseGoFloat_(s, vs, pos);
    if (floatStatus_.err !== '') throw this.errorAt(this.whileParsing(floatStatus_.err, pos), vs);
    while (pos < len && ((c = s.charCodeAt(pos)) === 32 || c === 9)) pos++;
    if (pos >= len) {
      this.pos = len;
      return SERIES;
    }
    if (c === 10) {
      this.pos = pos + 1;
      return SERIES;
    }
    if (c >= 48 && c <= 57) {
      const ts0 = pos;
      while (pos < len && (c = s.charCodeAt(pos)) >= 48 && c <= 57) pos++;
      const tsStr = s.substring(ts0, pos);
      const ts = Number(tsStr);
      if (ts >= 9e18 && exceedsInt64(tsStr)) {
        throw this.errorAt(this.whileParsing(`strconv.ParseInt: parsing ${JSON.stringify(tsStr)}: value out of range`, pos), ts0);
      }
      this.ts = ts;
      this.hasTs = true;
      while (pos < len && ((c = s.charCodeAt(pos)) === 32 || c === 9)) pos++;
      if (pos >= len) {
        this.pos = len;
        return SERIES;
      }
      if (c === 10) {
        this.pos = pos + 1;
        return SERIES;
      }
      throw this.parseError('expected next entry after timestamp', pos, Lex.Timestamp);
    }
    throw this.parseError('expected timestamp or new record', pos, Lex.Timestamp);
  }
}
