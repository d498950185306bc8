/**
 * The default scrape jobs of a monitored context: what Vigil scrapes in a cluster when the user
 * has given it nothing but a kubeconfig. They are an ordinary Prometheus configuration (a
 * `scrape_configs` list, shown by `vigil config show --defaults --context NAME`), so the user can
 * read, copy and override them: a scrape config of the user's with the same job_name replaces the
 * default one. Each job's `job` label is the name dashboards and the kubernetes-mixin expect
 * (`kubelet`, `cadvisor`, `node-exporter`, `kube-state-metrics`, ...); the scrape pool's name
 * adds the context (`kubelet@prod`), so several contexts can be monitored at once, and every
 * target gets the context's `cluster` label from discovery.
 *
 * Vigil's extensions used here: `context` in kubernetes_sd_configs (a kubeconfig context) and
 * `vigil_sd_configs` (the API server itself, and the kube-state series Vigil synthesizes). For a
 * Prometheus server, replace them with `kubeconfig_file` and a kube-state-metrics deployment.
 */

/** DefaultJob names a default job (what can be switched off per context). */
export type DefaultJob = 'kubelet' | 'cadvisor' | 'kubelet-resource' | 'kubelet-probes' | 'kubernetes-pods' | 'kubernetes-service-endpoints' | 'node-exporter' | 'kube-state-metrics' | 'apiserver';

/** DEFAULT_JOBS lists them in the order they are generated. */
export const DEFAULT_JOBS: readonly DefaultJob[] = ['kubelet', 'cadvisor', 'kubelet-resource', 'kubelet-probes', 'kubernetes-pods', 'kubernetes-service-endpoints', 'node-exporter', 'kube-state-metrics', 'apiserver'];

/** KUBELET_JOBS are the jobs that go through the API server's node proxy to every kubelet. */
export const KUBELET_JOBS: readonly DefaultJob[] = ['kubelet', 'cadvisor', 'kubelet-resource', 'kubelet-probes'];

/** JOB_DESCRIPTIONS say in a few words what each job scrapes (comments, the settings UI). */
export const JOB_DESCRIPTIONS: { readonly [J in DefaultJob]: string } = {
  kubelet: "every node's kubelet (/metrics) through the API server's node proxy",
  cadvisor: "every node's cAdvisor (/metrics/cadvisor): container CPU, memory, network, filesystem",
  'kubelet-resource': "every node's resource metrics (/metrics/resource): node and container CPU and memory",
  'kubelet-probes': "every node's probe results (/metrics/probes)",
  'kubernetes-pods': 'pods annotated prometheus.io/scrape: "true" (port, path, scheme, param_* annotations)',
  'kubernetes-service-endpoints': 'the endpoints of services annotated prometheus.io/scrape: "true"',
  'node-exporter': 'node-exporter pods (app.kubernetes.io/name: node-exporter or prometheus-node-exporter)',
  'kube-state-metrics': "the cluster's kube-state-metrics when it runs one, else the kube_* series Vigil synthesizes from the objects it watches",
  apiserver: "the API server's own /metrics (when the user may get /metrics)",
};

/** DEFAULT_INTERVAL is the scrape interval of the default jobs on a laptop. */
export const DEFAULT_INTERVAL = '30s';

/** DEFAULT_TIMEOUT is their scrape timeout (Prometheus's default, capped by the interval). */
export const DEFAULT_TIMEOUT = '10s';

/** poolName is the scrape pool of a default job in a context. */
export function poolName(job: string, context: string): string {
  return `${job}@${context}`;
}

/** KUBE_STATE_POOL names the pool of the synthesized kube-state target (job label kube-state-metrics). */
export const KUBE_STATE_POOL = 'vigil-kube-state';

/** ContextDefaults says how to generate a context's default jobs. */
export interface ContextDefaults {
  context: string;
  /** interval is the scrape interval (a Prometheus duration). */
  interval: string;
  /** disabled are jobs the user switched off. */
  disabled: ReadonlySet<string>;
  /** skipped are jobs left out because the cluster does not allow them, with the reason. */
  skipped: ReadonlyMap<string, string>;
}

const q = (s: string): string => JSON.stringify(s);

function timeoutFor(interval: string): string {
  const secs = durationSeconds(interval);
  return secs !== null && secs < 10 ? interval : DEFAULT_TIMEOUT;
}

/** durationSeconds reads a simple Prometheus duration (`30s`, `1m`, `1m30s`); null when it is not one. */
export function durationSeconds(d: string): number | null {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(d);
  if (!m || d === '') return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0) / 1000;
}

/** Lines is a YAML block under construction (two spaces per level). */
class Lines {
  readonly out: string[] = [];
  add(indent: number, text: string): this {
    this.out.push(' '.repeat(indent) + text);
    return this;
  }
}

function header(l: Lines, job: DefaultJob, c: ContextDefaults, extra: string[] = []): void {
  l.add(0, `# ${job}: ${JOB_DESCRIPTIONS[job]}`);
  l.add(0, `- job_name: ${q(poolName(job, c.context))}`);
  l.add(2, `scrape_interval: ${c.interval}`);
  l.add(2, `scrape_timeout: ${timeoutFor(c.interval)}`);
  for (const e of extra) l.add(2, e);
}

function kubernetesSD(l: Lines, role: string, c: ContextDefaults): void {
  l.add(2, 'kubernetes_sd_configs:');
  l.add(4, `- role: ${role}`);
  l.add(6, `context: ${q(c.context)}`);
}

function setJob(l: Lines, job: string): void {
  l.add(4, `- target_label: job`);
  l.add(6, `replacement: ${q(job)}`);
}

/** keep is a `keep` rule: the target stays when the source labels match regex. */
function keep(l: Lines, sources: string, regex: string): void {
  l.add(4, `- source_labels: [${sources}]`);
  l.add(6, `regex: ${regex}`);
  l.add(6, 'action: keep');
}

function copy(l: Lines, from: string, to: string): void {
  l.add(4, `- source_labels: [${from}]`);
  l.add(6, `target_label: ${to}`);
}

function kubeletJob(l: Lines, job: DefaultJob, path: string, c: ContextDefaults): void {
  // As kube-prometheus: the kubelet's HTTPS port, honor_labels (cAdvisor's container, pod and
  // namespace are kept as exposed), and node, instance (the node role sets it to the node's
  // name, which Lens's queries match) and metrics_path labels.
  header(l, job, c, ['scheme: https', `metrics_path: ${path}`, 'honor_labels: true']);
  kubernetesSD(l, 'node', c);
  l.add(2, 'relabel_configs:');
  setJob(l, job);
  copy(l, '__meta_kubernetes_node_name', 'node');
  copy(l, '__metrics_path__', 'metrics_path');
  if (job === 'cadvisor') {
    // kube-prometheus drops these: per-container series of little use and much cardinality.
    l.add(2, 'metric_relabel_configs:');
    l.add(4, '- source_labels: [__name__]');
    l.add(6, 'regex: container_(network_tcp_usage_total|network_udp_usage_total|tasks_state|cpu_load_average_10s|memory_failures_total)');
    l.add(6, 'action: drop');
  }
  if (job === 'kubelet') {
    l.add(2, 'metric_relabel_configs:');
    l.add(4, '- source_labels: [__name__]');
    l.add(6, 'regex: (rest_client_request_duration_seconds|rest_client_rate_limiter_duration_seconds|storage_operation_duration_seconds|apiserver_storage_.+)_bucket');
    l.add(6, 'action: drop');
  }
}

/** annotationRules are the relabeling of the widely copied example for prometheus.io annotations. */
function annotationRules(l: Lines, kind: 'pod' | 'service'): void {
  const a = `__meta_kubernetes_${kind}_annotation_prometheus_io`;
  keep(l, `${a}_scrape`, '"true"');
  l.add(4, `- source_labels: [${a}_scheme]`);
  l.add(6, 'regex: (https?)');
  l.add(6, 'target_label: __scheme__');
  l.add(4, `- source_labels: [${a}_path]`);
  l.add(6, 'regex: (.+)');
  l.add(6, 'target_label: __metrics_path__');
  if (kind === 'pod') {
    l.add(4, `- source_labels: [${a}_port, __meta_kubernetes_pod_ip]`);
    l.add(6, "regex: '(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})'");
    l.add(6, "replacement: '[$2]:$1'");
    l.add(6, 'target_label: __address__');
    l.add(4, `- source_labels: [${a}_port, __meta_kubernetes_pod_ip]`);
    l.add(6, "regex: '(\\d+);((([0-9]+?)(\\.|$)){4})'");
    l.add(6, "replacement: '$2:$1'");
    l.add(6, 'target_label: __address__');
  } else {
    l.add(4, `- source_labels: [__address__, ${a}_port]`);
    l.add(6, "regex: '(.+?)(?::\\d+)?;(\\d+)'");
    l.add(6, "replacement: '$1:$2'");
    l.add(6, 'target_label: __address__');
  }
  l.add(4, '- action: labelmap');
  l.add(6, `regex: ${a}_param_(.+)`);
  l.add(6, "replacement: '__param_$1'");
}

function podsJob(l: Lines, c: ContextDefaults): void {
  header(l, 'kubernetes-pods', c);
  kubernetesSD(l, 'pod', c);
  l.add(2, 'relabel_configs:');
  annotationRules(l, 'pod');
  l.add(4, '- source_labels: [__meta_kubernetes_pod_phase]');
  l.add(6, 'regex: Pending|Succeeded|Failed|Completed');
  l.add(6, 'action: drop');
  l.add(4, '- action: labelmap');
  l.add(6, 'regex: __meta_kubernetes_pod_label_(.+)');
  setJob(l, 'kubernetes-pods');
  copy(l, '__meta_kubernetes_namespace', 'namespace');
  copy(l, '__meta_kubernetes_pod_name', 'pod');
  copy(l, '__meta_kubernetes_pod_node_name', 'node');
}

function serviceEndpointsJob(l: Lines, c: ContextDefaults): void {
  header(l, 'kubernetes-service-endpoints', c);
  kubernetesSD(l, 'endpointslice', c);
  l.add(2, 'relabel_configs:');
  annotationRules(l, 'service');
  l.add(4, '- action: labelmap');
  l.add(6, 'regex: __meta_kubernetes_service_label_(.+)');
  setJob(l, 'kubernetes-service-endpoints');
  copy(l, '__meta_kubernetes_namespace', 'namespace');
  copy(l, '__meta_kubernetes_service_name', 'service');
  copy(l, '__meta_kubernetes_pod_node_name', 'node');
}

function nodeExporterJob(l: Lines, c: ContextDefaults): void {
  header(l, 'node-exporter', c);
  kubernetesSD(l, 'pod', c);
  l.add(2, 'relabel_configs:');
  keep(l, '__meta_kubernetes_pod_label_app_kubernetes_io_name', '(prometheus-)?node-exporter');
  // Its metrics port: 9100, or a port named metrics / http-metrics / https.
  keep(l, '__meta_kubernetes_pod_container_port_number, __meta_kubernetes_pod_container_port_name', '9100;.*|.*;(http-)?metrics|.*;https');
  l.add(4, '- source_labels: [__meta_kubernetes_pod_container_port_name]');
  l.add(6, 'regex: https');
  l.add(6, 'target_label: __scheme__');
  l.add(6, 'replacement: https');
  setJob(l, 'node-exporter');
  // node-exporter runs one per node: the node's name is its instance (as kube-prometheus), node
  // (helm's providers) and kubernetes_node (Lens's).
  copy(l, '__meta_kubernetes_pod_node_name', 'instance');
  copy(l, '__meta_kubernetes_pod_node_name', 'node');
  copy(l, '__meta_kubernetes_pod_node_name', 'kubernetes_node');
  copy(l, '__meta_kubernetes_namespace', 'namespace');
  copy(l, '__meta_kubernetes_pod_name', 'pod');
}

function kubeStateJobs(l: Lines, c: ContextDefaults): void {
  header(l, 'kube-state-metrics', c, ['honor_labels: true']);
  kubernetesSD(l, 'pod', c);
  l.add(2, 'relabel_configs:');
  keep(l, '__meta_kubernetes_pod_label_app_kubernetes_io_name', 'kube-state-metrics');
  // Its metrics port (8080, or the chart's http / http-metrics name); its own telemetry port is not it.
  keep(l, '__meta_kubernetes_pod_container_port_number, __meta_kubernetes_pod_container_port_name', '8080;.*|.*;http(-metrics)?');
  setJob(l, 'kube-state-metrics');
  l.add(0, '# kube-state-metrics (synthesized): while the cluster runs no kube-state-metrics that Vigil');
  l.add(0, '# scrapes, Vigil writes its series itself from the objects it watches (job kube-state-metrics).');
  l.add(0, `- job_name: ${q(poolName(KUBE_STATE_POOL, c.context))}`);
  l.add(2, `scrape_interval: ${c.interval}`);
  l.add(2, `scrape_timeout: ${timeoutFor(c.interval)}`);
  l.add(2, 'honor_labels: true');
  l.add(2, 'vigil_sd_configs:');
  l.add(4, '- role: kube-state');
  l.add(6, `context: ${q(c.context)}`);
  l.add(2, 'relabel_configs:');
  setJob(l, 'kube-state-metrics');
}

function apiServerJob(l: Lines, c: ContextDefaults): void {
  header(l, 'apiserver', c);
  l.add(2, 'vigil_sd_configs:');
  l.add(4, '- role: apiserver');
  l.add(6, `context: ${q(c.context)}`);
  l.add(2, 'relabel_configs:');
  setJob(l, 'apiserver');
  // The API server exposes tens of thousands of histogram buckets; keep the request latency ones.
  l.add(2, 'metric_relabel_configs:');
  l.add(4, '- source_labels: [__name__]');
  l.add(6, 'regex: (apiserver_(request_body_size_bytes|response_sizes|watch_events_sizes|watch_list_duration_seconds|request_sli_duration_seconds|request_slo_duration_seconds|admission_.+)|etcd_request_duration_seconds|workqueue_.+|rest_client_.+)_bucket');
  l.add(6, 'action: drop');
}

/**
 * defaultScrapeConfigs returns the default jobs of a context as a YAML `scrape_configs` list
 * (with comments; '' when every job is off). Disabled and skipped jobs are listed in comments.
 */
export function defaultScrapeConfigs(c: ContextDefaults): string {
  const l = new Lines();
  for (const job of DEFAULT_JOBS) {
    if (c.disabled.has(job)) {
      l.add(0, `# ${job}: switched off for context ${c.context}`);
      continue;
    }
    const why = c.skipped.get(job);
    if (why !== undefined) {
      l.add(0, `# ${job}: skipped: ${why}`);
      continue;
    }
    switch (job) {
      case 'kubelet':
        kubeletJob(l, job, '/metrics', c);
        break;
      case 'cadvisor':
        kubeletJob(l, job, '/metrics/cadvisor', c);
        break;
      case 'kubelet-resource':
        kubeletJob(l, job, '/metrics/resource', c);
        break;
      case 'kubelet-probes':
        kubeletJob(l, job, '/metrics/probes', c);
        break;
      case 'kubernetes-pods':
        podsJob(l, c);
        break;
      case 'kubernetes-service-endpoints':
        serviceEndpointsJob(l, c);
        break;
      case 'node-exporter':
        nodeExporterJob(l, c);
        break;
      case 'kube-state-metrics':
        kubeStateJobs(l, c);
        break;
      case 'apiserver':
        apiServerJob(l, c);
        break;
    }
  }
  return l.out.join('\n') + '\n';
}

/** defaultsDocument renders the default jobs of several contexts as a prometheus.yml document. */
export function defaultsDocument(contexts: ContextDefaults[]): string {
  const parts = ['# The scrape jobs Vigil runs for the monitored Kubernetes contexts, generated from the', '# kubeconfig and settings. Copy any of them into your prometheus.yml (vigil serve --config)', '# to override it: a scrape config with the same job_name replaces the default.', 'scrape_configs:'];
  if (contexts.length === 0) parts.push('  [] # no context is monitored');
  for (const c of contexts) {
    parts.push(`  # context ${c.context}`);
    for (const line of defaultScrapeConfigs(c).trimEnd().split('\n')) parts.push(line === '' ? '' : `  ${line}`);
  }
  return parts.join('\n') + '\n';
}
