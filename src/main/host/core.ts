/**
 * The composition root: wires configuration -> scrape manager -> storage -> PromQL engine -> API.
 * `vigil serve`, the desktop app's core process and the tests all start the core through here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import type { ApiTargetsData, ApiMetadataEntry } from '../../common/api/types';
import type { ParserOptions } from '../../common/promql';
import { loadConfig, loadConfigFile, type VigilConfig } from '../config';
import { DEFAULT_MAX_EXEMPLARS, ExemplarStorage, exemplarSelfMetrics, openStorage, type StorageEngine } from '../storage';
import { Engine } from '../promql/engine';
import type { EngineOpts } from '../promql/value';
import { ScrapeManager, TargetDiscovery } from '../scrape';
import { startServer, type ApiServer } from '../api/server';
import type { ApiContext } from '../api/router';
import { startDemo, type DemoServer } from '../demo/server';
import { DemoCluster } from '../demo/model';
import { backfillDemo } from '../demo/backfill';
import { Matcher } from '../../common/model/matcher';
import { DATABASE_FILE } from '../util/paths';
import { buildInfo } from '../util/version';
import { JsonLogFile } from '../util/jsonlog';
import type { Logger } from '../util/log';
import { selfMetricsRoute } from './self-metrics';

/** CoreOptions configure a core. */
export interface CoreOptions {
  dataDir: string;
  /** configFile is a prometheus.yml; null runs with the default config (Vigil scrapes itself). */
  configFile: string | null;
  host: string;
  port: number;
  demo: boolean;
  /** uiDir holds the built renderer; null serves the API only. */
  uiDir: string | null;
  logger: Logger;
  engine?: Partial<EngineOpts>;
  /** demoInterval is the demo's scrape interval (default 5s). */
  demoInterval?: string;
}

/** Core is a running core. */
export interface Core {
  readonly url: string;
  readonly api: ApiContext;
  readonly storage: StorageEngine;
  readonly config: VigilConfig;
  stop(): Promise<void>;
}

/** DEFAULT_CONFIG is used without --config: Vigil scrapes its own metrics, like Prometheus's example config. */
export function defaultConfigYaml(selfAddress: string): string {
  return [
    'global:',
    '  scrape_interval: 15s',
    '  evaluation_interval: 15s',
    'scrape_configs:',
    '  - job_name: vigil',
    '    static_configs:',
    `      - targets: [${JSON.stringify(selfAddress)}]`,
    '',
  ].join('\n');
}

/**
 * withExtraScrapeConfigs appends scrape configs (YAML list text) to a config's YAML, keeping the
 * user's file as written otherwise. Used by demo mode.
 */
export function withExtraScrapeConfigs(configYaml: string, extraListYaml: string): string {
  const base = (parseDocument(configYaml).toJS() ?? {}) as Record<string, unknown>;
  const extra = parseDocument(extraListYaml).toJS() as unknown;
  if (!Array.isArray(extra)) throw new Error('internal: extra scrape configs are not a list');
  const existing = Array.isArray(base.scrape_configs) ? (base.scrape_configs as unknown[]) : [];
  return stringify({ ...base, scrape_configs: [...existing, ...extra] });
}

/** startCore starts everything and returns once the API answers. */
export async function startCore(opts: CoreOptions): Promise<Core> {
  const log = opts.logger;
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const storage = openStorage({
    path: path.join(opts.dataDir, DATABASE_FILE),
    logger: (level, msg) => log(level === 'info' ? 'info' : level, msg, { component: 'storage' }),
  });
  const stops: (() => Promise<void> | void)[] = [() => storage.close()];
  const stopAll = async (): Promise<void> => {
    for (const s of stops.reverse()) {
      try {
        await s();
      } catch (e) {
        log('error', `shutdown: ${(e as Error).message}`);
      }
    }
  };
  try {
    const engine = new Engine(opts.engine ?? {});
    const parserOptions: ParserOptions = engine.parserFlags();
    let scrape: ScrapeManager | null = null;
    let config: VigilConfig | null = null;
    const startedAt = new Date();

    // Exemplars live in memory (as in Prometheus); storage.exemplars.max_exemplars sizes the buffer.
    const exemplars = new ExemplarStorage(DEFAULT_MAX_EXEMPLARS);
    const api: ApiContext = {
      storage,
      exemplars,
      engine,
      parserOptions,
      targets: (state, pool) => targetsData(scrape, state, pool),
      metadata: (metric, limit) => metadataData(scrape, metric, limit),
      targetMetadata: (filter) => scrape?.targetMetadata(filter) ?? [],
      buildInfo: buildInfo(),
      runtimeInfo: () => ({
        startTime: startedAt.toISOString(),
        CWD: process.cwd(),
        reloadConfigSuccess: true,
        lastConfigTime: startedAt.toISOString(),
        corruptionCount: 0,
        goroutineCount: 0,
        GOMAXPROCS: 1,
        GOGC: '',
        GODEBUG: '',
        storageRetention: '15d',
        dataDir: opts.dataDir,
      }),
      config: () => config?.text ?? '',
      flags: () => ({
        'config.file': opts.configFile ?? '',
        'storage.tsdb.path': opts.dataDir,
        'web.listen-address': `${opts.host}:${opts.port}`,
        'query.lookback-delta': `${(engine.opts.lookbackDeltaMs / 1000) | 0}s`,
        'query.max-samples': String(engine.opts.maxSamples),
        'query.timeout': `${(engine.opts.timeoutMs / 1000) | 0}s`,
      }),
      now: () => Date.now(),
    };

    const server: ApiServer = await startServer({
      host: opts.host,
      port: opts.port,
      api,
      uiDir: opts.uiDir,
      routes: [selfMetricsRoute(() => [storage.selfMetrics(), exemplarSelfMetrics(exemplars), scrape ? scrapeSelfMetrics(scrape) : ''])],
      logger: (level, msg) => log(level, msg, { component: 'web' }),
    });
    stops.push(() => server.close());
    const selfAddress = new URL(server.url).host;

    // Configuration: the user's file, or the default; demo mode adds the simulated cluster's jobs.
    let demo: DemoServer | null = null;
    if (opts.demo) {
      demo = await startDemo({ cluster: demoClusterWithHistory(storage, log) });
      stops.push(() => demo!.close());
    }
    let yamlText: string;
    if (opts.configFile) {
      // Load once on its own so errors point at the user's file and lines.
      const userCfg = loadConfigFile(opts.configFile);
      yamlText = userCfg.text;
    } else {
      yamlText = defaultConfigYaml(selfAddress);
    }
    if (demo) yamlText = withExtraScrapeConfigs(yamlText, demo.scrapeConfigYaml(opts.demoInterval ?? '5s'));
    config = opts.configFile && !demo ? loadConfigFile(opts.configFile) : loadConfig(yamlText, opts.configFile ?? '');
    for (const w of config.warnings) log('warn', `config: ${w.message}`, { line: w.line });

    exemplars.resize(config.storage.maxExemplars ?? DEFAULT_MAX_EXEMPLARS);
    if (config.global.queryLogFile !== '') {
      // Like Prometheus, an unusable query_log_file is a configuration error.
      const file = config.global.queryLogFile;
      let queryLog: JsonLogFile;
      try {
        queryLog = new JsonLogFile(file, (m) => log('error', `query_log_file: ${m}`));
      } catch (e) {
        throw new Error(`query_log_file: ${(e as Error).message}`);
      }
      stops.push(() => {
        engine.setQueryLogger(null);
        queryLog.close();
      });
      engine.setQueryLogger((e) => queryLog.log('INFO', 'engine.go', 'promql query logged', { ...e }));
    }
    scrape = new ScrapeManager({
      appendable: storage,
      exemplars: { add: (lset, e) => (exemplars.capacity > 0 ? exemplars.add(lset, e) : undefined) },
      logger: (level, msg) => log(level, msg, { component: 'scrape' }),
    });
    stops.push(() => scrape!.stop());
    scrape.applyConfig(config);
    // Static and file-based target groups; Kubernetes discovery plugs in here later.
    const discovery = new TargetDiscovery((sets) => scrape!.sync(sets), (level, msg) => log(level, msg, { component: 'discovery' }));
    stops.push(() => discovery.stop());
    discovery.applyConfig(config);

    return {
      url: server.url,
      api,
      storage,
      config,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** DEMO_HISTORY_MS is how much simulated history demo mode writes before scraping starts. */
const DEMO_HISTORY_MS = 3_600_000;

/**
 * demoClusterWithHistory creates the demo cluster an hour in the past and backfills that hour, so
 * charts are full at once; skipped when the store already holds recent demo data (a restart).
 */
function demoClusterWithHistory(storage: StorageEngine, log: Logger): DemoCluster {
  const now = Date.now();
  const q = storage.querier(now - DEMO_HISTORY_MS, now);
  let hasRecent = false;
  try {
    hasRecent = q.select(false, null, [new Matcher('=', '__name__', 'up'), new Matcher('=', 'cluster', 'demo')]).series.some((s) => s.iterator().next() !== 0);
  } finally {
    q.close();
  }
  const start = Math.floor((now - DEMO_HISTORY_MS) / 15_000) * 15_000;
  if (hasRecent) return new DemoCluster(now);
  const cluster = new DemoCluster(start);
  const t0 = Date.now();
  const imp = storage.importer();
  const res = backfillDemo(cluster, imp, start, now - 5_000, 15_000);
  imp.commit();
  log('info', `demo: wrote ${res.samples} samples of ${res.series} series of simulated history in ${Date.now() - t0} ms`);
  return cluster;
}

function targetsData(scrape: ScrapeManager | null, state: 'active' | 'dropped' | 'any', pool?: string): ApiTargetsData {
  if (!scrape) return { activeTargets: [], droppedTargets: [] };
  const t = scrape.targets(pool);
  return {
    activeTargets: state === 'dropped' ? [] : t.active,
    droppedTargets: state === 'active' ? [] : t.dropped,
    droppedTargetCounts: t.droppedTargetCounts,
  };
}

/** metadataData groups target metadata by metric name, one entry per distinct (type, help, unit). */
function metadataData(scrape: ScrapeManager | null, metric?: string, limit?: number): Record<string, ApiMetadataEntry[]> {
  const out: Record<string, ApiMetadataEntry[]> = {};
  if (!scrape) return out;
  const seen = new Set<string>();
  let n = 0;
  for (const m of scrape.targetMetadata(metric ? { metric } : {})) {
    const key = `${m.metric}\xff${m.type}\xff${m.help}\xff${m.unit}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!out[m.metric]) {
      if (limit && limit > 0 && n >= limit) continue;
      out[m.metric] = [];
      n++;
    }
    out[m.metric]!.push({ type: m.type, help: m.help, unit: m.unit });
  }
  return out;
}

/** scrapeSelfMetrics renders the scrape manager's state for Vigil's own /metrics. */
function scrapeSelfMetrics(scrape: ScrapeManager): string {
  const t = scrape.targets();
  const byPool = new Map<string, { up: number; down: number; unknown: number }>();
  for (const a of t.active) {
    const c = byPool.get(a.scrapePool) ?? { up: 0, down: 0, unknown: 0 };
    c[a.health]++;
    byPool.set(a.scrapePool, c);
  }
  const lines = ['# HELP vigil_scrape_targets Active scrape targets by scrape pool and health.', '# TYPE vigil_scrape_targets gauge'];
  for (const [pool, c] of byPool) {
    for (const h of ['up', 'down', 'unknown'] as const) lines.push(`vigil_scrape_targets{scrape_pool=${JSON.stringify(pool)},health="${h}"} ${c[h]}`);
  }
  const n = scrape.totals;
  const counter = (name: string, help: string, v: number): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${v}`);
  };
  counter('vigil_target_scrapes_total', 'Scrapes performed, over all targets.', n.scrapes);
  counter('prometheus_target_scrapes_sample_duplicate_timestamp_total', 'Total number of samples rejected due to duplicate timestamps but different values.', n.duplicates);
  counter('prometheus_target_scrapes_sample_out_of_order_total', 'Total number of samples rejected due to not being out of the expected order.', n.outOfOrder);
  counter('prometheus_target_scrapes_sample_out_of_bounds_total', 'Total number of samples rejected due to timestamp falling outside of the time bounds.', n.outOfBounds);
  counter('prometheus_target_scrapes_exceeded_sample_limit_total', 'Total number of scrapes that hit the sample limit and were rejected.', n.sampleLimitHits);
  counter('prometheus_target_scrapes_exemplar_out_of_order_total', 'Total number of exemplar rejected due to not being out of the expected order.', n.exemplarsOutOfOrder);
  return lines.join('\n') + '\n';
}
