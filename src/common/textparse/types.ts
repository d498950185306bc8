/**
 * The exposition-parser contract, after Prometheus's model/textparse: a pull parser whose next()
 * returns the kind of the entry it stopped at, with accessors for that entry. Accessors are only
 * valid until the following next().
 */
import type { Labels } from '../model/labels';

/** Entry is the kind of entry next() stopped at. */
export enum Entry {
  /** Series is a sample line: name, labels, value, optional timestamp (and exemplar in OpenMetrics). */
  Series = 0,
  /** Type is a `# TYPE name type` line. */
  Type = 1,
  /** Help is a `# HELP name text` line. */
  Help = 2,
  /** Unit is an OpenMetrics `# UNIT name unit` line. */
  Unit = 3,
  /** Comment is any other `#` line (Prometheus text format only). */
  Comment = 4,
  /** EOF is the end of the exposition (for OpenMetrics: `# EOF` followed by nothing). */
  EOF = 5,
}

/** MetricType is a metric family type as Prometheus's model.MetricType spells it. */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

/** Exemplar is the OpenMetrics exemplar attached to a sample. */
export interface Exemplar {
  readonly labels: Labels;
  readonly value: number;
  /** timestamp in ms, or null when the exemplar carries none. */
  readonly timestamp: number | null;
}

/**
 * Parser is a streaming pull parser over one exposition body. next() throws ExpositionError on
 * malformed input and never any other error.
 */
export interface Parser {
  /** next advances to the next entry and returns its kind; Entry.EOF at the end (and afterwards). */
  next(): Entry;

  /**
   * series returns the raw text of the current series' name and labels, exactly as exposed
   * (`name{a="b"}`). Equal text means equal series; the scrape cache keys on it.
   */
  series(): string;
  /** metricName returns the (unescaped) metric name of the current series. */
  metricName(): string;
  /** labels returns the current series' label set, sorted, with __name__. */
  labels(): Labels;
  /** labelCount returns the number of labels of the current series, not counting the metric name. */
  labelCount(): number;
  /** labelName returns the i-th exposed label name (unescaped), in exposition order. */
  labelName(i: number): string;
  /** labelValue returns the i-th exposed label value (unescaped, normalized like labels()). */
  labelValue(i: number): string;
  /** value returns the current sample value. */
  value(): number;
  /** timestamp returns the exposed timestamp in ms, or null when the line has none. */
  timestamp(): number | null;
  /** exemplar returns the current sample's exemplar, or null. */
  exemplar(): Exemplar | null;
  /**
   * createdTimestamp returns the `_created` timestamp (ms) that belongs to the current sample's
   * series (OpenMetrics counters, histograms and summaries), or null.
   */
  createdTimestamp(): number | null;
  /** currentType returns the type of the family last declared by a TYPE line ('unknown' before any). */
  currentType(): MetricType;

  /** family returns the metric family name of the current TYPE, HELP or UNIT entry. */
  family(): string;
  /** help returns the (unescaped) text of the current HELP entry. */
  help(): string;
  /** type returns the type of the current TYPE entry. */
  type(): MetricType;
  /** unit returns the unit of the current UNIT entry. */
  unit(): string;
  /** comment returns the full text of the current comment line, `#` included. */
  comment(): string;

  /** line returns the 1-based line number where the current entry starts. */
  line(): number;
}

/**
 * ExpositionError is the one error parsers raise: what was expected, where (1-based line and
 * column in characters, and the character offset), and the text of the entry being parsed.
 */
export class ExpositionError extends Error {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** detail is the message without the position prefix. */
  readonly detail: string;

  constructor(detail: string, line: number, column: number, offset: number) {
    super(line > 0 ? `line ${line}, column ${column}: ${detail}` : detail);
    this.name = 'ExpositionError';
    this.line = line;
    this.column = column;
    this.offset = offset;
    this.detail = detail;
  }
}

/**
 * ContentTypeError is raised by createParser for a Content-Type that selects no parser and no
 * fallback was configured (Prometheus 3 fails such scrapes).
 */
export class ContentTypeError extends ExpositionError {
  constructor(detail: string) {
    super(detail, 0, 0, 0);
    this.name = 'ContentTypeError';
  }
}
