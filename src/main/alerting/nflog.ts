/**
 * The notification log (Alertmanager's nflog): for each receiver integration and aggregation
 * group, what was last notified (the firing and resolved alerts' fingerprints) and when. The
 * dispatcher's dedup stage reads it to decide whether a flush notifies; it is written after a
 * successful send. Entries expire (2 x repeat_interval when given, else the retention, 120h).
 *
 * The log is persisted in `<dir>/nflog.json`, written atomically (tmp + rename) after every change
 * and loaded at start, so a restart neither notifies again nor forgets. A corrupt file is renamed
 * aside (`nflog.json.corrupt-<time>`), logged, and the log starts empty.
 *
 * Besides, a bounded in-memory history of notification attempts (ok or error) feeds the UI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Clock } from './alerts';
import type { LabelSet } from './types';

/** NflogReceiver names one integration of one receiver (nflogpb.Receiver). */
export interface NflogReceiver {
  groupName: string;
  integration: string;
  idx: number;
}

/** NflogEntry is what was last notified for one group to one integration. */
export interface NflogEntry {
  receiver: NflogReceiver;
  groupKey: string;
  /** timestamp is when the notification was logged (ms). */
  timestamp: number;
  firingAlerts: string[];
  resolvedAlerts: string[];
  expiresAt: number;
}

/** NotificationRecord is one notification attempt, for the UI's log. */
export interface NotificationRecord {
  time: number;
  receiver: string;
  integration: string;
  index: number;
  groupKey: string;
  groupLabels: LabelSet;
  firing: number;
  resolved: number;
  ok: boolean;
  error?: string;
  attempts: number;
}

/** NFLOG_FILE is the snapshot's name in the alerting data folder. */
export const NFLOG_FILE = 'nflog.json';
/** DEFAULT_RETENTION_MS is Alertmanager's --data.retention (120h). */
export const DEFAULT_RETENTION_MS = 120 * 3600_000;

type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface NflogOptions {
  /** dir is the alerting data folder (null keeps the log in memory only). */
  dir: string | null;
  clock: Clock;
  logger?: Log;
  retentionMs?: number;
  /** historyLimit bounds the in-memory attempt history (default 1000). */
  historyLimit?: number;
  /** maintenanceMs is how often expired entries are dropped (default 15m). */
  maintenanceMs?: number;
}

function stateKey(groupKey: string, r: NflogReceiver): string {
  return `${groupKey}:${r.groupName}/${r.integration}/${r.idx}`;
}

function isStrings(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

function validEntry(x: unknown): x is NflogEntry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  const r = e.receiver as Record<string, unknown> | undefined;
  return (
    typeof r === 'object' && r !== null && typeof r.groupName === 'string' && typeof r.integration === 'string' && typeof r.idx === 'number' &&
    typeof e.groupKey === 'string' && typeof e.timestamp === 'number' && typeof e.expiresAt === 'number' && isStrings(e.firingAlerts) && isStrings(e.resolvedAlerts)
  );
}

/** Nflog is the notification log. */
export class Nflog {
  private readonly st = new Map<string, NflogEntry>();
  private readonly history: NotificationRecord[] = [];
  private readonly file: string | null;
  private readonly retentionMs: number;
  private readonly historyLimit: number;
  private readonly log: Log;
  private timer: unknown = null;
  private stopped = false;
  /** counters for self-metrics. */
  readonly stats = { queries: 0, queryErrors: 0, gcRuns: 0, snapshots: 0, snapshotErrors: 0, snapshotBytes: 0, loadProblems: 0 };

  constructor(private readonly opts: NflogOptions) {
    this.file = opts.dir ? path.join(opts.dir, NFLOG_FILE) : null;
    this.retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
    this.historyLimit = opts.historyLimit ?? 1000;
    this.log = opts.logger ?? (() => {});
    this.load();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.opts.clock.setTimeout(() => {
      if (this.gc() > 0) this.snapshot();
      this.schedule();
    }, this.opts.maintenanceMs ?? 15 * 60_000);
  }

  private load(): void {
    if (!this.file || !fs.existsSync(this.file)) return;
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      this.log('error', `notification log: cannot read ${this.file}: ${(e as Error).message}; starting empty`);
      this.stats.loadProblems++;
      return;
    }
    let problem = '';
    let entries: unknown[] = [];
    try {
      const doc = JSON.parse(text) as { version?: unknown; entries?: unknown };
      if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.entries)) problem = 'no "entries" list';
      else entries = doc.entries;
    } catch (e) {
      problem = (e as Error).message;
    }
    if (problem === '') {
      const bad = entries.findIndex((e) => !validEntry(e));
      if (bad >= 0) problem = `entries[${bad}] is not a notification log entry`;
    }
    if (problem !== '') {
      const aside = `${this.file}.corrupt-${new Date(this.opts.clock.now()).toISOString().replace(/[:.]/g, '-')}`;
      try {
        fs.renameSync(this.file, aside);
      } catch {
        // leave it; it is overwritten by the next snapshot
      }
      this.stats.loadProblems++;
      this.log('error', `notification log: ${this.file} is corrupt (${problem}); moved to ${aside}, starting empty`);
      return;
    }
    const now = this.opts.clock.now();
    for (const e of entries as NflogEntry[]) {
      if (e.expiresAt <= now) continue;
      this.st.set(stateKey(e.groupKey, e.receiver), e);
    }
  }

  /** snapshot writes the log atomically; failures are logged, not thrown. */
  snapshot(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    try {
      const body = JSON.stringify({ version: 1, entries: [...this.st.values()] });
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, body);
      fs.renameSync(tmp, this.file);
      this.stats.snapshots++;
      this.stats.snapshotBytes = Buffer.byteLength(body);
    } catch (e) {
      this.stats.snapshotErrors++;
      this.log('error', `notification log: cannot write ${this.file}: ${(e as Error).message}`);
    }
  }

  /** query returns the entry for a group and integration, or null. */
  query(groupKey: string, r: NflogReceiver): NflogEntry | null {
    this.stats.queries++;
    const e = this.st.get(stateKey(groupKey, r));
    if (!e || e.expiresAt <= this.opts.clock.now()) return null;
    return e;
  }

  /** logNotified records a successful notification (expiryMs 0 keeps it for the retention). */
  logNotified(r: NflogReceiver, groupKey: string, firing: string[], resolved: string[], expiryMs: number): void {
    const now = this.opts.clock.now();
    const key = stateKey(groupKey, r);
    const prev = this.st.get(key);
    if (prev && prev.timestamp > now) return;
    const expiresAt = expiryMs > 0 && this.retentionMs > expiryMs ? now + expiryMs : now + this.retentionMs;
    this.st.set(key, { receiver: { ...r }, groupKey, timestamp: now, firingAlerts: [...firing], resolvedAlerts: [...resolved], expiresAt });
    this.snapshot();
  }

  /** gc drops expired entries; returns how many. */
  gc(): number {
    this.stats.gcRuns++;
    const now = this.opts.clock.now();
    let n = 0;
    for (const [k, e] of this.st) {
      if (e.expiresAt <= now) {
        this.st.delete(k);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.st.size;
  }

  entries(): NflogEntry[] {
    return [...this.st.values()];
  }

  /** record adds an attempt to the in-memory history. */
  record(r: NotificationRecord): void {
    this.history.push(r);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
  }

  /** recent returns the newest records first (at most limit). */
  recent(limit = this.historyLimit): NotificationRecord[] {
    if (limit <= 0) return [];
    const out = this.history.slice(-limit).reverse();
    return out.map((r) => ({ ...r, groupLabels: { ...r.groupLabels } }));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    this.snapshot();
  }
}
