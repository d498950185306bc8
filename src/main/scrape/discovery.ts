/**
 * Target discovery for what prometheus.yml describes locally: static_configs and file_sd_configs
 * (Prometheus's discovery/file: JSON or YAML files of `[{targets: [...], labels: {...}}]`, matched
 * by a pattern whose last element may contain `*`, re-read every refresh_interval and when the
 * directory changes; every group gets `__meta_filepath`). Kubernetes discovery plugs in later
 * through the same callback: it emits target groups per scrape pool.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Label, Labels } from '../../common/model/labels';
import { labelsFromRecord } from '../../common/model/labels';
import { globFiles } from '../config/check';
import type { FileSDConfig, TargetGroup, VigilConfig } from '../config/types';
import type { Logger } from '../util/log';
import { nopLogger } from '../util/log';

/** TargetSetsListener receives, per scrape pool, the complete current list of target groups. */
export type TargetSetsListener = (sets: Map<string, TargetGroup[]>) => void;

/** readTargetGroupsFile parses one file_sd file (JSON when it ends in .json, else YAML). Throws on bad content. */
export function readTargetGroupsFile(file: string): TargetGroup[] {
  const text = fs.readFileSync(file, 'utf8');
  const data: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) throw new Error(`${file}: expected a list of target groups`);
  return data.map((g: unknown, i: number) => {
    if (typeof g !== 'object' || g === null || Array.isArray(g)) throw new Error(`${file}: target group ${i} is not a mapping`);
    const o = g as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'targets' && k !== 'labels') throw new Error(`${file}: target group ${i}: field ${k} not found in type targetgroup.Group`);
    const targets = o.targets ?? [];
    if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string')) throw new Error(`${file}: target group ${i}: targets must be a list of strings`);
    const labels = (o.labels ?? {}) as Record<string, unknown>;
    if (typeof labels !== 'object' || Array.isArray(labels)) throw new Error(`${file}: target group ${i}: labels must be a mapping`);
    const rec: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) {
      if (typeof v !== 'string') throw new Error(`${file}: target group ${i}: label ${k} must be a string`);
      rec[k] = v;
    }
    rec.__meta_filepath = file;
    return {
      source: `${file}:${i}`,
      targets: (targets as string[]).map((t): Labels => [{ name: '__address__', value: t } as Label]),
      labels: labelsFromRecord(rec),
    };
  });
}

interface FileProvider {
  job: string;
  cfg: FileSDConfig;
  /** groups by file, kept when a file cannot be read so a bad write does not drop targets. */
  byFile: Map<string, TargetGroup[]>;
  timer: NodeJS.Timeout | null;
  watchers: fs.FSWatcher[];
}

/**
 * TargetDiscovery turns a configuration into target sets: static groups at once, file SD groups
 * as files appear and change. Call applyConfig again on reload; stop() ends watching.
 */
export class TargetDiscovery {
  private providers: FileProvider[] = [];
  private staticSets = new Map<string, TargetGroup[]>();
  private stopped = false;

  constructor(
    private readonly listener: TargetSetsListener,
    private readonly logger: Logger = nopLogger,
  ) {}

  /** applyConfig (re)starts discovery for cfg and emits every job's target groups. */
  applyConfig(cfg: VigilConfig): void {
    this.stopProviders();
    this.stopped = false;
    this.staticSets = new Map(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc.staticConfigs.map((g) => ({ ...g, source: `static/${g.source}` }))]));
    for (const sc of cfg.scrapeConfigs) {
      for (const f of sc.fileSDConfigs) this.providers.push({ job: sc.jobName, cfg: f, byFile: new Map(), timer: null, watchers: [] });
      if (sc.kubernetesSDConfigs.length > 0) {
        this.logger('warn', 'kubernetes_sd_configs is validated but Kubernetes discovery is not available in this version: no targets are discovered from it', { scrape_pool: sc.jobName });
      }
    }
    for (const p of this.providers) this.refresh(p);
    this.emit(new Set(cfg.scrapeConfigs.map((s) => s.jobName)));
    for (const p of this.providers) this.watch(p);
  }

  /** refreshNow re-reads every file (tests; also what a SIGHUP-like reload would do). */
  refreshNow(): void {
    const jobs = new Set<string>();
    for (const p of this.providers) if (this.refresh(p)) jobs.add(p.job);
    if (jobs.size > 0) this.emit(jobs);
  }

  stop(): void {
    this.stopped = true;
    this.stopProviders();
  }

  private stopProviders(): void {
    for (const p of this.providers) {
      if (p.timer) clearInterval(p.timer);
      for (const w of p.watchers) w.close();
    }
    this.providers = [];
  }

  private watch(p: FileProvider): void {
    const onChange = (): void => {
      if (!this.stopped && this.refresh(p)) this.emit(new Set([p.job]));
    };
    p.timer = setInterval(onChange, Math.max(1000, p.cfg.refreshInterval));
    p.timer.unref();
    for (const dir of new Set(p.cfg.files.map((f) => path.dirname(f)))) {
      try {
        const w = fs.watch(dir, { persistent: false }, () => setTimeout(onChange, 50));
        w.on('error', () => {});
        p.watchers.push(w);
      } catch {
        // The directory may not exist yet: the periodic refresh picks files up.
      }
    }
  }

  /** refresh re-reads a provider's files; returns whether its groups changed. */
  private refresh(p: FileProvider): boolean {
    const files = new Set<string>();
    for (const pat of p.cfg.files) for (const f of globFiles(pat)) files.add(f);
    let changed = false;
    for (const f of [...p.byFile.keys()]) {
      if (!files.has(f)) {
        p.byFile.delete(f);
        changed = true;
      }
    }
    for (const f of files) {
      try {
        const groups = readTargetGroupsFile(f);
        const before = p.byFile.get(f);
        if (before === undefined || JSON.stringify(before) !== JSON.stringify(groups)) {
          p.byFile.set(f, groups);
          changed = true;
        }
      } catch (e) {
        this.logger('error', 'Error reading file', { path: f, err: (e as Error).message });
      }
    }
    return changed;
  }

  private emit(jobs: Set<string>): void {
    const out = new Map<string, TargetGroup[]>();
    for (const job of jobs) {
      const groups = [...(this.staticSets.get(job) ?? [])];
      for (const p of this.providers) if (p.job === job) for (const gs of p.byFile.values()) groups.push(...gs);
      out.set(job, groups);
    }
    this.listener(out);
  }
}
