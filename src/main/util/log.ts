/**
 * A small leveled logger writing logfmt-style lines to stderr, as Prometheus does.
 */

/** LogLevel orders log lines. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Logger is the function every subsystem takes. */
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** createLogger returns a Logger that drops lines below minLevel. */
export function createLogger(component: string, minLevel: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  return (level, msg, fields) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    let line = `ts=${new Date().toISOString()} level=${level} component=${component} msg=${JSON.stringify(msg)}`;
    if (fields) for (const [k, v] of Object.entries(fields)) line += ` ${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`;
    write(line);
  };
}

/** nopLogger discards everything. */
export const nopLogger: Logger = () => {};
