/**
 * What a metric family is (its name, HELP, TYPE and how it reads one object) and the shapes that
 * recur across kube-state-metrics's stores: a number read from the object (one series when set),
 * the owner references, and a condition status spread over true/false/unknown.
 */
import type { WatchKind } from '../kube/objects/collections';
import type { ObjectMeta } from '../kube/objects/types';
import { label, type Lines } from './exposition';

/** Family is one metric family of a resource. */
export interface Family<T> {
  name: string;
  help: string;
  /** stable families get `[STABLE] ` before their HELP text (KSM's basemetrics.STABLE). */
  stable: boolean;
  type: 'gauge' | 'counter';
  /** series writes the object's series (the writer is at the object). */
  series(o: T, w: Lines): void;
}

/** Resource is what KSM calls a resource (a store): a watched kind, its base labels and its families. */
export interface Resource<T> {
  /** name is KSM's resource name (`--resources`), e.g. `pods`. */
  name: string;
  kind: WatchKind;
  /** base renders the labels every series of an object starts with (escaped, no braces). */
  base(o: T): string;
  families: Family<T>[];
}

/** FamilySpec is what a family declares; stable defaults to true, type to gauge. */
type FamilySpec<T> = Omit<Family<T>, 'stable' | 'type'> & Partial<Pick<Family<T>, 'stable' | 'type'>>;

/** family fills in a family's defaults (stable gauge). */
export function family<T>(f: FamilySpec<T>): Family<T> {
  return { stable: true, type: 'gauge', ...f };
}

/** gauge is a family of one series without extra labels, present when get returns a number. */
export function gauge<T>(name: string, help: string, get: (o: T) => number | undefined | null, stable = true): Family<T> {
  return {
    name,
    help,
    stable,
    type: 'gauge',
    series(o, w) {
      const v = get(o);
      if (v !== undefined && v !== null) w.add('', v);
    },
  };
}

/** created is the `*_created` family (Unix creation timestamp, when the object has one). */
export function created<T extends { metadata?: ObjectMeta | undefined }>(name: string, stable = true): Family<T> {
  return gauge<T>(name, 'Unix creation timestamp', (o) => o.metadata?.creationTimestamp, stable);
}

/** boolValue is KSM's boolFloat64. */
export function boolValue(b: boolean | undefined): number {
  return b === true ? 1 : 0;
}

/**
 * owners is a `*_owner` family: one series per owner reference (`owner_is_controller` "true" or
 * "false", "false" when unset), or one series with empty owner labels for an object without any.
 */
export function owners<T extends { metadata?: ObjectMeta | undefined }>(name: string, help: string, withController: boolean): Family<T> {
  const none = withController ? 'owner_kind="",owner_name="",owner_is_controller=""' : 'owner_kind="",owner_name=""';
  return family<T>({
    name,
    help,
    series(o, w) {
      const refs = o.metadata?.ownerReferences;
      if (refs === undefined || refs.length === 0) {
        w.add(none, 1);
        return;
      }
      for (const r of refs) {
        const l = `${label('owner_kind', r.kind)},${label('owner_name', r.name)}`;
        w.add(withController ? `${l},owner_is_controller="${r.controller === true ? 'true' : 'false'}"` : l, 1);
      }
    },
  });
}

/** CONDITION_STATUSES are KSM's conditionStatuses, lower-cased for the label. */
const CONDITION_STATUSES = [
  ['True', 'true'],
  ['False', 'false'],
  ['Unknown', 'unknown'],
] as const;

/** conditionSeries writes KSM's addConditionMetrics: one series per status, 1 for the condition's. */
export function conditionSeries(w: Lines, prefix: string, key: string, status: string | undefined): void {
  for (const [s, l] of CONDITION_STATUSES) w.add(`${prefix}${key}="${l}"`, status === s ? 1 : 0);
}

/**
 * phases is a `*_status_phase` family: one series per phase, 1 for the object's. skipEmpty writes
 * none for an object without a phase (pods, PVCs); namespaces write them all 0.
 */
export function phases<T>(name: string, help: string, list: readonly string[], get: (o: T) => string | undefined, skipEmpty: boolean): Family<T> {
  const labels = list.map((p) => `phase="${p}"`);
  return family<T>({
    name,
    help,
    series(o, w) {
      const phase = get(o);
      if (skipEmpty && (phase === undefined || phase === '')) return;
      for (let i = 0; i < list.length; i++) w.add(labels[i]!, phase === list[i] ? 1 : 0);
    },
  });
}
