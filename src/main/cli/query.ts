/**
 * `vigil query EXPR`: evaluates PromQL against the store in --data and prints JSON (the API
 * envelope), CSV or a table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args';
import { openStoreForCommand } from './open';
import { Engine } from '../promql/engine';
import { handleApiRequest, storeOnlyContext, type ApiContext } from '../api/router';
import { parseDurationOrSeconds, parseTime } from '../../common/model/time';
import { DATABASE_FILE, defaultDataDir } from '../util/paths';
import { writeCsv, writeTable } from '../export/format';
import { QueryError } from '../promql/value';

type Out = (s: string) => void;

/** queryCommand runs one query. */
export async function queryCommand(flags: Record<string, string | boolean>, positional: string[], out: Out, err: Out): Promise<number> {
  if (positional.length !== 1) throw new UsageError('expected exactly one EXPR (quote it)');
  const expr = positional[0]!;
  const format = (flags.format as string | undefined) ?? 'table';
  if (!['json', 'csv', 'table'].includes(format)) throw new UsageError(`--format must be json, csv or table`);
  const isRange = flags.start !== undefined || flags.end !== undefined || flags.step !== undefined;
  if (isRange && flags.time !== undefined) throw new UsageError('use either --time or --start/--end/--step');
  if (isRange && (flags.start === undefined || flags.end === undefined)) throw new UsageError('a range query needs --start and --end');
  const dataDir = typeof flags.data === 'string' ? path.resolve(flags.data) : defaultDataDir();
  const dbFile = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(dbFile)) {
    err(`vigil query: no Vigil data in ${dataDir} (missing ${DATABASE_FILE}); use --data DIR\n`);
    return 1;
  }
  const storage = openStoreForCommand(dbFile, err);
  try {
    const engine = new Engine();
    const now = Date.now();
    const time = (name: string, dflt: number): number => {
      const v = flags[name];
      if (typeof v !== 'string') return dflt;
      try {
        return parseTime(v);
      } catch (e) {
        throw new UsageError(`--${name}: ${(e as Error).message}`);
      }
    };
    if (format === 'json') {
      const ctx: ApiContext = storeOnlyContext(storage, engine, () => now);
      const params: Record<string, string> = { query: expr };
      let route = '/api/v1/query';
      if (isRange) {
        route = '/api/v1/query_range';
        params.start = String(time('start', now) / 1000);
        params.end = String(time('end', now) / 1000);
        params.step = typeof flags.step === 'string' ? flags.step : String(defaultStep(time('start', now), time('end', now)) / 1000);
      } else params.time = String(time('time', now) / 1000);
      const r = await handleApiRequest(ctx, route, params);
      out(JSON.stringify(r.body) + '\n');
      return r.body.status === 'success' ? 0 : 1;
    }
    try {
      const res = isRange
        ? await engine.rangeQuery(storage, expr, time('start', now), time('end', now), stepMs(flags, time('start', now), time('end', now)), {})
        : await engine.instantQuery(storage, expr, time('time', now), {});
      for (const w of [...res.warnings, ...res.infos]) err(`${w}\n`);
      if (format === 'csv') writeCsv(res.value, out);
      else writeTable(res.value, out);
      return 0;
    } catch (e) {
      if (e instanceof QueryError) {
        err(`vigil query: ${e.errorType}: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  } finally {
    storage.close();
  }
}

function defaultStep(start: number, end: number): number {
  return Math.max(1000, Math.ceil((end - start) / 250 / 1000) * 1000);
}

function stepMs(flags: Record<string, string | boolean>, start: number, end: number): number {
  if (typeof flags.step !== 'string') return defaultStep(start, end);
  try {
    const s = parseDurationOrSeconds(flags.step);
    if (s <= 0) throw new Error('must be positive');
    return s;
  } catch (e) {
    throw new UsageError(`--step: ${(e as Error).message}`);
  }
}
