import { describe, expect, it } from 'vitest';
import { Matcher } from '../../src/common/model/matcher';
import { labelsGet, labelsToRecord } from '../../src/common/model/labels';
import { openStorage } from '../../src/main/storage';
import { Engine } from '../../src/main/promql/engine';
import { DemoCluster } from '../../src/main/demo/model';
import { backfillDemo } from '../../src/main/demo/backfill';

describe('demo history backfill', () => {
  it('stores an hour of scrapes with target labels, up, and conflict renaming', async () => {
    const storage = openStorage({ path: ':memory:' });
    const end = 1_700_003_600_000;
    const start = end - 3_600_000;
    const c = new DemoCluster(start);
    const imp = storage.importer();
    const res = backfillDemo(c, imp, start, end, 15_000);
    imp.commit();
    expect(res.samples).toBeGreaterThan(100_000);

    const engine = new Engine();
    const up = await engine.instantQuery(storage, 'count by (job) (count_over_time(up[1h]))', end);
    if (up.value.type !== 'vector') throw new Error('expected a vector');
    expect(up.value.samples.map((s) => labelsGet(s.metric, 'job')).sort()).toEqual(['cadvisor', 'kube-state-metrics', 'kubelet', 'kubernetes-pods', 'node-exporter']);

    const q = storage.querier(start, end);
    const cpu = q.select(true, null, [new Matcher('=', '__name__', 'node_cpu_seconds_total'), new Matcher('=', 'mode', 'user'), new Matcher('=', 'cpu', '0')]);
    expect(cpu.series.length).toBe(3);
    expect(labelsToRecord(cpu.series[0]!.labels)).toMatchObject({ job: 'node-exporter', cluster: 'demo', kubernetes_node: 'demo-node-1' });
    // Counters only grow, every 15 s for the whole hour.
    const it = cpu.series[0]!.iterator();
    let n = 0;
    let prev = -Infinity;
    while (it.next() !== 0) {
      expect(it.atF()).toBeGreaterThanOrEqual(prev);
      prev = it.atF();
      n++;
    }
    expect(n).toBe(240);
    // kubelet_node_name exposes a `node` label that the target also sets: renamed like a scrape does.
    const kn = q.select(false, null, [new Matcher('=', '__name__', 'kubelet_node_name')]);
    expect(kn.series.length).toBe(3);
    for (const s of kn.series) expect(labelsGet(s.labels, 'exported_node')).toBe(labelsGet(s.labels, 'node'));
    q.close();

    const rate = await engine.instantQuery(storage, 'sum(rate(http_requests_total[5m]))', end - 1_800_000);
    if (rate.value.type !== 'vector') throw new Error('expected a vector');
    expect(rate.value.samples[0]!.f).toBeGreaterThan(10);
    storage.close();
  });
});
