import { InvariantError } from '../errors.js';
import type { GcsNode } from '../gcs/gcs-node.js';
import type { FlowControlStats } from '../gr/flow-control-stats.js';
import { SEQ_SPAN } from '../kernel/event-queue.js';
import type { Kernel } from '../kernel/kernel.js';
import type { TickLane } from '../kernel/tick-lane.js';
import { CACHE_MANAGER_TASK_PERIOD_US } from '../xcom/constants.js';
import type { LogEntry } from '../xcom/log-entry.js';
import type { XcomCluster } from '../xcom/xcom-cluster.js';
import { JUMP_STEP_SECONDS, JUMP_TAIL_MARGIN_SECONDS, SteadyJump } from './steady-jump.js';
import {
  ORDER_ALIVE, ORDER_CACHE_SAMPLE, ORDER_DECISION, ORDER_DECISION_LANE, ORDER_DETECTOR, ORDER_LANE_SKIP, ORDER_STEP, ORDER_THREAD,
  STEADY_PERIOD_US, TIMER_KEY_BASE, statsCellBytes, type ReplayVisit, type SteadyGroupCheck,
} from './stretch.js';

/** Exact seconds a replay runs before it may jump (SteadyJump): the second each jumped one repeats. */
const JUMP_HEAD_SECONDS = 1;
/** Seconds after the first in which a replay still tries to jump when the jump was refused. */
const JUMP_TRY_SECONDS = 10;

/** What the replay drives (the composition root hands it over). */
export interface SteadyReplayParts {
  readonly kernel: Kernel;
  readonly xcom: XcomCluster;
  readonly gcs: (slot: number) => GcsNode;
  readonly flowControlStats: FlowControlStats;
  /** The kernel handler ids of the periodic events. */
  readonly handlers: { readonly alive: number; readonly detector: number; readonly gcsThread: number; readonly flowControlStats: number };
  /** The kernel handler id of a consensus decision (the event a step queues). */
  readonly decided: number;
  /**
   * The members (bit i: member i) whose execute upcall for a decided entry would change nothing
   * now (the folded statistics delivery; 0 for any other entry), as the upcall itself tests it.
   */
  readonly statsFolded: (entry: LogEntry) => number;
}

/**
 * Runs whole steady seconds outside the kernel's dispatch loop, in the fixed order the steady
 * check found (SteadyGroupCheck.secondOrder; docs/speed.md, "Replaying whole steady seconds"):
 * the periodic events are taken out of the queue, and each item of each second runs in its place
 * in that order: a step, alive, detector or suspicions-thread tick through the handler's own body
 * with the kernel's clock and order position where dispatching it would put them
 * (Kernel.replayAt), reserving the place its next event would take; a decision as one block with
 * its learns (Consensus.decideInReplay: the decision event its step queued taken in its place, its
 * learns' draws, arrivals and deliveries in one pass, no other item falling in the window); a
 * decision whose window holds cache-task ticks of other members' tasks through the kernel, to the
 * window's end, those ticks' slots back on the lane first; a cache-task tick the lane skips as its
 * sequence number reserved in its place, the member's lane slot taken off the lane at the first of
 * a run of such ticks and put back once, where they leave it (TickLane.take and place); the one
 * that takes the growth sample through XcomCluster.cacheSampleTick, dispatched where the lane
 * would. At the end the periodic events go back into
 * the queue at the times and keys the walk gives (SteadyGroupCheck.walkSeconds), and the kernel's
 * sequence counter must be where the walk says, or the replay throws: a replay that reserved
 * differently from the order has diverged, which must not pass silently.
 *
 * The decision block is the first reduced body (docs/speed.md, "The replay's decision block");
 * the other items still run their handlers' general bodies.
 */
export class SteadyReplay implements ReplayVisit {
  private readonly periodic: Int32Array;
  /** The network's reach epoch when the replay started (the steady check's). */
  private reachEpoch = -1;
  /**
   * Per member, while its cache-task slot is off the lane (`heldUs` finite): the time and order key
   * its pending tick has after the skips replayed so far. Off the lane, the slot is invisible to
   * the decision blocks (Kernel.replayQueuedAt, Kernel.nextEventTimeUs, and the kernel's runs of
   * the blocks with lane ticks in their windows): rightly, as the order puts none of its grid points
   * in a learn window of those, so its pending tick always lies after the window being run.
   */
  private readonly heldUs: Float64Array;
  private readonly heldKey: Float64Array;
  /** Suspicions-thread ticks replayed so far. */
  private threadTicks = 0;
  /** Jumps over steady seconds between exact ones (SteadyJump); off only for tests that compare them. */
  jumps = true;
  /** Seconds jumped so far (Simulation.stretchStats). */
  jumpedSeconds = 0;
  private readonly jumper: SteadyJump;

  constructor(private readonly parts: SteadyReplayParts, private readonly check: SteadyGroupCheck) {
    const h = parts.handlers;
    this.periodic = Int32Array.of(h.alive, h.detector, h.gcsThread, h.flowControlStats);
    this.heldUs = new Float64Array(parts.xcom.n).fill(Infinity);
    this.heldKey = new Float64Array(parts.xcom.n);
    this.jumper = new SteadyJump(parts, check);
  }

  /** The kernel's tick lane (the cache task's), which a steady group always has. */
  private lane(): TickLane {
    const lane = this.parts.kernel.tickLane;
    if (lane === null) throw new InvariantError('steady replay: the kernel has no tick lane');
    return lane;
  }

  /**
   * Replays `seconds` whole seconds from now, after the check found the group steady and
   * `secondOrder` held, nothing being queued before their end but the periodic events; the clock
   * then stands at their end, as `Kernel.runUntil` to it leaves it.
   */
  run(seconds: number): void {
    const { kernel, xcom, handlers: h } = this.parts;
    const n = xcom.n, endUs = kernel.nowUs + seconds * STEADY_PERIOD_US;
    kernel.takeQueued(this.periodic);
    this.reachEpoch = xcom.net.reachEpoch;
    const check = this.check;
    check.beginWalk();
    // The lane runs no tick in the replay, and an armed task's wake time is the arm's: not set again at every learn.
    // A cache that evicts steadily frees a cell at each learn with a reduced shrink_cache.
    xcom.holdCacheWakes(statsCellBytes(n), n);
    const startUs = kernel.nowUs;
    let secondStartUs = startUs, secondStartSeq = kernel.nextSequence, freeBefore: readonly number[] = [], eventsBefore = 0, threadsBefore = 0, learnsBefore = 0;
    // Until a jump is taken: the seconds from the first on may be jumped from (SteadyJump), for
    // JUMP_TRY_SECONDS, as long as enough seconds are left for a jump and the exact ones after it.
    let tryJump = this.jumps;
    for (let s = 0; s < seconds;) {
      if (tryJump && s >= JUMP_HEAD_SECONDS) {
        const tail = xcom.net.quietRoom + JUMP_TAIL_MARGIN_SECONDS;
        // A cache that evicts steadily takes as many learns as its reduced shrinks allow (n a second).
        const most = Math.min(seconds - s - tail, Math.floor(xcom.jumpCacheLearns() / xcom.n));
        const jumped = Math.floor(most / JUMP_STEP_SECONDS) * JUMP_STEP_SECONDS;
        // The second a jump repeats must have been one too: no warm-up learn in it (shrinkWarmups).
        if (jumped > 0 && learnsBefore > 0 && this.jumper.ready(secondStartUs, secondStartSeq, freeBefore, this.heldUs)) {
          const eventsPerSecond = kernel.eventsDispatched - eventsBefore - (this.threadTicks - threadsBefore);
          this.jumper.jump(jumped, secondStartUs, eventsPerSecond, this.heldUs, this.heldKey);
          this.jumpedSeconds += jumped;
          s += jumped;
          tryJump = false;
          continue;
        }
        // Refusals that pass within a few seconds: the learns' shrink_cache warm-up (32 learns in
        // all, 8 s of a 2-member group), a statistics delivery not folded yet; the others stay.
        if (s >= JUMP_HEAD_SECONDS + JUMP_TRY_SECONDS || seconds - s - tail < JUMP_STEP_SECONDS) tryJump = false;
      }
      if (tryJump) {
        // The second that starts now is the one a jump after it repeats.
        secondStartUs = startUs + s * STEADY_PERIOD_US;
        secondStartSeq = kernel.nextSequence;
        freeBefore = xcom.consensus.freeIds();
        eventsBefore = kernel.eventsDispatched;
        threadsBefore = this.threadTicks;
        learnsBefore = xcom.jumpCacheLearns();
      }
      const seq = check.walkSeconds(1, kernel.nextSequence, this);
      if (kernel.nextSequence !== seq) {
        throw new InvariantError(`steady replay: ${kernel.nextSequence - seq} more sequence numbers reserved than the order gives (second ${s + 1} of ${seconds} to ${endUs} µs)`);
      }
      s++;
    }
    if (!xcom.settleCacheWakes()) throw new InvariantError(`steady replay: a cache task's wake time at ${endUs} µs is not the one its learns would have set`);
    // The cache-task slots off the lane go back where their last skips left them.
    this.placeHeld(Infinity);
    for (let m = 0; m < n; m++) {
      this.putBack(check.endStepUs[m] as number, check.endStepKey[m] as number, h.flowControlStats, m);
      this.putBack(check.endAliveUs[m] as number, check.endAliveKey[m] as number, h.alive, xcom.nodeArg(m));
      this.putBack(check.endDetectorUs[m] as number, check.endDetectorKey[m] as number, h.detector, xcom.detectorTimerArg(m));
      this.putBack(check.endThreadUs[m] as number, check.endThreadKey[m] as number, h.gcsThread, this.parts.gcs(m).threadTimerArg());
    }
    // Everything due by the end has run: this moves the clock there and closes the position.
    kernel.runUntil(endUs);
  }

  /** Puts back on the lane each cache-task slot held off it whose pending tick is at or before `untilUs`. */
  private placeHeld(untilUs: number): void {
    const lane = this.lane(), heldUs = this.heldUs, xcom = this.parts.xcom;
    for (let m = 0; m < heldUs.length; m++) {
      const t = heldUs[m] as number;
      if (t === Infinity || t > untilUs) continue;
      lane.place(m, t, this.heldKey[m] as number, xcom.nodeArg(m));
      heldUs[m] = Infinity;
    }
  }

  /** Queues a periodic event at `timeUs` under the order key `orderKey`. */
  private putBack(timeUs: number, orderKey: number, handler: number, arg: number): void {
    const priority = Math.floor(orderKey / SEQ_SPAN);
    this.parts.kernel.scheduleReserved(timeUs, priority, orderKey - priority * SEQ_SPAN, handler, arg);
  }

  /**
   * @internal Runs items `from` to `to` (excluded) of the order, `shiftUs` after their first
   * second's times (see the class comment and ReplayVisit): each with the clock and order position
   * where dispatching it would put them (a periodic event's key from the walk), its body, and the
   * place its next event takes.
   */
  runItems(from: number, to: number, shiftUs: number): void {
    const check = this.check, kind = check.orderKind, member = check.orderMember, at = check.orderUs;
    const { kernel, xcom } = this.parts;
    for (let k = from; k < to; k++) {
      const m = member[k] as number, t = (at[k] as number) + shiftUs;
      switch (kind[k]) {
        case ORDER_THREAD:
          // The walk hands thread ticks over apart (runThreadTick).
          continue;
        case ORDER_STEP:
          // As FlowControlStats.onStep: the next step's place first.
          kernel.replayAt(t, check.endStepKey[m] as number);
          kernel.reserve();
          this.parts.flowControlStats.sendStep(m);
          continue;
        case ORDER_ALIVE:
          kernel.replayAt(t, check.endAliveKey[m] as number);
          if (!xcom.aliveTick(xcom.nodeArg(m))) this.diverged('alive', m, t);
          kernel.reserve();
          continue;
        case ORDER_DETECTOR:
          kernel.replayAt(t, check.endDetectorKey[m] as number);
          if (!xcom.detectorTick(xcom.detectorTimerArg(m))) this.diverged('detector', m, t);
          kernel.reserve();
          continue;
        case ORDER_DECISION: {
          // The decision and its learns as one block (Consensus.decideInReplay): the order puts
          // nothing else in its window, and no network verb has run since the steady check.
          const id = xcom.net.reachEpoch === this.reachEpoch ? kernel.replayQueuedAt(t, this.parts.decided) : -1;
          if (id < 0 || !xcom.consensus.decideInReplay(id, m, this.parts.statsFolded)) this.diverged('decision', m, t);
          // What the kernel would have run before the window's end (a delivery's upcall queued it).
          if (kernel.nextEventTimeUs() <= t + check.reachUs(m)) this.diverged('learn window', m, t);
          continue;
        }
        case ORDER_DECISION_LANE: {
          // A decision block whose window holds cache-task ticks the lane skips, of tasks its learns
          // do not arm: the kernel runs them among the arrivals, where their times put them, so their
          // slots go back on the lane first.
          const windowEndUs = t + check.reachUs(m);
          this.placeHeld(windowEndUs);
          kernel.runUntil(windowEndUs);
          continue;
        }
        case ORDER_LANE_SKIP: {
          // As the lane's skip: the next tick's number reserved here, the tick a period on. The
          // slot leaves the lane at the first skip of a run and comes back at a sample or the end.
          const heldUs = this.heldUs;
          if ((heldUs[m] as number) === Infinity) {
            if (this.lane().take(m) !== t) this.diverged('cache-task', m, t);
          } else if ((heldUs[m] as number) !== t) {
            this.diverged('cache-task', m, t);
          }
          heldUs[m] = t + CACHE_MANAGER_TASK_PERIOD_US;
          this.heldKey[m] = TIMER_KEY_BASE + kernel.reserve();
          continue;
        }
        case ORDER_CACHE_SAMPLE: {
          // Dispatched where the lane would, with the key its last skip (or its arm) gave it; the
          // tick leaves the task unarmed, its slot empty.
          let tickKey: number;
          if ((this.heldUs[m] as number) === Infinity) {
            const lane = this.lane();
            tickKey = lane.tickKey(m);
            if (lane.take(m) !== t) this.diverged('cache-task', m, t);
          } else {
            if ((this.heldUs[m] as number) !== t) this.diverged('cache-task', m, t);
            tickKey = this.heldKey[m] as number;
            this.heldUs[m] = Infinity;
          }
          kernel.replayAt(t, tickKey);
          if (!xcom.cacheSampleTick(m)) this.diverged('cache-task', m, t);
          continue;
        }
        default:
          this.diverged(`kind ${kind[k]}`, m, t);
      }
    }
  }

  /** @internal Runs member m's suspicions-thread tick (see ReplayVisit). */
  runThreadTick(m: number, t: number, key: number): void {
    const kernel = this.parts.kernel;
    this.threadTicks++;
    kernel.replayAt(t, key);
    const gcs = this.parts.gcs(m);
    if (!gcs.threadTickAtRest(gcs.threadTimerArg())) this.diverged('suspicions-thread', m, t);
    kernel.reserve();
  }

  /** Throws: an item of the order did not find the state a steady second leaves it (a bug, not a refusal). */
  private diverged(what: string, m: number, t: number): never {
    throw new InvariantError(`steady replay: member ${m}'s ${what} tick at ${t} µs is not the steady one`);
  }
}
