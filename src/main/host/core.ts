/**
 * The composition root: wires configuration -> discovery -> scrape -> storage -> PromQL engine ->
 * the route table and the HTTP server. `vigil serve`, the desktop app's core process
 * (host/desktop.ts) and the tests all start the core through here. Each subsystem contributes its
 * own routes; this file only lists them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParserOptions } from '../../common/promql';
import type { HostEvent } from '../../common/ipc/messages';
import { loadConfig, loadConfigFile, type VigilConfig } from '../config';
import { withScrapeConfigs } from '../config/compose';
import { ClusterMonitor } from '../cluster/monitor';
import { clusterRoutes } from '../cluster/routes';
import { KubeStateTargets, kubeStateFactory, type KubeStateFactory } from '../cluster/kubestate';
import { labelsGet } from '../../common/model/labels';
import { ROLE_LABEL } from '../discovery/vigil/index';
import { DiscoveryManager } from '../discovery';
import { DEFAULT_MAX_EXEMPLARS, ExemplarStorage, exemplarSelfMetrics, openStorage, type StorageEngine } from '../storage';
import { storageRoutes } from '../storage/routes';
import { Engine } from '../promql/engine';
import { queryRoutes } from '../promql/routes';
import { RuleManager, StarterRules, engineQueryFunc, gapRoutes, ruleEditRoutes, ruleRoutes } from '../rules';
import { desktopNotifiers, parseNotifierSetting, type NotifierSetting } from '../alerting/desktop';
import { Forwarder, forwarderRoutes } from '../alerting/forward/index';
import { loadTemplateSet } from '../alerting/template/index';
import { ALERTING_DIR, ALERTMANAGER_FILE, Alerting, AlertmanagerConfigError, DEFAULT_ALERTMANAGER_YML, formatProblem, loadAlertmanagerConfig, type AlertmanagerFile } from '../alerting';
import type { EngineOpts } from '../promql/value';
import { ScrapeManager, scrapeRoutes, scrapeSelfMetrics } from '../scrape';
import { startServer, type ApiServer } from '../api/server';
import { RouteTable } from '../api/table';
import { healthRoutes, statusRoutes } from '../api/status';
import type { DemoClusters } from '../demo/clusters';
import { backfillDemoHistory, DEMO_HISTORY_MS, DEMO_SCRAPE_INTERVAL, startDemo } from './demo';
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
import { startGapDetector } from './gaps';
import { SettingsStore, type Retention } from './settings';

/** CoreOptions configure a core. */
export interface CoreOptions {
  dataDir: string;
  /** configFile is a prometheus.yml; null runs with the default config (Vigil scrapes itself). */
  configFile: string | null;
  /** alertmanagerConfigFile is an alertmanager.yml (--alertmanager.config.file); else <dataDir>/alertmanager.yml when it exists, else the built-in one. */
  alertmanagerConfigFile?: string;
  host: string;
  port: number;
  /** demo monitors that many simulated clusters (true: one) instead of the user's kubeconfig; give it a data folder of its own. */
  demo: boolean | number;
  /** uiDir holds the built renderer; null serves the API only. */
  uiDir: string | null;
  logger: Logger;
  engine?: Partial<EngineOpts>;
  /** demoInterval is the demo's scrape interval of the default jobs (default 15s). */
  demoInterval?: string;
  /** demoHistoryMs is how much history a first demo start writes (default an hour; 0 none). */
  demoHistoryMs?: number;
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
  /** kubeState creates the synthesized kube-state source of a context (default: kubestate/'s KubeState; tests pass doubles). */
  kubeState?: KubeStateFactory;
}

/** Core is a running core. */
export interface Core {
  readonly url: string;
  readonly routes: RouteTable;
  readonly storage: StorageEngine;
  /** demo is the running demo clusters (null outside demo mode). */
  readonly demo: DemoClusters | null;
  /** history settles when demo mode's history backfill is done (at once outside demo mode). */
  readonly history: Promise<void>;
  /** config is the configuration running now (the user's file or the default, plus the default jobs). */
  readonly config: VigilConfig;
  readonly cluster: ClusterMonitor;
  readonly retention: Retention;
  readonly kube: KubeContexts;
  /** rules runs the rule files' groups (onAlerts gives the alerts to send, for notification routing). */
  readonly rules: RuleManager;
  /** alerting is Alertmanager inside Vigil: the rule engine's alerts are routed and notified through it. */
  readonly alerting: Alerting;
  /** reloadAlerting reads alertmanager.yml again (a broken file keeps the running configuration); returns the problems. */
  reloadAlerting(): string[];
  /** onEvent subscribes to events for the shell (notifications, tray counts); returns the unsubscriber. */
  onEvent(fn: (e: HostEvent) => void): () => void;
  stop(): Promise<void>;
}

/**
 * DEFAULT_CONFIG is used without --config: Vigil scrapes its own metrics, like Prometheus's example
 * config. Its intervals are the laptop's 30 s of cluster monitoring: evaluating rules twice per
 * scrape of their series only costs CPU.
 */
export function defaultConfigYaml(selfAddress: string): string {
  return [
    'global:',
    '  scrape_interval: 30s',
    '  evaluation_interval: 30s',
    'scrape_configs:',
    '  - job_name: vigil',
    '    static_configs:',
    `      - targets: [${JSON.stringify(selfAddress)}]`,
    '',
  ].join('\n');
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
    let rules: RuleManager | null = null;
    let config: VigilConfig | null = null;
    const startedAt = new Date();

    // Demo mode: simulated clusters behind their own API servers stand in for the user's kubeconfig.
    const demoCount = opts.demo === true ? 1 : typeof opts.demo === 'number' ? opts.demo : 0;
    const demoStart = Date.now();
    let demo: DemoClusters | null = null;
    if (demoCount > 0) {
      demo = await startDemo(demoCount, path.join(opts.dataDir, 'clusters'));
      stops.push(() => demo!.stop());
      log('info', `demo: ${demo.contexts.length} simulated cluster(s) (${demo.contexts.join(', ')}), kubeconfig ${demo.kubeconfigPath}`);
    }

    // The kubeconfig's contexts: which are monitored comes from --context, else the settings.
    const sc = settings.get().contexts ?? {};
    const flagged = (opts.contexts?.length ?? 0) > 0 || opts.allContexts === true;
    const kube = new KubeContexts({
      source: demo ? { explicit: demo.kubeconfigPath } : opts.kubeconfig ? { explicit: opts.kubeconfig } : {},
      logger: (level, msg, f) => log(level, msg, { component: 'kube', ...f }),
      monitored: demo ? demo.contexts : flagged ? (opts.contexts ?? []) : (sc.monitored ?? []),
      allContexts: demo ? false : flagged ? opts.allContexts === true : sc.all === true,
      clusterLabels: demo ? undefined : sc.clusterLabels,
      limits: opts.kubeLimits,
      userAgent: `Vigil/${VERSION}`,
    });
    stops.push(() => kube.stop());
    for (const m of kube.missingMonitored()) log('warn', `context ${m} is not in the kubeconfig (${kube.kubeconfig.files.join(', ')}); it is not monitored`, { component: 'kube' });

    // The default jobs of the monitored contexts; when they change, the configuration is recomposed.
    let reload: (why: string) => void = () => {};
    const cluster = new ClusterMonitor({
      kube,
      settings: () => (demo ? { scrapeInterval: opts.demoInterval ?? DEMO_SCRAPE_INTERVAL, ...settings.get().cluster } : (settings.get().cluster ?? {})),
      logger: (level, msg, f) => log(level, msg, { component: 'cluster', ...f }),
      changed: () => reload('the default jobs of the monitored contexts changed'),
    });
    cluster.start();
    stops.push(() => cluster.stop());

    // The starter rule pack (and the user's rule files in <dataDir>/rules/), and the gaps Vigil causes itself.
    const starter = new StarterRules({ dataDir: opts.dataDir, logger: log, settings: () => settings.starterRules() });
    const gaps = startGapDetector({ logger: log, config: () => config, scrape: () => scrape, kube });
    stops.push(() => gaps.stop());

    // Exemplars live in memory (as in Prometheus); storage.exemplars.max_exemplars sizes the buffer.
    const exemplars = new ExemplarStorage(DEFAULT_MAX_EXEMPLARS);
    const now = (): number => Date.now();
    // Desktop notices: the shell's notifications while a shell listens (the app), else an open
    // browser page (the events stream), else notify-send/osascript; the `notifier` setting is read
    // at each notice.
    let badNotifierSetting = '';
    const notifierSetting = (): NotifierSetting => {
      try {
        return parseNotifierSetting(settings.get().alerting?.notifier, `${settings.file}: alerting.notifier`);
      } catch (e) {
        if ((e as Error).message !== badNotifierSetting) log('warn', `settings: ${(badNotifierSetting = (e as Error).message)}; using auto`);
        return 'auto';
      }
    };
    const notifiers = desktopNotifiers({
      emit: (e) => {
        for (const l of [...listeners]) l(e);
      },
      shellAttached: () => listeners.size > 0,
      setting: notifierSetting,
      // VIGIL_SYSTEM_NOTIFIER=off keeps notify-send/osascript out (the test suites set it, so a
      // developer's desktop does not fill with the tests' alerts).
      ...(process.env.VIGIL_SYSTEM_NOTIFIER === 'off' ? { system: null } : {}),
    });
    stops.push(() => notifiers.stop());
    // Alerting: the alert store, silences, dispatcher and notification log live in <dataDir>/alerting.
    const alerting = new Alerting({
      dataDir: path.join(opts.dataDir, ALERTING_DIR),
      externalURL: `http://${opts.host}:${opts.port}`,
      logger: (level, msg, f) => log(level, msg, { component: 'alerting', ...f }),
      deps: { desktop: notifiers.desktop },
      loadTemplates: (files) => loadTemplateSet(files),
    });
    // Forwarding to the external Alertmanagers of prometheus.yml's alerting section.
    const forwarder = new Forwarder({ logger: (level, msg, f) => log(level, msg, { component: 'notifier', ...f }) });
    stops.push(() => forwarder.stop());
    stops.push(() => alerting.stop());
    alerting.onChange((firing) => {
      for (const l of [...listeners]) l({ kind: 'alerts', firing });
    });
    const routes = new RouteTable([
      ...queryRoutes({ engine, queryable: storage, parserOptions, now }),
      ...storageRoutes({ storage, exemplars, parserOptions }),
      ...scrapeRoutes(() => scrape),
      ...ruleRoutes(() => rules),
      ...alerting.routes(),
      ...notifiers.routes,
      ...forwarderRoutes(() => forwarder),
      ...ruleEditRoutes({ rules: () => rules, starter, starterSettings: () => settings.starterRules(), persistStarter: (next) => (settings.update({ rules: { starter: next } }), settings.starterRules()) }),
      ...gapRoutes(() => gaps),
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
      selfMetricsRoute(() => [storage.selfMetrics(), exemplarSelfMetrics(exemplars), scrape ? scrapeSelfMetrics(scrape) : '', rules ? rules.selfMetrics() : '', gaps.selfMetrics(), kube.selfMetrics(), alerting.selfMetrics(), forwarder.selfMetrics()]),
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
    alerting.setExternalURL(server.url);

    // alertmanager.yml: the flag's file, else the data folder's, else the built-in one. At start a
    // broken file is reported (every problem with its line) and the built-in one runs instead; on
    // reload a broken file keeps the running configuration.
    const amFile = opts.alertmanagerConfigFile ?? (fs.existsSync(path.join(opts.dataDir, ALERTMANAGER_FILE)) ? path.join(opts.dataDir, ALERTMANAGER_FILE) : null);
    const loadAm = (): { file: AlertmanagerFile | null; problems: string[] } => {
      if (amFile === null) return { file: loadAlertmanagerConfig(DEFAULT_ALERTMANAGER_YML, ''), problems: [] };
      let text = '';
      try {
        text = fs.readFileSync(amFile, 'utf8');
        return { file: loadAlertmanagerConfig(text, amFile), problems: [] };
      } catch (e) {
        const problems = e instanceof AlertmanagerConfigError ? e.problems : [{ path: '', message: (e as Error).message }];
        alerting.setProblems(amFile, text, problems);
        return { file: null, problems: problems.map((p) => formatProblem(amFile, p)) };
      }
    };
    const applyAm = (initial: boolean): string[] => {
      const r = loadAm();
      if (r.file) {
        for (const w of r.file.warnings) log('warn', `alertmanager config: ${formatProblem(r.file.file, w)}`, { component: 'alerting' });
        try {
          // Building the integrations and templates may still fail (a template file that does not parse).
          alerting.applyConfig(r.file);
          return [];
        } catch (e) {
          const problem = { path: '', message: (e as Error).message };
          alerting.setProblems(r.file.file, r.file.text, [problem]);
          r.problems = [formatProblem(r.file.file, problem)];
        }
      }
      for (const p of r.problems) log('error', `alertmanager config: ${p}`, { component: 'alerting' });
      if (initial) {
        log('error', `alertmanager config: ${amFile} does not load; running the built-in configuration until it is fixed`, { component: 'alerting' });
        const broken = alerting.configView();
        alerting.applyConfig(loadAlertmanagerConfig(DEFAULT_ALERTMANAGER_YML, ''));
        alerting.setProblems(broken.file, broken.text, broken.problems);
      } else {
        log('error', `alertmanager config: ${amFile} does not load; the running configuration stays`, { component: 'alerting' });
      }
      return r.problems;
    };
    applyAm(true);
    if (amFile !== null) {
      // The file is watched (polled: editors replace files) and reloaded when it changes.
      const onChange = (cur: fs.Stats, prev: fs.Stats): void => {
        if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size) return;
        log('info', `alertmanager config: ${amFile} changed, reloading`, { component: 'alerting' });
        applyAm(false);
      };
      fs.watchFile(amFile, { interval: 2000, persistent: false }, onChange);
      stops.push(() => fs.unwatchFile(amFile, onChange));
    }

    // Configuration: the user's file, or the default, plus the default jobs of the monitored contexts.
    let baseYaml: string;
    if (opts.configFile) {
      // Load once on its own so errors point at the user's file and lines.
      baseYaml = loadConfigFile(opts.configFile).text;
    } else {
      baseYaml = defaultConfigYaml(selfAddress);
    }
    // The first configuration waits (briefly) for the permission probes, so that jobs the cluster
    // refuses are not started only to be removed.
    await cluster.ready(3000);
    const compose = (): VigilConfig => {
      const generated = opts.defaultJobs === false ? '' : cluster.scrapeConfigsYaml();
      const composed = withScrapeConfigs(baseYaml, generated);
      if (composed.overridden.length > 0) log('info', `config: the file's own scrape configs replace the default jobs ${composed.overridden.join(', ')}`);
      if (composed.added.length === 0) return opts.configFile ? loadConfigFile(opts.configFile) : loadConfig(baseYaml, opts.configFile ?? '');
      try {
        return loadConfig(composed.yaml, opts.configFile ?? '');
      } catch (e) {
        // A defect of the generated jobs must not stop the user's own configuration.
        log('error', `config: the default jobs could not be loaded, running without them: ${(e as Error).message}`);
        return opts.configFile ? loadConfigFile(opts.configFile) : loadConfig(baseYaml, opts.configFile ?? '');
      }
    };
    config = compose();
    for (const w of config.warnings) log('warn', `config: ${w.message}`, { line: w.line });
    // Rules: recording and alerting rules of the rule_files, evaluated over the storage.
    const ruleManager = new RuleManager({
      query: engineQueryFunc(engine, storage),
      appendable: storage,
      queryable: storage,
      externalURL: server.url,
      logger: (level, msg, f) => log(level, msg, { component: 'rules', ...f }),
      hold: () => gaps.hold(),
    });
    rules = ruleManager;
    stops.push(() => ruleManager.stop());
    ruleManager.onAlerts((a) => alerting.receive(a));
    forwarder.applyConfig(config);
    ruleManager.onAlerts((a) => forwarder.send(a));
    starter.ensureCopy();
    ruleManager.setExtraRules(() => starter.extraRules());
    ruleManager.applyConfig(config);

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
      factory: opts.kubeState ?? kubeStateFactory(kube),
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
      ruleManager.applyConfig(next);
      forwarder.applyConfig(next);
      discovery.applyConfig(new Map(next.scrapeConfigs.map((sc) => [sc.jobName, sc])));
      log('info', `configuration reloaded: ${why}`, { jobs: next.scrapeConfigs.length });
    };

    // Demo history is written in the background: serving and live scraping do not wait for it.
    let stopping = false;
    let history: Promise<void> = Promise.resolve();
    if (demo && opts.demoHistoryMs !== 0) {
      const d = demo;
      history = backfillDemoHistory({ scrape, clusters: d, storage, endMs: demoStart, historyMs: opts.demoHistoryMs ?? DEMO_HISTORY_MS, logger: log, cancelled: () => stopping })
        .then((r) => log('info', `demo: wrote ${r.samples} samples of history (${r.scrapes} scrapes of ${r.targets} targets, ${new Date(r.fromMs).toISOString()} to ${new Date(r.toMs).toISOString()}) in ${r.ms} ms`, { component: 'demo' }))
        .catch((e: Error) => log('error', `demo: the history backfill failed: ${e.message}`, { component: 'demo' }));
      stops.push(() => history);
    }
    // (stops run in reverse: the backfill is told to stop before it is awaited.)
    stops.push(() => {
      stopping = true;
    });

    return {
      url: server.url,
      demo,
      history,
      routes,
      storage,
      get config() {
        return config!;
      },
      cluster,
      retention,
      kube,
      rules: ruleManager,
      alerting,
      reloadAlerting: () => applyAm(false),
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
