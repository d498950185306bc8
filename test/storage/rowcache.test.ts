import { describe, expect, it } from 'vitest';
import { RowCache } from '../../src/main/storage/rowcache';

const row = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);

describe('RowCache', () => {
  it('keeps rows within its byte budget, evicting the least recently used', () => {
    const c = new RowCache(1000);
    c.set(1, row(100));
    c.set(2, row(100));
    c.set(3, row(100));
    expect(c.get(1)).toBeDefined(); // 1 is now the most recently used
    for (let k = 10; k < 19; k++) c.set(k, row(100)); // 900 bytes more: evicts 2 and 3, the least recently used
    expect(c.bytes).toBeLessThanOrEqual(1000);
    expect(c.get(2)).toBeUndefined();
    expect(c.get(3)).toBeUndefined();
    expect(c.get(1)).toBeDefined();
    expect(c.get(16)).toBeDefined();
    expect(c.hits).toBe(3);
    expect(c.misses).toBe(2);
  });

  it('replaces, deletes and clears with exact byte accounting; skips rows over an eighth of the budget', () => {
    const c = new RowCache(800);
    c.set(1, row(50));
    c.set(1, row(70, 2));
    expect(c.bytes).toBe(70);
    expect(c.get(1)![0]).toBe(2);
    c.delete(1);
    c.delete(42);
    expect(c.bytes).toBe(0);
    c.set(5, row(101)); // > 800/8
    expect(c.size).toBe(0);
    c.set(6, row(100));
    c.clear();
    expect(c.size).toBe(0);
    expect(c.bytes).toBe(0);
    const off = new RowCache(0);
    off.set(1, row(1));
    expect(off.get(1)).toBeUndefined();
  });
});
