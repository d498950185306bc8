/**
 * bench/storage-crash: the SIGKILL crash test at full length (default 200 rounds).
 * Run: npm run bench:storage-crash [-- rounds]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runRounds } from '../test/storage/crash/harness';

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-crash-bench-'));
  const file = path.join(dir, 'crash.db');
  const t0 = performance.now();
  const reports = await runRounds(file, rounds, Date.now() & 0xffff, (r) => {
    if (r.round % 10 === 0 || !r.result.ok) {
      console.log(`round ${r.round}: ${r.acked} batches acknowledged so far, newest batch ${r.maxBatch}, ${r.result.ok ? 'ok' : 'FAILED: ' + r.result.problems.join('; ')}`);
    }
  });
  const failed = reports.filter((r) => !r.result.ok);
  const secs = ((performance.now() - t0) / 1000).toFixed(0);
  console.log(`${reports.length} rounds in ${secs} s: ${failed.length === 0 ? 'all acknowledged batches present, no partial batch, integrity_check ok' : 'FAILED'}`);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(failed.length === 0 ? 0 : 1);
}

void main();
