/**
 * The alert store (Alertmanager's provider/mem with types.Alert's merge rules) and the marker
 * (types.Marker: which silences, alerts and time intervals suppress an alert).
 *
 * Alerts are kept by fingerprint (model.LabelSet.Fingerprint: FNV-1a 64 over the sorted label
 * names and values, each followed by the 0xff separator, printed as 16 hex digits). An alert that
 * arrives for a fingerprint already held is merged with it when their activity ranges overlap.
 * Resolved alerts are dropped by gc() (run every gcIntervalMs); subscribers hear of every put.
 */
import type { Alert, LabelSet } from './types';

/** Clock is the time source and timer of the alerting subsystem (tests pass a fake one). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** realClock is the wall clock; timers do not keep the process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

// FNV-1a 64 in two 32-bit halves (the prime is 2^40 + 0x1b3).
const PRIME_LO = 0x1b3;

function fnvBytes(hi: number, lo: number, bytes: Uint8Array): [number, number] {
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]) >>> 0;
    // (hi:lo) * (2^40 + 0x1b3) mod 2^64
    const loMul = lo * PRIME_LO; // < 2^41
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    const newHi = (Math.imul(hi, PRIME_LO) + carry + ((lo << 8) >>> 0)) >>> 0; // lo * 2^40 contributes lo << 8 to the high half
    hi = newHi;
    lo = newLo;
  }
  return [hi, lo];
}

const encoder = new TextEncoder();
const SEP = new Uint8Array([0xff]);

/** fingerprint is Alertmanager's fingerprint of a label set, as 16 hex digits. */
export function fingerprint(labels: LabelSet): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const names = Object.keys(labels).sort();
  for (const n of names) {
    [hi, lo] = fnvBytes(hi, lo, encoder.encode(n));
    [hi, lo] = fnvBytes(hi, lo, SEP);
    [hi, lo] = fnvBytes(hi, lo, encoder.encode(labels[n]));
    [hi, lo] = fnvBytes(hi, lo, SEP);
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** resolvedAt: the alert has an end time and it is not after t (types.Alert.ResolvedAt). */
export function resolvedAt(a: Alert, t: number): boolean {
  return a.endsAt !== 0 && a.endsAt <= t;
}

/** mergeAlerts merges an alert with a newer one for the same labels (types.Alert.Merge). */
export function mergeAlerts(a: Alert, o: Alert, now: number): Alert {
  if (o.updatedAt < a.updatedAt) return mergeAlerts(o, a, now);
  const res: Alert = { ...o };
  if (a.startsAt < o.startsAt) res.startsAt = a.startsAt;
  if (resolvedAt(o, now)) {
    // The latest explicit resolved time wins when both are resolved.
    if (resolvedAt(a, now) && a.endsAt > o.endsAt) res.endsAt = a.endsAt;
  } else if (a.endsAt > o.endsAt && !a.timeout) {
    // A sender's end time that is later than the newer one's still rules.
    res.endsAt = a.endsAt;
  }
  return res;
}

/** compareLabelSets orders label sets as model.LabelSet.Before does. */
export function compareLabelSets(a: LabelSet, b: LabelSet): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  if (an.length !== bn.length) return an.length - bn.length;
  for (let i = 0; i < an.length; i++) {
    if (an[i] !== bn[i]) return an[i] < bn[i] ? -1 : 1;
  }
  for (const n of an) {
    if (a[n] !== b[n]) return a[n] < b[n] ? -1 : 1;
  }
  return 0;
}

/** compareAlerts orders alerts as types.AlertSlice does: job, then instance, then the label sets. */
export function compareAlerts(x: Alert, y: Alert): number {
  for (const k of ['job', 'instance']) {
    const xv = x.labels[k];
    const yv = y.labels[k];
    if (xv === undefined && yv === undefined) continue;
    if (xv === undefined) return 1;
    if (yv === undefined) return -1;
    if (xv !== yv) return xv < yv ? -1 : 1;
  }
  return compareLabelSets(x.labels, y.labels);
}

/** AlertState is an alert's state in the marker. */
export type AlertState = 'unprocessed' | 'active' | 'suppressed';

/** AlertStatus is what the marker knows of one alert. */
export interface AlertStatus {
  state: AlertState;
  silencedBy: string[];
  inhibitedBy: string[];
  mutedBy: string[];
}

/** Marker records why alerts are suppressed (types.Marker). */
export class Marker {
  private readonly m = new Map<string, AlertStatus>();

  private entry(fp: string): AlertStatus {
    let s = this.m.get(fp);
    if (!s) {
      s = { state: 'unprocessed', silencedBy: [], inhibitedBy: [], mutedBy: [] };
      this.m.set(fp, s);
    }
    return s;
  }

  // As in Alertmanager 0.25, silences and inhibitions suppress; a time interval holding back a
  // route's notifications is recorded in mutedBy without changing the state.
  private settle(s: AlertStatus): void {
    s.state = s.silencedBy.length === 0 && s.inhibitedBy.length === 0 ? 'active' : 'suppressed';
  }

  setSilenced(fp: string, ids: string[]): void {
    const s = this.entry(fp);
    s.silencedBy = [...ids];
    this.settle(s);
  }

  setInhibited(fp: string, ids: string[]): void {
    const s = this.entry(fp);
    s.inhibitedBy = [...ids];
    this.settle(s);
  }

  setMuted(fp: string, intervals: string[]): void {
    const s = this.entry(fp);
    s.mutedBy = [...intervals];
    this.settle(s);
  }

  /** status is the alert's status (unprocessed when the marker has not seen it). */
  status(fp: string): AlertStatus {
    const s = this.m.get(fp);
    return s ? { state: s.state, silencedBy: [...s.silencedBy], inhibitedBy: [...s.inhibitedBy], mutedBy: [...s.mutedBy] } : { state: 'unprocessed', silencedBy: [], inhibitedBy: [], mutedBy: [] };
  }

  delete(fp: string): void {
    this.m.delete(fp);
  }
}

/** StoredAlert is an alert with its fingerprint. */
export interface StoredAlert extends Alert {
  readonly fingerprint: string;
}

/** AlertStoreOptions configure the store. */
export interface AlertStoreOptions {
  clock: Clock;
  marker: Marker;
  /** gcIntervalMs is how often resolved alerts are dropped (Alertmanager's --alerts.gc-interval, 30m). */
  gcIntervalMs?: number;
}

/** AlertStore holds the alerts by fingerprint (provider/mem). */
export class AlertStore {
  private readonly alerts = new Map<string, StoredAlert>();
  private readonly listeners = new Set<(a: StoredAlert) => void>();
  private gcTimer: unknown = null;
  private stopped = false;
  readonly gcIntervalMs: number;

  constructor(private readonly opts: AlertStoreOptions) {
    this.gcIntervalMs = opts.gcIntervalMs ?? 30 * 60_000;
    this.scheduleGC();
  }

  private scheduleGC(): void {
    if (this.stopped || this.gcIntervalMs <= 0) return;
    this.gcTimer = this.opts.clock.setTimeout(() => {
      this.gc();
      this.scheduleGC();
    }, this.gcIntervalMs);
  }

  /** put stores alerts, merging each with the one held for its fingerprint, and tells the subscribers. */
  put(alerts: readonly Alert[]): StoredAlert[] {
    const now = this.opts.clock.now();
    const out: StoredAlert[] = [];
    for (const in0 of alerts) {
      const fp = fingerprint(in0.labels);
      let alert: Alert = in0;
      const old = this.alerts.get(fp);
      // Merge when the activity ranges overlap (provider/mem's Put).
      if (old && ((alert.endsAt > old.startsAt && alert.endsAt < old.endsAt) || (alert.startsAt > old.startsAt && alert.startsAt < old.endsAt))) {
        alert = mergeAlerts(old, alert, now);
      }
      const stored: StoredAlert = { ...alert, labels: { ...alert.labels }, annotations: { ...alert.annotations }, fingerprint: fp };
      this.alerts.set(fp, stored);
      out.push(stored);
      for (const l of [...this.listeners]) l(stored);
    }
    return out;
  }

  get(fp: string): StoredAlert | undefined {
    return this.alerts.get(fp);
  }

  /** list is every held alert (resolved ones too, until gc). */
  list(): StoredAlert[] {
    return [...this.alerts.values()];
  }

  get size(): number {
    return this.alerts.size;
  }

  /** subscribe calls fn with every alert held now and then every alert put; returns the unsubscriber. */
  subscribe(fn: (a: StoredAlert) => void, replay = true): () => void {
    if (replay) for (const a of this.list()) fn(a);
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** gc drops the resolved alerts (and their marks); returns them. */
  gc(): StoredAlert[] {
    const now = this.opts.clock.now();
    const dropped: StoredAlert[] = [];
    for (const [fp, a] of this.alerts) {
      if (resolvedAt(a, now)) {
        this.alerts.delete(fp);
        this.opts.marker.delete(fp);
        dropped.push(a);
      }
    }
    return dropped;
  }

  /** firingCount is the number of held alerts not resolved now. */
  firingCount(): number {
    const now = this.opts.clock.now();
    let n = 0;
    for (const a of this.alerts.values()) if (!resolvedAt(a, now)) n++;
    return n;
  }

  stop(): void {
    this.stopped = true;
    if (this.gcTimer !== null) this.opts.clock.clearTimeout(this.gcTimer);
    this.gcTimer = null;
    this.listeners.clear();
  }
}
