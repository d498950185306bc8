/**
 * Storage benchmarks (issue 3). Run: npm run bench:storage [-- case ...]
 *
 * Each case runs in its own child process (clean heap and RSS) and prints its figure and goal:
 *   append    append throughput, 100k series, one commit per 10k samples (goal >= 2,000,000 samples/s)
 *   density   bytes/sample on disk, 24 h of node-exporter-like data at 15 s (goal <= 1.3),
 *             plus compaction throughput
 *   select    select + decode of 1,000 series x 24 h from that file (goal >= 20,000,000 samples/s)
 *   recovery  reopen after 1,000,000 unflushed samples (goal <= 2 s)
 *   rss       RSS with 100k active series (goal <= 300 MB)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matcher } from '../src/common/model/matcher';
import type { Labels } from '../src/common/model/labels';
import { openStorage, type StorageEngine } from '../src/main/storage/index';
import { ValueType } from '../src/main/storage/interface';
import { Rng, nodeSeries, type GenSeries } from './storage/nodegen';

const CASES = ['append', 'density', 'select', 'recovery', 'rss'] as const;
type Case = (typeof CASES)[number];

const self = fileURLToPath(import.meta.url);
const workDir = process.env.VIGIL_BENCH_DIR ?? path.join(os.tmpdir(), 'vigil-bench-storage');

function rm(file: string): void {
  for (const f of [file, file + '-wal', file + '-shm']) fs.rmSync(f, { force: true });
}

function report(name: string, value: string, goal: string, ok: boolean, extra = ''): void {
  console.log(`${name.padEnd(34)} ${value.padStart(16)}   goal ${goal.padEnd(22)} ${ok ? 'OK' : 'MISSED'}${extra ? '   ' + extra : ''}`);
}

/** metricValue finds a sample line "name value" in a text exposition. */
function metricValue(text: string, name: string): number {
  for (const line of text.split('\n')) if (line.startsWith(name + ' ')) return Number(line.slice(name.length + 1));
  return NaN;
}

/** fleet returns the series of n simulated node exporters. */
function fleet(nodes: number, seed: number): GenSeries[] {
  const rng = new Rng(seed);
  const out: GenSeries[] = [];
  for (let i = 0; i < nodes; i++) out.push(...nodeSeries(`node-${i}:9100`, rng));
  return out;
}

const T0 = Date.UTC(2026, 0, 1);

// ----------------------------------------------------------------------------------------------

function benchAppend(): void {
  const file = path.join(workDir, 'append.db');
  rm(file);
  const st = openStorage({ path: file, autoMaintain: false });
  const nodes = 152; // ~100k series
  const series = fleet(nodes, 1).slice(0, 100_000);
  const N = series.length;
  const labels: Labels[] = series.map((s) => s.labels);
  const refs = new Int32Array(N);
  // precomputed per-series value steps, cycled (keeps value generation out of the measurement)
  const STEPS = 64;
  const steps = new Float64Array(N * STEPS);
  const base = new Float64Array(N);
  const rng = new Rng(9);
  for (let i = 0; i < N; i++) {
    const g = series[i]!;
    let v = g.next(rng);
    base[i] = v;
    for (let k = 0; k < STEPS; k++) {
      const nv = g.next(rng);
      steps[i * STEPS + k] = nv - v;
      v = nv;
    }
  }
  const cur = Float64Array.from(base);
  const BATCH = 10_000;
  const rounds = Number(process.env.APPEND_ROUNDS ?? 240);
  // round 0 creates the series (measured separately)
  let t = T0;
  let tc = performance.now();
  {
    let a = st.appender();
    for (let i = 0; i < N; i++) {
      refs[i] = a.append(0, labels[i]!, t, cur[i]!);
      if ((i + 1) % BATCH === 0) {
        a.commit();
        a = st.appender();
      }
    }
    a.commit();
  }
  const createSec = (performance.now() - tc) / 1000;
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let r = 1; r < rounds; r++) {
    t += 15_000;
    let a = st.appender();
    let inBatch = 0;
    const k = r % STEPS;
    for (let i = 0; i < N; i++) {
      const v = (cur[i] = cur[i]! + steps[i * STEPS + k]!);
      a.append(refs[i]!, labels[i]!, t, v);
      if (++inBatch === BATCH) {
        a.commit();
        n += inBatch;
        inBatch = 0;
        a = st.appender();
      }
    }
    a.commit();
    n += inBatch;
  }
  const sec = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const cpuSec = (cu.user + cu.system) / 1e6;
  const rate = n / cpuSec;
  report(
    'append (100k series, 10k/commit)',
    `${(rate / 1e6).toFixed(2)} M/s`,
    '>= 2.00 M samples/s',
    rate >= 2e6,
    `per CPU-second of this process (the machine is shared); wall clock ${(n / sec / 1e6).toFixed(2)} M/s; ${n} samples in ${cpuSec.toFixed(1)} s CPU, ${sec.toFixed(1)} s wall; series creation ${(N / createSec / 1000).toFixed(0)}k series/s`,
  );
  st.close();
  rm(file);
}

// ----------------------------------------------------------------------------------------------

const DENSITY_FILE = (): string => path.join(workDir, 'density.db');
const DENSITY_NODES = Number(process.env.DENSITY_NODES ?? 10);

function benchDensity(): void {
  const file = DENSITY_FILE();
  rm(file);
  const pageSize = process.env.VIGIL_BENCH_PAGE_SIZE ? Number(process.env.VIGIL_BENCH_PAGE_SIZE) : undefined;
  const st = openStorage({ path: file, autoMaintain: false, retentionBytes: 0, pageSize });
  const series = fleet(DENSITY_NODES, 2);
  const N = series.length;
  const rng = new Rng(3);
  const refs = new Int32Array(N);
  const samplesPerSeries = (24 * 3600) / 15;
  let n = 0;
  const t0 = performance.now();
  // each node is one scrape target with its own timestamps (5% of scrapes a few ms late)
  const perNode = Math.ceil(N / DENSITY_NODES);
  for (let r = 0; r < samplesPerSeries; r++) {
    for (let node = 0; node < DENSITY_NODES; node++) {
      const t = T0 + r * 15_000 + (rng.next() < 0.05 ? 3 + Math.floor(rng.next() * 28) : 0);
      const a = st.appender();
      const end = Math.min(N, (node + 1) * perNode);
      for (let i = node * perNode; i < end; i++) {
        refs[i] = a.append(refs[i]!, series[i]!.labels, t, series[i]!.next(rng));
        n++;
      }
      a.commit();
    }
  }
  const ingestSec = (performance.now() - t0) / 1000;
  const tc = performance.now();
  st.maintain();
  const maintSec = (performance.now() - tc) / 1000;
  const stats = st.stats(1);
  st.checkpoint();
  const size = fs.statSync(file).size + (fs.existsSync(file + '-wal') ? fs.statSync(file + '-wal').size : 0);
  const db = (st as unknown as { sqlite(): import('better-sqlite3').Database }).sqlite();
  const q = (sql: string): number => Number(db.prepare(sql).pluck().get() ?? 0);
  const blockBytes = q('SELECT sum(length(data)) FROM chunks');
  const blockSamples = q('SELECT sum(num_samples) FROM blocks');
  const headBytes = q('SELECT sum(length(data)) FROM head_chunks');
  const logBytes = q('SELECT sum(length(rec)) FROM log');
  const seriesBytes = q('SELECT sum(length(labels)) FROM series');
  const free = q('PRAGMA freelist_count') * q('PRAGMA page_size');
  const m = st.selfMetrics();
  const compSec = metricValue(m, 'vigil_tsdb_compaction_duration_seconds_sum');
  const compSamples = metricValue(m, 'vigil_tsdb_compaction_samples_total');
  st.close();
  const bps = size / n;
  report('bytes/sample (24h node-like, 15s)', `${bps.toFixed(3)} B`, '<= 1.3 B/sample', bps <= 1.3, `${n} samples, ${N} series, file ${(size / 1e6).toFixed(1)} MB`);
  console.log(
    `    breakdown: block rows ${(blockBytes / 1e6).toFixed(1)} MB (${(blockBytes / blockSamples).toFixed(3)} B/sample over ${blockSamples} samples), head chunks ${(headBytes / 1e6).toFixed(1)} MB, log ${(logBytes / 1e6).toFixed(1)} MB, labels ${(seriesBytes / 1e6).toFixed(2)} MB, free pages ${(free / 1e6).toFixed(1)} MB; ${stats.numSamples} samples stored`,
  );
  console.log(`    ingest incl. compaction on commits: ${(n / ingestSec / 1e6).toFixed(2)} M samples/s; final maintain ${maintSec.toFixed(1)} s; compaction ${compSamples} samples in ${compSec.toFixed(1)} s = ${(compSamples / compSec / 1e6).toFixed(2)} M samples/s`);
}

// ----------------------------------------------------------------------------------------------

function benchSelect(): void {
  const file = DENSITY_FILE();
  if (!fs.existsSync(file)) benchDensity();
  const st = openStorage({ path: file, autoMaintain: false, retentionBytes: 0, retentionMs: 0 });
  // about 1,000 series: the CPU, memory and disk series of the first nodes
  const matchers = [new Matcher('=~', 'instance', 'node-[0-2]:9100'), new Matcher('=~', '__name__', 'node_(cpu|memory|disk|network|filesystem)_.+')];
  let best = 0;
  let series = 0;
  let samples = 0;
  let bestWall = 0;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const q = st.querier(T0, T0 + 24 * 3600_000);
    const ss = q.select(false, null, matchers);
    let n = 0;
    let sum = 0;
    for (const s of ss.series) {
      const it = s.iterator();
      while (it.next() === ValueType.Float) {
        sum += it.atF();
        n += it.atT() > 0 ? 1 : 0;
      }
    }
    q.close();
    const sec = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    if (sum === 42) console.log('');
    series = ss.series.length;
    samples = n;
    best = Math.max(best, n / ((cu.user + cu.system) / 1e6));
    bestWall = Math.max(bestWall, n / sec);
  }
  report('select+decode (1k series x 24h)', `${(best / 1e6).toFixed(1)} M/s`, '>= 20 M samples/s', best >= 20e6, `per CPU-second, best of 5 (wall clock ${(bestWall / 1e6).toFixed(1)} M/s); ${series} series, ${samples} samples`);
  st.close();
}

// ----------------------------------------------------------------------------------------------

function benchRecovery(): void {
  const file = path.join(workDir, 'recovery.db');
  if (process.argv.includes('--fill')) {
    rm(file);
    const st = openStorage({ path: file, autoMaintain: false });
    const series = fleet(15, 4).slice(0, 10_000);
    const rng = new Rng(5);
    const refs = new Int32Array(series.length);
    let n = 0;
    for (let r = 0; r < 100; r++) {
      const a = st.appender();
      for (let i = 0; i < series.length; i++) {
        refs[i] = a.append(refs[i]!, series[i]!.labels, T0 + r * 15_000, series[i]!.next(rng));
        n++;
      }
      a.commit();
    }
    console.log(`filled ${n}`);
    process.exit(0); // no close(): the head exists only in the log, as after a crash
  }
  execFileSync(process.execPath, [...process.execArgv, self, 'recovery', '--fill'], { stdio: 'pipe' });
  const t0 = performance.now();
  const st = openStorage({ path: file, autoMaintain: false });
  const sec = (performance.now() - t0) / 1000;
  const m = st.selfMetrics();
  const replayed = metricValue(m, 'vigil_tsdb_replayed_samples');
  report('head recovery (1M unflushed)', `${sec.toFixed(2)} s`, '<= 2 s', sec <= 2, `${replayed} samples replayed`);
  st.close();
  rm(file);
}

// ----------------------------------------------------------------------------------------------

function benchRss(): void {
  const file = path.join(workDir, 'rss.db');
  rm(file);
  const st: StorageEngine = openStorage({ path: file, autoMaintain: false });
  const N = 100_000;
  const refs = new Int32Array(N);
  const cur = new Float64Array(N);
  const inc = new Float64Array(N);
  {
    // round 0 creates the series from node-exporter-like label sets; the generator is dropped after
    const series = fleet(152, 6).slice(0, N);
    const rng = new Rng(7);
    let a = st.appender();
    for (let i = 0; i < N; i++) {
      const g = series[i]!;
      cur[i] = g.next(rng);
      inc[i] = g.next(rng) - cur[i]!;
      refs[i] = a.append(0, g.labels, T0, cur[i]!);
      if ((i + 1) % 10_000 === 0) {
        a.commit();
        a = st.appender();
      }
    }
    a.commit();
  }
  const rounds = 240; // 1 h at 15 s: two chunk cuts per series, closed chunks flushed to head_chunks
  for (let r = 1; r < rounds; r++) {
    let a = st.appender();
    for (let i = 0; i < N; i++) {
      cur[i] = cur[i]! + inc[i]! * ((r * 7 + i) % 5 === 0 ? 2 : 1);
      a.append(refs[i]!, [], T0 + r * 15_000, cur[i]!);
      if ((i + 1) % 10_000 === 0) {
        a.commit();
        a = st.appender();
      }
    }
    a.commit();
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const mu = process.memoryUsage();
  const rss = mu.rss / 1024 / 1024;
  const stats = st.stats(1);
  const arenaMB = (st as unknown as { h: { arena: { capacityBytes(): number } } }).h.arena.capacityBytes() / 1048576;
  report('RSS with 100k active series', `${rss.toFixed(0)} MB`, '<= 300 MB', rss <= 300, `heap used ${(mu.heapUsed / 1048576).toFixed(0)} MB of ${(mu.heapTotal / 1048576).toFixed(0)} MB, external ${(mu.external / 1048576).toFixed(0)} MB (open-chunk arena ${arenaMB.toFixed(0)} MB); ${stats.numSeries} series, ${stats.numSamples} samples in the head`);
  st.close();
  rm(file);
}

// ----------------------------------------------------------------------------------------------

function run(c: Case): void {
  switch (c) {
    case 'append':
      return benchAppend();
    case 'density':
      return benchDensity();
    case 'select':
      return benchSelect();
    case 'recovery':
      return benchRecovery();
    case 'rss':
      return benchRss();
  }
}

/**
 * bundle compiles this benchmark with esbuild into one ES module, so the measured process runs
 * plain JavaScript as the app does (no TypeScript loader in the process). Returns null when esbuild
 * is not available; the children then run under tsx.
 */
async function bundle(): Promise<string | null> {
  try {
    const esbuild = (await import('esbuild')) as typeof import('esbuild');
    // inside the repository's node_modules so the bundle resolves better-sqlite3 like the app does
    const out = path.join(path.dirname(self), '..', 'node_modules', '.cache', 'vigil-bench', 'bench-storage.mjs');
    esbuild.buildSync({ entryPoints: [self], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, external: ['better-sqlite3', 'esbuild'], logLevel: 'error' });
    return out;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => (CASES as readonly string[]).includes(a)) as Case[];
  const cases = wanted.length > 0 ? wanted : [...CASES];
  const bundled = process.env.VIGIL_BENCH_TSX ? null : await bundle();
  const argv = bundled !== null ? ['--expose-gc', bundled] : ['--expose-gc', ...process.execArgv, self];
  console.log(`storage benchmarks (node ${process.version}, ${os.cpus().length} CPUs, ${bundled !== null ? 'bundled with esbuild' : 'under tsx'}, files in ${workDir})`);
  for (const c of cases) {
    execFileSync(process.execPath, [...argv, c], { stdio: 'inherit', env: { ...process.env, VIGIL_BENCH_CHILD: '1' }, cwd: process.cwd() });
  }
  if (!process.env.VIGIL_BENCH_KEEP) rm(DENSITY_FILE());
}

fs.mkdirSync(workDir, { recursive: true });
const arg = process.argv[2];
if (arg !== undefined && (CASES as readonly string[]).includes(arg) && process.env.VIGIL_BENCH_CHILD === '1') {
  run(arg as Case);
} else {
  void main();
}
