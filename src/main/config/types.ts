/**
 * The loaded form of a Prometheus configuration file (prometheus.yml), after Prometheus's
 * config/config.go: defaults applied, global values inherited into scrape configs, durations in
 * milliseconds, sizes in bytes, relative file paths resolved against the file's directory.
 */
import type { Labels } from '../../common/model/labels';
import type { NameValidationScheme, RelabelConfig } from '../relabel/index';
import type { SDConfig, TargetGroup } from '../discovery/targetgroup';

/** ConfigIssue is one problem found in a configuration file, with its position. */
export interface ConfigIssue {
  file: string;
  /** line and column are 1-based; 0 when the problem has no position (e.g. an unreadable file). */
  line: number;
  column: number;
  message: string;
}

/** formatIssue renders an issue as `file:line:col: message`. */
export function formatIssue(i: ConfigIssue): string {
  return i.line > 0 ? `${i.file}:${i.line}:${i.column}: ${i.message}` : `${i.file}: ${i.message}`;
}

/** ConfigError is thrown by loadConfig; it carries every issue found. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** ScrapeProtocol is a negotiable exposition format (Prometheus's config.ScrapeProtocol). */
export type ScrapeProtocol = 'PrometheusProto' | 'PrometheusText0.0.4' | 'PrometheusText1.0.0' | 'OpenMetricsText0.0.1' | 'OpenMetricsText1.0.0';

/** SCRAPE_PROTOCOL_HEADERS maps protocols to their Accept media ranges. */
export const SCRAPE_PROTOCOL_HEADERS: Readonly<Record<ScrapeProtocol, string>> = {
  PrometheusProto: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
};

/** DEFAULT_SCRAPE_PROTOCOLS is Prometheus's default negotiation order. */
export const DEFAULT_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'];

/** DEFAULT_PROTO_FIRST_SCRAPE_PROTOCOLS is the order used when native histograms are scraped. */
export const DEFAULT_PROTO_FIRST_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = ['PrometheusProto', ...DEFAULT_SCRAPE_PROTOCOLS];

/** EscapingScheme is the metric-name escaping requested through content negotiation. */
export type EscapingScheme = 'allow-utf-8' | 'underscores' | 'dots' | 'values';

/** GlobalConfig is the `global` section. */
export interface GlobalConfig {
  scrapeInterval: number;
  scrapeTimeout: number;
  scrapeProtocols: ScrapeProtocol[] | null;
  evaluationInterval: number;
  ruleQueryOffset: number;
  queryLogFile: string;
  scrapeFailureLogFile: string;
  externalLabels: Labels;
  bodySizeLimit: number;
  sampleLimit: number;
  targetLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  keepDroppedTargets: number;
  metricNameValidationScheme: NameValidationScheme;
  metricNameEscapingScheme: EscapingScheme | '';
  scrapeNativeHistograms: boolean;
  convertClassicHistogramsToNHCB: boolean;
  alwaysScrapeClassicHistograms: boolean;
  extraScrapeMetrics: boolean;
}

/** TLSConfig is Prometheus's (common) tls_config. */
export interface TLSConfig {
  ca: string;
  caFile: string;
  cert: string;
  certFile: string;
  key: string;
  keyFile: string;
  serverName: string;
  insecureSkipVerify: boolean;
  minVersion: string;
  maxVersion: string;
}

/** BasicAuth is basic_auth. */
export interface BasicAuth {
  username: string;
  usernameFile: string;
  password: string;
  passwordFile: string;
}

/** Authorization is authorization (bearer_token and bearer_token_file are folded into it, as Prometheus does). */
export interface Authorization {
  type: string;
  credentials: string;
  credentialsFile: string;
}

/** OAuth2Config is oauth2 (validated; not used by the scraper yet). */
export interface OAuth2Config {
  clientId: string;
  clientSecret: string;
  clientSecretFile: string;
  scopes: string[];
  tokenUrl: string;
  endpointParams: Record<string, string>;
  tlsConfig: TLSConfig;
  proxyUrl: string;
}

/** HeaderValues is one entry of http_headers. */
export interface HeaderValues {
  values: string[];
  secrets: string[];
  files: string[];
}

/** HTTPClientConfig is the HTTP client part shared by scrape, SD and alertmanager configs. */
export interface HTTPClientConfig {
  basicAuth: BasicAuth | null;
  authorization: Authorization | null;
  oauth2: OAuth2Config | null;
  tlsConfig: TLSConfig;
  followRedirects: boolean;
  enableHTTP2: boolean;
  proxyUrl: string;
  noProxy: string;
  proxyFromEnvironment: boolean;
  proxyConnectHeader: Record<string, string[]>;
  httpHeaders: Record<string, HeaderValues>;
}

/** UnsupportedSDConfig records a service discovery Prometheus knows but Vigil does not implement. */
export interface UnsupportedSDConfig {
  kind: string;
  count: number;
  line: number;
}

/** ScrapeConfig is one scrape_configs entry with globals applied. */
export interface ScrapeConfig {
  jobName: string;
  honorLabels: boolean;
  honorTimestamps: boolean;
  trackTimestampsStaleness: boolean;
  params: Record<string, string[]>;
  scrapeInterval: number;
  scrapeTimeout: number;
  scrapeProtocols: ScrapeProtocol[];
  fallbackScrapeProtocol: ScrapeProtocol | '';
  scrapeNativeHistograms: boolean;
  alwaysScrapeClassicHistograms: boolean;
  convertClassicHistogramsToNHCB: boolean;
  scrapeFailureLogFile: string;
  metricsPath: string;
  scheme: string;
  enableCompression: boolean;
  bodySizeLimit: number;
  sampleLimit: number;
  targetLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  nativeHistogramBucketLimit: number;
  nativeHistogramMinBucketFactor: number;
  keepDroppedTargets: number;
  metricNameValidationScheme: NameValidationScheme;
  metricNameEscapingScheme: EscapingScheme;
  extraScrapeMetrics: boolean;
  /** kubernetesTransport (Vigil's extension) is how Kubernetes targets are reached: auto, api-proxy, port-forward or direct. */
  kubernetesTransport: 'auto' | 'api-proxy' | 'port-forward' | 'direct';
  httpClient: HTTPClientConfig;
  relabelConfigs: RelabelConfig[];
  metricRelabelConfigs: RelabelConfig[];
  staticConfigs: TargetGroup[];
  /** sdConfigs are the `<kind>_sd_configs` entries of the kinds Vigil implements (src/main/discovery). */
  sdConfigs: SDConfig[];
  unsupportedSDConfigs: UnsupportedSDConfig[];
}

/** AlertmanagerConfig is one alerting.alertmanagers entry (validated structurally). */
export interface AlertmanagerConfig {
  scheme: string;
  pathPrefix: string;
  timeout: number;
  apiVersion: 'v2';
  httpClient: HTTPClientConfig;
  relabelConfigs: RelabelConfig[];
  alertRelabelConfigs: RelabelConfig[];
  staticConfigs: TargetGroup[];
  /** sdConfigs are the `<kind>_sd_configs` entries of the kinds Vigil implements (src/main/discovery). */
  sdConfigs: SDConfig[];
  unsupportedSDConfigs: UnsupportedSDConfig[];
}

/** AlertingConfig is the alerting section. */
export interface AlertingConfig {
  alertRelabelConfigs: RelabelConfig[];
  alertmanagers: AlertmanagerConfig[];
}

/** StorageConfig is the `storage:` section; Vigil uses exemplars.max_exemplars. */
export interface StorageConfig {
  /** maxExemplars is the exemplar buffer size (0 disables exemplar storage); null: the default, 100,000. */
  maxExemplars: number | null;
}

/** VigilConfig is a loaded prometheus.yml. */
export interface VigilConfig {
  global: GlobalConfig;
  scrapeConfigs: ScrapeConfig[];
  /** ruleFiles are patterns resolved against the config file's directory. */
  ruleFiles: string[];
  /** scrapeConfigFiles are patterns (resolved); their scrape configs are merged into scrapeConfigs by loadConfigFile. */
  scrapeConfigFiles: string[];
  alerting: AlertingConfig;
  storage: StorageConfig;
  /** warnings are accepted-but-ignored parts (sections Vigil does not implement). */
  warnings: ConfigIssue[];
  /** filename is the file the config was loaded from ('' for text without a file). */
  filename: string;
  /** text is the original YAML (served by /api/v1/status/config). */
  text: string;
}
