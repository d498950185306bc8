import { describe, expect, it } from 'vitest';
import { trayIconBitmap, trayState } from '../../src/main/electron/tray-model';

describe('tray', () => {
  it('says how many alerts fire', () => {
    expect(trayState(0)).toEqual({ tooltip: 'Vigil: no alerts firing', title: '', badge: 0 });
    expect(trayState(1)).toEqual({ tooltip: 'Vigil: 1 alert firing', title: '1', badge: 1 });
    expect(trayState(12)).toEqual({ tooltip: 'Vigil: 12 alerts firing', title: '12', badge: 12 });
    expect(trayState(-3).badge).toBe(0);
    expect(trayState(Number.NaN).badge).toBe(0);
  });

  it('draws a grey ring when quiet and a red disc when alerts fire (BGRA)', () => {
    const size = 22;
    const at = (px: Buffer, x: number, y: number): number[] => [...px.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
    const quiet = trayIconBitmap(size, false);
    const firing = trayIconBitmap(size, true);
    expect(quiet.length).toBe(size * size * 4);
    // Corners are transparent in both.
    expect(at(quiet, 0, 0)[3]).toBe(0);
    expect(at(firing, 0, 0)[3]).toBe(0);
    // The centre: empty inside the ring, red in the disc.
    expect(at(quiet, 11, 11)[3]).toBe(0);
    expect(at(firing, 11, 11)).toEqual([0x25, 0x30, 0xd9, 255]);
    // On the ring (left edge, middle row) the quiet icon is opaque grey.
    const edge = at(quiet, 1, 11);
    expect(edge.slice(0, 3)).toEqual([0x8f, 0x86, 0x80]);
    expect(edge[3]).toBeGreaterThan(200);
  });
});
