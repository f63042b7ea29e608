import {
  EVENT_HORIZON_MIN, EXECUTOR_BASE_WAIT_US, EXECUTOR_MAX_WAIT_US, EXECUTOR_MEDIAN_LIMIT_DIVIDED_US, MAX_BATCH_APP_DATA, PROPOSERS, SIZEOF_APP_DATA,
  SIZEOF_PAX_MSG, TERMINATE_DELAY_US,
} from './constants.js';
import { InvariantError } from '../errors.js';
import { SEQ_SPAN } from '../kernel/event-queue.js';
import { PRIORITY } from '../kernel/kernel.js';
import { sortArrivals } from '../network/network.js';
import type { LoadBatch, LogEntry } from './log-entry.js';
import { configPayloadBytes, dieOpIsFatal, viewPayloadBytes } from './message-cache.js';
import { divideToCap, legacyDividedWaitUs } from './wakeup-delay.js';
import { configHas, makeConfig, type XcomConfig } from './xcom-config.js';
import type { MessageCache } from './message-cache.js';
import { MSG_LEARN, MSG_PREPARE, type XcomCluster } from './xcom-cluster.js';

/**
 * Fewest entries trimLog drops at once, so that a trim's copy is paid for by many entries. Small
 * enough that the log and the pool of trimmed 'load' entries stay a few hundred objects: a busy
 * run rewrites a pooled entry at every decision, and one trimmed thousands of decisions earlier
 * (4,096 before) has left the CPU's caches by then.
 */
const MIN_LOG_TRIM = 256;

/** The order key base of a message delivery (Kernel.replayAt in decideInReplay). */
const DELIVERY_KEY_BASE = PRIORITY.delivery * SEQ_SPAN;

interface Proposal {
  readonly kind: LogEntry['kind'];
  readonly proposer: number;
  readonly bytes: number;
  /** For 'load': msgnos its batch needs in the proposer's channel, and the tick it was formed in. */
  readonly msgnos: number;
  readonly tickUs: number;
  readonly configId: number;
  readonly mask: number;
  readonly config: XcomConfig | null;
  readonly payload: unknown;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A 'load' proposal: reused once decided (one is formed every load tick), so its per-tick fields
 * and its batch are writable; the decided entry copies the batch.
 */
interface LoadProposal extends Proposal {
  proposer: number;
  bytes: number;
  msgnos: number;
  tickUs: number;
  readonly payload: Writable<LoadBatch>;
}

/** A decided 'load' entry trimmed from the log, rewritten in place for a later batch (see LogEntry). */
type ReusableLoadEntry = Writable<LogEntry> & { readonly payload: Writable<LoadBatch> };

/** Most trimmed 'load' entries kept for reuse: one trim's worth and a little more. */
const LOAD_ENTRY_POOL_MAX = 2 * MIN_LOG_TRIM;

/** Most trimmed entries of messages with the reused payload kept for reuse (see reuseEntriesOf), as for 'load' entries. */
const MESSAGE_ENTRY_POOL_MAX = 2 * MIN_LOG_TRIM;

/** reuseEntriesOf's payload before it is called: no payload is this object, so no entry is reused. */
const NO_REUSED_PAYLOAD: object = Object.freeze({});

/**
 * An entry whose numeric fields the caller writes at once. V8 treats an object's fields as
 * constants until one is first overwritten, and optimised code relies on that: were a field first
 * overwritten by the pool's first reuse of a trimmed 'load' entry (a few seconds into a busy run), or a
 * time first outgrew a small integer later on, the optimised code of every reader of entries would
 * be thrown away. Written from the start, with the times floating-point fields from the start, one
 * object shape and one writer serve every entry.
 */
function blankEntry(kind: LogEntry['kind'], config: XcomConfig | null, payload: unknown): Writable<LogEntry> {
  return {
    index: -1, kind, proposer: -1, decidedAtUs: 0.5, bytes: -1, configId: -1, mask: -1, config, payload,
    firstMsgno: -1, msgnos: -1, cacheSlots: -1, cacheBytes: -1, acceptors: -1, acceptedAtUs: 0.5,
  };
}

/**
 * A workload batch, proposals' and entries' alike from one literal (one object shape for every
 * reader), its fields overwritten at once as blankEntry explains (the submission-time sum
 * passes the small-integer range about 10 s into a busy run).
 */
function newLoadBatch(transactions: number, messages: number, payloadBytes: number, submittedSumUs: number): Writable<LoadBatch> {
  const b: Writable<LoadBatch> = { transactions: -1, messages: -1, payloadBytes: -1, submittedSumUs: 0.5 };
  b.transactions = transactions;
  b.messages = messages;
  b.payloadBytes = payloadBytes;
  b.submittedSumUs = submittedSumUs;
  return b;
}

/**
 * A 'load' proposal whose per-tick fields and batch the caller writes at once (as blankEntry
 * explains), so that a load tick has one path for a pooled proposal and a new one: V8 inlines
 * what a hot function calls up to a budget, and a second path would take its share twice.
 */
function blankLoadProposal(): LoadProposal {
  return { kind: 'load', proposer: -1, bytes: -1, msgnos: -1, tickUs: 0.5, configId: -1, mask: 0, config: null, payload: newLoadBatch(0, 0, 0, 0) };
}

/**
 * A value waiting in node i's proposer: `delayUs` is its proposer task's current wakeup_delay
 * (0 before the first push), `nextUs` when the task pushes it again (Infinity while it waits in
 * the input queue for a free proposer task).
 */
interface PendingProposal {
  p: Proposal;
  delayUs: number;
  nextUs: number;
}

/** Nodes whose XCom has not received any value beyond this index know nothing newer. */
const NONE = -1;
/**
 * runQueuedLoad's `delayUs` when the caller has no decisionDelayUs answer it can vouch for (the
 * load tick then asks itself); decisionDelayUs answers -1 or a delay of at least 0.
 */
export const DELAY_NOT_KNOWN = -2;

/**
 * How many held decisions placeHeldDecision schedules before it runs any in place. Scheduling one
 * in its reserved place and running it there give the same order, clock and count of dispatched
 * events; the point is V8's type feedback. A steady workload first finds another event due before
 * its decision about 15 s in (a 15 s period lands between a tick and its decision), long after V8
 * has optimised the load tick with this method inlined; the scheduling call, never run by then,
 * has no feedback, so V8 threw the load tick's optimised code away there and compiled it again.
 * Taken in the first ticks, while the tick still runs unoptimised, it has its feedback from the start
 * (more than V8's first 8 calls of a function, which run before it allocates the function's
 * feedback and so record none).
 */
const HELD_DECISIONS_QUEUED_FIRST = 32;

/**
 * Consensus and execution (L3), modelled at the level that matters for failure detection rather
 * than message by message:
 * - a value proposed on node P is decided when P reaches a majority of the group's latest
 *   configuration over established connections (one round trip to the majority's slowest member);
 *   otherwise it waits, and P retries on its alive ticks and whenever its connectivity changes;
 * - while any configured node is unreachable its channel must be no-op'd by the executor back-off,
 *   which delays each decided value by `deadChannelStallUs` (docs/mysql-behaviour.md §X5, ⚠ inferred);
 * - the proposer pushes the decided value (a LEARN message) to every node it is connected to;
 *   a node that missed values fetches them later through the executor's read rounds
 *   (wakeup_delay back-off: 0.1 s + 5m + m·rand, ×√2 per round, capped at 20 s, random 10–20 s
 *   above the cap), one event-horizon window per round trip; from its third wait on a synode
 *   (the lowest live node) or fourth (every node) the executor runs a Paxos round of its own on
 *   the missing synodes instead (find_value → propose_missing_values), which recovers a value no
 *   peer learned from the acceptors that accepted it;
 * - a configuration becomes a node's executor site `configActivationDelayUs` after the node
 *   executes it (the event horizon of skip/no-op slots); a node that executes the configuration
 *   that removed it exits TERMINATE_DELAY (3 s) after that (xcom_base.cc executor_task).
 * - workload transactions queue per node and leave in batches ('load' entries) at most every
 *   `loadTickUs`, using the msgnos the proposer pipeline can fill in that time: PROPOSERS (10)
 *   proposals per decision delay, bounded by the event horizon (10 msgnos in flight), at most
 *   MAX_BATCH_APP_DATA (5,000) messages per slot (⚠ a fluid approximation of proposer_task's
 *   AUTOBATCH; a dead channel's no-op stall slows the pipeline and batches grow).
 * Decided entries are kept from the oldest one a running node has not executed; a node that needs
 * an older one must get it from a peer's message cache, or gets the die answer.
 */
export class Consensus {
  /**
   * Decided entries with index ≥ `logBase` (older ones are trimmed), in the first `logLength` cells:
   * a trim moves the kept entries down in place, so the array keeps its size rather than being
   * copied and grown again after each trim. The cells past `logLength` hold undefined, so that
   * `entry` reads them as it reads past the array's end, with no test of its own.
   */
  private readonly log: (LogEntry | undefined)[] = [];
  private logLength = 0;
  private logBase = 0;
  /** The msgno the next decided entry starts at (XCom numbers a new group's synodes from 1). */
  private nextMsgno = 1;
  private lastLoadTickUs = -1;
  private lastLoadFirstMsgno = 0;
  private lastLoadMsgnos = 0;
  /** The latest decided configuration (the majority's view of the group). */
  groupConfig: XcomConfig = makeConfig(0, [], []);
  /**
   * Decided configurations with their decision times, oldest first: the newest one that has
   * started (decided at least configActivationDelayUs ago) and every one decided after it. They
   * give the site a view is executed in (see siteOfView).
   */
  private readonly recentConfigs: { readonly config: XcomConfig; readonly decidedAtUs: number }[] = [];
  /** Per node: index of the next entry to execute. */
  readonly executed: Int32Array;
  /** Per node: highest entry index it knows exists (max_synode). */
  readonly knownMax: Float64Array;
  private readonly learnedAhead: Set<number>[];
  private readonly pending: PendingProposal[][];
  /** Per node: when its proposer retry timer is due (Infinity: none armed). */
  private readonly retryAtUs: Float64Array;
  /** Per node: when its executor started waiting for the synode it needs (its last execution, or boot). */
  private readonly waitSinceUs: Float64Array;
  /** Per node: the executor's current wakeup_delay (0 before its first wait on a synode). */
  private readonly roundDelayUs: Float64Array;
  /** Per node: read rounds since the back-off restarted (the earlier approximation, xcomRetryBackoff 0). */
  private readonly roundK: Int32Array;
  /** model.xcomRetryBackoff: proposers and executor back off as xcom_base.cc does (see ModelParameters). */
  private readonly sourceBackoff: boolean;
  /** The run's version caps wakeup_delay by dividing above 3 s (up to 8.0.26), not by a 10–20 s draw above 20 s. */
  private readonly divideAboveCap: boolean;
  /** Per node: id of the newest configuration it executed (or booted into). */
  private readonly executedConfigId: Int32Array;
  /** Per node: set once it executed the configuration that removed it; it delivers nothing more. */
  readonly exiting: Uint8Array;
  private readonly roundActive: Uint8Array;
  /** 1 while node i learns the answers of its own read or no-op round (onFetched, onRecovered). */
  private readonly inRoundAnswer: Uint8Array;
  /** The synode (executed index) whose back-off node i's round train runs: the one it last woke for on a fresh back-off. */
  private readonly roundSynode: Int32Array;
  private readonly roundGen: Int32Array;
  private readonly fetchPeer: Int32Array;
  private readonly inFlight: Proposal[] = [];
  /** Per in-flight proposal: the acceptors its accept reached and when it was pushed (LogEntry.acceptors). */
  private readonly inFlightAcceptors: number[] = [];
  private readonly inFlightSentUs: number[] = [];
  private readonly inFlightFree: number[] = [];
  /** Decided 'load' proposals, for the next load ticks to reuse. */
  private readonly loadProposalPool: LoadProposal[] = [];
  /** 'load' entries trimmed from the log, for the next decided batches to reuse (entries outlive many collections). */
  private readonly loadEntryPool: ReusableLoadEntry[] = [];
  /** The payload whose 'gr' entries are reused once trimmed (reuseEntriesOf), and those entries. */
  private reusedPayload: unknown = NO_REUSED_PAYLOAD;
  private readonly messageEntryPool: Writable<LogEntry>[] = [];
  /** Per node: when its current XCom instance booted; Paxos state accepted before is gone with the old one. */
  private readonly bootUs: Float64Array;
  /** Per node: find_value's `wait` for the synode its executor waits on (read rounds so far, at most 3). */
  private readonly findWait: Int32Array;
  /** Set by majorityRoundTripUs: the acceptors it found reachable, as a count and a bit mask. */
  private reachedCount = 0;
  private reachedMask = 0;
  private readonly activations: XcomConfig[][];
  /** Per node: activation timers still due for configurations a view already activated (they do nothing). */
  private readonly activatedEarly: Int32Array;
  private readonly hDecided: number;
  private readonly hRound: number;
  private readonly hFetched: number;
  private readonly hActivate: number;
  private readonly hExit: number;
  private readonly hLoad: number;
  private readonly hRetry: number;
  private readonly hPushAnswered: number;
  private readonly hRecovered: number;
  /** Per node: the workload queue (transactions, messages, bytes, Σ submission times) and its pipeline tokens. */
  private readonly loadTx: Float64Array;
  private readonly loadMsgs: Float64Array;
  private readonly loadBytes: Float64Array;
  private readonly loadSubmittedSum: Float64Array;
  private readonly loadTokens: Float64Array;
  private readonly loadLastUs: Float64Array;
  private readonly loadArmed: Uint8Array;
  /** Per node: the place (kernel sequence number) reserved for a load tick `queueLoad` armed and `runQueuedLoad` has not placed yet, -1 when none. */
  private readonly loadTickSeq: Float64Array;
  private readonly loadTickArg: Int32Array;
  /**
   * The decision a load tick put in flight and holds back until it ends (startDecision's `held`):
   * its in-flight id (-1: none), the sequence number reserved for its event, and its time.
   */
  /**
   * Whether a decided value's learns (but a workload batch's) are delivered in place when they are
   * certain to be the next events (Network.sendInPlace, runArrivalsInPlace): the same run without
   * a queued event per learn. Set by the composition root (SimulationOptions.stretch).
   */
  learnsInPlace = false;
  /** decideInReplay's learns: receiver, arrival time and reserved place, one per peer. */
  private readonly replayReceivers: Int32Array;
  private readonly replayTimes: Float64Array;
  private readonly replaySeqs: Float64Array;
  private heldDecisionId = -1;
  private heldDecisionSeq = 0;
  private heldDecisionUs = 0;
  /**
   * Held decisions still to be scheduled in their reserved place rather than run in it (see
   * placeHeldDecision): the first few of a run take the scheduling path on purpose.
   */
  private heldDecisionsQueuedFirst = HELD_DECISIONS_QUEUED_FIRST;
  /** Per node: workload transactions submitted in this XCom lifetime and not yet delivered back to it. */
  private readonly loadOutstanding: Float64Array;
  private readonly rttScratch = new Float64Array(16);
  /**
   * Per node: majorityRoundTripUs's last answer (round trip, reached count and mask) for the node
   * list `rttNodes[i]`, valid while the network's reachEpoch is `rttEpoch[i]` (-1: none). Every
   * proposal and load tick asks it; it changes only with connectivity, XCom state or latencies.
   */
  private readonly rttEpoch: Float64Array;
  private readonly rttNodes: (readonly number[] | null)[];
  private readonly rttValue: Float64Array;
  private readonly rttCount: Int32Array;
  private readonly rttMask: Int32Array;
  /**
   * Per node: decisionDelayUs's last answer with a site (the delay, reached count and mask) and
   * what it read: the network's reachEpoch (every change of a process, XCom or link state that
   * proposerSite and majorityRoundTripUs read bumps it), the node's configuration, the one site in
   * force (no configuration waiting to start) and the configuration its executor ran last. The
   * workload tick asks it 100 times a second; it changes only with those.
   */
  private readonly delayEpoch: Float64Array;
  private readonly delayOwn: (XcomConfig | null | undefined)[];
  private readonly delayInForce: (XcomConfig | null)[];
  private readonly delayExecutedConfig: Float64Array;
  private readonly delayValue: Float64Array;
  private readonly delayCount: Int32Array;
  private readonly delayMask: Int32Array;
  /** Per node: entries its current read round fetches. */
  private readonly fetchCount: Int32Array;
  /** Called when an add_node configuration is decided, so the joiner's XCom can boot into it. */
  onAdmitted: (slot: number, entry: LogEntry) => void = () => {};
  /** Called when node i gets the die answer for `entry` it has not executed (xcom_base.cc process_die_op). */
  onDie: (i: number, entry: LogEntry) => void = () => {};

  constructor(private readonly x: XcomCluster) {
    // The entry pool is popped from the first decision on but filled only by the first trim: it
    // holds objects from the start, so that its array never changes kind under optimised code.
    this.loadEntryPool.push(null as unknown as ReusableLoadEntry);
    this.loadEntryPool.pop();
    this.messageEntryPool.push(null as unknown as Writable<LogEntry>);
    this.messageEntryPool.pop();
    // The first trim moves the log's base (a few seconds into a busy run): overwritten once now, so
    // that no optimised code takes it for a constant (see blankEntry).
    this.logBase = -1;
    this.logBase = 0;
    const n = x.n;
    this.executed = new Int32Array(n);
    this.knownMax = new Float64Array(n).fill(NONE);
    this.learnedAhead = Array.from({ length: n }, () => new Set<number>());
    this.pending = Array.from({ length: n }, () => []);
    this.retryAtUs = new Float64Array(n).fill(Infinity);
    this.waitSinceUs = new Float64Array(n);
    this.roundDelayUs = new Float64Array(n);
    this.roundK = new Int32Array(n);
    this.sourceBackoff = x.params.xcomRetryBackoff === 1;
    this.divideAboveCap = x.wakeupDelayCap === 'divide-above-3s';
    this.exiting = new Uint8Array(n);
    this.executedConfigId = new Int32Array(n);
    this.roundActive = new Uint8Array(n);
    this.inRoundAnswer = new Uint8Array(n);
    this.roundSynode = new Int32Array(n);
    this.roundGen = new Int32Array(n);
    this.fetchPeer = new Int32Array(n);
    this.activations = Array.from({ length: n }, () => []);
    this.activatedEarly = new Int32Array(n);
    this.loadTx = new Float64Array(n);
    this.loadMsgs = new Float64Array(n);
    this.loadBytes = new Float64Array(n);
    this.loadSubmittedSum = new Float64Array(n);
    this.loadTokens = new Float64Array(n);
    this.loadLastUs = new Float64Array(n);
    this.loadArmed = new Uint8Array(n);
    this.loadTickSeq = new Float64Array(n).fill(-1);
    this.loadTickArg = new Int32Array(n);
    this.loadOutstanding = new Float64Array(n);
    this.fetchCount = new Int32Array(n);
    this.replayReceivers = new Int32Array(n);
    this.replayTimes = new Float64Array(n);
    this.replaySeqs = new Float64Array(n);
    this.bootUs = new Float64Array(n);
    this.findWait = new Int32Array(n);
    this.rttEpoch = new Float64Array(n).fill(-1);
    this.rttNodes = new Array<readonly number[] | null>(n).fill(null);
    this.rttValue = new Float64Array(n);
    this.rttCount = new Int32Array(n);
    this.rttMask = new Int32Array(n);
    this.delayEpoch = new Float64Array(n).fill(-1);
    this.delayOwn = new Array<XcomConfig | null | undefined>(n).fill(null);
    this.delayInForce = new Array<XcomConfig | null>(n).fill(null);
    this.delayExecutedConfig = new Float64Array(n);
    this.delayValue = new Float64Array(n);
    this.delayCount = new Int32Array(n);
    this.delayMask = new Int32Array(n);
    const k = x.kernel;
    this.hDecided = k.register('consensus.decided', (id) => this.onDecided(id));
    this.hRound = k.register('consensus.readRound', (arg) => this.onRound(arg));
    this.hFetched = k.register('consensus.fetched', (arg) => this.onFetched(arg));
    this.hActivate = k.register('consensus.activate', (arg) => this.onActivate(arg));
    this.hExit = k.register('consensus.exit', (arg) => this.onExit(arg));
    this.hLoad = k.register('consensus.loadTick', (arg) => this.onLoadTick(arg));
    this.hRetry = k.register('consensus.proposerRetry', (arg) => this.onProposerRetry(arg));
    this.hPushAnswered = k.register('consensus.pushAnswered', (arg) => this.onPushAnswered(arg));
    this.hRecovered = k.register('consensus.recovered', (arg) => this.onRecovered(arg));
  }

  // ---------------------------------------------------------------- the decided log

  /** Index the next decided entry gets. */
  get logEnd(): number {
    return this.logBase + this.logLength;
  }

  /** Decided entry `index`, or undefined when it was trimmed or is not decided yet. */
  entry(index: number): LogEntry | undefined {
    return index >= this.logBase ? this.log[index - this.logBase] : undefined;
  }

  /** The msgno node i delivered last (delivered_msg), -1 before any. */
  deliveredMsgno(i: number): number {
    const e = this.entry((this.executed[i] as number) - 1);
    return e === undefined ? -1 : e.firstMsgno + e.msgnos - 1;
  }

  /**
   * Drops entries no running node still has to execute (keeping one before, for delivered_msg), so
   * memory follows the unexecuted span and the caches, not the run length.
   */
  trimLog(): void {
    // Nothing can be dropped before the log holds MIN_LOG_TRIM entries (drop ≤ log.length).
    if (this.logLength < MIN_LOG_TRIM) return;
    const x = this.x;
    let low = this.logEnd;
    for (let i = 0; i < x.n; i++) if (x.booted[i] === 1) low = Math.min(low, (this.executed[i] as number) - 1);
    const drop = low - this.logBase;
    if (drop < MIN_LOG_TRIM || drop * 2 < this.logLength) return;
    this.dropLogPrefix(drop, low);
  }

  /**
   * trimLog when it drops the log's first `drop` entries, up to `low`: once in a few seconds, and in
   * a method of its own, so that the once-a-second alive tick, which V8 compiles with trimLog
   * inlined, does not take this loop in as well (V8 compiles this on its own once, as it did trimLog).
   */
  private dropLogPrefix(drop: number, low: number): void {
    const pool = this.loadEntryPool, messages = this.messageEntryPool, reused = this.reusedPayload;
    for (let k = 0; k < drop; k++) {
      const e = this.log[k] as LogEntry;
      if (e.kind === 'load') {
        if (pool.length < LOAD_ENTRY_POOL_MAX) pool.push(e as ReusableLoadEntry);
      } else if (e.payload === reused && e.kind === 'gr' && messages.length < MESSAGE_ENTRY_POOL_MAX) {
        messages.push(e as Writable<LogEntry>);
      }
    }
    const log = this.log, kept = this.logLength - drop;
    for (let k = 0; k < kept; k++) log[k] = log[k + drop];
    for (let k = kept; k < this.logLength; k++) log[k] = undefined;
    this.logLength = kept;
    this.logBase = low;
  }

  /**
   * Whether node i's consensus is at rest, as a steady stretch needs it (src/sim/stretch.ts):
   * every value it knows of executed, nothing learned ahead, pending, queued for a load tick or
   * waiting to activate, no read round or proposer retry, not exiting.
   */
  nodeAtRest(i: number): boolean {
    return (this.knownMax[i] as number) < (this.executed[i] as number) && (this.learnedAhead[i] as Set<number>).size === 0 &&
      (this.pending[i] as PendingProposal[]).length === 0 && this.retryAtUs[i] === Infinity && this.roundActive[i] === 0 &&
      this.loadArmed[i] === 0 && this.loadTx[i] === 0 && this.loadMsgs[i] === 0 && this.loadTickSeq[i] === -1 &&
      (this.activations[i] as XcomConfig[]).length === 0 && this.activatedEarly[i] === 0 && this.exiting[i] === 0;
  }

  /** Whether no value is in flight or held back, and the group's configuration is the one in force. */
  groupAtRest(): boolean {
    return this.inFlight.length === this.inFlightFree.length && this.heldDecisionId < 0 &&
      this.recentConfigs.length === 1 && (this.recentConfigs[0] as { config: XcomConfig }).config === this.groupConfig;
  }

  /** Sets the group's configuration at bootstrap (before any entry is decided). */
  bootstrap(config: XcomConfig): void {
    this.groupConfig = config;
    this.recentConfigs.length = 0;
    this.recentConfigs.push({ config, decidedAtUs: -Infinity });
  }

  /** Forgets configurations older than the newest one that has started by `nowUs`. */
  private trimRecentConfigs(nowUs: number): void {
    const list = this.recentConfigs, delay = this.x.params.configActivationDelayUs;
    while (list.length > 1 && (list[1] as { decidedAtUs: number }).decidedAtUs + delay <= nowUs) list.shift();
  }

  /**
   * The configuration in force at the place of a value decided now (find_site_def): the newest
   * decided configuration that has started, one configActivationDelayUs after its decision.
   */
  private siteInForce(nowUs: number): XcomConfig {
    // Only a list with a configuration waiting to start has anything to trim (twice a tick otherwise).
    if (this.recentConfigs.length > 1) this.trimRecentConfigs(nowUs);
    return (this.recentConfigs[0] as { config: XcomConfig }).config;
  }

  /**
   * The configuration in force at the place of a view decided now (find_site_def in execute_msg):
   * the newest decided configuration that has started, one configActivationDelayUs (grsim's
   * stand-in for the event horizon to its start synode) after its decision. A property of the
   * entry's place in the total order, the same on every node whatever its own activation timers
   * say. The proposer's own configuration, if newer, has started too (it activated it).
   */
  private siteOfView(nowUs: number, proposedIn: number): XcomConfig {
    let site = this.siteInForce(nowUs);
    if (proposedIn > site.id) site = this.recentConfigs.find((c) => c.config.id === proposedIn)?.config ?? site;
    return site;
  }

  resetNode(i: number, executedIndex: number): void {
    this.executed[i] = executedIndex;
    this.knownMax[i] = executedIndex - 1;
    this.learnedAhead[i] = new Set();
    this.pending[i] = [];
    this.retryAtUs[i] = Infinity;
    this.waitSinceUs[i] = this.x.kernel.nowUs;
    this.bootUs[i] = this.x.kernel.nowUs;
    this.findWait[i] = 0;
    this.exiting[i] = 0;
    this.executedConfigId[i] = this.x.config[i]?.id ?? 0;
    this.roundActive[i] = 0;
    this.roundGen[i] = (this.roundGen[i] as number) + 1;
    this.activations[i] = [];
    this.activatedEarly[i] = 0;
    this.clearLoad(i);
  }

  stopNode(i: number): void {
    this.pending[i] = [];
    this.retryAtUs[i] = Infinity;
    this.roundActive[i] = 0;
    this.roundGen[i] = (this.roundGen[i] as number) + 1;
    this.clearLoad(i);
  }

  private clearLoad(i: number): void {
    this.loadTx[i] = 0;
    this.loadMsgs[i] = 0;
    this.loadBytes[i] = 0;
    this.loadSubmittedSum[i] = 0;
    this.loadTokens[i] = 0;
    this.loadLastUs[i] = this.x.kernel.nowUs;
    this.loadArmed[i] = 0;
    this.loadOutstanding[i] = 0; // what was in flight is lost with the XCom instance
  }

  /** Workload transactions waiting in node i's proposer queue. */
  queuedTransactions(i: number): number {
    return this.loadTx[i] as number;
  }

  /** Workload transactions node i submitted that it has not yet delivered (queued, proposed or decided). */
  outstandingTransactions(i: number): number {
    return this.loadOutstanding[i] as number;
  }

  executedIndex(i: number): number {
    return this.executed[i] as number;
  }

  /** max_synode as piggybacked on i_am_alive: the highest entry the node knows of. */
  maxSynode(i: number): number {
    return Math.max(this.knownMax[i] as number, (this.executed[i] as number) - 1);
  }

  /** Whether a max_synode of `max` heard by node i would tell it nothing new (noteMaxSynode would do nothing). */
  knowsMaxSynode(i: number, max: number): boolean {
    return max <= (this.knownMax[i] as number);
  }

  /** Number of proposals waiting on node i (blocked, e.g. in a minority). */
  pendingCount(i: number): number {
    return (this.pending[i] as PendingProposal[]).length;
  }

  // ---------------------------------------------------------------- proposing

  /** Proposes an application message (a transaction or a GR message) from node i. */
  proposeMessage(i: number, kind: 'app' | 'gr', bytes: number, payload: unknown): void {
    this.propose({ kind, proposer: i, bytes, msgnos: 1, tickUs: -1, configId: -1, mask: 0, config: null, payload });
  }

  /**
   * The decided entries of 'gr' messages whose payload is `payload` are reused for later ones once
   * trimmed from the log: one object every message of a kind shares, because the message carries
   * nothing of its own (the flow-control statistics, one a second per member). As for 'load'
   * entries (see LogEntry), a consumer that keeps such an entry beyond the call that hands it over
   * must keep a copy (copyHeldEntry).
   */
  reuseEntriesOf(payload: object): void {
    this.reusedPayload = payload;
  }

  /** The detector leader proposes a global view (send_my_view). */
  proposeView(i: number, configId: number, mask: number): void {
    this.propose({ kind: 'view', proposer: i, bytes: 0, msgnos: 1, tickUs: -1, configId, mask, config: null, payload: null });
  }

  /** Proposes removing `slots` from the group (xcom_remove_nodes). Returns false when none of them is a member. */
  proposeRemove(i: number, slots: readonly number[]): boolean {
    if (!this.groupConfig.nodes.some((s) => slots.includes(s))) return false;
    this.propose({ kind: 'config', proposer: i, bytes: 0, msgnos: 1, tickUs: -1, configId: -1, mask: 0, config: null, payload: { remove: [...slots] } });
    return true;
  }

  /**
   * do_remove_node_from_group: node i, about to exit without having been removed (die_op), asks a
   * peer it still reaches to remove it (xcom_client_remove_node over a client connection).
   * Returns whether a peer took the request.
   */
  requestOwnRemoval(i: number): boolean {
    for (const j of this.groupConfig.nodes) {
      if (j !== i && this.x.booted[j] === 1 && this.reaches(i, j)) return this.proposeRemove(j, [i]);
    }
    return false;
  }

  /**
   * A seed proposes adding `slot` as `incarnation`. Returns 'old-incarnation' when an older
   * incarnation of the same server is still configured ("Old incarnation found…").
   */
  proposeAdd(seed: number, slot: number, incarnation: number): 'proposed' | 'old-incarnation' | 'member' {
    const g = this.groupConfig;
    const k = g.nodes.indexOf(slot);
    if (k >= 0) return g.incarnations[k] === incarnation ? 'member' : 'old-incarnation';
    this.propose({ kind: 'config', proposer: seed, bytes: 0, msgnos: 1, tickUs: -1, configId: -1, mask: 0, config: null, payload: { joiner: slot, incarnation } });
    return 'proposed';
  }

  /**
   * force_config (Gcs_xcom_proxy::xcom_force_nodes → xcom_client_force_config): node i proposes
   * `slots` — members of the configuration it has now, in that configuration's order — as the new
   * configuration, whatever the old one's majority says. The value is accepted only when every node
   * of the new configuration answers (xcom_base.cc majority(): with the force flag, the answers must
   * number get_maxnodes(forced_config)), so it waits while a listed node is unreachable.
   */
  proposeForce(i: number, slots: readonly number[]): void {
    const own = this.x.config[i];
    const nodes: number[] = [], incarnations: number[] = [];
    if (own != null) {
      own.nodes.forEach((s, k) => {
        if (slots.includes(s)) { nodes.push(s); incarnations.push(own.incarnations[k] as number); }
      });
    }
    this.propose({ kind: 'config', proposer: i, bytes: 0, msgnos: 1, tickUs: -1, configId: -1, mask: 0, config: null, payload: { force: nodes, incarnations } });
  }

  /**
   * How long node i's forced configuration takes to be decided: one round trip to the slowest node
   * of the new configuration, -1 while any of them does not answer (or i cannot propose at all).
   */
  private forcedDelayUs(i: number, nodes: readonly number[]): number {
    const x = this.x;
    if (x.config[i] == null || x.booted[i] === 0 || !x.net.isResponsive(i)) return -1;
    let rtt = 0, mask = 0;
    for (const j of nodes) {
      if (!this.reaches(i, j)) return -1;
      if (j !== i) rtt = Math.max(rtt, x.net.linkLatencyUs(i, j) + x.net.linkLatencyUs(j, i));
      mask |= 1 << j;
    }
    this.reachedCount = nodes.length;
    this.reachedMask = mask;
    return rtt;
  }

  /**
   * The configuration a decided add/remove produces, applied to the configuration in force when it
   * is decided (handle_add_node / handle_remove_node apply to the current site, xcom_base.cc), so
   * two removals proposed against the same configuration both take effect. Null when it changes
   * nothing (the nodes are already gone, or the joiner is already configured): a no-op slot. A
   * forced configuration replaces the node set outright (install_node_group).
   */
  private applyChange(change: { readonly remove?: readonly number[]; readonly joiner?: number; readonly incarnation?: number; readonly force?: readonly number[]; readonly incarnations?: readonly number[] }): XcomConfig | null {
    const g = this.groupConfig;
    if (change.force !== undefined) return makeConfig(g.id + 1, change.force, change.incarnations as readonly number[]);
    if (change.remove !== undefined) {
      const nodes: number[] = [], incs: number[] = [];
      g.nodes.forEach((s, k) => {
        if (!(change.remove as readonly number[]).includes(s)) { nodes.push(s); incs.push(g.incarnations[k] as number); }
      });
      return nodes.length === g.nodes.length ? null : makeConfig(g.id + 1, nodes, incs);
    }
    const joiner = change.joiner as number;
    if (g.nodes.includes(joiner)) return null;
    return makeConfig(g.id + 1, [...g.nodes, joiner], [...g.incarnations, change.incarnation as number]);
  }

  private propose(p: Proposal): void {
    if (this.tryDecide(p)) return;
    this.addPending(p);
  }

  /**
   * xcomRetryBackoff 0 (grsim's earlier approximation): values blocked on node i are tried again
   * on its alive tick and whenever connectivity changes. With 1 the proposer tasks' own back-off
   * does it and this does nothing.
   */
  retryPending(i: number): void {
    if (this.sourceBackoff) return;
    const list = this.pending[i] as PendingProposal[];
    if (list.length === 0) return;
    this.proposeAgain(i, list);
  }

  /** retryPending with values waiting: rare, so out of the alive tick's optimised code, which inlines retryPending. */
  private proposeAgain(i: number, list: readonly PendingProposal[]): void {
    this.pending[i] = [];
    for (const q of list) this.propose(q.p);
  }

  /** A value node i could not get decided waits in its proposer, which pushes it again on its back-off. */
  private addPending(p: Proposal): void {
    const i = p.proposer;
    const list = this.pending[i] as PendingProposal[];
    const last = list[list.length - 1];
    if (last !== undefined && last.nextUs === Infinity && last.p.kind === p.kind && last.p.payload === p.payload && p.kind === 'gr') {
      // Waiting in the input queue behind busy proposers: the next free proposer batches every
      // queued message into one value (AUTOBATCH in proposer_task). Identical GR messages that
      // carry nothing per message (flow-control statistics) merge here, so a long cut-off queues
      // one value, not one per period.
      last.p = { ...last.p, bytes: last.p.bytes + p.bytes };
      return;
    }
    list.push({ p, delayUs: 0, nextUs: Infinity });
    if (this.sourceBackoff) this.armProposers(i);
    // Its own proposal occupies a synode the executor now waits for (max_synode > executed).
    if ((this.executed[i] as number) > (this.knownMax[i] as number)) this.knownMax[i] = this.executed[i] as number;
    this.startRounds(i);
  }

  /**
   * Gives waiting values free proposer tasks (PROPOSERS of them, xcom_base.cc proposer_task): a
   * task pushes its value at once, to every acceptor it is connected to, then waits
   * wakeup_delay and pushes again (push_msg_3p) until the value is learned. Arms the node's retry
   * timer for the earliest push due.
   */
  private armProposers(i: number): void {
    const x = this.x, now = x.kernel.nowUs;
    const list = this.pending[i] as PendingProposal[];
    let busy = 0, due = Infinity;
    for (const q of list) {
      if (q.nextUs === Infinity && busy < PROPOSERS) {
        this.pushToAcceptors(i);
        q.delayUs = this.wakeupDelayUs(i, 0);
        q.nextUs = now + q.delayUs;
      }
      if (q.nextUs !== Infinity) {
        busy++;
        if (q.nextUs < due) due = q.nextUs;
      }
    }
    if (due < (this.retryAtUs[i] as number)) {
      this.retryAtUs[i] = due;
      x.kernel.schedule(due - now, this.hRetry, x.nodeArg(i));
    }
  }

  /**
   * Node i's proposer tasks whose wait ended push their value again: decided if a majority of the
   * group now answers, otherwise the prepare goes to every acceptor it is connected to (a peer
   * that learned that synode answers with the learned value, handle_simple_prepare) and the task
   * waits the next wakeup_delay (×√2, 10–20 s above 20 s). The wait runs from the push, not from
   * any change of connectivity: a healed path is used at the next push.
   */
  private onProposerRetry(arg: number): void {
    const x = this.x;
    const i = x.liveNode(this.hRetry, arg); // a frozen node's tasks run at the thaw
    if (i < 0) return;
    const now = x.kernel.nowUs;
    if (now < (this.retryAtUs[i] as number)) return; // superseded by an earlier timer
    this.retryAtUs[i] = Infinity;
    const list = this.pending[i] as PendingProposal[];
    let kept = 0;
    for (let k = 0; k < list.length; k++) {
      const q = list[k] as PendingProposal;
      if (q.nextUs <= now) {
        if (this.tryDecide(q.p)) continue;
        this.pushToAcceptors(i);
        q.delayUs = this.wakeupDelayUs(i, q.delayUs);
        q.nextUs = now + q.delayUs;
      }
      list[kept++] = q;
    }
    list.length = kept;
    if (x.booted[i] === 1) this.armProposers(i);
  }

  /**
   * One push of a value waiting on node i: a prepare to every other node of its site over its
   * outgoing connections (send_to_acceptors). The acceptors it reaches answer on its connection
   * one round trip later (see onPushAnswered).
   */
  private pushToAcceptors(i: number): void {
    const x = this.x, n = x.n;
    const cfg = x.config[i];
    if (cfg == null || x.net.frozen[i] === 1) return; // a stopped process sends nothing
    const at = this.executed[i] as number;
    let rtt = -1;
    for (const j of cfg.nodes) {
      if (j === i || x.connUp[i * n + j] !== 1) continue;
      x.write(i, j, MSG_PREPARE, at, 0, SIZEOF_PAX_MSG);
      if (this.reaches(i, j)) rtt = Math.max(rtt, x.net.linkLatencyUs(i, j) + x.net.linkLatencyUs(j, i));
    }
    if (rtt >= 0) x.kernel.schedule(rtt, this.hPushAnswered, x.nodeArg(i));
  }

  /**
   * The acceptors node i reaches answered its push (handle_simple_prepare), on its own connection,
   * so each counts as heard: with the value it learned for the synode (the proposer's synode lies
   * within the event horizon after its executor position; create_learn_msg_for_ignorant_node, from
   * the acceptor's cache: an evicted value a lagging requester needs is a die_op), otherwise with
   * its promise. Every answer carries the acceptor's max_synode. Like a read round, the answers of
   * one push are taken together.
   */
  private onPushAnswered(arg: number): void {
    const x = this.x;
    const i = x.liveNode(this.hPushAnswered, arg);
    if (i < 0) return;
    const cfg = x.config[i];
    if (cfg == null) return;
    const at = this.executed[i] as number;
    let max = -1;
    for (const j of cfg.nodes) {
      if (j === i || !this.reaches(i, j)) continue;
      this.heard(i, j);
      max = Math.max(max, this.maxSynode(j));
      if (at < (this.executed[j] as number) && (x.caches[j] as MessageCache).answerRead(at, this.executed[j] as number) === 'die' &&
          dieOpIsFatal(at, this.executed[i] as number)) {
        this.onDie(i, this.entry(at) as LogEntry);
        return;
      }
    }
    // The learned value is one synode of i's own channel; the executor waits for the whole
    // synode order from its position, which the answers' max_synode now shows is behind.
    if (max >= 0) this.noteMaxSynode(i, max);
  }

  /** An answer from j reached node i: j counts as heard (its detected stamp), and i's detector wakes if it had lost j. */
  private heard(i: number, j: number): void {
    const x = this.x;
    x.net.collectQuiet(i); // i_am_alive stamps that arrived earlier must not land over this one
    x.detected[i * x.n + j] = x.kernel.nowUs;
    if (((x.localMask[i] as number) & (1 << j)) === 0) x.wakeDetector(i);
  }

  /** Whether node i can currently reach acceptor j for Paxos (its connection and both directions up). */
  private reaches(i: number, j: number): boolean {
    const x = this.x;
    return i === j || (x.connUp[i * x.n + j] === 1 && x.net.isPathUp(i, j) && x.net.isResponsive(j) && x.booted[j] === 1);
  }

  private tryDecide(p: Proposal): boolean {
    const forced = p.kind === 'config' ? (p.payload as { force?: readonly number[] }).force : undefined;
    const delay = forced === undefined ? this.decisionDelayUs(p.proposer) : this.forcedDelayUs(p.proposer, forced);
    if (delay < 0) return false;
    this.startDecision(p, delay);
    return true;
  }

  /**
   * Puts `p` in flight, to be decided `delay` µs from now, with the acceptors decisionDelayUs just
   * counted. `held`: the decision event only takes its place in the order now, and
   * `placeHeldDecision` places it when the handler ends.
   */
  private startDecision(p: Proposal, delay: number, held = false): void {
    const x = this.x;
    const id = this.inFlightFree.length > 0 ? (this.inFlightFree.pop() as number) : this.inFlight.length;
    this.inFlight[id] = p;
    this.inFlightAcceptors[id] = this.reachedMask; // decisionDelayUs just counted them
    this.inFlightSentUs[id] = x.kernel.nowUs;
    if (!held) {
      x.kernel.schedule(delay, this.hDecided, id);
      return;
    }
    this.heldDecisionId = id;
    this.heldDecisionSeq = x.kernel.reserve();
    this.heldDecisionUs = x.kernel.nowUs + delay;
  }

  /**
   * The load tick that held its decision back ends: the decision takes its reserved place, and is
   * made at once when that place is next (Kernel.runReservedAt; at 100 load ticks a second that is
   * one kernel event fewer per tick). The tick runs at the end of the handler that dispatched it,
   * so nothing runs after this in that handler.
   */
  private placeHeldDecision(): void {
    const id = this.heldDecisionId;
    this.heldDecisionId = -1;
    const k = this.x.kernel, at = this.heldDecisionUs, seq = this.heldDecisionSeq;
    if (this.heldDecisionsQueuedFirst > 0) this.heldDecisionsQueuedFirst--;
    else if (k.runReservedAt(at, seq)) {
      this.onDecided(id);
      return;
    }
    k.scheduleReserved(at, PRIORITY.timer, seq, this.hDecided, id);
  }

  /**
   * How long a value proposed on node i now takes to be decided: one round trip to the slowest
   * member of the nearest majority, plus the no-op stall while a configured node is unreachable;
   * -1 when it cannot be decided now (not a member, stopped, or no majority reachable).
   */
  decisionDelayUs(i: number): number {
    const x = this.x, own = x.config[i], configs = this.recentConfigs;
    if (this.delayEpoch[i] === x.net.reachEpoch && this.delayOwn[i] === own && configs.length === 1 &&
      this.delayInForce[i] === (configs[0] as { config: XcomConfig }).config && this.delayExecutedConfig[i] === this.executedConfigId[i]) {
      this.reachedCount = this.delayCount[i] as number;
      this.reachedMask = this.delayMask[i] as number;
      return this.delayValue[i] as number;
    }
    return this.decisionDelayOnSiteUs(i);
  }

  /**
   * decisionDelayUs worked out from the proposer's site and the links (and remembered when one
   * site is in force). Apart from the remembered answer, which the workload tick reads 100 times a
   * second: the function it calls stays small (V8 still calls it rather than inlining it into the
   * tick, whose inlining budget is spent; the split saves about 15 M instructions an hour at
   * 10,000 tx/s, mostly in compiling).
   */
  private decisionDelayOnSiteUs(i: number): number {
    const x = this.x, own = x.config[i], configs = this.recentConfigs;
    const site = this.proposerSite(i);
    if (site === null) return -1; // not remembered: it leaves reachedCount/reachedMask alone
    const rtt = this.majorityRoundTripUs(i, site.nodes);
    const delay = rtt < 0 ? -1 : rtt + (this.reachedCount < site.nodes.length ? x.params.deadChannelStallUs : 0);
    // (proposerSite may have trimmed the list to the one site in force.)
    if (configs.length === 1) {
      this.delayEpoch[i] = x.net.reachEpoch;
      this.delayOwn[i] = own;
      this.delayInForce[i] = (configs[0] as { config: XcomConfig }).config;
      this.delayExecutedConfig[i] = this.executedConfigId[i] as number;
      this.delayValue[i] = delay;
      this.delayCount[i] = this.reachedCount;
      this.delayMask[i] = this.reachedMask;
    }
    return delay;
  }

  /**
   * The site node i's proposer pushes a new value in (xcom_base.cc reserve_synode_number: the
   * proposer takes the synode after current_message and its site is find_site_def of that synode,
   * among the sites this node has installed by executing their configurations), or null when it
   * cannot propose now: XCom stopped or SIGSTOPped (its value waits for the thaw), not a member of
   * that site (proposer_task gives up on VOID_NODE_NO), or its executor is behind a configuration
   * the group has already started. A decided value sits at the end of the total order, past that
   * configuration's start synode; too_far keeps the proposer within the event horizon of its own
   * executor, so it can only get there after executing the configuration. Until then its prepares
   * meet acceptors that learned those synodes and answer with the learned values (the proposer's
   * state machine is "stolen", it retries on a later synode) while its executor catches up.
   * A value is never decided by a majority of a configuration its proposer has not learned.
   */
  private proposerSite(i: number): XcomConfig | null {
    const x = this.x;
    const own = x.config[i];
    if (own == null || x.booted[i] === 0 || !x.net.isResponsive(i)) return null;
    const inForce = this.siteInForce(x.kernel.nowUs);
    let site: XcomConfig = own;
    if (inForce.id > own.id) {
      // Executed but not yet this node's executor site (its start synode is where the value lands).
      if ((this.executedConfigId[i] as number) < inForce.id) return null;
      site = inForce;
    }
    return configHas(site, i, x.incarnation[i] as number) ? site : null;
  }

  /**
   * One round trip from node i to the slowest member of the nearest majority of `nodes` it
   * reaches, -1 when it reaches no majority; leaves the reachable ones in reachedCount/reachedMask.
   */
  private majorityRoundTripUs(i: number, nodes: readonly number[]): number {
    const x = this.x, epoch = x.net.reachEpoch;
    if (this.rttEpoch[i] === epoch && this.rttNodes[i] === nodes) {
      this.reachedCount = this.rttCount[i] as number;
      this.reachedMask = this.rttMask[i] as number;
      return this.rttValue[i] as number;
    }
    const rtt = this.majorityRoundTripOnLinksUs(i, nodes);
    this.rttEpoch[i] = epoch;
    this.rttNodes[i] = nodes;
    this.rttValue[i] = rtt;
    this.rttCount[i] = this.reachedCount;
    this.rttMask[i] = this.reachedMask;
    return rtt;
  }

  /** majorityRoundTripUs worked out from the links and states as they are. */
  private majorityRoundTripOnLinksUs(i: number, nodes: readonly number[]): number {
    const x = this.x;
    // Round trips to the reachable acceptors, in a reused scratch array (this runs every load tick).
    const rtts = this.rttScratch;
    let count = 0, mask = 0;
    for (const j of nodes) {
      if (!this.reaches(i, j)) continue;
      rtts[count++] = j === i ? 0 : x.net.linkLatencyUs(i, j) + x.net.linkLatencyUs(j, i);
      mask |= 1 << j;
    }
    this.reachedCount = count;
    this.reachedMask = mask;
    const majority = (nodes.length >> 1) + 1;
    if (count < majority) return -1;
    // Insertion sort of the ≤ 16 round trips in place (no subarray view, no comparator calls).
    for (let a = 1; a < count; a++) {
      const v = rtts[a] as number;
      let b = a - 1;
      while (b >= 0 && (rtts[b] as number) > v) {
        rtts[b + 1] = rtts[b] as number;
        b--;
      }
      rtts[b + 1] = v;
    }
    return rtts[majority - 1] as number;
  }

  // ---------------------------------------------------------------- workload batches

  /**
   * Workload transactions submitted on node i enter its proposer queue (already admitted by GR);
   * `messages` GCS messages of `payloadBytes` in total. They leave in 'load' batches at the next
   * load tick. An idle queue's tick is due now, in the place reserved here; the caller places it
   * with `runQueuedLoad` before its handler returns.
   */
  queueLoad(i: number, transactions: number, messages: number, payloadBytes: number, submittedSumUs: number): void {
    if (this.x.booted[i] === 0) return;
    this.loadTx[i] = (this.loadTx[i] as number) + transactions;
    this.loadOutstanding[i] = (this.loadOutstanding[i] as number) + transactions;
    this.loadMsgs[i] = (this.loadMsgs[i] as number) + messages;
    this.loadBytes[i] = (this.loadBytes[i] as number) + payloadBytes;
    this.loadSubmittedSum[i] = (this.loadSubmittedSum[i] as number) + submittedSumUs;
    if (this.loadArmed[i] === 0) {
      this.loadArmed[i] = 1;
      this.loadTickSeq[i] = this.x.kernel.reserve();
      this.loadTickArg[i] = this.x.nodeArg(i);
    }
  }

  /**
   * The handler that called `queueLoad` on node i ends: the load tick it armed takes its reserved
   * place, and runs at once when that place is next (the workload tick is on the load ticks' grid,
   * so at 100 ticks a second this saves one kernel event per tick). `delayUs`: what
   * `decisionDelayUs(i)` answered in this handler with nothing run since that could change it (a
   * tick run in place then takes it instead of asking again), or DELAY_NOT_KNOWN.
   */
  runQueuedLoad(i: number, delayUs = DELAY_NOT_KNOWN): void {
    const seq = this.loadTickSeq[i] as number;
    if (seq < 0) return;
    this.loadTickSeq[i] = -1;
    const k = this.x.kernel, arg = this.loadTickArg[i] as number;
    if (k.runReservedAt(k.nowUs, seq)) this.onLoadTick(arg, delayUs);
    else k.scheduleReserved(k.nowUs, PRIORITY.timer, seq, this.hLoad, arg);
  }

  /**
   * One proposer pass on node i: the pipeline earns PROPOSERS slots per decision delay (at most an
   * event-horizon window banked); the queue leaves in as many slots as it needs and the pipeline
   * allows, at most MAX_BATCH_APP_DATA messages each. What does not fit waits for the next tick.
   */
  private onLoadTick(arg: number, knownDelayUs = DELAY_NOT_KNOWN): void {
    const x = this.x;
    const i = x.liveNode(this.hLoad, arg); // a frozen node's tick is deferred to the thaw
    if (i < 0) return;
    const now = x.kernel.nowUs;
    // A known delay left reachedCount/reachedMask as decisionDelayUs would (nothing ran since).
    const delay = knownDelayUs === DELAY_NOT_KNOWN ? this.decisionDelayUs(i) : knownDelayUs;
    const window = Math.min(PROPOSERS, x.eventHorizon);
    if (delay >= 0) {
      // The pipeline fills `window` msgnos per decision delay; unused capacity is not banked beyond one tick.
      const perUs = window / Math.max(delay, 1);
      const earned = (now - (this.loadLastUs[i] as number)) * perUs;
      this.loadTokens[i] = Math.min(Math.max(window, perUs * x.params.loadTickUs), (this.loadTokens[i] as number) + earned);
    }
    this.loadLastUs[i] = now;
    const msgs = this.loadMsgs[i] as number;
    const tokens = Math.floor(this.loadTokens[i] as number);
    if (delay >= 0 && msgs > 0 && tokens >= 1) {
      // A free proposer takes each message alone; only when all are busy do messages batch.
      const msgnos = Math.min(msgs, tokens);
      const takeMsgs = Math.min(msgs, msgnos * MAX_BATCH_APP_DATA);
      const p = this.loadProposalPool.pop() ?? blankLoadProposal();
      const b = p.payload;
      if (takeMsgs === msgs) {
        // The whole queue leaves (every tick of a steady stream): nothing stays, as x − x is 0.
        b.transactions = this.loadTx[i] as number;
        b.payloadBytes = this.loadBytes[i] as number;
        b.submittedSumUs = this.loadSubmittedSum[i] as number;
        this.loadTx[i] = 0;
        this.loadMsgs[i] = 0;
        this.loadBytes[i] = 0;
        this.loadSubmittedSum[i] = 0;
      } else this.takePartOfQueue(i, b, takeMsgs, msgs);
      this.loadTokens[i] = (this.loadTokens[i] as number) - msgnos;
      p.proposer = i;
      p.bytes = b.payloadBytes;
      p.msgnos = msgnos;
      p.tickUs = now;
      b.messages = takeMsgs;
      // Nothing changed since decisionDelayUs above: the value is decided in `delay`, as propose would find.
      this.startDecision(p, delay, true);
    }
    if ((this.loadMsgs[i] as number) > 0) x.kernel.schedule(x.params.loadTickUs, this.hLoad, arg);
    else this.loadArmed[i] = 0;
    if (this.heldDecisionId >= 0) this.placeHeldDecision();
  }

  /**
   * onLoadTick when the pipeline takes `takeMsgs` of the `msgs` messages queued on node i (a
   * backlog, or a queue larger than a pass may take): that share of the transactions, bytes and
   * submission times goes into batch `b`, the rest stays queued. Rare in a steady run, so in a
   * method of its own, out of the tick's optimised code.
   */
  private takePartOfQueue(i: number, b: Writable<LoadBatch>, takeMsgs: number, msgs: number): void {
    const f = takeMsgs / msgs, queuedTx = this.loadTx[i] as number;
    const tx = Math.min(queuedTx, Math.ceil(queuedTx * f));
    const bytes = Math.round((this.loadBytes[i] as number) * f);
    const sub = tx === queuedTx ? (this.loadSubmittedSum[i] as number) : ((this.loadSubmittedSum[i] as number) * tx) / queuedTx;
    this.loadTx[i] = queuedTx - tx;
    this.loadMsgs[i] = msgs - takeMsgs;
    this.loadBytes[i] = (this.loadBytes[i] as number) - bytes;
    this.loadSubmittedSum[i] = (this.loadSubmittedSum[i] as number) - sub;
    b.transactions = tx;
    b.payloadBytes = bytes;
    b.submittedSumUs = sub;
  }

  private onDecided(id: number): void {
    const p = this.inFlight[id] as Proposal;
    this.inFlightFree.push(id);
    const x = this.x;
    if (x.net.frozen[p.proposer] === 1 && x.booted[p.proposer] === 1) {
      // Frozen while its round was in flight: the proposer collects the acks and sends the learn,
      // so nothing is decided before it runs again; its task pushes the value anew after the thaw.
      if (this.sourceBackoff) this.addPending(p);
      else (this.pending[p.proposer] as PendingProposal[]).push({ p, delayUs: 0, nextUs: Infinity });
      return;
    }
    if (p.kind === 'load') {
      this.decideLoad(p as LoadProposal, id);
      return;
    }
    const index = this.logEnd;
    const config = p.kind === 'config' ? this.applyChange(p.payload as { remove?: number[]; joiner?: number; incarnation?: number; force?: number[]; incarnations?: number[] })
      : p.kind === 'view' ? this.siteOfView(x.kernel.nowUs, p.configId) : null;
    const kind = p.kind === 'config' && config === null ? 'noop' : p.kind;
    const before = this.groupConfig;
    const entry = this.appendDecided(p, id, index, kind, config);
    if (kind === 'config') {
      this.groupConfig = config as XcomConfig;
      this.recentConfigs.push({ config: config as XcomConfig, decidedAtUs: x.kernel.nowUs });
      this.trimRecentConfigs(x.kernel.nowUs);
    }
    const i = p.proposer;
    // Push to every node of the old and new configuration the proposer is connected to.
    const inPlace = this.learnsInPlace;
    this.pushLearn(i, entry, before.mask | (kind === 'config' ? (config as XcomConfig).mask : 0), inPlace);
    const joiner = (p.payload as { joiner?: number } | null)?.joiner;
    if (joiner !== undefined && kind === 'config') this.onAdmitted(joiner, entry);
    if (x.booted[i] === 1) this.learn(i, index);
    // Last: the deliveries may move the clock on (Network.runArrivalsInPlace).
    if (inPlace) x.net.runArrivalsInPlace();
  }

  /**
   * onDecided's entry for a value of `kind` (not a workload batch) decided at log position `index`:
   * its msgnos, cache slots and bytes, appended to the log. onDecided and a replay's decision block
   * (decideInReplay) call it.
   */
  private appendDecided(p: Proposal, id: number, index: number, kind: LogEntry['kind'], config: XcomConfig | null): Writable<LogEntry> {
    const firstMsgno = this.nextMsgno;
    this.lastLoadTickUs = -1;
    this.nextMsgno += p.msgnos;
    // Cache bytes (docs/mysql-behaviour.md §X4): one pax_msg per slot of every channel, one app_data + payload per message.
    // The channels are those of the site the slot belongs to (find_site_def at its synode), not of a
    // configuration decided but not started yet: a value in flight when the last members removed
    // themselves is decided in the old site's slots, not in the empty new one. A decided value sits
    // at least in its proposer's own channel.
    const channels = Math.max(1, this.siteInForce(this.x.kernel.nowUs).nodes.length);
    let messages = 0, payloadBytes = 0;
    switch (kind) {
      case 'view': messages = 1; payloadBytes = viewPayloadBytes(channels); break;
      case 'config': messages = 1; payloadBytes = configPayloadBytes((config as XcomConfig).nodes.length); break;
      case 'noop': break;
      default: messages = 1; payloadBytes = p.bytes;
    }
    const cacheSlots = p.msgnos * channels;
    // A trimmed entry of the same message reused (its kind, configuration and payload are this one's), or a blank one.
    const entry = (p.payload === this.reusedPayload && kind === 'gr' ? this.messageEntryPool.pop() : undefined) ?? blankEntry(kind, config, p.payload);
    this.fillEntry(entry, p, id, index, firstMsgno, cacheSlots, cacheSlots * SIZEOF_PAX_MSG + messages * SIZEOF_APP_DATA + payloadBytes);
    return entry;
  }

  /**
   * A replay's decision block (SteadyReplay; docs/speed.md, "Replaying whole steady seconds"): the
   * decision of the in-flight value `id`, a message of `proposer`'s whose decision event the caller
   * has just taken in its place (Kernel.replayQueuedAt), and its learns, run as onDecided with the
   * learns sent in place and Network.runArrivalsInPlace would run them, but in one pass: the entry,
   * each send's bookkeeping, draw, arrival and reserved place (XcomCluster.writeReplayed) in
   * pushLearn's order, the proposer's own learn, then each learn in the kernel's order of its
   * delivery (sortArrivals), its clock and order position moved there and counted as dispatched
   * (Kernel.replayAt), the sender stamped heard (XcomCluster.learnHeardSteady) and the value learned
   * (learnReplayed). The caller guarantees what the replay's order does: nothing else is due in the
   * learn window, the network's reach epoch is the one the stretch's steady check found. `folded`:
   * the members whose execute upcall for this entry would change nothing (bit i: member i), which
   * learnReplayed then does not call. Returns false, having changed nothing, when the value is not
   * such a message, or its proposer is frozen or stopped; throws when a path or a receiver is not
   * as the steady check found them (a divergence, after the state has changed).
   */
  decideInReplay(id: number, proposer: number, folded: (entry: LogEntry) => number): boolean {
    const p = this.inFlight[id] as Proposal | undefined;
    const x = this.x;
    if (p === undefined || p.proposer !== proposer || (p.kind !== 'gr' && p.kind !== 'app') || x.net.frozen[proposer] === 1 || x.booted[proposer] === 0) return false;
    this.inFlightFree.push(id);
    const targets = this.groupConfig.mask;
    const entry = this.appendDecided(p, id, this.logEnd, p.kind, null);
    const n = x.n, kernel = x.kernel, receivers = this.replayReceivers, times = this.replayTimes, seqs = this.replaySeqs;
    let count = 0;
    for (let j = 0; j < n; j++) {
      if (j === proposer || (targets & (1 << j)) === 0 || x.connUp[proposer * n + j] !== 1) continue;
      const arrival = x.writeReplayed(proposer, j);
      if (arrival < 0) throw new InvariantError(`steady replay: node ${proposer}'s learn to node ${j} found the path not open`);
      receivers[count] = j;
      times[count] = arrival;
      // The place the delivery event would have taken (Network.sendInPlace).
      seqs[count] = kernel.reserve();
      count++;
    }
    // The upcall's fold reads only what its own deliveries change for their own member.
    const skip = folded(entry);
    this.learnReplayed(proposer, entry, ((skip >>> proposer) & 1) === 0);
    sortArrivals(count, receivers, times, seqs);
    for (let k = 0; k < count; k++) {
      const to = receivers[k] as number;
      kernel.replayAt(times[k] as number, DELIVERY_KEY_BASE + (seqs[k] as number));
      if (!x.learnHeardSteady(proposer, to)) throw new InvariantError(`steady replay: node ${to} could not take node ${proposer}'s learn as the steady check found it`);
      this.learnReplayed(to, entry, ((skip >>> to) & 1) === 0);
    }
    return true;
  }

  // ---------------------------------------------------------------- a jump over steady seconds

  /** Where a jump over steady seconds (SteadyReplay.jump) has the log start and end, as trimLog would have left it. */
  private jumpLogBase = 0;
  private jumpLogEnd = 0;

  /** @internal The in-flight ids free now, in their order (a jump needs a steady second to leave them as it found them). */
  freeIds(): readonly number[] {
    return this.inFlightFree.slice();
  }

  /** @internal Starts a jump over steady seconds (SteadyReplay.jump): the log as it stands. */
  jumpBegin(): void {
    this.jumpLogBase = this.logBase;
    this.jumpLogEnd = this.logEnd;
  }

  /** @internal A jumped decision: the log grows by one entry (jumpEnd writes those that stay). */
  jumpDecided(): void {
    this.jumpLogEnd++;
  }

  /**
   * @internal A jumped alive tick: trimLog on the jump's log bounds. In a steady second every
   * member has executed every value decided by an alive tick (no tick falls in a learn window).
   */
  jumpAliveTick(): void {
    const length = this.jumpLogEnd - this.jumpLogBase;
    if (length < MIN_LOG_TRIM) return;
    const low = this.jumpLogEnd - 1, drop = low - this.jumpLogBase;
    if (drop < MIN_LOG_TRIM || drop * 2 < length) return;
    this.jumpLogBase = low;
  }

  /**
   * @internal Ends a jump over `seconds` steady seconds (SteadyReplay.jump) whose every second
   * repeats the last `perSecond` entries of the log `periodUs` later (the second before the jump):
   * the log trimmed and grown as jumpAliveTick and jumpDecided found, each new entry a copy of the
   * one of the same proposer in that second with its position and msgnos moved on by whole
   * seconds' worth and its times by whole periods; every node's executor, max_synode and wait
   * moved on with them (the waits stand for the arrivals not drawn, until the exact seconds after
   * the jump set them again), the msgno counter, and the step times of the in-flight ids used in
   * that second (those sent after `sinceUs`).
   */
  jumpEnd(seconds: number, perSecond: number, periodUs: number, sinceUs: number): void {
    const oldEnd = this.logEnd, newEnd = this.jumpLogEnd, base = this.jumpLogBase, decided = newEnd - oldEnd;
    if (decided !== seconds * perSecond) throw new InvariantError(`steady jump: ${decided} entries decided over ${seconds} s of ${perSecond} a second`);
    // Copies of the second's entries: the trims below may hand those very objects to the pool.
    const templates = this.jumpTemplates;
    templates.length = 0;
    let msgnosPerSecond = 0;
    for (let k = 0; k < perSecond; k++) {
      const e = this.entry(oldEnd - perSecond + k);
      if (e === undefined || e.kind !== 'gr') throw new InvariantError(`steady jump: entry ${oldEnd - perSecond + k} is not a statistics message`);
      templates.push({ ...e });
      msgnosPerSecond += e.msgnos;
    }
    const kept = Math.min(base, oldEnd) - this.logBase;
    if (kept > 0) this.dropLogPrefix(kept, Math.min(base, oldEnd));
    if (base > oldEnd) this.logBase = base;
    for (let index = Math.max(oldEnd, base); index < newEnd; index++) {
      const ahead = index - oldEnd, back = Math.floor(ahead / perSecond) + 1, t = templates[ahead % perSecond] as LogEntry;
      const entry = this.messageEntryPool.pop() ?? blankEntry('gr', null, t.payload);
      entry.kind = t.kind;
      entry.config = t.config;
      entry.payload = t.payload;
      entry.index = index;
      entry.proposer = t.proposer;
      entry.decidedAtUs = t.decidedAtUs + back * periodUs;
      entry.bytes = t.bytes;
      entry.configId = t.configId;
      entry.mask = t.mask;
      entry.firstMsgno = t.firstMsgno + back * msgnosPerSecond;
      entry.msgnos = t.msgnos;
      entry.cacheSlots = t.cacheSlots;
      entry.cacheBytes = t.cacheBytes;
      entry.acceptors = t.acceptors;
      entry.acceptedAtUs = t.acceptedAtUs + back * periodUs;
      this.log[this.logLength++] = entry;
    }
    templates.length = 0;
    this.nextMsgno += seconds * msgnosPerSecond;
    for (let i = 0; i < this.x.n; i++) {
      this.executed[i] = (this.executed[i] as number) + decided;
      this.knownMax[i] = (this.knownMax[i] as number) + decided;
      this.waitSinceUs[i] = (this.waitSinceUs[i] as number) + seconds * periodUs;
    }
    for (const id of this.inFlightFree) {
      if ((this.inFlightSentUs[id] as number) > sinceUs) this.inFlightSentUs[id] = (this.inFlightSentUs[id] as number) + seconds * periodUs;
    }
  }

  /** jumpEnd's scratch: the entries of the second before the jump. */
  private readonly jumpTemplates: LogEntry[] = [];

  /**
   * onDecided for a workload batch (nearly every decision of a loaded group), apart from the other
   * kinds' steps: no configuration changes and no joiner is admitted, so the learn goes to the
   * configuration's nodes as it was.
   */
  private decideLoad(p: LoadProposal, id: number): void {
    const x = this.x, now = x.kernel.nowUs;
    const index = this.logEnd;
    // Msgnos: batches formed in the same tick share msgnos (each writer uses its own channel).
    let firstMsgno: number, newMsgnos: number;
    if (p.tickUs === this.lastLoadTickUs && this.lastLoadFirstMsgno + this.lastLoadMsgnos === this.nextMsgno) {
      firstMsgno = this.lastLoadFirstMsgno;
      newMsgnos = Math.max(0, p.msgnos - this.lastLoadMsgnos);
      this.lastLoadMsgnos += newMsgnos;
    } else {
      firstMsgno = this.nextMsgno;
      newMsgnos = p.msgnos;
      this.lastLoadTickUs = p.tickUs;
      this.lastLoadFirstMsgno = firstMsgno;
      this.lastLoadMsgnos = p.msgnos;
    }
    this.nextMsgno += newMsgnos;
    // Cache bytes and channels as in onDecided.
    const channels = Math.max(1, this.siteInForce(now).nodes.length);
    const batch = p.payload;
    const cacheSlots = newMsgnos * channels;
    // A trimmed 'load' entry reused (with its batch), or a blank one (see blankEntry). The entry
    // gets a batch of its own: the proposal's is reused for the next tick.
    const entry = this.loadEntryPool.pop() ?? blankEntry('load', null, newLoadBatch(0, 0, 0, 0));
    const b = entry.payload as Writable<LoadBatch>;
    b.transactions = batch.transactions;
    b.messages = batch.messages;
    b.payloadBytes = batch.payloadBytes;
    b.submittedSumUs = batch.submittedSumUs;
    this.fillEntry(entry, p, id, index, firstMsgno, cacheSlots, cacheSlots * SIZEOF_PAX_MSG + batch.messages * SIZEOF_APP_DATA + p.bytes);
    const i = p.proposer;
    // Push to every node of the configuration the proposer is connected to.
    this.pushLearn(i, entry, this.groupConfig.mask);
    if (x.booted[i] === 1) this.learn(i, index);
    // The entry took what it needs from the proposal (the batch stays with the entry); nothing else holds a decided one.
    this.loadProposalPool.push(p);
  }

  /**
   * Writes every field of a decided entry but its kind, configuration and payload, and appends it
   * to the log: every entry, reused or new, is written by the same code (see blankEntry).
   */
  private fillEntry(entry: Writable<LogEntry>, p: Proposal, id: number, index: number, firstMsgno: number, cacheSlots: number, cacheBytes: number): void {
    entry.index = index;
    entry.proposer = p.proposer;
    entry.decidedAtUs = this.x.kernel.nowUs;
    entry.bytes = p.bytes;
    entry.configId = p.configId;
    entry.mask = p.mask;
    entry.firstMsgno = firstMsgno;
    entry.msgnos = p.msgnos;
    entry.cacheSlots = cacheSlots;
    entry.cacheBytes = cacheBytes;
    entry.acceptors = this.inFlightAcceptors[id] as number;
    entry.acceptedAtUs = this.inFlightSentUs[id] as number;
    // In place over a stale cell, or appended once the array is full (see `log`).
    this.log[this.logLength++] = entry;
  }

  /**
   * Node i sends the learn of `entry` to every other node in `targets` it is connected to;
   * `inPlace`: with XcomCluster.write's in-place sends (the caller runs them last).
   */
  private pushLearn(i: number, entry: LogEntry, targets: number, inPlace = false): void {
    const x = this.x;
    for (let j = 0; j < x.n; j++) {
      if (j === i || (targets & (1 << j)) === 0) continue;
      if (x.connUp[i * x.n + j] === 1) x.write(i, j, MSG_LEARN, entry.index, 0, entry.cacheBytes, inPlace);
    }
  }

  // ---------------------------------------------------------------- learning and executing

  /** i_am_alive carried a peer's max_synode. */
  noteMaxSynode(i: number, max: number): void {
    if (max > (this.knownMax[i] as number)) {
      this.knownMax[i] = max;
      this.startRounds(i);
    }
  }

  learn(i: number, index: number): void {
    if (index < (this.executed[i] as number)) return;
    // noteLearned written out: called here, it cost the event-by-event run 23 M instructions per
    // simulated hour of the bench's idle group (docs/speed.md, "The replay's decision block").
    if (index > (this.knownMax[i] as number)) this.knownMax[i] = index;
    this.x.cacheLearned(i, this.entry(index) as LogEntry);
    if (index !== this.executed[i]) {
      (this.learnedAhead[i] as Set<number>).add(index);
      this.startRounds(i);
      return;
    }
    this.executeFrom(i, index);
  }

  /** Node i learned `e` at `index` (not below its executor): max_synode, then the cache (learnReplayed; learn writes it out). */
  private noteLearned(i: number, index: number, e: LogEntry): void {
    if (index > (this.knownMax[i] as number)) this.knownMax[i] = index;
    this.x.cacheLearnedReplayed(i, e);
  }

  /**
   * `learn(i, e.index)` in a replay's decision block (decideInReplay) where the value is the one
   * node i's executor waits for and nothing was learned ahead (a steady group's learns): as learn
   * and executeFrom, but `deliver` false skips the execute upcall, which the caller found would
   * change nothing (SteadyReplayParts' fold). Any other value goes to `learn`.
   */
  private learnReplayed(i: number, e: LogEntry, deliver: boolean): void {
    const index = e.index, ahead = this.learnedAhead[i] as Set<number>;
    if (index !== this.executed[i] || ahead.size !== 0) {
      this.learn(i, index);
      return;
    }
    this.noteLearned(i, index, e);
    this.executorMoves(i);
    this.executed[i] = index + 1;
    if (deliver) this.execute(i, e);
    if (this.x.booted[i] === 0) return;
    // The upcall learned nothing ahead in a steady group; were it to, executeFrom carries on.
    if (ahead.size !== 0 && ahead.delete(index + 1)) {
      this.executeFrom(i, index + 1);
      return;
    }
    if ((this.knownMax[i] as number) >= (this.executed[i] as number)) this.startRounds(i);
  }

  /** The executor moves on to the next synode: its wait (and wakeup_delay back-off, and find_value's count) starts now. */
  private executorMoves(i: number): void {
    this.waitSinceUs[i] = this.x.kernel.nowUs;
    this.roundDelayUs[i] = 0;
    this.findWait[i] = 0;
  }

  private executeFrom(i: number, index: number): void {
    const ahead = this.learnedAhead[i] as Set<number>;
    let next = index;
    this.executorMoves(i);
    for (;;) {
      this.executed[i] = next + 1;
      this.execute(i, this.entry(next) as LogEntry);
      if (this.x.booted[i] === 0) return;
      next++;
      // Values learned ahead of the executor are rare: an empty set skips the hash lookup.
      if (ahead.size === 0 || !ahead.delete(next)) break;
    }
    if ((this.knownMax[i] as number) >= (this.executed[i] as number)) this.startRounds(i);
  }

  private execute(i: number, e: LogEntry): void {
    if (this.exiting[i] === 1) return; // a removed node delivers nothing at or beyond the new start
    const x = this.x;
    // A workload batch first: nearly every entry of a loaded group is one, and the switch below
    // compares the kind with each of its cases in turn.
    if (e.kind === 'load') {
      if (e.proposer === i) this.loadOutstanding[i] = Math.max(0, (this.loadOutstanding[i] as number) - (e.payload as LoadBatch).transactions);
      x.up.execute(i, e);
      return;
    }
    switch (e.kind) {
      case 'config': {
        const cfg = e.config as XcomConfig;
        this.executedConfigId[i] = cfg.id;
        // The new site is installed now (site_install_action): eviction pauses for 5 s.
        (x.caches[i] as MessageCache).configInstalled(x.kernel.nowUs);
        (this.activations[i] as XcomConfig[]).push(cfg);
        x.kernel.schedule(x.params.configActivationDelayUs, this.hActivate, x.nodeArg(i));
        if (!configHas(cfg, i, x.incarnation[i] as number)) this.exiting[i] = 1;
        break;
      }
      case 'noop':
        break;
      case 'view': {
        // execute_msg runs a view_msg in the site in force at its synode (find_site_def), e.config
        // (siteOfView), the same on every node. A node that executed that configuration (or an
        // older pending one) less than configActivationDelayUs ago — one catching up through read
        // rounds executes a configuration and the views after it at once — is past its start too,
        // and activates it now instead of dropping the view.
        const site = e.config as XcomConfig;
        const pending = this.activations[i] as XcomConfig[];
        while (pending.length > 0 && (pending[0] as XcomConfig).id <= site.id && x.booted[i] === 1) {
          this.activatedEarly[i] = (this.activatedEarly[i] as number) + 1;
          this.activateNext(i, x.nodeArg(i));
        }
        // A view proposed in a configuration that ended before its synode does not match the
        // site's node set and is dropped, on every node alike.
        if (site.id !== e.configId) break;
        const cfg = x.config[i];
        if (cfg != null && cfg.id === site.id) {
          x.globalMask[i] = e.mask;
          x.up.globalView(i, e.mask, cfg, e.index);
        } else if (cfg != null && cfg.id > site.id) {
          // This node's timer already started a later configuration, but in the total order the
          // view comes first: it is delivered in its own site, as everywhere else.
          x.up.globalView(i, e.mask, site, e.index);
        }
        break;
      }
      default:
        x.up.execute(i, e);
    }
  }

  private onActivate(arg: number): void {
    const x = this.x;
    const i = x.liveNode(this.hActivate, arg);
    if (i < 0) return;
    if ((this.activatedEarly[i] as number) > 0) {
      // This timer's configuration was activated when a view of it (or of a later one) executed.
      this.activatedEarly[i] = (this.activatedEarly[i] as number) - 1;
      return;
    }
    this.activateNext(i, arg);
  }

  /** The oldest configuration node i executed becomes its executor site (or, if it removed i, the exit starts). */
  private activateNext(i: number, arg: number): void {
    const x = this.x;
    const cfg = (this.activations[i] as XcomConfig[]).shift() as XcomConfig;
    if (!configHas(cfg, i, x.incarnation[i] as number)) {
      // Reached the exit synode: push what the others have (inform_removed), wait, then exit.
      x.kernel.schedule(TERMINATE_DELAY_US, this.hExit, arg);
      return;
    }
    x.activateConfig(i, cfg);
  }

  private onExit(arg: number): void {
    const x = this.x;
    const i = x.liveNode(this.hExit, arg);
    if (i < 0) return;
    x.up.exited(i);
  }

  // ---------------------------------------------------------------- catch-up (executor read rounds)

  private roundArg(i: number): number {
    return i | (((this.roundGen[i] as number) & 0x1fffff) << 4);
  }

  /**
   * Starts the executor's read rounds on node i unless they are running. The executor has been
   * waiting for its synode since its last execution (get_xcom_message: the wakeup_delay back-off
   * runs from there, whatever happened since); its wake-ups while nothing could answer changed
   * nothing, so the first round that matters is its next wake-up after now on that back-off.
   */
  startRounds(i: number): void {
    if (this.x.booted[i] === 0) return;
    // get_xcom_message starts afresh on every synode (wait and delay back to 0, xcom_base.cc), so a
    // round train still waiting on the back-off of an older synode (the executor moved on through a
    // pushed learn since) is replaced once a later value is known: the new synode's waits apply.
    // A round handling its own answers goes on with the next window itself.
    if (this.roundActive[i] === 1 && (this.inRoundAnswer[i] === 1 || this.roundSynode[i] === this.executed[i] ||
      (this.knownMax[i] as number) < (this.executed[i] as number))) return;
    this.roundActive[i] = 1;
    this.roundSynode[i] = this.executed[i] as number;
    this.roundGen[i] = (this.roundGen[i] as number) + 1;
    this.roundK[i] = 0;
    if (!this.sourceBackoff) {
      this.x.kernel.schedule(this.legacyRoundWaitUs(i, 0), this.hRound, this.roundArg(i));
      return;
    }
    const now = this.x.kernel.nowUs;
    let at = this.waitSinceUs[i] as number, delay = this.roundDelayUs[i] as number;
    do {
      delay = this.wakeupDelayUs(i, delay);
      at += delay;
    } while (at <= now);
    this.roundDelayUs[i] = delay;
    this.waitSinceUs[i] = at - delay;
    this.x.kernel.schedule(Math.max(0, at - now), this.hRound, this.roundArg(i));
  }

  /** The executor's next wait: its back-off advances from the current one. */
  private nextRoundWaitUs(i: number): number {
    if (!this.sourceBackoff) {
      const k = (this.roundK[i] as number) + 1;
      this.roundK[i] = k;
      return this.legacyRoundWaitUs(i, k);
    }
    const d = this.wakeupDelayUs(i, this.roundDelayUs[i] as number);
    this.roundDelayUs[i] = d;
    return d;
  }

  /**
   * xcomRetryBackoff 0: the k-th wait of a back-off that restarts at detection (0.1 s + 5m + m·rand,
   * ×√2^k), capped as the run's version caps wakeup_delay (legacyDividedWaitUs up to 8.0.26).
   */
  private legacyRoundWaitUs(i: number, k: number): number {
    const x = this.x;
    let m = 0;
    const cfg = x.config[i];
    if (cfg != null) for (const j of cfg.nodes) if (j !== i) { m = x.net.linkLatencyUs(i, j) + x.net.linkLatencyUs(j, i); break; }
    const first = EXECUTOR_BASE_WAIT_US + 5 * m + m * x.rng.next();
    if (!this.divideAboveCap) {
      let w = first * Math.pow(Math.SQRT2, k);
      if (w > EXECUTOR_MAX_WAIT_US) w = x.rng.uniform(EXECUTOR_MAX_WAIT_US / 2, EXECUTOR_MAX_WAIT_US);
      return Math.floor(w);
    }
    return Math.floor(legacyDividedWaitUs(first, k));
  }

  /**
   * wakeup_delay (xcom_base.cc), used by the executor's and the proposers' waits: the first wait is
   * 0.1 s + 5m + m·rand with m the median consensus time (grsim: the round trip to a peer), each
   * later one the previous ×√2, capped by the run's version (VersionProfile.wakeupDelayCap): from
   * 8.0.27 an m above 4 s counts as 2 s and any value above 20 s is replaced by a random one in
   * 10–20 s; up to 8.0.26 an m of 0 or above 0.3 s counts as 0.1 s and a value above 3 s is divided
   * by 1.31415926 until it is 3 s or less, with no draw.
   */
  private wakeupDelayUs(i: number, oldUs: number): number {
    const x = this.x;
    let w: number;
    if (oldUs === 0) {
      let m = 0;
      const cfg = x.config[i];
      if (cfg != null) for (const j of cfg.nodes) if (j !== i) { m = x.net.linkLatencyUs(i, j) + x.net.linkLatencyUs(j, i); break; }
      if (this.divideAboveCap) {
        if (m === 0 || m > EXECUTOR_MEDIAN_LIMIT_DIVIDED_US) m = EXECUTOR_BASE_WAIT_US;
      } else if (m > EXECUTOR_MAX_WAIT_US / 5) m = EXECUTOR_MAX_WAIT_US / 10;
      w = EXECUTOR_BASE_WAIT_US + 5 * m + m * x.rng.next();
    } else {
      w = oldUs * Math.SQRT2;
    }
    if (this.divideAboveCap) w = divideToCap(w);
    else if (w > EXECUTOR_MAX_WAIT_US) w = x.rng.uniform(EXECUTOR_MAX_WAIT_US / 2, EXECUTOR_MAX_WAIT_US);
    return Math.max(1, Math.floor(w));
  }

  /**
   * Whether node i's executor waits for a synode it cannot get: a value it knows exists, or, while
   * its detector has lost sight of a peer, the next synode at all (⚠ model assumption: this is how
   * an idle member cut off from the group finds, after the heal, the configuration that removed it).
   */
  private behind(i: number): boolean {
    if ((this.knownMax[i] as number) >= (this.executed[i] as number)) return true;
    const cfg = this.x.config[i];
    return cfg != null && ((this.x.localMask[i] as number) & cfg.mask) !== cfg.mask;
  }

  private onRound(arg: number): void {
    const x = this.x;
    const i = arg & 15;
    if ((arg >>> 4) !== ((this.roundGen[i] as number) & 0x1fffff) || this.roundActive[i] === 0) return;
    if (x.booted[i] === 0) { this.roundActive[i] = 0; return; }
    if (x.net.frozen[i] === 1) {
      // A stopped process runs no task: look again after the next wait.
      x.kernel.schedule(this.sourceBackoff ? this.nextRoundWaitUs(i) : this.legacyRoundWaitUs(i, this.roundK[i] as number), this.hRound, arg);
      return;
    }
    if (!this.behind(i)) { this.roundActive[i] = 0; return; }
    // The train runs the back-off of the synode it wakes for only if that back-off restarted for it:
    // always with xcomRetryBackoff 1 (executeFrom resets roundDelayUs), with 0 only when roundK is
    // back at 0. A train that wakes on a synode the executor reached through a pushed learn, on the
    // 10-20 s waits it grew on an older one, keeps that older synode, so that startRounds replaces it
    // once a later value is known, as get_xcom_message starts every synode afresh (xcom_base.cc).
    if (this.sourceBackoff || this.roundK[i] === 0) this.roundSynode[i] = this.executed[i] as number;
    // find_value: the first two wake-ups on a synode read; the third proposes no-ops on the lowest
    // live node (iamthegreatest) and reads elsewhere; from the fourth every node proposes.
    const wait = this.findWait[i] as number;
    if (wait < 3) this.findWait[i] = wait + 1;
    const site = x.config[i];
    if (site != null && (wait >= 3 || (wait === 2 && x.isGreatest(i, site))) && this.proposeMissing(i, site, arg)) return;
    const peer = this.pickPeer(i);
    if (peer < 0) {
      x.kernel.schedule(this.nextRoundWaitUs(i), this.hRound, arg);
      return;
    }
    this.fetchPeer[i] = peer;
    // One read batch: about catchUpMsgnosPerRoundTrip msgnos per round trip (docs/mysql-behaviour.md §X3 ⚠ inferred),
    // at least one entry; a batch entry spanning more msgnos takes proportionally more round trips.
    const from = this.executed[i] as number, until = this.executed[peer] as number, per = x.params.catchUpMsgnosPerRoundTrip;
    // Msgnos spanned (batches of several writers in one tick share msgnos, so not a sum).
    const firstMsgno = (this.entry(from) as LogEntry | undefined)?.firstMsgno ?? 0;
    let count = 0, msgnos = 0;
    while (from + count < until && (count === 0 || msgnos < per)) {
      const e = this.entry(from + count) as LogEntry;
      msgnos = Math.max(msgnos, e.firstMsgno + e.msgnos - firstMsgno);
      count++;
    }
    this.fetchCount[i] = count;
    const rtt = x.net.linkLatencyUs(i, peer) + x.net.linkLatencyUs(peer, i);
    x.kernel.schedule(rtt * Math.max(1, Math.ceil(msgnos / per)), this.hFetched, arg);
  }

  /**
   * propose_missing_values on node i: a no-op Paxos round (prepare, then accept) on the synodes its
   * executor misses, to every acceptor of its site. Acceptors answer the prepare with the value
   * they accepted (handle_simple_prepare → ack_prepare carrying it), the round goes on with that
   * value instead of the no-op (handle_simple_ack_prepare), and i teaches the outcome to the
   * site (a learn to everyone). So a value decided by a majority is recovered from its acceptors
   * even when the node that decided it is gone or never got its learns through. A synode a
   * reachable peer learned comes back as a learn, as a read brings it: that case stays with the
   * read rounds (the outcome is the same). Returns false (the round reads instead) when no such
   * value waits at the executor's synode or i reaches no majority of its site.
   */
  private proposeMissing(i: number, cfg: XcomConfig, arg: number): boolean {
    const x = this.x;
    const from = this.executed[i] as number;
    if (from > (this.knownMax[i] as number) || from >= this.logEnd) return false;
    if (this.readAnswers(i, from) || !this.acceptorHolds(i, from, cfg)) return false;
    const rtt = this.majorityRoundTripUs(i, cfg.nodes);
    if (rtt < 0) return false;
    // The window: as many missing synodes as a read batch, each one a peer learned or an acceptor holds.
    const until = Math.min(this.logEnd, (this.knownMax[i] as number) + 1), per = x.params.catchUpMsgnosPerRoundTrip;
    const firstMsgno = (this.entry(from) as LogEntry).firstMsgno;
    const ahead = this.learnedAhead[i] as Set<number>;
    let count = 0, msgnos = 0;
    while (from + count < until && (count === 0 || msgnos < per)) {
      const idx = from + count, e = this.entry(idx) as LogEntry;
      if (!ahead.has(idx) && !this.learnedByPeer(i, idx) && !this.acceptorHolds(i, idx, cfg)) break;
      msgnos = Math.max(msgnos, e.firstMsgno + e.msgnos - firstMsgno);
      count++;
    }
    this.fetchCount[i] = count;
    // Prepare and accept: two round trips to the majority's slowest member.
    x.kernel.schedule(2 * rtt, this.hRecovered, arg);
    return true;
  }

  /** Whether a read of `idx` from node i gets an answer (a learn or a die_op) from a peer it reaches that is past it. */
  private readAnswers(i: number, idx: number): boolean {
    const x = this.x;
    for (let j = 0; j < x.n; j++) {
      if (j === i || !this.reaches(i, j) || (this.executed[j] as number) <= idx) continue;
      if ((x.caches[j] as MessageCache).answerRead(idx, this.executed[j] as number) !== 'none') return true;
    }
    return false;
  }

  /** Whether a peer node i reaches learned `idx` (it answers a prepare with the learn). */
  private learnedByPeer(i: number, idx: number): boolean {
    const x = this.x;
    for (let j = 0; j < x.n; j++) {
      if (j !== i && this.reaches(i, j) && (x.caches[j] as MessageCache).has(idx)) return true;
    }
    return false;
  }

  /**
   * Whether an acceptor of `cfg` that node i reaches (i itself included) holds the value of `idx`
   * accepted: its accept reached that acceptor's current XCom instance.
   */
  private acceptorHolds(i: number, idx: number, cfg: XcomConfig): boolean {
    const e = this.entry(idx);
    if (e === undefined) return false;
    for (const j of cfg.nodes) {
      if ((e.acceptors & (1 << j)) !== 0 && (this.bootUs[j] as number) <= e.acceptedAtUs && this.reaches(i, j)) return true;
    }
    return false;
  }

  /**
   * Node i's no-op round on the missing synodes ended: if it still reaches a majority of its site,
   * each synode of the window is decided with the value a peer learned or an acceptor held; the
   * ones recovered from acceptors i teaches to its site. Then the executor goes on as after a read.
   */
  private onRecovered(arg: number): void {
    const x = this.x;
    const i = arg & 15;
    if ((arg >>> 4) !== ((this.roundGen[i] as number) & 0x1fffff) || x.booted[i] === 0) return;
    const cfg = x.config[i];
    let stalled = cfg == null || this.majorityRoundTripUs(i, cfg.nodes) < 0;
    if (!stalled) {
      const site = cfg as XcomConfig;
      for (const j of site.nodes) if (j !== i && this.reaches(i, j)) this.heard(i, j);
      const from = this.executed[i] as number, to = from + (this.fetchCount[i] as number);
      const ahead = this.learnedAhead[i] as Set<number>;
      this.inRoundAnswer[i] = 1;
      for (let idx = from; idx < to && x.booted[i] === 1; idx++) {
        if (idx < (this.executed[i] as number) || ahead.has(idx)) continue;
        if (this.learnedByPeer(i, idx)) this.learn(i, idx);
        else if (this.acceptorHolds(i, idx, site)) {
          this.pushLearn(i, this.entry(idx) as LogEntry, site.mask);
          this.learn(i, idx);
        } else {
          stalled = true;
          break;
        }
      }
      this.inRoundAnswer[i] = 0;
    }
    if (x.booted[i] === 0 || (arg >>> 4) !== ((this.roundGen[i] as number) & 0x1fffff)) return;
    this.afterRound(i, arg, stalled);
  }

  /** send_to_someone: the first peer (round-robin from the last one) that answers and has the values. */
  private pickPeer(i: number): number {
    const x = this.x, n = x.n;
    const start = (this.fetchPeer[i] as number) + 1;
    for (let k = 0; k < n; k++) {
      const j = (start + k) % n;
      if (j === i || !this.reaches(i, j)) continue;
      if ((this.executed[j] as number) > (this.executed[i] as number)) return j;
    }
    return -1;
  }

  private onFetched(arg: number): void {
    const x = this.x;
    const i = arg & 15;
    if ((arg >>> 4) !== ((this.roundGen[i] as number) & 0x1fffff) || x.booted[i] === 0) return;
    const j = this.fetchPeer[i] as number;
    // The answer arrives only if the path still works; it counts as hearing the peer.
    if (!this.reaches(i, j)) {
      x.kernel.schedule(this.sourceBackoff ? this.nextRoundWaitUs(i) : this.legacyRoundWaitUs(i, 0), this.hRound, arg);
      return;
    }
    // Reads for its own channel go to every peer: each one that has the values answers, and is heard.
    for (let k = 0; k < x.n; k++) {
      if (k === i || !this.reaches(i, k) || (this.executed[k] as number) <= (this.executed[i] as number)) continue;
      this.heard(i, k);
    }
    const from = this.executed[i] as number;
    const to = Math.min(this.executed[j] as number, from + (this.fetchCount[i] as number));
    if (to - 1 > (this.knownMax[i] as number)) this.knownMax[i] = to - 1;
    // The peer answers each read from its message cache (acceptor_learner_task): a cached value is
    // taught; an evicted one the reader still needs is a die_op; anything else brings nothing.
    const cache = x.caches[j] as MessageCache;
    let stalled = false;
    // roundActive stays set while learning so that executing does not start a second round train.
    this.inRoundAnswer[i] = 1;
    for (let idx = from; idx < to && x.booted[i] === 1; idx++) {
      if (idx < (this.executed[i] as number)) continue;
      const answer = cache.answerRead(idx, this.executed[j] as number);
      if (answer === 'learn') this.learn(i, idx);
      else {
        if (answer === 'die' && dieOpIsFatal(idx, this.executed[i] as number)) {
          this.inRoundAnswer[i] = 0;
          this.onDie(i, this.entry(idx) as LogEntry);
          return;
        }
        stalled = true;
        break;
      }
    }
    this.inRoundAnswer[i] = 0;
    if (x.booted[i] === 0 || (arg >>> 4) !== ((this.roundGen[i] as number) & 0x1fffff)) return;
    this.afterRound(i, arg, stalled);
  }

  /** After a read or no-op round on node i: wait and try again if it brought nothing, else the next window. */
  private afterRound(i: number, arg: number, stalled: boolean): void {
    if (stalled) {
      // Nothing useful from this round: the next one (another peer, round-robin) after the back-off.
      this.x.kernel.schedule(this.nextRoundWaitUs(i), this.hRound, arg);
      return;
    }
    if (this.behind(i)) {
      // Next window right away: a fresh synode restarts the back-off.
      this.roundK[i] = 0;
      this.onRound(arg);
    } else {
      this.roundActive[i] = 0;
    }
  }
}
