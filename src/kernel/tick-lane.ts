import { InvariantError } from '../errors.js';
import type { EventQueue } from './event-queue.js';
import { SEQ_SPAN } from './event-queue.js';

/**
 * Periodic timers kept beside the kernel's event queue, one slot per owner (e.g. per node), each
 * with at most one pending tick. A tick takes its place in the total order exactly as an event
 * scheduled on the queue would (timer priority, the queue's insertion sequence), and the kernel
 * runs queue events and lane ticks merged in that one order.
 *
 * What the lane adds is the skip: a tick before its slot's wake time, while the slot's gate is 0,
 * is known by the owner to do nothing but schedule the next tick one period later. The lane does
 * just that itself — reserves the next tick's sequence number at the very place the handler would
 * have, and moves the tick one period on — without dispatching it. Every other event therefore
 * keeps the order it had, and the owner's state is what the handler would have left, so runs stay
 * byte-identical while a chain of such ticks costs neither a queue push and pop nor a handler call.
 * The owner lowers the wake time whenever its state changes so that a tick may do more.
 */
export class TickLane {
  private readonly times: Float64Array;
  private readonly keys: Float64Array;
  private readonly wakes: Float64Array;
  private readonly args: Int32Array;
  /**
   * The pending slots as a circular list in (time, key) order: `next`/`prev` link them, `head` is
   * the earliest (-1: none) and `prev[head]` the latest. A skipped tick takes the newest sequence
   * number and moves one period on, which in a lane whose ticks are at most a period apart puts it
   * after every other pending tick: in a circle the earliest becomes the latest by moving `head`
   * on, so a skip costs one comparison and writes no link, where a scan for the earliest slot
   * cost one comparison per slot at every skip.
   */
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private head = -1;
  /** Time of the earliest pending tick (Infinity: none); read by the kernel's loop. */
  minTime = Infinity;
  /** Order key of the earliest pending tick (Infinity: none). */
  minKey = Infinity;

  constructor(
    private readonly queue: EventQueue,
    private readonly priorityKey: number,
    slots: number,
    private readonly periodUs: number,
    private readonly gate: Uint8Array,
    private readonly handler: (arg: number) => void,
  ) {
    if (!(periodUs > 0) || !Number.isSafeInteger(periodUs)) throw new InvariantError(`tick lane period must be a positive integer, got ${periodUs}`);
    if (gate.length < slots) throw new InvariantError(`tick lane gate covers ${gate.length} slots, fewer than ${slots}`);
    this.times = new Float64Array(slots).fill(Infinity);
    this.keys = new Float64Array(slots);
    this.wakes = new Float64Array(slots).fill(-Infinity);
    this.args = new Int32Array(slots);
    this.next = new Int32Array(slots).fill(-1);
    this.prev = new Int32Array(slots).fill(-1);
  }

  /** Number of pending ticks. */
  get pending(): number {
    let c = 0;
    for (let s = 0; s < this.times.length; s++) if ((this.times[s] as number) !== Infinity) c++;
    return c;
  }

  /**
   * Schedules slot `slot`'s tick at `timeUs` (an integer ≥ now) with `arg`, in the place an event
   * scheduled now would take; a pending tick of the slot is replaced (its owner has disowned it).
   */
  arm(slot: number, timeUs: number, arg: number): void {
    const now = this.queue.clock[0] as number;
    if (!(timeUs >= now) || !Number.isSafeInteger(timeUs)) {
      throw new InvariantError(`tick time must be a safe integer ≥ now (${now}), got ${timeUs}`);
    }
    if ((this.times[slot] as number) !== Infinity) this.unlink(slot);
    this.times[slot] = timeUs;
    this.keys[slot] = this.priorityKey + this.queue.reserveSeq();
    this.args[slot] = arg;
    this.insert(slot);
    this.setMin();
  }

  /** @internal The slot of the earliest pending tick (-1: none), for probes that name what runs next. */
  get earliestSlot(): number {
    return this.head;
  }

  /** Until `wakeUs`, slot `slot`'s ticks may be skipped while its gate is 0 (−Infinity: never). */
  setWake(slot: number, wakeUs: number): void {
    this.wakes[slot] = wakeUs;
  }

  /** Slot `slot`'s wake time (setWake). */
  wakeUs(slot: number): number {
    return this.wakes[slot] as number;
  }

  /** The time of slot `slot`'s pending tick (Infinity: none). */
  tickTimeUs(slot: number): number {
    return this.times[slot] as number;
  }

  /** The order key of slot `slot`'s pending tick (meaningless when none is pending). */
  tickKey(slot: number): number {
    return this.keys[slot] as number;
  }

  /**
   * Takes slot `slot`'s pending tick off the lane without running it, and returns its time
   * (Infinity: none was pending); the slot is then as if never armed. With `place`, for a replay
   * that runs a slot's ticks itself (SteadyReplay): it reserves each skipped tick's sequence number
   * in its place, and sets the slot once, where its skips leave it, rather than at every skip.
   */
  take(slot: number): number {
    const t = this.times[slot] as number;
    if (t === Infinity) return t;
    this.unlink(slot);
    this.times[slot] = Infinity;
    this.setMin();
    return t;
  }

  /**
   * Puts slot `slot`'s tick, not pending (`take`), at `timeUs` with `arg` under the order key `key`
   * without reserving a sequence number: `key` is this lane's priority's base plus a number the caller
   * reserved (`Kernel.reserve`) for it, at the place where the skip that leaves it there would
   * have, and has used for nothing else. The slot then stands exactly as if its ticks had been
   * skipped one by one up to that skip: the same time and key, in the same order among the others.
   */
  place(slot: number, timeUs: number, key: number, arg: number): void {
    const now = this.queue.clock[0] as number;
    if ((this.times[slot] as number) !== Infinity) throw new InvariantError(`tick lane slot ${slot} placed while its tick at ${this.times[slot]} µs is pending`);
    if (!(timeUs >= now) || !Number.isSafeInteger(timeUs)) throw new InvariantError(`tick time must be a safe integer ≥ now (${now}), got ${timeUs}`);
    const seq = key - this.priorityKey;
    if (!(seq >= 0 && seq < this.queue.nextSeq) || !Number.isSafeInteger(seq)) throw new InvariantError(`tick lane key ${key} is not one of its priority's reserved keys`);
    this.times[slot] = timeUs;
    this.keys[slot] = key;
    this.args[slot] = arg;
    this.insert(slot);
    this.setMin();
  }

  /**
   * Runs the earliest tick (the kernel has found it due before the queue's first event): moves the
   * clock and order position to it, then either skips it or dispatches it. Returns whether it was
   * dispatched.
   */
  runEarliest(): boolean {
    // No tick is at or before −Infinity: runBefore stops after the first.
    return this.runBefore(-Infinity, -Infinity);
  }

  /**
   * Runs the earliest tick as runEarliest does, then, while the next earliest tick is at or before
   * `endUs` and before the queue's first event (at `queueTimeUs`), skips it too, and dispatches it
   * if it is not skipped. Returns whether a tick was dispatched (the last thing it did, if so).
   *
   * Nothing but the lane runs between these ticks, so the kernel's loop would have run them in the
   * same order with the same effects, one iteration each: a skip changes only the clock, the order
   * position, the sequence counter and the lane; the queue's first event stays first; the wake
   * times and gates are read as each tick comes, as they are set by handlers only.
   */
  runBefore(endUs: number, queueTimeUs: number): boolean {
    const q = this.queue, times = this.times, keys = this.keys, wakes = this.wakes, gate = this.gate;
    const next = this.next, prev = this.prev, period = this.periodUs, keyBase = this.priorityKey;
    let s = this.head;
    let t = times[s] as number;
    for (;;) {
      const key = keys[s] as number;
      if (!(t < (wakes[s] as number) && gate[s] === 0)) {
        q.clock[0] = t;
        q.poppedKey = key;
        times[s] = Infinity;
        this.unlink(s);
        this.setMin();
        this.handler(this.args[s] as number);
        return true;
      }
      const nt = t + period, latest = prev[s] as number;
      times[s] = nt;
      keys[s] = keyBase + q.reserveSeq();
      // Its newest key puts s after the latest tick unless that one is later than nt: then s is
      // moved to its place; otherwise the circle stands, and the earliest is the one after s.
      if ((times[latest] as number) > nt) {
        this.unlink(s);
        this.insert(s);
      } else {
        this.head = next[s] as number;
      }
      // Written as the kernel's loop tests it: no lane tick left (Infinity) does not run. The
      // clock, the order position and the earliest tick are set once the skips end: nothing reads
      // them in between.
      const h = this.head, ht = times[h] as number;
      if (!(ht <= endUs && (ht < queueTimeUs || (ht === queueTimeUs && (keys[h] as number) < q.peekKey())))) {
        q.clock[0] = t;
        q.poppedKey = key;
        this.setMin();
        return false;
      }
      s = h;
      t = ht;
    }
  }

  /** Takes pending slot `s` out of the order list (the earliest tick is then set by the caller). */
  private unlink(s: number): void {
    const p = this.prev[s] as number, n = this.next[s] as number;
    if (n === s) {
      this.head = -1;
      return;
    }
    this.next[p] = n;
    this.prev[n] = p;
    if (this.head === s) this.head = n;
  }

  /**
   * Puts slot `s` into the order list just after its time and key were set, after every pending
   * tick earlier in (time, key) order and before every later one. A tick armed or skipped has the
   * newest sequence number, so it comes after every pending tick of its time; a placed one
   * (`place`) may not. Found from the latest end, where such a tick usually goes (the earliest tick
   * is then set by the caller).
   */
  private insert(s: number): void {
    const times = this.times, keys = this.keys, prev = this.prev, next = this.next;
    const h = this.head, t = times[s] as number, key = keys[s] as number;
    if (h === -1) {
      this.head = s;
      next[s] = s;
      prev[s] = s;
      return;
    }
    // Walk back from the latest to the first tick that s comes after; past the earliest, s is first.
    let c = prev[h] as number;
    while ((times[c] as number) > t || ((times[c] as number) === t && (keys[c] as number) > key)) {
      if (c === h) {
        c = prev[h] as number;
        this.head = s;
        break;
      }
      c = prev[c] as number;
    }
    const n = next[c] as number;
    next[c] = s;
    prev[s] = c;
    next[s] = n;
    prev[n] = s;
  }

  private setMin(): void {
    // Two stores per branch, not one conditional expression (nor a scan's running minimum that
    // starts at Infinity): V8 joins a loaded float64 and the constant Infinity as a tagged value,
    // boxing the time and the key in a new heap number each, where a float64 stored as it is
    // goes into the field's own box.
    const h = this.head;
    if (h === -1) {
      this.minTime = Infinity;
      this.minKey = Infinity;
    } else {
      this.minTime = this.times[h] as number;
      this.minKey = this.keys[h] as number;
    }
  }
}

/** The order key base of a priority (its sequence numbers are added to it). */
export function priorityKeyBase(priority: number): number {
  return priority * SEQ_SPAN;
}
