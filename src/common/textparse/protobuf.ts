/**
 * ProtobufParser: the Prometheus protobuf exposition (`application/vnd.google.protobuf;
 * proto=io.prometheus.client.MetricFamily;encoding=delimited`, a stream of varint-length-prefixed
 * MetricFamily messages, client_model's metrics.proto) presented as the same pull parser as the
 * text formats, with the entries Prometheus's textparse.ProtobufParser produces:
 *
 * - per non-empty family: HELP (always), UNIT (when set), TYPE, then its series;
 * - counter, gauge, untyped: one series per metric;
 * - summary: `_count`, `_sum`, then one series per quantile (`quantile` label);
 * - histogram and gauge histogram, classic view: `_count`, `_sum`, then one `_bucket` series per
 *   bucket (`le` label) up to the first `+Inf` bucket, and a `+Inf` bucket with the count when the
 *   message has none. Native-histogram fields are ignored (Prometheus with native histograms not
 *   scraped: a native-only histogram still yields `_count`, `_sum` and the `+Inf` bucket).
 *
 * Timestamps of 0 mean "none" (proto3 cannot tell them apart), as upstream. start_timestamp is
 * the created timestamp; exemplars come from counters and classic buckets.
 *
 * Errors are ExpositionErrors whose position is the byte offset in the body (line 0): truncated or
 * oversized messages, bad wire types, invalid UTF-8, invalid names and unknown metric types.
 */
import type { Label, Labels } from '../model/labels';
import { formatOpenMetricsFloat, MetricName } from '../model/labels';
import { decodeBody } from '../util/go/utf8';
import { Entry, ExpositionError } from './types';
import type { Exemplar, MetricType, Parser } from './types';

/** The MetricType enum of metrics.proto. */
const enum PbType {
  Counter = 0,
  Gauge = 1,
  Summary = 2,
  Untyped = 3,
  Histogram = 4,
  GaugeHistogram = 5,
}

const TYPE_NAMES: readonly MetricType[] = ['counter', 'gauge', 'summary', 'unknown', 'histogram', 'gaugehistogram'];

interface PbExemplar {
  labels: Label[];
  value: number;
  timestamp: number | null;
}

interface PbBucket {
  count: number;
  countFloat: number;
  upperBound: number;
  exemplar: PbExemplar | null;
}

/** PbMetric is one decoded Metric message (only the fields the classic view needs). */
interface PbMetric {
  labels: Label[];
  /** The value of a gauge, counter or untyped metric. */
  value: number;
  timestampMs: number;
  startMs: number | null;
  exemplar: PbExemplar | null;
  sampleCount: number;
  sampleCountFloat: number;
  sampleSum: number;
  quantiles: { quantile: number; value: number }[];
  buckets: PbBucket[];
}

/** Wire types of the protobuf encoding. */
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

const TWO32 = 4294967296;

/**
 * Reader decodes protobuf wire data from bytes[pos..end). Every read checks its bounds and throws
 * an ExpositionError naming the byte offset.
 */
class Reader {
  pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly view: DataView,
    start: number,
    public end: number,
    private readonly where: { family: string },
    private readonly what: string,
  ) {
    this.pos = start;
  }

  fail(detail: string, at = this.pos): never {
    const what = this.what === '' ? this.where.family : `${this.where.family}, ${this.what}`;
    throw new ExpositionError(`protobuf exposition, byte ${at}: ${what}: ${detail}`, 0, 0, at);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /**
   * varint reads an unsigned varint of up to 64 bits as a number: exact below 2^53, rounded above.
   * hi receives the upper 32 bits (for int64 sign handling).
   */
  varint(): number {
    const b = this.bytes;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    const start = this.pos;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.fail('truncated varint', start);
      if (i >= 10) this.fail('varint longer than 10 bytes', start);
      const c = b[this.pos++]!;
      if (shift < 28) {
        lo |= (c & 0x7f) << shift;
      } else if (shift === 28) {
        lo |= (c & 0x0f) << 28;
        hi |= (c & 0x7f) >>> 4;
      } else {
        hi |= (c & 0x7f) << (shift - 32);
      }
      shift += 7;
      if (c < 0x80) break;
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return (hi >>> 0) * TWO32 + (lo >>> 0);
  }

  /** hi and lo are the upper and lower 32 bits of the last varint. */
  hi = 0;
  lo = 0;

  /** int64 reads a varint as a two's complement int64. */
  int64(): number {
    const u = this.varint();
    // negative: -(2^64 - u), computed on the halves so small magnitudes stay exact
    return this.hi >= 0x80000000 ? -((0xffffffff - this.hi) * TWO32 + (TWO32 - this.lo)) : u;
  }

  double(): number {
    if (this.pos + 8 > this.end) this.fail('truncated double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** len reads a length prefix and returns the end offset of the bytes it announces. */
  len(): number {
    const at = this.pos;
    const n = this.varint();
    if (n > this.end - this.pos) this.fail(`length ${n} runs past the end of the enclosing message`, at);
    return this.pos + n;
  }

  string(): string {
    const end = this.len();
    const at = this.pos;
    const b = this.bytes;
    // Names and label values are mostly short ASCII: build those directly; anything else goes
    // through the UTF-8 decoder, which also finds invalid sequences.
    let ascii = end - at <= 64;
    if (ascii) {
      for (let i = at; i < end; i++) {
        if (b[i]! >= 0x80) {
          ascii = false;
          break;
        }
      }
    }
    let text: string;
    if (ascii) {
      text = '';
      for (let i = at; i < end; i++) text += String.fromCharCode(b[i]!);
    } else {
      const d = decodeBody(b.subarray(at, end));
      if (d.invalid !== null) this.fail('invalid UTF-8 in a string', at);
      text = d.text;
    }
    this.pos = end;
    return text;
  }

  /** tag reads a field tag; returns the field number and sets wire. */
  tag(): number {
    const at = this.pos;
    const t = this.varint();
    this.wire = t % 8;
    const field = Math.floor(t / 8);
    if (field <= 0) this.fail(`illegal field number ${field}`, at);
    if (this.wire === 3 || this.wire === 4 || this.wire === 6 || this.wire === 7) this.fail(`unsupported wire type ${this.wire}`, at);
    return field;
  }

  wire = 0;

  expect(wire: number, field: string): void {
    if (this.wire !== wire) this.fail(`wrong wire type ${this.wire} for field ${field}`);
  }

  skip(): void {
    switch (this.wire) {
      case VARINT:
        this.varint();
        return;
      case I64:
        if (this.pos + 8 > this.end) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case LEN:
        this.pos = this.len();
        return;
      case I32:
        if (this.pos + 4 > this.end) this.fail('truncated fixed32');
        this.pos += 4;
        return;
    }
  }

  /**
   * labelPair reads a length-delimited LabelPair in place (no sub-reader: labels are the most
   * frequent message).
   */
  labelPair(): Label {
    const end = this.len();
    const outer = this.end;
    this.end = end;
    const at = this.pos;
    let name = '';
    let value = '';
    while (this.pos < end) {
      const f = this.tag();
      if (f === 1) {
        this.expect(LEN, 'LabelPair.name');
        name = this.string();
      } else if (f === 2) {
        this.expect(LEN, 'LabelPair.value');
        value = this.string();
      } else this.skip();
    }
    if (name === '') this.fail('empty label name', at);
    this.end = outer;
    return { name, value };
  }

  /** sub returns a reader over the length-delimited field at the current position and skips it. */
  sub(what: string): Reader {
    const end = this.len();
    const r = new Reader(this.bytes, this.view, this.pos, end, this.where, what);
    this.pos = end;
    return r;
  }
}

function readTimestampMs(r: Reader): number {
  let seconds = 0;
  let nanos = 0;
  while (!r.done()) {
    const f = r.tag();
    if (f === 1 && r.wire === VARINT) seconds = r.int64();
    else if (f === 2 && r.wire === VARINT) nanos = r.int64();
    else r.skip();
  }
  return seconds * 1000 + Math.trunc(nanos / 1_000_000);
}

function readExemplar(r: Reader): PbExemplar {
  const ex: PbExemplar = { labels: [], value: 0, timestamp: null };
  while (!r.done()) {
    const f = r.tag();
    if (f === 1) {
      r.expect(LEN, 'Exemplar.label');
      ex.labels.push(r.labelPair());
    } else if (f === 2) {
      r.expect(I64, 'Exemplar.value');
      ex.value = r.double();
    } else if (f === 3) {
      r.expect(LEN, 'Exemplar.timestamp');
      ex.timestamp = readTimestampMs(r.sub('exemplar timestamp'));
    } else r.skip();
  }
  ex.labels.sort(byName);
  return ex;
}

/** readSimple reads Gauge, Counter or Untyped (value = 1; counters: exemplar = 2, start_timestamp = 3). */
function readSimple(r: Reader, m: PbMetric): void {
  while (!r.done()) {
    const f = r.tag();
    if (f === 1) {
      r.expect(I64, 'value');
      m.value = r.double();
    } else if (f === 2 && r.wire === LEN) {
      m.exemplar = readExemplar(r.sub('counter exemplar'));
    } else if (f === 3 && r.wire === LEN) {
      m.startMs = readTimestampMs(r.sub('counter start timestamp'));
    } else r.skip();
  }
}

function readSummary(r: Reader, m: PbMetric): void {
  while (!r.done()) {
    const f = r.tag();
    if (f === 1) {
      r.expect(VARINT, 'Summary.sample_count');
      m.sampleCount = r.varint();
    } else if (f === 2) {
      r.expect(I64, 'Summary.sample_sum');
      m.sampleSum = r.double();
    } else if (f === 3) {
      r.expect(LEN, 'Summary.quantile');
      const q = r.sub('quantile');
      const e = { quantile: 0, value: 0 };
      while (!q.done()) {
        const g = q.tag();
        if (g === 1 && q.wire === I64) e.quantile = q.double();
        else if (g === 2 && q.wire === I64) e.value = q.double();
        else q.skip();
      }
      m.quantiles.push(e);
    } else if (f === 4 && r.wire === LEN) {
      m.startMs = readTimestampMs(r.sub('summary start timestamp'));
    } else r.skip();
  }
}

function readHistogram(r: Reader, m: PbMetric): void {
  while (!r.done()) {
    const f = r.tag();
    switch (f) {
      case 1:
        r.expect(VARINT, 'Histogram.sample_count');
        m.sampleCount = r.varint();
        break;
      case 2:
        r.expect(I64, 'Histogram.sample_sum');
        m.sampleSum = r.double();
        break;
      case 3: {
        r.expect(LEN, 'Histogram.bucket');
        const q = r.sub('bucket');
        const b: PbBucket = { count: 0, countFloat: 0, upperBound: 0, exemplar: null };
        while (!q.done()) {
          const g = q.tag();
          if (g === 1 && q.wire === VARINT) b.count = q.varint();
          else if (g === 2 && q.wire === I64) b.upperBound = q.double();
          else if (g === 3 && q.wire === LEN) b.exemplar = readExemplar(q.sub('bucket exemplar'));
          else if (g === 4 && q.wire === I64) b.countFloat = q.double();
          else q.skip();
        }
        m.buckets.push(b);
        break;
      }
      case 4:
        r.expect(I64, 'Histogram.sample_count_float');
        m.sampleCountFloat = r.double();
        break;
      case 15:
        r.expect(LEN, 'Histogram.start_timestamp');
        m.startMs = readTimestampMs(r.sub('histogram start timestamp'));
        break;
      default:
        // Native-histogram fields (schema, zero bucket, spans, deltas, counts, exemplars) are
        // not part of the classic view; they are still walked so malformed data is reported.
        r.skip();
    }
  }
}

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function readMetric(r: Reader, type: PbType): PbMetric {
  const m: PbMetric = {
    labels: [],
    value: 0,
    timestampMs: 0,
    startMs: null,
    exemplar: null,
    sampleCount: 0,
    sampleCountFloat: 0,
    sampleSum: 0,
    quantiles: [],
    buckets: [],
  };
  while (!r.done()) {
    const f = r.tag();
    switch (f) {
      case 1:
        r.expect(LEN, 'Metric.label');
        m.labels.push(r.labelPair());
        break;
      case 2:
      case 3:
      case 5:
        r.expect(LEN, 'Metric value');
        // Only the field matching the family's type is read, as the generated Get* accessors do.
        if ((f === 2 && type === PbType.Gauge) || (f === 3 && type === PbType.Counter) || (f === 5 && type === PbType.Untyped)) readSimple(r.sub('metric value'), m);
        else r.skip();
        break;
      case 4:
        r.expect(LEN, 'Metric.summary');
        if (type === PbType.Summary) readSummary(r.sub('summary'), m);
        else r.skip();
        break;
      case 6:
        r.expect(VARINT, 'Metric.timestamp_ms');
        m.timestampMs = r.int64();
        break;
      case 7:
        r.expect(LEN, 'Metric.histogram');
        if (type === PbType.Histogram || type === PbType.GaugeHistogram) readHistogram(r.sub('histogram'), m);
        else r.skip();
        break;
      default:
        r.skip();
    }
  }
  return m;
}

/** ProtobufParser is the pull parser over a delimited protobuf exposition body. */
export class ProtobufParser implements Parser {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** where names the family being read, for error messages. */
  private readonly where = { family: '' };
  private pos = 0;
  private familyIndex = 0;

  // the current family
  private name = '';
  private helpText = '';
  private unitText = '';
  private pbType = PbType.Untyped;
  private fam: Reader | null = null;
  private metric: PbMetric | null = null;

  /** -2: _count, -1: _sum, >= 0: quantile or bucket index (classic view of summaries and histograms). */
  private fieldPos = -2;
  private fieldsDone = false;
  private state: Entry | -1 = -1;
  private ended = false;

  // the current series
  private curName = '';
  private curValue = 0;
  private exposed: Label[] = [];
  private sorted: Labels | null = null;
  private key = '';
  private curExemplar: PbExemplar | null = null;

  constructor(body: Uint8Array) {
    this.bytes = body;
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  next(): Entry {
    if (this.ended) return Entry.EOF;
    try {
      return this.advance();
    } catch (e) {
      // Like the text parsers, stop for good after an error.
      this.ended = true;
      throw e;
    }
  }

  private advance(): Entry {
    switch (this.state) {
      case -1:
        return this.nextFamily();
      case Entry.Help:
        this.state = this.unitText !== '' ? Entry.Unit : Entry.Type;
        return this.state;
      case Entry.Unit:
        this.state = Entry.Type;
        return this.state;
      case Entry.Type:
        this.state = Entry.Series;
        this.fieldPos = -2;
        this.fieldsDone = false;
        this.updateSeries();
        return Entry.Series;
      default: {
        if (this.isComplex() && !this.fieldsDone) {
          this.fieldPos++;
          this.updateSeries();
          return Entry.Series;
        }
        this.fieldPos = -2;
        this.fieldsDone = false;
        if (!this.nextMetric()) return this.nextFamily();
        this.updateSeries();
        return Entry.Series;
      }
    }
  }

  private isComplex(): boolean {
    const t = this.pbType;
    return t === PbType.Summary || t === PbType.Histogram || t === PbType.GaugeHistogram;
  }

  /** nextMetric decodes the family's next Metric; false at the end of the family. */
  private nextMetric(): boolean {
    const f = this.fam!;
    while (!f.done()) {
      const field = f.tag();
      if (field === 4) {
        f.expect(LEN, 'MetricFamily.metric');
        this.metric = readMetric(f.sub('metric'), this.pbType);
        return true;
      }
      f.skip();
    }
    return false;
  }

  private nextFamily(): Entry {
    const b = this.bytes;
    for (;;) {
      if (this.pos >= b.length) {
        this.ended = true;
        this.state = Entry.EOF;
        return Entry.EOF;
      }
      this.familyIndex++;
      const at = this.pos;
      // An empty message (a zero length prefix) is an empty family: skip it cheaply.
      if (b[at] === 0) {
        this.pos = at + 1;
        continue;
      }
      this.where.family = `metric family #${this.familyIndex}`;
      const outer = new Reader(b, this.view, this.pos, b.length, this.where, '');
      const lenBytesStart = outer.pos;
      const n = outer.varint();
      if (outer.pos - lenBytesStart > 5) outer.fail('invalid varint length prefix', at);
      if (n > b.length - outer.pos) outer.fail(`insufficient length of buffer, expected at least ${outer.pos - at + n} bytes, got ${b.length - at} bytes`, at);
      const start = outer.pos;
      const end = start + n;
      this.pos = end;
      // First pass: the family's scalar fields (they may follow the metrics on the wire).
      const r = new Reader(b, this.view, start, end, this.where, '');
      let name = '';
      let help = '';
      let unit = '';
      let type = 0;
      let metrics = 0;
      while (!r.done()) {
        const f = r.tag();
        if (f === 1) {
          r.expect(LEN, 'MetricFamily.name');
          name = r.string();
        } else if (f === 2) {
          r.expect(LEN, 'MetricFamily.help');
          help = r.string();
        } else if (f === 3) {
          r.expect(VARINT, 'MetricFamily.type');
          type = r.int64();
        } else if (f === 5) {
          r.expect(LEN, 'MetricFamily.unit');
          unit = r.string();
        } else {
          if (f === 4) {
            r.expect(LEN, 'MetricFamily.metric');
            metrics++;
          }
          r.skip();
        }
      }
      // Families without metrics are skipped, as upstream does.
      if (metrics === 0) continue;
      if (name === '') r.fail('invalid metric name: empty', start);
      if (type < 0 || type > 5) r.fail(`unknown metric type for metric ${JSON.stringify(name)}: ${type}`, start);
      this.name = name;
      this.helpText = help;
      this.unitText = unit;
      this.pbType = type as PbType;
      this.where.family = `metric family ${JSON.stringify(name)}`;
      this.fam = new Reader(b, this.view, start, end, this.where, '');
      this.nextMetric();
      this.state = Entry.Help;
      return Entry.Help;
    }
  }

  /** updateSeries sets the current series from the current metric and fieldPos. */
  private updateSeries(): void {
    const m = this.metric!;
    const t = this.pbType;
    let name = this.name;
    let value = m.value;
    let magic: Label | null = null;
    this.curExemplar = t === PbType.Counter ? m.exemplar : null;
    if (t === PbType.Summary) {
      if (this.fieldPos === -2) {
        name += '_count';
        value = m.sampleCount;
      } else if (this.fieldPos === -1) {
        name += '_sum';
        value = m.sampleSum;
        if (m.quantiles.length === 0) this.fieldsDone = true;
      } else {
        const q = m.quantiles[this.fieldPos]!;
        value = q.value;
        magic = { name: 'quantile', value: formatOpenMetricsFloat(q.quantile) };
        this.fieldsDone = this.fieldPos === m.quantiles.length - 1;
      }
    } else if (t === PbType.Histogram || t === PbType.GaugeHistogram) {
      const count = m.sampleCountFloat > 0 ? m.sampleCountFloat : m.sampleCount;
      if (this.fieldPos === -2) {
        name += '_count';
        value = count;
      } else if (this.fieldPos === -1) {
        name += '_sum';
        value = m.sampleSum;
      } else {
        name += '_bucket';
        const bb = m.buckets;
        if (this.fieldPos >= bb.length) {
          value = count;
          magic = { name: 'le', value: '+Inf' };
          this.fieldsDone = true;
        } else {
          const bk = bb[this.fieldPos]!;
          value = bk.countFloat > 0 ? bk.countFloat : bk.count;
          magic = { name: 'le', value: formatOpenMetricsFloat(bk.upperBound) };
          this.fieldsDone = bk.upperBound === Infinity;
          this.curExemplar = bk.exemplar;
        }
      }
    }
    this.curName = name;
    this.curValue = value;
    const exposed = magic === null ? m.labels : [...m.labels, magic];
    this.exposed = exposed;
    this.sorted = null;
    // The cache key, like the text formats' raw series text, follows the exposition order.
    let key = name;
    for (let i = 0; i < exposed.length; i++) key += '\xff' + exposed[i]!.name + '\xff' + exposed[i]!.value;
    this.key = key;
  }

  series(): string {
    return this.key;
  }
  metricName(): string {
    return this.curName;
  }
  labels(): Labels {
    if (this.sorted === null) {
      const sorted: Label[] = [{ name: MetricName, value: this.curName }, ...this.exposed];
      sorted.sort(byName);
      this.sorted = sorted;
    }
    return this.sorted;
  }
  labelCount(): number {
    return this.exposed.length;
  }
  labelName(i: number): string {
    return this.exposed[i]!.name;
  }
  labelValue(i: number): string {
    return this.exposed[i]!.value;
  }
  value(): number {
    return this.curValue;
  }
  timestamp(): number | null {
    const ts = this.metric!.timestampMs;
    return ts !== 0 ? ts : null;
  }
  exemplar(): Exemplar | null {
    const e = this.curExemplar;
    return e === null ? null : { labels: e.labels, value: e.value, timestamp: e.timestamp };
  }
  createdTimestamp(): number | null {
    return this.metric?.startMs ?? null;
  }
  currentType(): MetricType {
    return TYPE_NAMES[this.pbType]!;
  }
  family(): string {
    return this.name;
  }
  help(): string {
    return this.helpText;
  }
  type(): MetricType {
    return TYPE_NAMES[this.pbType]!;
  }
  unit(): string {
    return this.unitText;
  }
  comment(): string {
    return '';
  }
  line(): number {
    return 0;
  }
}
