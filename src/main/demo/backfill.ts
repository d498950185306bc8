/**
 * LEGACY (remove once host/core.ts runs the demo through startDemoClusters and writes history
 * with renderAt).
 *
 * Demo history: before live scraping starts, the simulated cluster is run over the past hour and
 * its expositions are written through the storage importer, so a new user's charts are full at
 * once. Each step stores what a scrape at that time would have stored: the target's labels on
 * every sample (the demo's samples never collide with target labels) and `up` = 1.
 */
import { createParser, Entry } from '../../common/textparse';
import { LabelsBuilder, labelsFromRecord, labelsGet, labelsKey, type Labels } from '../../common/model/labels';
import type { Importer } from '../storage';
import { demoJobs, renderDemoPath } from './server';
import type { DemoCluster } from './model';

/** BackfillResult says what was written. */
export interface BackfillResult {
  samples: number;
  series: number;
}

/**
 * backfillDemo advances the cluster from its creation time to endMs in steps of stepMs, importing
 * every target's exposition at each step. The cluster must have been created at the start time.
 */
export function backfillDemo(c: DemoCluster, importer: Importer, startMs: number, endMs: number, stepMs: number): BackfillResult {
  const refs = new Map<string, number>();
  const ref = (ls: Labels): number => {
    const k = labelsKey(ls);
    let r = refs.get(k);
    if (r === undefined) {
      r = importer.seriesRef(ls);
      refs.set(k, r);
    }
    return r;
  };
  let samples = 0;
  const seriesCache = new Map<string, number>();
  const jobs = demoJobs(c);
  for (let t = startMs; t < endMs; t += stepMs) {
    for (const job of jobs) {
      for (const target of job.targets) {
        const text = renderDemoPath(c, target.path, t);
        if (text === null) continue;
        const targetLabels = labelsFromRecord({ job: job.name, ...target.labels });
        importer.append(ref(new LabelsBuilder(targetLabels).set('__name__', 'up').labels()), t, 1);
        samples++;
        const p = createParser(text, 'text/plain; version=0.0.4');
        for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
          if (e !== Entry.Series) continue;
          // Series are resolved once per (target, exposed series text), like a scrape cache.
          const cacheKey = target.path + '\x00' + p.series();
          const cached = seriesCache.get(cacheKey);
          if (cached !== undefined) {
            importer.append(cached, t, p.value());
            samples++;
            continue;
          }
          const exposed = p.labels();
          const b = new LabelsBuilder(exposed);
          // As a scrape without honor_labels does: a target label wins, the exposed value moves to exported_<name>.
          for (const l of targetLabels) {
            const v = labelsGet(exposed, l.name);
            if (v !== '') b.set(`exported_${l.name}`, v);
            b.set(l.name, l.value);
          }
          const r = ref(b.labels());
          seriesCache.set(cacheKey, r);
          importer.append(r, t, p.value());
          samples++;
        }
      }
    }
  }
  return { samples, series: refs.size };
}
