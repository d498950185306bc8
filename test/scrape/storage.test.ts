/**
 * Integration: scrape loops appending through the real storage (openStorage(':memory:')): samples
 * with target labels, report series, stale markers, rolled-back failed scrapes, and duplicates
 * rejected by the store, and series deleted under the scrape cache (which keeps refs, not labels).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { labelsToString } from '../../src/common/model/labels';
import { Matcher } from '../../src/common/model/matcher';
import { isStaleNaN } from '../../src/common/model/value';
import { Relabeler } from '../../src/main/relabel/index';
import { ScrapeLoop } from '../../src/main/scrape/loop';
import { openStorage } from '../../src/main/storage/index';
import type { StorageEngine } from '../../src/main/storage/index';
import { ValueType } from '../../src/main/storage/interface';
import { makeTarget, ScriptedScraper } from './helpers';

const T1 = 1_700_000_000_000;
const T2 = T1 + 10_000;
const T3 = T2 + 10_000;

let db: StorageEngine | null = null;
afterEach(() => {
  db?.close();
  db = null;
});

function loopOver(store: StorageEngine, scraper: ScriptedScraper, sampleLimit = 0): { loop: ScrapeLoop; setNow: (t: number) => void } {
  let now = T1;
  const loop = new ScrapeLoop({
    target: makeTarget(),
    scraper,
    appendable: store,
    interval: 10_000,
    timeout: 10_000,
    sampleLimit,
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
    now: () => now,
    skipOffsetting: true,
  });
  return { loop, setNow: (t) => (now = t) };
}

/** dump returns every series in the store with its samples ("stale" for markers). */
function dump(store: StorageEngine): Record<string, (number | 'stale')[][]> {
  const q = store.querier(0, T3 + 60_000);
  const out: Record<string, (number | 'stale')[][]> = {};
  for (const s of q.select(true, null, [new Matcher('=~', '__name__', '.+')]).series) {
    const it = s.iterator();
    const samples: (number | 'stale')[][] = [];
    while (it.next() === ValueType.Float) samples.push([it.atT(), isStaleNaN(it.atF()) ? 'stale' : it.atF()]);
    out[labelsToString(s.labels)] = samples;
  }
  q.close();
  return out;
}

describe('scraping into the real storage', () => {
  it('stores samples, report series and stale markers, and rolls back failed scrapes', async () => {
    db = openStorage({ path: ':memory:' });
    const scraper = new ScriptedScraper();
    const { loop, setNow } = loopOver(db, scraper, 3);
    scraper.text('a{x="1"} 1\nb 2\n');
    setNow(T1);
    await loop.scrapeAndReport(T1);
    scraper.text('a{x="1"} 3\n');
    setNow(T2);
    await loop.scrapeAndReport(T2);
    scraper.text('a{x="1"} 4\nc 1\nd 1\ne 1\n'); // over sample_limit 3
    setNow(T3);
    await loop.scrapeAndReport(T3);
    const d = dump(db);
    expect(d['a{instance="host:1", job="test", x="1"}']).toEqual([
      [T1, 1],
      [T2, 3],
    ]);
    expect(d['b{instance="host:1", job="test"}']).toEqual([
      [T1, 2],
      [T2, 'stale'],
    ]);
    expect(d['c{instance="host:1", job="test"}']).toBeUndefined();
    expect(d['up{instance="host:1", job="test"}']).toEqual([
      [T1, 1],
      [T2, 1],
      [T3, 0],
    ]);
    expect(d['scrape_samples_scraped{instance="host:1", job="test"}']).toEqual([
      [T1, 2],
      [T2, 1],
      [T3, 4],
    ]);
    expect(loop.target.lastError).toBe('sample limit exceeded');
  });

  it('counts series the store rejects as duplicates and keeps scraping', async () => {
    db = openStorage({ path: ':memory:' });
    const scraper = new ScriptedScraper();
    const { loop } = loopOver(db, scraper);
    // One series spelled two ways with different values: the store rejects the second.
    scraper.text('a{x="1",y="2"} 1\na{y="2",x="1"} 2\n');
    await loop.scrapeAndReport(T1);
    expect(loop.stats.duplicates).toBe(1);
    expect(loop.target.health).toBe('up');
    expect(dump(db)['a{instance="host:1", job="test", x="1", y="2"}']).toEqual([[T1, 1]]);
  });

  it('adds again a series deleted under the scrape cache, and writes no stale marker for one that is gone', async () => {
    db = openStorage({ path: ':memory:' });
    const scraper = new ScriptedScraper();
    const { loop, setNow } = loopOver(db, scraper);
    scraper.text('a{x="1"} 1\nb 2\n');
    setNow(T1);
    await loop.scrapeAndReport(T1);
    // The delete API removes a, b and up: the cache still holds their refs.
    db.deleteSeries([new Matcher('=~', '__name__', 'a|b|up')], 0, T1 + 1);
    expect(Object.keys(dump(db)).filter((k) => /^(a|b|up)\{/.test(k))).toEqual([]);
    scraper.text('a{x="1"} 3\n');
    setNow(T2);
    await loop.scrapeAndReport(T2);
    expect(loop.target.lastError).toBe('');
    expect(loop.target.health).toBe('up');
    scraper.text('a{x="1"} 4\n');
    setNow(T3);
    await loop.scrapeAndReport(T3);
    const d = dump(db);
    // a is stored again under its full label set, with target labels; b (gone) got no marker.
    expect(d['a{instance="host:1", job="test", x="1"}']).toEqual([
      [T2, 3],
      [T3, 4],
    ]);
    expect(d['b{instance="host:1", job="test"}']).toBeUndefined();
    expect(d['up{instance="host:1", job="test"}']).toEqual([
      [T2, 1],
      [T3, 1],
    ]);
  });
});
