/**
 * Opening the store from a one-shot command (query, import), with advice when a running Vigil
 * holds it.
 */
import { openStorage, type StorageEngine } from '../storage';

/** openStoreForCommand opens the database, explaining a lock held by a running app. */
export function openStoreForCommand(file: string, err: (s: string) => void): StorageEngine {
  try {
    return openStorage({ path: file, logger: (level, msg) => level !== 'info' && err(`vigil: storage: ${msg}\n`) });
  } catch (e) {
    const msg = (e as Error).message;
    if (/in use by another process/.test(msg)) {
      throw new Error(`${msg}\n  A running Vigil owns this data folder: stop it first, or ask it over its API (e.g. curl 'http://127.0.0.1:9797/api/v1/query?query=up').`);
    }
    throw e;
  }
}
