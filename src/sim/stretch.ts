import type { GcsNode } from '../gcs/gcs-node.js';
import type { GrMember } from '../gr/gr-member.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Network } from '../network/network.js';
import type { XcomCluster } from '../xcom/xcom-cluster.js';
import type { XcomConfig } from '../xcom/xcom-config.js';
import { FLOW_CONTROL_STATS_MESSAGE_BYTES } from '../gr/flow-control-stats.js';
import { SEQ_SPAN } from '../kernel/event-queue.js';
import { PRIORITY } from '../kernel/kernel.js';
import { CACHE_MANAGER_TASK_PERIOD_US, MAX_SILENT_US, SIZEOF_APP_DATA, SIZEOF_PAX_MSG, SUSPICION_PROCESSING_THREAD_PERIOD_US } from '../xcom/constants.js';

/**
 * Why a group cannot be advanced a stretch at a time now (docs/speed.md, "Design: advancing a
 * steady group a stretch at a time"); the first failed condition, in the order `refusal` tests them:
 * - `listener`: an on() listener could read the simulation while a stretch emits its events;
 * - `predicateRun`: runUntil with a predicate looks at the simulation after every event;
 * - `model`: the flow-control statistics are not simulated as messages (flowControlStatsTraffic 0),
 *   or a member's group_replication_flow_control_period is not 1 s;
 * - `traceBound`: the in-memory trace is about to reach maxTraceEvents;
 * - `member`: a server slot is not a running, unfrozen, booted, ONLINE member of one installed
 *   configuration that every member has (spare and removed slots included), with every member's
 *   member table, local and global views that configuration;
 * - `queued`: an event other than the periodic ones (alive, detector, suspicions-thread ticks,
 *   flow-control steps) is due within a second, one of those is stale, or a member lacks one;
 * - `network`: a link between members is down, loses packets, or holds messages for a frozen process,
 *   or a member has not heard a peer for more than MAX_SILENT_US less a second (its alive tick
 *   would ping it: a heal a moment ago);
 * - `consensus`: a value is in flight or held, a configuration is not yet in force, or a member has
 *   learned ahead, waits to execute, propose or activate, runs a read round or a retry;
 * - `gcs`: a member's GCS has a suspicion, a view queued, exchanged or waiting, or buffered data;
 * - `cache`: a member's cache has taken no growth sample within the last second, or a second of
 *   statistics traffic would take it above its limit and it does not evict steadily (each learn
 *   freeing one equal cell, the eviction's onset sampled: `cacheSeconds`);
 * - `phases`: a heartbeat or a dispatched cache tick falls inside a statistics message's learn
 *   window, or two decisions are closer than a learn window (see `phasesSeparated`).
 */
export type StretchRefusal =
  | 'listener' | 'predicateRun' | 'model' | 'traceBound' | 'member' | 'queued' | 'network' | 'consensus' | 'gcs' | 'cache' | 'phases';

/** Every StretchRefusal, in the order `SteadyGroupCheck.refusal` tests them. */
export const STRETCH_REFUSALS: readonly StretchRefusal[] = [
  'listener', 'predicateRun', 'model', 'traceBound', 'member', 'queued', 'network', 'consensus', 'gcs', 'cache', 'phases',
];

/** The order key base of timer-priority events: the cache task's ticks, the periodic events (kernel keys). */
export const TIMER_KEY_BASE = PRIORITY.timer * SEQ_SPAN;

/** The period of every event a steady second repeats: alive and detector tasks, flow-control step (µs). */
export const STEADY_PERIOD_US = 1_000_000;

/**
 * Whether the phases of a steady group are separated, so that the order of every event of a
 * second does not depend on the jitter draws (docs/speed.md, "When a stretch is steady"). All
 * times are taken modulo STEADY_PERIOD_US. Proposer m's learn window runs from its decision,
 * `stepUs[m] + decisionUs[m]`, to the last possible arrival of its learns, `reachUs[m]` later (the
 * slowest link's latency plus its jitter bound), both ends included; between the step and the
 * decision nothing a reader reads has changed yet (the value is only in flight). Separated
 * when no reader time (`readersUs[0..readerCount)`: alive ticks, which read every peer's
 * max_synode, and dispatched cache ticks, which sample the cache the learns fill) falls in any
 * window, and any two decisions (`stepUs[m] + decisionUs[m]`) are at least `minDecisionGapUs`
 * apart. The caller passes the longest learn window: closer decisions could reach a third member
 * out of order (closer than the jitter), or the later proposer could learn its own value, at its
 * decision, before the earlier value reaches it (closer than latency plus jitter); either way that
 * member learns ahead and starts a read round.
 */
export function phasesSeparated(
  members: number, stepUs: Float64Array, decisionUs: Float64Array, reachUs: Float64Array,
  readersUs: Float64Array, readerCount: number, minDecisionGapUs: number,
): boolean {
  const P = STEADY_PERIOD_US;
  for (let m = 0; m < members; m++) {
    const dm = (stepUs[m] as number) + (decisionUs[m] as number), w = reachUs[m] as number;
    for (let r = 0; r < readerCount; r++) {
      const after = ((((readersUs[r] as number) - dm) % P) + P) % P;
      if (after <= w) return false;
    }
    for (let k = m + 1; k < members; k++) {
      const dk = (stepUs[k] as number) + (decisionUs[k] as number);
      const d = (((dm - dk) % P) + P) % P;
      if (Math.min(d, P - d) < minDecisionGapUs) return false;
    }
  }
  return true;
}

/**
 * Bytes the statistics traffic of a steady group of `n` members adds to each member's cache every
 * second: n entries of one pax_msg per channel, one app_data and the message (Consensus.onDecided).
 */
export function statsBytesPerSecond(n: number): number {
  return n * statsCellBytes(n);
}

/** Bytes of one statistics message's cache cell in a group of `n` members: one pax_msg per channel, one app_data and the message. */
export function statsCellBytes(n: number): number {
  return n * SIZEOF_PAX_MSG + SIZEOF_APP_DATA + FLOW_CONTROL_STATS_MESSAGE_BYTES;
}

/**
 * Why a steady second's order is not fixed (SteadyGroupCheck.secondOrder), in the order it tests:
 * - `executed`: a decided value is not executed on every member;
 * - `link`: a link holds a message due later than one sent now could arrive;
 * - `windowEnd`: a learn window does not close inside the second;
 * - `cacheTask`: a member's cache task is not armed as the steady learns arm it, or would not hold
 *   its sample a whole period;
 * - `tickInWindow`: a step, alive, detector or suspicions-thread tick falls in a learn window;
 * - `laneInWindow`: a cache-task tick of the lane falls in a learn window;
 * - `laneTie`: two members' cache-task ticks fall on one microsecond.
 */
export type OrderRefusal = 'executed' | 'link' | 'windowEnd' | 'cacheTask' | 'tickInWindow' | 'laneInWindow' | 'laneTie';

/**
 * The kinds of item in a steady second's fixed order (SteadyGroupCheck.secondOrder), each a
 * kernel event or lane tick of one member: its flow-control step; its statistics decision, with
 * the learns it sends (their arrivals, in a window no other item enters, come in an order the
 * draws decide, and each reaches another member); its alive, detector and suspicions-thread ticks;
 * a cache-task tick the lane skips; the cache-task tick that takes the growth sample; a decision
 * whose learn window holds cache-task ticks the lane skips (ORDER_DECISION_LANE: the kernel runs
 * them among the arrivals, where their times put them).
 */
export const ORDER_STEP = 0;
export const ORDER_DECISION = 1;
export const ORDER_ALIVE = 2;
export const ORDER_DETECTOR = 3;
export const ORDER_THREAD = 4;
export const ORDER_LANE_SKIP = 5;
export const ORDER_CACHE_SAMPLE = 6;
export const ORDER_DECISION_LANE = 7;

/**
 * What a walk over steady seconds (SteadyGroupCheck.walkSeconds) hands the items to, in order: each
 * run of the order's items between two suspicions-thread ticks as one call, and each thread tick.
 * A run's items read their order keys from the walk's `end*Key` arrays: each member's step, alive
 * and detector item comes once a second, so the walk updates them after the run. One call per run
 * rather than per item: the replay's loop then holds the items' bodies (docs/speed.md, "The
 * replay's decision block").
 */
export interface ReplayVisit {
  /** Runs items `from` to `to` (excluded) of the order, `shiftUs` after their first second's times (ORDER_THREAD items skipped). */
  runItems(from: number, to: number, shiftUs: number): void;
  /** Runs member m's suspicions-thread tick at `timeUs`, whose queued event has the order key `orderKey`. */
  runThreadTick(m: number, timeUs: number, orderKey: number): void;
}

/** Most items one member adds to a steady second: step, decision, 3 ticks and at most 10 lane ticks (one per grid point). */
const ORDER_ITEMS_PER_MEMBER = 16;

/** What the check reads of the simulation (the composition root hands it over). */
export interface SteadyGroupParts {
  readonly kernel: Kernel;
  readonly net: Network;
  readonly xcom: XcomCluster;
  readonly gcs: (slot: number) => GcsNode;
  readonly gr: (slot: number) => GrMember;
  /** The kernel handler ids of the periodic events. */
  readonly handlers: { readonly alive: number; readonly detector: number; readonly gcsThread: number; readonly flowControlStats: number };
  /** Whether flow-control statistics go through consensus (model.flowControlStatsTraffic 1). */
  readonly statsTraffic: boolean;
}

/** Largest number of queued events of one handler the check copies out (a steady group has one per member). */
const SCRATCH = 64;

/**
 * The steady predicate of a group that a stretch could advance (docs/speed.md, "When a stretch
 * is steady, and what ends it"). `refusal` reads the state, changing nothing (no quiet arrival is
 * collected, no cache answer refreshed), and says why not, or null when the group is steady; the
 * phases it found are then in `stepUs`, `aliveUs`, `detectorUs`, `threadUs` (absolute times of
 * each member's next event) and `cacheSampleUs` (its latest cache sample), and `horizonUs` is the
 * time of the earliest other event queued (Infinity: none), where a stretch would have to end.
 */
export class SteadyGroupCheck {
  readonly stepUs: Float64Array;
  readonly aliveUs: Float64Array;
  readonly detectorUs: Float64Array;
  readonly threadUs: Float64Array;
  readonly cacheSampleUs: Float64Array;
  /** Order keys (within their microsecond) of the queued events in stepUs, aliveUs, detectorUs and threadUs. */
  private readonly stepKey: Float64Array;
  private readonly aliveKey: Float64Array;
  private readonly detectorKey: Float64Array;
  private readonly threadKey: Float64Array;
  /**
   * The fixed order of a steady second (`secondOrder`): item k is of kind `orderKind[k]` (ORDER_*),
   * for member `orderMember[k]`, at `orderUs[k]`, and reserves `orderReserves[k]` sequence numbers.
   */
  readonly orderKind: Uint8Array;
  readonly orderMember: Uint8Array;
  readonly orderUs: Float64Array;
  readonly orderReserves: Uint8Array;
  /**
   * Where `walkSeconds` leaves each member's periodic events: time and order key of its next
   * flow-control step, alive, detector and suspicions-thread tick, as the kernel would hold them
   * after those seconds had run event by event.
   */
  readonly endStepUs: Float64Array;
  readonly endStepKey: Float64Array;
  readonly endAliveUs: Float64Array;
  readonly endAliveKey: Float64Array;
  readonly endDetectorUs: Float64Array;
  readonly endDetectorKey: Float64Array;
  readonly endThreadUs: Float64Array;
  readonly endThreadKey: Float64Array;
  private readonly orderPriority: Float64Array;
  private readonly orderKey: Float64Array;
  private readonly orderIndex: Int32Array;
  /** secondOrder's items taken into a decision block (ORDER_DECISION_LANE), by their index before sorting. */
  private readonly orderAbsorbed: Uint8Array;
  /** The earliest queued event that is not periodic, as the last steady answer found it (Infinity: none). */
  horizonUs = Infinity;
  private readonly decisionUs: Float64Array;
  private readonly reach: Float64Array;
  /** secondOrder's decision times (absolute), and where each member's decision item is before sorting. */
  private readonly decisionAt: Float64Array;
  private readonly decisionItem: Int32Array;
  /** secondOrder's decision whose learns arm each member's cache task in the second (-1: none). */
  private readonly armingDecision: Int32Array;
  /** Why the last secondOrder returned -1 (null: it held). */
  orderRefusal: OrderRefusal | null = null;
  /** How many items the last secondOrder that held found. */
  private orderCount = 0;
  /** Where the walk started (beginWalk), and how many seconds it has walked. */
  private walkStartUs = 0;
  private walked = 0;
  private readonly readersUs: Float64Array;
  private readonly periodic: Int32Array;
  private readonly times = new Float64Array(SCRATCH);
  private readonly keys = new Float64Array(SCRATCH);
  private readonly args = new Int32Array(SCRATCH);

  constructor(private readonly parts: SteadyGroupParts) {
    const n = parts.xcom.n;
    this.stepUs = new Float64Array(n);
    this.aliveUs = new Float64Array(n);
    this.detectorUs = new Float64Array(n);
    this.threadUs = new Float64Array(n);
    this.cacheSampleUs = new Float64Array(n);
    this.stepKey = new Float64Array(n);
    this.aliveKey = new Float64Array(n);
    this.detectorKey = new Float64Array(n);
    this.threadKey = new Float64Array(n);
    const items = n * ORDER_ITEMS_PER_MEMBER;
    this.orderKind = new Uint8Array(items);
    this.orderMember = new Uint8Array(items);
    this.orderUs = new Float64Array(items);
    this.orderReserves = new Uint8Array(items);
    this.orderPriority = new Float64Array(items);
    this.endStepUs = new Float64Array(n);
    this.endStepKey = new Float64Array(n);
    this.endAliveUs = new Float64Array(n);
    this.endAliveKey = new Float64Array(n);
    this.endDetectorUs = new Float64Array(n);
    this.endDetectorKey = new Float64Array(n);
    this.endThreadUs = new Float64Array(n);
    this.endThreadKey = new Float64Array(n);
    this.orderKey = new Float64Array(items);
    this.orderIndex = new Int32Array(items);
    this.orderAbsorbed = new Uint8Array(items);
    this.decisionUs = new Float64Array(n);
    this.reach = new Float64Array(n);
    this.decisionAt = new Float64Array(n);
    this.decisionItem = new Int32Array(n);
    this.armingDecision = new Int32Array(n);
    this.readersUs = new Float64Array(2 * n);
    const h = parts.handlers;
    this.periodic = Int32Array.of(h.alive, h.detector, h.gcsThread, h.flowControlStats);
  }

  /**
   * Why the group is not steady now, or null when it is. `listeners`: whether an on() listener is
   * registered; `traceRoom`: how many more events the in-memory trace may take (Infinity with a
   * trace sink).
   */
  refusal(listeners: boolean, traceRoom: number): StretchRefusal | null {
    const { kernel, net, xcom, statsTraffic } = this.parts;
    const n = xcom.n, now = kernel.nowUs;
    if (listeners) return 'listener';
    if (!statsTraffic) return 'model';
    for (let i = 0; i < n; i++) if (this.parts.gr(i).opts.group_replication_flow_control_period !== 1) return 'model';
    // One second of a steady group emits one cache sample per member.
    if (traceRoom <= n) return 'traceBound';
    const cfg = xcom.config[0];
    if (cfg === null || cfg === undefined || cfg.nodes.length !== n || xcom.consensus.groupConfig !== cfg) return 'member';
    for (let i = 0; i < n; i++) if (!this.memberSteady(i, cfg)) return 'member';
    if (!this.periodicOnly(n)) return 'queued';
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i !== j && (!net.isLinkUp(i, j) || net.linkLoss(i, j) > 0 || xcom.connUp[i * n + j] !== 1)) return 'network';
      }
      if (net.heldCount(i) !== 0) return 'network';
    }
    // Every member heard each peer within the last MAX_SILENT_US less a second, by the stamps as
    // they stand (quiet arrivals not collected can only be later): otherwise its alive tick in the
    // stretch's first second could find the peer silent too long and ping it (are_you_alive),
    // a message the order has no place for. A steady group's learns stamp every link every second.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i !== j && now - (xcom.detected[i * n + j] as number) > MAX_SILENT_US - STEADY_PERIOD_US) return 'network';
      }
    }
    const consensus = xcom.consensus;
    if (!consensus.groupAtRest()) return 'consensus';
    for (let i = 0; i < n; i++) if (!consensus.nodeAtRest(i)) return 'consensus';
    for (let i = 0; i < n; i++) if (!this.parts.gcs(i).atRest()) return 'gcs';
    for (let i = 0; i < n; i++) {
      const sample = xcom.cacheSampleUs(i);
      if (!(now - sample < STEADY_PERIOD_US)) return 'cache';
      this.cacheSampleUs[i] = sample;
    }
    if (this.cacheSeconds(1) < 1) return 'cache';
    return this.phases(n) ? null : 'phases';
  }

  /**
   * Where a stretch that starts now must end at the latest (µs; its events run up to and
   * including it), after `refusal` found the group steady: just before the earliest foreign event
   * (`horizonUs`), and after the last whole second that every cache can take as it took the
   * seconds before (`cacheSeconds`) and that keeps the in-memory trace below its bound
   * (`traceRoom` more events; a steady second emits one cache sample per member).
   */
  stretchEndUs(traceRoom: number): number {
    const seconds = this.cacheSeconds(Math.floor((traceRoom - 1) / this.parts.xcom.n));
    return Math.min(this.horizonUs - 1, this.parts.kernel.nowUs + seconds * STEADY_PERIOD_US);
  }

  /**
   * How many whole seconds of statistics traffic from now every member's cache takes in one of
   * the two ways a steady second repeats, at most `max`: it grows, at or below its limit
   * (`statsBytesPerSecond` a second), or it evicts steadily, each learn freeing one equal cell
   * below the protection bound with the eviction's onset sampled already
   * (XcomCluster.steadyEvictionLearns: n learns a second). In both the cache task holds its growth
   * sample back a whole period after each sample, and its sample and cache events come where the
   * order puts them; a cache between the two (the onset, or a larger cell freed that leaves room
   * for a while) is not steady.
   */
  cacheSeconds(max: number): number {
    const xcom = this.parts.xcom;
    const n = xcom.n, growth = statsBytesPerSecond(n), cell = statsCellBytes(n);
    let seconds = max;
    for (let i = 0; i < n && seconds > 0; i++) {
      const cache = xcom.caches[i]!;
      const room = Math.floor((cache.limitBytes - cache.sizeBytes) / growth);
      // A statistics message takes one msgno, so its cell stands for one slot of each of n channels.
      seconds = Math.min(seconds, room >= 1 ? room : Math.floor(xcom.steadyEvictionLearns(i, cell, n, n, seconds * n) / n));
    }
    return seconds;
  }

  /**
   * Whether a member's cache is within a second of statistics traffic of its limit (the `cache`
   * refusal's second case, when it does not evict steadily: `cacheSeconds`). An idle group's
   * cache, once there, stays there: it evicts a slot or two at each learn from then on.
   */
  cacheNearLimit(): boolean {
    const { xcom } = this.parts;
    const growth = statsBytesPerSecond(xcom.n);
    for (let i = 0; i < xcom.n; i++) {
      const cache = xcom.caches[i]!;
      if (cache.sizeBytes + growth > cache.limitBytes) return true;
    }
    return false;
  }

  /** Whether slot i is a running, unfrozen, booted ONLINE member in `cfg` with its tables and views on it. */
  private memberSteady(i: number, cfg: XcomConfig): boolean {
    const { net, xcom } = this.parts;
    if (net.running[i] !== 1 || net.frozen[i] !== 0 || xcom.booted[i] !== 1 || xcom.config[i] !== cfg) return false;
    if (xcom.localMask[i] !== cfg.mask || ((xcom.globalMask[i] as number) & cfg.mask) !== cfg.mask) return false;
    const gr = this.parts.gr(i);
    if (gr.state !== 'ONLINE' || gr.table.mask !== cfg.mask) return false;
    for (const info of gr.table.values()) if (info.state !== 'ONLINE' || info.unreachable) return false;
    return true;
  }

  /**
   * Whether the queue holds the periodic events and nothing else: exactly one live event per
   * member of each of the alive, detector and suspicions-thread timers and one flow-control step
   * per member (stale timers are refused too: a stretch would have to dispatch them in place).
   * Their times go to `aliveUs`, `detectorUs`, `threadUs` and `stepUs`.
   */
  private periodicOnly(n: number): boolean {
    const { kernel, xcom, handlers: h } = this.parts;
    this.horizonUs = kernel.earliestQueuedOutside(this.periodic);
    if (this.horizonUs < kernel.nowUs + STEADY_PERIOD_US) return false;
    return this.liveTimes(h.alive, n, this.aliveUs, this.aliveKey, (i) => xcom.nodeArg(i)) &&
      this.liveTimes(h.detector, n, this.detectorUs, this.detectorKey, (i) => xcom.detectorTimerArg(i)) &&
      this.liveTimes(h.gcsThread, n, this.threadUs, this.threadKey, (i) => this.parts.gcs(i).threadTimerArg()) &&
      this.liveTimes(h.flowControlStats, n, this.stepUs, this.stepKey, (i) => i);
  }

  /**
   * Whether handler `id` has exactly one queued event per member, each with `argOf(member)`; their
   * times into `out`, their order keys into `keysOut`.
   */
  private liveTimes(id: number, n: number, out: Float64Array, keysOut: Float64Array, argOf: (i: number) => number): boolean {
    if (this.parts.kernel.queuedCount(id) !== n) return false;
    const got = this.parts.kernel.queuedEventsOf(id, this.times, this.keys, this.args);
    out.fill(-1);
    for (let k = 0; k < got; k++) {
      const i = (this.args[k] as number) & 15;
      if (i >= n || out[i] !== -1 || this.args[k] !== argOf(i)) return false;
      out[i] = this.times[k] as number;
      keysOut[i] = this.keys[k] as number;
    }
    return true;
  }

  /**
   * The fixed order of the steady second that starts now, after `refusal` found the group steady:
   * its items (ORDER_*) into `orderKind`, `orderMember`, `orderUs` in the order the kernel runs
   * them, each with the sequence numbers it reserves (`orderReserves`), and their count; -1 when
   * that order could depend on the jitter draws, or the second is not one that repeats from now on.
   * A replay of whole seconds would run these items in this order (docs/speed.md, "The order of a
   * steady second"). What it requires, beyond `phasesSeparated`:
   * - every learn window, [decision, decision + the slowest latency plus jitter], lies inside
   *   (now, now + 1 s], and no other item (step, alive, detector or thread tick, cache-task sample,
   *   any cache-task grid point of a member whose task the window's learns arm) falls in one:
   *   inside a window an item's place among the arrivals, and a cache-task arm's first tick, would
   *   depend on the draws; a skipped cache-task tick of another member's task is taken into the
   *   window's decision block (ORDER_DECISION_LANE, one more number reserved), which the kernel
   *   runs with the tick on the lane;
   * - each member's cache task is armed at its next growth sample (its sample a second after the
   *   last, on its grid), by a learn within the second if it is not armed now;
   * - no two members' cache-task ticks fall on one microsecond (their order is the lane's).
   * Items at one microsecond run by priority; at one priority the queued periodic events first, in
   * the order of their keys (each reserved its key a whole period earlier, in the order they ran
   * then), then a lane tick (whose key was reserved less than a period earlier, at the tick before
   * it or at the learn that armed it).
   */
  secondOrder(): number {
    const { kernel, net, xcom } = this.parts;
    const n = xcom.n, now = kernel.nowUs, end = now + STEADY_PERIOD_US, grid = CACHE_MANAGER_TASK_PERIOD_US;
    const kind = this.orderKind, member = this.orderMember, at = this.orderUs, reserves = this.orderReserves;
    const prio = this.orderPriority, key = this.orderKey;
    const timerBase = TIMER_KEY_BASE;
    let count = 0;
    const add = (k: number, m: number, t: number, r: number, p: number, orderKey: number): void => {
      kind[count] = k;
      member[count] = m;
      at[count] = t;
      reserves[count] = r;
      prio[count] = p;
      key[count] = orderKey;
      count++;
    };
    // Every value decided so far executed everywhere: a member that missed one (a learn lost to a
    // link cut earlier) would learn the next value ahead and start read rounds.
    const consensus = xcom.consensus;
    for (let m = 0; m < n; m++) if (consensus.executed[m] !== consensus.logEnd) return this.refuseOrder('executed');
    // No link holds a message due later than one sent now could arrive (a message of a slower
    // time on the link, quiet ones included): a learn would wait behind it, past its window.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i !== j && net.linkTailUs(i, j) > now + net.linkLatencyUs(i, j) + net.linkJitterUs(i, j)) return this.refuseOrder('link');
      }
    }
    for (let m = 0; m < n; m++) {
      const d = (this.stepUs[m] as number) + (this.decisionUs[m] as number);
      if (d + (this.reach[m] as number) > end) return this.refuseOrder('windowEnd');
      this.decisionAt[m] = d;
    }
    for (let m = 0; m < n; m++) {
      // The step schedules the next step, then the decision; the decision sends n - 1 learns (its
      // cache-task arms are added below); the alive tick sends n - 1 quiet i_am_alive, then
      // schedules the next; the detector and thread ticks schedule their next.
      add(ORDER_STEP, m, this.stepUs[m] as number, 2, this.keyPriority(this.stepKey[m] as number), this.stepKey[m] as number);
      this.decisionItem[m] = count;
      add(ORDER_DECISION, m, this.decisionAt[m] as number, n - 1, PRIORITY.timer, 0);
      add(ORDER_ALIVE, m, this.aliveUs[m] as number, n, this.keyPriority(this.aliveKey[m] as number), this.aliveKey[m] as number);
      add(ORDER_DETECTOR, m, this.detectorUs[m] as number, 1, this.keyPriority(this.detectorKey[m] as number), this.detectorKey[m] as number);
      const thread = this.threadUs[m] as number;
      if (thread <= end) add(ORDER_THREAD, m, thread, 1, this.keyPriority(this.threadKey[m] as number), this.threadKey[m] as number);
    }
    for (let m = 0; m < n; m++) {
      // The cache task: armed at the first learn after a sample, it ticks on the member's grid until
      // the tick at or after the sample plus CACHE_GROWTH_SAMPLE_US minus half a period, which takes
      // the next sample and leaves it unarmed until the next learn.
      const sample = (this.cacheSampleUs[m] as number) + STEADY_PERIOD_US;
      const phase = ((xcom.cacheGridUs(m) % grid) + grid) % grid;
      if ((((sample - phase) % grid) + grid) % grid !== 0) return this.refuseOrder('cacheTask');
      const firstGrid = (after: number): number => after - ((((after - phase) % grid) + grid) % grid) + grid;
      if (!xcom.cacheTaskHoldsSample(m)) return this.refuseOrder('cacheTask');
      // The learn that arms the task after a sample is the first decision after it: after the
      // next sample, `again`, if one comes in this second; after the latest, the same decision a
      // second earlier (by now), or else the first one of this second. The task must be armed now
      // exactly in the first case, with its tick where those learns left it: otherwise its state
      // is a leftover of other traffic, and the seconds would not repeat.
      const again = this.firstDecisionAfter(n, sample);
      const pending = xcom.cacheTaskTickUs(m);
      let from: number;
      if (again >= 0) {
        from = firstGrid(Math.max((this.decisionAt[again] as number) - STEADY_PERIOD_US, now));
        if (pending !== from) return this.refuseOrder('cacheTask');
        this.armingDecision[m] = again;
      } else {
        if (pending !== Infinity) return this.refuseOrder('cacheTask');
        const arm = this.firstDecisionAfter(n, now);
        if (arm < 0 || (this.decisionAt[arm] as number) >= sample) return this.refuseOrder('cacheTask');
        this.addArm(arm);
        this.armingDecision[m] = arm;
        from = firstGrid(this.decisionAt[arm] as number);
      }
      if (from > sample) return this.refuseOrder('cacheTask');
      for (let t = from; t < sample; t += grid) add(ORDER_LANE_SKIP, m, t, 1, PRIORITY.timer, timerBase + 1);
      add(ORDER_CACHE_SAMPLE, m, sample, 0, PRIORITY.timer, timerBase + 1);
      if (again >= 0) {
        this.addArm(again);
        for (let t = firstGrid(this.decisionAt[again] as number); t <= end; t += grid) add(ORDER_LANE_SKIP, m, t, 1, PRIORITY.timer, timerBase + 1);
      }
    }
    // No item but a decision in a learn window (both ends included), every item in (now, end].
    // A suspicions-thread tick (every 15 s) falls at the same offset in each second it falls in:
    // tested whether or not it falls in this one. But a cache-task tick the lane skips may fall in
    // a window whose learns do not arm its task: it changes nothing a learn reads or writes, and
    // reserves one number wherever it falls among the arrivals, so the block, run by the kernel
    // with the tick on the lane, reserves one more and leaves the same state whatever the draws.
    // In the window of the learns that arm its task, whether the arm comes before the grid point
    // (the tick falls there) or after it (the first tick is a period later) depends on the draws.
    const lane = (k: number): number => (kind[k] === ORDER_LANE_SKIP || kind[k] === ORDER_CACHE_SAMPLE ? 1 : 0);
    const windowOf = (t: number): number => {
      for (let m = 0; m < n; m++) {
        const d = this.decisionAt[m] as number;
        if (t >= d && t <= d + (this.reach[m] as number)) return m;
      }
      return -1;
    };
    const absorbed = this.orderAbsorbed;
    absorbed.fill(0, 0, count);
    for (let k = 0; k < count; k++) {
      const t = at[k] as number;
      if (!(t > now && t <= end)) return this.refuseOrder('windowEnd');
      if (kind[k] === ORDER_DECISION || kind[k] === ORDER_DECISION_LANE) continue;
      const w = windowOf(t);
      if (w < 0) continue;
      if (kind[k] !== ORDER_LANE_SKIP || this.armingDecision[member[k] as number] === w) return this.refuseOrder(lane(k) === 1 ? 'laneInWindow' : 'tickInWindow');
      absorbed[k] = 1;
      const block = this.decisionItem[w] as number;
      kind[block] = ORDER_DECISION_LANE;
      reserves[block] = (reserves[block] as number) + 1;
    }
    for (let m = 0; m < n; m++) {
      const thread = this.threadUs[m] as number;
      if (windowOf(thread - Math.ceil((thread - end) / STEADY_PERIOD_US) * STEADY_PERIOD_US) >= 0) return this.refuseOrder('tickInWindow');
    }
    const index = this.orderIndex;
    let kept = 0;
    for (let k = 0; k < count; k++) if (absorbed[k] === 0) index[kept++] = k;
    const sorted = Array.from(index.subarray(0, kept)).sort((a, b) =>
      (at[a] as number) - (at[b] as number) || (prio[a] as number) - (prio[b] as number) || lane(a) - lane(b) || (key[a] as number) - (key[b] as number));
    for (let k = 1; k < kept; k++) {
      const a = sorted[k - 1] as number, b = sorted[k] as number;
      // Two lane ticks at one microsecond: their order is the lane's keys', which this does not read.
      if (at[a] === at[b] && lane(a) === 1 && lane(b) === 1) return this.refuseOrder('laneTie');
    }
    const kinds = Uint8Array.from(sorted, (k) => kind[k] as number), members = Uint8Array.from(sorted, (k) => member[k] as number);
    const times = Float64Array.from(sorted, (k) => at[k] as number), res = Uint8Array.from(sorted, (k) => reserves[k] as number);
    kind.set(kinds);
    member.set(members);
    at.set(times);
    reserves.set(res);
    this.orderCount = kept;
    this.orderRefusal = null;
    return kept;
  }

  /**
   * Starts a walk over the steady seconds from now (`walkSeconds`), after `secondOrder` held just
   * now: each member's periodic events where they are queued now.
   */
  beginWalk(): void {
    const n = this.parts.xcom.n;
    this.walkStartUs = this.parts.kernel.nowUs;
    this.walked = 0;
    for (let m = 0; m < n; m++) {
      this.endStepUs[m] = this.stepUs[m] as number;
      this.endStepKey[m] = this.stepKey[m] as number;
      this.endAliveUs[m] = this.aliveUs[m] as number;
      this.endAliveKey[m] = this.aliveKey[m] as number;
      this.endDetectorUs[m] = this.detectorUs[m] as number;
      this.endDetectorKey[m] = this.detectorKey[m] as number;
      this.endThreadUs[m] = this.threadUs[m] as number;
      this.endThreadKey[m] = this.threadKey[m] as number;
    }
  }

  /**
   * Walks `seconds` more whole seconds of the order `secondOrder` found, from where `beginWalk`
   * started (or the last walk ended), with the kernel's sequence counter at `seq` (the next number
   * it would hand out): each second runs the same items at the same offsets, but for the
   * suspicions-thread ticks (every 15 s), which come after every other item of their microsecond
   * (late priority). Hands the items to `visit` (if any) in their places (see ReplayVisit), leaves in `end*` where each
   * member's periodic events would be queued after those seconds, and returns the counter then:
   * what a replay of those seconds must leave in the kernel (docs/speed.md, "Replaying whole steady
   * seconds"). Within an item the event's own reservation comes first, but for the alive tick,
   * which sends its n - 1 quiet i_am_alive before it schedules the next. A replay walks a second at
   * a time: V8 then optimises this as a function called again and again rather than while one
   * long call runs (see Kernel.dispatchChunk).
   */
  walkSeconds(seconds: number, seq: number, visit: ReplayVisit | null = null): number {
    const { xcom } = this.parts;
    const n = xcom.n, P = STEADY_PERIOD_US, T = SUSPICION_PROCESSING_THREAD_PERIOD_US;
    const count = this.orderCount;
    const kind = this.orderKind, member = this.orderMember, at = this.orderUs, reserves = this.orderReserves;
    const timerBase = TIMER_KEY_BASE, lateBase = PRIORITY.late * SEQ_SPAN;
    const first = this.walked, now = this.walkStartUs;
    this.walked = first + seconds;
    for (let s = first; s < first + seconds; s++) {
      const shift = s * P, end = now + shift + P;
      let k = 0;
      // The thread ticks due in this second, earliest first, each after every item of its microsecond.
      for (;;) {
        let thread = -1;
        for (let m = 0; m < n; m++) {
          const t = this.endThreadUs[m] as number;
          if (t > end) continue;
          // Thread ticks of one microsecond (every member's thread starts with the run) run in the
          // order of their keys, and reserve their next ones in that order: it stays the same.
          const bt = thread < 0 ? Infinity : (this.endThreadUs[thread] as number);
          if (t < bt || (t === bt && (this.endThreadKey[m] as number) < (this.endThreadKey[thread] as number))) thread = m;
        }
        const until = thread < 0 ? Infinity : (this.endThreadUs[thread] as number);
        const from = k;
        while (k < count && (at[k] as number) + shift <= until) k++;
        // The run's items see the order keys the previous second left: each member's step, alive and
        // detector item comes once a second.
        if (visit !== null && k > from) visit.runItems(from, k, shift);
        for (let j = from; j < k; j++) {
          const kj = kind[j] as number;
          // A skipped lane tick (about 8 of a member's 14 items a second) reserves one number and
          // leaves no queued event to re-key; a thread tick is handed over below.
          if (kj === ORDER_LANE_SKIP) {
            seq++;
            continue;
          }
          if (kj === ORDER_THREAD) continue;
          const m = member[j] as number, t = (at[j] as number) + shift;
          if (kj === ORDER_STEP) {
            this.endStepUs[m] = t + P;
            this.endStepKey[m] = timerBase + seq;
          } else if (kj === ORDER_ALIVE) {
            this.endAliveUs[m] = t + P;
            this.endAliveKey[m] = timerBase + seq + n - 1;
          } else if (kj === ORDER_DETECTOR) {
            this.endDetectorUs[m] = t + P;
            this.endDetectorKey[m] = timerBase + seq;
          }
          seq += reserves[j] as number;
        }
        if (thread < 0) break;
        if (visit !== null) visit.runThreadTick(thread, this.endThreadUs[thread] as number, this.endThreadKey[thread] as number);
        this.endThreadKey[thread] = lateBase + seq;
        this.endThreadUs[thread] = (this.endThreadUs[thread] as number) + T;
        seq++;
      }
    }
    return seq;
  }

  /** How many items the order that held last has (secondOrder's answer). */
  get orderLength(): number {
    return this.orderCount;
  }


  /** How many seconds the walk has walked since beginWalk. */
  get walkedSeconds(): number {
    return this.walked;
  }

  /**
   * walkSeconds over `seconds` seconds without a visitor, in closed form: every second reserves
   * the order's numbers, and each suspicions-thread tick due one more; the periodic events' times
   * move on. Their order keys are left as they were: a walk of at least a second follows before
   * anything reads them (SteadyJump walks its last seconds), and a thread tick's key, which orders
   * the ticks of one microsecond, keeps its rank among them (walkSeconds: each reserves its next
   * in that order). Adds each member's thread ticks to `threadTicks`, and returns the sequence
   * counter after those seconds.
   */
  skipSeconds(seconds: number, seq: number, threadTicks: Float64Array): number {
    const n = this.parts.xcom.n, P = STEADY_PERIOD_US, T = SUSPICION_PROCESSING_THREAD_PERIOD_US;
    let perSecond = 0;
    for (let k = 0; k < this.orderCount; k++) if (this.orderKind[k] !== ORDER_THREAD) perSecond += this.orderReserves[k] as number;
    const endUs = this.walkStartUs + (this.walked + seconds) * P, shift = seconds * P;
    this.walked += seconds;
    seq += seconds * perSecond;
    for (let m = 0; m < n; m++) {
      this.endStepUs[m] = (this.endStepUs[m] as number) + shift;
      this.endAliveUs[m] = (this.endAliveUs[m] as number) + shift;
      this.endDetectorUs[m] = (this.endDetectorUs[m] as number) + shift;
      const thread = this.endThreadUs[m] as number;
      if (thread <= endUs) {
        const ticks = Math.floor((endUs - thread) / T) + 1;
        this.endThreadUs[m] = thread + ticks * T;
        threadTicks[m] = (threadTicks[m] as number) + ticks;
        seq += ticks;
      }
    }
    return seq;
  }

  /** How long after its decision member m's last learn can arrive (the slowest link's latency plus jitter bound). */
  reachUs(m: number): number {
    return this.reach[m] as number;
  }

  /** A cache-task arm (one reserved sequence number) in member m's decision block. */
  private addArm(m: number): void {
    const k = this.decisionItem[m] as number;
    this.orderReserves[k] = (this.orderReserves[k] as number) + 1;
  }

  /** secondOrder's answer when it refuses: -1, with the reason kept in `orderRefusal`. */
  private refuseOrder(reason: OrderRefusal): number {
    this.orderRefusal = reason;
    return -1;
  }

  /** The priority of an event from its order key. */
  private keyPriority(orderKey: number): number {
    return Math.floor(orderKey / SEQ_SPAN);
  }

  /** The member whose decision comes first after `t` (-1: none by the end of the second). */
  private firstDecisionAfter(n: number, t: number): number {
    let best = -1;
    for (let m = 0; m < n; m++) {
      const d = this.decisionAt[m] as number;
      if (d > t && (best < 0 || d < (this.decisionAt[best] as number))) best = m;
    }
    return best;
  }

  /** phasesSeparated on the times found: readers are the alive ticks and the next dispatched cache ticks. */
  private phases(n: number): boolean {
    const { net, xcom } = this.parts;
    let maxReach = 0;
    for (let m = 0; m < n; m++) {
      const delay = xcom.consensus.decisionDelayUs(m);
      if (delay < 0) return false;
      let reach = 0;
      for (let j = 0; j < n; j++) {
        if (j === m) continue;
        reach = Math.max(reach, net.linkLatencyUs(m, j) + net.linkJitterUs(m, j));
      }
      this.decisionUs[m] = delay;
      this.reach[m] = reach;
      maxReach = Math.max(maxReach, reach);
      this.readersUs[2 * m] = this.aliveUs[m] as number;
      this.readersUs[2 * m + 1] = (this.cacheSampleUs[m] as number) + STEADY_PERIOD_US;
    }
    // Strictly more than a window apart: a value learned at the very end of one window ties with
    // a decision at that microsecond.
    return phasesSeparated(n, this.stepUs, this.decisionUs, this.reach, this.readersUs, 2 * n, maxReach + 1);
  }
}
