/** The settings page's pure logic (tested in test/renderer/settings-model.test.ts). */

/** INTERVAL is a Prometheus duration as the settings accept it (e.g. 15s, 1m, 1m30s). */
const INTERVAL = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;

/** intervalError returns why an interval is not acceptable, or null ('' means "the default"). */
export function intervalError(s: string): string | null {
  const t = s.trim();
  if (t === '') return null;
  if (t === '0' || !INTERVAL.test(t)) return `${JSON.stringify(t)} is not a duration like 15s, 1m or 1m30s`;
  if (/^0+(ms|s|m|h|d|w|y)$/.test(t)) return 'the interval must be more than 0';
  return null;
}

/** sameSet reports whether two lists hold the same names. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/** toggle adds or removes a name, keeping order stable. */
export function toggle(list: readonly string[], name: string, on: boolean): string[] {
  const rest = list.filter((x) => x !== name);
  return on ? [...rest, name] : rest;
}
