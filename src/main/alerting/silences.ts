/**
 * The silence store (silence/silence.go): create, update by Alertmanager's rules (an update that
 * would rewrite history expires the silence and creates a new one), expire, query by state and
 * matchers, and which active silences mute a label set. Expired silences are kept for the
 * retention (120h) and then dropped. The store is persisted as a JSON snapshot in
 * `<dir>/silences.json`, written atomically after every change and read at start; a file that
 * does not parse is renamed aside (the error names it) and the store starts empty.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileMatcherRegex, matches } from './matchers';
import type { LabelSet, Matcher, MatchType, Silence } from './types';

/** SilenceState is a silence's state at an instant. */
export type SilenceState = 'expired' | 'active' | 'pending';

/** DEFAULT_RETENTION_MS is how long an expired silence is kept (Alertmanager's --data.retention default). */
export const DEFAULT_RETENTION_MS = 120 * 3600_000;

/** SilenceError is a request the store refuses: kind 'invalid' (400) or 'not_found' (404). */
export class SilenceError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not_found',
    message: string,
  ) {
    super(message);
    this.name = 'SilenceError';
  }
}

/** SilenceInput is what a caller sets: without id a new silence, with id an update of that silence. */
export interface SilenceInput {
  id?: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

/** SilenceStoreOptions configure a store; dir null keeps it in memory only. */
export interface SilenceStoreOptions {
  dir: string | null;
  now?: () => number;
  retentionMs?: number;
  logger?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** silenceState is a silence's state at now (active includes both ends). */
export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  if (now > s.endsAt) return 'expired';
  return 'active';
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly MatchType[] = ['=', '!=', '=~', '!~'];
/** LONE_SURROGATE finds what would not be valid UTF-8 in a label value. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function matchesEmpty(m: Matcher): boolean {
  if (m.type === '=') return m.value === '';
  if (m.type === '=~') return compileMatcherRegex(m.value).test('');
  return false;
}

/** validateMatchers checks a silence's matchers with Alertmanager's messages (throws SilenceError). */
export function validateMatchers(ms: readonly Matcher[]): void {
  if (ms.length === 0) throw new SilenceError('invalid', 'silence invalid: at least one matcher required');
  let allEmpty = true;
  ms.forEach((m, i) => {
    if (!LABEL_NAME_RE.test(m.name)) throw new SilenceError('invalid', `silence invalid: invalid label matcher ${i}: invalid label name ${JSON.stringify(m.name)}`);
    if (!TYPES.includes(m.type)) throw new SilenceError('invalid', `silence invalid: invalid label matcher ${i}: unknown matcher type ${JSON.stringify(m.type)}`);
    if (m.type === '=~' || m.type === '!~') {
      try {
        compileMatcherRegex(m.value);
      } catch (e) {
        throw new SilenceError('invalid', `silence invalid: invalid label matcher ${i}: invalid regular expression ${JSON.stringify(m.value)}: ${(e as Error).message}`);
      }
    } else if (LONE_SURROGATE.test(m.value)) {
      throw new SilenceError('invalid', `silence invalid: invalid label matcher ${i}: invalid label value ${JSON.stringify(m.value)}`);
    }
    allEmpty = allEmpty && matchesEmpty(m);
  });
  if (allEmpty) throw new SilenceError('invalid', 'silence invalid: at least one matcher must not match the empty string');
}

function sameMatchers(a: readonly Matcher[], b: readonly Matcher[]): boolean {
  return a.length === b.length && a.every((m, i) => m.name === b[i]!.name && m.type === b[i]!.type && m.value === b[i]!.value);
}

/** matcherFilterMatches is the API's filter: every filter matcher equals (name, type, value) one of the silence's. */
export function matcherFilterMatches(s: Silence, filter: readonly Matcher[]): boolean {
  return filter.every((f) => s.matchers.some((m) => m.name === f.name && m.type === f.type && m.value === f.value));
}

const STATE_ORDER: Record<SilenceState, number> = { active: 1, pending: 2, expired: 3 };

/** sortSilences orders as Alertmanager's API: active (ending first), pending (starting first), expired (latest first). */
export function sortSilences<T extends { silence: Silence; state: SilenceState }>(xs: T[]): T[] {
  return xs.sort((a, b) => {
    if (a.state !== b.state) return STATE_ORDER[a.state] - STATE_ORDER[b.state];
    if (a.state === 'active') return a.silence.endsAt - b.silence.endsAt;
    if (a.state === 'pending') return a.silence.startsAt - b.silence.startsAt;
    return b.silence.endsAt - a.silence.endsAt;
  });
}

const SNAPSHOT_FILE = 'silences.json';

/** SilenceStore holds the silences. */
export class SilenceStore {
  private readonly st = new Map<string, Silence>();
  private readonly now: () => number;
  private readonly retentionMs: number;
  private readonly log: NonNullable<SilenceStoreOptions['logger']>;
  private readonly listeners = new Set<() => void>();
  /** version increases with every change (callers cache muting decisions by it). */
  version = 0;

  constructor(private readonly opts: SilenceStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
    this.log = opts.logger ?? (() => {});
    if (opts.dir !== null) this.load();
  }

  /** file is the snapshot's path (null in memory). */
  get file(): string | null {
    return this.opts.dir === null ? null : path.join(this.opts.dir, SNAPSHOT_FILE);
  }

  /** onChange registers a listener called after every change; returns its removal. */
  onChange(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private load(): void {
    const file = this.file!;
    // A write interrupted by a crash leaves its temporary file behind; the snapshot itself is whole.
    try {
      for (const f of fs.readdirSync(path.dirname(file))) if (f.startsWith(`${SNAPSHOT_FILE}.tmp-`)) fs.rmSync(path.join(path.dirname(file), f), { force: true });
    } catch {
      // no folder yet
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log('error', `silences: cannot read ${file}: ${(e as Error).message}; starting without silences`);
      return;
    }
    let loaded: Silence[];
    try {
      loaded = parseSnapshot(text);
    } catch (e) {
      const aside = `${file}.corrupt-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
      let moved = aside;
      try {
        fs.renameSync(file, aside);
      } catch (re) {
        moved = `(could not be moved aside: ${(re as Error).message})`;
      }
      this.log('error', `silences: ${file} is not a valid silence snapshot (${(e as Error).message}); moved to ${moved}, starting without silences`);
      return;
    }
    for (const s of loaded) this.st.set(s.id, s);
    if (this.gcNow() > 0) this.persist();
  }

  /** persist writes the snapshot atomically (tmp file + rename). */
  private persist(): void {
    const file = this.file;
    if (file === null) return;
    const tmp = `${file}.tmp-${process.pid}`;
    const body = JSON.stringify({ version: 1, silences: [...this.st.values()] }, null, 1);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const fd = fs.openSync(tmp, 'w');
      try {
        fs.writeSync(fd, body);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, file);
    } catch (e) {
      this.log('error', `silences: cannot write ${file}: ${(e as Error).message}`);
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        /* nothing left to clean */
      }
    }
  }

  private changed(): void {
    this.version++;
    this.persist();
    for (const f of this.listeners) {
      try {
        f();
      } catch (e) {
        this.log('error', `silences: change listener failed: ${(e as Error).message}`);
      }
    }
  }

  /** gcNow drops silences expired longer than the retention; returns how many. */
  private gcNow(): number {
    const now = this.now();
    let n = 0;
    for (const [id, s] of this.st) {
      if (s.endsAt + this.retentionMs <= now) {
        this.st.delete(id);
        n++;
      }
    }
    return n;
  }

  /** gc drops silences past the retention (and persists when it dropped any); returns how many. */
  gc(): number {
    const n = this.gcNow();
    if (n > 0) this.changed();
    return n;
  }

  /**
   * set creates a silence (no id) or updates one, as Alertmanager's Silences.Set with the API's
   * checks: startsAt before endsAt, endsAt not in the past. An update that changes the matchers,
   * moves an active silence's start or an expired one at all expires the old silence (if not yet
   * expired) and creates a new one; the new id is returned. A start in the past becomes now.
   */
  set(input: SilenceInput): string {
    this.gc();
    const now = this.now();
    if (!(input.startsAt < input.endsAt)) throw new SilenceError('invalid', 'Failed to create silence: start time must be before end time');
    if (input.endsAt < now) throw new SilenceError('invalid', "Failed to create silence: end time can't be in the past");
    const prev = input.id ? this.st.get(input.id) : undefined;
    if (input.id && !prev) throw new SilenceError('not_found', 'silence not found');
    validateMatchers(input.matchers);
    const next: Silence = {
      id: input.id ?? '',
      matchers: input.matchers.map((m) => ({ name: m.name, type: m.type, value: m.value })),
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      updatedAt: now,
      createdBy: input.createdBy,
      comment: input.comment,
    };
    if (prev) {
      if (canUpdate(prev, next, now)) {
        this.st.set(prev.id, next);
        this.changed();
        return prev.id;
      }
      if (silenceState(prev, now) !== 'expired') this.expireNow(prev, now);
    }
    next.id = crypto.randomUUID();
    if (next.startsAt < now) next.startsAt = now;
    this.st.set(next.id, next);
    this.changed();
    return next.id;
  }

  private expireNow(s: Silence, now: number): void {
    const st = silenceState(s, now);
    if (st === 'expired') return;
    const e: Silence = { ...s, endsAt: now, updatedAt: now };
    if (st === 'pending') e.startsAt = now;
    this.st.set(s.id, e);
  }

  /** expire ends a silence now (idempotent for expired ones); throws not_found for an unknown id. */
  expire(id: string): void {
    this.gc();
    const s = this.st.get(id);
    if (!s) throw new SilenceError('not_found', 'silence not found');
    if (silenceState(s, this.now()) === 'expired') return;
    this.expireNow(s, this.now());
    this.changed();
  }

  /** get returns a silence by id. */
  get(id: string): Silence | undefined {
    const s = this.st.get(id);
    return s && s.endsAt + this.retentionMs > this.now() ? { ...s, matchers: [...s.matchers] } : undefined;
  }

  /** currentTime is the store's clock. */
  currentTime(): number {
    return this.now();
  }

  /** state returns a silence's state now. */
  state(s: Pick<Silence, 'startsAt' | 'endsAt'>): SilenceState {
    return silenceState(s, this.now());
  }

  /**
   * list returns the silences with their state, filtered by states and by API filter matchers
   * (each must equal one of the silence's matchers) or by labels the silence must match, in the
   * API's order.
   */
  list(q: { states?: readonly SilenceState[]; filter?: readonly Matcher[]; matchesLabels?: LabelSet } = {}): { silence: Silence; state: SilenceState }[] {
    const now = this.now();
    const out: { silence: Silence; state: SilenceState }[] = [];
    for (const s of this.st.values()) {
      if (s.endsAt + this.retentionMs <= now) continue;
      const state = silenceState(s, now);
      if (q.states && !q.states.includes(state)) continue;
      if (q.filter && !matcherFilterMatches(s, q.filter)) continue;
      if (q.matchesLabels && !matches(s.matchers, q.matchesLabels)) continue;
      out.push({ silence: { ...s, matchers: [...s.matchers] }, state });
    }
    return sortSilences(out);
  }

  /** mutes returns the ids of the active silences that match the labels (sorted). */
  mutes(labels: LabelSet, now: number = this.now()): string[] {
    const ids: string[] = [];
    for (const s of this.st.values()) if (silenceState(s, now) === 'active' && matches(s.matchers, labels)) ids.push(s.id);
    return ids.sort();
  }

  /** pendingFor returns the ids of pending silences that will match the labels (sorted). */
  pendingFor(labels: LabelSet, now: number = this.now()): string[] {
    const ids: string[] = [];
    for (const s of this.st.values()) if (silenceState(s, now) === 'pending' && matches(s.matchers, labels)) ids.push(s.id);
    return ids.sort();
  }

  /** size is the number of silences held (expired ones within the retention included). */
  get size(): number {
    return this.st.size;
  }
}

/** canUpdate is Alertmanager's rule for changing a silence in place without rewriting history. */
function canUpdate(a: Silence, b: Silence, now: number): boolean {
  if (!sameMatchers(a.matchers, b.matchers)) return false;
  switch (silenceState(a, now)) {
    case 'active':
      if (Math.floor(b.startsAt / 1000) !== Math.floor(a.startsAt / 1000)) return false;
      if (b.endsAt < now) return false;
      return true;
    case 'pending':
      return b.startsAt >= now;
    case 'expired':
      return false;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** parseSnapshot reads a snapshot's silences; throws naming the first bad entry. */
export function parseSnapshot(text: string): Silence[] {
  const doc: unknown = JSON.parse(text);
  if (!isRecord(doc) || doc.version !== 1 || !Array.isArray(doc.silences)) throw new Error('expected {"version": 1, "silences": [...]}');
  return doc.silences.map((x: unknown, i: number) => {
    const where = `silences[${i}]`;
    if (!isRecord(x)) throw new Error(`${where}: not an object`);
    for (const k of ['id', 'createdBy', 'comment']) if (typeof x[k] !== 'string') throw new Error(`${where}.${k}: not a string`);
    for (const k of ['startsAt', 'endsAt', 'updatedAt']) if (typeof x[k] !== 'number' || !Number.isFinite(x[k])) throw new Error(`${where}.${k}: not a time`);
    if (!Array.isArray(x.matchers) || x.matchers.length === 0) throw new Error(`${where}.matchers: not a list of matchers`);
    const ms: Matcher[] = x.matchers.map((m: unknown, j: number) => {
      if (!isRecord(m) || typeof m.name !== 'string' || typeof m.value !== 'string' || !TYPES.includes(m.type as MatchType)) {
        throw new Error(`${where}.matchers[${j}]: not a matcher`);
      }
      return { name: m.name, type: m.type as MatchType, value: m.value };
    });
    return {
      id: x.id as string,
      matchers: ms,
      startsAt: x.startsAt as number,
      endsAt: x.endsAt as number,
      updatedAt: x.updatedAt as number,
      createdBy: x.createdBy as string,
      comment: x.comment as string,
    };
  });
}
