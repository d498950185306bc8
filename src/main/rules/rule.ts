/**
 * Recording and alerting rules at run time, after Prometheus's rules/recording.go and
 * rules/alerting.go: evaluation at a timestamp, the inactive -> pending -> firing state machine
 * with `for` and `keep_firing_for`, resolved alerts kept 15 minutes, the ALERTS and
 * ALERTS_FOR_STATE samples, label and annotation templating, and the group `limit`.
 */
import { labelsFromRecord, labelsKey, labelsToRecord, type Labels } from '../../common/model/labels';
import type { FloatHistogram } from '../../common/model/histogram';
import { exprToString } from '../../common/promql';
import type { AlertingRule as AlertingRuleDef, RecordingRule as RecordingRuleDef } from './file';
import { expandAlertText, type QuerySample } from '../template/expand';

/** RESOLVED_RETENTION_MS is how long a resolved alert is kept (Prometheus's resolvedRetention). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** RuleSample is one sample a query returns or a rule writes. */
export interface RuleSample {
  metric: Labels;
  t: number;
  f: number;
  h: FloatHistogram | null;
}

/** QueryFunc runs an instant query at tMs: a vector (a scalar as one sample without labels); throws on failure. */
export type QueryFunc = (query: string, tMs: number) => RuleSample[];

/** AlertState orders like Prometheus's: inactive < pending < firing. */
export enum AlertState {
  Inactive = 0,
  Pending = 1,
  Firing = 2,
}

export function alertStateString(s: AlertState): 'inactive' | 'pending' | 'firing' {
  return s === AlertState.Firing ? 'firing' : s === AlertState.Pending ? 'pending' : 'inactive';
}

/** Alert is one alert instance of an alerting rule (times in ms; 0 = unset). */
export interface Alert {
  labels: Labels;
  annotations: Labels;
  state: AlertState;
  value: number;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

export type RuleHealth = 'unknown' | 'ok' | 'err';

/** EvalContext is what one rule evaluation sees. */
export interface EvalContext {
  query: QueryFunc;
  queryOffsetMs: number;
  limit: number;
  externalLabels: Record<string, string>;
  externalURL: string;
  /** hold is the gaps holding evaluation now (rules/gap.ts), or null: held alerts keep their state. */
  hold?: HoldSet | null;
}

/**
 * HoldSet says whose alerts are held during a gap Vigil caused itself (rules/gap.ts): all of them
 * (sleep/resume, an event-loop stall), or those whose `cluster` label is in clusters.
 */
export interface HoldSet {
  all: boolean;
  clusters: ReadonlySet<string>;
}

/** HOLD_ANNOTATION marks a rule about Vigil's own view of a cluster: cluster gaps do not hold it (global ones do). */
export const HOLD_ANNOTATION = 'vigil_hold';
export const HOLD_CLUSTER_GAPS_IGNORED = 'cluster-gaps-ignored';

/** heldBy returns whether an alert with these labels is held, or null when nothing is held. */
function heldBy(hold: HoldSet | null | undefined, exempt: boolean): ((labels: Labels) => boolean) | null {
  if (!hold) return null;
  if (hold.all) return () => true;
  if (exempt || hold.clusters.size === 0) return null;
  return (labels) => {
    const c = labels.find((l) => l.name === 'cluster')?.value;
    return c !== undefined && hold.clusters.has(c);
  };
}

abstract class RuleBase {
  health: RuleHealth = 'unknown';
  lastError: string | null = null;
  /** lastEvaluation is the wall-clock start of the last evaluation (ms, 0 = never). */
  lastEvaluation = 0;
  evaluationSeconds = 0;
  readonly query: string;

  constructor(readonly def: RecordingRuleDef | AlertingRuleDef) {
    this.query = exprToString(def.expr);
  }

  abstract get name(): string;
  abstract get labels(): Record<string, string>;

  /** nameAndLabels identifies a rule across reloads (Prometheus's nameAndLabels). */
  nameAndLabels(): string {
    return this.name + labelsKey(labelsFromRecord(this.labels));
  }
}

/** RecordingRuleRT is a recording rule at run time. */
export class RecordingRuleRT extends RuleBase {
  readonly kind = 'recording';
  declare readonly def: RecordingRuleDef;

  get name(): string {
    return this.def.record;
  }
  get labels(): Record<string, string> {
    return this.def.labels;
  }

  eval(ts: number, c: EvalContext): RuleSample[] {
    const vector = c.query(this.query, ts - c.queryOffsetMs);
    const out: RuleSample[] = [];
    const seen = new Set<string>();
    for (const s of vector) {
      const rec = labelsToRecord(s.metric);
      rec.__name__ = this.def.record;
      for (const [k, v] of Object.entries(this.def.labels)) rec[k] = v;
      const metric = labelsFromRecord(rec);
      const key = labelsKey(metric);
      if (seen.has(key)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
      seen.add(key);
      out.push({ ...s, metric });
    }
    if (c.limit > 0 && out.length > c.limit) throw new Error(`exceeded limit of ${c.limit} with ${out.length} series`);
    return out;
  }
}

/** AlertingRuleRT is an alerting rule at run time, with its active alerts. */
export class AlertingRuleRT extends RuleBase {
  readonly kind = 'alerting';
  declare readonly def: AlertingRuleDef;
  /** active holds pending, firing and (for 15 minutes) resolved alerts, by label set. */
  active = new Map<string, Alert>();
  /** restored: ALERTS samples are written only once the `for` state is restored (or need not be). */
  restored: boolean;
  /** lastEvalTs is the timestamp of the previous evaluation (0 before the first). */
  private lastEvalTs = 0;

  constructor(def: AlertingRuleDef, restored: boolean) {
    super(def);
    this.restored = restored;
  }

  get name(): string {
    return this.def.alert;
  }
  get labels(): Record<string, string> {
    return this.def.labels;
  }

  /** state is the highest state of the rule's active alerts. */
  state(): AlertState {
    let s = AlertState.Inactive;
    for (const a of this.active.values()) if (a.state > s) s = a.state;
    return s;
  }

  /** activeAlerts are the unresolved alerts (pending and firing), sorted by labels. */
  activeAlerts(): Alert[] {
    return [...this.active.values()].filter((a) => a.resolvedAt === 0).sort((a, b) => (labelsKey(a.labels) < labelsKey(b.labels) ? -1 : 1));
  }

  eval(ts: number, c: EvalContext): RuleSample[] {
    const res = c.query(this.query, ts - c.queryOffsetMs);
    const fresh = new Map<string, Alert>();
    const name = this.def.alert;
    for (const smpl of res) {
      const l = labelsToRecord(smpl.metric);
      const expand = (text: string): string =>
        expandAlertText(text, {
          name: `__alert_${name}`,
          labels: l,
          externalLabels: c.externalLabels,
          externalURL: c.externalURL,
          value: smpl.f,
          timeMs: ts,
          query: (q) => c.query(q, ts).map((s): QuerySample => ({ labels: labelsToRecord(s.metric), value: s.f })),
        });
      const rec: Record<string, string> = { ...l };
      delete rec.__name__;
      for (const [k, v] of Object.entries(this.def.labels)) rec[k] = expand(v);
      rec.alertname = name;
      const ann: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.def.annotations)) ann[k] = expand(v);
      const labels = labelsFromRecord(rec);
      const key = labelsKey(labels);
      if (fresh.has(key)) throw new Error('vector contains metrics with the same labelset after applying alert labels');
      fresh.set(key, {
        labels,
        annotations: annotationsOf(ann),
        state: AlertState.Pending,
        value: smpl.f,
        activeAt: ts,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: 0,
        validUntil: 0,
        keepFiringSince: 0,
      });
    }
    // During a gap (rules/gap.ts) a held alert neither becomes pending or firing anew nor resolves.
    const held = heldBy(c.hold, this.def.annotations[HOLD_ANNOTATION] === HOLD_CLUSTER_GAPS_IGNORED);
    const sincePrev = this.lastEvalTs > 0 ? Math.max(0, ts - this.lastEvalTs) : 0;
    this.lastEvalTs = ts;
    for (const [h, a] of fresh) {
      const old = this.active.get(h);
      if (old && old.state !== AlertState.Inactive) {
        old.value = a.value;
        old.annotations = a.annotations;
        continue;
      }
      if (held?.(a.labels)) continue;
      this.active.set(h, a);
    }
    const vec: RuleSample[] = [];
    let numActivePending = 0;
    const hold = this.def.forMs;
    const keepFor = this.def.keepFiringForMs;
    for (const [fp, a] of [...this.active]) {
      if (held?.(a.labels)) {
        if (a.state === AlertState.Inactive) {
          if (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS) this.active.delete(fp);
          continue;
        }
        // Kept as it is: the time held does not count towards `for`, a firing alert stays firing.
        if (a.state === AlertState.Pending) a.activeAt += sincePrev;
        numActivePending++;
        if (this.restored) {
          vec.push(this.sample(a, ts - c.queryOffsetMs));
          vec.push(this.forStateSample(a.labels, ts - c.queryOffsetMs, Math.trunc(a.activeAt / 1000)));
        }
        continue;
      }
      if (!fresh.has(fp)) {
        let keepFiring = false;
        if (a.state === AlertState.Firing && keepFor > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = ts;
          if (ts - a.keepFiringSince < keepFor) keepFiring = true;
        }
        if (a.state === AlertState.Pending || (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS)) this.active.delete(fp);
        if (a.state !== AlertState.Inactive && !keepFiring) {
          a.state = AlertState.Inactive;
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = 0;
      }
      numActivePending++;
      if (a.state === AlertState.Pending && ts - a.activeAt >= hold) {
        a.state = AlertState.Firing;
        a.firedAt = ts;
      }
      if (a.state === AlertState.Firing && ts - a.activeAt < hold) {
        a.state = AlertState.Pending;
        a.firedAt = 0;
        a.lastSentAt = 0;
        a.keepFiringSince = 0;
      }
      if (this.restored) {
        vec.push(this.sample(a, ts - c.queryOffsetMs));
        vec.push(this.forStateSample(a.labels, ts - c.queryOffsetMs, Math.trunc(a.activeAt / 1000)));
      }
    }
    if (c.limit > 0 && numActivePending > c.limit) {
      this.active = new Map();
      throw new Error(`exceeded limit of ${c.limit} with ${numActivePending} alerts`);
    }
    return vec;
  }

  private sample(a: Alert, t: number): RuleSample {
    const rec: Record<string, string> = { ...this.def.labels, ...labelsToRecord(a.labels) };
    rec.__name__ = 'ALERTS';
    rec.alertname = this.def.alert;
    rec.alertstate = alertStateString(a.state);
    return { metric: labelsFromRecord(rec), t, f: 1, h: null };
  }

  /** forStateSample is the ALERTS_FOR_STATE sample (value: activeAt in unix seconds). */
  forStateSample(alertLabels: Labels | null, t: number, v: number): RuleSample {
    const rec: Record<string, string> = { ...this.def.labels, ...(alertLabels ? labelsToRecord(alertLabels) : {}) };
    rec.__name__ = 'ALERTS_FOR_STATE';
    rec.alertname = this.def.alert;
    return { metric: labelsFromRecord(rec), t, f: v, h: null };
  }

  /** needsSending is Prometheus's Alert.needsSending. */
  static needsSending(a: Alert, ts: number, resendDelayMs: number): boolean {
    if (a.state === AlertState.Pending) return false;
    if (a.resolvedAt > a.lastSentAt) return true;
    return a.lastSentAt + resendDelayMs < ts;
  }
}

/** annotationsOf keeps annotations sorted by name, empty values included (Prometheus keeps them). */
function annotationsOf(rec: Record<string, string>): Labels {
  return Object.keys(rec)
    .sort()
    .map((name) => ({ name, value: rec[name]! }));
}

export type RuleRT = RecordingRuleRT | AlertingRuleRT;
