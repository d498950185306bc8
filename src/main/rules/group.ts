/**
 * A rule group at run time, after Prometheus's rules/group.go: evaluation of its rules in order at
 * an aligned timestamp, writing their samples and staleness markers, restoring `for` state from
 * ALERTS_FOR_STATE, copying state across reloads, and its self-metrics' counters.
 */
import { labelsKey, labelsToRecord, type Labels } from '../../common/model/labels';
import { Matcher } from '../../common/model/matcher';
import { StaleNaN, isStaleNaN } from '../../common/model/value';
import type { Logger } from '../util/log';
import { StorageError, ValueType, type Appendable, type Queryable } from '../storage/interface';
import type { RuleGroup } from './file';
import { AlertingRuleRT, AlertState, RecordingRuleRT, type Alert, type HoldSet, type QueryFunc, type RuleRT, type RuleSample } from './rule';

/** GroupOptions are what a group needs from the manager. */
export interface GroupOptions {
  query: QueryFunc;
  appendable: Appendable;
  queryable: Queryable;
  externalLabels: Record<string, string>;
  externalURL: string;
  logger: Logger;
  /** now is the wall clock (ms); tests pass a fake one. */
  now(): number;
  /** forGracePeriodMs and outageToleranceMs: --rules.alert.for-grace-period (10m) and for-outage-tolerance (1h). */
  forGracePeriodMs: number;
  outageToleranceMs: number;
  resendDelayMs: number;
  /** notify receives the alerts to send after each evaluation of an alerting rule (notifier.Send). */
  notify(alerts: NotifyAlert[]): void;
  /** hold tells, once per evaluation, whose alerts a gap holds (rules/gap.ts); absent: none. */
  hold?: () => HoldSet | null;
}

/** NotifyAlert is an alert as Prometheus hands it to the notifier (times in ms). */
export interface NotifyAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}

/** GroupStats are the counters behind the group's self-metrics. */
export interface GroupStats {
  evaluations: number;
  failures: number;
  iterations: number;
  missed: number;
  lastDurationSeconds: number;
  lastEvalTimestampMs: number;
  samples: number;
}

/** groupKey is Prometheus's GroupKey: "<file>;<group>". */
export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

function fnv64(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

/** Group is one rule group of one file. */
export class Group {
  readonly name: string;
  readonly file: string;
  readonly intervalMs: number;
  readonly limit: number;
  readonly queryOffsetMs: number;
  readonly rules: RuleRT[];
  /** signature identifies the group's definition: equal signatures keep running across reloads. */
  readonly signature: string;
  /** shouldRestore: restore `for` state after the second evaluation (first load only). */
  shouldRestore: boolean;
  seriesInPreviousEval: Map<string, Labels>[];
  staleSeries: Labels[] = [];
  lastEvaluation = 0;
  evaluationSeconds = 0;
  readonly stats: GroupStats = { evaluations: 0, failures: 0, iterations: 0, missed: 0, lastDurationSeconds: 0, lastEvalTimestampMs: 0, samples: 0 };

  constructor(
    def: RuleGroup,
    file: string,
    defaults: { intervalMs: number; queryOffsetMs: number },
    private readonly opts: GroupOptions,
    shouldRestore: boolean,
  ) {
    this.name = def.name;
    this.file = file;
    this.intervalMs = def.intervalMs ?? defaults.intervalMs;
    this.queryOffsetMs = def.queryOffsetMs ?? defaults.queryOffsetMs;
    this.limit = def.limit;
    this.shouldRestore = shouldRestore;
    this.rules = def.rules.map((r) => {
      const labels = { ...def.labels, ...r.labels };
      return r.kind === 'recording' ? new RecordingRuleRT({ ...r, labels }) : new AlertingRuleRT({ ...r, labels }, !shouldRestore);
    });
    this.seriesInPreviousEval = this.rules.map(() => new Map());
    this.signature = JSON.stringify([this.intervalMs, this.queryOffsetMs, this.limit, this.rules.map((r) => [r.kind, r.name, r.query, r.labels, r.kind === 'alerting' ? [r.def.forMs, r.def.keepFiringForMs, r.def.annotations] : 0])]);
  }

  get key(): string {
    return groupKey(this.file, this.name);
  }

  /** evalTimestamp is the group's last aligned evaluation time at or before startMs (hash offset, as Prometheus). */
  evalTimestamp(startMs: number): number {
    const offset = Number(fnv64(`${this.file}\xff${this.name}`) % BigInt(this.intervalMs));
    const adj = startMs - offset;
    const base = adj - (((adj % this.intervalMs) + this.intervalMs) % this.intervalMs);
    return base + offset;
  }

  /** alertingRules lists the group's alerting rules. */
  alertingRules(): AlertingRuleRT[] {
    return this.rules.filter((r): r is AlertingRuleRT => r.kind === 'alerting');
  }

  /** iterate is one scheduled iteration: evaluate at ts, with timing and counters. */
  iterate(ts: number): void {
    const start = this.opts.now();
    const t0 = performance.now();
    this.stats.iterations++;
    this.eval(ts);
    this.evaluationSeconds = (performance.now() - t0) / 1000;
    this.lastEvaluation = start;
    this.stats.lastDurationSeconds = this.evaluationSeconds;
    this.stats.lastEvalTimestampMs = ts;
  }

  /** eval evaluates every rule in order at ts, writing results and staleness markers. */
  eval(ts: number): void {
    const log = this.opts.logger;
    let samplesTotal = 0;
    const hold = this.opts.hold?.() ?? null;
    this.rules.forEach((rule, i) => {
      const t0 = performance.now();
      const wall = this.opts.now();
      this.stats.evaluations++;
      let vector: RuleSample[];
      try {
        vector = rule.eval(ts, {
          query: this.opts.query,
          queryOffsetMs: this.queryOffsetMs,
          limit: this.limit,
          externalLabels: this.opts.externalLabels,
          externalURL: this.opts.externalURL,
          hold,
        });
      } catch (e) {
        rule.health = 'err';
        rule.lastError = (e as Error).message;
        this.stats.failures++;
        log('warn', 'Evaluating rule failed', { component: 'rules', group: this.name, file: this.file, rule: rule.name, err: rule.lastError });
        rule.evaluationSeconds = (performance.now() - t0) / 1000;
        rule.lastEvaluation = wall;
        return;
      }
      rule.health = 'ok';
      rule.lastError = null;
      samplesTotal += vector.length;
      if (rule.kind === 'alerting') this.sendAlerts(rule, ts);
      if (vector.length === 0 && this.seriesInPreviousEval[i]!.size === 0) {
        // Nothing to write and nothing to mark stale (a quiet alerting rule): no transaction.
        rule.evaluationSeconds = (performance.now() - t0) / 1000;
        rule.lastEvaluation = wall;
        return;
      }
      const app = this.opts.appendable.appender();
      const returned = new Map<string, Labels>();
      let appendErr: string | null = null;
      for (const s of vector) {
        try {
          if (s.h) app.appendHistogram(0, s.metric, s.t, s.h);
          else app.append(0, s.metric, s.t, s.f);
          returned.set(labelsKey(s.metric), s.metric);
        } catch (e) {
          const kind = e instanceof StorageError ? e.kind : '';
          appendErr = (e as Error).message;
          if (kind !== 'out_of_order' && kind !== 'duplicate' && kind !== 'too_old' && kind !== 'out_of_bounds') {
            log('warn', 'Rule evaluation result discarded', { component: 'rules', rule: rule.name, err: appendErr });
          }
        }
      }
      if (appendErr !== null) {
        rule.health = 'err';
        rule.lastError = appendErr;
      }
      for (const [k, lset] of this.seriesInPreviousEval[i]!) {
        if (returned.has(k)) continue;
        try {
          app.append(0, lset, ts - this.queryOffsetMs, StaleNaN);
        } catch {
          // expected when the series is written by another rule
        }
      }
      try {
        app.commit();
        this.seriesInPreviousEval[i] = returned;
      } catch (e) {
        rule.health = 'err';
        rule.lastError = (e as Error).message;
        this.stats.failures++;
        log('warn', 'Rule sample appending failed', { component: 'rules', rule: rule.name, err: rule.lastError });
      }
      rule.evaluationSeconds = (performance.now() - t0) / 1000;
      rule.lastEvaluation = wall;
    });
    this.stats.samples = samplesTotal;
    this.cleanupStaleSeries(ts);
  }

  private sendAlerts(rule: AlertingRuleRT, ts: number): void {
    const out: NotifyAlert[] = [];
    const delta = Math.max(this.opts.resendDelayMs, this.intervalMs);
    for (const a of rule.active.values()) {
      if (!AlertingRuleRT.needsSending(a, ts, this.opts.resendDelayMs)) continue;
      a.lastSentAt = ts;
      a.validUntil = ts + 4 * delta;
      out.push(notifyAlert(a, this.opts.externalURL, rule.query));
    }
    if (out.length > 0) this.opts.notify(out);
  }

  /** cleanupStaleSeries writes staleness markers for series of rules removed by a reload. */
  private cleanupStaleSeries(ts: number): void {
    if (this.staleSeries.length === 0) return;
    const app = this.opts.appendable.appender();
    for (const s of this.staleSeries) {
      try {
        app.append(0, s, ts - this.queryOffsetMs, StaleNaN);
      } catch {
        // already written by another rule, or out of order
      }
    }
    try {
      app.commit();
      this.staleSeries = [];
    } catch (e) {
      this.opts.logger('warn', 'Stale sample appending failed', { component: 'rules', err: (e as Error).message });
    }
  }

  /** markAllStale writes staleness markers for every series the group wrote last (group removed). */
  markAllStale(ts: number): void {
    this.staleSeries.push(...this.seriesInPreviousEval.flatMap((m) => [...m.values()]));
    this.seriesInPreviousEval = this.rules.map(() => new Map());
    this.cleanupStaleSeries(ts + this.queryOffsetMs);
  }

  /** copyState takes over the state of the group it replaces (Prometheus's CopyState). */
  copyState(from: Group): void {
    this.lastEvaluation = from.lastEvaluation;
    this.evaluationSeconds = from.evaluationSeconds;
    Object.assign(this.stats, from.stats);
    const ruleMap = new Map<string, number[]>();
    from.rules.forEach((r, fi) => ruleMap.set(r.nameAndLabels(), [...(ruleMap.get(r.nameAndLabels()) ?? []), fi]));
    this.rules.forEach((rule, i) => {
      const idx = ruleMap.get(rule.nameAndLabels()) ?? [];
      if (idx.length === 0) return;
      const fi = idx[0]!;
      this.seriesInPreviousEval[i] = from.seriesInPreviousEval[fi]!;
      ruleMap.set(rule.nameAndLabels(), idx.slice(1));
      const far = from.rules[fi]!;
      if (rule.kind === 'alerting' && far.kind === 'alerting') {
        for (const [fp, a] of far.active) rule.active.set(fp, a);
        rule.restored = far.restored || rule.restored;
      }
    });
    this.staleSeries = [...from.staleSeries];
    from.rules.forEach((r, fi) => {
      if ((ruleMap.get(r.nameAndLabels()) ?? []).length !== 0) this.staleSeries.push(...from.seriesInPreviousEval[fi]!.values());
    });
  }

  /** restoreForState restores the `for` state of pending alerts from ALERTS_FOR_STATE (Prometheus's RestoreForState). */
  restoreForState(ts: number): void {
    this.shouldRestore = false;
    const grace = this.opts.forGracePeriodMs;
    let q;
    try {
      q = this.opts.queryable.querier(ts - this.opts.outageToleranceMs, ts);
    } catch (e) {
      this.opts.logger('error', 'Failed to get Querier', { component: 'rules', err: (e as Error).message });
      return;
    }
    try {
      for (const rule of this.alertingRules()) {
        const hold = rule.def.forMs;
        if (hold < grace) {
          rule.restored = true;
          continue;
        }
        const matchers = rule
          .forStateSample(null, ts, 0)
          .metric.filter((l) => !l.value.includes('{{'))
          .map((l) => new Matcher('=', l.name, l.value));
        const byLabels = new Map<string, { t: number; v: number }>();
        for (const s of q.select(false, null, matchers).series) {
          const rec = labelsToRecord(s.labels);
          delete rec.__name__;
          const it = s.iterator();
          let t = 0;
          let v = 0;
          let any = false;
          while (it.next() === ValueType.Float) {
            t = it.atT();
            v = it.atF();
            any = true;
          }
          if (!any) continue;
          byLabels.set(JSON.stringify(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), { t, v });
        }
        if (byLabels.size === 0) {
          rule.restored = true;
          continue;
        }
        for (const a of rule.active.values()) {
          const key = JSON.stringify(a.labels.map((l) => [l.name, l.value]));
          const found = byLabels.get(key);
          if (!found || isStaleNaN(found.v)) continue;
          const downAt = Math.trunc(found.t / 1000) * 1000;
          let restoredActiveAt = Math.trunc(found.v) * 1000;
          const timeSpentPending = downAt - restoredActiveAt;
          const timeRemainingPending = hold - timeSpentPending;
          if (timeRemainingPending <= 0) {
            // it was firing when we went down: the next evaluation fires it again if still active
          } else if (timeRemainingPending < grace) {
            restoredActiveAt = ts + grace - hold;
          } else {
            restoredActiveAt += ts - downAt;
          }
          a.activeAt = restoredActiveAt;
        }
        rule.restored = true;
      }
    } finally {
      q.close();
    }
  }
}

/** notifyAlert converts an alert for the notifier as Prometheus's sendAlerts does. */
export function notifyAlert(a: Alert, externalURL: string, query: string): NotifyAlert {
  const base = externalURL.replace(/\/$/, '');
  return {
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.firedAt,
    endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil,
    generatorURL: `${base}/graph?g0.expr=${encodeURIComponent(query)}&g0.tab=1`,
  };
}

export { AlertState };
