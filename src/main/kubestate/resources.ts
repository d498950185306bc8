/**
 * Which series a resource name (of a container's requests or limits, a node's capacity or
 * allocatable) gets, and in which unit, as kube-state-metrics decides: `cpu` in cores; `memory`,
 * `storage` and `ephemeral-storage` in bytes (a node's `pods` as an integer); `hugepages-*` and
 * `attachable-volumes-*` in bytes; extended resources (`nvidia.com/gpu`) as integers; any other
 * native resource not at all. The `resource` label is the name with every character outside
 * [a-zA-Z0-9_] turned into `_`.
 */
import { label } from './exposition';
import type { Quantity } from './quantity';

/** ResourceSeries is one series a resource name yields: its labels and which value of the quantity. */
export interface ResourceSeries {
  /** labels is `resource="...",unit="..."` (escaped). */
  labels: string;
  /** cores is true for cpu: the value is convertValueToFloat64 rather than Value(). */
  cores: boolean;
}

/** sanitizeLabelName is KSM's SanitizeLabelName. */
export function sanitizeLabelName(s: string): string {
  return s.replace(/[^a-zA-Z0-9_]/g, '_');
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** isQualifiedName is apimachinery's validation.IsQualifiedName (an optional DNS subdomain prefix, `/`, a name). */
function isQualifiedName(v: string): boolean {
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '' || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return false;
    name = parts[1]!;
  } else return false;
  return name !== '' && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** isExtendedResourceName is KSM's: not native (has a `/`, not in kubernetes.io/), not `requests.*`, and a qualified name. */
export function isExtendedResourceName(name: string): boolean {
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  if (native || name.startsWith('requests.')) return false;
  return isQualifiedName('requests.' + name);
}

function series(name: string, unit: string, cores = false): ResourceSeries {
  return { labels: `${label('resource', sanitizeLabelName(name))},unit="${unit}"`, cores };
}

/** classify returns the series of a resource name; node adds `pods` (KSM's node families know it). */
function classify(name: string, node: boolean): ResourceSeries[] {
  switch (name) {
    case 'cpu':
      return [series(name, 'core', true)];
    case 'storage':
    case 'ephemeral-storage':
    case 'memory':
      return [series(name, 'byte')];
    case 'pods':
      if (node) return [series(name, 'integer')];
  }
  // Not exclusive, as in KSM: a name can match more than one of these.
  const out: ResourceSeries[] = [];
  if (name.startsWith('hugepages-')) out.push(series(name, 'byte'));
  if (name.startsWith('attachable-volumes-')) out.push(series(name, 'byte'));
  if (isExtendedResourceName(name)) out.push(series(name, 'integer'));
  return out;
}

const podCache = new Map<string, ResourceSeries[]>();
const nodeCache = new Map<string, ResourceSeries[]>();

/** resourceSeries returns (cached) the series of a resource name of a container (node false) or a node (node true). */
export function resourceSeries(name: string, node: boolean): ResourceSeries[] {
  const cache = node ? nodeCache : podCache;
  let s = cache.get(name);
  if (s === undefined) {
    s = classify(name, node);
    if (cache.size >= 1024) cache.clear();
    cache.set(name, s);
  }
  return s;
}

/**
 * resourceValue is the value KSM writes: a container's cpu and every node resource use
 * convertValueToFloat64, a container's other resources float64(Value()).
 */
export function resourceValue(q: Quantity, s: ResourceSeries, node: boolean): number {
  return node || s.cores ? q.float : q.value;
}
