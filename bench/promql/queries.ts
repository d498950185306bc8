/**
 * The PromQL benchmark's queries: range queries of the kind dashboards send, over the dataset of
 * bench/promql/dataset.ts. Lens/Freelens queries (reference/field-notes.md) are marked "lens".
 */

/** BenchQuery is one benchmarked range query. */
export interface BenchQuery {
  name: string;
  expr: string;
}

/** QUERIES is the fixed set, in the order they are run. */
export const QUERIES: BenchQuery[] = [
  { name: 'lens node cpu', expr: 'sum(rate(node_cpu_seconds_total{mode=~"user|system"}[1m])) by (kubernetes_node)' },
  {
    name: 'lens node memory',
    expr: 'sum(node_memory_MemTotal_bytes - (node_memory_MemFree_bytes + node_memory_Buffers_bytes + node_memory_Cached_bytes)) by (kubernetes_node)',
  },
  { name: 'lens workload memory', expr: 'sum(container_memory_working_set_bytes{container!="POD",container!=""}) by (instance)' },
  {
    name: 'lens pod cpu',
    expr: 'sum(rate(container_cpu_usage_seconds_total{container!="POD",container!="",image!="",pod=~"api-.*|web-.*",namespace="checkout"}[1m])) by (pod)',
  },
  { name: 'lens pod cpu requests', expr: 'sum(kube_pod_container_resource_requests{pod=~"api-.*|web-.*",resource="cpu",namespace="checkout"}) by (pod)' },
  { name: 'lens pod network', expr: 'sum(rate(container_network_receive_bytes_total{pod=~".+",namespace="checkout"}[1m])) by (pod)' },
  { name: 'lens node fs usage', expr: 'sum(node_filesystem_size_bytes{mountpoint="/"} - node_filesystem_avail_bytes{mountpoint="/"}) by (kubernetes_node)' },
  { name: 'lens cluster cpu', expr: 'sum(rate(node_cpu_seconds_total{kubernetes_node=~"node-0.*|node-1.*", mode=~"user|system"}[1m]))' },
  { name: 'rate by handler', expr: 'sum by (handler) (rate(http_requests_total[5m]))' },
  {
    name: 'error ratio group_left',
    expr: 'sum by (namespace, code) (rate(http_requests_total{code=~"5.."}[5m])) / ignoring (code) group_left sum by (namespace) (rate(http_requests_total[5m]))',
  },
  { name: 'p99 by handler', expr: 'histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket[5m])))' },
  { name: 'p90 by namespace', expr: 'histogram_quantile(0.9, sum by (le, namespace) (rate(http_request_duration_seconds_bucket[5m])))' },
  { name: 'mean latency', expr: 'sum by (handler) (rate(http_request_duration_seconds_sum[5m])) / sum by (handler) (rate(http_request_duration_seconds_count[5m]))' },
  { name: 'topk pods cpu', expr: 'topk(10, sum by (pod) (rate(container_cpu_usage_seconds_total{container!=""}[5m])))' },
  { name: 'cpu busy', expr: '1 - avg by (kubernetes_node) (rate(node_cpu_seconds_total{mode="idle"}[5m]))' },
  { name: 'avg_over_time load', expr: 'avg_over_time(node_load1[10m])' },
  { name: 'subquery max rate', expr: 'max_over_time(sum by (namespace) (rate(http_requests_total[1m]))[30m:1m])' },
  { name: 'count pods by ns', expr: 'count by (namespace) (kube_pod_info)' },
  {
    name: 'mem requests / allocatable',
    expr: 'sum by (node) (kube_pod_container_resource_requests{resource="memory"}) / on (node) group_left sum by (node) (kube_node_status_allocatable{resource="memory"})',
  },
  {
    name: 'cpu usage / requests',
    expr: 'sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=""}[5m])) / sum by (namespace) (kube_pod_container_resource_requests{resource="cpu"})',
  },
  {
    name: 'operator join kube_pod_info',
    expr: 'sum by (pod) (container_memory_working_set_bytes{container!=""}) * on (pod) group_left (node) max by (pod, node) (kube_pod_info)',
  },
  { name: 'network by node', expr: 'sum(rate(node_network_receive_bytes_total{device!="lo"}[5m])) by (kubernetes_node)' },
  { name: 'increase 1h', expr: 'sum(increase(http_requests_total[1h])) by (namespace)' },
  { name: 'deriv fs', expr: 'deriv(node_filesystem_avail_bytes{mountpoint="/"}[30m])' },
  { name: 'quantile by ns', expr: 'quantile by (namespace) (0.95, rate(container_cpu_usage_seconds_total{container!=""}[5m]))' },
  { name: 'up by job', expr: 'sum by (job) (up)' },
];
