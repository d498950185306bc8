/**
 * TargetScraper performs one HTTP scrape of a target through a ScrapeTransport and reads the body
 * as Prometheus's targetScraper does: status must be 200, gzip is decompressed while streaming,
 * and body_size_limit applies to the decompressed bytes (reading stops as soon as the limit is
 * reached, so a huge body or a gzip bomb costs at most the limit in memory).
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { VERSION } from '../util/version';
import type { HTTPClientConfig } from '../config/types';
import type { ScrapeTransport } from './transport';
import { TransportError } from './transport';

/** ScrapeResult is a successfully read body. */
export interface ScrapeResult {
  body: Uint8Array;
  contentType: string;
}

/** ScrapeError is a failed scrape (HTTP status, body limit, timeout, transport) with Prometheus's wording. */
export class ScrapeError extends Error {
  /** bodyLimit marks "body size limit exceeded" (reported as scrape_body_size_bytes -1). */
  readonly bodyLimit: boolean;
  constructor(message: string, bodyLimit = false) {
    super(message);
    this.name = 'ScrapeError';
    this.bodyLimit = bodyLimit;
  }
}

/** ERR_BODY_SIZE_LIMIT is Prometheus's message for an over-limit body. */
export const ERR_BODY_SIZE_LIMIT = 'body size limit exceeded';

/** USER_AGENT identifies Vigil to targets. */
export const USER_AGENT = `Vigil/${VERSION}`;

/** ScraperOptions configure a TargetScraper. */
export interface ScraperOptions {
  url: string;
  transport: ScrapeTransport;
  timeoutMs: number;
  /** bodySizeLimit in bytes after decompression; 0 means none. */
  bodySizeLimit: number;
  acceptHeader: string;
  enableCompression: boolean;
  httpClient: HTTPClientConfig;
}

/** formatSeconds renders seconds like Go's strconv.FormatFloat(s, 'f', -1, 64). */
export function formatSeconds(ms: number): string {
  return String(ms / 1000);
}

/** TargetScraper fetches a target's exposition. */
export class TargetScraper {
  constructor(readonly opts: ScraperOptions) {}

  /** headers builds the request headers (credentials files are read on every scrape, as Prometheus does). */
  headers(): Record<string, string> {
    const o = this.opts;
    const h: Record<string, string> = {
      Accept: o.acceptHeader,
      'Accept-Encoding': o.enableCompression ? 'gzip' : 'identity',
      'User-Agent': USER_AGENT,
      'X-Prometheus-Scrape-Timeout-Seconds': formatSeconds(o.timeoutMs),
    };
    const c = o.httpClient;
    for (const [name, hv] of Object.entries(c.httpHeaders)) {
      const vals = [...hv.values, ...hv.secrets, ...hv.files.map((f) => fs.readFileSync(f, 'utf8').trim())];
      if (vals.length > 0) h[name] = vals.join(', ');
    }
    if (c.basicAuth !== null) {
      const user = c.basicAuth.usernameFile !== '' ? fs.readFileSync(c.basicAuth.usernameFile, 'utf8').trim() : c.basicAuth.username;
      const pass = c.basicAuth.passwordFile !== '' ? fs.readFileSync(c.basicAuth.passwordFile, 'utf8').trim() : c.basicAuth.password;
      h.Authorization = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
    } else if (c.authorization !== null) {
      const cred = c.authorization.credentialsFile !== '' ? fs.readFileSync(c.authorization.credentialsFile, 'utf8').trim() : c.authorization.credentials;
      h.Authorization = `${c.authorization.type} ${cred}`;
    }
    return h;
  }

  /**
   * scrape fetches and reads the body. parent aborts it early (shutdown); the scrape timeout is
   * applied here. Throws ScrapeError.
   */
  async scrape(parent: AbortSignal): Promise<ScrapeResult> {
    const o = this.opts;
    const ctl = new AbortController();
    const onParent = (): void => ctl.abort();
    parent.addEventListener('abort', onParent);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, o.timeoutMs);
    const deadline = (): ScrapeError => new ScrapeError(`Get ${JSON.stringify(o.url)}: context deadline exceeded`);
    try {
      let headers: Record<string, string>;
      try {
        headers = this.headers();
      } catch (e) {
        throw new ScrapeError(`error reading credentials: ${(e as Error).message}`);
      }
      let res;
      try {
        res = await o.transport.fetch(o.url, { headers, signal: ctl.signal, maxBytes: o.bodySizeLimit });
      } catch (e) {
        if (timedOut) throw deadline();
        if (parent.aborted) throw new ScrapeError(`Get ${JSON.stringify(o.url)}: context canceled`);
        throw new ScrapeError(e instanceof TransportError ? e.message : `Get ${JSON.stringify(o.url)}: ${(e as Error).message}`);
      }
      try {
        if (res.status !== 200) {
          throw new ScrapeError(`server returned HTTP status ${res.status} ${res.statusText}`.trimEnd());
        }
        const gzip = (res.header('content-encoding') ?? '').toLowerCase() === 'gzip';
        const body = await readBody(res.body, gzip, o.bodySizeLimit, ctl.signal);
        return { body, contentType: res.header('content-type') ?? '' };
      } catch (e) {
        if (e instanceof ScrapeError) throw e;
        if (timedOut) throw deadline();
        if (parent.aborted) throw new ScrapeError(`Get ${JSON.stringify(o.url)}: context canceled`);
        throw new ScrapeError((e as Error).message);
      } finally {
        res.destroy();
      }
    } finally {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    }
  }
}

/**
 * readBody collects a body, gunzipping while streaming when gzip is set, and fails with "body size
 * limit exceeded" as soon as the decompressed size reaches limit (Prometheus reads at most limit
 * bytes and fails when it got that many).
 */
export async function readBody(src: AsyncIterable<Uint8Array>, gzip: boolean, limit: number, signal: AbortSignal): Promise<Uint8Array> {
  const max = limit > 0 ? limit : Number.MAX_SAFE_INTEGER;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const take = (c: Uint8Array): void => {
    total += c.length;
    if (total >= max) throw new ScrapeError(ERR_BODY_SIZE_LIMIT, true);
    chunks.push(c);
  };
  if (!gzip) {
    for await (const c of src) {
      if (signal.aborted) throw new Error('aborted');
      take(c);
    }
  } else {
    const gunzip = zlib.createGunzip({ chunkSize: 64 * 1024 });
    const st: { failure: Error | null } = { failure: null };
    const done = new Promise<void>((resolve) => {
      gunzip.on('data', (c: Buffer) => {
        try {
          take(c);
        } catch (e) {
          st.failure = e as Error;
          gunzip.destroy();
          resolve();
        }
      });
      gunzip.on('end', () => resolve());
      gunzip.on('error', (e) => {
        if (st.failure === null) st.failure = new ScrapeError(`gzip: ${e.message}`);
        resolve();
      });
    });
    for await (const c of src) {
      if (signal.aborted) throw new Error('aborted');
      if (st.failure !== null) break;
      if (!gunzip.write(c)) {
        await new Promise<void>((r) => {
          if (st.failure !== null || gunzip.destroyed) r();
          else {
            gunzip.once('drain', r);
            gunzip.once('close', r);
          }
        });
      }
      if (st.failure !== null) break;
    }
    if (st.failure === null && !gunzip.destroyed) gunzip.end();
    await done;
    if (st.failure !== null) throw st.failure;
  }
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, total);
}
