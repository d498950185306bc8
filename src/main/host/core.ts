/**
 * The composition root: wires configuration -> discovery -> scrape -> storage -> PromQL engine ->
 * the route table and the HTTP server. `vigil serve`, the desktop app's core process
 * (host/desktop.ts) and the tests all start the core through here. Each subsystem contributes its
 * own routes; this file only lists them.
 */
import * as path from 'node:path';
import type { ParserOptions } from '../../common/promql';
import type { HostEvent } from '../../common/ipc/messages';
import { loadConfig, loadConfigFile, type VigilConfig } from '../config';
import { withScrapeConfigs } from '../config/compose';
import { ClusterMonitor } from '../cluster/monitor';
import { clusterRoutes } from '../cluster/routes';
import { KubeStateTargets, type KubeStateFactory } from '../cluster/kubestate';
import { labelsGet } from '../../common/model/labels';
import { ROLE_LABEL } from '../discovery/vigil/index';
import { DiscoveryManager } from '../discovery';
import { DEFAULT_MAX_EXEMPLARS, ExemplarStorage, exemplarSelfMetrics, openStorage, type StorageEngine } from '../storage';
import { storageRoutes } from '../storage/routes';
import { Engine } from '../promql/engine';
import { queryRoutes } from '../promql/routes';
import type { EngineOpts } from '../promql/value';
import { ScrapeManager, scrapeRoutes, scrapeSelfMetrics } from '../scrape';
import { startServer, type ApiServer } from '../api/server';
import { RouteTable } from '../api/table';
import { healthRoutes, statusRoutes } from '../api/status';
import { startDemo, type DemoServer } from '../demo/server';
import { DemoCluster } from '../demo/model';
import { backfillDemo } from '../demo/backfill';
import { Matcher } from '../../common/model/matcher';
import { globFiles } from '../util/glob';
import { DATABASE_FILE } from '../util/paths';
import { buildInfo, VERSION } from '../util/version';
import { JsonLogFile } from '../util/jsonlog';
import type { Logger } from '../util/log';
import { prepareDataDir, writeServerInfo } from './datadir';
import { KubeContexts } from '../kube/contexts';
import type { LimiterOptions } from '../kube/limiter';
import { kubeRoutes } from '../kube/routes';
import { KubeTransports } from '../scrape/kubernetes';
import { selfMetricsRoute } from './self-metrics';
import { SettingsStore, type Retention } from './settings';

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
  /** retention overrides the settings file (--storage.tsdb.retention.time / .size). */
  retention?: { time?: string; size?: string };
  /** kubeconfig replaces KUBECONFIG / ~/.kube/config (--kubeconfig). */
  kubeconfig?: string;
  /** contexts to monitor for this run (--context), overriding the settings; allContexts monitors every one. */
  contexts?: string[];
  allContexts?: boolean;
  /** kubeLimits tune the politeness towards API servers (tests and benchmarks). */
  kubeLimits?: LimiterOptions;
  /** defaultJobs adds the default jobs of the monitored contexts (default true; tests of one job turn it off). */
  defaultJobs?: boolean;
  /** kubeState creates the synthesized kube-state source of a context (absent: none is synthesized). */
  kubeState?: KubeStateFactory;
}

/** Core is a running core. */
export interface Core {
  readonly url: string;
  readonly routes: RouteTable;
  readonly storage: StorageEngine;
  /** config is the configuration running now (the user's file or the default, plus the default jobs). */
  readonly config: VigilConfig;
  readonly cluster: ClusterMonitor;
  readonly retention: Retention;
  readonly kube: KubeContexts;
  /** onEvent subscribes to events for the shell (notifications, tray counts); returns the unsubscriber. */
  onEvent(fn: (e: HostEvent) => void): () => void;
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
 * user's file as written otherwise (a job the file already has is not added). Used by demo mode.
 */
export function withExtraScrapeConfigs(configYaml: string, extraListYaml: string): string {
  return withScrapeConfigs(configYaml, extraListYaml).yaml;
}

/** startCore starts everything and returns once the API answers. */
export async function startCore(opts: CoreOptions): Promise<Core> {
  const log = opts.logger;
  prepareDataDir(opts.dataDir);
  const settings = new SettingsStore(opts.dataDir);
  if (settings.problem !== '') log('warn', `settings: ${settings.problem}; using defaults`);
  const retention = settings.retention(opts.retention);
  const storage = openStorage({
    path: path.join(opts.dataDir, DATABASE_FILE),
    retentionMs: retention.timeMs,
    retentionBytes: retention.sizeBytes,
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
  const listeners = new Set<(e: HostEvent) => void>();
  try {
    const engine = new Engine(opts.engine ?? {});
    const parserOptions: ParserOptions = engine.parserFlags();
    let scrape: ScrapeManager | null = null;
    let config: VigilConfig | null = null;
    const startedAt = new Date();

    // The kubeconfig's contexts: which are monitored comes from --context, else the settings.
    const sc = settings.get().contexts ?? {};
    const flagged = (opts.contexts?.length ?? 0) > 0 || opts.allContexts === true;
    const kube = new KubeContexts({
      source: opts.kubeconfig ? { explicit: opts.kubeconfig } : {},
      logger: (level, msg, f) => log(level, msg, { component: 'kube', ...f }),
      monitored: flagged ? (opts.contexts ?? []) : (sc.monitored ?? []),
      allContexts: flagged ? opts.allContexts === true : sc.all === true,
      clusterLabels: sc.clusterLabels,
      limits: opts.kubeLimits,
      userAgent: `Vigil/${VERSION}`,
    });
    stops.push(() => kube.stop());
    for (const m of kube.missingMonitored()) log('warn', `context ${m} is not in the kubeconfig (${kube.kubeconfig.files.join(', ')}); it is not monitored`, { component: 'kube' });

    // The default jobs of the monitored contexts; when they change, the configuration is recomposed.
    let reload: (why: string) => void = () => {};
    const cluster = new ClusterMonitor({
      kube,
      settings: () => settings.get().cluster ?? {},
      logger: (level, msg, f) => log(level, msg, { component: 'cluster', ...f }),
      changed: () => reload('the default jobs of the monitored contexts changed'),
    });
    cluster.start();
    stops.push(() => cluster.stop());

    // Exemplars live in memory (as in Prometheus); storage.exemplars.max_exemplars sizes the buffer.
    const exemplars = new ExemplarStorage(DEFAULT_MAX_EXEMPLARS);
    const now = (): number => Date.now();
    const routes = new RouteTable([
      ...queryRoutes({ engine, queryable: storage, parserOptions, now }),
      ...storageRoutes({ storage, exemplars, parserOptions }),
      ...scrapeRoutes(() => scrape),
      ...kubeRoutes({ contexts: kube, persist: (monitored, all) => settings.update({ contexts: { monitored, all } }) }),
      ...clusterRoutes({
        monitor: cluster,
        settings: () => settings.get().cluster ?? {},
        persist: (next) => {
          settings.update({ cluster: next });
          cluster.settingsChanged();
        },
      }),
      ...healthRoutes(),
      ...statusRoutes({
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
          storageRetention: retentionSummary(retention),
          dataDir: opts.dataDir,
        }),
        config: () => config?.text ?? '',
        flags: () => ({
          'config.file': opts.configFile ?? '',
          'storage.tsdb.path': opts.dataDir,
          'storage.tsdb.retention.time': retention.time,
          'storage.tsdb.retention.size': retention.size,
          'web.listen-address': `${opts.host}:${opts.port}`,
          'query.lookback-delta': `${(engine.opts.lookbackDeltaMs / 1000) | 0}s`,
          'query.max-samples': String(engine.opts.maxSamples),
          'query.timeout': `${(engine.opts.timeoutMs / 1000) | 0}s`,
        }),
      }),
      selfMetricsRoute(() => [storage.selfMetrics(), exemplarSelfMetrics(exemplars), scrape ? scrapeSelfMetrics(scrape) : '', kube.selfMetrics()]),
    ]);

    const server: ApiServer = await startServer({
      host: opts.host,
      port: opts.port,
      routes,
      uiDir: opts.uiDir,
      logger: (level, msg) => log(level, msg, { component: 'web' }),
    });
    stops.push(() => server.close());
    stops.push(writeServerInfo(opts.dataDir, { pid: process.pid, url: server.url, version: VERSION, startedAt: startedAt.toISOString() }));
    const selfAddress = new URL(server.url).host;

    // Configuration: the user's file, or the default; demo mode adds the simulated cluster's jobs.
    let demo: DemoServer | null = null;
    if (opts.demo) {
      demo = await startDemo({ cluster: demoClusterWithHistory(storage, log) });
      stops.push(() => demo!.close());
    }
    let baseYaml: string;
    if (opts.configFile) {
      // Load once on its own so errors point at the user's file and lines.
      baseYaml = loadConfigFile(opts.configFile).text;
    } else {
      baseYaml = defaultConfigYaml(selfAddress);
    }
    if (demo) baseYaml = withExtraScrapeConfigs(baseYaml, demo.scrapeConfigYaml(opts.demoInterval ?? '5s'));
    // The first configuration waits (briefly) for the permission probes, so that jobs the cluster
    // refuses are not started only to be removed.
    await cluster.ready(3000);
    const compose = (): VigilConfig => {
      const generated = opts.defaultJobs === false ? '' : cluster.scrapeConfigsYaml();
      const composed = withScrapeConfigs(baseYaml, generated);
      if (composed.overridden.length > 0) log('info', `config: the file's own scrape configs replace the default jobs ${composed.overridden.join(', ')}`);
      if (composed.added.length === 0) return opts.configFile && !demo ? loadConfigFile(opts.configFile) : loadConfig(baseYaml, opts.configFile ?? '');
      try {
        return loadConfig(composed.yaml, opts.configFile ?? '');
      } catch (e) {
        // A defect of the generated jobs must not stop the user's own configuration.
        log('error', `config: the default jobs could not be loaded, running without them: ${(e as Error).message}`);
        return opts.configFile && !demo ? loadConfigFile(opts.configFile) : loadConfig(baseYaml, opts.configFile ?? '');
      }
    };
    config = compose();
    for (const w of config.warnings) log('warn', `config: ${w.message}`, { line: w.line });
    warnUnevaluatedRules(config, log);

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
    const kubeTransports = new KubeTransports(kube);
    const kubeStateTargets = new KubeStateTargets({
      kube,
      factory: opts.kubeState ?? (() => ({ start() {}, stop() {}, synced: true, render: () => '' })),
      logger: (level, msg, f) => log(level, msg, { component: 'cluster', ...f }),
      realScraped: (_context, clusterLabel) => {
        const f = scrape?.findActive((t) => t.health === 'up' && t.get('job') === 'kube-state-metrics' && t.get('cluster') === clusterLabel && labelsGet(t.discoveredLabels, ROLE_LABEL) !== 'kube-state');
        return f ? `the cluster's own kube-state-metrics is scraped (${f.pool}, ${f.target.url()})` : null;
      },
    });
    stops.push(() => kubeStateTargets.stop());
    scrape = new ScrapeManager({
      appendable: storage,
      transportFor: ({ target, config: c }) => kubeStateTargets.resolve(target) ?? kubeTransports.resolve(target, c),
      exemplars: { add: (lset, e) => (exemplars.capacity > 0 ? exemplars.add(lset, e) : undefined) },
      logger: (level, msg) => log(level, msg, { component: 'scrape' }),
    });
    stops.push(() => scrape!.stop());
    scrape.applyConfig(config);
    const discovery = new DiscoveryManager((sets) => scrape!.sync(sets), { logger: (level, msg, f) => log(level, msg, { component: 'discovery', ...f }), kube });
    stops.push(() => discovery.stop());
    discovery.applyConfig(new Map(config.scrapeConfigs.map((sc) => [sc.jobName, sc])));
    reload = (why) => {
      const next = compose();
      config = next;
      scrape!.applyConfig(next);
      discovery.applyConfig(new Map(next.scrapeConfigs.map((sc) => [sc.jobName, sc])));
      log('info', `configuration reloaded: ${why}`, { jobs: next.scrapeConfigs.length });
    };

    return {
      url: server.url,
      routes,
      storage,
      get config() {
        return config!;
      },
      cluster,
      retention,
      kube,
      onEvent(fn) {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** retentionSummary renders retention as Prometheus's runtimeinfo does ("15d or 2GiB"). */
function retentionSummary(r: Retention): string {
  const parts = [r.timeMs > 0 ? r.time : '', r.sizeBytes > 0 ? r.size : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' or ') : 'unlimited';
}

/** warnUnevaluatedRules says which rule files are loaded but not evaluated (until the rule engine lands). */
function warnUnevaluatedRules(config: VigilConfig, log: Logger): void {
  if (config.ruleFiles.length === 0) return;
  const files = config.ruleFiles.flatMap((p) => {
    const found = globFiles(p);
    return found.length > 0 ? found : [p];
  });
  log('warn', `rule_files are not evaluated in this version (no recording rules or alerts run): ${files.join(', ')}`, { component: 'rules' });
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

