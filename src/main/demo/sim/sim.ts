/**
 * The demo cluster's life as a function of wall-clock time. Nothing here keeps state that the
 * answer depends on: which pods exist at a time, each container's runs and restarts, node outages,
 * scaling and every counter are computed from the ClusterSpec, its seed and the time, so a fresh
 * simulation agrees with one that has run for hours, and a restart of the app never moves a
 * counter back. (Caches only remember what was computed.)
 *
 * Time slots: lifecycle events are drawn per slot of fixed length from a hash of the slot's index
 * (a scale-up in this half hour? a node outage in these 40 minutes? a restart in these 4 hours?).
 * Counters are closed-form integrals of Waves from the start of what they count (a container run,
 * a pod's sandbox, a node's boot), so a container's counters reset only when the simulation
 * restarts that container, as cAdvisor's do.
 */
import { between, frac, hexOf, suffixOf, uidOf } from './hash';
import { EPOCH_S, ERA_S, GRACE_S, PENDING_S, type ContainerSpec, type ClusterSpec, type NodeSpec, type WorkloadSpec } from './spec';
import { Wave } from './wave';

/** STAGGER_S separates the replacement of consecutive replicas in a rollout. */
const STAGGER_S = 25;
/** RESTART_SLOT_S is the slot of a steady container's occasional restart. */
const RESTART_SLOT_S = 4 * 3600;
/** OOM_SLOT_S is the slot of a leaking container's OOM kill. */
const OOM_SLOT_S = 45 * 60;
/** OUTAGE_SLOT_S is the slot of a node outage (at most one node per slot). */
const OUTAGE_SLOT_S = 40 * 60;

/** Era is one incarnation of the cluster. */
export interface Era {
  index: number;
  start: number;
  end: number;
}

/** JobRef is the Job a CronJob pod belongs to. */
export interface JobRef {
  name: string;
  uid: string;
  index: number;
  scheduled: number;
  /** completes is when its container exits 0. */
  completes: number;
}

/** PodInstance is one pod, from its creation to its disappearance. */
export interface PodInstance {
  key: string;
  w: WorkloadSpec;
  replica: number;
  revision: number;
  era: Era;
  name: string;
  uid: string;
  node: NodeSpec;
  /** ip is the pod's IP once its sandbox is up (the node's for host-network pods). */
  ip: string;
  created: number;
  /** deleting is when deletion starts (Infinity: never in this era); gone is when the pod is removed. */
  deleting: number;
  gone: number;
  templateHash: string;
  ownerKind: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job';
  ownerName: string;
  ownerUid: string;
  job?: JobRef;
}

/** Exit is how a container run ended. */
export interface Exit {
  reason: 'Error' | 'OOMKilled' | 'Completed';
  code: number;
}

/** Run is one run of a container (one container ID), [start, end). */
export interface Run {
  n: number;
  start: number;
  /** end is when it exited (exit set), or when the pod went away (exit null). */
  end: number;
  exit: Exit | null;
  /** next is when the next run starts (Infinity: none). */
  next: number;
  id: string;
  /** cpuBefore is the CPU seconds of the runs before this one (the pod cgroup's share of them). */
  cpuBefore: number;
  /** upBefore is the running seconds of the runs before this one. */
  upBefore: number;
}

/** ContainerAt is a container's state at one time. */
export interface ContainerAt {
  /** run is the run in progress (null while waiting or after the last run). */
  run: Run | null;
  /** last is the latest run that ended before the time. */
  last: Run | null;
  restarts: number;
  /** waiting is set between two runs (back-off) and before the first. */
  waiting: 'ContainerCreating' | 'CrashLoopBackOff' | null;
  /** terminated is the final run of a completed job container. */
  terminated: Run | null;
}

/** Outage is a node's NotReady spell. */
export interface Outage {
  node: number;
  start: number;
  end: number;
  /** Unknown: the node is cut off (kubelet silent, nothing reachable); False: the kubelet reports itself not ready. */
  status: 'Unknown' | 'False';
}

/** ContainerUsage are a running container's counters and gauges at one time. */
export interface ContainerUsage {
  cpu: number;
  mem: number;
  rss: number;
  cache: number;
  fsUsage: number;
  fsReads: number;
  fsWrites: number;
  throttledPeriods: number;
  periods: number;
}

interface Timeline {
  runs: Run[];
  done: boolean;
}

/** ClusterSim computes a demo cluster at any time (seconds since the Unix epoch). */
export class ClusterSim {
  /** traffic is the cluster-wide request-rate multiplier (a day, an hour and a 10-minute wave). */
  readonly traffic: Wave;
  private readonly timelines = new Map<string, Timeline>();
  private readonly waves = new Map<string, Wave>();
  private readonly windowCounts = new Map<string, number[]>();

  constructor(readonly spec: ClusterSpec) {
    const k = spec.key;
    this.traffic = Wave.of(1, [
      [0.3, 86_400, between(0, 6.28, k, 'day')],
      [0.12, 3600, between(0, 6.28, k, 'hour')],
      [0.08, 600, between(0, 6.28, k, 'ten')],
    ]);
  }

  private h(...parts: (string | number)[]): number {
    return frac(this.spec.key, ...parts);
  }

  /** era returns the era a time belongs to. */
  era(s: number): Era {
    const origin = EPOCH_S + this.spec.eraPhaseS;
    const index = Math.floor((s - origin) / ERA_S);
    const start = origin + index * ERA_S;
    return { index, start, end: start + ERA_S };
  }

  /** bootTime is when a node booted (its counters and the kubelet's start there). */
  bootTime(node: NodeSpec, s: number): number {
    return this.era(s).start - 600 + node.index * 17;
  }

  /** workloadStart is when a workload's first pods are created in an era. */
  workloadStart(w: WorkloadSpec, era: Era): number {
    return era.start + 60 + w.index * 10;
  }

  /** revisionAt is the rollout revision (0 first) of a workload at a time, -1 before it exists. */
  revisionAt(w: WorkloadSpec, s: number): number {
    const start = this.workloadStart(w, this.era(s));
    return s < start ? -1 : Math.floor((s - start) / w.rolloutS);
  }

  /** revisionStart is when revision k of a workload rolls out. */
  revisionStart(w: WorkloadSpec, era: Era, k: number): number {
    return this.workloadStart(w, era) + k * w.rolloutS;
  }

  /** templateHash is the pod-template hash of a revision. */
  templateHash(w: WorkloadSpec, era: Era, k: number): string {
    return suffixOf(w.kind === 'Deployment' ? 10 : 10, this.spec.key, w.namespace, w.name, era.index, k);
  }

  /** scaleWindow is the scale-up window of a workload around s, or null. */
  scaleWindow(w: WorkloadSpec, s: number): { start: number; end: number; to: number } | null {
    if (!w.scale) return null;
    const era = this.era(s);
    const win = this.windowOfSlot(w, era, Math.floor((s - era.start) / w.scale.slotS));
    return win && s >= win.start && s < win.end ? { ...win, to: w.scale.to } : null;
  }

  /** scaleWindowsBefore counts a workload's scale windows of the era that started, and ended, before s. */
  scaleWindowsBefore(w: WorkloadSpec, s: number): { started: number; over: number } {
    if (!w.scale) return { started: 0, over: 0 };
    const era = this.era(s);
    const key = `windows|${w.name}|${era.index}`;
    let memo = this.windowCounts.get(key);
    if (!memo) this.windowCounts.set(key, (memo = [0]));
    const slot = w.scale.slotS;
    const j = Math.floor((s - era.start) / slot);
    // memo[i] counts the windows of slots before i.
    while (memo.length <= j) {
      const i = memo.length - 1;
      memo.push(memo[i]! + (this.windowOfSlot(w, era, i) ? 1 : 0));
    }
    const win = this.windowOfSlot(w, era, j);
    const started = memo[j]! + (win && s >= win.start ? 1 : 0);
    const over = memo[j]! + (win && s >= win.end ? 1 : 0);
    return { started, over };
  }

  private windowOfSlot(w: WorkloadSpec, era: Era, j: number): { start: number; end: number } | null {
    const { slotS, prob } = w.scale!;
    if (j < 1 || this.h(w.name, 'scale', era.index, j) >= prob) return null;
    const slotStart = era.start + j * slotS;
    const start = slotStart + between(120, slotS * 0.3, this.spec.key, w.name, 'scale-start', era.index, j);
    const end = start + between(slotS * 0.25, slotS * 0.55, this.spec.key, w.name, 'scale-len', era.index, j);
    return { start, end };
  }

  /** replicasAt is a workload's desired replica count at a time. */
  replicasAt(w: WorkloadSpec, s: number): number {
    if (w.kind === 'DaemonSet') return this.spec.nodes.length;
    return this.scaleWindow(w, s)?.to ?? w.replicas;
  }

  /** maxReplicas bounds a workload's replica slots. */
  private maxReplicas(w: WorkloadSpec): number {
    if (w.kind === 'DaemonSet') return this.spec.nodes.length;
    return Math.max(w.replicas, w.scale?.to ?? 0);
  }

  /** ipSlot numbers a workload's replica slot (pods of a slot share an IP pattern on their node). */
  private ipOctet(w: WorkloadSpec, replica: number, generation: number): number {
    let base = 0;
    for (const o of this.spec.workloads) {
      if (o === w) break;
      base += o.kind === 'CronJob' ? (o.schedule?.keep ?? 0) + 2 : this.maxReplicas(o);
    }
    return 2 + ((base + replica) % 60) + 60 * (generation % 4);
  }

  private pod(w: WorkloadSpec, replica: number, revision: number, era: Era, created: number, deleting: number, job?: JobRef): PodInstance {
    const templateHash = this.templateHash(w, era, revision);
    let name: string;
    let ownerKind: PodInstance['ownerKind'];
    let ownerName: string;
    if (w.kind === 'Deployment') {
      name = `${w.name}-${templateHash}-${suffixOf(5, this.spec.key, w.name, era.index, revision, replica, created)}`;
      ownerKind = 'ReplicaSet';
      ownerName = `${w.name}-${templateHash}`;
    } else if (w.kind === 'StatefulSet') {
      name = `${w.name}-${replica}`;
      ownerKind = 'StatefulSet';
      ownerName = w.name;
    } else if (w.kind === 'DaemonSet') {
      name = `${w.name}-${suffixOf(5, this.spec.key, w.name, era.index, revision, replica)}`;
      ownerKind = 'DaemonSet';
      ownerName = w.name;
    } else {
      name = `${job!.name}-${suffixOf(5, this.spec.key, job!.name)}`;
      ownerKind = 'Job';
      ownerName = job!.name;
    }
    const uid = uidOf(this.spec.key, 'pod', w.namespace, name, created);
    const node = w.kind === 'DaemonSet' ? this.spec.nodes[replica]! : this.spec.nodes[Math.floor(this.h('place', uid) * this.spec.nodes.length)]!;
    const generation = job ? job.index : revision + Math.floor(created / 60);
    const octet = this.ipOctet(w, job ? job.index % ((w.schedule?.keep ?? 0) + 2) : replica, generation);
    const ip = w.hostNetwork ? node.ip : `${node.podCidr.split('.').slice(0, 3).join('.')}.${octet}`;
    const ownerUid = ownerKind === 'Job' ? job!.uid : this.ownerUid(w, era, ownerKind === 'ReplicaSet' ? ownerName : w.name);
    const gone = deleting === Infinity ? Infinity : deleting + GRACE_S;
    return { key: `${w.namespace}/${name}/${created}`, w, replica, revision, era, name, uid, node, ip, created, deleting, gone, templateHash, ownerKind, ownerName, ownerUid, ...(job ? { job } : {}) };
  }

  /** ownerUid is the uid of a controller object of a workload in an era. */
  ownerUid(w: WorkloadSpec, era: Era, name: string): string {
    return uidOf(this.spec.key, w.kind, w.namespace, name, era.index);
  }

  /** instanceAt is the pod of a replica slot whose [created, deleting) holds s. */
  private instanceAt(w: WorkloadSpec, replica: number, s: number): PodInstance | null {
    const era = this.era(s);
    const start = this.workloadStart(w, era) + replica * STAGGER_S;
    if (s < start) return null;
    const k = Math.floor((s - start) / w.rolloutS);
    const revCreated = start + k * w.rolloutS;
    const replaced = Math.min(revCreated + w.rolloutS, era.end);
    const base = w.kind === 'DaemonSet' ? this.spec.nodes.length : w.replicas;
    if (replica < base) {
      // A StatefulSet's pod keeps its name: the new one is created once the old one is gone.
      const created = w.kind === 'StatefulSet' && k > 0 ? revCreated + GRACE_S + 1 : revCreated;
      return s < created ? null : this.pod(w, replica, k, era, created, replaced);
    }
    const win = this.scaleWindow(w, s);
    if (!win || replica >= win.to) return null;
    const created = Math.max(revCreated, win.start + (replica - base) * 5);
    if (s < created) return null;
    return this.pod(w, replica, k, era, created, Math.min(replaced, win.end));
  }

  /** job returns the m-th job of a CronJob (scheduled at m * everyS), or null outside the era. */
  job(w: WorkloadSpec, m: number, era: Era): JobRef | null {
    const every = w.schedule!.everyS;
    const scheduled = m * every;
    if (scheduled < this.workloadStart(w, era) + 60 || scheduled >= era.end) return null;
    const name = `${w.name}-${Math.floor(scheduled / 60)}`;
    const [lo, hi] = w.containers[0]!.jobSeconds ?? [30, 60];
    const completes = scheduled + 1 + PENDING_S + between(lo, hi, this.spec.key, name, 'runtime');
    return { name, uid: uidOf(this.spec.key, 'job', w.namespace, name), index: m, scheduled, completes };
  }

  /** jobsAt lists the Jobs of a CronJob that exist at s (the active one and the last `keep` completed). */
  jobsAt(w: WorkloadSpec, s: number): JobRef[] {
    const era = this.era(s);
    const { everyS, keep } = w.schedule!;
    const out: JobRef[] = [];
    const cur = Math.floor(s / everyS);
    for (let m = cur - keep - 1; m <= cur; m++) {
      const j = this.job(w, m, era);
      if (!j || j.scheduled > s) continue;
      if (s >= this.jobGone(w, j, era)) continue;
      out.push(j);
    }
    return out;
  }

  /** jobGone is when a completed Job is cleaned up: when the `keep`-th newer job completes. */
  private jobGone(w: WorkloadSpec, j: JobRef, era: Era): number {
    const later = this.job(w, j.index + w.schedule!.keep, era);
    return later ? later.completes : era.end;
  }

  private jobPod(w: WorkloadSpec, j: JobRef, era: Era): PodInstance {
    return this.pod(w, 0, 0, era, j.scheduled + 1, this.jobGone(w, j, era) - GRACE_S, j);
  }

  /** podsAt lists every pod that exists at s (Pending, Running, Terminating, Succeeded). */
  podsAt(s: number): PodInstance[] {
    const out: PodInstance[] = [];
    for (const w of this.spec.workloads) {
      if (w.kind === 'CronJob') {
        for (const j of this.jobsAt(w, s)) {
          const p = this.jobPod(w, j, this.era(s));
          if (s >= p.created) out.push(p);
        }
        continue;
      }
      for (let i = 0; i < this.maxReplicas(w); i++) {
        const a = this.instanceAt(w, i, s);
        if (a) out.push(a);
        // A pod deleted in the last few seconds is still Terminating.
        const b = this.instanceAt(w, i, s - GRACE_S);
        if (b && b.key !== a?.key && s < b.gone) out.push(b);
      }
    }
    return out;
  }

  /** outageSlot returns the outage drawn for a slot, or null. */
  private outageSlot(era: Era, j: number): Outage | null {
    if (j < 2 || this.h('outage', era.index, j) >= 0.6) return null;
    const slotStart = era.start + j * OUTAGE_SLOT_S;
    const start = slotStart + between(300, 1800, this.spec.key, 'outage-start', era.index, j);
    const end = start + between(90, 240, this.spec.key, 'outage-len', era.index, j);
    const node = Math.floor(this.h('outage-node', era.index, j) * this.spec.nodes.length);
    return { node, start, end, status: this.h('outage-kind', era.index, j) < 0.5 ? 'Unknown' : 'False' };
  }

  /** outageAt is the outage of a node at s, or null. */
  outageAt(node: NodeSpec, s: number): Outage | null {
    const era = this.era(s);
    const o = this.outageSlot(era, Math.floor((s - era.start) / OUTAGE_SLOT_S));
    return o && o.node === node.index && s >= o.start && s < o.end ? o : null;
  }

  /** lastReadyChange is when a node's Ready condition last changed before s. */
  lastReadyChange(node: NodeSpec, s: number): number {
    const era = this.era(s);
    for (let j = Math.floor((s - era.start) / OUTAGE_SLOT_S); j >= 2 && era.start + (j + 1) * OUTAGE_SLOT_S > s - 7 * 86_400; j--) {
      const o = this.outageSlot(era, j);
      if (!o || o.node !== node.index || o.start > s) continue;
      return s >= o.end ? o.end : o.start;
    }
    return era.start + 40;
  }

  /** outages lists the outages that start in [s0, s1). */
  outages(s0: number, s1: number): Outage[] {
    const out: Outage[] = [];
    for (let s = s0 - OUTAGE_SLOT_S; s < s1 + OUTAGE_SLOT_S; s += OUTAGE_SLOT_S) {
      const era = this.era(s);
      const o = this.outageSlot(era, Math.floor((s - era.start) / OUTAGE_SLOT_S));
      if (o && o.start >= s0 && o.start < s1 && !out.some((x) => x.start === o.start)) out.push(o);
    }
    return out;
  }

  /** cpuWave is a container's CPU usage rate (cores). */
  cpuWave(p: PodInstance, c: ContainerSpec): Wave {
    const key = `cpu|${p.uid}|${c.name}`;
    let w = this.waves.get(key);
    if (!w) {
      const busy = c.serves === 'http-app' ? this.traffic.scale(0.75) : new Wave(0.75);
      w = busy
        .plus(Wave.of(0.25, [[0.12, between(200, 900, key, 'p1'), between(0, 6.28, key, 'f1')], [0.06, between(40, 120, key, 'p2'), between(0, 6.28, key, 'f2')]]))
        .scale(c.cpuMean * between(0.7, 1.3, key, 'level'));
      this.waves.set(key, w);
    }
    return w;
  }

  /** rateWave is a pod's request rate or network rate, driven by the traffic (bytes or requests per second). */
  wave(key: string, level: number, withTraffic: boolean): Wave {
    let w = this.waves.get(key);
    if (!w) {
      const base = withTraffic ? this.traffic.scale(0.8) : new Wave(0.8);
      w = base.plus(Wave.of(0.2, [[0.1, between(120, 700, key, 'p'), between(0, 6.28, key, 'f')]])).scale(level * between(0.8, 1.2, key, 'level'));
      this.waves.set(key, w);
    }
    return w;
  }

  /** timeline returns a container's runs, computed at least up to s. */
  runs(p: PodInstance, c: ContainerSpec, s: number): Run[] {
    const key = `${p.uid}|${c.name}`;
    let tl = this.timelines.get(key);
    if (!tl) {
      if (this.timelines.size > 2000) this.timelines.clear();
      tl = { runs: [], done: false };
      this.timelines.set(key, tl);
    }
    const first = p.created + PENDING_S;
    const cpu = this.cpuWave(p, c);
    while (!tl.done && (tl.runs.length === 0 || tl.runs[tl.runs.length - 1]!.start <= s)) {
      const prev = tl.runs[tl.runs.length - 1];
      const n = tl.runs.length;
      const start = prev ? prev.next : first;
      if (start >= p.gone) {
        tl.done = true;
        break;
      }
      const { end, exit, gap } = this.runEnd(p, c, n, start);
      const run: Run = {
        n,
        start,
        end: exit ? end : p.gone,
        exit,
        next: exit && exit.reason !== 'Completed' ? end + gap : Infinity,
        id: hexOf(64, this.spec.key, 'container', p.uid, c.name, n),
        cpuBefore: prev ? prev.cpuBefore + cpu.integral(prev.start, prev.end) : 0,
        upBefore: prev ? prev.upBefore + (prev.end - prev.start) : 0,
      };
      tl.runs.push(run);
      if (run.next === Infinity) tl.done = true;
    }
    return tl.runs;
  }

  /** runEnd draws how run n (started at start) ends: its exit time and reason, and the back-off after it. */
  private runEnd(p: PodInstance, c: ContainerSpec, n: number, start: number): { end: number; exit: Exit | null; gap: number } {
    const k = this.spec.key;
    switch (c.behavior) {
      case 'job': {
        const end = p.job!.completes;
        return end < p.gone ? { end, exit: { reason: 'Completed', code: 0 }, gap: 0 } : { end: p.gone, exit: null, gap: 0 };
      }
      case 'crashloop': {
        // Runs for 8-28 s, exits 1, back-off doubling from 10 s to 5 min (the first retry at once).
        const end = start + between(8, 28, k, p.uid, 'crash', n);
        const gap = n === 0 ? 1 : Math.min(10 * 2 ** (n - 1), 300);
        return end < p.gone ? { end, exit: { reason: 'Error', code: 1 }, gap } : { end: p.gone, exit: null, gap };
      }
      case 'oom':
      case 'steady': {
        const slot = c.behavior === 'oom' ? OOM_SLOT_S : RESTART_SLOT_S;
        const prob = c.behavior === 'oom' ? 0.65 : c.restartProb;
        if (prob <= 0) return { end: p.gone, exit: null, gap: 0 };
        // The first drawn event at least 8 minutes into the run ends it.
        for (let j = Math.floor((start - EPOCH_S) / slot); EPOCH_S + j * slot < p.gone; j++) {
          if (frac(k, p.uid, c.name, 'event', j) >= prob) continue;
          const at = EPOCH_S + j * slot + between(0.3, 0.95, k, p.uid, c.name, 'at', j) * slot;
          if (at < start + 480) continue;
          if (at >= p.gone) break;
          const exit: Exit = c.behavior === 'oom' ? { reason: 'OOMKilled', code: 137 } : { reason: 'Error', code: 2 };
          return { end: at, exit, gap: 10 };
        }
        return { end: p.gone, exit: null, gap: 0 };
      }
    }
  }

  /** containerAt is a container's state at s. */
  containerAt(p: PodInstance, c: ContainerSpec, s: number): ContainerAt {
    const runs = this.runs(p, c, s);
    let lo = 0;
    let hi = runs.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (runs[mid]!.start <= s) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (idx < 0) return { run: null, last: null, restarts: 0, waiting: 'ContainerCreating', terminated: null };
    const r = runs[idx]!;
    if (s < r.end) return { run: r, last: idx > 0 ? runs[idx - 1]! : null, restarts: r.n, waiting: null, terminated: null };
    if (r.exit?.reason === 'Completed') return { run: null, last: idx > 0 ? runs[idx - 1]! : null, restarts: r.n, waiting: null, terminated: r };
    return { run: null, last: r, restarts: r.n, waiting: r.exit ? 'CrashLoopBackOff' : null, terminated: null };
  }

  /** usage returns a running container's counters and gauges at s. */
  usage(p: PodInstance, c: ContainerSpec, r: Run, s: number): ContainerUsage {
    const cpu = this.cpuWave(p, c).integral(r.start, s);
    const up = s - r.start;
    const memBase = c.memMean * between(0.85, 1.15, this.spec.key, p.uid, c.name, 'mem');
    let mem: number;
    if (c.behavior === 'oom' && r.exit?.reason === 'OOMKilled') {
      // A leak: the working set climbs from its base to the limit, where the kernel kills it.
      const limit = c.memLimit ?? c.memMean * 2;
      const x = Math.min(1, up / (r.end - r.start));
      mem = memBase * 0.6 + (limit * 0.995 - memBase * 0.6) * x ** 1.6;
    } else {
      const warm = 1 - Math.exp(-up / 120);
      mem = memBase * (0.55 + 0.45 * warm) * (1 + 0.04 * Math.sin(s / between(300, 900, p.uid, c.name, 'mp') + between(0, 6.28, p.uid, 'mf')));
      if (c.memLimit !== null) mem = Math.min(mem, c.memLimit * 0.97);
    }
    const ratio = c.cpuLimit ? c.cpuMean / c.cpuLimit : 0;
    const throttleFrac = c.cpuLimit ? Math.min(0.3, Math.max(0.002, (ratio - 0.2) * 0.4)) : 0;
    const periods = c.cpuLimit ? Math.floor(cpu * 10 / Math.max(0.05, ratio)) : 0;
    return {
      cpu,
      mem,
      rss: mem * 0.82,
      cache: mem * 0.16,
      fsUsage: 24_576 + Math.floor(between(20, 80, p.uid, c.name, 'fs') * 1024) * 1024 * (1 - Math.exp(-up / 600)),
      fsReads: cpu * 180_000,
      fsWrites: cpu * 420_000,
      throttledPeriods: Math.floor(periods * throttleFrac),
      periods,
    };
  }

  /** nodeBusy is the busy fraction of a node's CPUs (0..1), driven by the cluster's traffic. */
  nodeBusy(node: NodeSpec): Wave {
    const key = `busy|${node.name}`;
    let w = this.waves.get(key);
    if (!w) {
      const level = between(0.16, 0.3, this.spec.key, key, 'level');
      w = this.traffic.scale(level * 0.7).plus(Wave.of(level * 0.3, [[level * 0.12, between(180, 600, this.spec.key, key, 'p'), between(0, 6.28, this.spec.key, key, 'f')]]));
      this.waves.set(key, w);
    }
    return w;
  }

  /** cpuBusySeconds is the CPU time (all CPUs, seconds) a node spent busy since it booted. */
  cpuBusySeconds(node: NodeSpec, s: number): number {
    return node.cpus * this.nodeBusy(node).integral(this.bootTime(node, s), s);
  }

  /** nodeMemory is a node's memory picture at s (bytes). */
  nodeMemory(node: NodeSpec, s: number): { total: number; free: number; buffers: number; cached: number; available: number; workingSet: number; active: number; inactive: number } {
    const total = Math.floor((node.memBytes * 0.975) / 4096) * 4096;
    const k = this.spec.key;
    const used = total * (0.3 + 0.06 * Math.sin(s / 1900 + between(0, 6.28, k, node.name, 'mu')) + 0.04 * this.traffic.at(s));
    const cached = total * (0.22 + 0.03 * Math.sin(s / 5400 + between(0, 6.28, k, node.name, 'mc')));
    const buffers = total * 0.021;
    const page = (v: number): number => Math.floor(v / 4096) * 4096;
    const free = page(total - used - cached - buffers);
    return { total, free, buffers: page(buffers), cached: page(cached), available: page(free + cached * 0.86 + buffers), workingSet: page(used + cached * 0.35), active: page(used * 0.7 + cached * 0.4), inactive: page(used * 0.3 + cached * 0.6) };
  }

  /** podRunning tells whether a pod's sandbox is up at s (it has its IP and network counters). */
  podRunning(p: PodInstance, s: number): boolean {
    return s >= p.created + PENDING_S / 2 && s < p.gone && !(p.job && s >= p.job.completes);
  }

  /** restartsBetween counts the restarts of a container in (s0, s1]. */
  restartsBetween(p: PodInstance, c: ContainerSpec, s0: number, s1: number): number {
    return this.runs(p, c, s1).filter((r) => r.n > 0 && r.start > s0 && r.start <= s1).length;
  }
}
