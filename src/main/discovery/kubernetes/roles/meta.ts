/**
 * What every role shares, after Prometheus's discovery/kubernetes/kubernetes.go and the helpers of
 * endpoints.go: the `__meta_kubernetes_` prefix, label name sanitizing (strutil.SanitizeLabelName),
 * the object metadata labels (`_<role>_name`, `_label_*`, `_labelpresent_*`, `_annotation_*`,
 * `_annotationpresent_*`), node and namespace metadata (attach_metadata), GetControllerOf,
 * net.JoinHostPort, and the label-set scratch type the builders fill before sorting.
 *
 * Builders fill a LabelSet (a null-prototype record, like Go's model.LabelSet: later writes win,
 * empty values are kept while building) and convert it with `toLabels`, which sorts and drops empty
 * values (Vigil's Labels has no empty values; Prometheus drops them when it builds a target).
 */
import { labelsFromRecord, type Labels } from '../../../../common/model/labels';
import type { TargetGroup } from '../../targetgroup';
import type { Namespace, Node, ObjectIndex, ObjectMeta, OwnerReference, StringMap } from './types';

/** META_LABEL_PREFIX is the prefix of every Kubernetes meta label. */
export const META_LABEL_PREFIX = '__meta_kubernetes_';

/** NAMESPACE_LABEL is `__meta_kubernetes_namespace`. */
export const NAMESPACE_LABEL = META_LABEL_PREFIX + 'namespace';

/** PRESENT_VALUE is the value of the `*present_*` labels. */
export const PRESENT_VALUE = 'true';

/** LabelSet is a label set under construction (name → value, empty values allowed). */
export type LabelSet = Record<string, string>;

/** newLabelSet returns an empty LabelSet, optionally filled from name/value pairs. */
export function newLabelSet(init?: Readonly<Record<string, string>>): LabelSet {
  const ls: LabelSet = Object.create(null) as LabelSet;
  if (init !== undefined) for (const k of Object.keys(init)) ls[k] = init[k]!;
  return ls;
}

/** mergeInto copies src into dst (src wins, as model.LabelSet.Merge) and returns dst. */
export function mergeInto(dst: LabelSet, src: Readonly<LabelSet>): LabelSet {
  for (const k of Object.keys(src)) dst[k] = src[k]!;
  return dst;
}

/** toLabels converts a LabelSet to sorted Labels, dropping empty values. */
export function toLabels(ls: Readonly<LabelSet>): Labels {
  return labelsFromRecord(ls);
}

/** emptyTargetGroup is the group Prometheus sends for a deleted object, or one that yields nothing. */
export function emptyTargetGroup(source: string): TargetGroup {
  return { source, targets: [], labels: [] };
}

const INVALID_LABEL_CHARS = /[^a-zA-Z0-9_]/gu;

/** sanitizeLabelName replaces every character outside [a-zA-Z0-9_] with `_` (strutil.SanitizeLabelName). */
export function sanitizeLabelName(name: string): string {
  return name.replace(INVALID_LABEL_CHARS, '_');
}

/** joinHostPort joins host and port as Go's net.JoinHostPort (IPv6 hosts in brackets). */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** namespacedName is Prometheus's `<namespace>/<name>` key. */
export function namespacedName(namespace: string, name: string): string {
  return namespace + '/' + name;
}

/** str reads a Go string field: absent or null reads as "". */
export function str(v: string | null | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** int reads a Go integer field as its decimal text: absent reads as "0". */
export function int(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : '0';
}

/** formatBool is strconv.FormatBool. */
export function formatBool(b: boolean): string {
  return b ? 'true' : 'false';
}

/** controllerOf returns the first owner reference with `controller: true` (GetControllerOf), if any. */
export function controllerOf(meta: ObjectMeta | undefined): OwnerReference | undefined {
  for (const ref of meta?.ownerReferences ?? []) if (ref?.controller === true) return ref;
  return undefined;
}

function addStringMap(ls: LabelSet, m: StringMap | undefined, label: string, present: string): void {
  if (m === undefined || m === null) return;
  for (const k of Object.keys(m)) {
    const ln = sanitizeLabelName(k);
    ls[label + ln] = str(m[k]);
    ls[present + ln] = PRESENT_VALUE;
  }
}

/** addObjectAnnotationsAndLabels adds `_<resource>_label_*`, `_labelpresent_*`, `_annotation_*` and `_annotationpresent_*`. */
export function addObjectAnnotationsAndLabels(ls: LabelSet, meta: ObjectMeta | undefined, resource: string): void {
  const p = META_LABEL_PREFIX + resource;
  addStringMap(ls, meta?.labels, p + '_label_', p + '_labelpresent_');
  addStringMap(ls, meta?.annotations, p + '_annotation_', p + '_annotationpresent_');
}

/** addObjectMetaLabels adds `_<role>_name` and the object's label and annotation labels. */
export function addObjectMetaLabels(ls: LabelSet, meta: ObjectMeta | undefined, role: string): void {
  ls[META_LABEL_PREFIX + role + '_name'] = str(meta?.name);
  addObjectAnnotationsAndLabels(ls, meta, role);
}

/** nodeMetaLabels returns a node's `__meta_kubernetes_node_name` and label and annotation labels. */
export function nodeMetaLabels(node: Node): LabelSet {
  const ls = newLabelSet();
  addObjectMetaLabels(ls, node.metadata, 'node');
  return ls;
}

/**
 * addNodeLabels merges the metadata of the named node (attach_metadata.node) into ls, as
 * Prometheus's addNodeLabels: nothing when the name is absent or the node is unknown.
 */
export function addNodeLabels(ls: LabelSet, index: ObjectIndex, nodeName: string | null | undefined): LabelSet {
  if (typeof nodeName !== 'string') return ls;
  const node = index.node(nodeName);
  if (node === undefined) return ls;
  return mergeInto(ls, nodeMetaLabels(node));
}

/** addNamespaceLabels merges the namespace's label and annotation labels (attach_metadata.namespace). */
export function addNamespaceLabels(ls: LabelSet, index: ObjectIndex, namespace: string): LabelSet {
  const ns: Namespace | undefined = index.namespace(namespace);
  if (ns === undefined) return ls;
  const nls = newLabelSet();
  addObjectAnnotationsAndLabels(nls, ns.metadata, 'namespace');
  return mergeInto(ls, nls);
}
