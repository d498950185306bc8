import { describe, expect, it } from 'vitest';
import { labelsFromRecord } from '../../src/common/model/labels';
import { Relabeler } from '../../src/main/relabel/index';
import { ScrapeLoop } from '../../src/main/scrape/loop';
import { ScrapeError } from '../../src/main/scrape/scraper';
import { Target } from '../../src/main/scrape/target';
import { MemStorage } from './memstore';
import { harness, makeTarget, OM_CT, reportAt, ScriptedScraper } from './helpers';

const T1 = 1_700_000_000_000;
const T2 = T1 + 10_000;
const T3 = T2 + 10_000;

describe('scrape loop: samples and report series', () => {
  it('stores samples with the target labels and the five report series, in one commit', async () => {
    const h = harness();
    h.scraper.text('# TYPE a counter\na_total{x="1"} 5\nb 2.5\n');
    await h.scrape(T1);
    expect(h.store.at(T1)).toMatchObject({
      'a_total{instance="host:1", job="test", x="1"}': 5,
      'b{instance="host:1", job="test"}': 2.5,
    });
    const r = reportAt(h.store, T1);
    expect(r).toMatchObject({ up: 1, scrape_samples_scraped: 2, scrape_samples_post_metric_relabeling: 2, scrape_series_added: 2 });
    expect(r.scrape_duration_seconds).toBeGreaterThanOrEqual(0);
    expect(h.store.commits).toBe(1);
    expect(h.store.appenders).toBe(1);
    expect(h.target.health).toBe('up');
    expect(h.target.lastError).toBe('');
    expect(h.target.lastScrape).toBe(T1);
    expect(h.loop.cache.listMetadata()).toEqual([{ metric: 'a', type: 'counter', help: '', unit: '' }]);
  });

  it('counts new series only once and reports them as scrape_series_added', async () => {
    const h = harness();
    h.scraper.text('a 1\nb 2\n');
    await h.scrape(T1);
    h.scraper.text('a 1\nb 2\nc 3\n');
    await h.scrape(T2);
    expect(reportAt(h.store, T2)).toMatchObject({ up: 1, scrape_samples_scraped: 3, scrape_series_added: 1 });
  });

  it('finds cached series when the exposition order changes', async () => {
    const h = harness();
    h.scraper.text('a 1\nb 2\nc 3\n');
    await h.scrape(T1);
    h.scraper.text('c 4\na 5\nd 6\n');
    await h.scrape(T2);
    expect(reportAt(h.store, T2)).toMatchObject({ up: 1, scrape_series_added: 1 });
    expect(h.store.at(T2)).toMatchObject({ 'a{instance="host:1", job="test"}': 5, 'b{instance="host:1", job="test"}': 'stale', 'c{instance="host:1", job="test"}': 4, 'd{instance="host:1", job="test"}': 6 });
    h.scraper.text('a 7\nc 8\nd 9\n');
    await h.scrape(T3);
    expect(reportAt(h.store, T3)).toMatchObject({ up: 1, scrape_series_added: 0 });
    expect(h.store.at(T3)['b{instance="host:1", job="test"}']).toBeUndefined();
  });

  it('reports extra scrape metrics when enabled', async () => {
    const h = harness({ reportExtraMetrics: true, sampleLimit: 50, timeout: 3_000 });
    h.scraper.text('a 1\n');
    await h.scrape(T1);
    const at = h.store.at(T1);
    expect(at['scrape_timeout_seconds{instance="host:1", job="test"}']).toBe(3);
    expect(at['scrape_sample_limit{instance="host:1", job="test"}']).toBe(50);
    expect(at['scrape_body_size_bytes{instance="host:1", job="test"}']).toBe(4);
  });
});

describe('scrape loop: staleness', () => {
  it('marks series that vanish from a scrape stale at that scrape', async () => {
    const h = harness();
    h.scraper.text('a 1\nb 2\n');
    await h.scrape(T1);
    h.scraper.text('a 3\n');
    await h.scrape(T2);
    expect(h.store.at(T2)).toMatchObject({ 'a{instance="host:1", job="test"}': 3, 'b{instance="host:1", job="test"}': 'stale' });
    h.scraper.text('a 4\n');
    await h.scrape(T3);
    expect(h.store.at(T3)['b{instance="host:1", job="test"}']).toBeUndefined();
  });

  it('marks every series stale when the scrape fails, with up=0 and the error on the target', async () => {
    const h = harness();
    h.scraper.text('a 1\nb 2\n');
    await h.scrape(T1);
    h.scraper.next = new ScrapeError('server returned HTTP status 500 Internal Server Error');
    await h.scrape(T2);
    expect(h.store.at(T2)).toMatchObject({ 'a{instance="host:1", job="test"}': 'stale', 'b{instance="host:1", job="test"}': 'stale' });
    expect(reportAt(h.store, T2)).toMatchObject({ up: 0, scrape_samples_scraped: 0, scrape_samples_post_metric_relabeling: 0, scrape_series_added: 0 });
    expect(h.target.health).toBe('down');
    expect(h.target.lastError).toBe('server returned HTTP status 500 Internal Server Error');
    // The next successful scrape brings the series back and writes no second marker.
    h.scraper.text('a 5\n');
    await h.scrape(T3);
    expect(h.store.at(T3)).toMatchObject({ 'a{instance="host:1", job="test"}': 5 });
    expect(h.store.at(T3)['b{instance="host:1", job="test"}']).toBeUndefined();
    expect(h.target.health).toBe('up');
  });

  it('treats an empty body as an empty scrape: everything stale, up=1', async () => {
    const h = harness();
    h.scraper.text('a 1\n');
    await h.scrape(T1);
    h.scraper.text('');
    await h.scrape(T2);
    expect(h.store.at(T2)['a{instance="host:1", job="test"}']).toBe('stale');
    expect(reportAt(h.store, T2).up).toBe(1);
  });

  it('does not mark series with explicit timestamps stale, unless track_timestamps_staleness', async () => {
    for (const track of [false, true]) {
      const h = harness({ trackTimestampsStaleness: track });
      h.scraper.text(`a 1 ${T1 - 500}\nb 2\n`);
      await h.scrape(T1);
      expect(h.store.get('a{instance="host:1", job="test"}')).toEqual([{ t: T1 - 500, v: 1 }]);
      h.scraper.text('');
      await h.scrape(T2);
      const a = h.store.at(T2)['a{instance="host:1", job="test"}'];
      expect(a).toBe(track ? 'stale' : undefined);
      expect(h.store.at(T2)['b{instance="host:1", job="test"}']).toBe('stale');
    }
  });

  it('ignores exposed timestamps when honor_timestamps is false', async () => {
    const h = harness({ honorTimestamps: false });
    h.scraper.text(`a 1 ${T1 - 500}\n`);
    await h.scrape(T1);
    expect(h.store.get('a{instance="host:1", job="test"}')).toEqual([{ t: T1, v: 1 }]);
  });

  it('writes stale markers two intervals after a loop stops, and none after a shutdown', async () => {
    for (const mode of ['stop', 'shutdown'] as const) {
      const store = new MemStorage();
      const scraper = new ScriptedScraper();
      scraper.text('a 1\n');
      const loop = new ScrapeLoop({
        target: makeTarget(),
        scraper,
        appendable: store,
        interval: 60,
        timeout: 50,
        sampleLimit: 0,
        labelLimit: 0,
        labelNameLengthLimit: 0,
        labelValueLengthLimit: 0,
        honorLabels: false,
        honorTimestamps: true,
        trackTimestampsStaleness: false,
        metricRelabeler: new Relabeler([]),
        validationScheme: 'utf8',
        fallbackMediaType: '',
        reportExtraMetrics: false,
        logger: () => {},
        skipOffsetting: true,
      });
      loop.start();
      await new Promise((r) => setTimeout(r, 100));
      if (mode === 'stop') await loop.stop();
      else await loop.shutdown();
      const scrapes = scraper.calls;
      expect(scrapes).toBeGreaterThanOrEqual(1);
      await loop.finished();
      expect(scraper.calls).toBe(scrapes);
      const last = store.lastValues();
      if (mode === 'stop') {
        expect(last['a{instance="host:1", job="test"}']).toBe('stale');
        expect(last['up{instance="host:1", job="test"}']).toBe('stale');
      } else {
        expect(last['a{instance="host:1", job="test"}']).toBe(1);
        expect(last['up{instance="host:1", job="test"}']).toBe(1);
      }
    }
  });
});

describe('scrape loop: target labels', () => {
  it('renames conflicting exposed labels to exported_<name>, prefixing again while taken', async () => {
    const h = harness();
    h.scraper.text('a{job="exposed",instance="i",exported_job="x",other="o"} 1\n');
    await h.scrape(T1);
    // job conflicts; exported_job is exposed too, so the exposed job becomes exported_exported_job.
    expect(h.store.seriesWithSamples()).toContain('a{exported_exported_job="exposed", exported_instance="i", exported_job="x", instance="host:1", job="test", other="o"}');
  });

  it('keeps exposed labels with honor_labels, adding only missing target labels', async () => {
    const h = harness({ honorLabels: true });
    h.scraper.text('a{job="exposed"} 1\n');
    await h.scrape(T1);
    expect(h.store.seriesWithSamples()).toContain('a{instance="host:1", job="exposed"}');
  });

  it('report series always carry the target labels', async () => {
    const h = harness({ honorLabels: true, targetLabels: { env: 'prod' } });
    h.scraper.text('up{job="x"} 0\n');
    await h.scrape(T1);
    const at = h.store.at(T1);
    expect(at['up{env="prod", instance="host:1", job="test"}']).toBe(1);
    expect(at['up{env="prod", instance="host:1", job="x"}']).toBe(0);
  });
});

describe('scrape loop: metric relabeling', () => {
  it('drops and rewrites series after target labels are attached, not the report series', async () => {
    const h = harness({
      mrc: [
        { sourceLabels: ['__name__'], regex: 'go_.*', action: 'drop' },
        { sourceLabels: ['job'], targetLabel: 'source_job' },
        { sourceLabels: ['__name__'], regex: 'up', action: 'drop' },
      ],
    });
    h.scraper.text('go_goroutines 5\nhttp_requests_total 7\n');
    await h.scrape(T1);
    expect(h.store.at(T1)).toMatchObject({ 'http_requests_total{instance="host:1", job="test", source_job="test"}': 7, 'up{instance="host:1", job="test"}': 1 });
    expect(h.store.seriesWithSamples().some((s) => s.startsWith('go_goroutines'))).toBe(false);
    expect(reportAt(h.store, T1)).toMatchObject({ scrape_samples_scraped: 2, scrape_samples_post_metric_relabeling: 1, scrape_series_added: 1 });
    // Dropped series are remembered: the next scrape does not relabel them again, same counts.
    await h.scrape(T2);
    expect(reportAt(h.store, T2)).toMatchObject({ scrape_samples_scraped: 2, scrape_samples_post_metric_relabeling: 1, scrape_series_added: 0 });
  });

  it('fails the scrape when relabeling removes the metric name', async () => {
    const h = harness({ mrc: [{ regex: '__name__', action: 'labeldrop' }] });
    h.scraper.text('a 1\n');
    await h.scrape(T1);
    expect(h.target.lastError).toBe('missing metric name (__name__ label)');
    expect(reportAt(h.store, T1).up).toBe(0);
  });
});

describe('scrape loop: limits', () => {
  it('sample_limit fails the whole scrape, reports the true count and stores nothing from it', async () => {
    const h = harness({ sampleLimit: 4 });
    h.scraper.text('metric_a 10\nmetric_b 10\nmetric_c 10\nmetric_d 10\n');
    await h.scrape(T1);
    expect(reportAt(h.store, T1)).toMatchObject({ up: 1, scrape_samples_scraped: 4 });
    h.scraper.text('metric_a 20\nmetric_b 20\nmetric_c 20\nmetric_d 20\nmetric_e 999\n');
    await h.scrape(T2);
    expect(h.target.lastError).toBe('sample limit exceeded');
    expect(reportAt(h.store, T2)).toMatchObject({ up: 0, scrape_samples_scraped: 5, scrape_samples_post_metric_relabeling: 5, scrape_series_added: 0 });
    const at = h.store.at(T2);
    // Nothing of the failed scrape is stored, and (as in Prometheus) the series still within the
    // limit are not marked stale either.
    expect(Object.keys(at).filter((k) => k.startsWith('metric_'))).toEqual([]);
    expect(h.store.rollbacks).toBe(1);
    h.scraper.text('metric_a 30\nmetric_b 30\nmetric_c 30\nmetric_d 30\n');
    await h.scrape(T3);
    expect(reportAt(h.store, T3)).toMatchObject({ up: 1, scrape_samples_scraped: 4 });
    expect(h.store.at(T3)['metric_a{instance="host:1", job="test"}']).toBe(30);
  });

  it('sample_limit counts samples after metric relabeling', async () => {
    const h = harness({ sampleLimit: 1, mrc: [{ sourceLabels: ['__name__'], regex: 'drop_.*', action: 'drop' }] });
    h.scraper.text('keep 1\ndrop_a 2\ndrop_b 3\n');
    await h.scrape(T1);
    expect(reportAt(h.store, T1)).toMatchObject({ up: 1, scrape_samples_scraped: 3, scrape_samples_post_metric_relabeling: 1 });
  });

  // The target labels count too: __name__, instance="host:1" and job="test" (3 labels, names up to 8
  // bytes, values up to 6 bytes) fit every limit below.
  const limitCases: [string, Record<string, number>, string, string][] = [
    ['label_limit', { labelLimit: 3 }, 'a{x="1",y="2"} 1\n', 'label_limit exceeded (metric: a, number of labels: 5, limit: 3)'],
    ['label_name_length_limit', { labelNameLengthLimit: 8 }, 'a{long_name="1"} 1\n', 'label_name_length_limit exceeded (metric: a, label name: long_name, length: 9, limit: 8)'],
    ['label_value_length_limit counts UTF-8 bytes', { labelValueLengthLimit: 6 }, 'a{x="éééé"} 1\n', 'label_value_length_limit exceeded (metric: a, label name: x, value: "éééé", length: 8, limit: 6)'],
  ];
  for (const [name, limits, body, msg] of limitCases) {
    it(`${name} fails the scrape with Prometheus's error`, async () => {
      const h = harness(limits);
      h.scraper.text('b 1\nc 1\n');
      await h.scrape(T1);
      expect(reportAt(h.store, T1).up).toBe(1);
      h.scraper.text('b 2\n' + body);
      await h.scrape(T2);
      expect(h.target.lastError).toBe(msg);
      expect(reportAt(h.store, T2).up).toBe(0);
      // Nothing of the failed scrape is stored. As in Prometheus, series appended before the
      // failure (b) are not marked stale; series not reached (c) are.
      expect(h.store.at(T2)['b{instance="host:1", job="test"}']).toBeUndefined();
      expect(h.store.at(T2)['c{instance="host:1", job="test"}']).toBe('stale');
    });
  }

  it('a forced error (target_limit) fails scrapes without fetching and marks series stale', async () => {
    const h = harness();
    h.scraper.text('a 1\n');
    await h.scrape(T1);
    h.loop.setForcedError(new Error('target_limit exceeded (number of targets: 3, limit: 2)'));
    await h.scrape(T2);
    expect(h.scraper.calls).toBe(1);
    expect(h.target.lastError).toBe('target_limit exceeded (number of targets: 3, limit: 2)');
    expect(h.store.at(T2)).toMatchObject({ 'a{instance="host:1", job="test"}': 'stale', 'up{instance="host:1", job="test"}': 0 });
  });
});

describe('scrape loop: bad expositions', () => {
  it('a parse error fails the scrape with line and column, rolls back and marks series stale', async () => {
    const h = harness();
    h.scraper.text('a 1\nb 2\n');
    await h.scrape(T1);
    h.scraper.text('a 3\nb{x="1" 2\n');
    await h.scrape(T2);
    expect(h.target.lastError).toBe('line 2, column 9: expected label name, got "2" (INVALID) while parsing: "b{x=\\"1\\" 2"');
    // a was parsed (and rolled back) before the error: as in Prometheus it gets no marker; b does.
    expect(h.store.at(T2)['a{instance="host:1", job="test"}']).toBeUndefined();
    expect(h.store.at(T2)['b{instance="host:1", job="test"}']).toBe('stale');
    expect(reportAt(h.store, T2)).toMatchObject({ up: 0, scrape_samples_scraped: 1 });
  });

  it('invalid UTF-8 is reported with its position', async () => {
    const h = harness();
    h.scraper.next = { body: Buffer.from([...Buffer.from('ok 1\nbad{v="'), 0xff, ...Buffer.from('"} 1\n')]), contentType: 'text/plain' };
    await h.scrape(T1);
    expect(h.target.lastError).toMatch(/^line 2, column 8: invalid UTF-8 label value/);
    expect(reportAt(h.store, T1).up).toBe(0);
  });

  it('duplicate series keep the first sample and are reported, the scrape succeeds', async () => {
    const h = harness();
    h.scraper.text('a{x="1"} 1\na{x="1"} 2\na{x="2",y="3"} 3\na{y="3",x="2"} 4\n');
    await h.scrape(T1);
    expect(h.store.at(T1)).toMatchObject({ 'a{instance="host:1", job="test", x="1"}': 1, 'a{instance="host:1", job="test", x="2", y="3"}': 3 });
    expect(reportAt(h.store, T1)).toMatchObject({ up: 1, scrape_samples_scraped: 4, scrape_samples_post_metric_relabeling: 4, scrape_series_added: 2 });
    expect(h.loop.stats.duplicates).toBe(2);
    expect(h.logs.some((l) => l.level === 'warn' && l.msg === 'Error on ingesting samples with different value but same timestamp' && l.fields?.num_dropped === 2)).toBe(true);
    // Also on the second scrape, when the series are cached.
    await h.scrape(T2);
    expect(h.loop.stats.duplicates).toBe(4);
  });

  it('a label name exposed twice fails the scrape', async () => {
    const h = harness();
    h.scraper.text('a{x="1",x="2"} 1\n');
    await h.scrape(T1);
    expect(h.target.lastError).toBe('label name "x" is not unique: invalid sample');
  });

  it('rejects an unsupported content type unless a fallback protocol is set', async () => {
    const h = harness();
    h.scraper.text('a 1\n', 'text/html');
    await h.scrape(T1);
    expect(h.target.lastError).toBe('received unsupported Content-Type "text/html" and no fallback_scrape_protocol specified for target');
    const h2 = harness({ fallbackMediaType: 'text/plain' });
    h2.scraper.text('a 1\n', '');
    await h2.scrape(T1);
    expect(h2.target.lastError).toBe('');
    expect(h2.store.at(T1)['a{instance="host:1", job="test"}']).toBe(1);
  });

  it('parses OpenMetrics bodies, including _created series as ordinary series', async () => {
    const h = harness();
    h.scraper.text('# TYPE c counter\nc_total 3\nc_created 1700000000\n# EOF\n', OM_CT);
    await h.scrape(T1);
    expect(h.store.at(T1)).toMatchObject({ 'c_total{instance="host:1", job="test"}': 3, 'c_created{instance="host:1", job="test"}': 1_700_000_000 });
  });
});

describe('scrape loop: storage errors', () => {
  it('drops out-of-order samples and still succeeds; other storage errors fail the scrape', async () => {
    const h = harness();
    h.scraper.text(`a 1 ${T1}\n`);
    await h.scrape(T1);
    h.scraper.text(`a 2 ${T1 - 1000}\nb 1\n`);
    await h.scrape(T2);
    expect(h.loop.stats.outOfOrder).toBe(1);
    expect(reportAt(h.store, T2).up).toBe(1);
    h.store.reject = { name: 'b', kind: 'io' };
    h.scraper.text('b 2\n');
    await h.scrape(T3);
    expect(h.target.lastError).toBe('rejected b');
  });

  it('drops samples more than 10 minutes in the future', async () => {
    const h = harness();
    h.scraper.text(`a 1 ${T1 + 11 * 60_000}\nb 1\n`);
    await h.scrape(T1);
    expect(h.loop.stats.outOfBounds).toBe(1);
    expect(h.store.seriesWithSamples().some((s) => s.startsWith('a{'))).toBe(false);
  });
});

describe('targets', () => {
  it('spread loops over the interval with a stable per-target offset', () => {
    const mk = (addr: string): Target => new Target(labelsFromRecord({ __address__: addr, job: 'j', instance: addr, __scheme__: 'http', __metrics_path__: '/metrics' }), [], {});
    const a = mk('a:1');
    const b = mk('b:1');
    const now = 1_700_000_000_123;
    const offA = a.offset(10_000, 0, now);
    expect(offA).toBe(mk('a:1').offset(10_000, 0, now));
    expect(offA).toBeGreaterThanOrEqual(0);
    expect(offA).toBeLessThanOrEqual(10_000);
    // The first scrape lands on the same phase whenever the loop starts.
    expect((now + offA) % 10_000).toBe((now + 3_333 + a.offset(10_000, 0, now + 3_333)) % 10_000);
    const phases = new Set(Array.from({ length: 50 }, (_, i) => (now + mk(`h${i}:9100`).offset(10_000, 0, now)) % 10_000));
    expect(phases.size).toBeGreaterThan(45);
    expect(b.offset(10_000, 0, now)).not.toBe(offA);
  });
});
