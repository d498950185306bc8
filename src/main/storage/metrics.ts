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

/** MetricFamily is one metric with its help, type and samples (label strings pre-rendered). */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'summary';
  /** samples: suffix (e.g. '_sum') is appended to the name, labels are rendered inside braces. */
  samples: { suffix?: string; labels?: string; value: number }[];
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
    for (const s of f.samples) out += `${f.name}${s.suffix ?? ''}${s.labels ? `{${s.labels}}` : ''} ${fmt(s.value)}\n`;
  }
  return out;
}
