/**
 * Shared informers: one watch per (context, collection, label selector, field selector), however
 * many consumers (scrape pools' discoverers, the kube-state series) use it; stopped when the last
 * one releases it.
 */
import type { KubeClient } from './client';
import { Informer, type InformerOptions, type Keyed } from './informer';

/** InformerSpec names a collection to watch and how to trim its objects. */
export interface InformerSpec<T> {
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** kind names the trim (consumers of one collection must agree on it). */
  kind: string;
  trim(raw: unknown): T;
}

interface Entry {
  informer: Informer<Keyed>;
  refs: number;
}

/** SharedInformers hands out ref-counted informers. */
export class SharedInformers {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly defaults: Partial<InformerOptions<Keyed>> = {}) {}

  /** acquire returns the (started) informer of spec on client and its release function. */
  acquire<T extends Keyed>(client: KubeClient, spec: InformerSpec<T>): { informer: Informer<T>; release: () => void } {
    const key = [client.context, client.server, spec.kind, spec.path, spec.labelSelector ?? '', spec.fieldSelector ?? ''].join('\x00');
    let e = this.entries.get(key);
    if (e === undefined) {
      const informer = new Informer<T>({ ...(this.defaults as Partial<InformerOptions<T>>), client, path: spec.path, labelSelector: spec.labelSelector, fieldSelector: spec.fieldSelector, trim: spec.trim });
      e = { informer: informer as unknown as Informer<Keyed>, refs: 0 };
      this.entries.set(key, e);
      informer.start();
    }
    e.refs++;
    let released = false;
    const entry = e;
    return {
      informer: entry.informer as unknown as Informer<T>,
      release: () => {
        if (released) return;
        released = true;
        if (--entry.refs === 0) {
          entry.informer.stop();
          this.entries.delete(key);
        }
      },
    };
  }

  /** list returns every running informer (self-metrics, tests). */
  list(): Informer<Keyed>[] {
    return [...this.entries.values()].map((e) => e.informer);
  }

  /** stopAll stops every informer. */
  stopAll(): void {
    for (const e of this.entries.values()) e.informer.stop();
    this.entries.clear();
  }
}
