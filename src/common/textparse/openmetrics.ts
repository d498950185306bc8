/**
 * Parser for OpenMetrics 1.0 text, with the exact acceptance of Prometheus 3's
 * openmetricsparse.go/openmetricslex.l:
 *
 *  - single spaces only, no blank lines, no comments other than HELP, TYPE, UNIT and `# EOF`;
 *  - the exposition must end with `# EOF` (optionally followed by one newline) and nothing else;
 *  - types counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown;
 *  - a non-empty UNIT must be a `_`-separated suffix of the family name;
 *  - label values may not contain raw newlines; escapes `\"`, `\\`, `\n`;
 *  - timestamps are float seconds (converted to ms by truncation), exemplars
 *    ` # {labels} value [timestamp]` follow the value or timestamp;
 *  - `_created` series are ordinary series unless skipCreatedSeries is set; createdTimestamp()
 *    finds the `_created` sample of the current series' family and labels by looking ahead.
 */
import type { Label } from '../model/labels';
import { formatFloatG } from '../util/go/strconv';
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
  L_STRIDE,
  Lex,
  unescapeLabelValue,
} from './base';
import { Entry } from './types';
import type { Exemplar, MetricType } from './types';

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

/** OpenMetricsOptions tune the OpenMetrics parser. */
export interface OpenMetricsOptions {
  /** skipCreatedSeries drops `_created` series of counters, histograms and summaries (Prometheus's created-timestamp ingestion mode). */
  skipCreatedSeries?: boolean;
  /**
   * strict additionally enforces the OpenMetrics 1.0 sample-name rules of typed families, which
   * Prometheus does not check: counter samples end in `_total` (or `_created`), histogram samples
   * are `_bucket` (with `le`), `_count`, `_sum`, `_created`, and so on. Off by default, as in
   * Prometheus; useful to validate an exposition.
   */
  strict?: boolean;
}

/** OM_SUFFIXES lists, per type, the sample-name suffixes OpenMetrics allows ('' is the bare family name). */
const OM_SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['', '_count', '_sum', '_created'],
  info: ['_info'],
  stateset: [''],
  unknown: [''],
};
const KNOWN_SUFFIXES = ['', '_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];

const OM_TYPES: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'gaugehistogram',
  summary: 'summary',
  info: 'info',
  stateset: 'stateset',
  unknown: 'unknown',
};

/** OpenMetricsParser parses OpenMetrics 1.0 text. */
export class OpenMetricsParser extends BaseParser {
  private readonly skipCreated: boolean;
  private readonly strict: boolean;
  /** typeFamily is the family name of the last TYPE line. */
  private typeFamily = '';

  // Exemplar of the current sample.
  private exOfs: Int32Array = new Int32Array(L_STRIDE * 4);
  private exN = 0;
  private hasEx = false;
  private exVal = 0;
  private exHasTs = false;
  private exTs = 0;

  // Cache of the last createdTimestamp look-up.
  private ctKey: string | null = null;
  private ctVal: number | null = null;

  constructor(text: string, invalid: Int32Array | null, opts: OpenMetricsOptions = {}) {
    super(text, invalid);
    this.skipCreated = opts.skipCreatedSeries === true;
    this.strict = opts.strict === true;
  }

  protected allowNewlineInValues(): boolean {
    return false;
  }

  next(): Entry {
    for (;;) {
      const e = this.next1();
      if (e === SERIES && this.strict) this.checkSampleName();
      if (e === SERIES && this.skipCreated && this.isCreatedSeries()) continue;
      return e;
    }
  }

  private next1(): Entry {
    if (this.done) return EOF;
    const s = this.s;
    const len = this.len;
    const pos = this.pos;
    this.start = pos;
    this.hasEx = false;
    if (pos >= len) throw this.errorAt('data does not end with # EOF', pos);
    const c = s.charCodeAt(pos);
    if (c === 35) {
      if (pos + 1 < len && s.charCodeAt(pos + 1) === 32) {
        const p = pos + 2;
        const w = s.substr(p, 5);
        if (w === 'HELP ' || w === 'TYPE ' || w === 'UNIT ') return this.parseMeta(p + 5, w.slice(0, 4));
        if (s.startsWith('EOF', p)) {
          let q = p + 3;
          if (q < len && s.charCodeAt(q) === 10) q++;
          if (q < len) throw this.errorAt('unexpected data after # EOF', q);
          this.pos = len;
          this.done = true;
          return EOF;
        }
      }
      throw this.parseError('expected a valid start token', pos, Lex.Init);
    }
    this.resetSeries();
    if (isMetricNameStart_(c)) {
      let e = pos + 1;
      while (e < len && (CC[s.charCodeAt(e)]! & 2) !== 0) e++;
      this.nameStart = pos;
      this.nameEnd = e;
      this.seriesEnd = e;
      let p = e;
      if (p < len && s.charCodeAt(p) === 123) {
        p = this.parseLabels(p + 1, false);
        this.seriesEnd = p;
      }
      return this.parseSuffix(p);
    }
    if (c === 123) {
      const p = this.parseLabels(pos + 1, false);
      this.seriesEnd = p;
      return this.parseSuffix(p);
    }
    throw this.parseError('expected a valid start token', pos, Lex.Init);
  }

  private parseMeta(p: number, what: string): Entry {
    const s = this.s;
    const len = this.len;
    let name: string;
    let nameEnd: number;
    const c = p < len ? s.charCodeAt(p) : -1;
    if (c >= 0 && isMetricNameStart_(c)) {
      let e = p + 1;
      while (e < len && (CC[s.charCodeAt(e)]! & 2) !== 0) e++;
      name = s.substring(p, e);
      nameEnd = e;
    } else if (c === 34) {
      const end = this.scanQuoted(p, true);
      if (end < 0) throw this.parseError(`expected metric name after ${what}`, p, Lex.Meta);
      this.checkUtf8(p + 1, end - 1, 'metric name');
      name = s.substring(p + 1, end - 1);
      if (this.qEsc) name = unescapeLabelValue(name);
      nameEnd = end;
    } else {
      throw this.parseError(`expected metric name after ${what}`, p, Lex.Meta);
    }
    const eol = s.indexOf('\n', nameEnd);
    if (nameEnd >= len || s.charCodeAt(nameEnd) !== 32 || eol < 0) {
      throw this.errorAt(`expected text in ${what}`, nameEnd);
    }
    const textStart = nameEnd + 1;
    this.metaName = name;
    this.pos = eol + 1;
    switch (what) {
      case 'HELP': {
        this.checkUtf8(textStart, eol, 'help text');
        const raw = s.substring(textStart, eol);
        this.metaText = raw.indexOf('\\') >= 0 ? unescapeLabelValue(raw) : raw;
        return Entry.Help;
      }
      case 'TYPE': {
        const t = s.substring(textStart, eol);
        const mt = OM_TYPES[t];
        if (mt === undefined || !Object.prototype.hasOwnProperty.call(OM_TYPES, t)) {
          throw this.errorAt(`invalid metric type ${JSON.stringify(t)}`, textStart);
        }
        this.mtype = mt;
        this.metaType = mt;
        this.metaText = t;
        this.typeFamily = name;
        this.ctKey = null;
        return Entry.Type;
      }
      default: {
        const u = s.substring(textStart, eol);
        if (u.length > 0 && !(name.length >= u.length + 1 && name.endsWith(u) && name.charCodeAt(name.length - u.length - 1) === 95)) {
          throw this.errorAt(`unit ${JSON.stringify(u)} not a suffix of metric ${JSON.stringify(name)}`, textStart);
        }
        this.metaText = u;
        return Entry.Unit;
      }
    }
  }

  /**
   * parseLabels parses the pairs after '{' at pos (series labels or exemplar labels) and returns
   * the offset after '}'.
   */
  private parseLabels(pos: number, exemplar: boolean): number {
    const s = this.s;
    const len = this.len;
    if (exemplar) this.exN = 0;
    for (;;) {
      if (pos >= len) throw this.parseError('expected label name', pos, Lex.Labels);
      let c = s.charCodeAt(pos);
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
      c = pos < len ? s.charCodeAt(pos) : -1;
      if (quoted && (c === 44 || c === 125)) {
        if (exemplar) throw this.parseError('expected label name', pos, Lex.Labels);
        if (this.nameStart !== -1) throw this.errorAt(this.whileParsing('metric name already set', pos + 1), ns - 1);
        this.checkUtf8(ns, ne, 'metric name');
        this.nameStart = ns;
        this.nameEnd = ne;
        this.nameEsc = (flags & F_NAME_ESC_) !== 0;
        pos++;
        if (c === 125) return pos;
        continue;
      }
      if (c !== 61) throw this.parseError('expected equal', pos, Lex.Labels);
      pos++;
      if (pos >= len || s.charCodeAt(pos) !== 34) throw this.parseError('expected label value', pos, Lex.LValue);
      const vend = this.scanQuoted(pos, false);
      if (vend < 0) throw this.parseError('expected label value', pos, Lex.LValue);
      if (quoted) this.checkUtf8(ns, ne, 'label name');
      this.checkUtf8(pos, vend, 'label value');
      if (this.qEsc) flags |= F_VALUE_ESC_;
      if (exemplar) this.pushExemplarLabel(ns, ne, pos + 1, vend - 1, flags);
      else this.pushLabel(ns, ne, pos + 1, vend - 1, flags);
      pos = vend;
      c = pos < len ? s.charCodeAt(pos) : -1;
      if (c === 44) pos++;
      else if (c !== 125) throw this.parseError('expected comma or brace close', pos, Lex.Labels);
    }
  }

  private pushExemplarLabel(ns: number, ne: number, vs: number, ve: number, flags: number): void {
    let o = this.exN * L_STRIDE;
    if (o + L_STRIDE > this.exOfs.length) {
      const grown = new Int32Array(this.exOfs.length * 2);
      grown.set(this.exOfs);
      this.exOfs = grown;
    }
    const a = this.exOfs;
    a[o++] = ns;
    a[o++] = ne;
    a[o++] = vs;
    a[o++] = ve;
    a[o] = flags;
    this.exN++;
  }

  /** scanToken returns the end of a `[^ \n]+` token starting at pos (pos when empty). */
  private scanToken(pos: number): number {
    const s = this.s;
    const len = this.len;
    let e = pos;
    while (e < len) {
      const c = s.charCodeAt(e);
      if (c === 32 || c === 10) break;
      e++;
    }
    return e;
  }

  private isExemplarStart(pos: number): boolean {
    const s = this.s;
    return pos + 3 < this.len && s.charCodeAt(pos) === 32 && s.charCodeAt(pos + 1) === 35 && s.charCodeAt(pos + 2) === 32 && s.charCodeAt(pos + 3) === 123;
  }

  private parseSuffix(pos: number): Entry {
    const s = this.s;
    const len = this.len;
    if (this.nameStart === -1) throw this.errorAt(this.whileParsing('metric name not set', pos), this.start);
    if (pos >= len || s.charCodeAt(pos) !== 32) throw this.parseError('expected value after metric', pos, Lex.Value);
    const vs = pos + 1;
    let e = this.scanToken(vs);
    if (e === vs) throw this.parseError('expected value after metric', pos, Lex.Value);
    this.val = parseGoFloat_(s, vs, e);
    if (floatStatus_.err !== '') throw this.errorAt(this.whileParsing(floatStatus_.err, e), vs);
    pos = e;
    if (pos >= len) throw this.errorAt('data does not end with # EOF', pos);
    if (s.charCodeAt(pos) === 10) {
      this.pos = pos + 1;
      return SERIES;
    }
    // pos is at a space.
    if (this.isExemplarStart(pos)) return this.parseExemplar(pos + 4);
    const ts0 = pos + 1;
    e = this.scanToken(ts0);
    if (e === ts0) throw this.parseError('expected timestamp or # symbol', ts0, Lex.Timestamp);
    const tsf = parseGoFloat_(s, ts0, e);
    if (floatStatus_.err !== '') throw this.errorAt(this.whileParsing(floatStatus_.err, e), ts0);
    if (!Number.isFinite(tsf)) throw this.errorAt(`invalid timestamp ${formatFloatG(tsf)}`, ts0);
    this.ts = Math.trunc(tsf * 1000);
    this.hasTs = true;
    pos = e;
    if (pos >= len) throw this.errorAt('data does not end with # EOF', pos);
    if (s.charCodeAt(pos) === 10) {
      this.pos = pos + 1;
      return SERIES;
    }
    if (this.isExemplarStart(pos)) return this.parseExemplar(pos + 4);
    throw this.parseError('expected next entry after timestamp', pos, Lex.Timestamp);
  }

  private parseExemplar(pos: number): Entry {
    const s = this.s;
    const len = this.len;
    pos = this.parseLabels(pos, true);
    if (pos >= len || s.charCodeAt(pos) !== 32) throw this.parseError('expected value after exemplar labels', pos, Lex.Value);
    const vs = pos + 1;
    let e = this.scanToken(vs);
    if (e === vs) throw this.parseError('expected value after exemplar labels', pos, Lex.Value);
    this.exVal = parseGoFloat_(s, vs, e);
    if (floatStatus_.err !== '') throw this.errorAt(this.whileParsing(floatStatus_.err, e), vs);
    this.exHasTs = false;
    pos = e;
    if (pos >= len) throw this.errorAt('data does not end with # EOF', pos);
    if (s.charCodeAt(pos) !== 10) {
      const ts0 = pos + 1;
      e = this.scanToken(ts0);
      if (e === ts0) throw this.parseError('expected timestamp or comment', ts0, Lex.Timestamp);
      const tsf = parseGoFloat_(s, ts0, e);
      if (floatStatus_.err !== '') throw this.errorAt(this.whileParsing(floatStatus_.err, e), ts0);
      if (!Number.isFinite(tsf)) throw this.errorAt(`invalid exemplar timestamp ${formatFloatG(tsf)}`, ts0);
      this.exTs = Math.trunc(tsf * 1000);
      this.exHasTs = true;
      pos = e;
      if (pos >= len) throw this.errorAt('data does not end with # EOF', pos);
      if (s.charCodeAt(pos) !== 10) throw this.parseError('expected next entry after exemplar timestamp', pos, Lex.Timestamp);
    }
    this.hasEx = true;
    this.pos = pos + 1;
    return SERIES;
  }

  override exemplar(): Exemplar | null {
    if (!this.hasEx) return null;
    const labels: Label[] = [];
    const a = this.exOfs;
    for (let i = 0; i < this.exN; i++) {
      const o = i * L_STRIDE;
      let name = this.s.substring(a[o]!, a[o + 1]!);
      if ((a[o + 4]! & F_NAME_ESC_) !== 0) name = unescapeLabelValue(name);
      let value = this.s.substring(a[o + 2]!, a[o + 3]!);
      if ((a[o + 4]! & F_VALUE_ESC_) !== 0) value = unescapeLabelValue(value);
      labels.push({ name, value });
    }
    labels.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    return { labels, value: this.exVal, timestamp: this.exHasTs ? this.exTs : null };
  }

  /** checkSampleName enforces the OpenMetrics sample-name rules of the current typed family (strict mode). */
  private checkSampleName(): void {
    const fam = this.typeFamily;
    if (fam === '') return;
    const name = this.metricName();
    if (!name.startsWith(fam)) return;
    const suffix = name.slice(fam.length);
    // A suffix OpenMetrics does not define means another (untyped) family, e.g. foo_bar after foo.
    if (!KNOWN_SUFFIXES.includes(suffix)) return;
    const t = this.mtype;
    const allowed = OM_SUFFIXES[t];
    if (!allowed.includes(suffix)) {
      const want = allowed.map((x) => (x === '' ? fam : fam + x)).join(', ');
      throw this.errorAt(`sample ${JSON.stringify(name)} is not valid in ${t} family ${JSON.stringify(fam)}, expected one of: ${want}`, this.start);
    }
    const has = (l: string): boolean => {
      for (let i = 0; i < this.nlabels; i++) if (this.labelName(i) === l) return true;
      return false;
    };
    if ((t === 'histogram' || t === 'gaugehistogram') && suffix === '_bucket' && !has('le')) {
      throw this.errorAt(`sample ${JSON.stringify(name)} of ${t} family ${JSON.stringify(fam)} lacks the le label`, this.start);
    }
    if (t === 'summary' && suffix === '' && !has('quantile')) {
      throw this.errorAt(`sample ${JSON.stringify(name)} of summary family ${JSON.stringify(fam)} lacks the quantile label`, this.start);
    }
    if (t === 'stateset' && !has(fam)) {
      throw this.errorAt(`sample ${JSON.stringify(name)} of stateset family ${JSON.stringify(fam)} lacks the ${JSON.stringify(fam)} label`, this.start);
    }
  }

  /** isCreatedSeries reports whether the current series is a `_created` series of a CT-carrying type. */
  private isCreatedSeries(): boolean {
    if (!typeHasCreated(this.mtype)) return false;
    const n = this.nameEnd - this.nameStart;
    return n >= 9 && this.s.startsWith('_created', this.nameEnd - 8);
  }

  /** seriesKey identifies a series within its family for `_created` matching (le/quantile ignored). */
  private seriesKey(familyName: string): string {
    let k = familyName;
    for (let i = 0; i < this.nlabels; i++) {
      const name = this.labelName(i);
      if (this.mtype === 'summary' && name === 'quantile') continue;
      if (this.mtype === 'histogram' && name === 'le') continue;
      const o = i * L_STRIDE;
      k += '\xff' + name + '\xff' + this.s.substring(this.lofs[o + 2]!, this.lofs[o + 3]!);
    }
    return k;
  }

  override createdTimestamp(): number | null {
    if (!typeHasCreated(this.mtype) || this.typeFamily === '') return null;
    const name = this.metricName();
    if (!name.startsWith(this.typeFamily)) return null;
    const key = this.seriesKey(this.typeFamily);
    if (key === this.ctKey) return this.ctVal;
    let result: number | null = null;
    const peek = new OpenMetricsParser(this.s, this.invalid);
    peek.pos = this.pos;
    peek.mtype = this.mtype;
    peek.typeFamily = this.typeFamily;
    try {
      for (;;) {
        if (peek.next() !== Entry.Series) break;
        const pn = peek.metricName();
        if (!pn.endsWith('_created') || pn.length < 9) continue;
        if (peek.seriesKey(pn.slice(0, -8)) === key) result = Math.trunc(peek.val * 1000);
        break;
      }
    } catch {
      result = null;
    }
    this.ctKey = key;
    this.ctVal = result;
    return result;
  }
}

/** typeHasCreated reports the types whose samples may carry a `_created` series. */
function typeHasCreated(t: MetricType): boolean {
  return t === 'counter' || t === 'histogram' || t === 'summary';
}

