/**
 * A small protobuf encoder for client_model's MetricFamily (metrics.proto), for building test
 * bodies of the protobuf exposition. Zero values are omitted as proto3 encoders do.
 */

export interface PbTimestamp {
  seconds: number;
  nanos?: number;
}
export interface PbLabel {
  name: string;
  value: string;
}
export interface PbExemplar {
  label: PbLabel[];
  value: number;
  timestamp?: PbTimestamp;
}
export interface PbMetric {
  label?: PbLabel[];
  gauge?: { value: number };
  untyped?: { value: number };
  counter?: { value: number; exemplar?: PbExemplar; startTimestamp?: PbTimestamp };
  summary?: { sampleCount: number; sampleSum: number; quantile?: { quantile: number; value: number }[]; startTimestamp?: PbTimestamp };
  histogram?: {
    sampleCount: number;
    sampleCountFloat?: number;
    sampleSum: number;
    bucket?: { cumulativeCount: number; cumulativeCountFloat?: number; upperBound: number; exemplar?: PbExemplar }[];
    startTimestamp?: PbTimestamp;
    schema?: number;
    zeroThreshold?: number;
    zeroCount?: number;
    positiveSpan?: { offset: number; length: number }[];
    positiveDelta?: number[];
  };
  timestampMs?: number;
  /** extra appends an unknown varint field (number 99), which parsers must skip. */
  extra?: boolean;
}
export interface PbFamily {
  name: string;
  help?: string;
  type: number;
  unit?: string;
  metric: PbMetric[];
}

type Bytes = number[];

function varint(out: Bytes, v: number | bigint): void {
  let x = BigInt.asUintN(64, BigInt(v));
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x !== 0n) b |= 0x80;
    out.push(b);
  } while (x !== 0n);
}

function tag(out: Bytes, field: number, wire: number): void {
  varint(out, field * 8 + wire);
}

function uint(out: Bytes, field: number, v: number | undefined): void {
  if (!v) return;
  tag(out, field, 0);
  varint(out, v);
}

function sint(out: Bytes, field: number, v: number | undefined): void {
  if (!v) return;
  tag(out, field, 0);
  varint(out, v >= 0 ? 2 * v : -2 * v - 1);
}

function double(out: Bytes, field: number, v: number | undefined): void {
  if (v === undefined || (v === 0 && !Object.is(v, -0))) return;
  tag(out, field, 1);
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  out.push(...b);
}

function bytes(out: Bytes, field: number, b: Bytes): void {
  tag(out, field, 2);
  varint(out, b.length);
  out.push(...b);
}

function str(out: Bytes, field: number, s: string | undefined): void {
  if (!s) return;
  bytes(out, field, Array.from(Buffer.from(s, 'utf8')));
}

function timestamp(t: PbTimestamp): Bytes {
  const o: Bytes = [];
  uint(o, 1, t.seconds);
  uint(o, 2, t.nanos);
  return o;
}

function labelPair(l: PbLabel): Bytes {
  const o: Bytes = [];
  str(o, 1, l.name);
  str(o, 2, l.value);
  return o;
}

function exemplar(e: PbExemplar): Bytes {
  const o: Bytes = [];
  for (const l of e.label) bytes(o, 1, labelPair(l));
  double(o, 2, e.value);
  if (e.timestamp) bytes(o, 3, timestamp(e.timestamp));
  return o;
}

function metric(m: PbMetric): Bytes {
  const o: Bytes = [];
  for (const l of m.label ?? []) bytes(o, 1, labelPair(l));
  if (m.gauge) {
    const g: Bytes = [];
    double(g, 1, m.gauge.value);
    bytes(o, 2, g);
  }
  if (m.counter) {
    const c: Bytes = [];
    double(c, 1, m.counter.value);
    if (m.counter.exemplar) bytes(c, 2, exemplar(m.counter.exemplar));
    if (m.counter.startTimestamp) bytes(c, 3, timestamp(m.counter.startTimestamp));
    bytes(o, 3, c);
  }
  if (m.summary) {
    const s: Bytes = [];
    uint(s, 1, m.summary.sampleCount);
    double(s, 2, m.summary.sampleSum);
    for (const q of m.summary.quantile ?? []) {
      const qb: Bytes = [];
      double(qb, 1, q.quantile);
      double(qb, 2, q.value);
      bytes(s, 3, qb);
    }
    if (m.summary.startTimestamp) bytes(s, 4, timestamp(m.summary.startTimestamp));
    bytes(o, 4, s);
  }
  if (m.untyped) {
    const u: Bytes = [];
    double(u, 1, m.untyped.value);
    bytes(o, 5, u);
  }
  if (m.timestampMs) {
    tag(o, 6, 0);
    varint(o, m.timestampMs);
  }
  if (m.histogram) {
    const h = m.histogram;
    const hb: Bytes = [];
    uint(hb, 1, h.sampleCount);
    double(hb, 2, h.sampleSum);
    for (const b of h.bucket ?? []) {
      const bb: Bytes = [];
      uint(bb, 1, b.cumulativeCount);
      double(bb, 2, b.upperBound);
      if (b.exemplar) bytes(bb, 3, exemplar(b.exemplar));
      double(bb, 4, b.cumulativeCountFloat);
      bytes(hb, 3, bb);
    }
    double(hb, 4, h.sampleCountFloat);
    sint(hb, 5, h.schema);
    double(hb, 6, h.zeroThreshold);
    uint(hb, 7, h.zeroCount);
    for (const sp of h.positiveSpan ?? []) {
      const sb: Bytes = [];
      sint(sb, 1, sp.offset);
      uint(sb, 2, sp.length);
      bytes(hb, 12, sb);
    }
    if (h.positiveDelta) {
      const d: Bytes = [];
      for (const x of h.positiveDelta) varint(d, x >= 0 ? 2 * x : -2 * x - 1);
      bytes(hb, 13, d);
    }
    if (h.startTimestamp) bytes(hb, 15, timestamp(h.startTimestamp));
    bytes(o, 7, hb);
  }
  if (m.extra) uint(o, 99, 1);
  return o;
}

/** family encodes a MetricFamily message (without its length prefix). */
export function family(f: PbFamily): Bytes {
  const o: Bytes = [];
  str(o, 1, f.name);
  str(o, 2, f.help);
  uint(o, 3, f.type);
  for (const m of f.metric) bytes(o, 4, metric(m));
  str(o, 5, f.unit);
  return o;
}

/** delimited joins messages, each behind its varint length, as the delimited encoding does. */
export function delimited(messages: Bytes[]): Uint8Array {
  const o: Bytes = [];
  for (const m of messages) {
    varint(o, m.length);
    o.push(...m);
  }
  return Uint8Array.from(o);
}
