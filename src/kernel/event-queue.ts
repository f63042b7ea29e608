import { InvariantError } from '../errors.js';

/**
 * 2^44, SEQ_SPAN for this module's own use. V8 reads an exported binding, even from inside its
 * module, through a cell with a check that it is initialised, on every use in optimised code; a
 * private const it compiles to the number itself.
 */
const SPAN = 17_592_186_044_416;
/** 2^44: sequence numbers stay below this, so `priority * SEQ_SPAN + seq` is exact in a float64. */
export const SEQ_SPAN = SPAN;

/** Throws the error of a queue that has used up its sequence numbers (kept out of the hot paths). */
function sequenceExhausted(): never {
  throw new InvariantError('event sequence space exhausted');
}

/**
 * copyMatching for one part of the queue (its first `count` entries), writing from `k` on; returns
 * the new `k`.
 */
function copyPart(
  srcTimes: Float64Array, srcKeys: Float64Array, srcCodes: Int32Array, count: number,
  mask: number, id: number, shift: number, times: Float64Array, keys: Float64Array, args: Int32Array, k: number,
): number {
  for (let i = 0; i < count && k < times.length; i++) {
    const c = srcCodes[i] as number;
    if ((c & mask) !== id) continue;
    times[k] = srcTimes[i] as number;
    keys[k] = srcKeys[i] as number;
    args[k++] = c >>> shift;
  }
  return k;
}

/** Capacity of the front buffer (EventQueue): room for a broadcast's deliveries to a 9-member group and more. */
const FRONT_CAPACITY = 16;

/**
 * A priority queue of events ordered by (time, priority, insertion sequence), stored in parallel
 * typed arrays so that pushing and popping allocate nothing. An event is an int32 `code` whose
 * meaning belongs to the scheduler; the queue only orders.
 *
 * Two parts: a binary min-heap, and in front of it a small sorted buffer of events that come before
 * every event in the heap. An event that would become the heap's root (one due before everything
 * queued, as the deliveries of a broadcast usually are) goes into the buffer instead; everything
 * else goes into the heap. The earliest event is then the buffer's last entry while the buffer
 * holds any, the heap's root otherwise, so that popping it costs no sift-down. When the buffer is
 * full its latest entry (or the new event, if that is later) moves to the heap, which keeps every
 * buffered event before every heap event.
 */
export class EventQueue {
  private times: Float64Array;
  private keys: Float64Array;
  private codes: Int32Array;
  private count = 0;
  private seq = 0;
  /** The front buffer, sorted latest first: entry `frontCount - 1` is the earliest event queued. */
  private readonly frontTimes = new Float64Array(FRONT_CAPACITY);
  private readonly frontKeys = new Float64Array(FRONT_CAPACITY);
  private readonly frontCodes = new Int32Array(FRONT_CAPACITY);
  private frontCount = 0;
  /**
   * The virtual clock in microseconds (`clock[0]`), set by `pop` to the popped event's time. Kept in
   * a typed array so that the queue and the kernel read and write it without boxing a time value.
   */
  readonly clock = new Float64Array(1);
  /**
   * Order key (priority and insertion sequence) of the event most recently popped; the kernel sets
   * it to Infinity once it has run everything due at the clock's time.
   */
  poppedKey = Infinity;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.keys = new Float64Array(initialCapacity);
    this.codes = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.count + this.frontCount;
  }

  /** Order key of the earliest event; `Infinity` when empty. */
  peekKey(): number {
    const f = this.frontCount;
    return f > 0 ? (this.frontKeys[f - 1] as number) : this.count > 0 ? (this.keys[0] as number) : Infinity;
  }

  /** Code (handler and argument) of the earliest event; -1 when empty. */
  peekCode(): number {
    const f = this.frontCount;
    return f > 0 ? (this.frontCodes[f - 1] as number) : this.count > 0 ? (this.codes[0] as number) : -1;
  }

  /** Time of the earliest event; `Infinity` when empty. */
  peekTimeUs(): number {
    const f = this.frontCount;
    return f > 0 ? (this.frontTimes[f - 1] as number) : this.count > 0 ? (this.times[0] as number) : Infinity;
  }

  /** Queues an event `delayUs` (an integer ≥ 0) after the clock. */
  pushAfter(delayUs: number, priority: number, code: number): void {
    // reserveSeq written out: each call V8 inlines here counts against its inlining budget.
    const seq = this.seq++;
    if (seq >= SPAN) sequenceExhausted();
    this.pushKeyed((this.clock[0] as number) + delayUs, priority * SPAN + seq, code);
  }

  push(timeUs: number, priority: number, code: number): void {
    this.pushKeyed(timeUs, priority * SPAN + this.reserveSeq(), code);
  }

  /**
   * Takes the next insertion sequence number without queueing an event: `priority * SEQ_SPAN + seq`
   * orders that event exactly where `push` would have, whenever it is pushed later with `pushKeyed`
   * (or never, if its effect is applied without dispatch).
   */
  reserveSeq(): number {
    const seq = this.seq++;
    if (seq >= SPAN) sequenceExhausted();
    return seq;
  }

  /**
   * Queues an event under the key `priority * SEQ_SPAN + seq` of a sequence number from `reserveSeq`
   * (each used once): into the heap if it comes after the heap's root, else into the front buffer.
   * The full buffer's case is in spillFront: V8 inlines a call only where it has seen it made, so a
   * caller that V8 inlines this into does not take in that rare case's bytecode, which would count
   * against its inlining budget (and leave calls elsewhere in the caller out).
   */
  pushKeyed(timeUs: number, key: number, code: number): void {
    const rootTime = this.count > 0 ? (this.times[0] as number) : Infinity;
    if (timeUs > rootTime || (timeUs === rootTime && key > (this.keys[0] as number))) {
      this.pushHeap(timeUs, key, code);
      return;
    }
    let i = this.frontCount;
    if (i === FRONT_CAPACITY) {
      this.spillFront(timeUs, key, code);
      return;
    }
    const ft = this.frontTimes, fk = this.frontKeys, fc = this.frontCodes;
    this.frontCount = i + 1;
    // Move the earlier entries up one place until the new event's place is found.
    while (i > 0) {
      const pt = ft[i - 1] as number;
      if (pt > timeUs || (pt === timeUs && (fk[i - 1] as number) > key)) break;
      ft[i] = pt;
      fk[i] = fk[i - 1] as number;
      fc[i] = fc[i - 1] as number;
      i--;
    }
    ft[i] = timeUs;
    fk[i] = key;
    fc[i] = code;
  }

  /**
   * Queues an event that comes before the heap's root while the front buffer is full: if it is later
   * than every buffered event it goes to the heap (as its new root); otherwise the latest buffered
   * event does, making room for it in the buffer.
   */
  private spillFront(timeUs: number, key: number, code: number): void {
    const ft = this.frontTimes, fk = this.frontKeys, fc = this.frontCodes;
    const lt = ft[0] as number, lk = fk[0] as number;
    if (timeUs > lt || (timeUs === lt && key > lk)) {
      this.pushHeap(timeUs, key, code);
      return;
    }
    this.pushHeap(lt, lk, fc[0] as number);
    ft.copyWithin(0, 1);
    fk.copyWithin(0, 1);
    fc.copyWithin(0, 1);
    this.frontCount--;
    this.pushKeyed(timeUs, key, code);
  }

  /** Inserts an event into the binary heap (sift-up moving a hole). */
  private pushHeap(timeUs: number, key: number, code: number): void {
    if (this.count === this.times.length) this.grow();
    const t = this.times, k = this.keys, c = this.codes;
    let i = this.count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = t[p] as number;
      if (pt < timeUs || (pt === timeUs && (k[p] as number) < key)) break;
      t[i] = pt;
      k[i] = k[p] as number;
      c[i] = c[p] as number;
      i = p;
    }
    t[i] = timeUs;
    k[i] = key;
    c[i] = code;
  }

  /**
   * Removes the earliest event if it is due at or before `endUs` and returns its code (the clock moves
   * to its time), or returns -1 and leaves the queue as it is. One call where a loop would otherwise
   * make three (size, peekTimeUs, pop), each reading the front buffer's count.
   */
  popDue(endUs: number): number {
    const f = this.frontCount - 1;
    if (f >= 0) {
      const t = this.frontTimes[f] as number;
      if (t > endUs) return -1;
      this.frontCount = f;
      this.clock[0] = t;
      this.poppedKey = this.frontKeys[f] as number;
      return this.frontCodes[f] as number;
    }
    if (this.count === 0 || (this.times[0] as number) > endUs) return -1;
    return this.pop();
  }

  /** Removes the earliest event and returns its code; the clock moves to its time. */
  pop(): number {
    const f = this.frontCount - 1;
    if (f >= 0) {
      this.frontCount = f;
      this.clock[0] = this.frontTimes[f] as number;
      this.poppedKey = this.frontKeys[f] as number;
      return this.frontCodes[f] as number;
    }
    const t = this.times, k = this.keys, c = this.codes;
    const topCode = c[0] as number;
    this.clock[0] = t[0] as number;
    this.poppedKey = k[0] as number;
    const n = --this.count;
    if (n > 0) {
      const lt = t[n] as number, lk = k[n] as number, lc = c[n] as number;
      const half = n >> 1;
      let i = 0;
      while (i < half) {
        let child = 2 * i + 1;
        let ct = t[child] as number, ck = k[child] as number;
        const right = child + 1;
        if (right < n) {
          const rt = t[right] as number, rk = k[right] as number;
          if (rt < ct || (rt === ct && rk < ck)) {
            child = right;
            ct = rt;
            ck = rk;
          }
        }
        if (ct > lt || (ct === lt && ck > lk)) break;
        t[i] = ct;
        k[i] = ck;
        c[i] = c[child] as number;
        i = child;
      }
      t[i] = lt;
      k[i] = lk;
      c[i] = lc;
    }
    return topCode;
  }

  /**
   * Copies the events whose `code & mask` is `id` (at most `times.length`) into `times`, `keys` and
   * `args` (`code >>> shift`), front buffer first, then the heap in array order; returns how many.
   */
  copyMatching(mask: number, id: number, shift: number, times: Float64Array, keys: Float64Array, args: Int32Array): number {
    const k = copyPart(this.frontTimes, this.frontKeys, this.frontCodes, this.frontCount, mask, id, shift, times, keys, args, 0);
    return copyPart(this.times, this.keys, this.codes, this.count, mask, id, shift, times, keys, args, k);
  }

  /** The number of queued events whose `code & mask` is `id`. */
  countMatching(mask: number, id: number): number {
    let c = 0;
    for (let i = 0; i < this.frontCount; i++) if (((this.frontCodes[i] as number) & mask) === id) c++;
    for (let i = 0; i < this.count; i++) if (((this.codes[i] as number) & mask) === id) c++;
    return c;
  }

  /**
   * The time of the earliest event whose handler (`code & mask`) is not flagged in `flags`, Infinity
   * when there is none. A walk over the whole queue.
   */
  earliestUnflagged(mask: number, flags: Uint8Array): number {
    let t = Infinity;
    for (let i = 0; i < this.frontCount; i++) {
      if (flags[(this.frontCodes[i] as number) & mask] === 0 && (this.frontTimes[i] as number) < t) t = this.frontTimes[i] as number;
    }
    for (let i = 0; i < this.count; i++) {
      if (flags[(this.codes[i] as number) & mask] === 0 && (this.times[i] as number) < t) t = this.times[i] as number;
    }
    return t;
  }

  /**
   * Removes every event whose handler (`code & mask`) is flagged in `flags`, keeping the others
   * in their order (a replay takes the periodic events out and puts them back later with their keys).
   */
  removeFlagged(mask: number, flags: Uint8Array): void {
    const keptTimes: number[] = [], keptKeys: number[] = [], keptCodes: number[] = [];
    const keep = (times: Float64Array, keys: Float64Array, codes: Int32Array, count: number): void => {
      for (let i = 0; i < count; i++) {
        const c = codes[i] as number;
        if (flags[c & mask] !== 0) continue;
        keptTimes.push(times[i] as number);
        keptKeys.push(keys[i] as number);
        keptCodes.push(c);
      }
    };
    keep(this.frontTimes, this.frontKeys, this.frontCodes, this.frontCount);
    keep(this.times, this.keys, this.codes, this.count);
    this.frontCount = 0;
    this.count = 0;
    for (let i = 0; i < keptTimes.length; i++) this.pushKeyed(keptTimes[i] as number, keptKeys[i] as number, keptCodes[i] as number);
  }

  /** The sequence number `reserveSeq` hands out next. */
  get nextSeq(): number {
    return this.seq;
  }

  /**
   * @internal Hands out `count` more sequence numbers at once, for a jump over steady seconds
   * (SteadyReplay) that knows how many the events it does not run would have reserved.
   */
  reserveMany(count: number): void {
    this.seq += count;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap); t.set(this.times); this.times = t;
    const k = new Float64Array(cap); k.set(this.keys); this.keys = k;
    const c = new Int32Array(cap); c.set(this.codes); this.codes = c;
  }
}
