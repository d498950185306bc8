/**
 * The in-memory series index: interned label strings (symbols), each series' label set as symbol
 * ids in one dense slab, a hash for label-set look-ups, and postings (sorted series refs per label
 * pair) for matcher selection, after Prometheus's index.MemPostings and PostingsForMatchers.
 *
 * Regex matchers are evaluated once per distinct label value, never per series or sample; the
 * selected series are the intersection of the positive posting lists minus the union of the
 * negative ones. A matcher that matches the empty string also selects series lacking the label.
 */
import type { Label, Labels } from '../../common/model/labels';
import type { Matcher } from '../../common/model/matcher';
import { flatCopy } from '../../common/util/strings';

/** Symbols interns strings as dense integer ids. */
export class Symbols {
  private readonly ids = new Map<string, number>();
  /** strs maps id to string. */
  readonly strs: string[] = [];

  /** intern returns the id of s, adding it if new. */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strs.length;
      // Copied: a string sliced from a scrape body would keep the body alive.
      const own = flatCopy(s);
      this.strs.push(own);
      this.ids.set(own, id);
    }
    return id;
  }

  /** get returns the id of s or -1. */
  get(s: string): number {
    const id = this.ids.get(s);
    return id === undefined ? -1 : id;
  }

  /** size returns the number of symbols. */
  get size(): number {
    return this.strs.length;
  }
}

/** hashLabels returns a 32-bit FNV-1a hash of a label set. */
export function hashLabels(ls: Labels): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    const n = l.name;
    for (let k = 0; k < n.length; k++) h = Math.imul(h ^ n.charCodeAt(k), 16777619);
    h = Math.imul(h ^ 0xff, 16777619);
    const v = l.value;
    for (let k = 0; k < v.length; k++) h = Math.imul(h ^ v.charCodeAt(k), 16777619);
    h = Math.imul(h ^ 0xfe, 16777619);
  }
  return h >>> 0;
}

const EMPTY: readonly number[] = Object.freeze([]) as readonly number[];

/** SeriesIndex maps series refs to label sets and label matchers to series refs. */
export class SeriesIndex {
  /** syms interns label names and values. */
  readonly syms = new Symbols();
  private slab = new Int32Array(1 << 16);
  private slabLen = 0;
  private off = new Int32Array(1024);
  private cnt = new Uint16Array(1024);
  private live = new Uint8Array(1024);
  private readonly byHash = new Map<number, number | number[]>();
  private readonly postings = new Map<number, Map<number, number[]>>();
  private allRefs: number[] = [];
  private dead = 0;
  /** rank orders all live refs by label set (null: stale, recomputed on demand); byRank is its inverse. */
  private rank: Int32Array | null = null;
  private byRank: Int32Array | null = null;
  /** numSeries is the number of live series. */
  numSeries = 0;

  /** has reports whether ref is a live series. */
  has(ref: number): boolean {
    return ref > 0 && ref < this.live.length && this.live[ref] === 1;
  }

  /** add registers a series under ref (refs must be added in increasing order). */
  add(ref: number, ls: Labels): void {
    if (ref >= this.off.length) this.growRefs(ref + 1);
    const need = this.slabLen + ls.length * 2;
    if (need > this.slab.length) {
      const ns = new Int32Array(Math.max(need, this.slab.length * 2));
      ns.set(this.slab.subarray(0, this.slabLen));
      this.slab = ns;
    }
    this.rank = null;
    this.off[ref] = this.slabLen;
    this.cnt[ref] = ls.length;
    this.live[ref] = 1;
    const slab = this.slab;
    let p = this.slabLen;
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i]!;
      const n = this.syms.intern(l.name);
      const v = this.syms.intern(l.value);
      slab[p++] = n;
      slab[p++] = v;
      let byValue = this.postings.get(n);
      if (byValue === undefined) {
        byValue = new Map();
        this.postings.set(n, byValue);
      }
      const list = byValue.get(v);
      if (list === undefined) byValue.set(v, [ref]);
      else pushSorted(list, ref);
    }
    this.slabLen = p;
    pushSorted(this.allRefs, ref);
    const h = hashLabels(ls);
    const prev = this.byHash.get(h);
    if (prev === undefined) this.byHash.set(h, ref);
    else if (typeof prev === 'number') this.byHash.set(h, [prev, ref]);
    else prev.push(ref);
    this.numSeries++;
  }

  private growRefs(min: number): void {
    const size = Math.max(min, this.off.length * 2);
    const off = new Int32Array(size);
    off.set(this.off);
    this.off = off;
    const cnt = new Uint16Array(size);
    cnt.set(this.cnt);
    this.cnt = cnt;
    const live = new Uint8Array(size);
    live.set(this.live);
    this.live = live;
  }

  /** lookup returns the ref of the series with exactly these labels, or 0. */
  lookup(ls: Labels): number {
    const hit = this.byHash.get(hashLabels(ls));
    if (hit === undefined) return 0;
    if (typeof hit === 'number') return this.live[hit] === 1 && this.equals(hit, ls) ? hit : 0;
    for (const ref of hit) if (this.live[ref] === 1 && this.equals(ref, ls)) return ref;
    return 0;
  }

  /** equals reports whether series ref has exactly the labels ls. */
  equals(ref: number, ls: Labels): boolean {
    if (this.cnt[ref] !== ls.length) return false;
    const strs = this.syms.strs;
    let p = this.off[ref]!;
    for (let i = 0; i < ls.length; i++, p += 2) {
      const l = ls[i]!;
      if (strs[this.slab[p]!] !== l.name || strs[this.slab[p + 1]!] !== l.value) return false;
    }
    return true;
  }

  /** labels materializes the label set of ref. */
  labels(ref: number): Labels {
    const n = this.cnt[ref]!;
    const strs = this.syms.strs;
    const out: Label[] = new Array<Label>(n);
    let p = this.off[ref]!;
    for (let i = 0; i < n; i++, p += 2) out[i] = { name: strs[this.slab[p]!]!, value: strs[this.slab[p + 1]!]! };
    return out;
  }

  /** compare orders two series by their label sets as Prometheus's labels.Compare does. */
  compare(a: number, b: number): number {
    const strs = this.syms.strs;
    const slab = this.slab;
    const na = this.cnt[a]!;
    const nb = this.cnt[b]!;
    const n = na < nb ? na : nb;
    let pa = this.off[a]!;
    let pb = this.off[b]!;
    for (let i = 0; i < n; i++, pa += 2, pb += 2) {
      if (slab[pa] !== slab[pb]) {
        const x = strs[slab[pa]!]!;
        const y = strs[slab[pb]!]!;
        return x < y ? -1 : 1;
      }
      if (slab[pa + 1] !== slab[pb + 1]) {
        const x = strs[slab[pa + 1]!]!;
        const y = strs[slab[pb + 1]!]!;
        return x < y ? -1 : 1;
      }
    }
    return na - nb;
  }

  /**
   * sortByLabels sorts live refs in place by label set. A rank over all series is kept between
   * calls (series sets change rarely compared with queries), so a sort is an integer sort.
   */
  sortByLabels(refs: number[]): void {
    const n = refs.length;
    if (n < 2) return;
    if (this.rank === null && n < 256) {
      refs.sort((a, b) => this.compare(a, b));
      return;
    }
    if (this.rank === null) this.computeRank();
    const rank = this.rank!;
    const byRank = this.byRank!;
    const keys = new Int32Array(n);
    for (let i = 0; i < n; i++) keys[i] = rank[refs[i]!]!;
    keys.sort();
    for (let i = 0; i < n; i++) refs[i] = byRank[keys[i]!]!;
  }

  private computeRank(): void {
    const refs = this.allRefs.filter((r) => this.live[r] === 1);
    refs.sort((a, b) => this.compare(a, b));
    const rank = new Int32Array(this.off.length);
    const byRank = new Int32Array(refs.length);
    for (let i = 0; i < refs.length; i++) {
      rank[refs[i]!] = i;
      byRank[i] = refs[i]!;
    }
    this.rank = rank;
    this.byRank = byRank;
  }

  /** labelValue returns the value of label name (a symbol id) of series ref, or -1. */
  labelValueId(ref: number, nameId: number): number {
    const n = this.cnt[ref]!;
    let p = this.off[ref]!;
    for (let i = 0; i < n; i++, p += 2) if (this.slab[p] === nameId) return this.slab[p + 1]!;
    return -1;
  }

  /** forEachLabel calls fn(nameId, valueId) for each label of ref. */
  forEachLabel(ref: number, fn: (nameId: number, valueId: number) => void): void {
    const n = this.cnt[ref]!;
    let p = this.off[ref]!;
    for (let i = 0; i < n; i++, p += 2) fn(this.slab[p]!, this.slab[p + 1]!);
  }

  /** remove drops a series; postings are cleaned lazily (select filters dead refs). */
  remove(ref: number): void {
    if (!this.has(ref)) return;
    this.live[ref] = 0;
    this.rank = null;
    this.numSeries--;
    this.dead++;
    if (this.dead > 1024 && this.dead > this.numSeries / 4) this.rebuild();
  }

  /** rebuild recomputes postings, symbols stay (unused ones are harmless). */
  private rebuild(): void {
    const oldSlab = this.slab;
    const refs = this.allRefs.filter((r) => this.live[r] === 1);
    this.postings.clear();
    this.byHash.clear();
    this.allRefs = [];
    const offs = refs.map((r) => this.off[r]!);
    const cnts = refs.map((r) => this.cnt[r]!);
    this.slab = new Int32Array(Math.max(1 << 16, this.slabLen));
    this.slabLen = 0;
    this.numSeries = 0;
    this.dead = 0;
    for (let i = 0; i < refs.length; i++) {
      const ls: Label[] = [];
      for (let k = 0, p = offs[i]!; k < cnts[i]!; k++, p += 2) ls.push({ name: this.syms.strs[oldSlab[p]!]!, value: this.syms.strs[oldSlab[p + 1]!]! });
      this.add(refs[i]!, ls);
    }
  }

  /** postingsFor returns the sorted refs having label name=value (may include dead refs). */
  postingsFor(name: string, value: string): readonly number[] {
    const n = this.syms.get(name);
    if (n < 0) return EMPTY;
    const v = this.syms.get(value);
    if (v < 0) return EMPTY;
    return this.postings.get(n)?.get(v) ?? EMPTY;
  }

  /** select returns the sorted live refs matching all matchers (no matchers: all series). */
  select(matchers: readonly Matcher[]): number[] {
    const positives: (readonly number[])[] = [];
    const negatives: (readonly number[])[] = [];
    for (const m of matchers) {
      const nameId = this.syms.get(m.name);
      const byValue = nameId >= 0 ? this.postings.get(nameId) : undefined;
      if (m.matchesEmpty()) {
        // selects series lacking the label: subtract the series whose value does not match
        if (byValue === undefined) continue;
        const lists: (readonly number[])[] = [];
        if (m.type === '!=') {
          const v = this.syms.get(m.value);
          const l = v >= 0 ? byValue.get(v) : undefined;
          if (l) lists.push(l);
        } else {
          for (const [v, l] of byValue) if (!m.matches(this.syms.strs[v]!)) lists.push(l);
        }
        if (lists.length > 0) negatives.push(union(lists));
        continue;
      }
      if (byValue === undefined) return [];
      const lists: (readonly number[])[] = [];
      if (m.type === '=') {
        const v = this.syms.get(m.value);
        const l = v >= 0 ? byValue.get(v) : undefined;
        if (l) lists.push(l);
      } else if (m.type === '=~' && m.setMatches !== null) {
        for (const s of m.setMatches) {
          const v = this.syms.get(s);
          const l = v >= 0 ? byValue.get(v) : undefined;
          if (l) lists.push(l);
        }
      } else {
        for (const [v, l] of byValue) if (m.matches(this.syms.strs[v]!)) lists.push(l);
      }
      if (lists.length === 0) return [];
      positives.push(lists.length === 1 ? lists[0]! : union(lists));
    }
    let res: readonly number[];
    if (positives.length === 0) {
      res = this.allRefs;
    } else {
      positives.sort((a, b) => a.length - b.length);
      res = positives[0]!;
      for (let i = 1; i < positives.length && res.length > 0; i++) res = intersect(res, positives[i]!);
    }
    const neg = negatives.length === 0 ? EMPTY : negatives.length === 1 ? negatives[0]! : union(negatives);
    const out: number[] = [];
    let j = 0;
    const live = this.live;
    for (let i = 0; i < res.length; i++) {
      const r = res[i]!;
      while (j < neg.length && neg[j]! < r) j++;
      if (j < neg.length && neg[j] === r) continue;
      if (live[r] === 1) out.push(r);
    }
    return out;
  }

  /** labelNames returns the sorted label names of the given series (all series when refs is null). */
  labelNames(refs: readonly number[] | null): string[] {
    const ids = new Set<number>();
    if (refs === null) {
      for (const [n, byValue] of this.postings) {
        if (this.anyLive(byValue)) ids.add(n);
      }
    } else {
      for (const r of refs) this.forEachLabel(r, (n) => ids.add(n));
    }
    return [...ids].map((i) => this.syms.strs[i]!).sort(compareStrings);
  }

  /** labelValues returns the sorted values of name over the given series (all when refs is null). */
  labelValues(name: string, refs: readonly number[] | null): string[] {
    const nameId = this.syms.get(name);
    if (nameId < 0) return [];
    const byValue = this.postings.get(nameId);
    if (byValue === undefined) return [];
    const ids = new Set<number>();
    if (refs === null) {
      for (const [v, l] of byValue) if (this.anyLiveList(l)) ids.add(v);
    } else {
      for (const r of refs) {
        const v = this.labelValueId(r, nameId);
        if (v >= 0) ids.add(v);
      }
    }
    return [...ids].map((i) => this.syms.strs[i]!).sort(compareStrings);
  }

  private anyLive(byValue: Map<number, number[]>): boolean {
    for (const l of byValue.values()) if (this.anyLiveList(l)) return true;
    return false;
  }

  private anyLiveList(l: readonly number[]): boolean {
    for (const r of l) if (this.live[r] === 1) return true;
    return false;
  }

  /** liveCount returns the number of live refs in a posting list. */
  liveCount(l: readonly number[]): number {
    let c = 0;
    for (const r of l) if (this.live[r] === 1) c++;
    return c;
  }

  /** forEachPosting calls fn(nameId, valueId, list) for every label pair. */
  forEachPosting(fn: (nameId: number, valueId: number, list: readonly number[]) => void): void {
    for (const [n, byValue] of this.postings) for (const [v, l] of byValue) fn(n, v, l);
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pushSorted(list: number[], ref: number): void {
  const n = list.length;
  if (n === 0 || list[n - 1]! < ref) {
    list.push(ref);
    return;
  }
  // out-of-order add (rebuilds, loads): insert in place
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < ref) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] !== ref) list.splice(lo, 0, ref);
}

/** intersect returns the sorted intersection of two sorted lists. */
export function intersect(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  if (a.length > b.length) [a, b] = [b, a];
  if (a.length * 16 < b.length) {
    // galloping: binary search each element of the short list
    let lo = 0;
    for (const x of a) {
      let hi = b.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (b[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      if (lo < b.length && b[lo] === x) out.push(x);
    }
    return out;
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

/** union returns the sorted, de-duplicated union of sorted lists. */
export function union(lists: readonly (readonly number[])[]): number[] {
  if (lists.length === 1) return lists[0]!.slice();
  let total = 0;
  for (const l of lists) total += l.length;
  const all = new Int32Array(total);
  let p = 0;
  for (const l of lists) for (let i = 0; i < l.length; i++) all[p++] = l[i]!;
  all.sort();
  const out: number[] = [];
  for (let i = 0; i < total; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i]!);
  return out;
}
