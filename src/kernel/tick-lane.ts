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
   * The slots with a pending tick, earliest first, as a ring of `pendingCount` entries from
   * `orderHead`. A skipped tick moves a period on with a fresh sequence number, past every other
   * pending tick (each is at most a period ahead when its owner arms it a period at a time, as the
   * cache task does), so it goes to the back without a search: a skip costs no scan of the slots.
   */
  private readonly order: Int32Array;
  private orderHead = 0;
  private pendingCount = 0;
  /** Time of the earliest pending tick (Infinity: none); read by the kernel's loop. */
  minTime = Infinity;
  /** Order key of the earliest pending tick. */
  minKey = Infinity;
  private minSlot = -1;

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
    this.order = new Int32Array(slots);
  }

  /** Number of pending ticks. */
  get pending(): number {
    return this.pendingCount;
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
    if ((this.times[slot] as number) !== Infinity) this.unlist(slot);
    this.times[slot] = timeUs;
    this.keys[slot] = this.priorityKey + this.queue.reserveSeq();
    this.args[slot] = arg;
    this.list(slot);
    this.takeMin();
  }

  /** Until `wakeUs`, slot `slot`'s ticks may be skipped while its gate is 0 (−Infinity: never). */
  setWake(slot: number, wakeUs: number): void {
    this.wakes[slot] = wakeUs;
  }

  /** The time of slot `slot`'s pending tick (Infinity: none). */
  tickTimeUs(slot: number): number {
    return this.times[slot] as number;
  }

  /**
   * Runs the earliest tick (the kernel has found it due before the queue's first event): moves the
   * clock and order position to it, then either skips it or dispatches it. Returns whether it was
   * dispatched.
   */
  runEarliest(): boolean {
    const s = this.minSlot, q = this.queue;
    const t = this.times[s] as number;
    q.clock[0] = t;
    q.poppedKey = this.keys[s] as number;
    // The earliest leaves the front of the order either way.
    this.orderHead = this.orderHead + 1 === this.order.length ? 0 : this.orderHead + 1;
    this.pendingCount--;
    if (t < (this.wakes[s] as number) && this.gate[s] === 0) {
      this.times[s] = t + this.periodUs;
      this.keys[s] = this.priorityKey + q.reserveSeq();
      this.list(s);
      this.takeMin();
      return false;
    }
    this.times[s] = Infinity;
    this.takeMin();
    this.handler(this.args[s] as number);
    return true;
  }

  /** The ring position of the k-th pending slot in order. */
  private at(k: number): number {
    const p = this.orderHead + k;
    return p >= this.order.length ? p - this.order.length : p;
  }

  /** Whether slot a's pending tick comes before slot b's in the total order. */
  private before(a: number, b: number): boolean {
    const ta = this.times[a] as number, tb = this.times[b] as number;
    return ta < tb || (ta === tb && (this.keys[a] as number) < (this.keys[b] as number));
  }

  /** Puts `slot` (its tick just set) into the order, searching from the back. */
  private list(slot: number): void {
    const order = this.order;
    let k = this.pendingCount;
    while (k > 0 && this.before(slot, order[this.at(k - 1)] as number)) {
      order[this.at(k)] = order[this.at(k - 1)] as number;
      k--;
    }
    order[this.at(k)] = slot;
    this.pendingCount++;
  }

  /** Takes `slot` (pending) out of the order. */
  private unlist(slot: number): void {
    const order = this.order, n = this.pendingCount;
    let k = 0;
    while ((order[this.at(k)] as number) !== slot) k++;
    for (; k < n - 1; k++) order[this.at(k)] = order[this.at(k + 1)] as number;
    this.pendingCount = n - 1;
  }

  /** Reads the earliest pending tick off the front of the order. */
  private takeMin(): void {
    if (this.pendingCount === 0) {
      this.minSlot = -1;
      this.minTime = Infinity;
      this.minKey = Infinity;
      return;
    }
    const s = this.order[this.orderHead] as number;
    this.minSlot = s;
    this.minTime = this.times[s] as number;
    this.minKey = this.keys[s] as number;
  }
}

/** The order key base of a priority (its sequence numbers are added to it). */
export function priorityKeyBase(priority: number): number {
  return priority * SEQ_SPAN;
}
