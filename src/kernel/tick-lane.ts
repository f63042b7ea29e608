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
    this.times[slot] = timeUs;
    this.keys[slot] = this.priorityKey + this.queue.reserveSeq();
    this.args[slot] = arg;
    this.findMin();
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
    if (t < (this.wakes[s] as number) && this.gate[s] === 0) {
      this.times[s] = t + this.periodUs;
      this.keys[s] = this.priorityKey + q.reserveSeq();
      this.findMin();
      return false;
    }
    this.times[s] = Infinity;
    this.findMin();
    this.handler(this.args[s] as number);
    return true;
  }

  private findMin(): void {
    const times = this.times, keys = this.keys;
    let best = -1, bt = Infinity, bk = Infinity;
    for (let s = 0; s < times.length; s++) {
      const t = times[s] as number;
      if (t < bt || (t === bt && t !== Infinity && (keys[s] as number) < bk)) {
        best = s;
        bt = t;
        bk = keys[s] as number;
      }
    }
    this.minSlot = best;
    this.minTime = bt;
    this.minKey = bk;
  }
}

/** The order key base of a priority (its sequence numbers are added to it). */
export function priorityKeyBase(priority: number): number {
  return priority * SEQ_SPAN;
}
