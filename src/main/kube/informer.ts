/**
 * Informers: the objects of one resource kind (in one namespace or all, under optional label and
 * field selectors), kept current by list + watch as client-go's Reflector does:
 *
 *  - LIST in pages, then WATCH from the list's resourceVersion with `allowWatchBookmarks`, and a
 *    random watch timeout in [5, 10] minutes so that watches spread their reconnects;
 *  - a watch that ends normally continues from the last resourceVersion at once; a 410 Gone (an
 *    HTTP status or an ERROR event in the stream) relists, and the relist emits the add, update
 *    and delete events that bring the handlers to the new state (no ghost or duplicate objects);
 *  - every failure (network, 401, 403, 5xx, bad JSON) backs off exponentially from 0.8 s to 30 s
 *    with full jitter, reset after 2 minutes without failure, and the supervisor keeps trying:
 *    an informer never stops on its own, and its last error is visible;
 *  - only the fields the consumers need are kept from each object (`trim`).
 */
import type { KubeClient } from './client';
import { readText } from './client';
import { httpError, KubeError } from './errors';
import type { Logger } from '../util/log';
import { nopLogger } from '../util/log';

/** Keyed is what an informer needs of a trimmed object: its metadata's name, namespace and version. */
export interface Keyed {
  metadata: { name?: string; namespace?: string; resourceVersion?: string };
}

/** InformerHandler receives an informer's changes. */
export interface InformerHandler<T> {
  add?(obj: T): void;
  update?(oldObj: T, obj: T): void;
  delete?(obj: T): void;
  /** synced is called after each complete list (the store then holds the server's state). */
  synced?(): void;
  /** error is called with each failure (the informer keeps retrying). */
  error?(e: Error): void;
}

/** BackoffOptions tune retries (client-go's reflector defaults). */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** resetMs of healthy running resets the delay to initialMs. */
  resetMs: number;
}

/** DEFAULT_BACKOFF is client-go's: 800 ms doubling to 30 s, reset after 2 minutes. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 800, maxMs: 30_000, resetMs: 120_000 };

/** InformerOptions configure an informer. */
export interface InformerOptions<T> {
  client: KubeClient;
  /** path is the collection path, e.g. /api/v1/pods or /apis/apps/v1/namespaces/x/deployments. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** trim keeps the fields consumers need from a raw object. */
  trim(raw: unknown): T;
  logger?: Logger;
  pageSize?: number;
  backoff?: BackoffOptions;
  /** watchTimeoutS is the minimum watch timeout (a random value up to twice it is used; default 300). */
  watchTimeoutS?: number;
  random?: () => number;
}

/** keyOf is the store key of an object: namespace/name, or name for cluster-scoped kinds. */
export function keyOf(o: Keyed): string {
  const ns = o.metadata.namespace;
  return ns ? `${ns}/${o.metadata.name ?? ''}` : (o.metadata.name ?? '');
}

interface ListResponse {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: unknown[];
}

/** Informer watches one collection. */
export class Informer<T extends Keyed> {
  /** store holds the current objects by key. */
  readonly store = new Map<string, T>();
  private readonly handlers = new Set<InformerHandler<T>>();
  private abort: AbortController | null = null;
  private resourceVersion = '';
  private delayMs: number;
  private healthySince = 0;
  /** hasSynced is true once a list has completed. */
  hasSynced = false;
  /** lastError is the last failure's message ('' after a successful list or watch start). */
  lastError = '';
  /** stats count the informer's requests and events (tests and benchmarks count them). */
  readonly stats = { lists: 0, watches: 0, events: 0, relists: 0, failures: 0, bookmarks: 0 };
  private readonly o: InformerOptions<T>;
  private readonly logger: Logger;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private sleeper: { timer: NodeJS.Timeout; resolve: () => void } | null = null;

  /** context and path name the informer (self-metrics). */
  get context(): string {
    return this.o.client.context;
  }

  get path(): string {
    return this.o.path + (this.o.labelSelector ? `?labelSelector=${this.o.labelSelector}` : '');
  }

  constructor(o: InformerOptions<T>) {
    this.o = o;
    this.logger = o.logger ?? nopLogger;
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.delayMs = this.backoff.initialMs;
    this.random = o.random ?? Math.random;
  }

  /** on subscribes a handler; it first gets an add for every object already known. */
  on(h: InformerHandler<T>): () => void {
    this.handlers.add(h);
    for (const o of this.store.values()) h.add?.(o);
    if (this.hasSynced) h.synced?.();
    return () => this.handlers.delete(h);
  }

  /** start runs the informer until stop(). */
  start(): void {
    if (this.abort !== null) return;
    this.abort = new AbortController();
    void this.run(this.abort.signal);
  }

  /** stop ends the informer. */
  stop(): void {
    this.abort?.abort();
    this.abort = null;
    if (this.sleeper) {
      clearTimeout(this.sleeper.timer);
      this.sleeper.resolve();
      this.sleeper = null;
    }
  }

  private emit<K extends keyof InformerHandler<T>>(k: K, ...args: Parameters<NonNullable<InformerHandler<T>[K]>>): void {
    for (const h of this.handlers) {
      try {
        (h[k] as ((...a: unknown[]) => void) | undefined)?.(...args);
      } catch (e) {
        this.logger('error', 'informer handler failed', { path: this.o.path, err: (e as Error).message });
      }
    }
  }

  private query(extra: Record<string, string>): string {
    const q = new URLSearchParams(extra);
    if (this.o.labelSelector) q.set('labelSelector', this.o.labelSelector);
    if (this.o.fieldSelector) q.set('fieldSelector', this.o.fieldSelector);
    return `${this.o.path}?${q.toString()}`;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === '') await this.list(signal);
        await this.watch(signal);
        // A watch that ended normally (its timeout) continues at once.
      } catch (e) {
        if (signal.aborted) return;
        const err = e as Error;
        if (err instanceof KubeError && err.kind === 'gone') {
          this.stats.relists++;
          this.resourceVersion = '';
          continue;
        }
        this.stats.failures++;
        this.lastError = err.message;
        this.emit('error', err);
        if (this.healthySince > 0 && Date.now() - this.healthySince >= this.backoff.resetMs) this.delayMs = this.backoff.initialMs;
        this.healthySince = 0;
        const wait = this.delayMs * (1 + this.random());
        this.delayMs = Math.min(this.backoff.maxMs, this.delayMs * 2);
        this.logger('debug', 'informer failed; retrying', { path: this.o.path, err: err.message, retry_in_ms: Math.round(wait) });
        await this.sleep(wait);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeper = null;
        resolve();
      }, ms);
      this.sleeper = { timer, resolve };
    });
  }

  private markHealthy(): void {
    this.lastError = '';
    if (this.healthySince === 0) this.healthySince = Date.now();
  }

  private async list(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, T>();
    let cont = '';
    let rv = '';
    do {
      const params: Record<string, string> = { limit: String(this.o.pageSize ?? 500) };
      if (cont !== '') params.continue = cont;
      this.stats.lists++;
      const res = await this.o.client.json<ListResponse>(this.query(params), { signal, what: `list ${this.o.path}` });
      for (const raw of res.items ?? []) {
        const obj = this.o.trim(raw);
        fresh.set(keyOf(obj), obj);
      }
      cont = res.metadata?.continue ?? '';
      rv = res.metadata?.resourceVersion ?? '';
    } while (cont !== '');
    // Bring handlers from the old state to the new one.
    for (const [k, old] of this.store) {
      if (!fresh.has(k)) {
        this.store.delete(k);
        this.emit('delete', old);
      }
    }
    for (const [k, obj] of fresh) {
      const old = this.store.get(k);
      this.store.set(k, obj);
      if (old === undefined) this.emit('add', obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('update', old, obj);
    }
    this.resourceVersion = rv;
    this.hasSynced = true;
    this.markHealthy();
    this.emit('synced');
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const min = this.o.watchTimeoutS ?? 300;
    const timeout = Math.floor(min * (1 + this.random()));
    this.stats.watches++;
    const res = await this.o.client.request({
      path: this.query({ watch: '1', resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(timeout) }),
      signal,
      long: true,
      what: `watch ${this.o.path}`,
    });
    if (res.status !== 200) {
      const text = await readText(res.body, 1 << 20).catch(() => '');
      throw httpError(res.status, text, `watch ${this.o.path}`, this.o.client.context, this.o.client.o.user);
    }
    this.markHealthy();
    const started = Date.now();
    const eventsBefore = this.stats.events;
    let buf = '';
    res.body.setEncoding('utf8');
    try {
      for await (const chunk of res.body as AsyncIterable<string>) {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line !== '') this.event(line);
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof KubeError) throw e;
      throw new KubeError('unreachable', `context ${this.o.client.context}: watch ${this.o.path} was interrupted: ${(e as Error).message}`);
    }
    if (buf.trim() !== '') this.event(buf.trim());
    // A watch the server (or a proxy) closes at once, saying nothing, must not become a tight loop.
    if (Date.now() - started < 1000 && this.stats.events === eventsBefore) {
      throw new KubeError('server', `context ${this.o.client.context}: watch ${this.o.path} ended at once without events`);
    }
  }

  private event(line: string): void {
    let ev: { type?: string; object?: { code?: number; message?: string; metadata?: { resourceVersion?: string } } };
    try {
      ev = JSON.parse(line) as typeof ev;
    } catch {
      throw new KubeError('bad_response', `context ${this.o.client.context}: watch ${this.o.path}: invalid JSON event`);
    }
    this.stats.events++;
    switch (ev.type) {
      case 'ERROR': {
        const code = ev.object?.code ?? 0;
        if (code === 410) throw new KubeError('gone', `context ${this.o.client.context}: watch ${this.o.path}: ${ev.object?.message ?? 'resource version too old'}`, 410);
        throw new KubeError('server', `context ${this.o.client.context}: watch ${this.o.path}: ${ev.object?.message ?? 'error event'} (code ${code})`, code);
      }
      case 'BOOKMARK':
        this.stats.bookmarks++;
        this.resourceVersion = ev.object?.metadata?.resourceVersion ?? this.resourceVersion;
        return;
      case 'ADDED':
      case 'MODIFIED': {
        const obj = this.o.trim(ev.object);
        const k = keyOf(obj);
        const old = this.store.get(k);
        this.store.set(k, obj);
        this.resourceVersion = obj.metadata.resourceVersion ?? this.resourceVersion;
        if (old === undefined) this.emit('add', obj);
        else this.emit('update', old, obj);
        return;
      }
      case 'DELETED': {
        const obj = this.o.trim(ev.object);
        const k = keyOf(obj);
        const old = this.store.get(k);
        this.store.delete(k);
        this.resourceVersion = obj.metadata.resourceVersion ?? this.resourceVersion;
        this.emit('delete', old ?? obj);
        return;
      }
      default:
        return;
    }
  }
}
