/**
 * XorArena: many appendable XOR chunks (one per integer id, e.g. a head series slot) kept in
 * struct-of-arrays form. Encoder state lives in typed arrays indexed by id and chunk bytes live in
 * shared per-size-class buffers, so an open chunk costs about 50 bytes of state plus its bytes,
 * with no per-chunk JavaScript objects, ArrayBuffers or boxed numbers.
 *
 * The bytes written are identical to XorAppender's (xor.ts documents the layout). Readers take a
 * copy with snapshot() or close(); slots are reused, so views into the arena are never handed out.
 */
import { putUvarint, zigzag } from './bits';
import { EncXOR, XOR_HEADER_FIXED } from './xor';

/** Slot sizes grow by about 1.5x, so a slot wastes at most a third of its bytes. */
const SIZES = [32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 8192, 16384, 32768, 65536];
const SPARE = 24; // bytes a sample may need

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** XorArena holds appendable XOR chunks addressed by small integer ids. */
export class XorArena {
  private readonly bufs: Uint8Array[] = [];
  private readonly used: number[] = [];
  private readonly free: number[][] = [];
  /** cls is the size class of an id's slot, -1 when it has no chunk. */
  cls = new Int8Array(0);
  private off = new Int32Array(0);
  private bits = new Int32Array(0);
  /** numSamples, minT and maxT describe each id's chunk. */
  numSamples = new Int32Array(0);
  minT = new Float64Array(0);
  maxT = new Float64Array(0);
  private tDelta = new Float64Array(0);
  private hi = new Int32Array(0);
  private lo = new Int32Array(0);
  private leading = new Uint8Array(0);
  private trailing = new Uint8Array(0);

  constructor(ids = 1024) {
    for (let c = 0; c < SIZES.length; c++) {
      this.bufs.push(new Uint8Array(0));
      this.used.push(0);
      this.free.push([]);
    }
    this.ensureIds(ids);
  }

  /** ensureIds makes room for ids below n. */
  ensureIds(n: number): void {
    if (n <= this.cls.length) return;
    const size = Math.max(n, this.cls.length * 2, 1024);
    const grow = <T extends Int8Array | Int32Array | Float64Array | Uint8Array>(a: T, mk: (n: number) => T): T => {
      const b = mk(size);
      b.set(a as never);
      return b;
    };
    const oldLen = this.cls.length;
    this.cls = grow(this.cls, (k) => new Int8Array(k));
    this.cls.fill(-1, oldLen);
    this.off = grow(this.off, (k) => new Int32Array(k));
    this.bits = grow(this.bits, (k) => new Int32Array(k));
    this.numSamples = grow(this.numSamples, (k) => new Int32Array(k));
    this.minT = grow(this.minT, (k) => new Float64Array(k));
    this.maxT = grow(this.maxT, (k) => new Float64Array(k));
    this.tDelta = grow(this.tDelta, (k) => new Float64Array(k));
    this.hi = grow(this.hi, (k) => new Int32Array(k));
    this.lo = grow(this.lo, (k) => new Int32Array(k));
    this.leading = grow(this.leading, (k) => new Uint8Array(k));
    this.trailing = grow(this.trailing, (k) => new Uint8Array(k));
  }

  /** has reports whether id holds a chunk. */
  has(id: number): boolean {
    return this.cls[id]! >= 0;
  }

  /** sizeBytes returns the bytes used by id's chunk. */
  sizeBytes(id: number): number {
    return (this.bits[id]! + 7) >>> 3;
  }

  /** capacityBytes returns the total bytes of the arena's buffers (for memory accounting). */
  capacityBytes(): number {
    let n = 0;
    for (const b of this.bufs) n += b.length;
    return n;
  }

  private alloc(c: number): number {
    const size = SIZES[c]!;
    const fl = this.free[c]!;
    let off: number;
    if (fl.length > 0) {
      off = fl.pop()!;
    } else {
      off = this.used[c]! * size;
      this.used[c]!++;
      const need = off + size;
      if (need > this.bufs[c]!.length) {
        // grow by half: arena buffers are the bulk of the head's memory
        const nb = new Uint8Array(Math.max(need, Math.floor(this.bufs[c]!.length * 1.5), 64 * size));
        nb.set(this.bufs[c]!);
        this.bufs[c] = nb;
      }
    }
    this.bufs[c]!.fill(0, off, off + size);
    return off;
  }

  private release(id: number): void {
    const c = this.cls[id]!;
    if (c < 0) return;
    this.free[c]!.push(this.off[id]!);
    this.cls[id] = -1;
  }

  private classFor(bytes: number): number {
    let c = 0;
    while (c < SIZES.length - 1 && SIZES[c]! < bytes) c++;
    return c;
  }

  /** start begins a new chunk for id (which must have none) with one sample; capacityHint sizes the slot. */
  start(id: number, t: number, hi: number, lo: number, capacityHint: number): void {
    const c = this.classFor(Math.max(capacityHint, 32));
    const off = this.alloc(c);
    this.cls[id] = c;
    this.off[id] = off;
    const b = this.bufs[c]!;
    b[off] = EncXOR;
    const end = putUvarint(b, off + XOR_HEADER_FIXED, zigzag(t));
    this.bits[id] = (end - off) * 8;
    this.put(id, hi, 32);
    this.put(id, lo, 32);
    this.numSamples[id] = 1;
    this.minT[id] = t;
    this.maxT[id] = t;
    this.tDelta[id] = 0;
    this.hi[id] = hi | 0;
    this.lo[id] = lo | 0;
    this.leading[id] = 0xff;
    this.trailing[id] = 0;
  }

  private grow(id: number): void {
    const c = this.cls[id]!;
    const used = (this.bits[id]! + 7) >>> 3;
    let nc = c + 1;
    while (nc < SIZES.length && SIZES[nc]! < used + SPARE) nc++;
    if (nc >= SIZES.length) throw new Error('xor arena: chunk larger than the largest slot');
    const noff = this.alloc(nc);
    this.bufs[nc]!.set(this.bufs[c]!.subarray(this.off[id]!, this.off[id]! + used), noff);
    this.free[c]!.push(this.off[id]!);
    this.cls[id] = nc;
    this.off[id] = noff;
  }

  /** append adds a sample (timestamps must increase) whose value is given as its 32-bit halves. */
  append(id: number, t: number, hi: number, lo: number): void {
    if ((this.bits[id]! >>> 3) + SPARE > SIZES[this.cls[id]!]!) this.grow(id);
    const n = this.numSamples[id]!;
    const delta = t - this.maxT[id]!;
    const dod = n === 1 ? delta : delta - this.tDelta[id]!;
    this.tDelta[id] = delta;
    if (dod === 0) {
      this.bits[id]!++;
    } else if (dod >= -63 && dod <= 64) {
      this.put(id, (0b10 << 7) | (dod & 0x7f), 9);
    } else if (dod >= -8191 && dod <= 8192) {
      this.put(id, (0b110 << 14) | (dod & 0x3fff), 17);
    } else if (dod >= -524287 && dod <= 524288) {
      this.put(id, (0b1110 << 20) | (dod & 0xfffff), 24);
    } else if (dod >= -2147483647 && dod <= 2147483648) {
      this.put(id, 0b11110, 5);
      this.put(id, dod < 0 ? dod + 4294967296 : dod, 32);
    } else {
      this.put(id, 0b11111, 5);
      let dh = Math.floor(dod / 4294967296);
      const dl = dod - dh * 4294967296;
      if (dh < 0) dh += 4294967296;
      this.put(id, dh, 32);
      this.put(id, dl, 32);
    }
    const xh = (hi ^ this.hi[id]!) >>> 0;
    const xl = (lo ^ this.lo[id]!) >>> 0;
    if (xh === 0 && xl === 0) {
      this.bits[id]!++;
    } else {
      let leading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
      const trailing = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
      if (leading >= 32) leading = 31;
      const pl = this.leading[id]!;
      const pt = this.trailing[id]!;
      if (leading >= pl && trailing >= pt) {
        this.put(id, 0b10, 2);
        this.putMeaningful(id, xh, xl, pt, 64 - pl - pt);
      } else {
        this.leading[id] = leading;
        this.trailing[id] = trailing;
        const sig = 64 - leading - trailing;
        this.put(id, (0b11 << 11) | (leading << 6) | (sig & 63), 13);
        this.putMeaningful(id, xh, xl, trailing, sig);
      }
    }
    this.maxT[id] = t;
    this.hi[id] = hi | 0;
    this.lo[id] = lo | 0;
    this.numSamples[id] = n + 1;
  }

  private putMeaningful(id: number, xh: number, xl: number, trailing: number, sig: number): void {
    if (trailing >= 32) {
      this.put(id, xh >>> (trailing - 32), sig);
    } else if (trailing === 0) {
      if (sig > 32) this.put(id, xh, sig - 32);
      this.put(id, xl, sig > 32 ? 32 : sig);
    } else {
      const ml = (xl >>> trailing) | (xh << (32 - trailing));
      if (sig > 32) this.put(id, xh >>> trailing, sig - 32);
      this.put(id, ml, sig > 32 ? 32 : sig);
    }
  }

  /** put writes the low n bits of x (1 <= n <= 32) into id's chunk. */
  private put(id: number, x: number, n: number): void {
    if (n < 32) x &= (1 << n) - 1;
    const b = this.bufs[this.cls[id]!]!;
    const pos = this.bits[id]!;
    let bi = this.off[id]! + (pos >>> 3);
    const free = 8 - (pos & 7);
    this.bits[id] = pos + n;
    if (n <= free) {
      b[bi] = b[bi]! | (x << (free - n));
      return;
    }
    let rem = n - free;
    b[bi] = b[bi]! | (x >>> rem);
    while (rem >= 8) {
      rem -= 8;
      b[++bi] = x >>> rem;
    }
    if (rem > 0) b[++bi] = x << (8 - rem);
  }

  /** snapshot returns a copy of id's chunk with its header count set (a self-contained XOR chunk). */
  snapshot(id: number): Uint8Array {
    const c = this.cls[id]!;
    const off = this.off[id]!;
    const out = this.bufs[c]!.slice(off, off + ((this.bits[id]! + 7) >>> 3));
    const n = this.numSamples[id]!;
    out[1] = n >>> 8;
    out[2] = n & 0xff;
    return out;
  }

  /** close returns id's chunk (as snapshot) and frees its slot. */
  close(id: number): Uint8Array {
    const out = this.snapshot(id);
    this.release(id);
    return out;
  }

  /** drop frees id's slot without reading it. */
  drop(id: number): void {
    this.release(id);
  }

  /** lastBits returns the bits of id's last value as [hi, lo] (unsigned). */
  lastHi(id: number): number {
    return this.hi[id]! >>> 0;
  }

  /** lastLo returns the low half of id's last value (unsigned). */
  lastLo(id: number): number {
    return this.lo[id]! >>> 0;
  }
}
