/**
 * The app's settings: one JSON file in the data folder (`settings.json`, readable by the user
 * only), shared by the desktop app and `vigil serve`. Command-line flags override a setting for
 * one run; the file keeps what the user chose in the app. A broken file is reported with its path
 * and the run continues on defaults; the file is never overwritten by a failed read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDuration } from '../../common/model/time';
import { parseBase2Bytes } from '../config/yamlwalk';
import { validateClusterSettings, type ClusterSettings } from '../cluster/settings';
import { parseNotifierSetting, type NotifierSetting } from '../alerting/desktop';

/** SETTINGS_FILE is the settings file's name in the data folder. */
export const SETTINGS_FILE = 'settings.json';

/** Settings are what the user can choose (absent fields take defaults). */
export interface Settings {
  retention?: {
    /** time is a Prometheus duration (`15d`); 0 turns time retention off. */
    time?: string;
    /** size is a Prometheus size (`2GB`, base 2); 0 turns size retention off. */
    size?: string;
  };
  /** contexts are the Kubernetes contexts Vigil monitors. */
  contexts?: {
    /** monitored names contexts; empty or absent means the kubeconfig's current context. */
    monitored?: string[];
    /** all monitors every context. */
    all?: boolean;
    /** clusterLabels give a context's series another `cluster` label than its name. */
    clusterLabels?: Record<string, string>;
  };
  /** cluster holds the choices about the default jobs of the monitored contexts (cluster/settings.ts). */
  cluster?: ClusterSettings;
  /** rules: the starter rule pack (on by default) and the names of its rules switched off. */
  rules?: {
    starter?: { enabled?: boolean; disabled?: string[] };
  };
  /** alerting: how desktop notices are shown (alerting/desktop.ts: auto, page, system or off). */
  alerting?: {
    notifier?: NotifierSetting;
  };
}

/** DEFAULT_RETENTION_TIME and DEFAULT_RETENTION_SIZE are the retention of a laptop. */
export const DEFAULT_RETENTION_TIME = '15d';
export const DEFAULT_RETENTION_SIZE = '2GB';

/** Retention is the resolved retention in ms and bytes (0 = off), with the texts it was given as. */
export interface Retention {
  timeMs: number;
  sizeBytes: number;
  time: string;
  size: string;
}

/** parseRetentionTime parses a retention duration; throws with the flag or setting's name. */
export function parseRetentionTime(s: string, where: string): number {
  try {
    const ms = parseDuration(s);
    if (ms < 0) throw new Error('must not be negative');
    return ms;
  } catch (e) {
    throw new Error(`${where}: invalid duration ${JSON.stringify(s)}: ${(e as Error).message}`);
  }
}

/** parseRetentionSize parses a retention size; throws with the flag or setting's name. */
export function parseRetentionSize(s: string, where: string): number {
  const n = parseBase2Bytes(s);
  if (n === null) throw new Error(`${where}: invalid size ${JSON.stringify(s)} (use units such as 512MB, 2GB, 1TB)`);
  return n;
}

/** SettingsStore reads and writes settings.json. */
export class SettingsStore {
  readonly file: string;
  private current: Settings = {};
  /** problem is why the file could not be read at load ('' when it could or does not exist). */
  problem = '';

  constructor(dataDir: string) {
    this.file = path.join(dataDir, SETTINGS_FILE);
    this.load();
  }

  /** load (re)reads the file; a missing file is empty settings. */
  load(): void {
    this.problem = '';
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.problem = `${this.file}: ${(e as Error).message}`;
      this.current = {};
      return;
    }
    try {
      const v: unknown = JSON.parse(text);
      this.current = validateSettings(v, this.file);
    } catch (e) {
      this.problem = (e as Error).message.startsWith(this.file) ? (e as Error).message : `${this.file}: ${(e as Error).message}`;
      this.current = {};
    }
  }

  /** get returns the settings. */
  get(): Settings {
    return this.current;
  }

  /** update merges a change into the settings and writes the file (atomically, mode 0600). */
  update(change: Settings): void {
    const next = validateSettings(
      { ...this.current, ...change, retention: { ...this.current.retention, ...change.retention }, contexts: { ...this.current.contexts, ...change.contexts }, rules: { ...this.current.rules, ...change.rules } },
      this.file,
    );
    if (next.retention && Object.keys(next.retention).length === 0) delete next.retention;
    if (next.contexts && Object.keys(next.contexts).length === 0) delete next.contexts;
    if (next.cluster && Object.keys(next.cluster).length === 0) delete next.cluster;
    if (next.rules && Object.keys(next.rules).length === 0) delete next.rules;
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    this.current = next;
  }

  /** starterRules resolves rules.starter: enabled unless switched off, and the rules switched off. */
  starterRules(): { enabled: boolean; disabled: string[] } {
    const s = this.current.rules?.starter ?? {};
    return { enabled: s.enabled ?? true, disabled: [...(s.disabled ?? [])] };
  }

  /** retention resolves retention: flags first, then the settings file, then the defaults. */
  retention(flags: { time?: string; size?: string } = {}): Retention {
    const s = this.current.retention ?? {};
    const time = flags.time ?? s.time ?? DEFAULT_RETENTION_TIME;
    const size = flags.size ?? s.size ?? DEFAULT_RETENTION_SIZE;
    return {
      time,
      size,
      timeMs: parseRetentionTime(time, flags.time !== undefined ? '--storage.tsdb.retention.time' : `${this.file}: retention.time`),
      sizeBytes: parseRetentionSize(size, flags.size !== undefined ? '--storage.tsdb.retention.size' : `${this.file}: retention.size`),
    };
  }
}

/** validateSettings checks a parsed settings file; throws naming the file and the field. */
export function validateSettings(v: unknown, file: string): Settings {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${file}: expected a JSON object`);
  const o = v as Record<string, unknown>;
  const out: Settings = {};
  for (const k of Object.keys(o)) if (k !== 'retention' && k !== 'contexts' && k !== 'cluster' && k !== 'rules' && k !== 'alerting') throw new Error(`${file}: unknown setting ${JSON.stringify(k)}`);
  if (o.alerting !== undefined) {
    const a = o.alerting as Record<string, unknown>;
    if (typeof a !== 'object' || a === null || Array.isArray(a)) throw new Error(`${file}: alerting must be an object`);
    out.alerting = {};
    for (const [k, x] of Object.entries(a)) {
      if (k !== 'notifier') throw new Error(`${file}: unknown setting alerting.${k}`);
      out.alerting.notifier = parseNotifierSetting(x, `${file}: alerting.notifier`);
    }
  }
  if (o.rules !== undefined) out.rules = validateRulesSettings(o.rules, file);
  if (o.cluster !== undefined) out.cluster = validateClusterSettings(o.cluster, file);
  if (o.contexts !== undefined) {
    const c = o.contexts as Record<string, unknown>;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error(`${file}: contexts must be an object`);
    out.contexts = {};
    for (const [k, x] of Object.entries(c)) {
      if (k === 'monitored') {
        if (!Array.isArray(x) || !x.every((n) => typeof n === 'string')) throw new Error(`${file}: contexts.monitored must be a list of context names`);
        out.contexts.monitored = x as string[];
      } else if (k === 'all') {
        if (typeof x !== 'boolean') throw new Error(`${file}: contexts.all must be true or false`);
        out.contexts.all = x;
      } else if (k === 'clusterLabels') {
        if (typeof x !== 'object' || x === null || Array.isArray(x) || !Object.values(x).every((v) => typeof v === 'string')) throw new Error(`${file}: contexts.clusterLabels must map context names to labels`);
        out.contexts.clusterLabels = x as Record<string, string>;
      } else throw new Error(`${file}: unknown setting contexts.${k}`);
    }
  }
  if (o.retention !== undefined) {
    const r = o.retention as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error(`${file}: retention must be an object`);
    out.retention = {};
    for (const [k, x] of Object.entries(r)) {
      if (k !== 'time' && k !== 'size') throw new Error(`${file}: unknown setting retention.${k}`);
      if (typeof x !== 'string') throw new Error(`${file}: retention.${k} must be a string`);
      if (k === 'time') parseRetentionTime(x, `${file}: retention.time`);
      else parseRetentionSize(x, `${file}: retention.size`);
      out.retention[k] = x;
    }
  }
  return out;
}

function validateRulesSettings(v: unknown, file: string): NonNullable<Settings['rules']> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${file}: rules must be an object`);
  const out: NonNullable<Settings['rules']> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k !== 'starter') throw new Error(`${file}: unknown setting rules.${k}`);
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error(`${file}: rules.starter must be an object`);
    out.starter = {};
    for (const [sk, sx] of Object.entries(x as Record<string, unknown>)) {
      if (sk === 'enabled') {
        if (typeof sx !== 'boolean') throw new Error(`${file}: rules.starter.enabled must be true or false`);
        out.starter.enabled = sx;
      } else if (sk === 'disabled') {
        if (!Array.isArray(sx) || !sx.every((n) => typeof n === 'string')) throw new Error(`${file}: rules.starter.disabled must be a list of rule names`);
        out.starter.disabled = sx as string[];
      } else throw new Error(`${file}: unknown setting rules.starter.${sk}`);
    }
  }
  return out;
}
