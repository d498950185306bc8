/**
 * runConformance: runs every `*.test` script of a directory (Prometheus's promqltest language) and
 * reports per-file pass/fail, failure details and the totals `N passed, N failed` (and `N skipped`
 * with --skip-native-histograms); with json, one JSON document instead. Used by
 * `vigil conformance DIR` and the test suite.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { translateRE2 } from '../../../common/model/regex';
import { Engine } from '../engine';
import { parseQueryExpr } from '../parse';
import { MemStore } from './memstore';
import { CONFORMANCE_ENGINE_OPTS, execEval, loadInto, shouldSkipNative, type EvalContext } from './runner';
import { parseScript, type ScriptParsers } from './script';

/** ConformanceOptions select what to run and how to report. */
export interface ConformanceOptions {
  skipNativeHistograms: boolean;
  json: boolean;
  /** filter: a file-name substring, or `file.test:LINE` to run one eval of one file. */
  filter?: string;
}

/** EvalFailure describes one failed eval (or script error). */
export interface EvalFailure {
  file: string;
  line: number;
  query: string;
  message: string;
}

/** FileResult is the outcome of one script. */
export interface FileResult {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: EvalFailure[];
}

/** ConformanceResult is the outcome of a run. */
export interface ConformanceResult {
  passed: number;
  failed: number;
  skipped: number;
  files: FileResult[];
}

function compileRegex(p: string): RegExp {
  const { source, flags } = translateRE2(p);
  return new RegExp(source, 's' + flags);
}

const parsers: ScriptParsers = {
  checkExpr: (e) => {
    parseQueryExpr(e, CONFORMANCE_FLAGS);
  },
  compileRegex,
};

const CONFORMANCE_FLAGS = {
  enableExperimentalFunctions: true,
  enableDurationExpressions: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

/** runScript runs one script's text; onlyLine restricts it to the eval at that line. */
export function runScript(file: string, text: string, opts: { skipNativeHistograms: boolean; onlyLine?: number }): FileResult {
  const res: FileResult = { file, passed: 0, failed: 0, skipped: 0, failures: [] };
  const cmds = parseScript(text, parsers);
  const engine = new Engine(CONFORMANCE_ENGINE_OPTS);
  const ctx: EvalContext = { engine, store: new MemStore(), parse: (q) => parseQueryExpr(q, CONFORMANCE_FLAGS) };
  for (const cmd of cmds) {
    switch (cmd.kind) {
      case 'clear':
        ctx.store.clear();
        break;
      case 'load':
        loadInto(ctx.store, cmd);
        break;
      case 'error':
        if (opts.onlyLine === undefined || opts.onlyLine === cmd.line) {
          res.failed++;
          res.failures.push({ file, line: cmd.line, query: '', message: `script error: ${cmd.message}` });
        }
        break;
      case 'eval': {
        if (opts.onlyLine !== undefined && opts.onlyLine !== cmd.line) break;
        if (opts.skipNativeHistograms && shouldSkipNative(ctx, cmd)) {
          res.skipped++;
          break;
        }
        let failure: string | null;
        try {
          failure = execEval(ctx, cmd);
        } catch (e) {
          failure = `internal error: ${(e as Error).stack ?? String(e)}`;
        }
        if (failure === null) {
          res.passed++;
        } else {
          res.failed++;
          res.failures.push({ file, line: cmd.line, query: cmd.expr, message: failure });
        }
        break;
      }
    }
  }
  return res;
}

/** runConformance runs the scripts of dir and prints the report through out. */
export async function runConformance(
  dir: string,
  opts: ConformanceOptions,
  out: (line: string) => void,
): Promise<ConformanceResult> {
  let fileFilter: string | undefined = opts.filter;
  let onlyLine: number | undefined;
  const m = opts.filter !== undefined ? /^(.*):(\d+)$/.exec(opts.filter) : null;
  if (m !== null) {
    fileFilter = m[1];
    onlyLine = parseInt(m[2]!, 10);
  }
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test'))
    .filter((f) => fileFilter === undefined || fileFilter === '' || f.includes(fileFilter))
    .sort();
  const total: ConformanceResult = { passed: 0, failed: 0, skipped: 0, files: [] };
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const r = runScript(f, text, { skipNativeHistograms: opts.skipNativeHistograms, onlyLine });
    total.files.push(r);
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
    if (!opts.json) {
      const skipped = opts.skipNativeHistograms ? `, ${r.skipped} skipped` : '';
      out(`${r.failed === 0 ? 'PASS' : 'FAIL'} ${f}: ${r.passed} passed, ${r.failed} failed${skipped}`);
      for (const fl of r.failures) out(`  ${fl.file}:${fl.line}: ${fl.query}\n    ${fl.message.replace(/\n/g, '\n    ')}`);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (opts.json) {
    // One JSON document (totals, per-file counts and failures) and nothing else on stdout.
    out(JSON.stringify(total, null, 2));
    return total;
  }
  out(`${total.passed} passed, ${total.failed} failed`);
  if (opts.skipNativeHistograms) out(`${total.skipped} skipped`);
  return total;
}
