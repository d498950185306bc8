/**
 * VigilClient: the typed client the renderer uses for everything. It is transport-agnostic; see
 * contract.ts for the two transports.
 */
import type {
  ApiBuildInfo,
  ApiEnvelope,
  ApiMetadataEntry,
  ApiQueryData,
  ApiTargetsData,
  ApiContextsData,
  ApiTsdbStatus,
  ApiClusterData,
} from '../api/types';
import type { ApiParams, ApiRequest } from './contract';

/** Transport carries one API request to the core and returns its envelope. */
export interface Transport {
  call<T>(req: ApiRequest): Promise<ApiEnvelope<T>>;
}

/** VigilClient is the renderer's view of the core. */
export class VigilClient {
  constructor(private readonly transport: Transport) {}

  private call<T>(path: string, params: ApiParams = {}, method: 'GET' | 'POST' = 'GET'): Promise<ApiEnvelope<T>> {
    return this.transport.call<T>({ path, params, method });
  }

  /** query runs an instant query at time (unix seconds; omitted = now). */
  query(query: string, time?: number, stats = false): Promise<ApiEnvelope<ApiQueryData>> {
    return this.call('/api/v1/query', { query, time: time === undefined ? undefined : String(time), stats: stats ? 'all' : undefined }, 'POST');
  }

  /** queryRange runs a range query; times in unix seconds, step in seconds. */
  queryRange(query: string, start: number, end: number, step: number): Promise<ApiEnvelope<ApiQueryData>> {
    return this.call('/api/v1/query_range', { query, start: String(start), end: String(end), step: String(step) }, 'POST');
  }

  /** labelNames lists label names. */
  labelNames(match?: string[]): Promise<ApiEnvelope<string[]>> {
    return this.call('/api/v1/labels', { 'match[]': match }, 'POST');
  }

  /** labelValues lists the values of one label. */
  labelValues(name: string, match?: string[]): Promise<ApiEnvelope<string[]>> {
    return this.call(`/api/v1/label/${encodeURIComponent(name)}/values`, { 'match[]': match });
  }

  /** series lists series matching selectors. */
  series(match: string[], start?: number, end?: number): Promise<ApiEnvelope<Record<string, string>[]>> {
    return this.call('/api/v1/series', {
      'match[]': match,
      start: start === undefined ? undefined : String(start),
      end: end === undefined ? undefined : String(end),
    }, 'POST');
  }

  /** metadata returns metric metadata by metric name. */
  metadata(): Promise<ApiEnvelope<Record<string, ApiMetadataEntry[]>>> {
    return this.call('/api/v1/metadata');
  }

  /** targets returns active and dropped scrape targets (state: active, dropped or any). */
  targets(state?: 'active' | 'dropped' | 'any'): Promise<ApiEnvelope<ApiTargetsData>> {
    return this.call('/api/v1/targets', { state });
  }

  /** tsdbStatus returns storage statistics (head stats, cardinality lists, Vigil's whole-store figures). */
  tsdbStatus(limit?: number): Promise<ApiEnvelope<ApiTsdbStatus>> {
    return this.call('/api/v1/status/tsdb', { limit: limit === undefined ? undefined : String(limit) });
  }

  /** runtimeInfo returns the server's runtime information (start time, retention, data folder). */
  runtimeInfo(): Promise<ApiEnvelope<Record<string, unknown>>> {
    return this.call('/api/v1/status/runtimeinfo');
  }

  /** flags returns the server's effective settings, as Prometheus's command-line flags. */
  flags(): Promise<ApiEnvelope<Record<string, string>>> {
    return this.call('/api/v1/status/flags');
  }

  /** config returns the loaded configuration as YAML. */
  config(): Promise<ApiEnvelope<{ yaml: string }>> {
    return this.call('/api/v1/status/config');
  }

  /** rules returns the rule groups (served once the rule engine exists; until then an error). */
  rules(): Promise<ApiEnvelope<{ groups: unknown[] }>> {
    return this.call('/api/v1/rules');
  }

  /** alerts returns the active alerts (served once the rule engine exists; until then an error). */
  alerts(): Promise<ApiEnvelope<{ alerts: unknown[] }>> {
    return this.call('/api/v1/alerts');
  }

  /** cluster returns the default jobs and, per monitored context, their interval, disabled and skipped jobs. */
  cluster(): Promise<ApiEnvelope<ApiClusterData>> {
    return this.call('/api/v1/vigil/cluster');
  }

  /**
   * setClusterSettings changes a context's default jobs: its scrape interval ('' = back to the
   * default; undefined = unchanged) and the jobs switched off (undefined = unchanged). An empty
   * context sets the default interval of every context.
   */
  setClusterSettings(context: string, settings: { scrapeInterval?: string; disabledJobs?: string[] }): Promise<ApiEnvelope<ApiClusterData>> {
    const jobs = settings.disabledJobs;
    return this.call(
      '/api/v1/vigil/cluster/settings',
      {
        context,
        scrape_interval: settings.scrapeInterval,
        // An empty list must still say "given" (a form drops empty arrays): one empty value, which the route ignores.
        'disabled_jobs[]': jobs === undefined ? undefined : jobs.length === 0 ? [''] : jobs,
      },
      'POST',
    );
  }

  /** buildInfo returns version information. */
  buildInfo(): Promise<ApiEnvelope<ApiBuildInfo>> {
    return this.call('/api/v1/status/buildinfo');
  }

  /** contexts lists the kubeconfig's contexts, which are monitored, and their connection state. */
  contexts(): Promise<ApiEnvelope<ApiContextsData>> {
    return this.call('/api/v1/vigil/contexts');
  }

  /** selectContexts chooses the contexts to monitor (all: every context); the choice is kept in the settings. */
  selectContexts(names: string[], all = false): Promise<ApiEnvelope<ApiContextsData>> {
    return this.call('/api/v1/vigil/contexts/select', { 'context[]': names, all: all ? 'true' : undefined }, 'POST');
  }
}
