/**
 * PromQL benchmark (issue 5): the same range queries against Vigil and the reference Prometheus
 * holding the same data, through each server's HTTP API /api/v1/query_range.
 *
 *   npm run bench:promql [-- --range 6h --step 60s --runs 5 --only 3,11 --rebuild]
 *
 * Data: ~10,000 series x 24 h at 15 s (bench/promql/dataset.ts), generated once and cached under
 * ${VIGIL_BENCH_DIR:-~/.cache/vigil-bench}/promql-v<N>/: Prometheus's blocks are written by
 * `promtool tsdb create-blocks-from openmetrics` from the generated OpenMetrics files (then
 * Prometheus runs once until its start-up compaction settles, as a long-running server's blocks
 * would be); Vigil's store by its importer fed through its OpenMetrics parser, as `vigil import`
 * does, from the same text. Then `prometheus` and `vigil serve` (the built CLI) run on loopback.
 *
 * Each query is sent once to each server to warm up and to check that both answer identically
 * (JSON bodies equal; any difference is printed and counted), then `runs` times alternately;
 * the figure is the median wall-clock time until the whole response body has arrived.
 * Prints each query's latencies, the ratio Vigil/Prometheus, the median ratio and the goal
 * (median ratio <= 1.0), and which Prometheus it compared against.
 *
 * Profiling: VIGIL_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/vigil-prof" passes node flags to
 * `vigil serve` (the profile is written when the bench stops it).
 *
 * --inprocess runs only Vigil's side, in one process without HTTP (bench/promql/inproc.ts, bundled
 * with esbuild): the API handler, engine and JSON encoding per query, for steadier figures while
 * working on speed (VIGIL_BENCH_NODE_ARGS applies to it too).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forEachOpenMetricsSample } from '../src/common/textparse';
import { parseDurationOrSeconds } from '../src/common/model/time';
import { openStorage } from '../src/main/storage';
import { DATABASE_FILE } from '../src/main/util/paths';
import { createBlocks, findPrometheus, startPrometheus, type PrometheusPeer, type RunningPrometheus } from '../test/peers/prometheus';
import { quietConfig, startVigil, type VigilProcess } from '../test/peers/vigil';
import { Cluster, DATASET_VERSION, END_MS, WINDOWS } from './promql/dataset';
import { QUERIES } from './promql/queries';

interface Args {
  rangeMs: number;
  stepMs: number;
  runs: number;
  only: number[] | null;
  rebuild: boolean;
  inprocess: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { rangeMs: 6 * 3_600_000, stepMs: 60_000, runs: 5, only: null, rebuild: false, inprocess: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--range') a.rangeMs = parseDurationOrSeconds(v());
    else if (k === '--step') a.stepMs = parseDurationOrSeconds(v());
    else if (k === '--runs') a.runs = Math.max(1, Number(v()));
    else if (k === '--only') a.only = v().split(',').map((x) => Number(x));
    else if (k === '--rebuild') a.rebuild = true;
    else if (k === '--inprocess') a.inprocess = true;
    else throw new Error(`unknown argument ${k} (use --range D --step D --runs N --only i,j --rebuild --inprocess)`);
  }
  return a;
}

function log(s: string): void {
  process.stdout.write(s + '\n');
}

function dirSize(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return n;
}

/** metric reads one sample value of a Prometheus /metrics text. */
async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  for (const line of text.split('\n')) if (line.startsWith(name + ' ')) return Number(line.slice(name.length + 1));
  return NaN;
}

/**
 * settle runs Prometheus over its backfilled blocks until its compaction is done (a running
 * server compacts 2 h blocks into larger ones), so the benchmark sees a steady state.
 */
async function settle(peer: PrometheusPeer, dir: string): Promise<void> {
  const p = await startPrometheus(peer, dir);
  try {
    log('  letting Prometheus compact the backfilled blocks (its first compaction runs after about a minute)...');
    await new Promise((r) => setTimeout(r, 70_000));
    let last = '';
    let stableSince = Date.now();
    const deadline = Date.now() + 10 * 60_000;
    while (Date.now() < deadline) {
      const now = `${await metric(p.url, 'prometheus_tsdb_compactions_total')}/${await metric(p.url, 'prometheus_tsdb_blocks_loaded')}`;
      if (now !== last) {
        last = now;
        stableSince = Date.now();
      } else if (Date.now() - stableSince > 75_000) {
        break;
      }
      await new Promise((r) => setTimeout(r, 5_000));
    }
    log(`  Prometheus compactions/blocks: ${last}`);
  } finally {
    await p.stop();
  }
}

/** ensureDataset builds (or reuses) both stores and returns their directories. */
async function ensureDataset(peer: PrometheusPeer, rebuild: boolean): Promise<{ root: string; promDir: string; vigilDir: string }> {
  const root = path.join(process.env.VIGIL_BENCH_DIR ?? path.join(os.homedir(), '.cache', 'vigil-bench'), `promql-v${DATASET_VERSION}`);
  const promDir = path.join(root, `prometheus-${peer.version}`);
  const vigilDir = path.join(root, 'vigil');
  const promDone = path.join(promDir, '.complete');
  const vigilDone = path.join(vigilDir, '.complete');
  if (rebuild) {
    fs.rmSync(promDir, { recursive: true, force: true });
    fs.rmSync(vigilDir, { recursive: true, force: true });
  }
  const needProm = !fs.existsSync(promDone);
  const needVigil = !fs.existsSync(vigilDone);
  if (!needProm && !needVigil) return { root, promDir, vigilDir };
  log(`building the dataset in ${root} (once; ${needProm ? 'Prometheus' : ''}${needProm && needVigil ? ' and ' : ''}${needVigil ? 'Vigil' : ''})`);
  if (needProm) fs.rmSync(promDir, { recursive: true, force: true });
  if (needVigil) fs.rmSync(vigilDir, { recursive: true, force: true });
  fs.mkdirSync(promDir, { recursive: true });
  fs.mkdirSync(vigilDir, { recursive: true });
  const cluster = new Cluster();
  const storage = needVigil ? openStorage({ path: path.join(vigilDir, DATABASE_FILE), autoMaintain: false }) : null;
  let samples = 0;
  try {
    for (let w = 0; w < WINDOWS; w++) {
      const t0 = performance.now();
      const file = path.join(root, `window-${w}.om`);
      const fd = needProm ? fs.openSync(file, 'w') : -1;
      const imp = storage?.importer({ maxBufferedSamples: 8_000_000 }) ?? null;
      let tImport = 0;
      for (const chunk of cluster.windowChunks(w)) {
        if (fd >= 0) fs.writeSync(fd, chunk);
        if (imp !== null) {
          const ti = performance.now();
          // As `vigil import` does: refs resolved once per label set the parser hands out.
          const refs = new Map<unknown, number>();
          const st = forEachOpenMetricsSample(chunk + '# EOF\n', (s) => {
            let ref = refs.get(s.labels);
            if (ref === undefined) {
              ref = imp.seriesRef(s.labels);
              refs.set(s.labels, ref);
            }
            imp.append(ref, s.t, s.v);
          });
          samples += st.samples;
          tImport += performance.now() - ti;
        }
      }
      let tImp2 = 0;
      if (imp !== null) {
        const ti = performance.now();
        imp.commit();
        tImp2 = performance.now() - ti;
      }
      let tProm = 0;
      if (fd >= 0) {
        fs.writeSync(fd, '# EOF\n');
        fs.closeSync(fd);
        const tp = performance.now();
        await createBlocks(peer, file, promDir);
        tProm = performance.now() - tp;
        fs.rmSync(file);
      }
      log(
        `  window ${w + 1}/${WINDOWS}: ${((performance.now() - t0) / 1000).toFixed(1)} s` +
          (imp !== null ? ` (vigil parse+import ${((tImport + tImp2) / 1000).toFixed(1)} s)` : '') +
          (fd >= 0 ? ` (promtool ${(tProm / 1000).toFixed(1)} s)` : ''),
      );
    }
  } finally {
    storage?.close();
  }
  if (needVigil) {
    fs.writeFileSync(vigilDone, `${samples} samples\n`);
    log(`  Vigil store: ${samples} samples, ${(dirSize(vigilDir) / 1e6).toFixed(1)} MB`);
  }
  if (needProm) {
    await settle(peer, promDir);
    fs.writeFileSync(promDone, 'ok\n');
    log(`  Prometheus blocks: ${(dirSize(promDir) / 1e6).toFixed(1)} MB`);
  }
  return { root, promDir, vigilDir };
}

interface Timed {
  ms: number;
  status: number;
  body: string;
}

async function timedGet(url: string): Promise<Timed> {
  const t0 = performance.now();
  const r = await fetch(url);
  const buf = await r.arrayBuffer();
  const ms = performance.now() - t0;
  return { ms, status: r.status, body: Buffer.from(buf).toString('utf8') };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** sameResult compares two API bodies (warnings and infos as sets; both order matrices by labels). */
function sameResult(a: string, b: string): boolean {
  const norm = (s: string): unknown => {
    const j = JSON.parse(s) as Record<string, unknown>;
    for (const k of ['warnings', 'infos']) if (Array.isArray(j[k])) j[k] = [...(j[k] as string[])].sort();
    return j;
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `at byte ${i}: Prometheus …${a.slice(Math.max(0, i - 60), i + 60)}… Vigil …${b.slice(Math.max(0, i - 60), i + 60)}…`;
}

/** runInProcess bundles bench/promql/inproc.ts and runs it over Vigil's store. */
async function runInProcess(vigilDir: string, args: Args): Promise<void> {
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  const out = path.join(__dirname, '..', 'node_modules', '.cache', 'vigil-bench', 'bench-promql-inproc.mjs');
  esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'promql', 'inproc.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    external: ['better-sqlite3'],
    logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const nodeArgs = (process.env.VIGIL_BENCH_NODE_ARGS ?? '').split(/\s+/).filter((x) => x !== '');
  execFileSync(process.execPath, [...nodeArgs, out, vigilDir, String(args.rangeMs), String(args.stepMs), String(args.runs), args.only?.join(',') ?? ''], { stdio: 'inherit' });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const peer = await findPrometheus();
  log(`PromQL benchmark: Vigil vs ${peer.note}`);
  const { root, promDir, vigilDir } = await ensureDataset(peer, args.rebuild);
  if (args.inprocess) {
    log(`Vigil only, in process (${vigilDir}); range ${args.rangeMs / 3_600_000} h, step ${args.stepMs / 1000} s`);
    await runInProcess(vigilDir, args);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-promql-'));
  let prom: RunningPrometheus | null = null;
  let vigil: VigilProcess | null = null;
  try {
    const nodeArgs = (process.env.VIGIL_BENCH_NODE_ARGS ?? '').split(/\s+/).filter((x) => x !== '');
    [prom, vigil] = await Promise.all([
      startPrometheus(peer, promDir),
      startVigil(['--config', quietConfig(tmp), '--log-level', 'warn'], { dataDir: vigilDir, nodeArgs, timeoutMs: 120_000 }),
    ]);
    const vinfo = (await (await fetch(`${vigil.url}/api/v1/status/buildinfo`)).json()) as { data: { version: string } };
    const pinfo = (await (await fetch(`${prom.url}/api/v1/status/buildinfo`)).json()) as { data: { version: string } };
    const end = END_MS;
    const start = end - args.rangeMs;
    const points = Math.floor(args.rangeMs / args.stepMs) + 1;
    log(`data: ${root} (Prometheus ${(dirSize(promDir) / 1e6).toFixed(0)} MB, Vigil ${(dirSize(vigilDir) / 1e6).toFixed(0)} MB)`);
    log(`Prometheus ${pinfo.data.version} at ${prom.url}; Vigil (API-compatible with ${vinfo.data.version}) at ${vigil.url}${nodeArgs.length ? ` (node ${nodeArgs.join(' ')})` : ''}`);
    log(
      `range ${new Date(start).toISOString()} .. ${new Date(end).toISOString()} (${args.rangeMs / 3_600_000} h), step ${args.stepMs / 1000} s (${points} points), ` +
        `median of ${args.runs} runs after one warm-up, wall clock to the last byte of the response`,
    );
    log('');
    log(`${'#'.padStart(2)}  ${'query'.padEnd(28)} ${'series'.padStart(6)} ${'Prometheus'.padStart(11)} ${'Vigil'.padStart(9)} ${'ratio'.padStart(6)}`);
    const ratios: number[] = [];
    let sumP = 0;
    let sumV = 0;
    let mismatches = 0;
    let errors = 0;
    for (let qi = 0; qi < QUERIES.length; qi++) {
      if (args.only !== null && !args.only.includes(qi + 1)) continue;
      const q = QUERIES[qi]!;
      const qs = `/api/v1/query_range?${new URLSearchParams({ query: q.expr, start: String(start / 1000), end: String(end / 1000), step: String(args.stepMs / 1000) })}`;
      const wp = await timedGet(prom.url + qs);
      const wv = await timedGet(vigil.url + qs);
      let note = '';
      if (wp.status !== 200) {
        errors++;
        note = ` PROMETHEUS ERROR ${wp.status}: ${wp.body.slice(0, 200)}`;
      } else if (wv.status !== 200) {
        errors++;
        note = ` VIGIL ERROR ${wv.status}: ${wv.body.slice(0, 200)}`;
      } else if (!sameResult(wp.body, wv.body)) {
        mismatches++;
        note = ` RESULTS DIFFER ${firstDifference(wp.body, wv.body)}`;
      }
      const tp: number[] = [];
      const tv: number[] = [];
      for (let r = 0; r < args.runs; r++) {
        tp.push((await timedGet(prom.url + qs)).ms);
        tv.push((await timedGet(vigil.url + qs)).ms);
      }
      const mp = median(tp);
      const mv = median(tv);
      const ratio = mv / mp;
      ratios.push(ratio);
      sumP += mp;
      sumV += mv;
      let nSeries = 0;
      try {
        nSeries = ((JSON.parse(wp.body) as { data?: { result?: unknown[] } }).data?.result ?? []).length;
      } catch {
        nSeries = -1;
      }
      log(
        `${String(qi + 1).padStart(2)}  ${q.name.padEnd(28)} ${String(nSeries).padStart(6)} ${mp.toFixed(1).padStart(8)} ms ${mv.toFixed(1).padStart(6)} ms ${ratio.toFixed(2).padStart(6)}${note}`,
      );
    }
    const med = median(ratios);
    const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
    log('');
    log(`sum of medians: Prometheus ${sumP.toFixed(0)} ms, Vigil ${sumV.toFixed(0)} ms`);
    log(`median ratio Vigil/Prometheus: ${med.toFixed(2)} (geometric mean ${geo.toFixed(2)}) over ${ratios.length} queries   goal <= 1.0   ${med <= 1 ? 'OK' : 'MISSED'}`);
    log(`results identical for ${ratios.length - mismatches - errors} of ${ratios.length} queries${mismatches ? `; ${mismatches} DIFFER` : ''}${errors ? `; ${errors} failed` : ''}`);
    log(`compared against: ${peer.note}`);
    if (mismatches || errors) process.exitCode = 1;
  } finally {
    await Promise.all([prom?.stop(), vigil?.stop()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:promql: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
