/**
 * A small in-memory Appendable for scrape tests: series by label set, samples per series, an
 * appender that buffers until commit, and the storage's rejections (out_of_order for older
 * samples, duplicate for the same timestamp with another value).
 */
import type { Labels } from '../../src/common/model/labels';
import { labelsKey, labelsToString } from '../../src/common/model/labels';
import { isStaleNaN } from '../../src/common/model/value';
import type { FloatHistogram } from '../../src/common/model/histogram';
import { StorageError } from '../../src/main/storage/interface';
import type { Appender, SeriesRef } from '../../src/main/storage/interface';

/** Sample is one stored sample. */
export interface Sample {
  t: number;
  v: number;
}

interface MemSeries {
  ref: number;
  labels: Labels;
  samples: Sample[];
}

/** MemStorage is an Appendable keeping everything in memory. */
export class MemStorage {
  private readonly byKey = new Map<string, MemSeries>();
  private readonly byRef = new Map<number, MemSeries>();
  private nextRef = 1;
  commits = 0;
  rollbacks = 0;
  appenders = 0;
  /** reject makes every append of a series whose name matches throw this error kind. */
  reject: { name: string; kind: 'out_of_order' | 'io' } | null = null;

  private series(ref: SeriesRef, labels: Labels): MemSeries {
    if (ref > 0) {
      const s = this.byRef.get(ref);
      if (s) return s;
    }
    const k = labelsKey(labels);
    let s = this.byKey.get(k);
    if (!s) {
      s = { ref: this.nextRef++, labels, samples: [] };
      this.byKey.set(k, s);
      this.byRef.set(s.ref, s);
    }
    return s;
  }

  appender(): Appender {
    this.appenders++;
    const pending: { s: MemSeries; t: number; v: number }[] = [];
    const lastPending = new Map<MemSeries, { t: number; v: number }>();
    let done = false;
    return {
      append: (ref, labels, t, v) => {
        if (done) throw new StorageError('closed', 'appender closed');
        const s = this.series(ref, labels);
        const name = s.labels.find((l) => l.name === '__name__')?.value;
        if (this.reject && name === this.reject.name) throw new StorageError(this.reject.kind, `rejected ${name}`);
        const last = lastPending.get(s) ?? (s.samples.length > 0 ? s.samples[s.samples.length - 1]! : null);
        if (last !== null) {
          if (t < last.t) throw new StorageError('out_of_order', 'out of order sample');
          if (t === last.t) {
            if (Object.is(last.v, v) || (Number.isNaN(last.v) && Number.isNaN(v) && isStaleNaN(last.v) === isStaleNaN(v))) return s.ref;
            throw new StorageError('duplicate', 'duplicate sample for timestamp');
          }
        }
        pending.push({ s, t, v });
        lastPending.set(s, { t, v });
        return s.ref;
      },
      appendHistogram: (_ref: SeriesRef, _l: Labels, _t: number, _h: FloatHistogram) => {
        throw new StorageError('invalid' as 'io', 'no histograms');
      },
      commit: () => {
        if (done) throw new StorageError('closed', 'appender closed');
        done = true;
        this.commits++;
        for (const p of pending) p.s.samples.push({ t: p.t, v: p.v });
      },
      rollback: () => {
        if (done) return;
        done = true;
        this.rollbacks++;
      },
    };
  }

  /** get returns the samples of the series with exactly these labels (rendered), or undefined. */
  get(rendered: string): Sample[] | undefined {
    for (const s of this.byKey.values()) if (labelsToString(s.labels) === rendered) return s.samples;
    return undefined;
  }

  /** names lists rendered label sets of series that have samples. */
  seriesWithSamples(): string[] {
    return [...this.byKey.values()].filter((s) => s.samples.length > 0).map((s) => labelsToString(s.labels)).sort();
  }

  /** at returns, per series with a sample at t, its value ("stale" for stale markers). */
  at(t: number): Record<string, number | 'stale'> {
    const out: Record<string, number | 'stale'> = {};
    for (const s of this.byKey.values()) {
      const smp = s.samples.find((x) => x.t === t);
      if (smp) out[labelsToString(s.labels)] = isStaleNaN(smp.v) ? 'stale' : smp.v;
    }
    return out;
  }

  /** last returns the newest sample of every series (rendered label set -> value or "stale"). */
  lastValues(): Record<string, number | 'stale'> {
    const out: Record<string, number | 'stale'> = {};
    for (const s of this.byKey.values()) {
      const smp = s.samples[s.samples.length - 1];
      if (smp) out[labelsToString(s.labels)] = isStaleNaN(smp.v) ? 'stale' : smp.v;
    }
    return out;
  }

  /** totalSamples counts all committed samples. */
  totalSamples(): number {
    let n = 0;
    for (const s of this.byKey.values()) n += s.samples.length;
    return n;
  }
}
