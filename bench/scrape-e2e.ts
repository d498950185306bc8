/**
 * End-to-end part of bench:scrape: 20 targets x 10k series scraped every second over loopback
 * HTTP (gzip), parsed and appended; reports the scraping process's CPU time as % of one core
 * (user+system, all threads, so gzip inflation and storage commits count) and the ingest rate.
 * The targets run in a child process so serving them does not count.
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Labels } from '../src/common/model/labels';
import type { FloatHistogram } from '../src/common/model/histogram';
import { loadConfig, staticTargetGroups } from '../src/main/config/index';
import { ScrapeManager } from '../src/main/scrape/index';
import type { Appendable } from '../src/main/scrape/index';
import type { Appender, SeriesRef } from '../src/main/storage/interface';

const TARGETS = 20;
const SERIES = 10_000;

/** FakeAppendable counts samples and assigns refs, as cheaply as an appender can. */
class FakeAppendable implements Appendable {
  samples = 0;
  commits = 0;
  private refs = new Map<Labels, number>();
  private next = 1;
  appender(): Appender {
    return {
      append: (ref: SeriesRef, labels: Labels, _t: number, _v: number): SeriesRef => {
        this.samples++;
        if (ref > 0) return ref;
        let r = this.refs.get(labels);
        if (r === undefined) this.refs.set(labels, (r = this.next++));
        return r;
      },
      appendHistogram: (_r: SeriesRef, _l: Labels, _t: number, _h: FloatHistogram): SeriesRef => 0,
      commit: () => {
        this.commits++;
      },
      rollback: () => {},
    };
  }
}

/** CountingAppendable wraps a real store to count appended samples. */
class CountingAppendable implements Appendable {
  samples = 0;
  constructor(private readonly inner: Appendable) {}
  appender(): Appender {
    const a = this.inner.appender();
    return {
      append: (ref, labels, t, v) => {
        this.samples++;
        return a.append(ref, labels, t, v);
      },
      appendHistogram: (ref, labels, t, h) => a.appendHistogram(ref, labels, t, h),
      commit: () => a.commit(),
      rollback: () => a.rollback(),
    };
  }
}

async function startTargets(): Promise<{ ports: number[]; stop: () => void }> {
  const child = spawn(process.execPath, [...process.execArgv, path.join(__dirname, 'scrape-targets.ts'), String(TARGETS), String(SERIES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ports = await new Promise<number[]>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(buf.slice(0, nl)) as { ports: number[] }).ports);
    });
    child.on('exit', (code) => reject(new Error(`target server exited with ${code}`)));
  });
  return { ports, stop: () => child.kill('SIGTERM') };
}

interface RunResult {
  loopDelayP99: number;
  loopDelayMax: number;
  cpuPct: number;
  samplesPerSec: number;
  scrapeOk: number;
  scrapeFail: number;
  maxDuration: number;
}

async function run(ports: number[], appendable: Appendable & { samples: number }, seconds: number): Promise<RunResult> {
  const yaml = `scrape_configs:\n  - job_name: bench\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    static_configs: [{targets: [${ports.map((p) => `"127.0.0.1:${p}"`).join(', ')}]}]\n`;
  const cfg = loadConfig(yaml, 'bench.yml');
  const m = new ScrapeManager({ appendable });
  m.applyConfig(cfg);
  m.sync(staticTargetGroups(cfg));
  // Warm up: the first scrapes create every series (cache misses, new series in the store);
  // steady state is what counts: wait until every target has been up for 3 s (at most 30 s).
  let upSince = 0;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const allUp = m.targets().active.every((t) => t.health === 'up');
    if (!allUp) upSince = 0;
    else if (upSince === 0) upSince = Date.now();
    else if (Date.now() - upSince >= 3000) break;
  }
  const s0 = appendable.samples;
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const c = process.cpuUsage(c0);
  const wall = (performance.now() - w0) / 1000;
  h.disable();
  const samples = appendable.samples - s0;
  const view = m.targets();
  await m.stop();
  return {
    loopDelayP99: h.percentile(99) / 1e6,
    loopDelayMax: h.max / 1e6,
    cpuPct: ((c.user + c.system) / 1e6 / wall) * 100,
    samplesPerSec: samples / wall,
    scrapeOk: view.active.filter((t) => t.health === 'up').length,
    scrapeFail: view.active.filter((t) => t.health !== 'up').length,
    maxDuration: Math.max(...view.active.map((t) => t.lastScrapeDuration)),
  };
}

function print(name: string, r: RunResult): void {
  console.log(
    `${name.padEnd(28)} CPU ${r.cpuPct.toFixed(1).padStart(5)}% of one core   ${Math.round(r.samplesPerSec).toLocaleString('en-US').padStart(9)} samples/s   targets up ${r.scrapeOk}/${r.scrapeOk + r.scrapeFail}   max scrape ${(r.maxDuration * 1000).toFixed(0)} ms   event-loop delay p99 ${r.loopDelayP99.toFixed(0)} ms, max ${r.loopDelayMax.toFixed(0)} ms`,
  );
}

/** runE2EBench prints the end-to-end CPU figures. */
export async function runE2EBench(seconds: number): Promise<void> {
  console.log(`\n# End to end: ${TARGETS} targets x ${SERIES.toLocaleString('en-US')} series every 1 s (gzip over loopback), ${seconds} s measured once all targets are up`);
  const targets = await startTargets();
  try {
    const fake = new FakeAppendable();
    print('fake appender', await run(targets.ports, fake, seconds));
    let storage: (Appendable & { close(): void }) | null = null;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
    try {
      const mod = (await import('../src/main/storage/index')) as { openStorage?: (o: { path: string }) => Appendable & { close(): void } };
      if (typeof mod.openStorage === 'function') storage = mod.openStorage({ path: path.join(dir, 'bench.db') });
    } catch (e) {
      console.log(`real storage: not available (${(e as Error).message})`);
    }
    if (storage !== null) {
      const counting = new CountingAppendable(storage);
      print('real storage (SQLite file)', await run(targets.ports, counting, seconds));
      storage.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    targets.stop();
  }
  console.log('goal: <= 50% of one core');
}
