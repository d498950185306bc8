/**
 * Per-process figures from /proc for `npm run bench:cluster`: the process tree under a PID, its
 * resident memory (VmRSS) and its CPU time (utime + stime, plus the children already reaped).
 * Linux only.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** CLK_TCK is the kernel's clock-tick rate of /proc/<pid>/stat times. */
export const CLK_TCK = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  ppid: number;
  /** ticks is utime + stime + cutime + cstime. */
  ticks: number;
}

function stat(pid: number): Stat | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at field 3, the state.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** treePids returns root and every descendant of it that is alive. */
export function treePids(root: number): number[] {
  const kids = new Map<number, number[]>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (!s) continue;
    let l = kids.get(s.ppid);
    if (!l) kids.set(s.ppid, (l = []));
    l.push(Number(d));
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.pop()!;
    if (stat(p) === null) continue;
    out.push(p);
    todo.push(...(kids.get(p) ?? []));
  }
  return out;
}

/** TreeSample is the tree's memory and CPU time at one moment. */
export interface TreeSample {
  at: number;
  pids: number;
  rss: number;
  cpuS: number;
}

/** sampleTree reads the tree under root now. */
export function sampleTree(root: number): TreeSample {
  const pids = treePids(root);
  let rss = 0;
  let ticks = 0;
  for (const p of pids) {
    rss += rssBytes(p);
    ticks += stat(p)?.ticks ?? 0;
  }
  return { at: performance.now(), pids: pids.length, rss, cpuS: ticks / CLK_TCK };
}

/** Sampler samples a tree every intervalMs in the background. */
export class Sampler {
  readonly samples: TreeSample[] = [];
  private timer: NodeJS.Timeout;

  constructor(
    readonly root: number,
    intervalMs = 1000,
  ) {
    this.samples.push(sampleTree(root));
    this.timer = setInterval(() => this.samples.push(sampleTree(root)), intervalMs);
  }

  /** peak is the largest RSS seen. */
  get peak(): number {
    return Math.max(0, ...this.samples.map((s) => s.rss));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** median of numbers (0 for none). */
export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** machineBusyS is the CPU time (s, all cores) the whole machine has spent busy since boot (/proc/stat). */
export function machineBusyS(): number {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const busy = f[0]! + f[1]! + f[2]! + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  return busy / CLK_TCK;
}
