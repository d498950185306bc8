/**
 * Internal counters of the store and their rendering in the Prometheus text exposition format.
 */

/** StoreCounters are the monotonically increasing counters of the store. */
export class StoreCounters {
  samplesAppended = 0;
  oooSamplesAppended = 0;
  outOfOrderSamples = 0;
  outOfBoundSamples = 0;
  tooOldSamples = 0;
  duplicateSamples = 0;
  commits = 0;
  commitFailures = 0;
  seriesCreated = 0;
  seriesRemoved = 0;
  chunksCut = 0;
  headChunksFlushed = 0;
  flushFailures = 0;
  compactions = 0;
  compactionFailures = 0;
  compactionSeconds = 0;
  compactionSamples = 0;
  logTruncations = 0;
  corruptions = 0;
  logCorruptions = 0;
  timeRetentions = 0;
  sizeRetentions = 0;
  vacuumedPages = 0;
  replaySeconds = 0;
  replayedSamples = 0;
  importedSamples = 0;
  deletedSeriesCalls = 0;
}

/** MetricLine is one metric family with a single unlabelled sample or labelled samples. */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: { labels?: string; value: number }[];
}

function fmt(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** renderFamilies renders metric families in the text exposition format (version 0.0.4). */
export function renderFamilies(fams: readonly MetricFamily[]): string {
  let out = '';
  for (const f of fams) {
    out += `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) out += `${f.name}${s.labels ? `{${s.labels}}` : ''} ${fmt(s.value)}\n`;
  }
  return out;
}
