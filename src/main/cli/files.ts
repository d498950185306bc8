/**
 * Reading files named on the command line, with errors that name them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** readInputFile reads a UTF-8 file, throwing an Error that names the file. */
export function readInputFile(file: string): string {
  try {
    return fs.readFileSync(path.resolve(file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(e as Error).message}`);
  }
}
