/**
 * Politeness towards one API server: token buckets per request class (client-go's QPS and burst
 * for list/watch/get, a larger budget for scrapes through the proxy), a bound on scrapes in flight,
 * control requests ahead of scrapes in the queue, and a pause after a 429's Retry-After.
 */

/** RequestClass sorts requests by importance: watches and other control requests go first. */
export type RequestClass = 'control' | 'scrape';

/** LimiterOptions configure a RequestLimiter (defaults in parentheses). */
export interface LimiterOptions {
  /** controlQps and controlBurst bound list, watch and get requests (5, 10: client-go's defaults). */
  controlQps?: number;
  controlBurst?: number;
  /**
   * scrapeQps and scrapeBurst bound scrapes through the API server (200, 200): enough for about
   * 6,000 targets at a 30 s interval (a 500-node cluster's default jobs need ~92/s).
   */
  scrapeQps?: number;
  scrapeBurst?: number;
  /** maxScrapesInFlight bounds concurrent scrapes (64; kube-apiserver allows 400 read requests in flight by default). */
  maxScrapesInFlight?: number;
  now?: () => number;
}

class Bucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly qps: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst;
    this.last = now();
  }
  /** wait returns 0 when a token was taken, else the ms until one is available. */
  take(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.qps) * 1000);
  }
}

interface Waiter {
  cls: RequestClass;
  resolve: (release: () => void) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** RequestLimiter hands out permission to send a request. */
export class RequestLimiter {
  private readonly buckets: Record<RequestClass, Bucket>;
  private readonly maxScrapes: number;
  private scrapes = 0;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private pausedUntil = 0;
  private readonly now: () => number;
  /** waited counts requests that had to queue (self-metrics, tests). */
  waited = 0;

  constructor(o: LimiterOptions = {}) {
    this.now = o.now ?? Date.now;
    this.buckets = {
      control: new Bucket(o.controlQps ?? 5, o.controlBurst ?? 10, this.now),
      scrape: new Bucket(o.scrapeQps ?? 200, o.scrapeBurst ?? 200, this.now),
    };
    this.maxScrapes = o.maxScrapesInFlight ?? 64;
  }

  /** acquire resolves with a release function once the request may go; rejects when signal aborts. */
  acquire(cls: RequestClass, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    return new Promise((resolve, reject) => {
      const w: Waiter = { cls, resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      // Control requests queue ahead of scrapes.
      if (cls === 'control') {
        const firstScrape = this.queue.findIndex((x) => x.cls === 'scrape');
        if (firstScrape < 0) this.queue.push(w);
        else this.queue.splice(firstScrape, 0, w);
      } else this.queue.push(w);
      this.pump();
      if (this.queue.includes(w)) this.waited++;
    });
  }

  /** describe names the scrape limits (for messages). */
  describe(): string {
    return `at most ${this.maxScrapes} scrapes in flight and ${this.buckets.scrape.qps} per second`;
  }

  /** pause holds scrapes until ms from now (a 429 with Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** pump starts what may start; returns whether the queue emptied. */
  private pump(): boolean {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    let wait = Infinity;
    for (let i = 0; i < this.queue.length; ) {
      const w = this.queue[i]!;
      // Control requests are all ahead of the scrapes, and the scrapes share one budget: the
      // first scrape that cannot go means none after it can (so a pump costs what it starts).
      if (w.cls === 'scrape') {
        const paused = this.pausedUntil - this.now();
        if (paused > 0) {
          wait = Math.min(wait, paused);
          break;
        }
        if (this.scrapes >= this.maxScrapes) break; // a release pumps again
      }
      const ms = this.buckets[w.cls].take();
      if (ms > 0) {
        wait = Math.min(wait, ms);
        if (w.cls === 'scrape') break;
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      if (w.cls === 'scrape') this.scrapes++;
      let released = false;
      w.resolve(() => {
        if (released) return;
        released = true;
        if (w.cls === 'scrape') this.scrapes--;
        if (this.queue.length > 0) this.pump();
      });
    }
    if (this.queue.length > 0 && Number.isFinite(wait)) {
      this.timer = setTimeout(() => this.pump(), Math.max(1, wait));
      this.timer.unref?.();
    }
    return this.queue.length === 0;
  }
}
