import { describe, expect, it } from 'vitest';
import { createParser, Entry, ExpositionError, forEachOpenMetricsSample, OpenMetricsParser, ProtobufParser, selectMediaType } from '../../src/common/textparse/index';
import { OM_INVALID, OM_VALID, TEXT_INVALID, TEXT_VALID } from './corpus';
import type { InvalidCase, ValidCase } from './corpus';
import { OM, parseAll, TEXT } from './dump';

function body(c: ValidCase | InvalidCase): string | Uint8Array {
  return typeof c.body === 'string' ? c.body : Uint8Array.from(c.body);
}

function runValid(cases: ValidCase[], ct: string): void {
  for (const c of cases) {
    it(`accepts: ${c.name}`, () => {
      const out = parseAll(body(c), ct);
      expect(out.error?.message ?? null).toBeNull();
      expect(out.entries).toEqual(c.entries);
      // The same body given as bytes parses identically.
      if (typeof c.body === 'string') expect(parseAll(Buffer.from(c.body), ct).entries).toEqual(c.entries);
    });
  }
}

function runInvalid(cases: InvalidCase[], ct: string): void {
  for (const c of cases) {
    it(`rejects at ${c.line}:${c.column}: ${c.name}`, () => {
      const out = parseAll(body(c), ct);
      expect(out.error, 'expected an error').toBeInstanceOf(ExpositionError);
      const e = out.error!;
      expect(e.detail).toContain(c.message);
      expect([e.line, e.column]).toEqual([c.line, c.column]);
      expect(e.message).toBe(`line ${c.line}, column ${c.column}: ${e.detail}`);
      expect(out.entries).toEqual(c.before ?? []);
    });
  }
}

describe('Prometheus text format', () => {
  runValid(TEXT_VALID, TEXT);
  runInvalid(TEXT_INVALID, TEXT);

  it('keeps leading blanks in the metric name, as Prometheus does', () => {
    const p = createParser('  foo 1\n', TEXT);
    expect(p.next()).toBe(Entry.Series);
    expect(p.metricName()).toBe('  foo');
    expect(p.series()).toBe('  foo');
  });

  it('exposes the raw series text as the cache key and label accessors by position', () => {
    const p = createParser('m{b="2",a="x\\ny"} 1 5\n', TEXT);
    expect(p.next()).toBe(Entry.Series);
    expect(p.series()).toBe('m{b="2",a="x\\ny"}');
    expect(p.labelCount()).toBe(2);
    expect([p.labelName(0), p.labelValue(0), p.labelName(1), p.labelValue(1)]).toEqual(['b', '2', 'a', 'x\ny']);
    expect(p.timestamp()).toBe(5);
    expect(p.line()).toBe(1);
    expect(p.next()).toBe(Entry.EOF);
    expect(p.next()).toBe(Entry.EOF);
  });

  it('reports entry line numbers', () => {
    const p = createParser('# HELP a x\n\na 1\n\n\nb{c="d\ne"} 2\nf 3\n', TEXT);
    const lines: number[] = [];
    for (let e = p.next(); e !== Entry.EOF; e = p.next()) lines.push(p.line());
    expect(lines).toEqual([1, 3, 6, 8]);
  });

  it('stops for good after an error', () => {
    const p = createParser('a 1\nb x\nc 3\n', TEXT);
    expect(p.next()).toBe(Entry.Series);
    expect(() => p.next()).toThrow(ExpositionError);
    expect(p.next()).toBe(Entry.EOF);
  });
});

describe('OpenMetrics 1.0', () => {
  runValid(OM_VALID, OM);
  runInvalid(OM_INVALID, OM);

  it('finds the _created timestamp of counters, histograms and summaries', () => {
    const text = [
      '# TYPE foo counter',
      'foo_total{a="b"} 1',
      'foo_total{a="c"} 2',
      'foo_created{a="c"} 1000.5',
      '# TYPE h histogram',
      'h_bucket{x="1",le="1"} 1',
      'h_bucket{x="1",le="+Inf"} 2',
      'h_count{x="1"} 2',
      'h_sum{x="1"} 2',
      'h_created{x="1"} 7',
      '# TYPE g gauge',
      'g 1',
      '# EOF',
    ].join('\n');
    const p = createParser(text, OM);
    const got: string[] = [];
    for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
      if (e === Entry.Series) got.push(`${p.series()} ${p.createdTimestamp()}`);
    }
    expect(got).toEqual([
      'foo_total{a="b"} null',
      'foo_total{a="c"} 1000500',
      'foo_created{a="c"} 1000500',
      'h_bucket{x="1",le="1"} 7000',
      'h_bucket{x="1",le="+Inf"} 7000',
      'h_count{x="1"} 7000',
      'h_sum{x="1"} 7000',
      'h_created{x="1"} 7000',
      'g null',
    ]);
  });

  it('enforces OpenMetrics sample names of typed families in strict mode only', () => {
    const strictErr = (text: string): string | null => {
      const p = new OpenMetricsParser(text, null, { strict: true });
      try {
        while (p.next() !== Entry.EOF);
        return null;
      } catch (e) {
        return (e as ExpositionError).message;
      }
    };
    // Prometheus accepts a counter sample without _total; strict OpenMetrics does not.
    const bare = '# TYPE foo counter\nfoo 1\n# EOF\n';
    expect(createParser(bare, 'application/openmetrics-text').next()).toBe(Entry.Type);
    expect(strictErr(bare)).toBe('line 2, column 1: sample "foo" is not valid in counter family "foo", expected one of: foo_total, foo_created');
    expect(strictErr('# TYPE foo counter\nfoo_total 1\nfoo_created 2\nfoo_other 3\n# EOF\n')).toBeNull();
    expect(strictErr('# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 2\nh_gsum 3\n# EOF\n')).toBe('line 5, column 1: sample "h_gsum" is not valid in histogram family "h", expected one of: h_bucket, h_count, h_sum, h_created');
    expect(strictErr('# TYPE h histogram\nh_bucket 1\n# EOF\n')).toBe('line 2, column 1: sample "h_bucket" of histogram family "h" lacks the le label');
    expect(strictErr('# TYPE s summary\ns 1\n# EOF\n')).toContain('lacks the quantile label');
    expect(strictErr('# TYPE i info\ni 1\n# EOF\n')).toContain('expected one of: i_info');
    expect(strictErr('# TYPE st stateset\nst{st="a"} 1\nst{x="b"} 0\n# EOF\n')).toBe('line 3, column 1: sample "st" of stateset family "st" lacks the "st" label');
    expect(strictErr('# TYPE g gaugehistogram\ng_bucket{le="+Inf"} 1\ng_gcount 1\ng_gsum 1\n# EOF\n')).toBeNull();
  });

  it('skips _created series on request', () => {
    const text = '# TYPE foo counter\nfoo_total 1\nfoo_created 5\n# TYPE g gauge\ng_created 1\n# EOF\n';
    const names: string[] = [];
    const p = new OpenMetricsParser(text, null, { skipCreatedSeries: true });
    for (let e = p.next(); e !== Entry.EOF; e = p.next()) if (e === Entry.Series) names.push(p.metricName());
    expect(names).toEqual(['foo_total', 'g_created']);
  });
});

describe('content negotiation', () => {
  it('chooses the parser by media type, ignoring parameters and case', () => {
    expect(createParser('a 1\n', 'text/plain; version=0.0.4; charset=utf-8').constructor.name).toBe('PromTextParser');
    expect(createParser('# EOF\n', 'Application/OpenMetrics-Text; version=1.0.0').constructor.name).toBe('OpenMetricsParser');
    expect(createParser('a 1\n', 'text/plain;version=1.0.0;escaping=allow-utf-8').constructor.name).toBe('PromTextParser');
  });

  it('rejects blank, unparsable and unsupported types without a fallback, as Prometheus 3', () => {
    expect(() => createParser('a 1\n', '')).toThrow(/blank Content-Type and no fallback_scrape_protocol/);
    expect(() => createParser('a 1\n', 'text/')).toThrow(/cannot parse Content-Type/);
    expect(() => createParser('a 1\n', 'text/html; charset=utf-8')).toThrow(/unsupported Content-Type "text\/html; charset=utf-8"/);
  });

  it('selects the protobuf parser for the protobuf media type (a text body is then a bad protobuf message)', () => {
    const p = createParser('a 1\n', 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited');
    expect(p).toBeInstanceOf(ProtobufParser);
    expect(() => p.next()).toThrow(/protobuf exposition, byte 0: .*insufficient length of buffer/);
  });

  it('uses the fallback with a warning', () => {
    const warnings: string[] = [];
    expect(selectMediaType('', 'text/plain', (w) => warnings.push(w))).toBe('text/plain');
    expect(selectMediaType('text/html', 'application/openmetrics-text', (w) => warnings.push(w))).toBe('application/openmetrics-text');
    expect(selectMediaType('text/plain; =x', 'text/plain', (w) => warnings.push(w))).toBe('text/plain');
    expect(warnings).toHaveLength(3);
    expect(warnings[1]).toContain('received unsupported Content-Type "text/html"');
  });
});

describe('OpenMetrics import helper', () => {
  it('reads samples with timestamps in file order', () => {
    const text = '# TYPE m gauge\nm{a="1"} 1 10\nm{a="2"} 2 10.5\nm{a="1"} 3 20\n# EOF\n';
    const seen: string[] = [];
    const stats = forEachOpenMetricsSample(Buffer.from(text), (s) => seen.push(`${s.labels.map((l) => l.value).join(',')} ${s.t} ${s.v} ${s.line}`), { lineNumbers: true });
    expect(seen).toEqual(['m,1 10000 1 2', 'm,2 10500 2 3', 'm,1 20000 3 4']);
    expect(stats).toEqual({ samples: 3, series: 2, minTime: 10000, maxTime: 20000 });
  });

  it('rejects a sample without timestamp, naming its line', () => {
    const text = 'm 1 10\nm 2\n# EOF\n';
    expect(() => forEachOpenMetricsSample(text, () => {})).toThrow('line 2, column 1: expected timestamp for series m, got none');
  });

  it('rejects a file without # EOF', () => {
    expect(() => forEachOpenMetricsSample('m 1 10\n', () => {})).toThrow(/line 2, column 1: data does not end with # EOF/);
  });
});
