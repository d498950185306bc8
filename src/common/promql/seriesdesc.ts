/**
 * The series-description language of the PromQL test scripts and promtool rule tests
 * (Prometheus's START_SERIES_DESCRIPTION grammar): `metric{a="b"} 1 2 _ 3x4 1+2x3 stale {{...}}`,
 * expanded into one value per step. Also the `@st` start-timestamp lines of promqltest
 * (FORMAT.md §4.3). See ../../../shared/conformance/promql/FORMAT.md §4.
 */
import { type Label, type Labels, MetricName } from '../model/labels';
import type { CounterResetHint, FloatHistogram } from '../model/histogram';
import { StaleNaN } from '../model/value';
import { ParseError, ParseErrors } from './errors';
import { parseModelDuration } from '../model/time';
import { GoNumberError, goQuote } from '../util/go/strconv';
import { addHistograms } from './histogram_ops';
import { type Item, T as ITEM_TYPES } from './items';
import { ParseAbort, ParserBase } from './parser_base';

/** T is a module-local alias of the item types. */
const T = ITEM_TYPES;

/** SequenceValue is one expanded step of a series description: no sample, a float, or a histogram. */
export type SequenceValue =
  | { kind: 'omitted' }
  | { kind: 'float'; value: number }
  | {
      kind: 'histogram';
      histogram: FloatHistogram;
      /** counterResetHintSet is true when the description spelled out counter_reset_hint. */
      counterResetHintSet: boolean;
    };

/**
 * SeriesDesc is a parsed series description: the series' labels and its expanded values. Labels
 * with an empty value (`{a=""}`) are dropped, since in Vigil an empty value means "absent";
 * Prometheus keeps them in this one place.
 */
export interface SeriesDesc {
  labels: Labels;
  values: SequenceValue[];
}

/** SeriesDescOptions bounds the expansion (a Vigil safeguard; Prometheus has no limit). */
export interface SeriesDescOptions {
  /** maxValues is the most values one description may expand to (default 1,000,000). */
  maxValues?: number;
}

const METRIC_TOKENS: ReadonlySet<number> = new Set([
  T.AVG, T.BOTTOMK, T.BY, T.COUNT, T.COUNT_VALUES, T.FILL, T.FILL_LEFT, T.FILL_RIGHT, T.GROUP,
  T.IDENTIFIER, T.LAND, T.LOR, T.LUNLESS, T.MAX, T.METRIC_IDENTIFIER, T.MIN, T.OFFSET, T.QUANTILE,
  T.STDDEV, T.STDVAR, T.SUM, T.TOPK, T.WITHOUT, T.START, T.END, T.LIMITK, T.LIMIT_RATIO, T.STEP,
  T.RANGE, T.ANCHORED, T.SMOOTHED, T.MAX_OF, T.MIN_OF,
]);

const DESC_KEYS: ReadonlyMap<number, string> = new Map([
  [T.SCHEMA_DESC, 'schema'], [T.SUM_DESC, 'sum'], [T.COUNT_DESC, 'count'], [T.ZERO_BUCKET_DESC, 'z_bucket'],
  [T.ZERO_BUCKET_WIDTH_DESC, 'z_bucket_w'], [T.CUSTOM_VALUES_DESC, 'custom_values'], [T.BUCKETS_DESC, 'buckets'],
  [T.OFFSET_DESC, 'offset'], [T.NEGATIVE_BUCKETS_DESC, 'n_buckets'], [T.NEGATIVE_OFFSET_DESC, 'n_offset'],
  [T.COUNTER_RESET_HINT_DESC, 'counter_reset_hint'],
]);

const HINTS: ReadonlyMap<number, CounterResetHint> = new Map<number, CounterResetHint>([
  [T.UNKNOWN_COUNTER_RESET, 'unknown'], [T.COUNTER_RESET, 'reset'], [T.NOT_COUNTER_RESET, 'not_reset'], [T.GAUGE_TYPE, 'gauge'],
]);

type DescValue = number | number[] | CounterResetHint;

function itemRange(i: Item) {
  return { start: i.pos, end: i.pos + i.val.length };
}

class SeriesParser {
  private readonly p: ParserBase;
  private readonly maxValues: number;
  private lastHintSet = false;
  private count = 0;

  constructor(input: string, opts: SeriesDescOptions) {
    this.p = new ParserBase(input, {}, true);
    this.maxValues = opts.maxValues ?? 1_000_000;
  }

  parse(): SeriesDesc {
    const p = this.p;
    let result: SeriesDesc | null = null;
    try {
      const labels = this.parseMetric();
      p.pushFrame('series values', '');
      const values: SequenceValue[] = [];
      for (let first = true; ; first = false) {
        const t = p.peek();
        if (t.typ === T.EOF) break;
        // Right after the metric the LR state can shift `error` itself, so the error is reported
        // in the "series values" context; later boundaries reduce first (see failAtBoundary).
        if (t.typ !== T.SPACE) {
          if (first) p.fail();
          this.failAtBoundary();
        }
        p.next();
        if (p.is(T.EOF)) break;
        for (const v of this.parseItem()) values.push(v);
      }
      result = { labels, values };
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
    }
    if (p.errors.length > 0 || !result) throw new ParseErrors(p.errors.length ? p.errors : [new ParseError({ start: 0, end: 0 }, 'unexpected error', p.input)]);
    return result;
  }

  private parseMetric(): Labels {
    const p = this.p;
    const t = p.peek();
    let name: string | null = null;
    if (METRIC_TOKENS.has(t.typ)) {
      p.next();
      name = t.val;
    }
    const set = p.is(T.LEFT_BRACE) ? this.parseLabelSet() : [];
    const m = new Map<string, string>();
    for (const l of set) m.set(l.name, l.value);
    if (name !== null) m.set(MetricName, name);
    const out: Label[] = [];
    for (const [k, v] of m) if (v !== '') out.push({ name: k, value: v });
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }

  private parseLabelSet(): Label[] {
    const p = this.p;
    p.next();
    const out: Label[] = [];
    const depth = p.frameDepth();
    if (p.is(T.RIGHT_BRACE)) {
      p.next();
      return out;
    }
    for (;;) {
      p.pushFrame('label set', 'identifier or "}"');
      const t = p.peek();
      if (t.typ === T.IDENTIFIER) {
        p.next();
        p.popFrame(depth);
        p.pushFrame('label set', '"="');
        p.expect(T.EQL);
        p.popFrame(depth);
        p.pushFrame('label set', 'string');
        const v = p.expect(T.STRING);
        out.push({ name: t.val, value: p.unquote(v.val) });
      } else if (t.typ === T.STRING) {
        p.next();
        const name = p.unquote(t.val);
        p.popFrame(depth);
        if (p.is(T.EQL)) {
          p.next();
          p.pushFrame('label set', 'string');
          const v = p.expect(T.STRING);
          out.push({ name, value: p.unquote(v.val) });
        } else {
          out.push({ name: MetricName, value: name });
        }
      } else {
        p.fail();
      }
      p.popFrame(depth);
      p.pushFrame('label set', '"," or "}"');
      const c = p.peek();
      if (c.typ === T.RIGHT_BRACE) {
        p.next();
        p.popFrame(depth);
        return out;
      }
      if (c.typ !== T.COMMA) p.fail();
      p.next();
      p.popFrame(depth);
      if (p.is(T.RIGHT_BRACE)) {
        p.next();
        return out;
      }
    }
  }

  /**
   * failAtBoundary reports a syntax error where the value list could have ended (after a whole
   * item or a space). There the LR parser first reduces the whole description by default and
   * only then finds the error, outside the "series values" context, so the message has none.
   */
  private failAtBoundary(): never {
    this.p.pushFrame('', '');
    return this.p.fail();
  }

  private reserve(n: number): void {
    this.count += n;
    if (this.count > this.maxValues) {
      this.p.addErr({ start: 0, end: this.p.input.length }, `series description expands to more than ${this.maxValues} values`);
      throw new ParseAbort();
    }
  }

  private parseUint(): number {
    const p = this.p;
    const t = p.peek();
    if (t.typ !== T.NUMBER) p.fail();
    p.next();
    if (!/^[0-9]+$/.test(t.val)) {
      p.addErr(itemRange(t), `invalid repetition in series values: strconv.ParseUint: parsing ${goQuote(t.val)}: invalid syntax`);
      return 0;
    }
    const n = BigInt(t.val);
    if (n > 18446744073709551615n) {
      p.addErr(itemRange(t), `invalid repetition in series values: strconv.ParseUint: parsing ${goQuote(t.val)}: value out of range`);
      return 0;
    }
    if (n > BigInt(this.maxValues)) this.reserve(this.maxValues + 1);
    return Number(n);
  }

  private parseNumber(): number {
    const p = this.p;
    const t = p.peek();
    if (t.typ !== T.NUMBER && t.typ !== T.DURATION) p.fail();
    p.next();
    return p.numberValue(t);
  }

  private parseSignedOrUnsigned(): number {
    const p = this.p;
    const t = p.peek();
    if (t.typ === T.ADD || t.typ === T.SUB) {
      p.next();
      const v = this.parseNumber();
      return t.typ === T.SUB ? -v : v;
    }
    return this.parseNumber();
  }

  private parseItem(): SequenceValue[] {
    const p = this.p;
    const t = p.peek();
    if (t.typ === T.BLANK) {
      p.next();
      if (p.is(T.TIMES)) {
        p.next();
        const n = this.parseUint();
        this.reserve(n);
        return Array.from({ length: n }, () => ({ kind: 'omitted' as const }));
      }
      this.reserve(1);
      return [{ kind: 'omitted' }];
    }
    if (t.typ === T.OPEN_HIST) return this.parseHistogramItem();
    let v: number;
    if (t.typ === T.IDENTIFIER) {
      p.next();
      if (t.val !== 'stale') p.unexpected('series values', 'number or "stale"', t);
      v = StaleNaN;
    } else if (t.typ === T.NUMBER || t.typ === T.DURATION || t.typ === T.ADD || t.typ === T.SUB) {
      v = this.parseSignedOrUnsigned();
    } else {
      return this.failAtBoundary();
    }
    const n = p.peek();
    if (n.typ === T.TIMES) {
      p.next();
      const k = this.parseUint();
      this.reserve(k + 1);
      return Array.from({ length: k + 1 }, () => ({ kind: 'float' as const, value: v }));
    }
    if (n.typ === T.ADD || n.typ === T.SUB) {
      p.next();
      const d0 = this.parseNumber();
      const d = n.typ === T.SUB ? -d0 : d0;
      p.expect(T.TIMES);
      const k = this.parseUint();
      this.reserve(k + 1);
      const out: SequenceValue[] = [];
      for (let i = 0; i <= k; i++) {
        out.push({ kind: 'float', value: v });
        v += d;
      }
      return out;
    }
    this.reserve(1);
    return [{ kind: 'float', value: v }];
  }

  private parseHistogramItem(): SequenceValue[] {
    const p = this.p;
    const a = this.parseHistogram();
    const aSet = this.lastHintSet;
    const n = p.peek();
    if (n.typ === T.TIMES) {
      p.next();
      const k = this.parseUint();
      this.reserve(k + 1);
      return Array.from({ length: k + 1 }, () => ({ kind: 'histogram' as const, histogram: a, counterResetHintSet: aSet }));
    }
    if (n.typ === T.ADD || n.typ === T.SUB) {
      p.next();
      if (!p.is(T.OPEN_HIST)) p.fail();
      const b = this.parseHistogram();
      p.expect(T.TIMES);
      const k = this.parseUint();
      const uintItem = p.lastItem;
      this.reserve(k + 1);
      const hintSet = this.lastHintSet;
      const out: SequenceValue[] = [{ kind: 'histogram', histogram: a, counterResetHintSet: hintSet }];
      let cur = a;
      for (let i = 1; i <= k; i++) {
        if (cur.schema > b.schema) {
          p.addErr(itemRange(uintItem), `error combining histograms: cannot merge from schema ${b.schema} to ${cur.schema}`);
          return out;
        }
        try {
          cur = addHistograms(cur, b, n.typ === T.SUB);
        } catch (e) {
          if (!(e instanceof Error)) throw e;
          p.addErr(itemRange(uintItem), e.message);
          return out;
        }
        out.push({ kind: 'histogram', histogram: cur, counterResetHintSet: hintSet });
      }
      return out;
    }
    this.reserve(1);
    return [{ kind: 'histogram', histogram: a, counterResetHintSet: aSet }];
  }

  private parseHistogram(): FloatHistogram {
    const p = this.p;
    p.next(); // {{
    const desc = new Map<string, DescValue>();
    const depth = p.frameDepth();
    if (p.is(T.CLOSE_HIST)) {
      p.next();
      return this.build(desc);
    }
    if (p.is(T.SPACE)) {
      p.next();
      p.expect(T.CLOSE_HIST);
      return this.build(desc);
    }
    this.parseDescItem(desc);
    p.pushFrame('histogram description', 'histogram description key, e.g. buckets:[5 10 7]');
    for (;;) {
      const t = p.peek();
      if (t.typ === T.CLOSE_HIST) {
        p.next();
        break;
      }
      if (t.typ !== T.SPACE) p.fail();
      p.next();
      if (p.is(T.CLOSE_HIST)) {
        p.next();
        break;
      }
      this.parseDescItem(desc);
    }
    p.popFrame(depth);
    return this.build(desc);
  }

  private parseInt(): number {
    const p = this.p;
    if (p.is(T.SUB)) {
      p.next();
      return -this.parseUint();
    }
    return this.parseUint();
  }

  private parseDescItem(desc: Map<string, DescValue>): void {
    const p = this.p;
    const t = p.peek();
    const key = DESC_KEYS.get(t.typ);
    if (key === undefined) p.fail();
    p.next();
    p.expect(T.COLON);
    let v: DescValue;
    switch (key) {
      case 'schema':
      case 'offset':
      case 'n_offset':
        v = this.parseInt();
        break;
      case 'z_bucket_w':
        v = this.parseNumber();
        break;
      case 'custom_values':
      case 'buckets':
      case 'n_buckets':
        v = this.parseBucketSet();
        break;
      case 'counter_reset_hint': {
        const h = p.peek();
        const hint = HINTS.get(h.typ) ?? p.fail();
        p.next();
        v = hint;
        break;
      }
      default:
        v = this.parseSignedOrUnsigned();
    }
    if (desc.has(key!)) p.addErr({ start: 0, end: 0 }, `duplicate key "${key}" in histogram`);
    else desc.set(key!, v);
  }

  private parseBucketSet(): number[] {
    const p = this.p;
    p.expect(T.LEFT_BRACKET);
    const out = [this.parseSignedOrUnsigned()];
    for (;;) {
      const t = p.peek();
      if (t.typ === T.RIGHT_BRACKET) {
        p.next();
        return out;
      }
      if (t.typ !== T.SPACE) {
        this.recoverBucketList();
        continue;
      }
      p.next();
      const n = p.peek().typ;
      if (n === T.RIGHT_BRACKET) {
        p.next();
        return out;
      }
      if (n !== T.NUMBER && n !== T.DURATION && n !== T.ADD && n !== T.SUB) {
        this.recoverBucketList();
        continue;
      }
      out.push(this.parseSignedOrUnsigned());
    }
  }

  /**
   * recoverBucketList mirrors the grammar's silent `bucket_set_list error` rule: Prometheus skips
   * items until a space or `]` and goes on without reporting anything.
   */
  private recoverBucketList(): void {
    const p = this.p;
    for (;;) {
      const t = p.peek();
      if (t.typ === T.SPACE || t.typ === T.RIGHT_BRACKET) return;
      if (t.typ === T.EOF || t.typ === T.ERROR) p.fail();
      p.next();
    }
  }

  private build(desc: Map<string, DescValue>): FloatHistogram {
    const num = (k: string, d: number) => (desc.has(k) ? (desc.get(k) as number) : d);
    const arr = (k: string) => (desc.has(k) ? (desc.get(k) as number[]) : []);
    this.lastHintSet = desc.has('counter_reset_hint');
    const h: FloatHistogram = {
      counterResetHint: (desc.get('counter_reset_hint') as CounterResetHint | undefined) ?? 'unknown',
      schema: num('schema', 0),
      zeroThreshold: num('z_bucket_w', 0),
      zeroCount: num('z_bucket', 0),
      count: num('count', 0),
      sum: num('sum', 0),
      positiveSpans: [],
      negativeSpans: [],
      positiveBuckets: arr('buckets'),
      negativeBuckets: arr('n_buckets'),
    };
    if (desc.has('custom_values')) h.customValues = arr('custom_values');
    if (h.positiveBuckets.length > 0) h.positiveSpans = [{ offset: num('offset', 0), length: h.positiveBuckets.length }];
    if (h.negativeBuckets.length > 0) h.negativeSpans = [{ offset: num('n_offset', 0), length: h.negativeBuckets.length }];
    return h;
  }
}

/**
 * parseSeriesDesc parses a series description, e.g. `http_requests{job="api"} 1+2x3 _ stale`,
 * into its labels and expanded values (Prometheus's ParseSeriesDesc). Throws ParseErrors.
 */
export function parseSeriesDesc(input: string, opts: SeriesDescOptions = {}): SeriesDesc {
  return new SeriesParser(input, opts).parse();
}

/** StartTimestampError is a malformed `@st` line (the message is promqltest's). */
export class StartTimestampError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartTimestampError';
  }
}

/** isStartTimestampLine reports whether a load-block line is an `@st` line (`metric{...}@st <seq>`). */
export function isStartTimestampLine(line: string): boolean {
  const l = line.trim();
  const sp = l.search(/[ \t]/);
  if (sp < 0) return false;
  return l.slice(0, sp).endsWith('@st');
}

/** StartTimestampLine is a parsed `@st` line: the series and, per step, an offset in ms or null. */
export interface StartTimestampLine {
  labels: Labels;
  offsets: Array<number | null>;
}

function parseDurationPrefix(s: string): { ms: number; rest: string } {
  if (s === '') throw new StartTimestampError('empty duration');
  let i = 0;
  let negative = false;
  if (s[0] === '-') {
    negative = true;
    i++;
  } else if (s[0] === '+') {
    i++;
  }
  const start = i;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
  if (i === start) throw new StartTimestampError(`expected digits in duration ${goQuote(s)}`);
  while (i < s.length && /[a-zA-Z]/.test(s[i]!) && s[i] !== 'x') i++;
  let ns: bigint;
  try {
    ns = parseModelDuration(s.slice(start, i));
  } catch (e) {
    if (!(e instanceof GoNumberError)) throw e;
    throw new StartTimestampError(`invalid duration ${goQuote(s.slice(start, i))}: ${e.message}`);
  }
  const ms = Number(ns / 1_000_000n);
  return { ms: negative ? -ms : ms, rest: s.slice(i) };
}

function parseRepeat(s: string, allowZero: boolean): number {
  if (!/^[0-9]+$/.test(s)) throw new StartTimestampError('invalid repeat count');
  const n = Number(s);
  if (!allowZero && n === 0) throw new StartTimestampError('invalid repeat count');
  if (n > 1_000_000) throw new StartTimestampError('invalid repeat count');
  return n;
}

function parseSTItem(item: string): Array<number | null> {
  if (item === '_') return [null];
  if (item.startsWith('_x')) return new Array<number | null>(parseRepeat(item.slice(2), false)).fill(null);
  const { ms: base, rest } = parseDurationPrefix(item);
  if (rest === '') return [base];
  if (rest[0] === 'x') return new Array<number | null>(parseRepeat(rest.slice(1), true) + 1).fill(base);
  if (rest[0] !== '+' && rest[0] !== '-') throw new StartTimestampError(`unexpected character ${goQuote(rest[0]!).replace(/^"|"$/g, "'")} after duration`);
  let delta: number;
  let rest2: string;
  try {
    ({ ms: delta, rest: rest2 } = parseDurationPrefix(rest.slice(1)));
  } catch (e) {
    throw new StartTimestampError(`invalid step duration: ${(e as Error).message}`);
  }
  if (rest[0] === '-') delta = -delta;
  if (rest2 === '' || rest2[0] !== 'x') throw new StartTimestampError("expected 'x<count>' after step duration");
  const n = parseRepeat(rest2.slice(1), true);
  const out: number[] = [];
  let off = base;
  for (let i = 0; i <= n; i++) {
    out.push(off);
    off += delta;
  }
  return out;
}

/**
 * parseStartTimestampLine parses an `@st` line of a load block: `metric{labels}@st <items>`,
 * items `_`, `_xN`, `<dur>`, `<dur>xN`, `<dur>+<dur>xN`, `<dur>-<dur>xN`, durations signed. Each
 * value is the start timestamp's offset in ms relative to the sample's own timestamp.
 */
export function parseStartTimestampLine(line: string): StartTimestampLine {
  const l = line.trim();
  const sp = l.search(/[ \t]/);
  if (sp < 0) throw new StartTimestampError('invalid @st line: missing value sequence');
  const metricPart = l.slice(0, sp).replace(/@st$/, '');
  const valsPart = l.slice(sp + 1).trim();
  let labels: Labels;
  try {
    labels = parseSeriesDesc(metricPart + ' _').labels;
  } catch (e) {
    throw new StartTimestampError(`invalid @st line metric ${goQuote(metricPart)}: ${e instanceof ParseError ? e.format() : String(e)}`);
  }
  const offsets: Array<number | null> = [];
  for (const item of valsPart.split(/\s+/).filter((x) => x !== '')) {
    try {
      for (const v of parseSTItem(item)) offsets.push(v);
    } catch (e) {
      throw new StartTimestampError(`invalid @st sequence: invalid ST item ${goQuote(item)}: ${(e as Error).message}`);
    }
  }
  return { labels, offsets };
}
