/**
 * Crash-safety harness (reliability.md B7 1): a child process appends scrape-like batches at full
 * speed and prints the id of each batch after commit() returns; the parent kills it with SIGKILL at
 * a random moment, reopens the store and checks that every acknowledged batch is present in full,
 * that no batch is partly visible, and that PRAGMA integrity_check returns ok. Rounds continue on
 * the same file, so recovery from repeated crashes (with compaction and log truncation happening
 * in between) is exercised too.
 *
 * Used by test/storage/crash.test.ts (20+ rounds) and bench/storage-crash.ts (200 rounds). The
 * child is writer.ts, started with the tsx loader: node --import tsx test/storage/crash/writer.ts <file>
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labelsFromStrings, type Labels } from '../../../src/common/model/labels';
import { Matcher } from '../../../src/common/model/matcher';
import { openStorage, ValueType, type StorageOptions } from '../../../src/main/storage/index';

/** SERIES is the number of series per batch (one sample each). */
export const SERIES = 200;
/** T0 is the timestamp of batch 0. */
export const T0 = Date.UTC(2026, 0, 1);
/** STEP is the time between batches; with BLOCK it makes compaction happen every ~90 batches. */
export const STEP = 1000;
const BLOCK = 60_000;

/** storeOptions are shared by the child and the checker (small blocks: frequent compaction). */
export function storeOptions(file: string): StorageOptions {
  return { path: file, autoMaintain: false, blockRangeMs: BLOCK, samplesPerChunk: 40, retentionMs: 0, retentionBytes: 0 };
}

/** WRITER is the child's script. */
const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'writer.ts');

/** seriesLabels returns the label sets of the SERIES series every batch writes. */
export function seriesLabels(): Labels[] {
  return Array.from({ length: SERIES }, (_, i) => labelsFromStrings('__name__', 'crash_test', 'i', String(i), 'job', 'crash'));
}

/** BatchState is what the checker found: every batch id present and how many series hold it. */
export interface CheckResult {
  ok: boolean;
  problems: string[];
  maxBatch: number;
  batches: number;
}

/** check opens the store and verifies acknowledged batches, whole batches and integrity. */
export function check(file: string, acked: ReadonlySet<number>): CheckResult {
  const st = openStorage(storeOptions(file));
  const problems: string[] = [];
  const perBatch = new Map<number, number>();
  try {
    const integrity = (st as unknown as { sqlite(): { pragma(s: string, o: { simple: true }): unknown } }).sqlite().pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const q = st.querier(-1e15, 1e15);
    const ss = q.select(false, null, [new Matcher('=', 'job', 'crash')]);
    for (const s of ss.series) {
      const it = s.iterator();
      while (it.next() === ValueType.Float) {
        const k = (it.atT() - T0) / STEP;
        if (it.atF() !== k) problems.push(`series ${JSON.stringify(s.labels)} batch ${k} has value ${it.atF()}`);
        perBatch.set(k, (perBatch.get(k) ?? 0) + 1);
      }
    }
    if (ss.warnings.length > 0) problems.push(...ss.warnings);
    q.close();
  } finally {
    st.close();
  }
  let maxBatch = -1;
  for (const [k, n] of perBatch) {
    if (n !== SERIES) problems.push(`batch ${k} is partly visible: ${n} of ${SERIES} samples`);
    if (k > maxBatch) maxBatch = k;
  }
  for (const k of acked) if (perBatch.get(k) !== SERIES) problems.push(`acknowledged batch ${k} is missing (${perBatch.get(k) ?? 0} of ${SERIES} samples)`);
  return { ok: problems.length === 0, problems: problems.slice(0, 20), maxBatch, batches: perBatch.size };
}

/** RoundReport describes one kill/restart round. */
export interface RoundReport {
  round: number;
  acked: number;
  maxBatch: number;
  result: CheckResult;
}

/** crashRound starts the child, kills it after killAfterMs of acknowledged progress, and checks. */
export async function crashRound(file: string, acked: Set<number>, killAfterMs: number): Promise<CheckResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  let stderr = '';
  let started = false;
  await new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('ack ')) {
          acked.add(Number(line.slice(4)));
          if (!started) {
            started = true;
            timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          }
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`crash child exited by itself (code ${code}): ${stderr.slice(-2000)}`));
    });
    setTimeout(() => {
      if (!started) child.kill('SIGKILL');
    }, 60_000).unref();
  });
  return check(file, acked);
}

/** runRounds runs n rounds on a fresh file and returns the per-round reports (stops at the first failure). */
export async function runRounds(file: string, n: number, seed = 1, log?: (r: RoundReport) => void): Promise<RoundReport[]> {
  for (const f of [file, file + '-wal', file + '-shm']) fs.rmSync(f, { force: true });
  const acked = new Set<number>();
  const out: RoundReport[] = [];
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  for (let r = 0; r < n; r++) {
    const result = await crashRound(file, acked, 20 + Math.floor(rnd() * 400));
    const rep = { round: r, acked: acked.size, maxBatch: result.maxBatch, result };
    out.push(rep);
    log?.(rep);
    if (!result.ok) break;
  }
  return out;
}
