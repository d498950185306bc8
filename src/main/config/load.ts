/**
 * Loading prometheus.yml: strict YAML reading with positions (unknown fields are errors naming
 * file:line:col), Prometheus 3's defaults and validation (config/config.go, common HTTP client
 * config, relabel, kubernetes SD), global values inherited by scrape configs.
 */
import * as path from 'node:path';
import type { Node } from 'yaml';
import type { Label, Labels } from '../../common/model/labels';
import { labelsFromRecord } from '../../common/model/labels';
import { formatDuration } from '../../common/model/time';
import { DEFAULT_RELABEL_CONFIG, isValidLabelName, parseRelabelAction, validateRelabelConfig } from '../relabel/index';
import type { NameValidationScheme, RelabelConfig } from '../relabel/index';
import {
  ConfigError,
  DEFAULT_PROTO_FIRST_SCRAPE_PROTOCOLS,
  DEFAULT_SCRAPE_PROTOCOLS,
  SCRAPE_PROTOCOL_HEADERS,
} from './types';
import type {
  AlertingConfig,
  AlertmanagerConfig,
  Authorization,
  BasicAuth,
  ConfigIssue,
  EscapingScheme,
  GlobalConfig,
  HeaderValues,
  HTTPClientConfig,
  OAuth2Config,
  ScrapeConfig,
  StorageConfig,
  ScrapeProtocol,
  TLSConfig,
  UnsupportedSDConfig,
  VigilConfig,
} from './types';
import { Walker } from './yamlwalk';
import type { Fields, YNode } from './yamlwalk';
import type { TargetGroup } from '../discovery/targetgroup';
import type { SDConfigContext } from '../discovery/discoverer';
import { DISCOVERY_KINDS, discoveryKind } from '../discovery/providers';

const MIN = 60_000;

/** DEFAULT_GLOBAL_CONFIG is Prometheus's default global section. */
export const DEFAULT_GLOBAL_CONFIG: Readonly<GlobalConfig> = Object.freeze({
  scrapeInterval: MIN,
  scrapeTimeout: 10_000,
  scrapeProtocols: null,
  evaluationInterval: MIN,
  ruleQueryOffset: 0,
  queryLogFile: '',
  scrapeFailureLogFile: '',
  externalLabels: [],
  bodySizeLimit: 0,
  sampleLimit: 0,
  targetLimit: 0,
  labelLimit: 0,
  labelNameLengthLimit: 0,
  labelValueLengthLimit: 0,
  keepDroppedTargets: 0,
  metricNameValidationScheme: 'utf8',
  metricNameEscapingScheme: 'allow-utf-8',
  scrapeNativeHistograms: false,
  convertClassicHistogramsToNHCB: false,
  alwaysScrapeClassicHistograms: false,
  extraScrapeMetrics: false,
});

/** DEFAULT_TLS_CONFIG is an empty tls_config. */
export const DEFAULT_TLS_CONFIG: Readonly<TLSConfig> = Object.freeze({
  ca: '',
  caFile: '',
  cert: '',
  certFile: '',
  key: '',
  keyFile: '',
  serverName: '',
  insecureSkipVerify: false,
  minVersion: '',
  maxVersion: '',
});

/** defaultHTTPClientConfig returns Prometheus's DefaultHTTPClientConfig. */
export function defaultHTTPClientConfig(): HTTPClientConfig {
  return {
    basicAuth: null,
    authorization: null,
    oauth2: null,
    tlsConfig: { ...DEFAULT_TLS_CONFIG },
    followRedirects: true,
    enableHTTP2: true,
    proxyUrl: '',
    noProxy: '',
    proxyFromEnvironment: false,
    proxyConnectHeader: {},
    httpHeaders: {},
  };
}

const GLOBAL_FIELDS = [
  'scrape_interval',
  'scrape_timeout',
  'scrape_protocols',
  'evaluation_interval',
  'rule_query_offset',
  'query_log_file',
  'scrape_failure_log_file',
  'external_labels',
  'body_size_limit',
  'sample_limit',
  'target_limit',
  'label_limit',
  'label_name_length_limit',
  'label_value_length_limit',
  'keep_dropped_targets',
  'metric_name_validation_scheme',
  'metric_name_escaping_scheme',
  'scrape_native_histograms',
  'convert_classic_histograms_to_nhcb',
  'always_scrape_classic_histograms',
  'extra_scrape_metrics',
];

const HTTP_CLIENT_FIELDS = [
  'basic_auth',
  'authorization',
  'oauth2',
  'bearer_token',
  'bearer_token_file',
  'tls_config',
  'follow_redirects',
  'enable_http2',
  'proxy_url',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
  'http_headers',
];

/** PROMETHEUS_SD_KINDS are the service discoveries Prometheus has (`<kind>_sd_configs`). */
const PROMETHEUS_SD_KINDS = [
  'azure',
  'consul',
  'digitalocean',
  'docker',
  'dockerswarm',
  'dns',
  'ec2',
  'eureka',
  'file',
  'gce',
  'hetzner',
  'http',
  'ionos',
  'kubernetes',
  'kuma',
  'lightsail',
  'linode',
  'marathon',
  'nerve',
  'nomad',
  'openstack',
  'ovhcloud',
  'puppetdb',
  'scaleway',
  'serverset',
  'stackit',
  'triton',
  'uyuni',
  'vultr',
];
/** SD_KINDS adds the kinds only Vigil has (`vigil_sd_configs`). */
const SD_KINDS = [...new Set([...PROMETHEUS_SD_KINDS, ...DISCOVERY_KINDS.map((k) => k.kind)])];
const SD_FIELDS = ['static_configs', ...SD_KINDS.map((k) => `${k}_sd_configs`)];

const SCRAPE_FIELDS = [
  'job_name',
  'honor_labels',
  'honor_timestamps',
  'track_timestamps_staleness',
  'params',
  'scrape_interval',
  'scrape_timeout',
  'scrape_protocols',
  'fallback_scrape_protocol',
  'scrape_native_histograms',
  'always_scrape_classic_histograms',
  'convert_classic_histograms_to_nhcb',
  'scrape_failure_log_file',
  'metrics_path',
  'scheme',
  'enable_compression',
  'body_size_limit',
  'sample_limit',
  'target_limit',
  'label_limit',
  'label_name_length_limit',
  'label_value_length_limit',
  'native_histogram_bucket_limit',
  'native_histogram_min_bucket_factor',
  'keep_dropped_targets',
  'metric_name_validation_scheme',
  'metric_name_escaping_scheme',
  'extra_scrape_metrics',
  'kubernetes_transport',
  'relabel_configs',
  'metric_relabel_configs',
  ...HTTP_CLIENT_FIELDS,
  ...SD_FIELDS,
];

const TOP_FIELDS = ['global', 'runtime', 'alerting', 'rule_files', 'scrape_config_files', 'scrape_configs', 'storage', 'tracing', 'remote_write', 'remote_read', 'otlp'];
const IGNORED_TOP = ['runtime', 'tracing', 'remote_write', 'remote_read', 'otlp'];

const KUBERNETES_TRANSPORTS: readonly string[] = ['auto', 'api-proxy', 'port-forward', 'direct'];
const PAT_RULE_PATH = /^[^*]*(\*[^/]*)?$/;
const ESCAPING: readonly string[] = ['allow-utf-8', 'underscores', 'dots', 'values'];

/** LoadOptions tune loadConfig. */
export interface LoadOptions {
  /** env expands $VAR in external_labels (default process.env). */
  env?: Record<string, string | undefined>;
}

/** ParseResult is what parseConfig returns: the config when there were no errors. */
export interface ParseResult {
  config: VigilConfig | null;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

/**
 * loadConfig parses prometheus.yml text. filename names the file in messages and anchors relative
 * paths. Throws ConfigError listing every problem with its position.
 */
export function loadConfig(text: string, filename: string, opts: LoadOptions = {}): VigilConfig {
  const r = parseConfig(text, filename, opts);
  if (r.config === null) throw new ConfigError(r.errors);
  return r.config;
}

/** parseConfig is loadConfig returning the issues instead of throwing. */
export function parseConfig(text: string, filename: string, opts: LoadOptions = {}): ParseResult {
  const w = new Walker(filename, text);
  const loader = new Loader(w, filename === '' ? '' : path.dirname(filename), opts.env ?? process.env);
  const cfg = loader.load();
  cfg.text = text;
  return { config: w.issues.length === 0 ? cfg : null, errors: w.issues, warnings: w.warnings };
}

/** parseScrapeConfigsFile reads a scrape_config_files file (only `scrape_configs`) against a global section. */
export function parseScrapeConfigsFile(text: string, filename: string, global: GlobalConfig): { scrapeConfigs: ScrapeConfig[]; errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  const w = new Walker(filename, text);
  const loader = new Loader(w, path.dirname(filename), process.env);
  const f = w.fields(w.root(), 'config.ScrapeConfigs', ['scrape_configs']);
  const out: ScrapeConfig[] = [];
  if (f !== null) {
    for (const item of w.seq(f.get('scrape_configs')?.value ?? null, '[]*config.ScrapeConfig')) {
      const sc = loader.scrapeConfig(item, global);
      if (sc !== null) out.push(sc);
    }
  }
  return { scrapeConfigs: out, errors: w.issues, warnings: w.warnings };
}

class Loader {
  constructor(
    private readonly w: Walker,
    private readonly dir: string,
    private readonly env: Record<string, string | undefined>,
  ) {}

  private joinDir(p: string): string {
    if (p === '' || this.dir === '' || path.isAbsolute(p)) return p;
    return path.join(this.dir, p);
  }

  load(): VigilConfig {
    const w = this.w;
    const root = w.root();
    const cfg: VigilConfig = {
      global: { ...DEFAULT_GLOBAL_CONFIG, externalLabels: [] },
      scrapeConfigs: [],
      ruleFiles: [],
      scrapeConfigFiles: [],
      alerting: { alertRelabelConfigs: [], alertmanagers: [] },
      storage: { maxExemplars: null },
      warnings: w.warnings,
      filename: w.file,
      text: '',
    };
    if (w.issues.length > 0) return cfg;
    const f = w.fields(root, 'config.Config', TOP_FIELDS);
    if (f === null) return cfg;
    if (f.has('global')) cfg.global = this.global(f.get('global')!.value);
    if (f.has('storage')) cfg.storage = this.storage(f.get('storage')!.value);
    for (const k of IGNORED_TOP) {
      const e = f.get(k);
      if (e && !w.isNull(e.value)) w.warn(e.key, `${k} is accepted for compatibility but not used by Vigil`);
    }
    for (const item of w.seq(f.get('rule_files')?.value ?? null, '[]string')) {
      const s = w.str(item);
      if (!PAT_RULE_PATH.test(s)) w.err(item, `invalid rule file path ${JSON.stringify(s)}`);
      else cfg.ruleFiles.push(this.joinDir(s));
    }
    for (const item of w.seq(f.get('scrape_config_files')?.value ?? null, '[]string')) {
      const s = w.str(item);
      if (!PAT_RULE_PATH.test(s)) w.err(item, `invalid scrape config file path ${JSON.stringify(s)}`);
      else cfg.scrapeConfigFiles.push(this.joinDir(s));
    }
    const jobs = new Map<string, number>();
    for (const item of w.seq(f.get('scrape_configs')?.value ?? null, '[]*config.ScrapeConfig')) {
      if (w.isNull(item)) {
        w.err(item ?? f.get('scrape_configs')!.key, 'empty or null scrape config section');
        continue;
      }
      const sc = this.scrapeConfig(item, cfg.global);
      if (sc === null) continue;
      if (jobs.has(sc.jobName)) {
        w.err(item, `found multiple scrape configs with job name ${JSON.stringify(sc.jobName)} (first at line ${jobs.get(sc.jobName)})`);
        continue;
      }
      jobs.set(sc.jobName, w.position(item).line);
      cfg.scrapeConfigs.push(sc);
    }
    if (f.has('alerting')) cfg.alerting = this.alerting(f.get('alerting')!.value, cfg.global.metricNameValidationScheme);
    return cfg;
  }

  /** storage reads `storage:`; only exemplars.max_exemplars is used (tsdb settings are flags in Vigil). */
  private storage(n: YNode): StorageConfig {
    const w = this.w;
    const out: StorageConfig = { maxExemplars: null };
    const f = w.fields(n, 'config.StorageConfig', ['tsdb', 'exemplars']);
    if (f === null) return out;
    const tsdb = f.get('tsdb');
    if (tsdb && !w.isNull(tsdb.value)) w.warn(tsdb.key, 'storage.tsdb is accepted for compatibility but not used by Vigil');
    const ex = f.get('exemplars');
    if (ex && !w.isNull(ex.value)) {
      const g = w.fields(ex.value, 'config.ExemplarsConfig', ['max_exemplars']);
      const m = g?.get('max_exemplars');
      if (m && !w.isNull(m.value)) {
        const v = w.float(m.value);
        if (!Number.isInteger(v)) w.err(m.value, `cannot unmarshal ${JSON.stringify(String(v))} into int64`);
        else out.maxExemplars = Math.max(0, v);
      }
    }
    return out;
  }

  private global(n: YNode): GlobalConfig {
    const w = this.w;
    const g: GlobalConfig = { ...DEFAULT_GLOBAL_CONFIG, externalLabels: [], scrapeInterval: 0, scrapeTimeout: 0, evaluationInterval: 0 };
    const f = w.fields(n, 'config.GlobalConfig', GLOBAL_FIELDS);
    if (f === null) return { ...DEFAULT_GLOBAL_CONFIG, externalLabels: [] };
    const v = (k: string): YNode => f.get(k)?.value ?? null;
    g.scrapeInterval = w.duration(v('scrape_interval'), 0);
    g.scrapeTimeout = w.duration(v('scrape_timeout'), 0);
    g.evaluationInterval = w.duration(v('evaluation_interval'), 0);
    g.ruleQueryOffset = w.duration(v('rule_query_offset'), 0);
    g.queryLogFile = this.joinDir(w.str(v('query_log_file')));
    g.scrapeFailureLogFile = this.joinDir(w.str(v('scrape_failure_log_file')));
    g.bodySizeLimit = w.size(v('body_size_limit'));
    g.sampleLimit = w.uint(v('sample_limit'));
    g.targetLimit = w.uint(v('target_limit'));
    g.labelLimit = w.uint(v('label_limit'));
    g.labelNameLengthLimit = w.uint(v('label_name_length_limit'));
    g.labelValueLengthLimit = w.uint(v('label_value_length_limit'));
    g.keepDroppedTargets = w.uint(v('keep_dropped_targets'));
    const scheme = w.str(v('metric_name_validation_scheme'));
    g.metricNameValidationScheme = scheme === 'legacy' ? 'legacy' : 'utf8';
    const esc = w.str(v('metric_name_escaping_scheme'));
    if (esc !== '' && !ESCAPING.includes(esc)) {
      w.err(v('metric_name_escaping_scheme'), `unknown global name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got ${JSON.stringify(esc)}`);
    }
    g.metricNameEscapingScheme = esc === '' ? (g.metricNameValidationScheme === 'legacy' ? 'underscores' : 'allow-utf-8') : (esc as EscapingScheme);
    g.scrapeNativeHistograms = w.bool(v('scrape_native_histograms'), false);
    g.convertClassicHistogramsToNHCB = w.bool(v('convert_classic_histograms_to_nhcb'), false);
    g.alwaysScrapeClassicHistograms = w.bool(v('always_scrape_classic_histograms'), false);
    g.extraScrapeMetrics = w.bool(v('extra_scrape_metrics'), false);
    g.scrapeProtocols = f.has('scrape_protocols') ? this.protocols(v('scrape_protocols'), 'global config') : null;
    // External labels: validated, then $VAR expanded as Prometheus's Load does.
    const ext: Record<string, string> = {};
    for (const { key, name, value, valueNode } of w.strMap(v('external_labels'), 'labels.Labels')) {
      if (!isValidLabelName(name, g.metricNameValidationScheme)) w.err(key, `${JSON.stringify(name)} is not a valid label name`);
      else if (!isWellFormedText(value)) w.err(valueNode, `${JSON.stringify(value)} is not a valid label value`);
      else ext[name] = expandEnv(value, this.env);
    }
    g.externalLabels = labelsFromRecord(ext);
    if (g.scrapeInterval === 0) g.scrapeInterval = DEFAULT_GLOBAL_CONFIG.scrapeInterval;
    if (g.scrapeTimeout > g.scrapeInterval) {
      w.err(f.get('scrape_timeout')?.key ?? n, 'global scrape timeout greater than scrape interval');
    }
    if (g.scrapeTimeout === 0) g.scrapeTimeout = Math.min(DEFAULT_GLOBAL_CONFIG.scrapeTimeout, g.scrapeInterval);
    if (g.evaluationInterval === 0) g.evaluationInterval = DEFAULT_GLOBAL_CONFIG.evaluationInterval;
    return g;
  }

  private protocols(n: YNode, where: string): ScrapeProtocol[] {
    const w = this.w;
    const items = w.seq(n, '[]config.ScrapeProtocol');
    const out: ScrapeProtocol[] = [];
    const seen = new Set<string>();
    if (items.length === 0) w.err(n, `scrape_protocols cannot be empty for ${where}`);
    for (const it of items) {
      const s = w.str(it);
      if (seen.has(s.toLowerCase())) {
        w.err(it, `duplicated protocol in scrape_protocols, got ${JSON.stringify(s)} for ${where}`);
        continue;
      }
      seen.add(s.toLowerCase());
      if (!(s in SCRAPE_PROTOCOL_HEADERS)) {
        w.err(it, `scrape_protocols: unknown scrape protocol ${s}, supported: [${Object.keys(SCRAPE_PROTOCOL_HEADERS).sort().join(' ')}] for ${where}`);
        continue;
      }
      out.push(s as ScrapeProtocol);
    }
    return out;
  }

  /** scrapeConfig reads and validates one scrape config against the global section. */
  scrapeConfig(n: YNode, g: GlobalConfig): ScrapeConfig | null {
    const w = this.w;
    const before = w.issues.length;
    const f = w.fields(n, 'config.ScrapeConfig', SCRAPE_FIELDS);
    if (f === null) return null;
    const v = (k: string): YNode => f.get(k)?.value ?? null;
    const jobName = w.str(v('job_name'));
    const where = `scrape config with job name ${JSON.stringify(jobName)}`;
    if (jobName === '') {
      w.err(f.get('job_name')?.key ?? n, 'job_name is empty');
      return null;
    }
    const scheme = (s: string): NameValidationScheme | null => (s === '' ? null : s === 'legacy' ? 'legacy' : s === 'utf8' ? 'utf8' : null);
    const localScheme = w.str(v('metric_name_validation_scheme'));
    if (localScheme !== '' && scheme(localScheme) === null) {
      w.err(v('metric_name_validation_scheme'), `unknown scrape config name validation method specified, must be either '', 'legacy' or 'utf8', got ${localScheme}`);
    }
    const validation: NameValidationScheme = scheme(localScheme) ?? g.metricNameValidationScheme;
    let escaping = w.str(v('metric_name_escaping_scheme'));
    if (escaping === '') escaping = localScheme === '' ? g.metricNameEscapingScheme : validation === 'legacy' ? 'underscores' : 'allow-utf-8';
    if (!ESCAPING.includes(escaping)) {
      w.err(v('metric_name_escaping_scheme'), `unknown scrape config name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got ${JSON.stringify(escaping)}`);
    } else if (escaping === 'allow-utf-8' && validation !== 'utf8') {
      w.err(v('metric_name_escaping_scheme') ?? n, 'utf8 metric names requested but validation scheme is not set to UTF8');
    }
    const sc: ScrapeConfig = {
      jobName,
      honorLabels: w.bool(v('honor_labels'), false),
      honorTimestamps: w.bool(v('honor_timestamps'), true),
      trackTimestampsStaleness: w.bool(v('track_timestamps_staleness'), false),
      params: {},
      scrapeInterval: w.duration(v('scrape_interval'), 0),
      scrapeTimeout: w.duration(v('scrape_timeout'), 0),
      scrapeProtocols: [],
      fallbackScrapeProtocol: '',
      scrapeNativeHistograms: w.bool(v('scrape_native_histograms'), g.scrapeNativeHistograms),
      alwaysScrapeClassicHistograms: w.bool(v('always_scrape_classic_histograms'), g.alwaysScrapeClassicHistograms),
      convertClassicHistogramsToNHCB: w.bool(v('convert_classic_histograms_to_nhcb'), g.convertClassicHistogramsToNHCB),
      scrapeFailureLogFile: this.joinDir(w.str(v('scrape_failure_log_file'))) || g.scrapeFailureLogFile,
      metricsPath: f.has('metrics_path') ? w.str(v('metrics_path')) || '/metrics' : '/metrics',
      scheme: f.has('scheme') ? w.str(v('scheme')) || 'http' : 'http',
      enableCompression: w.bool(v('enable_compression'), true),
      bodySizeLimit: w.size(v('body_size_limit')) || g.bodySizeLimit,
      sampleLimit: w.uint(v('sample_limit')) || g.sampleLimit,
      targetLimit: w.uint(v('target_limit')) || g.targetLimit,
      labelLimit: w.uint(v('label_limit')) || g.labelLimit,
      labelNameLengthLimit: w.uint(v('label_name_length_limit')) || g.labelNameLengthLimit,
      labelValueLengthLimit: w.uint(v('label_value_length_limit')) || g.labelValueLengthLimit,
      nativeHistogramBucketLimit: w.uint(v('native_histogram_bucket_limit')),
      nativeHistogramMinBucketFactor: w.float(v('native_histogram_min_bucket_factor')),
      keepDroppedTargets: w.uint(v('keep_dropped_targets')) || g.keepDroppedTargets,
      metricNameValidationScheme: validation,
      metricNameEscapingScheme: (ESCAPING.includes(escaping) ? escaping : 'allow-utf-8') as EscapingScheme,
      extraScrapeMetrics: w.bool(v('extra_scrape_metrics'), g.extraScrapeMetrics),
      kubernetesTransport: 'auto',
      httpClient: this.httpClient(f, `job ${JSON.stringify(jobName)}`),
      relabelConfigs: this.relabelList(v('relabel_configs'), validation, 'target'),
      metricRelabelConfigs: this.relabelList(v('metric_relabel_configs'), validation, 'metric'),
      staticConfigs: [],
      sdConfigs: [],
      unsupportedSDConfigs: [],
    };
    for (const { name, valueNode } of w.entries(v('params'), 'url.Values')) sc.params[name] = w.strList(valueNode);
    // Interval and timeout: inherit, then check as Prometheus's ScrapeConfig.Validate.
    if (sc.scrapeInterval === 0) sc.scrapeInterval = g.scrapeInterval;
    if (sc.scrapeTimeout > sc.scrapeInterval) {
      w.err(f.get('scrape_timeout')?.key ?? f.get('scrape_interval')?.key ?? n, `scrape timeout greater than scrape interval for ${where} (${formatDuration(sc.scrapeTimeout)} > ${formatDuration(sc.scrapeInterval)})`);
    }
    if (sc.scrapeTimeout === 0) sc.scrapeTimeout = Math.min(g.scrapeTimeout, sc.scrapeInterval);
    if (f.has('scrape_protocols')) sc.scrapeProtocols = this.protocols(v('scrape_protocols'), where);
    else sc.scrapeProtocols = [...(g.scrapeProtocols ?? (sc.scrapeNativeHistograms ? DEFAULT_PROTO_FIRST_SCRAPE_PROTOCOLS : DEFAULT_SCRAPE_PROTOCOLS))];
    const fb = w.str(v('fallback_scrape_protocol'));
    if (fb !== '') {
      if (!(fb in SCRAPE_PROTOCOL_HEADERS)) {
        w.err(v('fallback_scrape_protocol'), `invalid fallback_scrape_protocol for ${where}: unknown scrape protocol ${fb}, supported: [${Object.keys(SCRAPE_PROTOCOL_HEADERS).sort().join(' ')}]`);
      } else sc.fallbackScrapeProtocol = fb as ScrapeProtocol;
    }
    if (f.has('kubernetes_transport')) {
      // Vigil's extension: how targets of kubernetes_sd_configs are reached (src/main/scrape/kubernetes.ts).
      const kt = w.str(v('kubernetes_transport'));
      if (!KUBERNETES_TRANSPORTS.includes(kt)) w.err(v('kubernetes_transport'), `kubernetes_transport must be one of ${KUBERNETES_TRANSPORTS.join(', ')}, got ${JSON.stringify(kt)}`);
      else sc.kubernetesTransport = kt as ScrapeConfig['kubernetesTransport'];
    }
    this.sdConfigs(f, sc, sc.relabelConfigs.length === 0);
    return w.issues.length === before ? sc : null;
  }

  /**
   * sdConfigs reads static_configs and the `<kind>_sd_configs` sections: kinds Vigil implements are
   * parsed by their discovery (src/main/discovery/providers.ts); other kinds Prometheus knows are
   * accepted with a warning.
   */
  private sdConfigs(f: Fields, into: Pick<ScrapeConfig, 'staticConfigs' | 'sdConfigs' | 'unsupportedSDConfigs'>, checkTargets: boolean): void {
    const w = this.w;
    let source = 0;
    for (const item of w.seq(f.get('static_configs')?.value ?? null, '[]*targetgroup.Group')) {
      const sf = w.fields(item, 'targetgroup.Group', ['targets', 'labels']);
      if (sf === null) continue;
      const targets: Labels[] = [];
      for (const t of w.seq(sf.get('targets')?.value ?? null, '[]string')) {
        const addr = w.str(t);
        if (checkTargets && addr.includes('/')) w.err(t, `${JSON.stringify(addr)} is not a valid hostname`);
        targets.push([{ name: '__address__', value: addr }]);
      }
      const lbls: Record<string, string> = {};
      for (const { key, name, value } of w.strMap(sf.get('labels')?.value ?? null, 'model.LabelSet')) {
        if (!isValidLabelName(name, 'utf8')) w.err(key, `${JSON.stringify(name)} is not a valid label name`);
        lbls[name] = value;
      }
      into.staticConfigs.push({ source: String(source++), targets, labels: labelsFromRecord(lbls) } satisfies TargetGroup);
    }
    for (const kind of SD_KINDS) {
      const e = f.get(`${kind}_sd_configs`);
      if (!e) continue;
      const impl = discoveryKind(kind);
      if (impl !== undefined) {
        for (const item of w.seq(e.value, `[]*${kind}.SDConfig`)) {
          const c = impl.parse(item, this.sdContext);
          if (c !== null) into.sdConfigs.push(c);
        }
        continue;
      }
      const items = w.seq(e.value, `[]*${kind}.SDConfig`);
      for (const it of items) if (w.fields(it, `${kind}.SDConfig`, () => true) === null) continue;
      const u: UnsupportedSDConfig = { kind, count: items.length, line: w.position(e.key).line };
      into.unsupportedSDConfigs.push(u);
      w.warn(e.key, `${kind}_sd_configs is not supported by Vigil; its targets will not be discovered`);
    }
  }

  private sdCtx: SDConfigContext | null = null;

  /** sdContext is what discovery kinds parse their sections with. */
  private get sdContext(): SDConfigContext {
    this.sdCtx ??= {
      w: this.w,
      joinDir: (p) => this.joinDir(p),
      httpClient: (f, where) => this.httpClient(f, where),
      httpClientFields: HTTP_CLIENT_FIELDS,
    };
    return this.sdCtx;
  }

  /** httpClient reads the inline HTTP client fields of a section and validates them as Prometheus. */
  private httpClient(f: Fields, where: string): HTTPClientConfig {
    const w = this.w;
    const c = defaultHTTPClientConfig();
    const v = (k: string): YNode => f.get(k)?.value ?? null;
    const anchor: Node | null = f.values().next().value?.key ?? null;
    const at = (k: string): Node | null => f.get(k)?.key ?? anchor;
    if (f.has('basic_auth')) {
      const bf = w.fields(v('basic_auth'), 'config.BasicAuth', ['username', 'username_file', 'username_ref', 'password', 'password_file', 'password_ref']);
      if (bf !== null) {
        const b: BasicAuth = {
          username: w.str(bf.get('username')?.value ?? null),
          usernameFile: this.joinDir(w.str(bf.get('username_file')?.value ?? null)),
          password: w.str(bf.get('password')?.value ?? null),
          passwordFile: this.joinDir(w.str(bf.get('password_file')?.value ?? null)),
        };
        if (bf.has('username_ref') || bf.has('password_ref')) w.err(at('basic_auth'), 'username_ref and password_ref are not supported by Vigil');
        if (b.username !== '' && b.usernameFile !== '') w.err(at('basic_auth'), 'at most one of basic_auth username, username_file & username_ref must be configured');
        if (b.password !== '' && b.passwordFile !== '') w.err(at('basic_auth'), 'at most one of basic_auth password, password_file & password_ref must be configured');
        c.basicAuth = b;
      }
    }
    if (f.has('authorization')) {
      const af = w.fields(v('authorization'), 'config.Authorization', ['type', 'credentials', 'credentials_file', 'credentials_ref']);
      if (af !== null) {
        const a: Authorization = {
          type: w.str(af.get('type')?.value ?? null).trim() || 'Bearer',
          credentials: w.str(af.get('credentials')?.value ?? null),
          credentialsFile: this.joinDir(w.str(af.get('credentials_file')?.value ?? null)),
        };
        if (af.has('credentials_ref')) w.err(at('authorization'), 'credentials_ref is not supported by Vigil');
        if (a.credentials !== '' && a.credentialsFile !== '') w.err(at('authorization'), 'at most one of authorization credentials & credentials_file must be configured');
        if (a.type.toLowerCase() === 'basic') w.err(at('authorization'), 'authorization type cannot be set to "basic", use "basic_auth" instead');
        c.authorization = a;
      }
    }
    if (f.has('oauth2')) {
      const of = w.fields(v('oauth2'), 'config.OAuth2', [
        'client_id',
        'client_secret',
        'client_secret_file',
        'client_secret_ref',
        'scopes',
        'token_url',
        'endpoint_params',
        'tls_config',
        'proxy_url',
        'no_proxy',
        'proxy_from_environment',
        'proxy_connect_header',
      ]);
      if (of !== null) {
        const o: OAuth2Config = {
          clientId: w.str(of.get('client_id')?.value ?? null),
          clientSecret: w.str(of.get('client_secret')?.value ?? null),
          clientSecretFile: this.joinDir(w.str(of.get('client_secret_file')?.value ?? null)),
          scopes: w.strList(of.get('scopes')?.value ?? null),
          tokenUrl: w.str(of.get('token_url')?.value ?? null),
          endpointParams: Object.fromEntries(w.strMap(of.get('endpoint_params')?.value ?? null, 'map[string]string').map((e) => [e.name, e.value])),
          tlsConfig: this.tls(of.get('tls_config')?.value ?? null, at('oauth2')),
          proxyUrl: w.str(of.get('proxy_url')?.value ?? null),
        };
        if (o.clientId === '') w.err(at('oauth2'), 'oauth2 client_id must be configured');
        if (o.tokenUrl === '') w.err(at('oauth2'), 'oauth2 token_url must be configured');
        if (o.clientSecret !== '' && o.clientSecretFile !== '') w.err(at('oauth2'), 'at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured');
        c.oauth2 = o;
        w.warn(at('oauth2'), `oauth2 is not supported by Vigil's scraper yet (${where})`);
      }
    }
    const bearer = w.str(v('bearer_token'));
    const bearerFile = this.joinDir(w.str(v('bearer_token_file')));
    if (bearer !== '' && bearerFile !== '') w.err(at('bearer_token'), 'at most one of bearer_token & bearer_token_file must be configured');
    if ((c.basicAuth !== null || c.oauth2 !== null) && (bearer !== '' || bearerFile !== '')) {
      w.err(at(bearer !== '' ? 'bearer_token' : 'bearer_token_file'), 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
    }
    if (c.authorization !== null) {
      if (bearer !== '' || bearerFile !== '') w.err(at('authorization'), 'authorization is not compatible with bearer_token & bearer_token_file');
      if (c.basicAuth !== null || c.oauth2 !== null) w.err(at('authorization'), 'at most one of basic_auth, oauth2 & authorization must be configured');
    } else if (bearer !== '') c.authorization = { type: 'Bearer', credentials: bearer, credentialsFile: '' };
    else if (bearerFile !== '') c.authorization = { type: 'Bearer', credentials: '', credentialsFile: bearerFile };
    if (c.oauth2 !== null && c.basicAuth !== null) w.err(at('oauth2'), 'at most one of basic_auth, oauth2 & authorization must be configured');
    if (f.has('tls_config')) c.tlsConfig = this.tls(v('tls_config'), at('tls_config'));
    c.followRedirects = w.bool(v('follow_redirects'), true);
    c.enableHTTP2 = w.bool(v('enable_http2'), true);
    c.proxyUrl = w.str(v('proxy_url'));
    c.noProxy = w.str(v('no_proxy'));
    c.proxyFromEnvironment = w.bool(v('proxy_from_environment'), false);
    for (const { name, valueNode } of w.entries(v('proxy_connect_header'), 'config.ProxyHeader')) c.proxyConnectHeader[name] = w.strList(valueNode);
    if (c.proxyUrl !== '' && !/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(c.proxyUrl)) w.err(v('proxy_url'), `parse ${JSON.stringify(c.proxyUrl)}: invalid proxy URL`);
    if (Object.keys(c.proxyConnectHeader).length > 0 && c.proxyUrl === '' && !c.proxyFromEnvironment) {
      w.err(at('proxy_connect_header'), 'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured');
    }
    if (c.proxyFromEnvironment && c.proxyUrl !== '') w.err(at('proxy_from_environment'), 'if proxy_from_environment is configured, proxy_url must not be configured');
    if (c.proxyFromEnvironment && c.noProxy !== '') w.err(at('proxy_from_environment'), 'if proxy_from_environment is configured, no_proxy must not be configured');
    if (c.noProxy !== '' && c.proxyUrl === '') w.err(at('no_proxy'), 'if no_proxy is configured, proxy_url must also be configured');
    for (const { key, name, valueNode } of w.entries(v('http_headers'), 'config.Headers')) {
      const hf = w.fields(valueNode, 'config.Header', ['values', 'secrets', 'files']);
      if (hf === null) continue;
      const hv: HeaderValues = {
        values: w.strList(hf.get('values')?.value ?? null),
        secrets: w.strList(hf.get('secrets')?.value ?? null),
        files: w.strList(hf.get('files')?.value ?? null).map((x) => this.joinDir(x)),
      };
      if (RESERVED_HEADERS.has(name.toLowerCase())) w.err(key, `setting header ${JSON.stringify(name)} is not allowed`);
      c.httpHeaders[name] = hv;
    }
    return c;
  }

  private tls(n: YNode, anchor: Node | null): TLSConfig {
    const w = this.w;
    const tf = w.fields(n, 'config.TLSConfig', ['ca', 'ca_file', 'ca_ref', 'cert', 'cert_file', 'cert_ref', 'key', 'key_file', 'key_ref', 'server_name', 'insecure_skip_verify', 'min_version', 'max_version']);
    const t: TLSConfig = { ...DEFAULT_TLS_CONFIG };
    if (tf === null) return t;
    const v = (k: string): YNode => tf.get(k)?.value ?? null;
    const at = n ?? anchor;
    t.ca = w.str(v('ca'));
    t.caFile = this.joinDir(w.str(v('ca_file')));
    t.cert = w.str(v('cert'));
    t.certFile = this.joinDir(w.str(v('cert_file')));
    t.key = w.str(v('key'));
    t.keyFile = this.joinDir(w.str(v('key_file')));
    t.serverName = w.str(v('server_name'));
    t.insecureSkipVerify = w.bool(v('insecure_skip_verify'), false);
    t.minVersion = w.str(v('min_version'));
    t.maxVersion = w.str(v('max_version'));
    if (tf.has('ca_ref') || tf.has('cert_ref') || tf.has('key_ref')) w.err(at, 'ca_ref, cert_ref and key_ref are not supported by Vigil');
    if (t.ca !== '' && t.caFile !== '') w.err(at, 'at most one of ca and ca_file must be configured');
    if (t.cert !== '' && t.certFile !== '') w.err(at, 'at most one of cert and cert_file must be configured');
    if (t.key !== '' && t.keyFile !== '') w.err(at, 'at most one of key and key_file must be configured');
    const hasCert = t.cert !== '' || t.certFile !== '';
    const hasKey = t.key !== '' || t.keyFile !== '';
    if (hasCert && !hasKey) w.err(at, 'exactly one of key or key_file must be configured when a client certificate is configured');
    if (hasKey && !hasCert) w.err(at, 'exactly one of cert or cert_file must be configured when a client key is configured');
    for (const k of ['min_version', 'max_version']) {
      const s = w.str(v(k));
      if (s !== '' && !TLS_VERSIONS.includes(s)) w.err(v(k), `unknown TLS version: ${s}`);
    }
    return t;
  }

  private relabelList(n: YNode, scheme: NameValidationScheme, kind: 'target' | 'metric' | 'alert' | 'alertmanager'): RelabelConfig[] {
    const w = this.w;
    const out: RelabelConfig[] = [];
    for (const item of w.seq(n, '[]*relabel.Config')) {
      if (w.isNull(item)) {
        w.err(item ?? n, kind === 'target' ? 'empty or null target relabeling rule in scrape config' : kind === 'metric' ? 'empty or null metric relabeling rule in scrape config' : 'empty or null relabeling rule');
        continue;
      }
      const f = w.fields(item, 'relabel.Config', ['source_labels', 'separator', 'regex', 'modulus', 'target_label', 'replacement', 'action']);
      if (f === null) continue;
      const v = (k: string): YNode => f.get(k)?.value ?? null;
      const actionStr = f.has('action') ? w.str(v('action')) : 'replace';
      const action = parseRelabelAction(actionStr);
      if (action === null) {
        w.err(v('action') ?? item, `unknown relabel action ${JSON.stringify(actionStr)}`);
        continue;
      }
      const rc: RelabelConfig = {
        sourceLabels: f.has('source_labels') ? w.strList(v('source_labels'), 'model.LabelNames') : null,
        separator: f.has('separator') ? w.str(v('separator')) : DEFAULT_RELABEL_CONFIG.separator,
        regex: f.has('regex') ? w.str(v('regex')) : DEFAULT_RELABEL_CONFIG.regex,
        modulus: w.uint(v('modulus'), 'uint64'),
        targetLabel: w.str(v('target_label')),
        replacement: f.has('replacement') ? w.str(v('replacement')) : DEFAULT_RELABEL_CONFIG.replacement,
        action,
      };
      const bad = validateRelabelConfig(rc, scheme);
      if (bad !== null) {
        w.err(item, bad);
        continue;
      }
      out.push(rc);
    }
    return out;
  }

  private alerting(n: YNode, scheme: NameValidationScheme): AlertingConfig {
    const w = this.w;
    const out: AlertingConfig = { alertRelabelConfigs: [], alertmanagers: [] };
    const f = w.fields(n, 'config.AlertingConfig', ['alert_relabel_configs', 'alertmanagers']);
    if (f === null) return out;
    out.alertRelabelConfigs = this.relabelList(f.get('alert_relabel_configs')?.value ?? null, scheme, 'alert');
    for (const item of w.seq(f.get('alertmanagers')?.value ?? null, 'config.AlertmanagerConfigs')) {
      const af = w.fields(item, 'config.AlertmanagerConfig', ['scheme', 'path_prefix', 'timeout', 'api_version', 'relabel_configs', 'alert_relabel_configs', 'sigv4', ...HTTP_CLIENT_FIELDS, ...SD_FIELDS]);
      if (af === null) continue;
      const v = (k: string): YNode => af.get(k)?.value ?? null;
      const api = af.has('api_version') ? w.str(v('api_version')) : 'v2';
      if (api !== 'v2') w.err(v('api_version'), `expected Alertmanager api version to be one of [v2] but got ${api}`);
      const am: AlertmanagerConfig = {
        scheme: af.has('scheme') ? w.str(v('scheme')) || 'http' : 'http',
        pathPrefix: w.str(v('path_prefix')),
        timeout: w.duration(v('timeout'), 10_000),
        apiVersion: 'v2',
        httpClient: this.httpClient(af, 'alertmanager'),
        relabelConfigs: this.relabelList(v('relabel_configs'), scheme, 'alertmanager'),
        alertRelabelConfigs: this.relabelList(v('alert_relabel_configs'), scheme, 'alert'),
        staticConfigs: [],
        sdConfigs: [],
        unsupportedSDConfigs: [],
      };
      if (af.has('sigv4')) {
        w.fields(v('sigv4'), 'sigv4.SigV4Config', ['region', 'access_key', 'secret_key', 'profile', 'role_arn', 'external_id', 'use_fips_sts_endpoint']);
        if (am.httpClient.basicAuth || am.httpClient.authorization || am.httpClient.oauth2) w.err(af.get('sigv4')!.key, 'at most one of basic_auth, authorization, oauth2, & sigv4 must be configured');
      }
      this.sdConfigs(af, am, am.relabelConfigs.length === 0);
      out.alertmanagers.push(am);
    }
    return out;
  }
}

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
  'x-prometheus-scrape-timeout-seconds',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

function isWellFormedText(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** expandEnv expands $VAR and ${VAR} like Go's os.Expand as Prometheus applies it ($$ is a dollar). */
export function expandEnv(s: string, env: Record<string, string | undefined>): string {
  return s.replace(/\$(\$|\{([^}]*)\}|([A-Za-z0-9_]+))/g, (_m, all: string, braced: string | undefined, bare: string | undefined) => {
    if (all === '$') return '$';
    const name = braced ?? bare ?? '';
    return env[name] ?? '';
  });
}

/** externalLabelsOf is a helper returning external labels as a record (for callers building series). */
export function externalLabelsOf(cfg: VigilConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of cfg.global.externalLabels as readonly Label[]) out[l.name] = l.value;
  return out;
}

/** staticTargetGroups returns every scrape config's static target groups, keyed by job name. */
export function staticTargetGroups(cfg: VigilConfig): Map<string, TargetGroup[]> {
  const out = new Map<string, TargetGroup[]>();
  for (const sc of cfg.scrapeConfigs) out.set(sc.jobName, sc.staticConfigs.map((g) => ({ ...g, source: `static/${g.source}` })));
  return out;
}
