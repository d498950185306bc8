/**
 * The JSON shapes of the alerting routes the UI calls (src/main/alerting/README.md, "Vigil's
 * routes for the UI", and the rules and gaps routes of the shared contract): Alertmanager's v2
 * objects (times as RFC 3339 strings) and Vigil's own lists (times in ms).
 */

/** AmMatcher is a v2 matcher. */
export interface AmMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** isEqual is false for != and !~ (absent means true, as in Alertmanager's API). */
  isEqual?: boolean;
}

export type SilenceState = 'active' | 'pending' | 'expired';

/** AmSilence is a v2 gettable silence. */
export interface AmSilence {
  id: string;
  matchers: AmMatcher[];
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  createdBy: string;
  comment: string;
  status: { state: SilenceState };
}

/** AmAlert is a v2 gettable alert. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  fingerprint: string;
  generatorURL?: string;
  receivers: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[]; mutedBy?: string[] };
}

/** AmAlertGroup is a v2 alert group (one aggregation group of the dispatcher). */
export interface AmAlertGroup {
  labels: Record<string, string>;
  receiver: { name: string };
  alerts: AmAlert[];
}

/** NotificationEntry is one entry of the notification log (time in ms). */
export interface NotificationEntry {
  time: number;
  receiver: string;
  integration: string;
  index: number;
  groupKey: string;
  groupLabels: Record<string, string>;
  firing: number;
  resolved: number;
  ok: boolean;
  error?: string;
  attempts: number;
}

/** ReceiverIntegrationState is one integration of a receiver with its last delivery (times in ms, 0 or null for never). */
export interface ReceiverIntegrationState {
  name: string;
  index: number;
  sendResolved: boolean;
  lastAttempt: number | null;
  lastError: string | null;
  failures: number;
}

export interface ReceiverState {
  name: string;
  integrations: ReceiverIntegrationState[];
}

/** TestResult is one integration's answer to a test notification. */
export interface TestResult {
  name: string;
  index: number;
  ok: boolean;
  error?: string;
}

/** AlertmanagerConfigProblem is one problem of alertmanager.yml (path within the file, line when known). */
export interface AlertmanagerConfigProblem {
  path?: string;
  line?: number;
  message: string;
}

export interface AlertmanagerConfigData {
  file: string;
  text: string;
  problems: (AlertmanagerConfigProblem | string)[];
}

/** RuleFileEntry is one rule file Vigil knows (GET /api/v1/rules/files). */
export interface RuleFileEntry {
  path: string;
  name: string;
  source: 'starter' | 'config' | 'user';
  editable: boolean;
  text: string;
}

/** RuleCheckError is one problem of a rule file (1-based line and column). */
export interface RuleCheckError {
  line: number;
  column: number;
  message: string;
}

export interface RuleCheckData {
  ok: boolean;
  errors: RuleCheckError[];
  groups: number;
  rules: number;
}

export interface RuleSaveData {
  saved: string;
  groups: number;
  rules: number;
}

/** StarterSettings are the starter rule pack's switches. */
export interface StarterSettings {
  enabled: boolean;
  disabled: string[];
}

/** Gap is a stretch of time Vigil did not watch a cluster (null: all of them) itself (ms; to null while it lasts). */
export interface Gap {
  cluster: string | null;
  from: number;
  to: number | null;
  reason: string;
}

/** RuleEngineAlert is an alert of Prometheus's /api/v1/alerts (the rule engine's view: pending and firing). */
export interface RuleEngineAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | string;
  activeAt?: string;
  value: string;
}

/** RuleEngineRule is a rule of /api/v1/rules. */
export interface RuleEngineRule {
  name: string;
  query: string;
  type: 'alerting' | 'recording';
  health: string;
  state?: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  duration?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  alerts?: RuleEngineAlert[];
}

export interface RuleEngineGroup {
  name: string;
  file: string;
  interval: number;
  rules: RuleEngineRule[];
  evaluationTime: number;
  lastEvaluation: string;
}
