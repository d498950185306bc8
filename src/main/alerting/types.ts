/**
 * The alerting contract: what the rule engine hands over, what the dispatcher gives a receiver's
 * integrations, and how an integration reports back. Names follow Alertmanager's (types.Alert,
 * notify.Notifier, the integration's name and index within its receiver).
 */

/** LabelSet is a set of label names and values (Alertmanager's model.LabelSet). */
export type LabelSet = Record<string, string>;

/** Alert is an alert as Alertmanager holds it (times in ms since the epoch; 0 means unset). */
export interface Alert {
  labels: LabelSet;
  annotations: LabelSet;
  startsAt: number;
  /** endsAt is when the alert resolves (or resolved); a firing alert without one gets now + resolve_timeout. */
  endsAt: number;
  generatorURL: string;
  /** updatedAt is when the alert was last received. */
  updatedAt: number;
  /** timeout is true when endsAt was set by resolve_timeout rather than by the sender. */
  timeout: boolean;
}

/** NotifyContext is what the dispatcher tells an integration about one notification. */
export interface NotifyContext {
  receiver: string;
  /** groupKey is the aggregation group's key (Alertmanager's `{}/{route}:{group labels}` form). */
  groupKey: string;
  groupLabels: LabelSet;
  /** now is the dispatcher's clock at the flush (ms). */
  now: number;
  repeatIntervalMs: number;
  /** externalURL is where the alerting UI lives (links in messages). */
  externalURL: string;
  /** signal aborts a send when the dispatcher stops or the attempt times out. */
  signal: AbortSignal;
}

/** NotifyResult is one attempt's outcome: retry tells the retry stage whether trying again may help. */
export interface NotifyResult {
  ok: boolean;
  retry: boolean;
  error?: string;
}

/** Integration is one configured notifier of a receiver (one entry of its `*_configs`). */
export interface Integration {
  /** name is the integration's type as Alertmanager names it: webhook, slack, email, desktop, ... */
  readonly name: string;
  /** index is the entry's position within its receiver's configs of that type. */
  readonly index: number;
  readonly sendResolved: boolean;
  notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult>;
}

/** ConfigProblem is a configuration error at a path within alertmanager.yml (and its line when known). */
export interface ConfigProblem {
  path: string;
  line?: number;
  message: string;
}

/**
 * IntegrationDeps are what integrations may need from the host: a desktop notifier (the shell's
 * native notifications, a page's Notification API, notify-send/osascript), the templates of the
 * configuration, and an HTTP client honouring timeouts.
 */
export interface DesktopNotice {
  title: string;
  body: string;
  /** route is the UI route a click opens (e.g. "#/alerts?group=..."). */
  route?: string;
  /** tag groups notices of one alert group so a newer one replaces the older. */
  tag?: string;
  resolved: boolean;
}

/** DesktopNotifier shows a notice natively; the host picks the implementation by availability. */
export interface DesktopNotifier {
  readonly kind: string;
  show(n: DesktopNotice): Promise<void>;
}

/** GlobalConfig is alertmanager.yml's `global` section (durations in ms). */
export interface GlobalConfig {
  resolveTimeoutMs: number;
  smtpFrom?: string;
  smtpHello?: string;
  smtpSmarthost?: string;
  smtpAuthUsername?: string;
  smtpAuthPassword?: string;
  smtpAuthIdentity?: string;
  smtpAuthSecret?: string;
  smtpRequireTls: boolean;
  slackApiUrl?: string;
  /** the rest of global as written (http_config, other receivers' defaults), for integrations that read it. */
  raw: Record<string, unknown>;
}

/** DataAlert is one alert as notification templates see it (Alertmanager's template.Alert). */
export interface DataAlert {
  status: 'firing' | 'resolved';
  labels: LabelSet;
  annotations: LabelSet;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
  fingerprint: string;
}

/** NotificationData is what notification templates execute on (Alertmanager's template.Data). */
export interface NotificationData {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: DataAlert[];
  groupLabels: LabelSet;
  commonLabels: LabelSet;
  commonAnnotations: LabelSet;
  externalURL: string;
  groupKey: string;
  truncatedAlerts: number;
}

/** TemplateSet executes notification template text (with the configuration's `templates` files defined). */
export interface TemplateSet {
  /** execute runs text on data; throws an Error with Go's message when the template fails. */
  execute(text: string, data: NotificationData): string;
}

/** IntegrationDeps are what the host gives integrations. */
export interface IntegrationDeps {
  templates: TemplateSet;
  /** desktop is the notifier desktop_configs use (null when none is available). */
  desktop: DesktopNotifier | null;
  externalURL: string;
  logger: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

/** IntegrationType is one kind of `*_configs` entry: how to read it from YAML and build its integration. */
export interface IntegrationType<C = unknown> {
  /** key is the receiver field, e.g. "webhook_configs". */
  readonly key: string;
  /** name is the integration's name, e.g. "webhook". */
  readonly name: string;
  /** parse validates one entry (path names it in errors, e.g. "receivers[2].webhook_configs[0]"). */
  parse(raw: unknown, path: string, global: GlobalConfig): { config: C | null; problems: ConfigProblem[] };
  build(config: C, index: number, deps: IntegrationDeps): Integration;
}

/** MatchType is a label matcher's operator. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** Matcher is one label matcher of Alertmanager's syntax (regexes anchored, as Alertmanager does). */
export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
}

/** RouteNode is one node of the route tree, with the defaults of its parents filled in (durations in ms). */
export interface RouteNode {
  /** id is Alertmanager's route ID ("{}/{alertname=\"X\"}/0"), key its path of matchers ("{}/{alertname=\"X\"}"). */
  id: string;
  key: string;
  receiver: string;
  matchers: Matcher[];
  /** groupBy: label names; groupByAll is true for `...` (group by every label). */
  groupBy: string[];
  groupByAll: boolean;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  continue: boolean;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  routes: RouteNode[];
}

/** InhibitRule mutes target alerts while a source alert fires with the same values of `equal`. */
export interface InhibitRule {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

/** Silence is a silence as stored (times in ms). */
export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
}

/** ReceiverConfig is one receiver with its parsed integrations' configurations. */
export interface ReceiverConfig {
  name: string;
  integrations: { type: IntegrationType<unknown>; config: unknown; index: number }[];
}

/** AlertmanagerFile is a loaded alertmanager.yml. */
export interface AlertmanagerFile {
  /** file is the path it was read from ('' for the built-in default). */
  file: string;
  text: string;
  global: GlobalConfig;
  route: RouteNode;
  receivers: Map<string, ReceiverConfig>;
  inhibitRules: InhibitRule[];
  /** timeIntervals by name (time_intervals and mute_time_intervals together); opaque outside timeinterval.ts. */
  timeIntervals: Map<string, unknown>;
  /** templates are the template files the `templates` globs found. */
  templates: string[];
  warnings: ConfigProblem[];
}
