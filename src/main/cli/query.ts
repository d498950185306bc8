/**
 * `vigil query EXPR`: evaluates PromQL and prints JSON (the API envelope), CSV or a table. When a
 * Vigil server owns the data folder (it holds the store's lock), the query goes to that server's
 * API; otherwise the store is opened directly. Both paths produce the same API envelope, so every
 * format prints the same bytes either way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args';
import { openStoreForCommand } from './open';
import { Engine } from '../promql/engine';
import { handleApiRequest, storeOnlyRoutes } from '../api/router';
import type { ApiEnvelope, ApiQueryData } from '../../common/api/types';
import { parseDurationOrSeconds, parseTime } from '../../common/model/time';
import { DATABASE_FILE, defaultDataDir } from '../util/paths';
import { isEmptyResult, writeCsv, writeTable } from '../../common/export/format';
import { readServerInfo } from '../host/datadir';

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
  const params: Record<string, string> = { query: expr };
  let route = '/api/v1/query';
  if (isRange) {
    route = '/api/v1/query_range';
    const start = time('start', now);
    const end = time('end', now);
    params.start = String(start / 1000);
    params.end = String(end / 1000);
    params.step = String(stepMs(flags, start, end) / 1000);
  } else params.time = String(time('time', now) / 1000);

  const dataDir = typeof flags.data === 'string' ? path.resolve(flags.data) : defaultDataDir();
  const envelope = (await askServer(dataDir, route, params)) ?? (await askStore(dataDir, route, params, err));
  if (envelope === null) return 1;
  if (format === 'json') {
    out(JSON.stringify(envelope) + '\n');
    return envelope.status === 'success' ? 0 : 1;
  }
  for (const w of [...(envelope.warnings ?? []), ...(envelope.infos ?? [])]) err(`${w}\n`);
  if (envelope.status === 'error') {
    // The expression is the command's argument: "invalid parameter "query": " says nothing more.
    err(`vigil query: ${envelope.errorType}: ${envelope.error.replace(/^invalid parameter "query": /, '')}\n`);
    return 1;
  }
  const data = envelope.data as ApiQueryData;
  if (isEmptyResult(data)) {
    if (format === 'csv') writeCsv(data, out);
    else out('no data\n');
    err('vigil query: no data: the expression matched no series at that time\n');
    return 0;
  }
  if (format === 'csv') writeCsv(data, out);
  else writeTable(data, out);
  return 0;
}

/** askServer sends the query to the server that owns dataDir, if one runs; null when none answers. */
async function askServer(dataDir: string, route: string, params: Record<string, string>): Promise<ApiEnvelope<unknown> | null> {
  const info = readServerInfo(dataDir);
  if (info === null) return null;
  try {
    const res = await fetch(info.url + route, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(130_000),
    });
    return (await res.json()) as ApiEnvelope<unknown>;
  } catch {
    // A server file left by a process that is gone, or a server that is shutting down.
    return null;
  }
}

/** askStore opens the store in dataDir and answers the query from it; null (with a message) when there is none. */
async function askStore(dataDir: string, route: string, params: Record<string, string>, err: Out): Promise<ApiEnvelope<unknown> | null> {
  const dbFile = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(dbFile)) {
    err(`vigil query: no Vigil data in ${dataDir} (missing ${DATABASE_FILE}); use --data DIR\n`);
    return null;
  }
  const storage = openStoreForCommand(dbFile, err);
  try {
    const now = Date.now();
    const r = await handleApiRequest(storeOnlyRoutes(storage, new Engine(), () => now), route, params);
    return r.body;
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
