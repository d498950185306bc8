/**
 * JSON-lines log files in the shape Prometheus writes with its JSON file logger (promslog's JSON
 * format): one object per line with time, level, source and msg first, then the entry's fields.
 * Used for `query_log_file` and `scrape_failure_log_file`. The file is opened for appending and
 * created when missing; a failed write is reported once to the application log and then dropped,
 * so a full disk never stops queries or scrapes.
 */
import * as fs from 'node:fs';

/** JsonLogFile appends JSON lines to one file. */
export class JsonLogFile {
  private fd: number | null;
  private warned = false;

  /** Opens path for appending; throws an Error naming the file when it cannot. */
  constructor(
    readonly path: string,
    private readonly onError: (message: string) => void = () => {},
  ) {
    try {
      this.fd = fs.openSync(path, 'a', 0o666);
    } catch (e) {
      throw new Error(`can't create json log file: open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  /** log writes one entry at level with message msg and the given fields. */
  log(level: 'INFO' | 'ERROR', source: string, msg: string, fields: Record<string, unknown>): void {
    if (this.fd === null) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, source, msg, ...fields }) + '\n';
    try {
      fs.writeSync(this.fd, line);
    } catch (e) {
      if (!this.warned) {
        this.warned = true;
        this.onError(`writing to ${this.path} failed: ${(e as Error).message}`);
      }
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // closing twice or a vanished file: nothing to keep
    }
    this.fd = null;
  }
}

/**
 * JsonLogFiles shares one JsonLogFile per path (several scrape pools may name the same file) and
 * closes those no longer named after a configuration change.
 */
export class JsonLogFiles {
  private readonly files = new Map<string, JsonLogFile>();

  constructor(private readonly onError: (message: string) => void = () => {}) {}

  /** get returns the file for path, opening it on first use; throws when it cannot be opened. */
  get(path: string): JsonLogFile {
    let f = this.files.get(path);
    if (f === undefined) {
      f = new JsonLogFile(path, this.onError);
      this.files.set(path, f);
    }
    return f;
  }

  /** retain closes every file whose path is not in keep. */
  retain(keep: ReadonlySet<string>): void {
    for (const [p, f] of this.files) {
      if (!keep.has(p)) {
        f.close();
        this.files.delete(p);
      }
    }
  }

  closeAll(): void {
    this.retain(new Set());
  }
}
