/**
 * In-process run of the PromQL benchmark's queries against Vigil's cached store: the API handler
 * (router, engine, JSON encoding) without HTTP and without a second server on the machine, so
 * figures are steadier than the end-to-end comparison. Started by `npm run bench:promql --
 * --inprocess`, bundled with esbuild so it runs plain JavaScript like the app.
 *
 *   node bench-promql-inproc.mjs VIGIL_DIR RANGE_MS STEP_MS RUNS [ONLY]
 */
import * as path from 'node:path';
import { handleApiRequest, storeOnlyRoutes } from '../../src/main/api/router';
import { Engine } from '../../src/main/promql/engine';
import { openStorage } from '../../src/main/storage';
import { DATABASE_FILE } from '../../src/main/util/paths';
import { END_MS } from './dataset';
import { QUERIES } from './queries';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const [dir, rangeArg, stepArg, runsArg, onlyArg] = process.argv.slice(2);
  const rangeMs = Number(rangeArg);
  const stepMs = Number(stepArg);
  const runs = Number(runsArg);
  const only = onlyArg ? onlyArg.split(',').map(Number) : null;
  const storage = openStorage({ path: path.join(dir!, DATABASE_FILE), autoMaintain: false });
  const engine = new Engine();
  const ctx = storeOnlyRoutes(storage, engine, () => END_MS);
  const end = END_MS;
  const start = end - rangeMs;
  let total = 0;
  const cpu0 = process.cpuUsage();
  const t00 = performance.now();
  console.log(`${'#'.padStart(2)}  ${'query'.padEnd(28)} ${'Vigil'.padStart(9)}  (in process: router + engine + JSON, median of ${runs})`);
  for (let qi = 0; qi < QUERIES.length; qi++) {
    if (only !== null && !only.includes(qi + 1)) continue;
    const q = QUERIES[qi]!;
    const params = { query: q.expr, start: String(start / 1000), end: String(end / 1000), step: String(stepMs / 1000) };
    const once = async (): Promise<number> => {
      const t0 = performance.now();
      const r = await handleApiRequest(ctx, '/api/v1/query_range', params);
      const body = JSON.stringify(r.body);
      if (r.status !== 200) throw new Error(`${q.name}: ${body.slice(0, 300)}`);
      return performance.now() - t0;
    };
    await once();
    const ts: number[] = [];
    for (let i = 0; i < runs; i++) ts.push(await once());
    const m = median(ts);
    total += m;
    console.log(`${String(qi + 1).padStart(2)}  ${q.name.padEnd(28)} ${m.toFixed(1).padStart(6)} ms`);
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(`sum of medians: Vigil ${total.toFixed(0)} ms (whole run ${((performance.now() - t00) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU)`);
  storage.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`inproc: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
