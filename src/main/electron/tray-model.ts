/**
 * What the tray shows, as pure functions (no electron import, unit-tested in plain Node): the
 * tooltip and title for the number of firing alerts, and the icon drawn as a bitmap (a ring, filled
 * red while alerts fire), so the shell needs no image files for it.
 */

/** TrayState is the tray's text for a firing count. */
export interface TrayState {
  tooltip: string;
  /** title is shown beside the icon where the platform shows one (macOS); empty when nothing fires. */
  title: string;
  /** badge is the app's badge count (macOS dock, Unity launchers). */
  badge: number;
}

/** trayState describes the tray for a number of firing alerts. */
export function trayState(firing: number): TrayState {
  const n = Number.isFinite(firing) && firing > 0 ? Math.floor(firing) : 0;
  return {
    tooltip: n === 0 ? 'Vigil: no alerts firing' : `Vigil: ${n} alert${n === 1 ? '' : 's'} firing`,
    title: n === 0 ? '' : String(n),
    badge: n,
  };
}

/**
 * trayIconBitmap draws the tray icon as BGRA pixels (size x size, the layout
 * nativeImage.createFromBitmap takes): a grey ring when nothing fires, a red disc when alerts fire.
 */
export function trayIconBitmap(size: number, firing: boolean): Buffer {
  const px = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  const outer = size / 2 - 0.5;
  const inner = firing ? -1 : outer - Math.max(1.5, size / 8);
  const [r, g, b] = firing ? [0xd9, 0x30, 0x25] : [0x80, 0x86, 0x8f];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      // Coverage with a one-pixel soft edge on both sides of the ring.
      const cover = Math.max(0, Math.min(1, outer + 0.5 - d)) * Math.max(0, Math.min(1, d - inner + 0.5));
      if (cover <= 0) continue;
      const i = (y * size + x) * 4;
      px[i] = b;
      px[i + 1] = g;
      px[i + 2] = r;
      px[i + 3] = Math.round(cover * 255);
    }
  }
  return px;
}
