/**
 * Series descriptions of the test-script language: `metric{a="b"} 1 2+3x4 _ stale {{count:1}}`
 * (FORMAT.md §4.1-4.2). The descriptor is parsed with the PromQL metric-selector parser; the value
 * sequence (numbers, `_`, `stale`, `xK` expansions and `{{...}}` native histograms) is parsed here.
 */
import type { CounterResetHint, FloatHistogram } from '../../../common/model/histogram';
import { labelsFromRecord, type Labels } from '../../../common/model/labels';
import { StaleNaN } from '../../../common/model/value';
import { addHistograms, subHistograms } from '../histogram/arith';
import { copyHistogram } from '../histogram/float_histogram';
import type { Matcher } from '../../../common/model/matcher';

/** SequenceValue is one expanded slot of a value sequence. */
export interface SequenceValue {
  omitted: boolean;
  value: number;
  histogram: FloatHistogram | null;
  /** counterResetHintSet is true when the histogram spelled out counter_reset_hint. */
  counterResetHintSet: boolean;
}

/** SeriesDescError is a malformed series description. */
export class SeriesDescError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeriesDescError';
  }
}

/** MetricSelectorParser parses `metric{a="b"}` into matchers (the PromQL parser's parseMetricSelector). */
export type MetricSelectorParser = (input: string) => Matcher[];

/** splitDescriptor splits a line into the series descriptor and the rest (value sequence). */
export function splitDescriptor(line: string): [string, string] {
  let i = 0;
  let depth = 0;
  let quote = '';
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== '') {
      if (c === '\\' && quote !== '`') {
        i++;
        continue;
      }
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      quote = c;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if ((c === ' ' || c === '\t') && depth === 0) break;
  }
  return [line.slice(0, i), line.slice(i).trim()];
}

/** descriptorLabels turns a descriptor into its label set (equality matchers only). */
export function descriptorLabels(desc: string, parseSelector: MetricSelectorParser): Labels {
  if (desc === '{}') return [];
  const ms = parseSelector(desc);
  const rec: Record<string, string> = {};
  for (const m of ms) {
    if (m.type !== '=') throw new SeriesDescError(`series description must use equality matchers only: ${desc}`);
    rec[m.name] = m.value;
  }
  return labelsFromRecord(rec);
}

const NUM_RE = /^[+-]?(?:inf(?:inity)?|nan|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?)/i;

function parseNumberAt(s: string, pos: number): [number, number] | null {
  const m = NUM_RE.exec(s.slice(pos));
  if (!m || m[0] === '' || m[0] === '+' || m[0] === '-') return null;
  const txt = m[0];
  const low = txt.toLowerCase().replace(/^[+-]/, '');
  let v: number;
  if (low === 'inf' || low === 'infinity') v = txt.startsWith('-') ? -Infinity : Infinity;
  else if (low === 'nan') v = NaN;
  else v = Number(txt.replace(/_/g, ''));
  if (Number.isNaN(v) && low !== 'nan') return null;
  return [v, pos + txt.length];
}

function parseCount(s: string): number {
  if (!/^\d+$/.test(s)) throw new SeriesDescError(`invalid repetition count ${JSON.stringify(s)}`);
  return parseInt(s, 10);
}

function emptyHistogram(): FloatHistogram {
  return {
    counterResetHint: 'unknown',
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positiveSpans: [],
    negativeSpans: [],
    positiveBuckets: [],
    negativeBuckets: [],
  };
}

/** parseHistogramBody parses the inside of `{{...}}`. */
export function parseHistogramBody(body: string): { h: FloatHistogram; hintSet: boolean } {
  const h = emptyHistogram();
  let hintSet = false;
  let offset = 0;
  let nOffset = 0;
  let pos = 0;
  const s = body.trim();
  while (pos < s.length) {
    while (pos < s.length && /\s/.test(s[pos]!)) pos++;
    if (pos >= s.length) break;
    const colon = s.indexOf(':', pos);
    if (colon < 0) throw new SeriesDescError(`invalid histogram field at ${JSON.stringify(s.slice(pos))}`);
    const key = s.slice(pos, colon).trim();
    pos = colon + 1;
    while (pos < s.length && /\s/.test(s[pos]!)) pos++;
    if (s[pos] === '[') {
      const close = s.indexOf(']', pos);
      if (close < 0) throw new SeriesDescError('unterminated bucket list');
      const items = s.slice(pos + 1, close).trim();
      const vals = items === '' ? [] : items.split(/\s+/).map((x) => {
        const r = parseNumberAt(x, 0);
        if (r === null || r[1] !== x.length) throw new SeriesDescError(`invalid bucket value ${JSON.stringify(x)}`);
        return r[0];
      });
      pos = close + 1;
      switch (key) {
        case 'buckets':
          h.positiveBuckets = vals;
          break;
        case 'n_buckets':
          h.negativeBuckets = vals;
          break;
        case 'custom_values':
          h.customValues = vals;
          break;
        default:
          throw new SeriesDescError(`unknown histogram list field ${key}`);
      }
      continue;
    }
    let end = pos;
    while (end < s.length && !/\s/.test(s[end]!)) end++;
    const val = s.slice(pos, end);
    pos = end;
    if (key === 'counter_reset_hint') {
      if (!['unknown', 'reset', 'not_reset', 'gauge'].includes(val)) throw new SeriesDescError(`invalid counter_reset_hint ${val}`);
      h.counterResetHint = val as CounterResetHint;
      hintSet = true;
      continue;
    }
    const r = parseNumberAt(val, 0);
    if (r === null || r[1] !== val.length) throw new SeriesDescError(`invalid value ${JSON.stringify(val)} for ${key}`);
    const n = r[0];
    switch (key) {
      case 'schema':
        h.schema = n;
        break;
      case 'sum':
        h.sum = n;
        break;
      case 'count':
        h.count = n;
        break;
      case 'z_bucket':
        h.zeroCount = n;
        break;
      case 'z_bucket_w':
        h.zeroThreshold = n;
        break;
      case 'offset':
        offset = n;
        break;
      case 'n_offset':
        nOffset = n;
        break;
      default:
        throw new SeriesDescError(`unknown histogram field ${key}`);
    }
  }
  if (h.positiveBuckets.length > 0) h.positiveSpans = [{ offset, length: h.positiveBuckets.length }];
  if (h.negativeBuckets.length > 0) h.negativeSpans = [{ offset: nOffset, length: h.negativeBuckets.length }];
  return { h, hintSet };
}

function readHistogram(s: string, pos: number): [string, number] {
  if (!s.startsWith('{{', pos)) throw new SeriesDescError('expected {{');
  const close = s.indexOf('}}', pos + 2);
  if (close < 0) throw new SeriesDescError('unterminated {{');
  return [s.slice(pos + 2, close), close + 2];
}

/** parseValueSequence expands a value sequence into slots. */
export function parseValueSequence(seq: string): SequenceValue[] {
  const out: SequenceValue[] = [];
  const s = seq.trim();
  let pos = 0;
  const num = (v: number): SequenceValue => ({ omitted: false, value: v, histogram: null, counterResetHintSet: false });
  while (pos < s.length) {
    while (pos < s.length && /\s/.test(s[pos]!)) pos++;
    if (pos >= s.length) break;
    let end = pos;
    if (s.startsWith('{{', pos)) {
      const [body, after] = readHistogram(s, pos);
      const a = parseHistogramBody(body);
      let p = after;
      if (s[p] === '+' || s[p] === '-') {
        const op = s[p]!;
        const [bbody, after2] = readHistogram(s, p + 1);
        const b = parseHistogramBody(bbody).h;
        p = after2;
        if (s[p] !== 'x') throw new SeriesDescError('expected x after histogram expansion');
        let e = p + 1;
        while (e < s.length && !/\s/.test(s[e]!)) e++;
        const k = parseCount(s.slice(p + 1, e));
        p = e;
        let cur = a.h;
        for (let i = 0; i <= k; i++) {
          out.push({ omitted: false, value: 0, histogram: copyHistogram(cur), counterResetHintSet: a.hintSet });
          const next = op === '+' ? addHistograms(cur, b).h : subHistograms(cur, b).h;
          next.counterResetHint = a.h.counterResetHint;
          cur = next;
        }
      } else if (s[p] === 'x') {
        let e = p + 1;
        while (e < s.length && !/\s/.test(s[e]!)) e++;
        const k = parseCount(s.slice(p + 1, e));
        p = e;
        for (let i = 0; i <= k; i++) out.push({ omitted: false, value: 0, histogram: copyHistogram(a.h), counterResetHintSet: a.hintSet });
      } else {
        out.push({ omitted: false, value: 0, histogram: a.h, counterResetHintSet: a.hintSet });
      }
      pos = p;
      continue;
    }
    while (end < s.length && !/\s/.test(s[end]!)) end++;
    const item = s.slice(pos, end);
    pos = end;
    if (item === '_') {
      out.push({ omitted: true, value: 0, histogram: null, counterResetHintSet: false });
      continue;
    }
    if (item.startsWith('_x')) {
      const k = parseCount(item.slice(2));
      for (let i = 0; i < k; i++) out.push({ omitted: true, value: 0, histogram: null, counterResetHintSet: false });
      continue;
    }
    if (item === 'stale') {
      out.push(num(StaleNaN));
      continue;
    }
    const first = parseNumberAt(item, 0);
    if (first === null) throw new SeriesDescError(`invalid value ${JSON.stringify(item)}`);
    const [n, p1] = first;
    if (p1 === item.length) {
      out.push(num(n));
      continue;
    }
    const c = item[p1]!;
    if (c === 'x') {
      const k = parseCount(item.slice(p1 + 1));
      for (let i = 0; i <= k; i++) out.push(num(n));
      continue;
    }
    if (c === '+' || c === '-') {
      const second = parseNumberAt(item, p1 + 1);
      if (second === null || item[second[1]] !== 'x') throw new SeriesDescError(`invalid value ${JSON.stringify(item)}`);
      const d = c === '+' ? second[0] : -second[0];
      const k = parseCount(item.slice(second[1] + 1));
      let v = n;
      out.push(num(v));
      for (let i = 1; i <= k; i++) {
        v += d;
        out.push(num(v));
      }
      continue;
    }
    throw new SeriesDescError(`invalid value ${JSON.stringify(item)}`);
  }
  return out;
}

/** parseSeriesLine parses `<series> <values>` into labels and expanded values. */
export function parseSeriesLine(line: string, parseSelector: MetricSelectorParser): { labels: Labels; values: SequenceValue[] } {
  const [desc, rest] = splitDescriptor(line.trim());
  return { labels: descriptorLabels(desc, parseSelector), values: parseValueSequence(rest) };
}
