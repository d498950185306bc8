/**
 * The crash harness's child (see harness.ts): appends one batch of SERIES samples after another at
 * full speed, continuing after the newest batch in the file, and prints "ack <id>" once each
 * commit() returned, until the parent SIGKILLs it.
 * Run: node --import tsx test/storage/crash/writer.ts <file>
 */
import * as fs from 'node:fs';
import { Matcher } from '../../../src/common/model/matcher';
import { openStorage, ValueType } from '../../../src/main/storage/index';
import { SERIES, STEP, T0, seriesLabels, storeOptions } from './harness';

/** runWriter appends batches forever, printing "ready <first id>" once and "ack <id>" after each commit. */
function runWriter(file: string): void {
  const st = openStorage(storeOptions(file));
  const ls = seriesLabels();
  const refs = new Array<number>(SERIES).fill(0);
  // continue after the newest batch present
  const q = st.querier(-1e15, 1e15);
  let next = 0;
  for (const s of q.select(false, null, [new Matcher('=', 'job', 'crash')]).series) {
    const it = s.iterator();
    while (it.next() === ValueType.Float) next = Math.max(next, (it.atT() - T0) / STEP + 1);
  }
  q.close();
  fs.writeSync(1, `ready ${next}\n`);
  for (let k = next; ; k++) {
    const a = st.appender();
    for (let i = 0; i < SERIES; i++) refs[i] = a.append(refs[i]!, ls[i]!, T0 + k * STEP, k);
    a.commit();
    fs.writeSync(1, `ack ${k}\n`);
    if (k % 50 === 0) st.maintain();
  }
}

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: writer.ts <file>\n');
  process.exit(2);
}
runWriter(file);
