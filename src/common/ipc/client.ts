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
import type {
  AlertmanagerConfigData,
  AmAlert,
  AmAlertGroup,
  AmSilence,
  Gap,
  NotificationEntry,
  ReceiverState,
  RuleCheckData,
  RuleFileEntry,
  RuleSaveData,
  StarterSettings,
  TestResult,
} from '../api/alerting';
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

  // Alerting (src/main/alerting/README.md) and the rule files, starter pack and gaps routes.

  /** amAlerts returns the alerts Vigil's Alertmanager holds, with whether they are silenced or inhibited. */
  amAlerts(): Promise<ApiEnvelope<AmAlert[]>> {
    return this.call('/api/v1/alerting/alerts');
  }

  /** amGroups returns the dispatcher's alert groups. */
  amGroups(): Promise<ApiEnvelope<AmAlertGroup[]>> {
    return this.call('/api/v1/alerting/groups');
  }

  /** silences lists the silences (active, pending and expired). */
  silences(): Promise<ApiEnvelope<AmSilence[]>> {
    return this.call('/api/v1/alerting/silences');
  }

  /**
   * saveSilence creates a silence, or updates the one with `id`: matchers in Alertmanager's syntax
   * (`{alertname="X", severity=~"crit.*"}`), startsAt and endsAt in RFC 3339, or a duration instead
   * of endsAt.
   */
  saveSilence(s: { matchers: string; startsAt?: string; endsAt?: string; duration?: string; createdBy: string; comment: string; id?: string }): Promise<ApiEnvelope<{ silenceID: string }>> {
    return this.call(
      '/api/v1/alerting/silences',
      { matchers: s.matchers, startsAt: s.startsAt || undefined, endsAt: s.endsAt || undefined, duration: s.duration || undefined, createdBy: s.createdBy, comment: s.comment, id: s.id || undefined },
      'POST',
    );
  }

  /** expireSilence ends a silence now. */
  expireSilence(id: string): Promise<ApiEnvelope<unknown>> {
    return this.call('/api/v1/alerting/silences/expire', { id }, 'POST');
  }

  /** notifications returns the notification log, newest first. */
  notifications(limit?: number): Promise<ApiEnvelope<NotificationEntry[]>> {
    return this.call('/api/v1/alerting/notifications', { limit: limit === undefined ? undefined : String(limit) });
  }

  /** receivers lists the receivers and their integrations' last delivery. */
  receivers(): Promise<ApiEnvelope<ReceiverState[]>> {
    return this.call('/api/v1/alerting/receivers');
  }

  /** testReceiver sends a test notification through each integration of a receiver. */
  testReceiver(receiver: string): Promise<ApiEnvelope<TestResult[]>> {
    return this.call('/api/v1/alerting/receivers/test', { receiver }, 'POST');
  }

  /** alertmanagerConfig returns the alertmanager.yml in use and its problems. */
  alertmanagerConfig(): Promise<ApiEnvelope<AlertmanagerConfigData>> {
    return this.call('/api/v1/alerting/config');
  }

  /** ruleFiles lists the rule files with their text. */
  ruleFiles(): Promise<ApiEnvelope<RuleFileEntry[]>> {
    return this.call('/api/v1/rules/files');
  }

  /** checkRules validates a rule file's text without saving it. */
  checkRules(text: string): Promise<ApiEnvelope<RuleCheckData>> {
    return this.call('/api/v1/rules/check', { text }, 'POST');
  }

  /** saveRuleFile writes a rule file (refused with the errors when invalid) and reloads the rules. */
  saveRuleFile(path: string, text: string): Promise<ApiEnvelope<RuleSaveData>> {
    return this.call('/api/v1/rules/files/save', { path, text }, 'POST');
  }

  /** starter returns the starter rule pack's settings. */
  starter(): Promise<ApiEnvelope<StarterSettings>> {
    return this.call('/api/v1/rules/starter');
  }

  /** setStarter switches the starter pack on or off and chooses the rules switched off. */
  setStarter(enabled: boolean, disabled: string[]): Promise<ApiEnvelope<StarterSettings>> {
    // An empty list must still say "given": one empty value, as setClusterSettings does.
    return this.call('/api/v1/rules/starter', { enabled: enabled ? 'true' : 'false', disabled: disabled.length === 0 ? [''] : disabled }, 'POST');
  }

  /** gaps lists the stretches Vigil itself did not watch a cluster. */
  gaps(): Promise<ApiEnvelope<Gap[]>> {
    return this.call('/api/v1/vigil/gaps');
  }
}
