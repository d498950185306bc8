/** Test helper: renders every entry of a parser as one line, for table-driven parser tests. */
import { labelsToString } from '../../src/common/model/labels';
import { createParser, Entry, ExpositionError } from '../../src/common/textparse/index';
import type { Parser } from '../../src/common/textparse/index';

/** fmtValue renders a float so that NaN, infinities and -0 are distinguishable. */
export function fmtValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** dumpEntry renders the entry the parser is positioned at. */
export function dumpEntry(p: Parser, e: Entry): string {
  switch (e) {
    case Entry.Series: {
      let line = `${labelsToString(p.labels())} ${fmtValue(p.value())}`;
      const t = p.timestamp();
      if (t !== null) line += ` @${t}`;
      const ex = p.exemplar();
      if (ex !== null) line += ` # ${labelsToString(ex.labels)} ${fmtValue(ex.value)}${ex.timestamp !== null ? ` @${ex.timestamp}` : ''}`;
      return line;
    }
    case Entry.Help:
      return `HELP ${p.family()} ${JSON.stringify(p.help())}`;
    case Entry.Type:
      return `TYPE ${p.family()} ${p.type()}`;
    case Entry.Unit:
      return `UNIT ${p.family()} ${p.unit()}`;
    case Entry.Comment:
      return `COMMENT ${JSON.stringify(p.comment())}`;
    default:
      return 'EOF';
  }
}

/** ParseOutcome is all entries up to EOF or the error that stopped parsing. */
export interface ParseOutcome {
  entries: string[];
  error: ExpositionError | null;
}

/** parseAll parses a whole body and collects the rendered entries or the error. */
export function parseAll(body: string | Uint8Array, contentType: string): ParseOutcome {
  const p = createParser(body, contentType);
  const entries: string[] = [];
  try {
    for (;;) {
      const e = p.next();
      if (e === Entry.EOF) return { entries, error: null };
      entries.push(dumpEntry(p, e));
    }
  } catch (err) {
    if (err instanceof ExpositionError) return { entries, error: err };
    throw err;
  }
}

/** TEXT and OM are the content types used by the tests. */
export const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
export const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
