/**
 * The data every discovery mechanism produces (Prometheus's discovery/targetgroup): groups of
 * targets sharing labels, each identified by a source unique within its provider. Also the base of
 * every `<kind>_sd_configs` entry. This file imports nothing but the label model, so the
 * configuration types can refer to it.
 */
import type { Labels } from '../../common/model/labels';

/** TargetGroup is a set of targets sharing labels, as produced by service discovery. */
export interface TargetGroup {
  /** source identifies the group within its provider (e.g. `file.json:0`, `pod/default/web-1`). */
  source: string;
  /** targets are label sets, each with at least __address__; an empty list removes the source's group. */
  targets: Labels[];
  /** labels apply to every target of the group (target labels win). */
  labels: Labels;
  /**
   * origin says where the group came from when that matters for reaching its targets (the
   * Kubernetes context whose API server proxies them); it is not a label, so discovered labels
   * stay exactly Prometheus's.
   */
  origin?: TargetOrigin;
}

/** TargetOrigin is a Kubernetes context a group was discovered through. */
export interface TargetOrigin {
  kind: 'kubernetes';
  context: string;
  /** clusterLabel becomes the targets' `cluster` label (unless relabeling set one). */
  clusterLabel: string;
}

/** SDConfig is one entry of a `<kind>_sd_configs` list, as the kind's parser returns it. */
export interface SDConfig {
  /** kind names the mechanism (`file`, `kubernetes`): the section is `<kind>_sd_configs`. */
  readonly kind: string;
  /** line is the entry's line in the configuration file (0 when unknown), for messages. */
  readonly line: number;
}
