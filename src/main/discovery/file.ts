/**
 * File-based discovery (`file_sd_configs`), after Prometheus's discovery/file: JSON or YAML files
 * of `[{targets: [...], labels: {...}}]`, matched by patterns whose last element may contain `*`,
 * re-read every refresh_interval and when their folder changes. Every group gets
 * `__meta_filepath`; a file that cannot be read or parsed keeps its previous groups (the error is
 * logged), and a file that disappears removes them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { labelsFromRecord, type Label, type Labels } from '../../common/model/labels';
import type { YNode } from '../config/yamlwalk';
import { globFiles } from '../util/glob';
import type { Logger } from '../util/log';
import type { Discoverer, DiscoveryKind, SDConfigContext } from './discoverer';
import type { SDConfig, TargetGroup } from './targetgroup';

/** FileSDConfig is one file_sd_configs entry. */
export interface FileSDConfig extends SDConfig {
  readonly kind: 'file';
  /** files are patterns, resolved against the configuration file's folder. */
  files: string[];
  refreshInterval: number;
}

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

/** FileDiscoverer watches the files of one file_sd_configs entry. */
export class FileDiscoverer implements Discoverer {
  /** byFile holds each file's groups, kept when a later read fails so a bad write drops nothing. */
  private readonly byFile = new Map<string, TargetGroup[]>();
  private up: ((groups: TargetGroup[]) => void) | null = null;

  constructor(
    private readonly cfg: FileSDConfig,
    private readonly logger: Logger,
  ) {}

  run(signal: AbortSignal, up: (groups: TargetGroup[]) => void): Promise<void> {
    this.up = up;
    up(this.refresh());
    const onChange = (): void => {
      if (signal.aborted) return;
      const changed = this.refresh();
      if (changed.length > 0) up(changed);
    };
    const timer = setInterval(onChange, Math.max(1000, this.cfg.refreshInterval));
    timer.unref();
    const watchers: fs.FSWatcher[] = [];
    for (const dir of new Set(this.cfg.files.map((f) => path.dirname(f)))) {
      try {
        const w = fs.watch(dir, { persistent: false }, () => setTimeout(onChange, 50));
        w.on('error', () => {});
        watchers.push(w);
      } catch {
        // The folder may not exist yet: the periodic refresh picks its files up.
      }
    }
    return new Promise((resolve) => {
      const stop = (): void => {
        clearInterval(timer);
        for (const w of watchers) w.close();
        this.up = null;
        resolve();
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
  }

  /** refreshNow re-reads every file and reports what changed (a reload, and tests). */
  refreshNow(): void {
    const changed = this.refresh();
    if (changed.length > 0) this.up?.(changed);
  }

  /** refresh re-reads the files and returns the groups that changed (empty groups for removed sources). */
  private refresh(): TargetGroup[] {
    const files = new Set<string>();
    for (const pat of this.cfg.files) for (const f of globFiles(pat)) files.add(f);
    const out: TargetGroup[] = [];
    for (const [f, before] of [...this.byFile]) {
      if (files.has(f)) continue;
      this.byFile.delete(f);
      for (const g of before) out.push({ source: g.source, targets: [], labels: [] });
    }
    for (const f of files) {
      let groups: TargetGroup[];
      try {
        groups = readTargetGroupsFile(f);
      } catch (e) {
        this.logger('error', 'Error reading file', { path: f, err: (e as Error).message });
        continue;
      }
      const before = this.byFile.get(f);
      if (before !== undefined && JSON.stringify(before) === JSON.stringify(groups)) continue;
      this.byFile.set(f, groups);
      out.push(...groups);
      // Groups the file no longer has are removed.
      for (let i = groups.length; i < (before?.length ?? 0); i++) out.push({ source: `${f}:${i}`, targets: [], labels: [] });
    }
    return out;
  }
}

const MIN = 60_000;

/** fileDiscovery is the `file` kind: file_sd_configs. */
export const fileDiscovery: DiscoveryKind<FileSDConfig> = {
  kind: 'file',
  parse(item: YNode, ctx: SDConfigContext): FileSDConfig | null {
    const w = ctx.w;
    const ff = w.fields(item, 'file.SDConfig', ['files', 'refresh_interval']);
    if (ff === null) return null;
    const files = w.strList(ff.get('files')?.value ?? null);
    for (const fn of files) {
      if (!/\.(json|ya?ml)$/.test(fn.replace(/\*$/, '.json'))) {
        w.err(ff.get('files')!.value, `path name ${JSON.stringify(fn)} is not valid for file discovery`);
      }
    }
    return {
      kind: 'file',
      line: w.position(item).line,
      files: files.map((x) => ctx.joinDir(x)),
      refreshInterval: w.duration(ff.get('refresh_interval')?.value ?? null, 5 * MIN),
    };
  },
  files: (c) => c.files.filter((p) => !/[*?]/.test(p)).map((p) => ({ path: p, what: 'SD file' })),
  key: (c) => JSON.stringify({ files: c.files, refreshInterval: c.refreshInterval }),
  create: (c, opts) => new FileDiscoverer(c, opts.logger),
};
