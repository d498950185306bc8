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
  fs.mkdirSync(dataDir, { recursive: true });
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
    out(
      `Imported ${res.samples} samples of ${res.series} series from ${file} in ${secs.toFixed(2)} s` +
        (stats.samples > 0 ? ` (${new Date(stats.minTime).toISOString()} .. ${new Date(stats.maxTime).toISOString()})` : '') +
        (res.duplicates > 0 ? `; ${res.duplicates} duplicate timestamps dropped` : '') +
        '\n',
    );
    return 0;
  } finally {
    storage.close();
  }
}
