import { InvariantError } from '../errors.js';
import type { Kernel } from '../kernel/kernel.js';
import { PRIORITY } from '../kernel/kernel.js';
import type { TickLane } from '../kernel/tick-lane.js';
import type { DialBackoff, WakeupDelayCap } from '../gr/version-profiles.js';
import type { ModelParameters } from '../model-parameters.js';
import type { Network } from '../network/network.js';
import type { RandomStream } from '../rng/random-stream.js';
import {
  ALIVE_TASK_PERIOD_US, CACHE_MANAGER_TASK_PERIOD_US, CONNECT_TIMEOUT_US, CONNECT_WAIT_FACTOR_UP_TO_8_0_26, CONNECT_WAIT_INCREASE_US, DETECTOR_LIVE_TIMEOUT_US,
  DETECTOR_TASK_PERIOD_US, INITIAL_CONNECT_WAIT_US, MAX_CONNECT_WAIT_UP_TO_8_0_26_US, MAX_CONNECT_WAIT_US, MAX_SILENT_US,
  PING_GATHERING_TIME_WINDOW_US, SIZEOF_PAX_MSG, PINGS_GATHERED_BEFORE_CONNECTION_SHUTDOWN, TCP_REAPER_IDLE_US,
} from './constants.js';
import { Consensus } from './consensus.js';
import type { LogEntry } from './log-entry.js';
import { lowestDeliveredHeard, MessageCache, protectionBoundSlot, XcomCacheMemoryInstrument } from './message-cache.js';
import { popcount, type XcomConfig } from './xcom-config.js';

/**
 * The message kinds and the timing constants the heartbeat paths read, for this module's own use:
 * V8 reads an exported or imported binding through a cell with a check that it is initialised on
 * every use in optimised code, a private const it compiles to the number itself.
 */
const I_AM_ALIVE = 0, ARE_YOU_ALIVE = 1, LEARN = 2, PREPARE = 3;
const ALIVE_PERIOD_US = ALIVE_TASK_PERIOD_US, DETECTOR_PERIOD_US = DETECTOR_TASK_PERIOD_US;
const SILENT_LIMIT_US = MAX_SILENT_US, LIVE_TIMEOUT_US = DETECTOR_LIVE_TIMEOUT_US, REAPER_IDLE_US = TCP_REAPER_IDLE_US;

/** XCom message kinds carried in network envelopes. */
export const MSG_I_AM_ALIVE = I_AM_ALIVE;
export const MSG_ARE_YOU_ALIVE = ARE_YOU_ALIVE;
export const MSG_LEARN = LEARN;
/** A proposer task's push of a value (prepare/accept, xcom_base.cc push_msg_3p); its answers are modelled in Consensus. */
export const MSG_PREPARE = PREPARE;

/** What XCom tells the layer above (the GCS binding); injected, XCom never sees the emitter. */
export interface XcomUpcalls {
  /** The detector's opinion changed (deliver_view_msg → xcom_receive_local_view). */
  localView(node: number, aliveMask: number, config: XcomConfig): void;
  /** A view_msg was executed (deliver_global_view_msg → xcom_receive_global_view); `index`: its place in the log. */
  globalView(node: number, aliveMask: number, config: XcomConfig, index: number): void;
  /** An 'app' or 'gr' entry was executed on `node`. */
  execute(node: number, entry: LogEntry): void;
  /** A new configuration became the node's executor site. */
  configActivated(node: number, config: XcomConfig): void;
  /** XCom exited on its own (terminate_and_exit → xcom_expel_cb). */
  exited(node: number): void;
  connection(from: number, to: number, up: boolean, reason: string): void;
  /** The 3-ping rule shut `node`'s outgoing connection to `peer` (logged as a "[GCS]" warning). */
  pingShutdown(node: number, peer: number): void;
  /**
   * A peer answered a read with die_op for `entry`, which `node` has not executed
   * (process_die_op): it logs the "too far ahead" line and exits at once (terminate_and_exit).
   */
  died(node: number, entry: LogEntry): void;
  /**
   * A sample of the node's cache, by the rule of `CACHE_GROWTH_SAMPLE_US` (from the 0.1 s cache
   * task, XCom's stop, or a limit change): its cache_size `bytes`, the XCom slots it holds and has
   * freed since it was created, and its limit; `peakBytes` is the highest cache_size since the
   * node's previous sample (≥ `bytes`; above it when slots were freed since).
   */
  cacheChanged(node: number, bytes: number, peakBytes: number, slots: number, freedSlots: number, limitBytes: number): void;
}

/**
 * Least virtual time between two cache samples of one node, µs, but for the onset of eviction, a
 * clear and a limit change (a grsim reporting rule, not MySQL's). A sample is taken at a 0.1 s
 * cache-task run when the cache changed since the node's previous one and either this much time
 * has passed, or slots were freed since while the previous sample had freed none (eviction
 * starts); a clear (XCom stops) and a limit change report at once. Each sample carries the peak
 * since the previous one, so sampling loses no peak. With flow-control traffic an idle member
 * learns a slot every few 0.1 s ticks, and once its cache is full evicts at each: one sample a
 * second either way.
 */
export const CACHE_GROWTH_SAMPLE_US = 1_000_000;

/**
 * cacheWakeUs's "the next tick may do more": a constant, since `-Infinity` in an expression is a
 * negation that V8 compiles from its type feedback, and code that first returns it seconds into a
 * run (the first eviction) would throw the optimised learn path away.
 */
const WAKE_AT_NEXT_TICK = -Infinity;
/**
 * Each member's message cache starts with room for this many records (runs of equal cells) and
 * doubles as it needs. Small so that a loaded cache grows its record store within its first
 * records, while V8 still runs MessageCache.insertRecord unoptimised: its call that makes room then
 * has type feedback. With room for 1,024 records a cache of the 10,000 tx/s bench first grew two
 * minutes in, after V8 had optimised the learn's append path without that call, and V8 threw that
 * code away there and compiled it again.
 */
const CACHE_INITIAL_RECORDS = 16;
/**
 * Each member's message cache hands its first this many eviction passes to the general walk
 * (MessageCacheOptions.walksFirst), which frees what the short loop would. A full cache hands a
 * pass on to the walk a few times in a thousand, first seconds after V8 has optimised
 * MessageCache.evictionPass; its call of the walk, never run by then, had no type feedback,
 * and V8 threw that code away there and compiled it again. Taken in the first passes, the call has
 * its feedback from the start (more than V8's first 8 calls of a function, which run before it
 * allocates the function's feedback and record none).
 */
const CACHE_WALKS_FIRST = 32;

/**
 * Seconds of statistics decisions (one msgno per member a second) below a node's delivered msgno
 * that steadyEvictionLearns takes as the lowest protection bound a steady learn can meet: the
 * values the bound is made of are at most a second and a latency old (see there); 5 keeps a wide
 * margin at the cost of 5 × members cells a cache cannot replay, out of hours of them.
 */
const STEADY_EVICTION_MARGIN_S = 5;

const NODE_BITS = 4;
const NODE_MASK = (1 << NODE_BITS) - 1;
const GEN_MASK = (1 << 21) - 1;
const PAIR_BITS = 8;
const PAIR_MASK = (1 << PAIR_BITS) - 1;
const PAIR_GEN_MASK = (1 << 17) - 1;

/**
 * The XCom layer of every server (L3): outgoing connections with XCom's dial back-off, reaper and
 * ping-reset rules; the alive task (i_am_alive every 1 s, are_you_alive to peers silent for 4 s);
 * the detector task (1 s period, early wake on rediscovery, local views on change, global views
 * from the leader when it sees a majority); and, through `consensus`, the decided log.
 * State lives in typed arrays indexed by member slot (N ≤ 16) so the heartbeat path allocates nothing.
 */
export class XcomCluster {
  readonly n: number;
  readonly consensus: Consensus;
  /** Whether each node's XCom is running with a configuration. */
  readonly booted: Uint8Array;
  /** Generation of each node's XCom instance; timers of older generations are ignored. */
  readonly gen: Int32Array;
  /** Incarnation each node's XCom runs as. */
  readonly incarnation: Int32Array;
  readonly config: (XcomConfig | null)[];
  /** `detected[i*n+j]`: when i last heard j while its outgoing connection to j was up. */
  readonly detected: Float64Array;
  readonly localMask: Int32Array;
  /**
   * Per node: until when every node of its configuration counts alive on its stamps (the oldest
   * stamp plus DETECTOR_LIVE_TIMEOUT), as aliveMaskOnStamps last found; −Infinity: not known. A
   * stamp only grows while the configuration stays, so the answer holds until then; boot and a new
   * configuration (which may stamp an added node as never heard) forget it.
   */
  private readonly allAliveUntilUs: Float64Array;
  readonly globalMask: Int32Array;
  /** Config id the node's detector last ran on (a change forces notifications). */
  private readonly detectorConfigId: Int32Array;
  private readonly detectorGen: Int32Array;
  private readonly detectorWokenAt: Float64Array;
  /** `connUp[i*n+j]`: i's outgoing connection to j is established. */
  readonly connUp: Uint8Array;
  /** Per node: `connUp` of its row as a bit mask (bit j: its outgoing connection to j is established). */
  private readonly connUpMask: Int32Array;
  private readonly connGen: Int32Array;
  private readonly dialing: Uint8Array;
  private readonly backoffUs: Float64Array;
  /** The run's version grows the dial wait ×1.1 up to 1 s (up to 8.0.26), not by 1 s up to 10 s. */
  private readonly dialWaitGrowsByFactor: boolean;
  private readonly lastSendOkUs: Float64Array;
  /** `unreadBytes[i*n+j]`: bytes i wrote to j since j last consumed them (socket buffers filling); Infinity once a write blocked. */
  private readonly unreadBytes: Float64Array;
  private readonly blackholeArmed: Uint8Array;
  /** Per link: the network's quiet epoch in which `checkAliveLinkIsQuiet` last said yes (-1: never). */
  private readonly quietLinkEpoch: Int32Array;
  private readonly pingCount: Int32Array;
  private readonly lastPingUs: Float64Array;
  /** Timers that came due while the node was frozen: [handler, arg] pairs. */
  private readonly deferred: number[][];
  /** Each node's XCom message cache (its P_S instrument outlives XCom restarts). */
  readonly caches: MessageCache[];
  /** `deliveredSeen[i*n+j]`: j's delivered msgno as i last heard it (i_am_alive carries it). */
  readonly deliveredSeen: Float64Array;
  /**
   * Per node i: at most every entry of its `deliveredSeen` row over the nodes of
   * `deliveredFloorCfg[i]` (every write into the row takes it down to the value written if lower),
   * so that shrinkCache can run its pass on it without working out the lowest delivered msgno over
   * the live nodes; worked out afresh whenever a pass stops at it (see shrinkCache).
   */
  private readonly deliveredFloor: Float64Array;
  /** The configuration `deliveredFloor[i]` covers (null: none; a boot or a new configuration invalidates it). */
  private readonly deliveredFloorCfg: (XcomConfig | null)[];
  /** Per node: its rows of `deliveredSeen` and `detected`, as views (no allocation per eviction pass). */
  private readonly reportedCacheBytes: Float64Array;
  private readonly reportedFreedSlots: Float64Array;
  /** Per node: when its latest cache sample was taken (-Infinity: none yet). */
  private readonly reportedCacheUs: Float64Array;
  /** Per node: 1 when its latest cache sample reported slots freed (eviction or a clear). */
  private readonly reportedCacheFreeing: Uint8Array;
  /** Per node: the highest cache_size since its latest cache sample (learned slots push it up). */
  private readonly cachePeakBytes: Float64Array;
  /**
   * Learns still to run shrink_cache at or below the limit, where the pass frees nothing. A
   * loaded cache first goes over its limit seconds into a run, after V8 has optimised the learn
   * path without the shrink_cache call, which had never run: V8 then threw that code away (with
   * `learn` and `receive`, which inline it) and compiled it again. Called in the first learns, the
   * call has its type feedback (past V8's first 8 calls of a function, which record none) in time.
   */
  private shrinkWarmups = 32;
  /**
   * Per node: a time of the 0.1 s cache task's tick (its phase; the latest tick armed), and whether
   * its next run is scheduled.
   */
  private readonly cacheTickUs: Float64Array;
  private readonly cacheArmed: Uint8Array;
  /**
   * Per node: 1 while the wake time on the lane is one that cacheWakeUs gives at every learn until
   * the next sample, as long as the cache stays at or below its limit: slots freed since a sample
   * that reported freeing (no onset), so the wake is that sample's time plus a growth period less
   * half a tick, and none of it changes before reportCache samples again (freedSlots only grows).
   * A learn of an armed task then leaves the wake as it is (setCacheWake).
   */
  private readonly cacheWakeSteady: Uint8Array;
  /** The cache task's ticks, one slot per node, skipped while they can only hold a sample back. */
  private readonly cacheLane: TickLane;
  private readonly hCache: number;
  /**
   * While a steady replay runs (holdCacheWakes): a learn that finds its node's cache task armed
   * leaves the task's wake time as the arm set it, rather than computing it again. In a steady
   * second that value cannot change until the task's sample disarms it (see settleCacheWakes).
   */
  private cacheWakesHeld = false;
  /**
   * Per node, while a steady replay runs (holdCacheWakes): how many more of its learns free one
   * cell with a shrink_cache pass whose bound need not be worked out (cacheLearnedReplayed).
   */
  private readonly replayShrinks: Float64Array;
  /** The bytes of the cells those learns bring (holdCacheWakes). */
  private replayCellBytes = 0;

  private readonly hAlive: number;
  private readonly hDetector: number;
  private readonly hDialResult: number;
  private readonly hDialRetry: number;
  private readonly hBlackhole: number;
  private readonly hRemoteClose: number;

  constructor(
    readonly kernel: Kernel,
    readonly net: Network,
    readonly rng: RandomStream,
    readonly params: ModelParameters,
    readonly up: XcomUpcalls,
    readonly eventHorizon: number,
    cacheLimitBytes: readonly number[] = [],
    /** The run's version's cap of wakeup_delay (VersionProfile.wakeupDelayCap). */
    readonly wakeupDelayCap: WakeupDelayCap = 'redraw-above-20s',
    /** The run's version's back-off between failed dials (VersionProfile.dialBackoff). */
    dialBackoff: DialBackoff = 'add-1s-cap-10s',
  ) {
    const n = net.n;
    if (n > 16) throw new InvariantError('XcomCluster supports at most 16 nodes');
    this.n = n;
    const nn = n * n;
    this.booted = new Uint8Array(n);
    this.gen = new Int32Array(n);
    this.incarnation = new Int32Array(n);
    this.config = new Array<XcomConfig | null>(n).fill(null);
    this.detected = new Float64Array(nn);
    this.localMask = new Int32Array(n);
    this.allAliveUntilUs = new Float64Array(n).fill(-Infinity);
    this.globalMask = new Int32Array(n);
    this.detectorConfigId = new Int32Array(n).fill(-1);
    this.detectorGen = new Int32Array(n);
    this.detectorWokenAt = new Float64Array(n).fill(-1);
    this.connUp = new Uint8Array(nn);
    this.connUpMask = new Int32Array(n);
    this.connGen = new Int32Array(nn);
    this.dialing = new Uint8Array(nn);
    this.backoffUs = new Float64Array(nn).fill(INITIAL_CONNECT_WAIT_US);
    this.dialWaitGrowsByFactor = dialBackoff === 'grow-1.1x-cap-1s';
    this.lastSendOkUs = new Float64Array(nn);
    this.unreadBytes = new Float64Array(nn);
    this.blackholeArmed = new Uint8Array(nn);
    this.quietLinkEpoch = new Int32Array(nn).fill(-1);
    this.pingCount = new Int32Array(nn);
    this.lastPingUs = new Float64Array(nn).fill(-Infinity);
    this.deferred = Array.from({ length: n }, () => []);
    this.caches = Array.from({ length: n }, (_, i) => new MessageCache({
      limitBytes: cacheLimitBytes[i] ?? 1_073_741_824, instrument: new XcomCacheMemoryInstrument(),
      initialCapacity: CACHE_INITIAL_RECORDS, walksFirst: CACHE_WALKS_FIRST,
    }));
    this.deliveredSeen = new Float64Array(nn).fill(-1);
    this.deliveredFloor = new Float64Array(n).fill(-1);
    this.deliveredFloorCfg = new Array<XcomConfig | null>(n).fill(null);
    this.reportedCacheBytes = new Float64Array(n);
    this.reportedFreedSlots = new Float64Array(n);
    this.reportedCacheUs = new Float64Array(n).fill(-Infinity);
    this.reportedCacheFreeing = new Uint8Array(n);
    this.cachePeakBytes = new Float64Array(n);
    this.cacheTickUs = new Float64Array(n);
    this.cacheArmed = new Uint8Array(n);
    this.cacheWakeSteady = new Uint8Array(n);
    this.jumpArmed = new Uint8Array(n);
    this.jumpWakeSteady = new Uint8Array(n);
    this.replayShrinks = new Float64Array(n);
    this.hCache = kernel.register('xcom.cacheTask', (arg) => this.onCacheTimer(arg));
    // A frozen node's tick must reach liveNode, which sets it aside until the thaw.
    this.cacheLane = kernel.createTickLane('xcom.cacheTask', n, CACHE_MANAGER_TASK_PERIOD_US, net.frozen, (arg) => this.onCacheTimer(arg));
    // The once-a-second tasks' handlers are the bound methods, not arrow functions calling them: V8
    // optimises such a method on its own minutes into a run, then the arrow function too, with the
    // method inlined (a second compile of it); a bound function is never compiled.
    this.hAlive = kernel.register('xcom.alive', this.onAliveTimer.bind(this));
    this.hDetector = kernel.register('xcom.detector', this.onDetectorTimer.bind(this));
    this.hDialResult = kernel.register('xcom.dialResult', (arg) => this.onDialResult(arg));
    this.hDialRetry = kernel.register('xcom.dialRetry', (arg) => this.onDialRetry(arg));
    this.hBlackhole = kernel.register('xcom.blackhole', (arg) => this.onBlackhole(arg));
    this.hRemoteClose = kernel.register('xcom.remoteClose', (arg) => this.onRemoteClose(arg));
    this.consensus = new Consensus(this);
    // Not a function literal assigned to the property, which V8 would allocate in the old
    // generation (test/sim/pretenured-closures.test.ts).
    const onDie = (i: number, entry: LogEntry): void => this.up.died(i, entry);
    this.consensus.onDie = onDie;
    net.setReceiver((msg) => this.receive(msg), (from, to, cell) => this.receiveQuietAlive(from, to, cell));
  }

  // ---------------------------------------------------------------- timers and lifecycle

  /** Packs a node and its XCom generation into a timer argument. */
  nodeArg(i: number): number {
    return i | (((this.gen[i] as number) & GEN_MASK) << NODE_BITS);
  }

  /** Unpacks a node timer argument; returns -1 when the timer is stale or the node is frozen (then deferred). */
  liveNode(handler: number, arg: number): number {
    const i = arg & NODE_MASK;
    if (this.booted[i] === 0 || ((this.gen[i] as number) & GEN_MASK) !== arg >>> NODE_BITS) return -1;
    if (this.net.frozen[i] === 1) {
      (this.deferred[i] as number[]).push(handler, arg);
      return -1;
    }
    return i;
  }

  /**
   * Starts XCom on node i in `config` (bootstrap, restart or join): stamps every peer as just heard
   * (a new server entry must not look dead before its first message), random task phases, dials.
   * A joiner takes the global node set of `donor` (the seed that proposed its add_node), less
   * itself: it imports the sites from a member's snapshot with their global node sets
   * (site_def.cc, export_config / import_config), in which the node an add_node appended is absent
   * (realloc_node_set clears new entries), so it picks the same detector leader as the group.
   */
  boot(i: number, config: XcomConfig, incarnation: number, executedIndex: number, phased: boolean, donor = -1): void {
    const n = this.n, now = this.kernel.nowUs;
    this.net.settleQuiet();
    this.gen[i] = (this.gen[i] as number) + 1;
    this.booted[i] = 1;
    this.incarnation[i] = incarnation;
    this.config[i] = config;
    this.allAliveUntilUs[i] = -Infinity;
    for (let j = 0; j < n; j++) {
      this.detected[i * n + j] = now;
      this.pingCount[i * n + j] = 0;
    }
    this.localMask[i] = config.mask;
    this.globalMask[i] = donor >= 0 && this.booted[donor] === 1 && donor !== i ? (this.globalMask[donor] as number) & ~(1 << i) : config.mask;
    this.detectorConfigId[i] = config.id;
    this.detectorWokenAt[i] = -1;
    this.consensus.resetNode(i, executedIndex);
    (this.caches[i] as MessageCache).configInstalled(now);
    for (let j = 0; j < n; j++) this.deliveredSeen[i * n + j] = -1;
    this.deliveredFloor[i] = -1;
    this.deliveredFloorCfg[i] = null;
    const alivePhase = phased ? this.rng.int(ALIVE_TASK_PERIOD_US) : 0;
    // The cache task's phase follows the alive task's (no extra random draw: runs stay comparable).
    this.cacheTickUs[i] = (now + alivePhase) % CACHE_MANAGER_TASK_PERIOD_US;
    this.cacheArmed[i] = 0;
    const detectorPhase = phased ? this.rng.int(DETECTOR_TASK_PERIOD_US) : 0;
    this.kernel.schedule(alivePhase, this.hAlive, this.nodeArg(i));
    this.detectorGen[i] = 0;
    this.kernel.schedule(detectorPhase, this.hDetector, this.detectorArg(i));
    for (const j of config.nodes) if (j !== i) this.ensureDialing(i, j);
  }

  /** Marks connections of a bootstrapped group as established (the run starts with a formed group). */
  markConnected(i: number, j: number): void {
    this.net.settleQuiet();
    const p = i * this.n + j;
    this.connUp[p] = 1;
    this.connUpMask[i] = (this.connUpMask[i] as number) | (1 << j);
    this.dialing[p] = 0;
    this.lastSendOkUs[p] = this.kernel.nowUs;
    this.unreadBytes[p] = 0;
  }

  /**
   * Stops XCom on node i (exit, leave, crash, shutdown): its outgoing connections vanish, peers see
   * their connections to it closed one latency later (FIN/RST) or, across a cut path, only when the
   * black-hole timeout fires.
   */
  stop(i: number, reason: string): void {
    if (this.booted[i] === 0) return;
    const n = this.n;
    this.net.settleQuiet();
    this.booted[i] = 0;
    this.gen[i] = (this.gen[i] as number) + 1;
    this.deferred[i] = [];
    this.config[i] = null;
    this.consensus.stopNode(i);
    (this.caches[i] as MessageCache).clear(); // deinit_cache
    this.reportCache(i, true);
    // A pending tick now belongs to a stopped XCom: it must reach liveNode, which drops it.
    this.cacheLane.setWake(i, -Infinity);
    this.cacheWakeSteady[i] = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const p = i * n + j;
      this.dialing[p] = 0;
      if (this.connUp[p] === 1) this.closeConnection(i, j, reason, false);
      this.connGen[p] = (this.connGen[p] as number) + 1;
      this.peerSocketGone(j, i);
    }
  }

  /** The process of node j died or its XCom closed its sockets: i's connection to j closes when i notices. */
  private peerSocketGone(i: number, j: number): void {
    const p = i * this.n + j;
    if (this.connUp[p] !== 1) return;
    if (this.net.isPathUp(i, j)) {
      this.kernel.schedule(this.net.linkLatencyUs(j, i), this.hRemoteClose, this.pairArg(p), PRIORITY.delivery);
    } else {
      this.armBlackhole(p);
    }
  }

  /** Runs the timers a frozen node missed, at the thaw instant, in their original order. */
  thawed(i: number): void {
    const d = this.deferred[i] as number[];
    this.deferred[i] = [];
    for (let k = 0; k < d.length; k += 2) this.kernel.schedule(0, d[k] as number, d[k + 1] as number);
  }

  // ---------------------------------------------------------------- connections

  private pairArg(p: number): number {
    return p | (((this.connGen[p] as number) & PAIR_GEN_MASK) << PAIR_BITS);
  }

  private livePair(arg: number): number {
    const p = arg & PAIR_MASK;
    return ((this.connGen[p] as number) & PAIR_GEN_MASK) === arg >>> PAIR_BITS ? p : -1;
  }

  /** Starts i's sender task towards j if it is not connected and not already dialling. */
  ensureDialing(i: number, j: number): void {
    const p = i * this.n + j;
    if (this.connUp[p] === 1 || this.dialing[p] === 1 || this.booted[i] === 0) return;
    this.dialing[p] = 1;
    this.dial(p);
  }

  private dial(p: number): void {
    const n = this.n, i = (p / n) | 0, j = p % n;
    const net = this.net;
    const rtt = net.linkLatencyUs(i, j) + net.linkLatencyUs(j, i);
    let delay: number;
    if (!net.isPathUp(i, j) || net.frozen[j] === 1) delay = CONNECT_TIMEOUT_US; // SYN unanswered, or negotiation hangs
    else delay = rtt; // connected, or refused, after a round trip
    this.kernel.schedule(delay, this.hDialResult, this.pairArg(p));
  }

  private onDialResult(arg: number): void {
    const p = this.livePair(arg);
    if (p < 0) return;
    const n = this.n, i = (p / n) | 0, j = p % n;
    if (this.booted[i] === 0 || this.dialing[p] === 0) return;
    if (this.net.frozen[i] === 1) {
      (this.deferred[i] as number[]).push(this.hDialResult, arg);
      return;
    }
    const net = this.net;
    if (net.isPathUp(i, j) && net.isResponsive(j) && this.booted[j] === 1) {
      net.settleQuiet();
      this.dialing[p] = 0;
      this.connUp[p] = 1;
      this.connUpMask[i] = (this.connUpMask[i] as number) | (1 << j);
      this.backoffUs[p] = INITIAL_CONNECT_WAIT_US;
      this.lastSendOkUs[p] = this.kernel.nowUs;
      this.unreadBytes[p] = 0;
      this.up.connection(i, j, true, 'connected');
      this.consensus.retryPending(i);
      return;
    }
    const wait = this.backoffUs[p] as number;
    // sender_task (xcom_transport.cc): up to 8.0.26 the wait grows ×1.1 up to 1 s, from 8.0.27 by 1 s up to 10 s.
    this.backoffUs[p] = this.dialWaitGrowsByFactor
      ? Math.min(wait * CONNECT_WAIT_FACTOR_UP_TO_8_0_26, MAX_CONNECT_WAIT_UP_TO_8_0_26_US)
      : Math.min(wait + CONNECT_WAIT_INCREASE_US, MAX_CONNECT_WAIT_US);
    this.kernel.schedule(Math.floor(wait), this.hDialRetry, this.pairArg(p)); // ×1.1 leaves fractions of a µs
  }

  private onDialRetry(arg: number): void {
    const p = this.livePair(arg);
    if (p < 0) return;
    const i = (p / this.n) | 0, j = p % this.n;
    const cfg = this.config[i];
    if (this.booted[i] === 0 || cfg == null || (cfg.mask & (1 << j)) === 0) {
      this.dialing[p] = 0; // the peer left the site: its sender task ends
      return;
    }
    if (this.net.frozen[i] === 1) {
      (this.deferred[i] as number[]).push(this.hDialRetry, arg);
      return;
    }
    this.dial(p);
  }

  /** Closes i's outgoing connection to j; the sender task redials at once if j is still in i's site. */
  closeConnection(i: number, j: number, reason: string, redial = true): void {
    const p = i * this.n + j;
    if (this.connUp[p] === 0) return;
    this.net.settleQuiet();
    this.connUp[p] = 0;
    this.connUpMask[i] = (this.connUpMask[i] as number) & ~(1 << j);
    this.blackholeArmed[p] = 0;
    this.connGen[p] = (this.connGen[p] as number) + 1;
    this.net.endStream(i, j); // a redial opens a new TCP stream, not queued behind this one's retransmissions
    this.up.connection(i, j, false, reason);
    const cfg = this.config[i];
    if (redial && cfg != null && (cfg.mask & (1 << j)) !== 0) this.ensureDialing(i, j);
  }

  private onRemoteClose(arg: number): void {
    const p = this.livePair(arg);
    if (p < 0) return;
    this.closeConnection((p / this.n) | 0, p % this.n, 'peer closed the connection');
  }

  private armBlackhole(p: number): void {
    if (this.blackholeArmed[p] === 1) return;
    this.blackholeArmed[p] = 1;
    this.kernel.schedule(this.net.options.blackholeCloseUs, this.hBlackhole, this.pairArg(p));
  }

  private onBlackhole(arg: number): void {
    const p = this.livePair(arg);
    if (p < 0 || this.blackholeArmed[p] === 0) return;
    this.blackholeArmed[p] = 0;
    const i = (p / this.n) | 0, j = p % this.n;
    if (!this.net.isPathUp(i, j) || this.booted[j] === 0 || this.net.running[j] === 0) {
      this.closeConnection(i, j, 'TCP gave up on an unresponsive path');
    }
  }

  /** Network verbs changed links or process states: arm or disarm black-hole timers, let blocked proposers retry. */
  networkChanged(): void {
    const n = this.n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const p = i * n + j;
        if (this.connUp[p] !== 1) continue;
        if (!this.net.isPathUp(i, j)) this.armBlackhole(p);
        else if (this.blackholeArmed[p] === 1) {
          this.blackholeArmed[p] = 0;
          this.connGen[p] = (this.connGen[p] as number) + 1; // a healed path cancels the pending close
        }
      }
    }
  }

  /**
   * Writes a message of about `bytes` on i's outgoing connection to j. While j is not reading (the
   * path is cut or its process stopped) the bytes pile up in the socket buffers; a write still
   * "succeeds" until `tcpBufferBytes` are pending, then it blocks: the message stays unsent and the
   * connection's last successful write ages until tcp_reaper_task closes it (docs/mysql-behaviour.md §X3, ⚠ inferred).
   * Messages that fitted reach a stopped peer when it resumes, unless the connection closed first.
   * (⚠ A blocked message is dropped here; in XCom it would wait in the queue and be dropped when the
   * connection closes, or sent if the peer resumed within those 10 s.) `inPlace`: sent with
   * Network.sendInPlace, the caller runs the deliveries at the end of its handler.
   */
  write(i: number, j: number, kind: number, a: number, b: number, bytes: number, inPlace = false): void {
    const p = i * this.n + j;
    const net = this.net;
    if (!this.writeOpen(i, j, p)) {
      // Once one message does not fit, the sender task blocks on it and every later one queues behind.
      const pending = (this.unreadBytes[p] as number) + bytes;
      if (pending > this.params.tcpBufferBytes) {
        this.unreadBytes[p] = Infinity;
        return;
      }
      this.unreadBytes[p] = pending;
    }
    // In place: its delivery waits for Network.runArrivalsInPlace at the end of the sending handler.
    if (inPlace) net.sendInPlace(i, j, kind, a, b);
    else net.send(i, j, kind, a, b);
    this.lastSendOkUs[p] = this.kernel.nowUs;
  }

  /**
   * Whether i's write to j goes out at once (the path up both ways and j not frozen: j reads it, so
   * nothing is left unread on the connection); `write`'s first test, and its bookkeeping then.
   */
  private writeOpen(i: number, j: number, p: number): boolean {
    const net = this.net;
    if (!(net.isPathUp(i, j) && net.frozen[j] === 0)) return false;
    this.unreadBytes[p] = 0;
    return true;
  }

  /**
   * `write(i, j, LEARN, …, inPlace)` on an open path, for a replay's decision block
   * (Consensus.decideInReplay), which runs the delivery's effects itself: the connection's
   * bookkeeping and the network's draw and arrival (Network.drawArrivalOn), without the message.
   * Returns the arrival time, or -1, changing nothing, when the path is not open (the steady group
   * the replay started from has every path open; the caller treats it as a divergence).
   */
  writeReplayed(i: number, j: number): number {
    const p = i * this.n + j;
    if (!this.writeOpen(i, j, p)) return -1;
    const arrival = this.net.drawArrivalOn(i, j);
    this.lastSendOkUs[p] = this.kernel.nowUs;
    return arrival;
  }

  /**
   * Whether an i_am_alive from i may go to j as a quiet send (Network.sendQuiet), as far as
   * anything but j's max_synode goes: the path is up and j unfrozen (so `write` would send it at
   * once), j's process runs with XCom booted, and j's detector already counts i alive or j has no
   * connection to i (no wake-up on arrival). Everything checked here changes only after a
   * `settleQuiet` call (network verbs, connections, boot and stop, j's local view), so a yes is
   * remembered per link until the network's quiet epoch moves: the alive tick reads that
   * (`quietLinkEpoch`) itself and calls this only once the epoch has moved since the link's last yes.
   */
  private checkAliveLinkIsQuiet(i: number, j: number, p: number): boolean {
    const net = this.net;
    const ok = net.isPathUp(i, j) && net.frozen[j] === 0 && this.booted[j] === 1 && net.running[j] === 1 &&
      (this.connUp[j * this.n + i] === 0 || ((this.localMask[j] as number) & (1 << i)) !== 0);
    if (ok) this.quietLinkEpoch[p] = net.quietEpoch;
    return ok;
  }

  /**
   * The latest i_am_alive from `from` that reached `to` by quiet sends: what `receive` would have
   * done at its arrival (each one overwrites the stamps of the one before). A message of another
   * kind delivered on the link after it may have stamped `detected` already (receive does not
   * collect for those), so the later stamp stays; nothing but boot (which settles first) lowers it.
   */
  private receiveQuietAlive(from: number, to: number, cell: number): void {
    const p = to * this.n + from;
    if (this.connUp[p] === 1) {
      const at = this.net.quietArrivalUs(cell);
      if (at > (this.detected[p] as number)) this.detected[p] = at;
      this.seeDelivered(to, p, this.net.quietB(cell));
    }
  }

  // ---------------------------------------------------------------- alive task

  private onAliveTimer(arg: number): void {
    if (this.aliveTick(arg)) this.kernel.schedule(ALIVE_PERIOD_US, this.hAlive, arg);
  }

  /**
   * @internal The alive tick of the timer with `arg` up to the scheduling of the next one, which
   * its caller does when this returns true (false: the timer is stale, or deferred while the node
   * is frozen). A replay of steady seconds (SteadyReplay) calls it in the tick's place.
   */
  aliveTick(arg: number): boolean {
    const i = this.liveNode(this.hAlive, arg);
    if (i < 0) return false;
    const n = this.n, now = this.kernel.nowUs, net = this.net, consensus = this.consensus;
    const connUp = this.connUp, detected = this.detected, lastSendOkUs = this.lastSendOkUs;
    const unreadBytes = this.unreadBytes, quietLinkEpoch = this.quietLinkEpoch;
    const cfg = this.config[i] as XcomConfig;
    const row = i * n;
    detected[row + i] = now; // its own i_am_alive goes through local_sender_task
    const maxSynode = consensus.maxSynode(i);
    const delivered = consensus.deliveredMsgno(i);
    this.seeDelivered(i, row + i, delivered);
    const nodes = cfg.nodes;
    // Peers written to quietly now: their connections' last successful write is now. This pass
    // finds them and whether any connected peer needs more (a write, or an are_you_alive to one
    // silent too long); on almost every tick none does, and the network sends to them all in one
    // call. Otherwise sendAlivePeerByPeer sends in the peers' order, as the draws must be.
    let wroteNow = 0, plain = false;
    for (let k = 0; k < nodes.length; k++) {
      const j = nodes[k] as number;
      if (j === i) continue;
      const p = row + j;
      if (connUp[p] !== 1) continue; // queued messages to a disconnected peer are dropped
      // The link's remembered quiet yes (checkAliveLinkIsQuiet), then j's max_synode.
      if ((quietLinkEpoch[p] === net.quietEpoch || this.checkAliveLinkIsQuiet(i, j, p)) && consensus.knowsMaxSynode(j, maxSynode)) {
        // What write() does on an open path, with an arrival that only stamps (receiveQuietAlive).
        unreadBytes[p] = 0;
        lastSendOkUs[p] = now;
        wroteNow |= 1 << j;
      } else {
        plain = true;
      }
      // silentTooLong's first test, without a call: the stamp alone says no on most ticks. Its
      // collection may come before the sends (it reads links into i, the sends write links out
      // of i, neither draws nor reserves), so only an are_you_alive to write needs the peer order.
      if (now - (detected[p] as number) > SILENT_LIMIT_US && this.silentTooLong(i, p)) plain = true;
    }
    if (!plain) net.sendQuietEach(i, nodes, wroteNow, I_AM_ALIVE, maxSynode, delivered);
    else this.sendAlivePeerByPeer(i, nodes, wroteNow, maxSynode, delivered);
    // tcp_reaper_task (folded into this 1 s tick): a connection with no successful write for 10 s
    // closes: one to a node outside the site that nothing is sent to, or one whose writes block.
    // Only established connections not written to quietly just now can qualify; they are visited
    // in ascending j, as a loop over every peer would.
    for (let left = (this.connUpMask[i] as number) & ~wroteNow; left !== 0; left &= left - 1) {
      const j = 31 - Math.clz32(left & -left), p = row + j;
      if (connUp[p] === 1 && (lastSendOkUs[p] as number) + REAPER_IDLE_US < now) {
        this.closeConnection(i, j, (cfg.mask & (1 << j)) === 0 ? 'idle for 10 s (tcp_reaper_task)' : 'writes blocked for 10 s (tcp_reaper_task)');
      }
    }
    this.consensus.retryPending(i);
    this.consensus.trimLog();
    return true;
  }

  /**
   * The alive tick's sends when some peer needs more than a quiet i_am_alive: peer by peer, an
   * i_am_alive (quiet to the peers of `quietPeers`, the first pass's answer, which nothing here
   * changes; written to the others) and, to a peer silent too long, an are_you_alive, so that
   * every random draw and reserved place comes in the order of the peers.
   */
  private sendAlivePeerByPeer(i: number, nodes: readonly number[], quietPeers: number, maxSynode: number, delivered: number): void {
    const row = i * this.n, now = this.kernel.nowUs, connUp = this.connUp, detected = this.detected;
    for (let k = 0; k < nodes.length; k++) {
      const j = nodes[k] as number, p = row + j;
      if (j === i || connUp[p] !== 1) continue; // queued messages to a disconnected peer are dropped
      if (((quietPeers >>> j) & 1) !== 0) this.net.sendQuiet(i, j, I_AM_ALIVE, maxSynode, delivered);
      else this.write(i, j, I_AM_ALIVE, maxSynode, delivered, SIZEOF_PAX_MSG);
      if (now - (detected[p] as number) > SILENT_LIMIT_US && this.silentTooLong(i, p)) this.write(i, j, ARE_YOU_ALIVE, 0, 0, SIZEOF_PAX_MSG);
    }
  }

  /**
   * Whether i has not heard the peer of pair p (row i) for more than MAX_SILENT_US by now. The stamp
   * as it is can only be older than the true one (quiet arrivals not yet collected are later), so
   * quiet arrivals are collected only when the stamp alone says yes.
   */
  private silentTooLong(i: number, p: number): boolean {
    const now = this.kernel.nowUs;
    if (now - (this.detected[p] as number) <= SILENT_LIMIT_US) return false;
    this.net.collectQuiet(i);
    return now - (this.detected[p] as number) > SILENT_LIMIT_US;
  }

  // ---------------------------------------------------------------- message cache

  /** Node i learned `entry` (do_learn): it enters the cache, then shrink_cache runs at once. */
  cacheLearned(i: number, entry: LogEntry): void {
    const cache = this.caches[i] as MessageCache;
    if (cache.addCell(entry.index, entry.cacheBytes, entry.cacheSlots, entry.firstMsgno + entry.msgnos - 1) > 0) {
      // Before shrink_cache: a slot that takes the cache above its limit counts at its peak.
      if (cache.sizeBytes > (this.cachePeakBytes[i] as number)) this.cachePeakBytes[i] = cache.sizeBytes;
      if (cache.aboveLimit() || this.shrinkWarmup()) this.shrinkCache(i);
      this.armCacheTask(i);
    }
  }

  /** Whether a learn at or below the limit still runs shrink_cache (see shrinkWarmups); counts it. */
  private shrinkWarmup(): boolean {
    if (this.shrinkWarmups === 0) return false;
    this.shrinkWarmups--;
    return true;
  }

  /**
   * Makes sure node i's cache task runs at its next 0.1 s tick. XCom's cache_manager_task runs every
   * 0.1 s forever; a run changes nothing while the cache is at or below its limit and unchanged, so
   * grsim schedules only the runs that can evict or report, including a growth sample held back
   * (an idle group without flow-control traffic costs no cache events). The runs that only hold
   * such a sample back until it is due are then skipped on the kernel's tick lane (cacheWakeUs).
   */
  private armCacheTask(i: number): void {
    if (this.booted[i] === 0) return;
    if (this.cacheArmed[i] === 1) {
      // Both read before the test: the steady side is first taken seconds into a busy run, and a
      // read that had never run would throw away the optimised learn path there.
      const above = (this.caches[i] as MessageCache).aboveLimit(), steady = this.cacheWakeSteady[i] === 1;
      if (!this.cacheWakesHeld && (above || !steady)) this.setCacheWake(i);
      return;
    }
    this.armCacheTick(i);
  }

  /** armCacheTask for a task not armed: its wake time, and its next 0.1 s tick on the lane. */
  private armCacheTick(i: number): void {
    this.setCacheWake(i);
    this.cacheArmed[i] = 1;
    const now = this.kernel.nowUs, period = CACHE_MANAGER_TASK_PERIOD_US;
    // The first tick after now. A busy cache arms again within a few ticks of the last one, so
    // stepping from it is exact and avoids the floating-point remainders of the general case.
    let next = this.cacheTickUs[i] as number;
    if (next <= now && now - next < 8 * period) {
      do next += period; while (next <= now);
    } else if (!(next > now && next - period <= now)) {
      next = now - ((now - next) % period + period) % period + period;
    }
    this.cacheTickUs[i] = next;
    this.cacheLane.arm(i, next, this.nodeArg(i));
  }

  /** Sets node i's wake time on the cache task's lane (cacheWakeUs), and whether it stands until the next sample (cacheWakeSteady). */
  private setCacheWake(i: number): void {
    const wake = this.cacheWakeUs(i);
    this.cacheLane.setWake(i, wake);
    this.cacheWakeSteady[i] = wake !== WAKE_AT_NEXT_TICK && (this.caches[i] as MessageCache).freedSlots !== this.reportedFreedSlots[i] ? 1 : 0;
  }

  /**
   * The first time at which node i's armed cache task can do more than hold a growth sample back
   * and run again 0.1 s later (onCacheTimer with the cache at or below its limit, changed since the
   * previous sample without an eviction onset, the sample not yet due): its ticks before then are
   * skipped (TickLane). −Infinity when the next tick may do more. The inputs change only in
   * cacheLearned, setCacheLimit, stop and reportCache, each of which arms the task (or, in stop,
   * clears the wake time) afterwards.
   */
  private cacheWakeUs(i: number): number {
    const cache = this.caches[i] as MessageCache;
    if (cache.aboveLimit()) return WAKE_AT_NEXT_TICK;
    // Both sides read before the test: the first eviction takes the freeing side first, seconds
    // in, and a read that had never run would throw away the optimised learn path there.
    const freeing = cache.freedSlots !== this.reportedFreedSlots[i];
    const onset = this.reportedCacheFreeing[i] === 0, unchanged = cache.sizeBytes === this.reportedCacheBytes[i];
    if (freeing ? onset : unchanged) return WAKE_AT_NEXT_TICK;
    return (this.reportedCacheUs[i] as number) + CACHE_GROWTH_SAMPLE_US - CACHE_MANAGER_TASK_PERIOD_US / 2;
  }

  /** Node i heard a delivered msgno: `deliveredSeen[p]` (p in its row) is `msgno`, and its floor stays at or below it. */
  private seeDelivered(i: number, p: number, msgno: number): void {
    this.deliveredSeen[p] = msgno;
    if (msgno < (this.deliveredFloor[i] as number)) this.deliveredFloor[i] = msgno;
  }

  /**
   * shrink_cache on node i: the protection bound is the lowest delivered msgno over the nodes of
   * its latest configuration heard from within DETECTOR_LIVE_TIMEOUT (self included), minus
   * MIN_CACHED (site_def.cc get_min_delivered_msg, xcom_cache.cc can_deallocate).
   */
  private shrinkCache(i: number): void {
    const cache = this.caches[i] as MessageCache, cfg = this.config[i], now = this.kernel.nowUs, row = i * this.n;
    this.seeDelivered(i, row + i, this.consensus.deliveredMsgno(i)); // self counts, up to date
    if (cfg == null) {
      cache.evictionPass(now, protectionBoundSlot(Infinity));
      return;
    }
    // A full cache evicts a slot or two far below the bound at each learn, so the pass runs on a
    // floor of it first. While node i is in the configuration the floor covers and heard from
    // itself within the live timeout, the nodes heard are some of that configuration's, i among
    // them, so the lowest delivered msgno over them is at least the lowest over all of its row
    // (deliveredFloor). Quiet i_am_alive arrivals not yet collected can only add nodes to those
    // heard (stamps only grow), each with the delivered msgno of its latest arrival: the bound
    // after collecting is at least the lowest of both floors. A pass that reaches a slot this
    // floor protects carries on as shrinkCacheOnStamps runs it, so that the arrivals are collected
    // exactly when a pass on the stamps' floor would reach a protected slot.
    if (cfg === this.deliveredFloorCfg[i] && (this.detected[row + i] as number) + DETECTOR_LIVE_TIMEOUT_US > now) {
      cache.evictionPass(now, protectionBoundSlot(Math.min(this.deliveredFloor[i] as number, this.net.quietLowestB(i))));
      if (cache.lastPassStop === 'protected') this.shrinkCacheOnStamps(i, cfg, true);
      return;
    }
    this.shrinkCacheOnStamps(i, cfg, false);
  }

  /**
   * shrinkCache on the stamps (`resume`: carrying on a pass on the delivered floor that reached a
   * protected slot; otherwise the node has no floor for its configuration yet, which is worked out
   * for the next pass): the pass runs, or carries on, on the lowest delivered msgno over the nodes
   * heard on the stamps as they are and among the quiet arrivals waiting, and past that with the
   * arrivals collected (shrinkCacheCollected). (onStamps is Infinity when no node qualifies on the
   * stamps; then no pass runs on it.)
   */
  private shrinkCacheOnStamps(i: number, cfg: XcomConfig, resume: boolean): void {
    const cache = this.caches[i] as MessageCache, now = this.kernel.nowUs;
    if (!resume) this.refreshDeliveredFloor(i, cfg);
    const onStamps = lowestDeliveredHeard(this.deliveredSeen, this.detected, now, cfg.nodes, DETECTOR_LIVE_TIMEOUT_US, i * this.n);
    if (onStamps !== Infinity) {
      const bound = protectionBoundSlot(Math.min(onStamps, this.net.quietLowestB(i)));
      if (resume) cache.resumeEvictionPass(now, bound);
      else cache.evictionPass(now, bound);
      if (cache.lastPassStop !== 'protected') return;
    }
    this.shrinkCacheCollected(i, cfg, resume || onStamps !== Infinity);
  }

  /** Works node i's delivered floor out afresh for `cfg`: the lowest entry of its row over `cfg`'s nodes, if i is one of them. */
  private refreshDeliveredFloor(i: number, cfg: XcomConfig): void {
    const nodes = cfg.nodes, row = i * this.n;
    let floor = Infinity, member = false;
    for (let k = 0; k < nodes.length; k++) {
      const j = nodes[k] as number;
      if (j === i) member = true;
      floor = Math.min(floor, this.deliveredSeen[row + j] as number);
    }
    this.deliveredFloor[i] = floor;
    this.deliveredFloorCfg[i] = member ? cfg : null;
  }

  /**
   * shrinkCache once the floors did not do (`resume`: a pass ran on one and stopped at a protected
   * slot; otherwise none ran): the quiet arrivals are collected and the pass runs, or carries on,
   * with the true bound; the delivered floor is worked out again on the row they raised. Rare (a
   * few learns in a thousand), so in a method of its own, out of the learn path's optimised code.
   */
  private shrinkCacheCollected(i: number, cfg: XcomConfig, resume: boolean): void {
    const cache = this.caches[i] as MessageCache, now = this.kernel.nowUs;
    this.net.collectQuiet(i);
    this.refreshDeliveredFloor(i, cfg);
    const bound = protectionBoundSlot(lowestDeliveredHeard(this.deliveredSeen, this.detected, now, cfg.nodes, DETECTOR_LIVE_TIMEOUT_US, i * this.n));
    if (resume) cache.resumeEvictionPass(now, bound);
    else cache.evictionPass(now, bound);
  }

  /** SET group_replication_message_cache_size: set_max_cache_size shrinks at once when above the new limit. */
  setCacheLimit(i: number, bytes: number): void {
    const cache = this.caches[i] as MessageCache;
    // A sample held back by the growth rule goes out first, with the limit it grew under.
    this.reportCache(i, true);
    if (cache.setLimit(bytes) && this.booted[i] === 1) this.shrinkCache(i);
    this.armCacheTask(i);
  }

  /** cache_manager_task: an eviction pass every 0.1 s. */
  private onCacheTimer(arg: number): void {
    const i = this.liveNode(this.hCache, arg);
    if (i < 0) return;
    this.cacheArmed[i] = 0;
    const cache = this.caches[i] as MessageCache;
    if (cache.aboveLimit()) this.shrinkCache(i);
    this.reportCache(i);
    // Still above the limit (protected, or paused after a configuration): try again next tick.
    if (cache.aboveLimit()) this.armCacheTask(i);
  }

  /**
   * @internal The cache-task tick of a steady second that takes node i's growth sample, for the
   * steady replay (SteadyReplay), which has moved the clock and the order position to it: what
   * onCacheTimer does for a running node whose cache is at or below its limit (the steady check
   * found every member running, unfrozen and booted, and each cache with a second's room or
   * evicting steadily, each learn bringing it back to its limit, so liveNode, shrink_cache and the
   * re-arm have nothing to do), with reportCache's own code. Returns
   * whether the sample was taken, as it is in a steady second; false (the replay has diverged)
   * when the cache is above its limit, having changed nothing.
   */
  cacheSampleTick(i: number): boolean {
    if ((this.caches[i] as MessageCache).aboveLimit()) return false;
    this.cacheArmed[i] = 0;
    return this.reportCache(i);
  }

  /**
   * @internal For the steady replay (SteadyReplay): from now until settleCacheWakes, a learn that
   * finds its node's cache task armed does not set the task's wake time again (cacheWakesHeld);
   * and each node's cache that evicts steadily takes its learns of statistics cells (`cellBytes`
   * bytes, `cellSlots` slots) with a reduced shrink_cache (cacheLearnedReplayed), as many as free
   * a cell cached now that lies below the floor shrinkCache's pass runs on first: that pass then
   * frees it and stops at the limit, whatever its bound, and never collects. The floor is the
   * lowest delivered msgno on the stamps and among the quiet arrivals waiting (shrinkCache). In a
   * steady replay no later floor is below the lowest of the node's own delivered msgno, every
   * node's entry of its deliveredSeen and its quiet arrivals' lowest now: an entry takes the
   * node's own delivered msgno at its alive tick, or a later arrival's on the same link at a
   * collection (a collection may hand an arrival older than a plain message that set the entry,
   * but that arrival is among those waiting now, or later than them); arrivals carry rising
   * msgnos. Every node of the configuration is taken, heard or not.
   */
  holdCacheWakes(cellBytes: number, cellSlots: number): void {
    this.cacheWakesHeld = true;
    this.replayCellBytes = cellBytes;
    const n = this.n, now = this.kernel.nowUs;
    for (let i = 0; i < n; i++) {
      const cfg = this.config[i];
      this.replayShrinks[i] = 0;
      if (cfg == null || this.reportedCacheFreeing[i] !== 1) continue;
      const row = i * n;
      let floor = Math.min(this.consensus.deliveredMsgno(i), this.net.quietLowestB(i));
      for (const j of cfg.nodes) if (j !== i) floor = Math.min(floor, this.deliveredSeen[row + j] as number);
      this.replayShrinks[i] = (this.caches[i] as MessageCache).steadyEvictionLearns(cellBytes, cellSlots, protectionBoundSlot(floor), now, Infinity);
    }
  }

  /**
   * @internal cacheLearned in a steady replay's decision block (Consensus.decideInReplay): while
   * node i has reduced shrinks left (holdCacheWakes), a learn of a statistics cell above the limit
   * runs shrinkCache's pass without working out its bound, which holdCacheWakes showed would not
   * stop it: what shrinkCache leaves (its own delivered msgno in deliveredSeen, the oldest cell
   * freed, the pass's record) at a fraction of its cost, for the ~72 learns a second of an
   * evicting 9-member group.
   */
  cacheLearnedReplayed(i: number, entry: LogEntry): void {
    if ((this.replayShrinks[i] as number) === 0 || entry.cacheBytes !== this.replayCellBytes) {
      this.cacheLearned(i, entry);
      return;
    }
    const cache = this.caches[i] as MessageCache;
    if (cache.addCell(entry.index, entry.cacheBytes, entry.cacheSlots, entry.firstMsgno + entry.msgnos - 1) > 0) {
      if (cache.sizeBytes > (this.cachePeakBytes[i] as number)) this.cachePeakBytes[i] = cache.sizeBytes;
      if (cache.aboveLimit()) {
        this.replayShrinks[i] = (this.replayShrinks[i] as number) - 1;
        this.seeDelivered(i, i * this.n + i, this.consensus.deliveredMsgno(i));
        cache.evictionPass(this.kernel.nowUs, Infinity);
      } else if (this.shrinkWarmup()) {
        this.shrinkCache(i);
      }
      this.armCacheTask(i);
    }
  }

  /**
   * @internal How many learns of statistics cells each cache can take in a jump over steady seconds
   * (SteadyReplay.jump), the fewest over the nodes: Infinity while every cache grows (none has
   * reported freeing), or the reduced shrinks left to a cache that evicts steadily
   * (holdCacheWakes), whose pass frees in its short loop; 0 when a cache is in neither state, or
   * the learns still run shrink_cache for its warm-up (shrinkWarmups).
   */
  jumpCacheLearns(): number {
    if (this.shrinkWarmups !== 0) return 0;
    let learns = Infinity;
    for (let i = 0; i < this.n; i++) {
      const shrinks = this.replayShrinks[i] as number;
      if (this.reportedCacheFreeing[i] === 0 && shrinks === 0) continue;
      if (this.reportedCacheFreeing[i] !== 1 || shrinks === 0 || !(this.caches[i] as MessageCache).evictsInShortLoop) return 0;
      learns = Math.min(learns, shrinks);
    }
    return learns;
  }

  /**
   * @internal Starts a jump over steady seconds (SteadyReplay.jump): each cache task's armed flag and
   * steady wake as the second before the jump left them, which every second leaves alike (its
   * sample clears them, the arm after it sets them) and jumpShift puts back after the jump's samples.
   */
  jumpBegin(): void {
    this.jumpArmed.set(this.cacheArmed);
    this.jumpWakeSteady.set(this.cacheWakeSteady);
  }

  /** jumpBegin's copies. */
  private readonly jumpArmed: Uint8Array;
  private readonly jumpWakeSteady: Uint8Array;

  /**
   * @internal A jump over steady seconds (SteadyReplay.jump): node i learns the statistics cells of
   * log positions [from, to), each of `bytes` and `slots`, the first one's tag (its msgno) `tag`,
   * as cacheLearnedReplayed leaves a cache that grows below its limit or evicts steadily (the jump's
   * precondition, jumpCacheLearns; the cache task's state is the caller's), the last
   * `sinceSample` of them after the node's latest cache sample (jumpSample). False when a growing
   * cache would go above its limit (nothing added) or an evicting one would not free one equal
   * cell at each learn.
   */
  jumpCacheLearned(i: number, from: number, to: number, bytes: number, slots: number, tag: number, sinceSample = to - from): boolean {
    if (to <= from) return true;
    const cache = this.caches[i] as MessageCache;
    const shrinks = this.replayShrinks[i] as number;
    if (shrinks > 0) {
      // Evicting steadily: each learn takes the cache one cell above its level and its reduced
      // shrink_cache frees an oldest equal cell (cacheLearnedReplayed).
      if (shrinks < to - from || bytes !== this.replayCellBytes || !cache.churnRun(from, bytes, slots, tag, to - from, this.kernel.nowUs)) return false;
      this.replayShrinks[i] = shrinks - (to - from);
      if (sinceSample > 0 && cache.sizeBytes + bytes > (this.cachePeakBytes[i] as number)) this.cachePeakBytes[i] = cache.sizeBytes + bytes;
      return true;
    }
    if (cache.sizeBytes + (to - from) * bytes > cache.limitBytes) return false;
    cache.addRun(from, bytes, slots, tag, to - from);
    if (cache.sizeBytes > (this.cachePeakBytes[i] as number)) this.cachePeakBytes[i] = cache.sizeBytes;
    return true;
  }

  /**
   * @internal A jump over steady seconds (SteadyReplay.jump): each time a steady second sets at the
   * same point of every second moves on by `shiftUs`, and each node's own delivered msgno as its
   * alive tick notes it by `msgnos`. Those set by arrivals (the stamps, from learns and quiet
   * arrivals) move on too and so stand for the draws the jump did not take, until the exact
   * seconds after it set them again (its caller replays those before anything reads them); so
   * does the detector's all-alive bound, which the jump keeps on the 5 s beat it has in a steady
   * group (the caller jumps a multiple of 5 s).
   */
  jumpShift(shiftUs: number, msgnos: number): void {
    const n = this.n;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) {
        this.detected[row + j] = (this.detected[row + j] as number) + shiftUs;
        if (j !== i) this.lastSendOkUs[row + j] = (this.lastSendOkUs[row + j] as number) + shiftUs;
      }
      this.deliveredSeen[row + i] = (this.deliveredSeen[row + i] as number) + msgnos;
      this.allAliveUntilUs[i] = (this.allAliveUntilUs[i] as number) + shiftUs;
      this.cacheTickUs[i] = (this.cacheTickUs[i] as number) + shiftUs;
      this.cacheLane.setWake(i, this.cacheLane.wakeUs(i) + shiftUs);
    }
    this.cacheArmed.set(this.jumpArmed);
    this.cacheWakeSteady.set(this.jumpWakeSteady);
  }

  /**
   * @internal A jump's cache sample (SteadyReplay.jump): cacheSampleTick on node i at now, with
   * `pending` statistics cells (of `bytes` and `slots` each) learned since they were last added
   * (jumpCacheLearned adds them later): what the sample reports and leaves, worked out from the
   * cache as it stands and those cells, as they would have left it (a growing cache holds them; an
   * evicting one, at its level, freed as many, its peak one cell above after each learn).
   */
  jumpSample(i: number, pending: number, bytes: number, slots: number): void {
    const cache = this.caches[i] as MessageCache, evicting = (this.replayShrinks[i] as number) > 0;
    const size = evicting ? cache.sizeBytes : cache.sizeBytes + pending * bytes;
    const held = evicting ? cache.cachedSlots : cache.cachedSlots + pending * slots;
    const freed = evicting ? cache.freedSlots + pending * slots : cache.freedSlots;
    const peak = Math.max(this.cachePeakBytes[i] as number, evicting && pending > 0 ? size + bytes : size);
    this.cacheArmed[i] = 0;
    this.takeSample(i, size, peak, held, freed, evicting, cache.limitBytes);
  }

  /** @internal A jump's quiet collection (Network.jumpQuiet): node `to` heard `from`'s delivered msgno `msgno`. */
  jumpDelivered(to: number, from: number, msgno: number): void {
    if (this.connUp[to * this.n + from] === 1) this.seeDelivered(to, to * this.n + from, msgno);
  }

  /**
   * @internal Ends holdCacheWakes, and returns whether every armed cache task's wake time is what
   * the learns since its arm would have left (false: the replay has diverged). cacheWakeUs's inputs
   * change only at learns, samples, limit changes and XCom's stop; in a steady second a learn
   * leaves a cache at or below its limit that either has freed no slot since its latest sample
   * and grew, or frees one (an evicting cache: steadyEvictionLearns) while that sample reported
   * freeing already (the order requires cacheTaskHoldsSample, the steady check the cache's room or
   * its steady eviction for the whole replay): either way every learn from the arm to the sample
   * finds it changed since that sample without an eviction onset, and computes the same time, the
   * sample's plus a growth period less half a tick. The sample of an evicting cache reports freeing
   * again (every learn since the previous one freed a slot), so the next second's learns do the
   * same. So the arm's value stands, for a task sampled since as well; this checks the armed ones.
   */
  settleCacheWakes(): boolean {
    this.cacheWakesHeld = false;
    this.replayShrinks.fill(0);
    for (let i = 0; i < this.n; i++) {
      if (this.booted[i] === 1 && this.cacheArmed[i] === 1 && this.cacheLane.wakeUs(i) !== this.cacheWakeUs(i)) return false;
    }
    return true;
  }

  /**
   * Takes a cache sample of node i when the rule of `CACHE_GROWTH_SAMPLE_US` says so (`now`: at
   * once whenever the cache changed); a growth sample held back keeps the cache task ticking until
   * it is due, so it is never lost. Returns whether a sample was taken.
   */
  private reportCache(i: number, now = false): boolean {
    const cache = this.caches[i] as MessageCache;
    const bytes = cache.sizeBytes, freed = cache.freedSlots;
    const freeing = freed !== this.reportedFreedSlots[i];
    // Without slots freed since the previous sample the cache only grew: an equal size is no change.
    if (!freeing && bytes === this.reportedCacheBytes[i]) return false;
    if (!now && !(freeing && this.reportedCacheFreeing[i] === 0)
      && this.kernel.nowUs - (this.reportedCacheUs[i] as number) < CACHE_GROWTH_SAMPLE_US - CACHE_MANAGER_TASK_PERIOD_US / 2) {
      this.armCacheTask(i);
      return false;
    }
    this.takeSample(i, bytes, Math.max(this.cachePeakBytes[i] as number, bytes), cache.cachedSlots, freed, freeing, cache.limitBytes);
    return true;
  }

  /**
   * Node i's cache sample now (reportCache, jumpSample): what it reports, its cache_size `bytes`,
   * the highest since the previous sample `peak`, the slots held and freed, whether it reports
   * freeing, and the limit; it becomes the sample the next ones compare with.
   */
  private takeSample(i: number, bytes: number, peak: number, slots: number, freed: number, freeing: boolean, limitBytes: number): void {
    this.reportedCacheBytes[i] = bytes;
    this.reportedFreedSlots[i] = freed;
    this.reportedCacheUs[i] = this.kernel.nowUs;
    this.reportedCacheFreeing[i] = freeing ? 1 : 0;
    this.cacheWakeSteady[i] = 0;
    this.cachePeakBytes[i] = bytes;
    this.up.cacheChanged(i, bytes, peak, slots, freed, limitBytes);
  }

  // ---------------------------------------------------------------- receiving

  private receive(msg: number): void {
    const net = this.net;
    const from = net.msgFrom[msg] as number, to = net.msgTo[msg] as number;
    const n = this.n;
    // The socket is gone if the receiver's XCom stopped or the sender's connection closed meanwhile.
    const kind = net.msgKind[msg] as number;
    if (this.booted[to] === 0 || this.connUp[from * n + to] !== 1) return;
    // An i_am_alive's delivered msgno must land after those of the quiet ones that arrived before
    // it on this link, so they are collected first. Other kinds stamp only `detected`, which a
    // quiet arrival collected later cannot lower (receiveQuietAlive keeps the later stamp).
    if (kind === I_AM_ALIVE) net.collectQuietFrom(from, to);
    const p = to * n + from;
    if (this.connUp[p] === 1) {
      this.detected[p] = this.kernel.nowUs;
      if (((this.localMask[to] as number) & (1 << from)) === 0) this.wakeDetector(to);
    }
    switch (kind) {
      case I_AM_ALIVE:
        if (this.connUp[p] === 1) this.seeDelivered(to, p, net.msgB[msg] as number);
        this.consensus.noteMaxSynode(to, net.msgA[msg] as number);
        break;
      case ARE_YOU_ALIVE:
        this.onPing(to, from);
        break;
      case LEARN:
        this.consensus.learn(to, net.msgA[msg] as number);
        break;
      case PREPARE:
        break; // heard; the answer is modelled on the proposer's side (Consensus.onPushAnswered)
      default:
        throw new InvariantError(`unknown XCom message kind ${net.msgKind[msg]}`);
    }
  }

  /**
   * `receive` of a learn sent in place, inside a stretch (Network.setSteadyReceiver): with the
   * connections up both ways, the receiver booted and its detector counting the sender alive, as
   * the steady check found every member and link, `receive` would stamp the sender heard and learn
   * the value, and so does this, without reading the kind; otherwise it is `receive`.
   */
  receiveLearnSteady(msg: number): void {
    const net = this.net;
    if (net.msgKind[msg] !== LEARN || !this.learnHeardSteady(net.msgFrom[msg] as number, net.msgTo[msg] as number)) {
      this.receive(msg);
      return;
    }
    this.consensus.learn(net.msgTo[msg] as number, net.msgA[msg] as number);
  }

  /**
   * `receive`'s steps for a learn from `from` arriving at `to` now, before the value is learned,
   * where they are only the stamp: the connections up both ways, `to` booted and its detector
   * counting `from` alive (no wake). Returns false, changing nothing, otherwise.
   * receiveLearnSteady and a replay's decision block (Consensus.decideInReplay) call it.
   */
  learnHeardSteady(from: number, to: number): boolean {
    const n = this.n, p = to * n + from;
    if (this.booted[to] === 0 || this.connUp[from * n + to] !== 1 || this.connUp[p] !== 1 || ((this.localMask[to] as number) & (1 << from)) === 0) return false;
    this.detected[p] = this.kernel.nowUs;
    return true;
  }

  /** pre_process_incoming_ping (xcom_base.cc): the 3rd ping within 5 s shuts our outgoing connection. */
  private onPing(i: number, from: number): void {
    const p = i * this.n + from, now = this.kernel.nowUs;
    const count = now - (this.lastPingUs[p] as number) < PING_GATHERING_TIME_WINDOW_US ? (this.pingCount[p] as number) + 1 : 1;
    this.pingCount[p] = count;
    this.lastPingUs[p] = now;
    if (count === PINGS_GATHERED_BEFORE_CONNECTION_SHUTDOWN && this.connUp[p] === 1) {
      this.up.pingShutdown(i, from);
      this.closeConnection(i, from, 'three pings within 5 s');
    }
  }

  // ---------------------------------------------------------------- detector task

  private detectorArg(i: number): number {
    return i | ((((this.gen[i] as number) * 64 + (this.detectorGen[i] as number)) & GEN_MASK) << NODE_BITS);
  }

  /** The argument of node i's live detector timer (a queued one with another argument is stale). */
  detectorTimerArg(i: number): number {
    return this.detectorArg(i);
  }

  /** When node i's latest cache sample was taken (−Infinity: none yet). */
  cacheSampleUs(i: number): number {
    return this.reportedCacheUs[i] as number;
  }

  /**
   * Whether node i's cache task, armed by a learn now, would skip its ticks until a whole growth
   * period after the latest sample and take the next one then (cacheWakeUs's steady case): the
   * cache at or below its limit, and no slot freed since that sample.
   */
  cacheTaskHoldsSample(i: number): boolean {
    const cache = this.caches[i] as MessageCache;
    return !cache.aboveLimit() && (cache.freedSlots === this.reportedFreedSlots[i] || this.reportedCacheFreeing[i] === 1);
  }

  /**
   * How many learns of statistics cells (`cellBytes` bytes, `cellSlots` XCom slots each) node i's
   * cache can take from now on, at most `max`, each of which frees one equal cell at once
   * (MessageCache.steadyEvictionLearns) while its latest sample reported freeing already, so that
   * none is an eviction onset (reportCache: the cache task then holds its growth sample back as
   * while the cache grows); 0 when its cache is not in that state. The protection bound it
   * assumes is the lowest the learns can meet in a steady group of `members`: every node of the
   * group executes every value (the order requires it), and a pass that reaches a slot its floor
   * protects collects the quiet arrivals first (shrinkCache), so the bound it uses is the
   * delivered msgno of each node as its latest i_am_alive or learn carried it, sent at most a
   * second and a latency before: no more than one statistics decision per member a second below
   * this node's delivered msgno now. The margin taken is STEADY_EVICTION_MARGIN_S seconds of them.
   */
  steadyEvictionLearns(i: number, cellBytes: number, cellSlots: number, members: number, max: number): number {
    if (this.reportedCacheFreeing[i] !== 1) return 0;
    const lowest = this.consensus.deliveredMsgno(i) - STEADY_EVICTION_MARGIN_S * members;
    return (this.caches[i] as MessageCache).steadyEvictionLearns(cellBytes, cellSlots, protectionBoundSlot(lowest), this.kernel.nowUs, max);
  }

  /** The time of node i's pending cache-task tick on the kernel's lane (Infinity: the task is not armed). */
  cacheTaskTickUs(i: number): number {
    return this.cacheLane.tickTimeUs(i);
  }

  /** A time on node i's 0.1 s cache-task grid (its ticks fall at this time plus whole periods). */
  cacheGridUs(i: number): number {
    return this.cacheTickUs[i] as number;
  }

  /** Wakes node i's detector now (a silent node was heard again); the 1 s wait restarts from here. */
  wakeDetector(i: number): void {
    const now = this.kernel.nowUs;
    if (this.detectorWokenAt[i] === now) return;
    this.detectorWokenAt[i] = now;
    this.detectorGen[i] = ((this.detectorGen[i] as number) + 1) & 63;
    this.kernel.schedule(0, this.hDetector, this.detectorArg(i), PRIORITY.late);
  }

  private onDetectorTimer(arg: number): void {
    if (this.detectorTick(arg)) this.kernel.schedule(DETECTOR_PERIOD_US, this.hDetector, arg);
  }

  /**
   * @internal The detector tick of the timer with `arg` up to the scheduling of the next one, which
   * its caller does when this returns true (false: stale, or deferred while the node is frozen). A
   * replay of steady seconds (SteadyReplay) calls it in the tick's place.
   */
  detectorTick(arg: number): boolean {
    const i = arg & NODE_MASK;
    if (this.booted[i] === 0 || (this.detectorArg(i) & ~NODE_MASK) >>> 0 !== (arg & ~NODE_MASK) >>> 0) return false;
    if (this.net.frozen[i] === 1) {
      (this.deferred[i] as number[]).push(this.hDetector, arg);
      return false;
    }
    this.detectorRun(i);
    return true;
  }

  /** Bit set of config nodes that node i currently counts alive (DETECT: heard within 5 s; self always). */
  aliveMask(i: number): number {
    const cfg = this.config[i];
    if (cfg == null) return 0;
    // Stamps only grow, and quiet arrivals not yet collected are later than the stamps they
    // replace: a peer that looks alive on the stamps as they are is alive. Only when one looks
    // dead can a collected arrival change the answer.
    const mask = this.aliveMaskOnStamps(i, cfg);
    if (mask === cfg.mask || !this.net.quietWaitingFor(i)) return mask;
    this.net.collectQuiet(i);
    return this.aliveMaskOnStamps(i, cfg);
  }

  private aliveMaskOnStamps(i: number, cfg: XcomConfig): number {
    const n = this.n, now = this.kernel.nowUs, row = i * n, nodes = cfg.nodes;
    if (now < (this.allAliveUntilUs[i] as number)) return cfg.mask;
    let mask = 0, oldest = Infinity;
    for (let k = 0; k < nodes.length; k++) {
      const j = nodes[k] as number;
      if (j === i) {
        mask |= 1 << j;
        continue;
      }
      const heard = this.detected[row + j] as number;
      if (now - heard < LIVE_TIMEOUT_US) {
        mask |= 1 << j;
        if (heard < oldest) oldest = heard;
      }
    }
    if (mask === cfg.mask) this.allAliveUntilUs[i] = oldest + LIVE_TIMEOUT_US;
    return mask;
  }

  private detectorRun(i: number): void {
    const cfg = this.config[i] as XcomConfig;
    const alive = this.aliveMask(i);
    let forceLocal = false, forceGlobal = false;
    if (this.detectorConfigId[i] !== cfg.id) {
      this.detectorConfigId[i] = cfg.id;
      forceLocal = true;
      forceGlobal = true;
    }
    // Global part: the leader proposes the DETECT set while it differs from the executed global set.
    if ((forceGlobal || ((this.globalMask[i] as number) & cfg.mask) !== alive) && this.isLeader(i, cfg) &&
        popcount(alive) > (cfg.nodes.length >> 1)) {
      this.consensus.proposeView(i, cfg.id, alive);
    }
    // Local part: delivered only on change.
    if (forceLocal || this.localMask[i] !== alive) {
      this.net.settleQuiet(); // quiet i_am_alive sends to i relied on its old local view
      this.localMask[i] = alive;
      this.up.localView(i, alive, cfg);
      if (alive !== cfg.mask) this.consensus.startRounds(i);
    }
  }

  /**
   * iamtheleader: the lowest-index node of the site that is not may_be_dead and is in the global
   * node set; when no node is both, the site's first node (xcom_detector.cc, get_leader returns
   * node 0 after its loop). That fallback is what lets a node the last view left out (it was
   * frozen, say) still lead a site it now shares only with new joiners.
   */
  isLeader(i: number, cfg: XcomConfig): boolean {
    const n = this.n, now = this.kernel.nowUs, row = i * n;
    this.net.collectQuiet(i);
    const g = this.globalMask[i] as number;
    for (const j of cfg.nodes) {
      const maybeDead = j !== i && now - (this.detected[row + j] as number) > MAX_SILENT_US;
      if (!maybeDead && (g & (1 << j)) !== 0) return j === i;
    }
    return cfg.nodes[0] === i;
  }

  /**
   * iamthegreatest (xcom_base.cc): the lowest-index node of the site that is not may_be_dead, by
   * xcom_base.cc's own get_leader, which, unlike the detector's (isLeader), does not ask for the
   * global node set; the site's first node when every node may be dead. find_value's no-op
   * proposals on the third wait use it.
   */
  isGreatest(i: number, cfg: XcomConfig): boolean {
    const n = this.n, now = this.kernel.nowUs, row = i * n;
    this.net.collectQuiet(i);
    for (const j of cfg.nodes) {
      if (j === i || now - (this.detected[row + j] as number) <= MAX_SILENT_US) return j === i;
    }
    return cfg.nodes[0] === i;
  }

  /**
   * A new executor site on node i: added nodes count as not heard from (or, with the model's
   * `addedNodeUnheard` 0, as just heard), and i dials them. XCom keeps the stamp on the server
   * entry of an address: a new entry starts at 0, and the entry of a node removed earlier was
   * cleared when that removal took effect (xcom_transport.cc mksrv, xcom_detector.cc
   * reset_disjunct_servers, update_detected). So a joiner is not alive to a member until that
   * member hears it: its local views mark it failed (GCS suspects it as a non-member) and the
   * detector leader's global views leave it out, so no membership view has it before it is heard.
   */
  activateConfig(i: number, config: XcomConfig): void {
    const old = this.config[i];
    const n = this.n;
    this.net.collectQuiet(i);
    this.config[i] = config;
    this.allAliveUntilUs[i] = -Infinity;
    const addedStamp = this.params.addedNodeUnheard === 1 ? -Infinity : this.kernel.nowUs;
    for (const j of config.nodes) {
      if (old == null || (old.mask & (1 << j)) === 0) {
        this.detected[i * n + j] = addedStamp;
        // handle_add_node clones the newest site and appends the node, whose global node set entry
        // realloc_node_set starts cleared (xcom_base.cc, site_def.cc): absent until a view has it.
        if (old != null) this.globalMask[i] = (this.globalMask[i] as number) & ~(1 << j);
      }
      if (j !== i) this.ensureDialing(i, j);
    }
    for (let j = 0; j < n; j++) {
      this.pingCount[i * n + j] = 0; // update_servers resets the ping counters
    }
    this.up.configActivated(i, config);
  }
}
