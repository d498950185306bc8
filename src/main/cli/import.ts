/**
 * `vigil import FILE`: backfills an OpenMetrics file with timestamps into the store, as promtool's
 * `tsdb create-blocks-from openmetrics` does for Prometheus.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args';
import { openStoreForCommand } from './open';
import { forEachOpenMetricsSample, ExpositionError } from '../../common/textparse';
import { DATABASE_FILE, defaultDataDir } from '../util/paths';
import { prepareDataDir } from '../host/datadir';
import { SettingsStore } from '../host/settings';

type Out = (s: string) => void;

/** importCommand imports FILE. */
export async function importCommand(flags: Record<string, string | boolean>, positional: string[], out: Out, err: Out): Promise<number> {
  if (positional.length !== 1) throw new UsageError('expected exactly one FILE');
  const file = positional[0]!;
  let body: Buffer;
  try {
    body = fs.readFileSync(file);
  } catch (e) {
    err(`vigil import: ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
    return 1;
  }
  const dataDir = typeof flags.data === 'string' ? path.resolve(flags.data) : defaultDataDir();
  prepareDataDir(dataDir);
  // Samples older than the retention are deleted by the store's next retention pass: say so.
  const settings = new SettingsStore(dataDir);
  const retention = settings.problem === '' ? settings.retention() : null;
  const retentionMs = retention?.timeMs ?? 0;
  const cutoff = retentionMs > 0 ? Date.now() - retentionMs : -Infinity;
  let tooOld = 0;
  const storage = openStoreForCommand(path.join(dataDir, DATABASE_FILE), err);
  const t0 = Date.now();
  try {
    const imp = storage.importer();
    let stats;
    try {
      // Series refs are resolved once per distinct label set (the parser shares label arrays).
      const refs = new Map<unknown, number>();
      stats = forEachOpenMetricsSample(body, (s) => {
        let ref = refs.get(s.labels);
        if (ref === undefined) {
          ref = imp.seriesRef(s.labels);
          refs.set(s.labels, ref);
        }
        imp.append(ref, s.t, s.v);
        if (s.t < cutoff) tooOld++;
      });
    } catch (e) {
      imp.abort();
      if (e instanceof ExpositionError) {
        err(`vigil import: ${file}:${e.line}:${e.column}: ${e.detail}\n`);
        return 1;
      }
      throw e;
    }
    const res = imp.commit();
    const secs = (Date.now() - t0) / 1000;
    // Stored samples win over imported ones with the same timestamp: what was neither written
    // nor a duplicate within the file was already in the store.
    const present = stats.samples - res.samples - res.duplicates;
    out(
      `Imported ${res.samples} samples of ${res.series} series from ${file} in ${secs.toFixed(2)} s` +
        (stats.samples > 0 ? ` (${new Date(stats.minTime).toISOString()} .. ${new Date(stats.maxTime).toISOString()})` : '') +
        (res.duplicates > 0 ? `; ${res.duplicates} duplicate timestamps dropped` : '') +
        (present > 0 ? `; ${present} samples were already stored (kept as they were)` : '') +
        '\n',
    );
    if (stats.samples === 0) err(`vigil import: ${file} holds no samples\n`);
    else if (res.samples === 0 && present > 0) err(`vigil import: nothing new: every sample of ${file} is already in ${dataDir} (imported before?)\n`);
    if (tooOld > 0) {
      err(
        `vigil import: warning: ${tooOld} samples are older than the retention time (${retention?.time}, before ${new Date(cutoff).toISOString()}); ` +
          `Vigil deletes them at its next retention pass. Keep them with --storage.tsdb.retention.time (e.g. 90d) or the retention setting.\n`,
      );
    }
    return 0;
  } finally {
    storage.close();
  }
}
