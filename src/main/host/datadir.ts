/**
 * The data folder: created when missing, checked to be a usable folder before anything opens a
 * file in it, and the small file that tells other `vigil` commands a server owns it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** DataDirError says why a data folder cannot be used, naming it. */
export class DataDirError extends Error {
  constructor(dir: string, reason: string) {
    super(`cannot use data folder ${dir}: ${reason}`);
    this.name = 'DataDirError';
  }
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return 'a file (not a folder) is in the way';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOENT':
      return 'a folder cannot be created there';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return err.message ?? String(e);
  }
}

/**
 * prepareDataDir creates dir if needed and checks that it is a folder Vigil can write (a probe
 * file is created and removed). Throws DataDirError with one line naming dir and the reason.
 */
export function prepareDataDir(dir: string): void {
  try {
    makeDir(path.resolve(dir), 0);
  } catch (e) {
    throw new DataDirError(dir, reasonOf(e));
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    throw new DataDirError(dir, reasonOf(e));
  }
  if (!st.isDirectory()) throw new DataDirError(dir, 'a file (not a folder) is in the way');
  const probe = path.join(dir, `.vigil-probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (e) {
    throw new DataDirError(dir, reasonOf(e));
  }
}

/**
 * makeDir creates dir and its missing parents. Node's own recursive mkdir never returns on some
 * paths (under /proc it retries forever), so parents are created one by one, and a folder whose
 * parent exists but which still cannot be created is an error.
 */
function makeDir(dir: string, depth: number): void {
  try {
    fs.mkdirSync(dir);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT') throw e;
    const parent = path.dirname(dir);
    if (parent === dir || depth > 64 || fs.existsSync(parent)) throw e;
  }
  makeDir(path.dirname(dir), depth + 1);
  fs.mkdirSync(dir);
}

/** SERVER_FILE names the file a running server writes into its data folder. */
export const SERVER_FILE = 'vigil-server.json';

/** ServerInfo is what a running server tells other commands about itself. */
export interface ServerInfo {
  pid: number;
  url: string;
  version: string;
  startedAt: string;
}

/** writeServerInfo records the server (readable by the user only); returns its remover. */
export function writeServerInfo(dir: string, info: ServerInfo): () => void {
  const file = path.join(dir, SERVER_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  return () => {
    try {
      const cur = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ServerInfo>;
      if (cur.pid === info.pid) fs.rmSync(file, { force: true });
    } catch {
      // Already gone or replaced.
    }
  };
}

/** readServerInfo returns the server that owns dir, if its process is alive; null otherwise. */
export function readServerInfo(dir: string): ServerInfo | null {
  let info: Partial<ServerInfo>;
  try {
    info = JSON.parse(fs.readFileSync(path.join(dir, SERVER_FILE), 'utf8')) as Partial<ServerInfo>;
  } catch {
    return null;
  }
  if (typeof info.pid !== 'number' || typeof info.url !== 'string') return null;
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return info as ServerInfo;
}
