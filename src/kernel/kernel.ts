import { InvariantError } from '../errors.js';
import { EventQueue, SEQ_SPAN } from './event-queue.js';
import { priorityKeyBase, TickLane } from './tick-lane.js';

/** A handler receives the event's argument (a non-negative integer below 2^25). */
export type EventHandler = (arg: number) => void;

/** Bits of an event code that name its handler; the rest carry the handler's argument. */
const HANDLER_BITS = 6;
const HANDLER_MASK = (1 << HANDLER_BITS) - 1;
/** MAX_EVENT_ARG for this module's own use (a private const, see SPAN in event-queue.ts). */
const ARG_MASK = (1 << (31 - HANDLER_BITS)) - 1;
/** SEQ_SPAN, read once: an imported binding is read through a cell on every use, as an exported one. */
const KEY_SPAN = SEQ_SPAN;
/** Largest argument an event can carry (25 bits, so that the packed code stays a positive int32). */
export const MAX_EVENT_ARG = ARG_MASK;

/**
 * Whether `arg` is an integer in 0..MAX_EVENT_ARG. MAX_EVENT_ARG is all ones, so masking keeps
 * exactly those integers unchanged (a fraction, NaN, a negative or larger value changes).
 */
function isEventArg(arg: number): boolean {
  return (arg & ARG_MASK) === arg;
}

/** Whether `priority` is an integer in 0..3 (3 is all ones, as for isEventArg). */
function isPriority(priority: number): boolean {
  return (priority & 3) === priority;
}

/**
 * Priorities break ties between events at the same microsecond: lower runs first. Network
 * deliveries run before timers so that a message and a timer due at the same instant see the
 * message, as XCom's task loop reads sockets before it runs a woken task's continuation.
 */
export const PRIORITY = {
  /** External faults and user actions scheduled by the composition root. */
  control: 0,
  delivery: 1,
  timer: 2,
  /** Work that must follow everything else at the same instant (e.g. a woken thread). */
  late: 3,
} as const;

/**
 * Events (and lane ticks) `runUntil` dispatches per call of its loop function (dispatchChunk): small
 * enough that the function is called thousands of times a simulated minute of a busy group.
 */
const DISPATCH_CHUNK = 128;

/** The order key base of timer priority (runReservedAt). */
const TIMER_KEY_BASE = PRIORITY.timer * KEY_SPAN;

/**
 * The discrete-event kernel: a virtual clock in integer microseconds and an event queue ordered by
 * (time, priority, insertion sequence). It steps synchronously; nothing here touches real time.
 */
export class Kernel {
  private readonly queue = new EventQueue(1024);
  /** The queue's clock: `clock[0]` is the current virtual time. */
  private readonly clock = this.queue.clock;

  /** Current virtual time in microseconds. */
  get nowUs(): number {
    return this.clock[0] as number;
  }

  /** Events dispatched so far. */
  eventsDispatched = 0;
  private readonly handlers: EventHandler[] = [];
  /** The periodic-tick lane run merged with the queue (see TickLane), if one was created. */
  private lane: TickLane | null = null;
  private readonly handlerNames: string[] = [];
  /** Whether `runUntil` is dispatching events (for `runReservedAt`). */
  private dispatching = false;
  /**
   * The time `runUntil` runs to (for `runReservedAt`). A double from the start (-Infinity, never
   * read before runUntil sets it): V8 keeps a field that first held a small integer as one, and the
   * first run end past 2^31 µs (35.8 min; the stretch's replay runs the kernel to each window's
   * end) made it a double, changing the kernel's shape and throwing away every optimised function
   * that had seen the kernel.
   */
  private runEndUs = -Infinity;
  /**
   * Events runReservedAt let run in place, so far. They count in eventsDispatched at once, the
   * events runUntil dispatches only when it returns: after a handler threw (the trace bound), the
   * count has those of the run that threw but none of its other events (Simulation's stepped run
   * reads this to leave the same count).
   */
  reservedRuns = 0;
  /** Set by `dispatchChunk` when it stopped at its chunk's size rather than at the run's end. */
  private chunkFull = false;

  /** Registers a handler and returns its id; at most 64 handlers. */
  register(name: string, handler: EventHandler): number {
    const id = this.handlers.length;
    if (id > HANDLER_MASK) throw new InvariantError(`too many kernel handlers (registering ${name})`);
    this.handlers.push(handler);
    this.handlerNames.push(name);
    return id;
  }

  /**
   * Creates the kernel's tick lane: `slots` periodic timers of `periodUs` at timer priority whose
   * ticks run `handler` unless skipped (TickLane). `gate[slot]` ≠ 0 forbids skipping that slot's
   * ticks. One lane per kernel.
   */
  createTickLane(name: string, slots: number, periodUs: number, gate: Uint8Array, handler: EventHandler): TickLane {
    if (this.lane !== null) throw new InvariantError(`the kernel has a tick lane already (creating ${name})`);
    this.lane = new TickLane(this.queue, priorityKeyBase(PRIORITY.timer), slots, periodUs, gate, handler);
    return this.lane;
  }

  /** Schedules handler `handlerId` with `arg` after `delayUs` microseconds (an integer ≥ 0). */
  schedule(delayUs: number, handlerId: number, arg: number, priority: number = PRIORITY.timer): void {
    // The time is formed inside the queue from its clock, so no time value crosses a call. The
    // tests are written out rather than called (isEventArg, isPriority) and the messages built in
    // refuseEvent: V8 inlines the queue's push into a caller only while the bytecode it has
    // inlined there stays under a budget, and each helper counts against it.
    const timeUs = (this.clock[0] as number) + delayUs;
    if (
      !(delayUs >= 0 && Number.isSafeInteger(timeUs)) ||
      (arg & ARG_MASK) !== arg ||
      (priority & 3) !== priority
    ) {
      this.refuseEvent('delay', delayUs, arg, priority);
    }
    this.queue.pushAfter(delayUs, priority, (arg << HANDLER_BITS) | handlerId);
  }

  /** Schedules handler `handlerId` with `arg` at absolute time `timeUs` (an integer ≥ now). */
  scheduleAt(timeUs: number, handlerId: number, arg: number, priority: number = PRIORITY.timer): void {
    // Written out as in `schedule`.
    if (
      !(timeUs >= (this.clock[0] as number) && Number.isSafeInteger(timeUs)) ||
      (arg & ARG_MASK) !== arg ||
      (priority & 3) !== priority
    ) {
      this.refuseEvent('time', timeUs, arg, priority);
    }
    this.queue.push(timeUs, priority, (arg << HANDLER_BITS) | handlerId);
  }

  /**
   * Throws the error for an event `schedule` (a `delay`) or `scheduleAt` (a `time`) refused, naming
   * the first rule it breaks. Kept out of the scheduling methods: building the messages would more
   * than double their bytecode, which V8 weighs when it decides what to inline.
   */
  private refuseEvent(kind: 'delay' | 'time', when: number, arg: number, priority: number): never {
    const now = this.clock[0] as number;
    if (kind === 'delay' && !(when >= 0 && Number.isSafeInteger(now + when))) {
      throw new InvariantError(`event delay must be an integer ≥ 0 that keeps the time a safe integer (now ${now}), got ${when}`);
    }
    if (kind === 'time' && !(when >= now && Number.isSafeInteger(when))) {
      throw new InvariantError(`event time must be a safe integer ≥ now (${now}), got ${when}`);
    }
    if (!isPriority(priority)) throw new InvariantError(`event priority must be an integer in 0..3, got ${priority}`);
    throw new InvariantError(`event argument must be an integer in 0..${MAX_EVENT_ARG}, got ${arg}`);
  }

  /**
   * Reserves the place in the total order that an event scheduled now would take, without
   * scheduling it, and returns its sequence number. A layer that applies some events' effects
   * without dispatching them (the network's quiet arrivals) compares `orderKey(priority, seq)` with
   * `orderPosition` to see whether such an event is past, and schedules it with `scheduleReserved`
   * if it must run after all; either way every other event keeps the order it had.
   */
  reserve(): number {
    return this.queue.reserveSeq();
  }

  /**
   * Lets the timer event reserved as `seq` (`reserve`) for `timeUs` (≥ now) run at once, inside the
   * handler being dispatched, when it is certain to be the next event: `runUntil` is dispatching
   * (`step` hands control back to its caller between events), the run does not end before
   * `timeUs`, and nothing is queued or due on the lane at or before `timeUs`. Then the clock and
   * the position move to it, as dispatching it would, and it counts as dispatched; the caller runs
   * its handler now. Otherwise returns false, and the caller schedules it with `scheduleReserved`.
   * Either way every event keeps its place in the order. The caller must do nothing after running
   * it, up to the end of the dispatched handler: the clock may have moved on.
   */
  runReservedAt(timeUs: number, seq: number): boolean {
    if (!this.dispatching || timeUs > this.runEndUs) return false;
    // Anything at `timeUs` already declines, though an event of a later priority would come after
    // this one: comparing order keys there would be code that runs only now and then, which V8
    // optimises without having seen it run and throws away (with every caller it is inlined
    // into) when it first does. Both times are read before either is tested, for the same reason.
    const q = this.queue, lane = this.lane;
    const qt = q.peekTimeUs(), lt = lane === null ? Infinity : lane.minTime;
    if (qt <= timeUs || lt <= timeUs) return false;
    this.clock[0] = timeUs;
    q.poppedKey = TIMER_KEY_BASE + seq;
    this.eventsDispatched++;
    this.reservedRuns++;
    return true;
  }

  /**
   * runReservedAt for an event of any priority that the dispatch loop would have dispatched (a
   * message's delivery, Network.runArrivalsInPlace): the same test and the same move of the clock
   * and the order position, but it counts in eventsDispatched as the loop counts its own events,
   * when runUntil returns (not if a handler throws first), so the count after a run is the same as
   * if the event had been queued. Otherwise false, and the caller queues it in its reserved place.
   */
  runInPlaceAt(timeUs: number, priority: number, seq: number): boolean {
    if (!this.dispatching || timeUs > this.runEndUs) return false;
    const q = this.queue, lane = this.lane;
    const qt = q.peekTimeUs(), lt = lane === null ? Infinity : lane.minTime;
    if (qt <= timeUs || lt <= timeUs) return false;
    this.clock[0] = timeUs;
    q.poppedKey = priority * KEY_SPAN + seq;
    this.inPlaceRuns++;
    return true;
  }

  /** Events runInPlaceAt let run in the current runUntil call, added to eventsDispatched when it returns. */
  private inPlaceRuns = 0;

  /**
   * Runs, for a replay outside the dispatch loop (SteadyReplay), the event whose order key is
   * `orderKey` at `timeUs` (≥ now), which the replay took out of the queue (takeQueued): the clock
   * and the order position move to it as dispatching it would, and it counts as dispatched. The
   * caller runs its effects now.
   */
  replayAt(timeUs: number, orderKey: number): void {
    if (this.dispatching || !(timeUs >= (this.clock[0] as number))) this.refuseReplay(timeUs);
    this.clock[0] = timeUs;
    this.queue.poppedKey = orderKey;
    this.eventsDispatched++;
  }

  /**
   * Throws the error for an event replayAt refused. Kept out of replayAt: with the message's
   * template there, V8, inlining replayAt at several places of one loop (SteadyReplay.runItems),
   * may merge the template's conversions of the time to a string into one and place it where
   * every one of them is reached from, before the loop body's branches: a double's conversion to
   * a string on every item run, never used (docs/speed.md, issue 15).
   */
  private refuseReplay(timeUs: number): never {
    throw new InvariantError(`replayAt: an event at ${timeUs} µs replayed ${this.dispatching ? 'while the kernel dispatches' : `before now (${this.clock[0]} µs)`}`);
  }

  /**
   * Runs, for a replay outside the dispatch loop (SteadyReplay), the queue's earliest event when it
   * is of handler `handlerId`, due at `timeUs` (≥ now), and before every lane tick: takes it out of
   * the queue, moves the clock and the order position to it and counts it, as dispatching it would,
   * and returns its argument; the caller runs its effects now. Returns -1, taking nothing, when that
   * is not the next event.
   */
  replayQueuedAt(timeUs: number, handlerId: number): number {
    const q = this.queue, lane = this.lane;
    const code = q.peekCode();
    if (this.dispatching || code < 0 || (code & HANDLER_MASK) !== handlerId || q.peekTimeUs() !== timeUs ||
      !(timeUs >= (this.clock[0] as number)) || (lane !== null && !this.laneAfter(lane, timeUs))) return -1;
    q.pop();
    this.eventsDispatched++;
    return code >>> HANDLER_BITS;
  }

  /** Whether the lane's earliest tick comes after the queue's earliest event, which is due at `timeUs`. */
  private laneAfter(lane: TickLane, timeUs: number): boolean {
    const lt = lane.minTime;
    return lt > timeUs || (lt === timeUs && lane.minKey > this.queue.peekKey());
  }

  /**
   * @internal The tick lane (null: none created), for a replay outside the dispatch loop
   * (SteadyReplay) that reserves the numbers of the lane's skipped ticks itself and sets their
   * slots with TickLane.take and place.
   */
  get tickLane(): TickLane | null {
    return this.lane;
  }

  /**
   * @internal For a jump over steady seconds outside the dispatch loop (SteadyReplay.jump): the
   * clock moves to `timeUs` (≥ now), `reserved` more sequence numbers are handed out and
   * `dispatched` more events counted, as running the events the jump stands for would have left
   * them. The order position is left to the next replayed event.
   */
  jumpBy(timeUs: number, reserved: number, dispatched: number): void {
    if (this.dispatching || !(timeUs >= (this.clock[0] as number))) this.refuseReplay(timeUs);
    if (!(Number.isSafeInteger(reserved) && reserved >= 0)) throw new InvariantError(`jumpBy: ${reserved} sequence numbers to reserve`);
    this.clock[0] = timeUs;
    this.queue.reserveMany(reserved);
    this.eventsDispatched += dispatched;
  }

  /**
   * @internal Moves the clock to `timeUs` (≥ now) without counting an event, for a jump's cache
   * samples (SteadyReplay.jump), whose effects read the clock; the jump counts them itself.
   */
  jumpClock(timeUs: number): void {
    if (this.dispatching || !(timeUs >= (this.clock[0] as number))) this.refuseReplay(timeUs);
    this.clock[0] = timeUs;
  }

  /** Takes every queued event of the handlers in `handlerIds` out of the queue (lane ticks stay). A walk over the queue. */
  takeQueued(handlerIds: Int32Array): void {
    const flags = this.handlerFlags;
    flags.fill(0);
    for (let k = 0; k < handlerIds.length; k++) flags[(handlerIds[k] as number) & HANDLER_MASK] = 1;
    this.queue.removeFlagged(HANDLER_MASK, flags);
  }

  /** The sequence number `reserve` returns next. */
  get nextSequence(): number {
    return this.queue.nextSeq;
  }

  /** The order key, within one microsecond, of an event of `priority` with sequence number `seq`. */
  orderKey(priority: number, seq: number): number {
    return priority * KEY_SPAN + seq;
  }

  /** Schedules handler `handlerId` with `arg` at `timeUs` (≥ now) in the place `reserve` returned. */
  scheduleReserved(timeUs: number, priority: number, seq: number, handlerId: number, arg: number): void {
    if (!(timeUs >= (this.clock[0] as number) && Number.isSafeInteger(timeUs)) || !isEventArg(arg)) {
      this.refuseEvent('time', timeUs, arg, PRIORITY.timer);
    }
    this.queue.pushKeyed(timeUs, priority * KEY_SPAN + seq, (arg << HANDLER_BITS) | handlerId);
  }

  /**
   * Where the run stands within `nowUs`, as an order key: an event at `nowUs` whose `orderKey` is
   * below it has been dispatched by now, one at an earlier time always has.
   */
  get orderPosition(): number {
    // The key of the event being (or last) dispatched, which `pop` leaves in the queue; Infinity
    // once `runUntil` has run everything due at `nowUs`.
    return this.queue.poppedKey;
  }

  /** Number of events waiting (the lane's pending ticks included). */
  get pending(): number {
    return this.queue.size + (this.lane === null ? 0 : this.lane.pending);
  }

  /** Time of the next event or lane tick, or Infinity. */
  nextEventTimeUs(): number {
    const t = this.queue.peekTimeUs();
    return this.lane === null ? t : Math.min(t, this.lane.minTime);
  }

  /** Whether the lane's earliest tick comes before the queue's earliest event. */
  private laneFirst(lane: TickLane): boolean {
    const lt = lane.minTime, ht = this.queue.peekTimeUs();
    return lt < ht || (lt === ht && lt !== Infinity && lane.minKey < this.queue.peekKey());
  }

  /** Runs the earliest event (a skipped lane tick counts as one). Returns false when nothing is waiting. */
  step(): boolean {
    this.dispatching = false;
    const lane = this.lane;
    if (lane !== null && this.laneFirst(lane)) {
      if (lane.runEarliest()) this.eventsDispatched++;
      return true;
    }
    if (this.queue.size === 0) return false;
    const code = this.queue.pop();
    this.eventsDispatched++;
    (this.handlers[code & HANDLER_MASK] as EventHandler)(code >>> HANDLER_BITS);
    return true;
  }

  /**
   * Runs every event due at or before `endUs`, then sets the clock to `endUs`.
   * Returns the number of events run.
   */
  runUntil(endUs: number): number {
    this.dispatching = true;
    this.runEndUs = endUs;
    this.inPlaceRuns = 0;
    let n = 0;
    try {
      do {
        this.chunkFull = false;
        n += this.dispatchChunk(endUs);
      } while (this.chunkFull);
    } finally {
      // A handler that throws (a caller's `Simulation.at` callback, say) leaves the kernel usable:
      // the replays of later steps refuse to run while it counts as dispatching.
      this.dispatching = false;
    }
    n += this.inPlaceRuns;
    this.eventsDispatched += n;
    if (endUs > (this.clock[0] as number)) this.clock[0] = endUs;
    this.queue.poppedKey = Infinity;
    return n;
  }

  /**
   * runUntil's loop, alone in a function and in chunks of at most DISPATCH_CHUNK events (then it
   * sets `chunkFull` and returns). Alone: code after the loop in the same function would be reached
   * for the first time by the loop's optimised code, with no type feedback yet, throwing it away
   * at the end of the first runs. In chunks: V8 then optimises it as a function called again and
   * again, whose optimised code every later call and every later run enters, rather than while one
   * long call runs (on-stack replacement), which it does again in each run that starts in
   * unoptimised code (a caller running a long simulation in steps compiled this loop, with the
   * handlers V8 inlines into it, once per step).
   */
  private dispatchChunk(endUs: number): number {
    const q = this.queue;
    const handlers = this.handlers;
    const lane = this.lane;
    let n = 0;
    if (lane === null) {
      for (let left = DISPATCH_CHUNK; left > 0; left--) {
        const code = q.popDue(endUs);
        if (code < 0) return n;
        n++;
        (handlers[code & HANDLER_MASK] as EventHandler)(code >>> HANDLER_BITS);
      }
      this.chunkFull = true;
      return n;
    }
    for (let left = DISPATCH_CHUNK; left > 0; left--) {
      const ht = q.peekTimeUs(), lt = lane.minTime;
      if (lt < ht || (lt === ht && lt !== Infinity && lane.minKey < q.peekKey())) {
        if (lt > endUs) return n;
        // The ticks skipped after it, up to the queue's first event, in the same call.
        if (lane.runBefore(endUs, ht)) n++;
      } else {
        if (ht > endUs || ht === Infinity) return n;
        const code = q.pop();
        n++;
        (handlers[code & HANDLER_MASK] as EventHandler)(code >>> HANDLER_BITS);
      }
    }
    this.chunkFull = true;
    return n;
  }

  // The census of queued events by handler, which the stretch's steady check reads
  // (src/sim/stretch.ts), is taken by walking the queue when asked, not kept by counters in
  // schedule and dispatch: counters cost the default idle group 11 M instructions per simulated
  // hour (1 %, docs/speed.md), a walk over its 40-odd queued events a few hundred per check.

  /** How many events of handler `handlerId` are queued now (lane ticks not counted). A walk over the queue. */
  queuedCount(handlerId: number): number {
    return this.queue.countMatching(HANDLER_MASK, handlerId & HANDLER_MASK);
  }

  /** Whether every queued event belongs to one of the handlers of `handlerIds` (lane ticks not counted). A walk over the queue. */
  queuedOnly(handlerIds: Int32Array): boolean {
    return this.earliestQueuedOutside(handlerIds) === Infinity;
  }

  /**
   * The time of the earliest queued event whose handler is none of `handlerIds`, Infinity when
   * there is none (lane ticks not counted). A walk over the queue: for a check made once per
   * stretch, not per event.
   */
  earliestQueuedOutside(handlerIds: Int32Array): number {
    const flags = this.handlerFlags;
    flags.fill(0);
    for (let k = 0; k < handlerIds.length; k++) flags[(handlerIds[k] as number) & HANDLER_MASK] = 1;
    return this.queue.earliestUnflagged(HANDLER_MASK, flags);
  }

  /** Scratch of earliestQueuedOutside: 1 per handler id it leaves out. */
  private readonly handlerFlags = new Uint8Array(HANDLER_MASK + 1);

  /**
   * Copies the queued events of handler `handlerId` (at most `times.length`) into `times`, `keys`
   * (order keys within their microsecond) and `args`, in no particular order, and returns how many
   * it copied. A walk over the whole queue: for a check made once per stretch, not per event.
   */
  queuedEventsOf(handlerId: number, times: Float64Array, keys: Float64Array, args: Int32Array): number {
    return this.queue.copyMatching(HANDLER_MASK, handlerId, HANDLER_BITS, times, keys, args);
  }

  /** The id of the handler registered first under `name`, -1 when none is. */
  handlerIdOf(name: string): number {
    return this.handlerNames.indexOf(name);
  }

  /** Name of a registered handler (for diagnostics). */
  handlerName(id: number): string {
    return this.handlerNames[id] ?? `#${id}`;
  }
}
