/** Helpers for scrape tests: targets, a scriptable scraper and a loop factory. */
import { labelsFromRecord } from '../../src/common/model/labels';
import { Relabeler, relabelConfig } from '../../src/main/relabel/index';
import type { RelabelConfig } from '../../src/main/relabel/index';
import { ScrapeLoop } from '../../src/main/scrape/loop';
import type { ScrapeLoopOptions } from '../../src/main/scrape/loop';
import type { ScrapeResult } from '../../src/main/scrape/scraper';
import { Target } from '../../src/main/scrape/target';
import type { LogLevel } from '../../src/main/util/log';
import { MemStorage } from './memstore';

export const TEXT_CT = 'text/plain; version=0.0.4; charset=utf-8';
export const OM_CT = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** makeTarget returns a target with job="test", instance="host:1" (plus extra labels). */
export function makeTarget(extra: Record<string, string> = {}): Target {
  const labels = labelsFromRecord({
    __address__: 'host:1',
    __scheme__: 'http',
    __metrics_path__: '/metrics',
    __scrape_interval__: '10s',
    __scrape_timeout__: '10s',
    job: 'test',
    instance: 'host:1',
    ...extra,
  });
  return new Target(labels, labels, {});
}

/** ScriptedScraper returns whatever is queued next (a body or an error). */
export class ScriptedScraper {
  next: ScrapeResult | Error = { body: new Uint8Array(), contentType: TEXT_CT };
  calls = 0;
  async scrape(): Promise<ScrapeResult> {
    this.calls++;
    if (this.next instanceof Error) throw this.next;
    return this.next;
  }
  /** text queues a text-format body. */
  text(s: string, ct = TEXT_CT): void {
    this.next = { body: Buffer.from(s), contentType: ct };
  }
}

/** LogLine is a captured log call. */
export interface LogLine {
  level: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
}

/** Harness is a loop with its store, scraper, clock and log. */
export interface Harness {
  loop: ScrapeLoop;
  store: MemStorage;
  scraper: ScriptedScraper;
  target: Target;
  logs: LogLine[];
  /** scrape runs one scrape at time t (ms). */
  scrape(t: number): Promise<void>;
}

/** harness builds a loop over a scripted scraper and an in-memory store. */
export function harness(opts: Partial<Omit<ScrapeLoopOptions, 'metricRelabeler'>> & { mrc?: Partial<RelabelConfig>[]; targetLabels?: Record<string, string> } = {}): Harness {
  const store = new MemStorage();
  const scraper = new ScriptedScraper();
  const logs: LogLine[] = [];
  const target = opts.target ?? makeTarget(opts.targetLabels);
  let clock = 0;
  const loop = new ScrapeLoop({
    target,
    scraper,
    appendable: store,
    interval: 10_000,
    timeout: 10_000,
    sampleLimit: 0,
    labelLimit: 0,
    labelNameLengthLimit: 0,
    labelValueLengthLimit: 0,
    honorLabels: false,
    honorTimestamps: true,
    trackTimestampsStaleness: false,
    validationScheme: 'utf8',
    fallbackMediaType: '',
    reportExtraMetrics: false,
    logger: (level, msg, fields) => logs.push({ level, msg, fields }),
    now: () => clock,
    skipOffsetting: true,
    ...opts,
    metricRelabeler: new Relabeler((opts.mrc ?? []).map((r) => relabelConfig(r))),
  });
  return {
    loop,
    store,
    scraper,
    target,
    logs,
    scrape: async (t: number) => {
      clock = t;
      await loop.scrapeAndReport(t);
    },
  };
}

/** report returns the five report series of job="test", instance="host:1" at t. */
export function reportAt(store: MemStorage, t: number): Record<string, number | 'stale' | undefined> {
  const at = store.at(t);
  const out: Record<string, number | 'stale' | undefined> = {};
  for (const n of ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']) {
    out[n] = at[`${n}{instance="host:1", job="test"}`];
  }
  return out;
}
