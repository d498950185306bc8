/**
 * Synthetic targets: a target whose exposition Vigil produces itself (the kube-state series of a
 * context) is scraped like any other, through a transport that asks its source for the exposition
 * instead of dialling. The scrape loop then does what it does for every target: parse, relabel,
 * append, report `up` and the scrape_* series, and write staleness markers for series that
 * vanished (an object deleted) or for all of them when the target goes.
 */
import { TransportError, type ScrapeFetchOptions, type ScrapeResponse, type ScrapeTransport } from './transport';

/** SyntheticSource produces a synthetic target's exposition. */
export interface SyntheticSource {
  /**
   * exposition renders the samples now in the Prometheus text format (0.0.4). It may wait (until
   * the first lists are in, at most until signal aborts); it throws with a message for the
   * target's error when it cannot produce them.
   */
  exposition(signal: AbortSignal): Promise<Uint8Array | string>;
  /** describe says where the samples come from (the targets page shows it). */
  describe(): { path: string; reason: string };
  /** close releases what the source holds for this target. */
  close(): void;
}

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** SyntheticTransport serves a SyntheticSource as a scrape transport. */
export class SyntheticTransport implements ScrapeTransport {
  constructor(private readonly source: SyntheticSource) {}

  async fetch(_url: string, opts: ScrapeFetchOptions): Promise<ScrapeResponse> {
    let body: Uint8Array;
    try {
      const out = await this.source.exposition(opts.signal);
      body = typeof out === 'string' ? Buffer.from(out) : out;
    } catch (e) {
      if ((e as Error).name === 'AbortError' || opts.signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      throw new TransportError((e as Error).message);
    }
    return {
      status: 200,
      statusText: 'OK',
      header: (n) => (n.toLowerCase() === 'content-type' ? CONTENT_TYPE : undefined),
      body: (async function* () {
        yield body;
      })(),
      destroy: () => {},
    };
  }

  describe(): { path: string; reason: string } {
    return this.source.describe();
  }

  close(): void {
    this.source.close();
  }
}
