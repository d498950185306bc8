/**
 * ScrapePool.replay: the past scrapes of a target written through the live pipeline (target
 * labels, metric relabeling, `up`, staleness of vanished series) into another appendable, without
 * touching the live loop. Demo mode backfills history this way.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, staticTargetGroups } from '../../src/main/config/index';
import { ScrapeManager } from '../../src/main/scrape/manager';
import { MemStorage } from './memstore';

describe('ScrapeManager.replay', () => {
  it('writes what scrapes at those times would have written, at the target interval', async () => {
    const cfg = loadConfig(
      [
        'scrape_configs:',
        '  - job_name: app',
        '    scrape_interval: 10s',
        '    static_configs: [{targets: ["127.0.0.1:1"], labels: {team: a}}]',
        '    metric_relabel_configs: [{source_labels: [__name__], regex: drop_me, action: drop}]',
        '',
      ].join('\n'),
      'p.yml',
    );
    const live = new MemStorage();
    const m = new ScrapeManager({ appendable: live, skipOffsetting: true });
    m.applyConfig(cfg);
    m.sync(staticTargetGroups(cfg));
    const [{ pool, target }] = m.activeTargets();
    // (The live loop only meets a closed loopback port.)
    await m.stop();
    const past = new MemStorage();
    const asked: number[] = [];
    const body = (t: number): { body: Uint8Array; contentType: string } | null => {
      asked.push(t);
      if (t === 30_000) return null; // the target did not answer then
      const extra = t < 20_000 ? 'gone_later 1\n' : '';
      return { body: Buffer.from(`# TYPE c counter\nc ${t / 1000}\ndrop_me 5\n${extra}`), contentType: 'text/plain; version=0.0.4' };
    };
    const n = await m.replay(pool, target, (iv) => [0, 1, 2, 3, 4].map((i) => i * iv), body, past);
    expect(n).toBe(0); // the pool is gone once the manager stopped
    // A running manager replays through its pool.
    const m2 = new ScrapeManager({ appendable: live, skipOffsetting: true });
    m2.applyConfig(cfg);
    m2.sync(staticTargetGroups(cfg));
    const n2 = await m2.replay('app', target, (iv) => [0, 1, 2, 3, 4].map((i) => i * iv), body, past);
    await m2.stop();
    expect(n2).toBe(5);
    expect(asked).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    const at = (t: number): Record<string, number | 'stale'> => past.at(t);
    expect(at(0)).toMatchObject({ 'c{instance="127.0.0.1:1", job="app", team="a"}': 0, 'up{instance="127.0.0.1:1", job="app", team="a"}': 1 });
    expect(Object.keys(at(0)).some((k) => k.includes('drop_me'))).toBe(false);
    expect(at(20_000)['gone_later{instance="127.0.0.1:1", job="app", team="a"}']).toBe('stale');
    expect(at(30_000)['up{instance="127.0.0.1:1", job="app", team="a"}']).toBe(0);
    expect(at(30_000)['c{instance="127.0.0.1:1", job="app", team="a"}']).toBe('stale');
    expect(at(40_000)['c{instance="127.0.0.1:1", job="app", team="a"}']).toBe(40);
  });
});
