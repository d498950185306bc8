/**
 * Prometheus HTTP API JSON shapes (docs/querying/api.md). Both transports of the client (HTTP in
 * serve mode, IPC in the desktop app) carry exactly these envelopes.
 */

/** ErrorType is the `errorType` of a failed API call. */
export type ApiErrorType =
  | 'bad_data'
  | 'execution'
  | 'canceled'
  | 'timeout'
  | 'internal'
  | 'not_found'
  | 'not_acceptable'
  | 'unavailable';

/** ApiSuccess is a successful envelope. */
export interface ApiSuccess<T> {
  status: 'success';
  data: T;
  warnings?: string[];
  infos?: string[];
}

/** ApiFailure is a failed envelope. */
export interface ApiFailure {
  status: 'error';
  errorType: ApiErrorType;
  error: string;
  data?: unknown;
  warnings?: string[];
  infos?: string[];
}

/** ApiEnvelope is what every /api/v1 endpoint returns. */
export type ApiEnvelope<T> = ApiSuccess<T> | ApiFailure;

/** ApiMetric is a series' label set as a JSON object. */
export type ApiMetric = Record<string, string>;

/** ApiPoint is [unix seconds, "value"]. */
export type ApiPoint = [number, string];

/** ApiHistogram is a native histogram as the API renders it. */
export interface ApiHistogram {
  count: string;
  sum: string;
  buckets?: [number, string, string, string][];
}

/** ApiVectorSample is one element of a vector result. */
export interface ApiVectorSample {
  metric: ApiMetric;
  value?: ApiPoint;
  histogram?: [number, ApiHistogram];
}

/** ApiMatrixSeries is one series of a matrix result. */
export interface ApiMatrixSeries {
  metric: ApiMetric;
  values?: ApiPoint[];
  histograms?: [number, ApiHistogram][];
}

/** ApiQueryData is the data of /api/v1/query and /api/v1/query_range. */
export type ApiQueryData = (
  | { resultType: 'vector'; result: ApiVectorSample[] }
  | { resultType: 'matrix'; result: ApiMatrixSeries[] }
  | { resultType: 'scalar'; result: ApiPoint }
  | { resultType: 'string'; result: ApiPoint }
) & { stats?: unknown };

/** ApiTarget is one active target of /api/v1/targets. */
export interface ApiTarget {
  discoveredLabels: ApiMetric;
  labels: ApiMetric;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval: string;
  scrapeTimeout: string;
  /** scrapePath is how Vigil reaches the target: direct, api-proxy, port-forward or api-server (Vigil's extension). */
  scrapePath?: string;
  /** scrapePathReason says why that path (e.g. the RBAC refusal that made it fall back). */
  scrapePathReason?: string;
}

/**
 * ApiDroppedBy is the relabel_configs rule that dropped a target (Vigil's extension): its index in
 * the scrape config's relabel_configs and the fields that decided.
 */
export interface ApiDroppedBy {
  index: number;
  action: string;
  sourceLabels: string[];
  separator: string;
  regex: string;
  targetLabel: string;
}

/** ApiDroppedTarget is one dropped target of /api/v1/targets. */
export interface ApiDroppedTarget {
  discoveredLabels: ApiMetric;
  scrapePool?: string;
  /** droppedBy is the rule that dropped the target (Vigil's extension; absent when it was invalid). */
  droppedBy?: ApiDroppedBy;
  /** dropReason says why an invalid target was dropped, e.g. "no address" (Vigil's extension). */
  dropReason?: string;
}

/** ApiTargetsData is the data of /api/v1/targets. */
export interface ApiTargetsData {
  activeTargets: ApiTarget[];
  droppedTargets: ApiDroppedTarget[];
  droppedTargetCounts?: Record<string, number>;
}

/** ApiBuildInfo is the data of /api/v1/status/buildinfo. */
export interface ApiBuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}

/** ApiMetadataEntry is one metric's metadata. */
export interface ApiMetadataEntry {
  type: string;
  help: string;
  unit: string;
}

/** ApiParams are query parameters; repeated parameters (match[]) are arrays. */
export type ApiParams = Record<string, string | string[] | undefined>;

/** ApiContextStatus is one kubeconfig context as /api/v1/vigil/contexts reports it. */
export interface ApiContextStatus {
  name: string;
  cluster: string;
  user: string;
  namespace: string;
  current: boolean;
  monitored: boolean;
  /** clusterLabel is the `cluster` label of the context's series. */
  clusterLabel: string;
  /** state is unknown, connected, auth-failed, forbidden, unreachable, tls-error or misconfigured. */
  state: string;
  error: string;
  /** denied lists the permissions the API server refused (RBAC), e.g. "get nodes/proxy". */
  denied: string[];
  /** notes say what Vigil does differently in the context and why (skipped jobs, a namespace fallback). */
  notes?: string[];
  server: string;
}

/** ApiContextsData is the data of /api/v1/vigil/contexts. */
export interface ApiContextsData {
  current: string;
  monitored: string[];
  /** missing are monitored names the kubeconfig does not define. */
  missing: string[];
  files: string[];
  /** problems are kubeconfig files that could not be read, as file:line: message. */
  problems: string[];
  contexts: ApiContextStatus[];
}

/** ApiStatEntry is one entry of the /api/v1/status/tsdb lists. */
export interface ApiStatEntry {
  name: string;
  value: number;
}

/** ApiTsdbStatus is the data of /api/v1/status/tsdb. */
export interface ApiTsdbStatus {
  headStats: { numSeries: number; numLabelPairs: number; chunkCount: number; minTime: number; maxTime: number };
  /** storageStats covers the whole store, head and blocks (Vigil's extension); times in ms. */
  storageStats?: { numSeries: number; numSamples: number; numChunks: number; bytesOnDisk: number; minTime: number; maxTime: number };
  seriesCountByMetricName: ApiStatEntry[];
  labelValueCountByLabelName: ApiStatEntry[];
  memoryInBytesByLabelName: ApiStatEntry[];
  seriesCountByLabelValuePair: ApiStatEntry[];
}

/** ApiClusterContext is one monitored context's default-jobs settings (/api/v1/vigil/cluster). */
export interface ApiClusterContext {
  context: string;
  scrapeInterval: string;
  disabledJobs: string[];
  /** skippedJobs are the jobs Vigil does not run in the context, with why (e.g. an RBAC refusal). */
  skippedJobs: Record<string, string>;
}

/** ApiClusterData is the data of /api/v1/vigil/cluster. */
export interface ApiClusterData {
  defaultInterval: string;
  jobs: { name: string; description: string }[];
  contexts: ApiClusterContext[];
}
