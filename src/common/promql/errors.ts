/**
 * Parse errors with source positions, after Prometheus's ParseErr and ParseErrors
 * (promql/parser/parse.go). `message` is Prometheus's error text without the position prefix;
 * format() (and toString()) add `line:col: parse error: ` exactly as Prometheus prints it, with the
 * column counted in bytes of UTF-8 like upstream.
 */
import type { PositionRange } from './ast';
import { utf8Length } from '../util/go/utf8';

/**
 * startPosInput renders the start of a range as `line:col` (Prometheus's StartPosInput): 1-based
 * line, byte column; "unknown position" for an empty query, "invalid position" when out of range.
 * lineOffset is added to the line number (the test-script runner uses it).
 */
export function startPosInput(query: string, pos: PositionRange, lineOffset = 0): string {
  if (query === '') return 'unknown position';
  const p = pos.start;
  if (p < 0 || p > query.length) return 'invalid position';
  let line = lineOffset + 1;
  let lastBreak = -1;
  for (let i = 0; i < p; i++) {
    if (query.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  const bytePos = utf8Length(query, p);
  const byteBreak = lastBreak < 0 ? -1 : utf8Length(query, lastBreak);
  return `${line}:${bytePos - byteBreak}`;
}

/** ParseError is one parse or type-check error, positioned in the query text. */
export class ParseError extends Error {
  /** positionRange is the half-open [start, end) range of UTF-16 offsets the error refers to. */
  readonly positionRange: PositionRange;
  /** query is the full text that was parsed. */
  readonly query: string;
  /** lineOffset is added to the printed line number (for queries embedded in larger files). */
  lineOffset: number;

  constructor(positionRange: PositionRange, message: string, query: string, lineOffset = 0) {
    super(message);
    this.name = 'ParseError';
    this.positionRange = positionRange;
    this.query = query;
    this.lineOffset = lineOffset;
  }

  /** format renders the error as Prometheus does: `1:5: parse error: unexpected ...`. */
  format(): string {
    return `${startPosInput(this.query, this.positionRange, this.lineOffset)}: parse error: ${this.message}`;
  }

  override toString(): string {
    return this.format();
  }
}

/**
 * ParseErrors is what the parser throws: all errors found, in the order Prometheus reports them.
 * It is itself a ParseError describing the first error (as Prometheus's ParseErrors.Error() prints
 * only the first), so `catch (e) { if (e instanceof ParseError) ... }` works for one or many.
 */
export class ParseErrors extends ParseError {
  /** errors lists every error; errors[0] is the one this object describes. */
  readonly errors: readonly ParseError[];

  constructor(errors: readonly ParseError[]) {
    const first = errors[0];
    if (!first) throw new Error('ParseErrors needs at least one error');
    super(first.positionRange, first.message, first.query, first.lineOffset);
    this.name = 'ParseErrors';
    this.errors = errors;
  }
}
