/**
 * Query history: the last 50 distinct queries run, most recent first, kept in localStorage.
 */

export const HISTORY_KEY = 'vigil.explore.history';
export const HISTORY_MAX = 50;

/** addToHistory puts q first, dropping an earlier copy and anything past max. */
export function addToHistory(list: readonly string[], q: string, max = HISTORY_MAX): string[] {
  const t = q.trim();
  if (!t) return [...list];
  return [t, ...list.filter((x) => x !== t)].slice(0, max);
}

/** loadHistory reads the history (an empty list when missing or unreadable). */
export function loadHistory(storage: Pick<Storage, 'getItem'> = localStorage): string[] {
  try {
    const v: unknown = JSON.parse(storage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, HISTORY_MAX) : [];
  } catch {
    return [];
  }
}

/** saveHistory writes the history. */
export function saveHistory(list: readonly string[], storage: Pick<Storage, 'setItem'> = localStorage): void {
  try {
    storage.setItem(HISTORY_KEY, JSON.stringify(list.slice(0, HISTORY_MAX)));
  } catch {
    // A full or disabled storage only loses the history.
  }
}
