/**
 * The protobuf exposition parser: entries, names, labels, values and timestamps as Prometheus's
 * textparse.ProtobufParser presents them (classic view), errors with byte offsets, and a fuzz
 * run over mutated messages. The bodies are built by the small encoder in pbwire.ts.
 */
import { describe, expect, it } from 'vitest';
import { labelsToString } from '../../src/common/model/labels';
import { createParser, Entry, ExpositionError } from '../../src/common/textparse/index';
import type { Parser } from '../../src/common/textparse/index';
import { mulberry32 } from '../../src/common/util/random';
import { delimited, family, type PbFamily } from './pbwire';

const PROTO = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/** dump renders every entry of a protobuf body as a line, the way the text corpus tests do. */
function dump(body: Uint8Array): string[] {
  const p = createParser(body, PROTO);
  const out: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const e = p.next();
    if (e === Entry.EOF) return out;
    out.push(line(p, e));
  }
  throw new Error('parser did not end');
}

function line(p: Parser, e: Entry): string {
  switch (e) {
    case Entry.Help:
      return `HELP ${p.family()} ${p.help()}`;
    case Entry.Type:
      return `TYPE ${p.family()} ${p.type()}`;
    case Entry.Unit:
      return `UNIT ${p.family()} ${p.unit()}`;
    case Entry.Series: {
      let s = `${labelsToString(p.labels())} ${p.value()}`;
      const ts = p.timestamp();
      if (ts !== null) s += ` @${ts}`;
      const ct = p.createdTimestamp();
      if (ct !== null) s += ` ct=${ct}`;
      const ex = p.exemplar();
      if (ex !== null) s += ` # ${labelsToString(ex.labels)} ${ex.value}${ex.timestamp !== null ? ` @${ex.timestamp}` : ''}`;
      return s;
    }
    default:
      return `? ${e}`;
  }
}

const body = (...fams: PbFamily[]): Uint8Array => delimited(fams.map(family));

describe('protobuf exposition', () => {
  it('presents counters, gauges and untyped metrics with HELP, UNIT and TYPE entries', () => {
    const b = body(
      {
        name: 'http_requests_total',
        help: 'Requests.',
        type: 0,
        metric: [
          { label: [{ name: 'code', value: '200' }, { name: 'method', value: 'GET' }], counter: { value: 1027, exemplar: { label: [{ name: 'trace_id', value: 'abc' }], value: 1, timestamp: { seconds: 1700000000, nanos: 500_000_000 } }, startTimestamp: { seconds: 1600000000 } } },
          { label: [{ name: 'code', value: '500' }], counter: { value: 3 }, timestampMs: 1700000000123 },
        ],
      },
      { name: 'temperature', help: '', type: 1, unit: 'celsius', metric: [{ label: [{ name: 'city', value: 'Zürich' }], gauge: { value: -21.5 } }] },
      { name: 'mystery', type: 3, metric: [{ untyped: { value: NaN } }, { label: [{ name: 'a', value: 'b' }], untyped: { value: -Infinity }, timestampMs: -5 }] },
    );
    expect(dump(b)).toEqual([
      'HELP http_requests_total Requests.',
      'TYPE http_requests_total counter',
      'http_requests_total{code="200", method="GET"} 1027 ct=1600000000000 # {trace_id="abc"} 1 @1700000000500',
      'http_requests_total{code="500"} 3 @1700000000123',
      'HELP temperature ',
      'UNIT temperature celsius',
      'TYPE temperature gauge',
      'temperature{city="Zürich"} -21.5',
      'HELP mystery ',
      'TYPE mystery unknown',
      'mystery NaN',
      'mystery{a="b"} -Infinity @-5',
    ]);
  });

  it('presents summaries as _count, _sum and quantile series', () => {
    const b = body(
      {
        name: 'rpc_seconds',
        help: 'RPC latency.',
        type: 2,
        metric: [
          { label: [{ name: 'svc', value: 'a' }], summary: { sampleCount: 20, sampleSum: 10, quantile: [{ quantile: 0.5, value: 0.1 }, { quantile: 1, value: 0.5 }], startTimestamp: { seconds: 10, nanos: 7_000_000 } } },
          { label: [{ name: 'svc', value: 'b' }], summary: { sampleCount: 0, sampleSum: 0 } },
        ],
      },
    );
    expect(dump(b)).toEqual([
      'HELP rpc_seconds RPC latency.',
      'TYPE rpc_seconds summary',
      'rpc_seconds_count{svc="a"} 20 ct=10007',
      'rpc_seconds_sum{svc="a"} 10 ct=10007',
      'rpc_seconds{quantile="0.5", svc="a"} 0.1 ct=10007',
      'rpc_seconds{quantile="1.0", svc="a"} 0.5 ct=10007',
      'rpc_seconds_count{svc="b"} 0',
      'rpc_seconds_sum{svc="b"} 0',
    ]);
  });

  it('presents classic histograms with _bucket series, adding +Inf when missing, and ignores native parts', () => {
    const b = body(
      {
        name: 'latency_seconds',
        help: 'Latency.',
        type: 4,
        metric: [
          {
            histogram: {
              sampleCount: 9,
              sampleSum: 4.2,
              bucket: [
                { cumulativeCount: 5, upperBound: 0.1, exemplar: { label: [{ name: 'id', value: 'x' }], value: 0.05 } },
                { cumulativeCount: 8, upperBound: 1 },
              ],
            },
          },
          {
            label: [{ name: 'path', value: '/' }],
            histogram: { sampleCount: 2, sampleCountFloat: 2.5, sampleSum: 1, bucket: [{ cumulativeCount: 1, cumulativeCountFloat: 1.5, upperBound: 1 }, { cumulativeCount: 2, upperBound: Infinity }] },
          },
          // native-only: schema, zero bucket and spans; the classic view has _count, _sum and +Inf
          { label: [{ name: 'path', value: '/native' }], histogram: { sampleCount: 4, sampleSum: 2, schema: 3, zeroThreshold: 1e-128, zeroCount: 1, positiveSpan: [{ offset: -2, length: 2 }], positiveDelta: [1, 1] } },
        ],
      },
      { name: 'queue', type: 5, metric: [{ histogram: { sampleCount: 4, sampleSum: 17, bucket: [{ cumulativeCount: 3, upperBound: 10 }] } }] },
    );
    expect(dump(b)).toEqual([
      'HELP latency_seconds Latency.',
      'TYPE latency_seconds histogram',
      'latency_seconds_count 9',
      'latency_seconds_sum 4.2',
      'latency_seconds_bucket{le="0.1"} 5 # {id="x"} 0.05',
      'latency_seconds_bucket{le="1.0"} 8',
      'latency_seconds_bucket{le="+Inf"} 9',
      'latency_seconds_count{path="/"} 2.5',
      'latency_seconds_sum{path="/"} 1',
      'latency_seconds_bucket{le="1.0", path="/"} 1.5',
      'latency_seconds_bucket{le="+Inf", path="/"} 2',
      'latency_seconds_count{path="/native"} 4',
      'latency_seconds_sum{path="/native"} 2',
      'latency_seconds_bucket{le="+Inf", path="/native"} 4',
      'HELP queue ',
      'TYPE queue gaugehistogram',
      'queue_count 4',
      'queue_sum 17',
      'queue_bucket{le="10.0"} 3',
      'queue_bucket{le="+Inf"} 4',
    ]);
  });

  it('keys series uniquely, exposes labels by position, skips empty families and unknown fields', () => {
    const b = delimited([
      family({ name: 'empty', type: 1, metric: [] }),
      // an unknown field (number 99, a varint) inside the family and inside the metric
      [...family({ name: 'g', type: 1, metric: [{ label: [{ name: 'b', value: '2' }, { name: 'a', value: '1' }], gauge: { value: 1 }, extra: true }] }), 0x98, 0x06, 0x01],
    ]);
    const p = createParser(b, PROTO);
    expect(p.next()).toBe(Entry.Help);
    expect(p.family()).toBe('g');
    expect(p.next()).toBe(Entry.Type);
    expect(p.next()).toBe(Entry.Series);
    expect(p.series()).toBe('g\xffb\xff2\xffa\xff1');
    expect(p.metricName()).toBe('g');
    expect(p.labelCount()).toBe(2);
    expect([p.labelName(0), p.labelValue(0), p.labelName(1)]).toEqual(['b', '2', 'a']);
    expect(p.currentType()).toBe('gauge');
    expect(p.next()).toBe(Entry.EOF);
    expect(p.next()).toBe(Entry.EOF);
  });

  it('stops for good after an error', () => {
    const good = family({ name: 'g', type: 1, metric: [{ gauge: { value: 1 } }] });
    const p = createParser(delimited([good, [0x0a, 0x01, 0x78, 0x23], good]), PROTO);
    expect([p.next(), p.next(), p.next()]).toEqual([Entry.Help, Entry.Type, Entry.Series]);
    expect(() => p.next()).toThrow(ExpositionError);
    expect(p.next()).toBe(Entry.EOF);
  });

  it('parses an empty body as an empty exposition', () => {
    expect(dump(new Uint8Array(0))).toEqual([]);
  });

  const bad: [string, Uint8Array, RegExp][] = [
    ['a truncated family', body({ name: 'x', type: 1, metric: [{ gauge: { value: 1 } }] }).subarray(0, 8), /byte 0: .*insufficient length of buffer/],
    ['a length prefix longer than 5 bytes', Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), /invalid varint length prefix/],
    ['an unknown metric type', body({ name: 'x', type: 9, metric: [{ gauge: { value: 1 } }] }), /unknown metric type for metric "x": 9/],
    ['an empty metric name', body({ name: '', type: 1, metric: [{ gauge: { value: 1 } }] }), /invalid metric name/],
    ['invalid UTF-8 in a label value', body({ name: 'x', type: 1, metric: [{ label: [{ name: 'a', value: '\u0000BAD' }], gauge: { value: 1 } }] }).map((c, i, a) => (i > 0 && a[i - 1] === 0 && c === 0x42 ? 0xff : c)), /invalid UTF-8/],
    ['an empty label name', body({ name: 'x', type: 1, metric: [{ label: [{ name: '', value: 'v' }], gauge: { value: 1 } }] }), /empty label name/],
    ['a wrong wire type', delimited([[0x0a, 0x01, 0x78, 0x18, 0x01, 0x22, 0x02, 0x10, 0x00]]), /wrong wire type 0 for field Metric value/],
    ['a group wire type', delimited([[0x0a, 0x01, 0x78, 0x23]]), /unsupported wire type 3/],
  ];
  for (const [name, b, re] of bad) {
    it(`rejects ${name} with a positioned ExpositionError`, () => {
      let err: unknown = null;
      try {
        dump(b);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ExpositionError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).toMatch(/^protobuf exposition, byte \d+: /);
    });
  }

  it('turns any mutation of valid bodies into entries or an ExpositionError, quickly', () => {
    const seeds = [
      body({ name: 'c_total', help: 'h', type: 0, metric: [{ label: [{ name: 'a', value: 'b' }], counter: { value: 1, exemplar: { label: [{ name: 't', value: 'x' }], value: 2 } } }] }),
      body({ name: 's', type: 2, metric: [{ summary: { sampleCount: 3, sampleSum: 1, quantile: [{ quantile: 0.9, value: 1 }] } }] }),
      body({ name: 'h', type: 4, metric: [{ histogram: { sampleCount: 3, sampleSum: 1, bucket: [{ cumulativeCount: 1, upperBound: 1 }], schema: 1, positiveSpan: [{ offset: 0, length: 1 }], positiveDelta: [3] } }] }),
    ];
    const r = mulberry32(424242);
    const deadline = Date.now() + 2000;
    let runs = 0;
    let errors = 0;
    while (Date.now() < deadline) {
      const s = seeds[Math.floor(r() * seeds.length)]!;
      const b = Array.from(s);
      const n = 1 + Math.floor(r() * 4);
      for (let k = 0; k < n; k++) {
        const pos = Math.floor(r() * b.length);
        const op = Math.floor(r() * 3);
        if (op === 0) b[pos] = Math.floor(r() * 256);
        else if (op === 1) b.splice(pos, 1 + Math.floor(r() * 4));
        else b.splice(pos, 0, ...b.slice(Math.floor(r() * b.length), Math.floor(r() * b.length)));
      }
      const t0 = performance.now();
      try {
        dump(Uint8Array.from(b));
      } catch (e) {
        if (!(e instanceof ExpositionError)) throw new Error(`non-exposition error ${String(e)} for input ${JSON.stringify(b)}`);
        errors++;
      }
      expect(performance.now() - t0).toBeLessThan(500);
      runs++;
    }
    expect(runs).toBeGreaterThan(500);
    expect(errors).toBeGreaterThan(0);
  });
});
