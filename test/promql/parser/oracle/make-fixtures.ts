/**
 * Regenerates the parser's golden fixtures (../fixtures/*.jsonl) from Prometheus v3.14's own
 * parser. Run with `npx tsx test/promql/parser/oracle/make-fixtures.ts` (needs Go and the Go
 * module proxy; the oracle binary is built into $VIGIL_ORACLE_DIR or the OS temp dir).
 *
 * Inputs: cases.txt (hand-written), every eval query and series line of the conformance
 * scripts, and a seeded sample of mutated and randomly generated queries.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compactDump, compactValues, type Dump, normalizeOracleDump } from '../dump';
import { mulberry32, mutateQuery, randomQuery, scriptQueries, scriptSeriesLines } from '../generators';

interface Input {
  q: string;
  mode: 'expr' | 'selector' | 'series';
  opts: 'all' | 'none';
}

type Rec = Record<string, unknown> & { q: string; error?: string; ast?: Dump; values?: Dump };

const here = __dirname;
const fixtures = path.resolve(here, '../fixtures');

function oracleBinary(): string {
  const dir = process.env.VIGIL_ORACLE_DIR ?? path.join(os.tmpdir(), 'vigil-promql-oracle');
  mkdirSync(dir, { recursive: true });
  const bin = path.join(dir, 'oracle');
  execFileSync('go', ['build', '-o', bin, '.'], { cwd: here, stdio: 'inherit' });
  return bin;
}

function runOracle(bin: string, inputs: Input[]): Rec[] {
  const out = execFileSync(bin, { input: inputs.map((i) => JSON.stringify(i)).join('\n') + '\n', maxBuffer: 1 << 30 }).toString('utf8');
  const recs = out.trim().split('\n').map((l) => JSON.parse(l) as Rec);
  if (recs.length !== inputs.length) throw new Error(`oracle returned ${recs.length} records for ${inputs.length} inputs`);
  return recs;
}


function slim(r: Rec, keep: { json?: boolean; pretty?: boolean } = {}): Rec {
  const o: Rec = { q: r.q };
  if (r.mode && r.mode !== 'expr') o.mode = r.mode;
  if (r.opts && r.opts !== 'all') o.opts = r.opts;
  if (r.panic) throw new Error(`oracle panicked on ${JSON.stringify(r.q)}: ${String(r.panic)}`);
  if (r.error !== undefined) {
    o.error = r.error;
    // Only the first error is compared: after a syntax error Prometheus's LR parser recovers and
    // may report more errors, which Vigil's parser (it stops at the first) does not reproduce.
    const first = (r.errors as Array<{ s: number; e: number }> | undefined)?.[0];
    if (first) o.range = [first.s, first.e];
    return o;
  }
  if (r.ast !== undefined) {
    o.ast = compactDump(normalizeOracleDump(r.ast));
    o.string = r.string;
    if (keep.pretty || r.pretty !== r.string) o.pretty = r.pretty;
    if (keep.json) o.json = r.json;
  }
  if (r.labels !== undefined || r.values !== undefined) {
    o.labels = r.labels ?? {};
    o.values = compactValues((r.values as Dump[]) ?? []);
  }
  if (r.mode === 'selector') o.matchers = r.matchers ?? [];
  return o;
}

function write(name: string, recs: Rec[]): void {
  writeFileSync(path.join(fixtures, name), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(`${name}: ${recs.length} records`);
}

function parseCases(): Input[] {
  const out: Input[] = [];
  for (const raw of readFileSync(path.join(here, 'cases.txt'), 'utf8').split('\n')) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const m = /^(all|none) (expr|selector|series)(?: (.*))?$/.exec(raw);
    if (!m) throw new Error(`bad case line ${JSON.stringify(raw)}`);
    let q = m[3] ?? '';
    if (q.startsWith('json:')) q = JSON.parse(q.slice(5)) as string;
    out.push({ q, mode: m[2] as Input['mode'], opts: m[1] as Input['opts'] });
  }
  return out;
}

function main(): void {
  if (!existsSync(fixtures)) mkdirSync(fixtures, { recursive: true });
  const bin = oracleBinary();

  writeFileSync(path.join(fixtures, 'functions.jsonl'), execFileSync(bin, ['-functions']).toString('utf8'));
  console.log('functions.jsonl written');

  write('cases.jsonl', runOracle(bin, parseCases()).map((r) => slim(r, { json: true, pretty: true })));

  const queries = scriptQueries().map((s) => s.q);
  write('conformance.jsonl', runOracle(bin, queries.map((q) => ({ q, mode: 'expr', opts: 'all' }))).map((r) => slim(r)));

  const series = [...new Set(scriptSeriesLines())];
  write('series.jsonl', runOracle(bin, series.map((q) => ({ q, mode: 'series', opts: 'all' }))).map((r) => slim(r)));

  // Fuzz sample: mutations of script queries and random queries, with both option sets.
  const r = mulberry32(20260825);
  const seen = new Set<string>();
  const fuzz: Input[] = [];
  while (fuzz.length < 4000) {
    const q = r() < 0.6 ? mutateQuery(r, queries[Math.floor(r() * queries.length)]!, queries) : randomQuery(r, 0.4);
    const opts = r() < 0.75 ? 'all' : 'none';
    const key = opts + '\u0000' + q;
    if (seen.has(key)) continue;
    seen.add(key);
    fuzz.push({ q, mode: 'expr', opts });
  }
  // Broken series descriptions and selectors.
  const seriesLines = scriptSeriesLines();
  for (let n = 0; n < 1500; ) {
    const q = mutateQuery(r, seriesLines[Math.floor(r() * seriesLines.length)]!, seriesLines);
    if (/x\d{5,}/.test(q) || seen.has('series\u0000' + q)) continue;
    seen.add('series\u0000' + q);
    fuzz.push({ q, mode: 'series', opts: 'all' });
    n++;
  }
  for (let n = 0; n < 300; n++) fuzz.push({ q: mutateQuery(r, 'foo{a="b", c=~"d.*", "e.f"!="g"}'), mode: 'selector', opts: 'all' });
  const fuzzRecs = runOracle(bin, fuzz);
  // Keep the errors (what this set is for) and a share of the successes.
  const kept = fuzzRecs.filter((rec, i) => rec.error !== undefined || i % 8 === 0);
  write('fuzz.jsonl', kept.map((rec) => slim(rec)));
}

main();
