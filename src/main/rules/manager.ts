/**
 * The rule manager, after Prometheus's rules/manager.go: loads the configuration's rule files,
 * runs each group on its own aligned schedule, keeps state across reloads (unchanged groups keep
 * running, changed ones take over their alerts), keeps the old rules when a file does not load,
 * watches the files, hands alerts to send to listeners (notifier.Send) and renders the
 * prometheus_rule_* self-metrics.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Labels } from '../../common/model/labels';
import type { VigilConfig } from '../config';
import { globFiles } from '../util/glob';
import type { Logger } from '../util/log';
import type { Appendable, Queryable } from '../storage/interface';
import type { Engine } from '../promql/engine';
import { loadRuleFile, type RuleGroup } from './file';
import { Group, type GroupOptions, type NotifyAlert } from './group';
import type { HoldSet, QueryFunc, RuleSample } from './rule';

/** Clock schedules the groups; tests pass a fake one. */
export interface Clock {
  now(): number;
  /** monotonic is a clock that does not jump (performance.now's; ms); the gap detector compares it with now(). */
  monotonic?(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** ManagerOptions configure a RuleManager. */
export interface ManagerOptions {
  query: QueryFunc;
  appendable: Appendable;
  queryable: Queryable;
  logger: Logger;
  externalURL?: string;
  clock?: Clock;
  forGracePeriodMs?: number;
  outageToleranceMs?: number;
  resendDelayMs?: number;
  /** watchDebounceMs is the quiet time after a rule file changes before reloading (default 500 ms); 0 turns watching off. */
  watchDebounceMs?: number;
  /** hold tells whose alerts a gap Vigil caused holds (rules/gap.ts's GapDetector.hold). */
  hold?: () => HoldSet | null;
}

/**
 * ExtraRuleFile is a rule file loaded besides the configuration's rule_files (the starter pack,
 * the user's files in the data folder): its text, and rule names left out of its groups.
 */
export interface ExtraRuleFile {
  file: string;
  text: string;
  disabled?: ReadonlySet<string>;
}

/** engineQueryFunc is Prometheus's EngineQueryFunc: an instant query; a scalar becomes one sample without labels. */
export function engineQueryFunc(engine: Engine, q: Queryable): QueryFunc {
  return (query, t) => {
    const r = engine.execInstant(q, query, t);
    const v = r.value;
    if (v.type === 'vector') return v.samples.map((s): RuleSample => ({ metric: s.metric, t: s.t, f: s.f, h: s.h }));
    if (v.type === 'scalar') return [{ metric: [], t: v.t, f: v.v, h: null }];
    throw new Error('rule result is not a vector or scalar');
  };
}

/** UpdateResult says what a reload did. */
export interface UpdateResult {
  ok: boolean;
  errors: string[];
}

interface Running {
  group: Group;
  timer: unknown;
  next: number;
  evals: number;
  stopped: boolean;
}

/** RuleManager runs the rule groups of the configuration's rule files. */
export class RuleManager {
  private groups = new Map<string, Running>();
  private readonly clock: Clock;
  private readonly listeners = new Set<(alerts: NotifyAlert[]) => void>();
  private restoredOnce = false;
  private files: string[] = [];
  private configFiles: string[] = [];
  private patterns: string[] = [];
  private extra: () => ExtraRuleFile[] = () => [];
  private watchers: fs.FSWatcher[] = [];
  private watchTimer: unknown = null;
  private defaults = { intervalMs: 60_000, queryOffsetMs: 0 };
  private externalLabels: Record<string, string> = {};
  private stopped = false;

  constructor(private readonly opts: ManagerOptions) {
    this.clock = opts.clock ?? REAL_CLOCK;
  }

  /** onAlerts subscribes to the alerts to send after each evaluation (firing, and resolved ones); returns the unsubscriber. */
  onAlerts(listener: (alerts: NotifyAlert[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** applyConfig loads the configuration's rule files; on errors the running rules stay. */
  applyConfig(config: VigilConfig): UpdateResult {
    this.patterns = config.ruleFiles;
    this.defaults = { intervalMs: config.global.evaluationInterval, queryOffsetMs: config.global.ruleQueryOffset };
    this.externalLabels = Object.fromEntries(config.global.externalLabels.map((l) => [l.name, l.value]));
    return this.reloadFiles();
  }

  /** setExtraRules sets the source of the rule files loaded besides rule_files (read on every reload). */
  setExtraRules(extra: () => ExtraRuleFile[]): void {
    this.extra = extra;
  }

  /** reloadFiles re-reads the rule files of the last configuration (and the extra ones). */
  reloadFiles(): UpdateResult {
    const files = [...new Set(this.patterns.flatMap((p) => globFiles(p)))];
    const r = this.update(files);
    this.watch();
    return r;
  }

  /** update loads the given files and the extra ones and swaps the groups in (nothing changes when one fails). */
  update(files: string[]): UpdateResult {
    const errors: string[] = [];
    const loaded: { file: string; group: RuleGroup }[] = [];
    let extras: ExtraRuleFile[] = [];
    try {
      extras = this.extra().filter((x) => !files.includes(x.file));
    } catch (e) {
      errors.push(`extra rule files: ${(e as Error).message}`);
    }
    for (const x of extras) {
      const rf = loadRuleFile(x.text);
      for (const e of rf.errors) errors.push(`${x.file}:${e.line}:${e.column}: ${e.message}`);
      for (const g of rf.groups) {
        const rules = x.disabled && x.disabled.size > 0 ? g.rules.filter((r) => !x.disabled!.has(r.kind === 'alerting' ? r.alert : r.record)) : g.rules;
        if (rules.length > 0) loaded.push({ file: x.file, group: { ...g, rules } });
      }
    }
    for (const file of files) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        errors.push(`${file}: ${(e as Error).message}`);
        continue;
      }
      const rf = loadRuleFile(text);
      for (const e of rf.errors) errors.push(`${file}:${e.line}:${e.column}: ${e.message}`);
      for (const g of rf.groups) loaded.push({ file, group: g });
    }
    if (errors.length > 0) {
      for (const e of errors) this.opts.logger('error', `loading rule files failed, the previous rules are kept: ${e}`, { component: 'rules' });
      return { ok: false, errors };
    }
    this.configFiles = files;
    this.files = [...files, ...extras.map((x) => x.file)];
    const shouldRestore = !this.restoredOnce;
    this.restoredOnce = true;
    const next = new Map<string, Running>();
    for (const { file, group } of loaded) {
      const g = new Group(group, file, this.defaults, this.groupOptions(), shouldRestore);
      const old = this.groups.get(g.key);
      if (old && old.group.signature === g.signature && !old.stopped) {
        next.set(g.key, old);
        this.groups.delete(g.key);
        continue;
      }
      if (old) {
        this.stopRunning(old);
        g.copyState(old.group);
        this.groups.delete(g.key);
      }
      next.set(g.key, this.start(g));
    }
    // Groups that are gone: stop, and mark their series stale.
    for (const old of this.groups.values()) {
      this.stopRunning(old);
      old.group.markAllStale(this.clock.now());
    }
    this.groups = next;
    this.opts.logger('info', `rules loaded: ${loaded.length} groups from ${this.files.length} files`, { component: 'rules' });
    return { ok: true, errors: [] };
  }

  private groupOptions(): GroupOptions {
    return {
      query: this.opts.query,
      appendable: this.opts.appendable,
      queryable: this.opts.queryable,
      externalLabels: this.externalLabels,
      externalURL: this.opts.externalURL ?? '',
      logger: this.opts.logger,
      now: () => this.clock.now(),
      forGracePeriodMs: this.opts.forGracePeriodMs ?? 10 * 60_000,
      outageToleranceMs: this.opts.outageToleranceMs ?? 60 * 60_000,
      resendDelayMs: this.opts.resendDelayMs ?? 60_000,
      hold: this.opts.hold,
      notify: (alerts) => {
        for (const l of this.listeners) {
          try {
            l(alerts);
          } catch (e) {
            this.opts.logger('warn', `alert listener failed: ${(e as Error).message}`, { component: 'rules' });
          }
        }
      },
    };
  }

  private start(g: Group): Running {
    const r: Running = { group: g, timer: null, next: g.evalTimestamp(this.clock.now()) + g.intervalMs, evals: 0, stopped: false };
    const tick = (): void => {
      if (r.stopped || this.stopped) return;
      const now = this.clock.now();
      const missed = Math.floor((now - r.next) / g.intervalMs);
      if (missed > 0) {
        g.stats.missed += missed;
        r.next += missed * g.intervalMs;
      }
      try {
        g.iterate(r.next);
      } catch (e) {
        this.opts.logger('error', `rule group ${g.key} failed: ${(e as Error).message}`, { component: 'rules' });
      }
      r.evals++;
      if (g.shouldRestore && r.evals >= 2) g.restoreForState(this.clock.now());
      r.next += g.intervalMs;
      r.timer = this.clock.setTimeout(tick, Math.max(0, r.next - this.clock.now()));
    };
    r.timer = this.clock.setTimeout(tick, Math.max(0, r.next - this.clock.now()));
    return r;
  }

  private stopRunning(r: Running): void {
    r.stopped = true;
    if (r.timer !== null) this.clock.clearTimeout(r.timer);
  }

  private watch(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    const debounce = this.opts.watchDebounceMs ?? 500;
    if (debounce <= 0 || this.stopped) return;
    const dirs = new Set<string>();
    for (const p of this.patterns) dirs.add(p.includes('/') ? p.slice(0, p.lastIndexOf('/')) || '/' : '.');
    for (const f of this.files.slice(this.configFiles.length)) dirs.add(path.dirname(f));
    for (const dir of dirs) {
      try {
        const w = fs.watch(dir, { persistent: false }, () => {
          if (this.watchTimer !== null) this.clock.clearTimeout(this.watchTimer);
          this.watchTimer = this.clock.setTimeout(() => {
            this.watchTimer = null;
            if (this.stopped) return;
            const files = [...new Set(this.patterns.flatMap((p) => globFiles(p)))];
            const sig = this.signatureOf(files);
            if (sig === this.lastSig) return;
            this.lastSig = sig;
            this.opts.logger('info', 'a rule file changed, reloading the rules', { component: 'rules' });
            this.update(files);
          }, debounce);
        });
        w.on('error', () => {});
        this.watchers.push(w);
      } catch (e) {
        this.opts.logger('warn', `cannot watch ${dir} for rule file changes: ${(e as Error).message}`, { component: 'rules' });
      }
    }
    this.lastSig = this.signatureOf(this.configFiles);
  }

  private signatureOf(files: string[]): string {
    let extras: ExtraRuleFile[] = [];
    try {
      extras = this.extra();
    } catch {
      // reported by update
    }
    return [...files.map((f) => `${f}:${mtime(f)}`), ...extras.map((x) => `${x.file}:${x.text.length}:${hash(x.text)}:${[...(x.disabled ?? [])].join(',')}`)].join('|');
  }

  private lastSig = '';

  /** ruleGroups lists the running groups in file and name order (as Prometheus's RuleGroups). */
  ruleGroups(): Group[] {
    return [...this.groups.values()].map((r) => r.group).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** ruleFiles are the files loaded (the configuration's, then the extra ones). */
  ruleFiles(): string[] {
    return [...this.files];
  }

  /** configRuleFiles are the files the configuration's rule_files name (as last loaded). */
  configRuleFiles(): string[] {
    return [...this.configFiles];
  }

  /** configRulePatterns are the configuration's rule_files as written. */
  configRulePatterns(): string[] {
    return [...this.patterns];
  }

  /** selfMetrics renders the prometheus_rule_* metrics. */
  selfMetrics(): string {
    const groups = this.ruleGroups();
    const lines: string[] = [];
    const family = (name: string, type: string, help: string, v: (g: Group) => number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const g of groups) lines.push(`${name}{rule_group=${JSON.stringify(g.key)}} ${v(g)}`);
    };
    family('prometheus_rule_evaluations_total', 'counter', 'The total number of rule evaluations.', (g) => g.stats.evaluations);
    family('prometheus_rule_evaluation_failures_total', 'counter', 'The total number of rule evaluation failures.', (g) => g.stats.failures);
    family('prometheus_rule_group_iterations_total', 'counter', 'The total number of scheduled rule group evaluations, whether executed or missed.', (g) => g.stats.iterations + g.stats.missed);
    family('prometheus_rule_group_iterations_missed_total', 'counter', 'The total number of rule group evaluations missed due to slow rule group evaluation.', (g) => g.stats.missed);
    family('prometheus_rule_group_last_duration_seconds', 'gauge', 'The duration of the last rule group evaluation.', (g) => g.stats.lastDurationSeconds);
    family('prometheus_rule_group_last_evaluation_timestamp_seconds', 'gauge', 'The timestamp of the last rule group evaluation in seconds.', (g) => g.stats.lastEvalTimestampMs / 1000);
    family('prometheus_rule_group_last_evaluation_samples', 'gauge', 'The number of samples returned during the last rule group evaluation.', (g) => g.stats.samples);
    family('prometheus_rule_group_interval_seconds', 'gauge', 'The interval of a rule group.', (g) => g.intervalMs / 1000);
    family('prometheus_rule_group_rules', 'gauge', 'The number of rules.', (g) => g.rules.length);
    return lines.join('\n') + '\n';
  }

  /** stop stops every group and the file watchers. */
  stop(): void {
    this.stopped = true;
    for (const r of this.groups.values()) this.stopRunning(r);
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.watchTimer !== null) this.clock.clearTimeout(this.watchTimer);
  }
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function mtime(f: string): string {
  try {
    const s = fs.statSync(f);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'missing';
  }
}

export type { NotifyAlert, Labels, HoldSet };
