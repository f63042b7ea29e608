import { InvariantError } from '../errors.js';
import { CACHE_MANAGER_TASK_PERIOD_US } from '../xcom/constants.js';
import type { SteadyReplayParts } from './steady-replay.js';
import {
  ORDER_ALIVE, ORDER_CACHE_SAMPLE, ORDER_DECISION, ORDER_DECISION_LANE, ORDER_DETECTOR, ORDER_LANE_SKIP, ORDER_STEP, ORDER_THREAD,
  STEADY_PERIOD_US, TIMER_KEY_BASE, type ReplayVisit, type SteadyGroupCheck,
} from './stretch.js';

/**
 * A jump moves over a whole multiple of this many seconds: the detector's all-alive bound
 * (XcomCluster.aliveMask), worked out again at every fifth detector tick of a steady group (it is
 * the oldest stamp, less than a second old, plus the 5 s live timeout), then keeps its beat, which
 * a jump by whole multiples of 5 s keeps too.
 */
export const JUMP_STEP_SECONDS = 5;

/**
 * Exact seconds a replay runs after a jump, beyond the quiet rings' room: every link's ring is
 * collected within `room` seconds, which drops the cells whose arrival times stand for the draws
 * the jump did not take; the all-alive bounds are worked out again within 5 s; and the stamps the
 * jump moved on are set again by the first second's learns.
 */
export const JUMP_TAIL_MARGIN_SECONDS = 2;

/**
 * Moves a steady group over whole seconds without running them (docs/speed.md, "Jumping over steady
 * seconds"), between exact seconds that SteadyReplay runs: the one before (the model the jump
 * repeats) and those after (which set again what depends on the draws the jump skips). A jump
 * walks the second's order (SteadyGroupCheck.walkSeconds) without running its items, keeping only
 * what no later second overwrites: the sequence numbers each item reserves, each member's cache
 * samples with their `cache` trace events (the cells learned since the last sample added as one
 * run), the log's growth and trims, the suspicions-thread ticks, the quiet cells and cache-task
 * keys of its last seconds. Then it moves on by whole periods every time a steady second sets at
 * the same point of each second, by whole seconds' worth every counter, and the network's random
 * stream by the draws of those seconds (RandomStream.skip). What depends on the draws (the stamps
 * and arrival times) is moved on from the second before and stands for them until the exact
 * seconds after the jump set it again; SteadyReplay runs at least the quiet rings' room plus
 * JUMP_TAIL_MARGIN_SECONDS of them, and the differential tests compare the whole state after.
 */
export class SteadyJump implements ReplayVisit {
  /** The walk's absolute second of the first jumped second, and how many seconds the jump takes. */
  private firstSecond = 0;
  private seconds = 0;
  /** The sequence number the next item reserves first, as the walk hands them over. */
  private seq = 0;
  /** The log's end as the jumped decisions leave it, and up to where each member's cache has learned. */
  private logEnd = 0;
  private readonly learned: Float64Array;
  /** The log's end at each member's latest cache sample in the jump. */
  private readonly sampledAt: Float64Array;
  /** The first log position of the jump, its msgno, and the statistics cells' bytes and slots. */
  private tagBase = 0;
  private indexBase = 0;
  private cellBytes = 0;
  private cellSlots = 0;
  private readonly threadTicks: Float64Array;
  /** Per member: the first number its alive tick reserved in each of the last `room` jumped seconds (Network.jumpQuiet). */
  private aliveSeq: Float64Array;
  private room = 0;
  /** Per member, in the last jumped second: its last skipped cache-task tick's time and number, its decision's first number. */
  private readonly lastSkipUs: Float64Array;
  private readonly lastSkipSeq: Float64Array;

  constructor(private readonly parts: SteadyReplayParts, private readonly check: SteadyGroupCheck) {
    const n = parts.xcom.n;
    this.learned = new Float64Array(n);
    this.sampledAt = new Float64Array(n);
    this.threadTicks = new Float64Array(n);
    this.aliveSeq = new Float64Array(0);
    this.lastSkipUs = new Float64Array(n);
    this.lastSkipSeq = new Float64Array(n);
    this.items = new Int32Array(3 * n);
    this.itemAt = new Float64Array(3 * n);
  }

  /**
   * Whether the group can be jumped from now, at the end of an exact second that started at
   * `secondStartUs` with the in-flight ids `freeBefore` free and `secondStartSeq` the next sequence
   * number: no cache-task grid point falls on the microsecond of a decision, every cache grows or
   * evicts steadily (XcomCluster.jumpCacheLearns), that second left the free ids as it found them
   * and folded every statistics delivery, every link got its quiet i_am_alive in it, and a member
   * whose cache task stands on the lane at the second's end skips a tick before its next sample
   * (whose order key would otherwise be the slot's, which the learns' drawn order decides).
   * `held`: the slots SteadyReplay holds off the lane.
   */
  ready(secondStartUs: number, secondStartSeq: number, freeBefore: readonly number[], held: Float64Array): boolean {
    const { xcom, kernel } = this.parts;
    const consensus = xcom.consensus, check = this.check, n = xcom.n, count = check.orderLength;
    // A decision block with another member's cache-task tick inside (ORDER_DECISION_LANE) is taken
    // unless a tick falls on the very microsecond of a decision: its place beside the decision's
    // event would then be its order key's, which a jump leaves a stand-in.
    const grid = CACHE_MANAGER_TASK_PERIOD_US;
    for (let k = 0; k < count; k++) {
      const kind = check.orderKind[k] as number;
      if (kind > ORDER_DECISION_LANE) return false;
      if (kind !== ORDER_DECISION && kind !== ORDER_DECISION_LANE) continue;
      for (let m = 0; m < xcom.n; m++) if (((((check.orderUs[k] as number) - xcom.cacheGridUs(m)) % grid) + grid) % grid === 0) return false;
    }
    if (xcom.jumpCacheLearns() === 0 || !xcom.net.quietEveryLinkSince(secondStartSeq)) return false;
    const free = consensus.freeIds();
    if (free.length !== freeBefore.length || free.some((id, k) => id !== freeBefore[k])) return false;
    const end = consensus.logEnd, all = (1 << n) - 1;
    for (let k = 0; k < n; k++) {
      const e = consensus.entry(end - n + k);
      if (e === undefined || e.kind !== 'gr' || e.msgnos !== 1 || e.index !== end - n + k || !(e.decidedAtUs > secondStartUs)) return false;
      if ((this.parts.statsFolded(e) & all) !== all) return false;
      if (k > 0 && (e.cacheBytes !== this.cellBytes || e.cacheSlots !== this.cellSlots)) return false;
      this.cellBytes = e.cacheBytes;
      this.cellSlots = e.cacheSlots;
    }
    const lane = kernel.tickLane;
    if (lane === null) return false;
    for (let m = 0; m < n; m++) {
      if ((held[m] as number) !== Infinity || lane.tickTimeUs(m) === Infinity) continue;
      // Armed on the lane: its first cache-task item of a second must be a skip.
      for (let k = 0; k < count; k++) {
        const kind = check.orderKind[k] as number;
        if (check.orderMember[k] !== m || (kind !== ORDER_LANE_SKIP && kind !== ORDER_CACHE_SAMPLE)) continue;
        if (kind !== ORDER_LANE_SKIP) return false;
        break;
      }
    }
    return true;
  }

  /**
   * Jumps `seconds` (a multiple of JUMP_STEP_SECONDS) whole steady seconds from now, the end of an
   * exact second that `ready` accepted, which started at `secondStartUs`, in which `eventsPerSecond`
   * events were dispatched besides suspicions-thread ticks; `held`, `heldKey`: SteadyReplay's
   * cache-task slots held off the lane, moved on as the last jumped second's skips leave them;
   */
  jump(seconds: number, secondStartUs: number, eventsPerSecond: number, held: Float64Array, heldKey: Float64Array): void {
    const { kernel, xcom } = this.parts;
    const net = xcom.net, consensus = xcom.consensus, check = this.check, n = xcom.n, P = STEADY_PERIOD_US;
    if (seconds % JUMP_STEP_SECONDS !== 0 || seconds <= 0) throw new InvariantError(`steady jump: ${seconds} s is not a whole multiple of ${JUMP_STEP_SECONDS} s`);
    // The jumped seconds end `seconds` after the end of the exact second that started at secondStartUs.
    const endUs = secondStartUs + (seconds + 1) * P;
    this.firstSecond = check.walkedSeconds;
    this.seconds = seconds;
    this.seq = kernel.nextSequence;
    this.logEnd = consensus.logEnd;
    this.learned.fill(this.logEnd);
    this.sampledAt.fill(this.logEnd);
    this.indexBase = this.logEnd;
    this.tagBase = (consensus.entry(this.logEnd - 1) as { firstMsgno: number }).firstMsgno + 1;
    this.threadTicks.fill(0);
    this.room = net.quietRoom;
    if (this.aliveSeq.length < this.room * n) this.aliveSeq = new Float64Array(this.room * n);
    this.lastSkipUs.fill(-1);
    // The lane slots standing armed at the second's end, and their keys' places in the arms of the decision that armed them.
    const lane = kernel.tickLane;
    if (lane === null) throw new InvariantError('steady jump: the kernel has no tick lane');
    // The slots on the lane at the second's end (armed by a learn, or skipped inside a decision
    // block), and their keys, which the jump moves on by the numbers it reserves: stand-ins, since
    // those keys come in the order the learns arrive in, which is drawn.
    const armedUs = new Float64Array(n).fill(Infinity), armedKey = new Float64Array(n), seqBefore = kernel.nextSequence;
    for (let m = 0; m < n; m++) {
      if ((held[m] as number) !== Infinity) continue;
      armedUs[m] = lane.tickTimeUs(m);
      if (armedUs[m] !== Infinity) armedKey[m] = lane.tickKey(m);
    }
    consensus.jumpBegin();
    xcom.jumpBegin();
    // The seconds before the last `room` in closed form (what their decisions, alive ticks and cache
    // samples leave), the last ones walked item by item for the numbers the rings and lane keep.
    const walked = Math.min(seconds, this.room);
    this.runSeconds(seconds - walked);
    this.seq = check.skipSeconds(seconds - walked, kernel.nextSequence, this.threadTicks);
    const seqEnd = check.walkSeconds(walked, this.seq, this);
    if (this.seq !== seqEnd) throw new InvariantError(`steady jump: ${this.seq - seqEnd} more sequence numbers counted than the walk gives`);
    if (this.logEnd !== consensus.logEnd + seconds * n) throw new InvariantError(`steady jump: ${this.logEnd - consensus.logEnd} decisions over ${seconds} s`);
    // Every draw of a steady second is a send's jitter: one per quiet i_am_alive and one per learn on each link with jitter.
    let draws = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && net.linkJitterUs(i, j) > 0) draws += 2;
    net.skipDraws(draws * seconds);
    let threadTicks = 0;
    for (let m = 0; m < n; m++) threadTicks += this.threadTicks[m] as number;
    kernel.jumpBy(endUs, seqEnd - kernel.nextSequence, eventsPerSecond * seconds + threadTicks);
    for (let m = 0; m < n; m++) {
      this.learn(m);
      if (this.threadTicks[m] !== 0) this.parts.gcs(m).jumpThreadTicks(this.threadTicks[m] as number);
    }
    consensus.jumpEnd(seconds, n, P, secondStartUs);
    xcom.jumpShift(seconds * P, seconds * n);
    net.jumpQuiet(seconds, P, n, this.aliveSeq, (from, to, msgno) => xcom.jumpDelivered(to, from, msgno));
    net.shiftLastArrivals(seconds * P);
    // The cache-task slots: held off the lane where the last jumped second's skips leave them, or
    // armed on it by that second's learns (the order of those is drawn; the next second's first
    // item of the slot is a skip, which takes it off by its time alone).
    for (let m = 0; m < n; m++) {
      if ((held[m] as number) !== Infinity) {
        const at = (held[m] as number) + seconds * P;
        if ((this.lastSkipUs[m] as number) + CACHE_MANAGER_TASK_PERIOD_US !== at) throw new InvariantError(`steady jump: member ${m}'s cache task is not where its skips leave it`);
        held[m] = at;
        heldKey[m] = TIMER_KEY_BASE + (this.lastSkipSeq[m] as number);
      } else if (armedUs[m] !== Infinity) {
        if (lane.take(m) !== armedUs[m]) throw new InvariantError(`steady jump: member ${m}'s cache task moved on the lane`);
        lane.place(m, (armedUs[m] as number) + seconds * P, (armedKey[m] as number) + (seqEnd - seqBefore), xcom.nodeArg(m));
      }
    }
  }

  /**
   * The first `seconds` jumped seconds, of which no item's sequence number is kept: each member's
   * cache sample in its place (the cells learned since added first), the decisions and alive
   * ticks for the log's growth and trims; from a list of those items alone, made once per jump.
   */
  private runSeconds(seconds: number): void {
    if (seconds === 0) return;
    const check = this.check, kind = check.orderKind, member = check.orderMember, at = check.orderUs, count = check.orderLength;
    const { kernel, xcom } = this.parts;
    const consensus = xcom.consensus, P = STEADY_PERIOD_US;
    const items = this.items, itemAt = this.itemAt;
    let length = 0;
    for (let k = 0; k < count; k++) {
      const kk = kind[k] as number;
      if (kk !== ORDER_DECISION && kk !== ORDER_DECISION_LANE && kk !== ORDER_ALIVE && kk !== ORDER_CACHE_SAMPLE) continue;
      items[length] = (kk === ORDER_DECISION_LANE ? ORDER_DECISION : kk) * 256 + (member[k] as number);
      itemAt[length] = at[k] as number;
      length++;
    }
    for (let s = 0; s < seconds; s++) {
      const shift = (this.firstSecond + s) * P;
      for (let k = 0; k < length; k++) {
        const item = items[k] as number, kk = item >> 8, m = item & 255;
        if (kk === ORDER_DECISION) {
          this.logEnd++;
          consensus.jumpDecided();
        } else if (kk === ORDER_ALIVE) {
          consensus.jumpAliveTick();
        } else {
          kernel.jumpClock((itemAt[k] as number) + shift);
          xcom.jumpSample(m, this.logEnd - (this.learned[m] as number), this.cellBytes, this.cellSlots);
          this.sampledAt[m] = this.logEnd;
        }
      }
    }
  }

  /** runSeconds' list: kind × 256 + member, and time in the order's first second. */
  private readonly items: Int32Array;
  private readonly itemAt: Float64Array;

  /** Member m's cache learns the cells of the jumped decisions it has not learned yet (its samples worked them out: jumpSample). */
  private learn(m: number): void {
    const from = this.learned[m] as number, to = this.logEnd, sinceSample = to - Math.max(from, this.sampledAt[m] as number);
    if (!this.parts.xcom.jumpCacheLearned(m, from, to, this.cellBytes, this.cellSlots, this.tagBase + (from - this.indexBase), sinceSample)) {
      throw new InvariantError(`steady jump: member ${m}'s cache would go above its limit`);
    }
    this.learned[m] = to;
  }

  /** @internal The items of the jumped seconds (ReplayVisit): only what no later second overwrites. */
  runItems(from: number, to: number, shiftUs: number): void {
    const check = this.check, kind = check.orderKind, member = check.orderMember, at = check.orderUs, reserves = check.orderReserves;
    const n = this.parts.xcom.n;
    // The jumped second (1 … seconds), and how many remain after it.
    const left = this.seconds - (Math.round(shiftUs / STEADY_PERIOD_US) - this.firstSecond + 1);
    let seq = this.seq;
    for (let k = from; k < to; k++) {
      const kk = kind[k] as number;
      if (kk === ORDER_THREAD) continue;
      const m = member[k] as number;
      switch (kk) {
        case ORDER_DECISION:
        case ORDER_DECISION_LANE:
          this.logEnd++;
          this.parts.xcom.consensus.jumpDecided();
          break;
        case ORDER_ALIVE:
          this.parts.xcom.consensus.jumpAliveTick();
          if (left < this.room) this.aliveSeq[left * n + m] = seq;
          break;
        case ORDER_LANE_SKIP:
          this.lastSkipUs[m] = (at[k] as number) + shiftUs;
          this.lastSkipSeq[m] = seq;
          break;
        case ORDER_CACHE_SAMPLE:
          this.parts.kernel.jumpClock((at[k] as number) + shiftUs);
          this.parts.xcom.jumpSample(m, this.logEnd - (this.learned[m] as number), this.cellBytes, this.cellSlots);
          this.sampledAt[m] = this.logEnd;
          break;
        case ORDER_STEP:
        case ORDER_DETECTOR:
          break;
        default:
          throw new InvariantError(`steady jump: an item of kind ${kk} in a jumped second`);
      }
      seq += reserves[k] as number;
    }
    this.seq = seq;
  }

  /** @internal A suspicions-thread tick of a jumped second (ReplayVisit): at rest, it counts a generation and reserves its next place. */
  runThreadTick(m: number): void {
    this.threadTicks[m] = (this.threadTicks[m] as number) + 1;
    this.seq++;
  }
}
