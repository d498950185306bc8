/**
 * Retention and space reclamation: whole blocks are dropped when they are older than the time
 * retention (relative to the newest sample, as in Prometheus) or, oldest first, while the file's
 * used pages exceed the size retention; series left without data go with them. Free pages are
 * then returned to the file system by an incremental vacuum.
 */
import type { StoreCore } from './core';
import type { HeadSeries } from './head';

/** Retention applies the time and size retention limits to the blocks of a store. */
export class Retention {
  /** lastRetention is when apply last ran (ms since the epoch); maintain() runs it once a minute. */
  lastRetention = 0;

  /** The constructor takes the store's state (which holds the limits). */
  constructor(private readonly core: StoreCore) {}

  /**
   * apply drops blocks older than the time retention and, oldest first, blocks while the file's
   * used size exceeds the size retention, then returns free pages. It waits while queriers are open.
   */
  apply(): void {
    const core = this.core;
    if (core.readersActive()) return;
    this.lastRetention = Date.now();
    let newest = core.headMaxT;
    for (const b of core.blocks.values()) if (b.maxTime > newest) newest = b.maxTime;
    if (core.retentionMs > 0 && Number.isFinite(newest)) {
      const cutBlock = Math.floor((newest - core.retentionMs) / core.range);
      if (core.blockList.length > 0 && core.blockList[0]! < cutBlock) {
        if (this.dropBlocksBelow(cutBlock)) {
          core.counters.timeRetentions++;
          core.log('info', `storage ${core.path}: time retention dropped blocks older than ${new Date(cutBlock * core.range).toISOString()}`);
        }
      }
    }
    if (core.retentionBytes > 0) {
      let used = core.usedBytes();
      const before = used;
      let dropped = 0;
      while (used > core.retentionBytes && core.blockList.length > 0) {
        const oldest = core.blockList[0]!;
        if (!this.dropBlocksBelow(oldest + 1)) break;
        dropped++;
        used = core.usedBytes();
      }
      if (dropped > 0) {
        core.counters.sizeRetentions++;
        core.log('info', `storage ${core.path}: size retention dropped ${dropped} block(s): ${before} -> ${used} bytes used (limit ${core.retentionBytes})`);
      }
    }
    this.vacuum();
  }

  /** dropBlocksBelow deletes blocks < cutBlock and series left without data; false if it failed. */
  private dropBlocksBelow(cutBlock: number): boolean {
    const core = this.core;
    const cutT = cutBlock * core.range;
    const H = core.h;
    const gone: HeadSeries[] = [];
    try {
      core.tx(() => {
        core.rows.clear();
        core.st.delRowsBelow!.run(core.blockKey(cutBlock, 0));
        core.st.delBlocksBelow!.run(cutBlock);
        for (const s of core.series) {
          if (s === undefined || H.hasHeadData(s.slot) || H.dataMaxT[s.slot]! >= cutT) continue;
          core.st.delSeries!.run(s.ref);
          gone.push(s);
        }
      });
    } catch (e) {
      core.log('warn', `storage ${core.path}: retention failed: ${core.ioError('retention', e).message}`);
      return false;
    }
    for (const b of [...core.blocks.keys()]) if (b < cutBlock) core.blocks.delete(b);
    core.refreshBlockList();
    for (const s of gone) core.dropSeriesFromMemory(s);
    for (const s of core.series) if (s !== undefined && H.minT[s.slot]! < cutT) H.minT[s.slot] = cutT;
    return true;
  }

  /** vacuum returns free pages to the file system when more than ~10% of the file is free. */
  private vacuum(): void {
    const core = this.core;
    try {
      const pc = core.db.pragma('page_count', { simple: true }) as number;
      const fl = core.db.pragma('freelist_count', { simple: true }) as number;
      const reserve = Math.max(64, Math.floor(pc * 0.05));
      if (fl > Math.max(128, pc * 0.1)) {
        const n = Math.min(fl - reserve, 16384);
        core.db.pragma(`incremental_vacuum(${n})`);
        core.counters.vacuumedPages += n;
      }
    } catch (e) {
      core.log('warn', `storage ${core.path}: incremental vacuum failed: ${(e as Error).message}`);
    }
  }
}
