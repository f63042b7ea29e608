import { InvariantError } from '../errors.js';
import type { Kernel } from '../kernel/kernel.js';
import { PRIORITY } from '../kernel/kernel.js';
import type { RandomStream } from '../rng/random-stream.js';
import { LinkFaults } from './link-faults.js';
import { QuietArrivals } from './quiet-arrivals.js';
import { TCP_RTO_MAX_US, TCP_RTO_MIN_US, type LinkProfile, type NetworkOptions } from './network-options.js';

/** Receives a message that reached a running, unfrozen process. */
export type DeliverFn = (msg: number) => void;

/** Initial number of message envelopes; the pool grows by doubling. */
const INITIAL_POOL = 256;
/**
 * Receives quiet arrivals (see `Network.sendQuiet`) that have happened: for one directed link, the
 * latest of them, as a cell to read with `quietArrivalUs`, `quietA` and `quietB`.
 */
export type QuietDeliverFn = (from: number, to: number, cell: number) => void;

/**
 * The simulated network between N processes (layer L2): directed links that fault verbs cut and
 * restore, per-link latency, jitter and TCP-style loss, FIFO delivery per link (TCP), and process
 * states (running, frozen). Messages are pooled envelopes (`from`, `to`, `kind`, two numeric
 * words) so that sending allocates nothing; the receiver reads them by index and the network
 * frees them after delivery.
 */
export class Network {
  readonly n: number;
  /** Envelope fields, indexed by message id. */
  msgFrom: Int32Array;
  msgTo: Int32Array;
  msgKind: Int32Array;
  /** Incarnation (epoch) of the receiver the message was sent to. */
  msgToEpoch: Int32Array;
  msgA: Float64Array;
  msgB: Float64Array;
  private freeList: Int32Array;
  private freeCount: number;

  /** Which links each verb cut (partition, cut, isolate) and what each inverse undoes. */
  private readonly faults: LinkFaults;
  /** Cached `link up` per directed pair, recomputed on every verb. */
  readonly linkUp: Uint8Array;
  /** Process running (not crashed or shut down). */
  readonly running: Uint8Array;
  /** Process stopped (SIGSTOP): receives nothing, runs no timers until thawed. */
  readonly frozen: Uint8Array;
  /** Current incarnation of each process; bumped by restart. */
  readonly epoch: Int32Array;

  private readonly latencyUs: Float64Array;
  private readonly jitterUs: Float64Array;
  private readonly loss: Float64Array;
  /** Latest scheduled arrival per directed link, for TCP's in-order delivery on its current connection. */
  private readonly lastArrivalUs: Float64Array;
  /** Messages that reached a frozen process, delivered when it thaws. */
  private readonly held: number[][];
  private readonly deliverHandler: number;
  private deliver: DeliverFn = () => {};
  private deliverQuiet: QuietDeliverFn = () => {};
  private readonly quiet: QuietArrivals;
  /**
   * Messages sent by `sendInPlace` and not yet run or queued (runArrivalsInPlace): envelope, arrival
   * time and reserved sequence number, in the order sent. Room for one per receiver: a broadcast.
   */
  private readonly inPlaceMsg: Int32Array;
  private readonly inPlaceUs: Float64Array;
  private readonly inPlaceSeq: Float64Array;
  private inPlaceCount = 0;
  /** Whether runArrivalsInPlace is running them (a send in place then would be a bug). */
  private inPlaceRunning = false;
  /**
   * The receiver of `setSteadyReceiver` (null: none), and the `reachEpoch` it was set in: it is
   * used while that epoch lasts.
   */
  private steadyReceiver: DeliverFn | null = null;
  private steadyEpoch = -1;
  /** jumpQuiet's scratch: per sender, the first number its last alive tick reserved. */
  private readonly jumpFirstSeq: Float64Array;
  /** The one-peer list `sendQuiet` hands to `sendQuietEach`. */
  private readonly onePeer: number[] = [0];
  /**
   * Counts `settleQuiet` calls. Whatever a quiet send relied on holds until the next call, so a
   * sender may remember a link's check for as long as this number stays the same.
   */
  quietEpoch = 0;
  /**
   * Counts changes of what `isPathUp`, `isResponsive` and `linkLatencyUs` answer, and of the
   * connections and XCom states the layer above changes only after `settleQuiet`: every
   * `settleQuiet` and `setLinkProfile` call. An answer built from them holds while it stays the same.
   */
  reachEpoch = 0;
  /** Called after any change of links or process states. */
  onChange: () => void = () => {};

  constructor(
    private readonly kernel: Kernel,
    private readonly rng: RandomStream,
    n: number,
    readonly options: NetworkOptions,
  ) {
    this.n = n;
    const nn = n * n;
    this.msgFrom = new Int32Array(INITIAL_POOL);
    this.msgTo = new Int32Array(INITIAL_POOL);
    this.msgKind = new Int32Array(INITIAL_POOL);
    this.msgToEpoch = new Int32Array(INITIAL_POOL);
    this.msgA = new Float64Array(INITIAL_POOL);
    this.msgB = new Float64Array(INITIAL_POOL);
    this.freeList = new Int32Array(INITIAL_POOL);
    for (let i = 0; i < INITIAL_POOL; i++) this.freeList[i] = INITIAL_POOL - 1 - i;
    this.freeCount = INITIAL_POOL;
    this.faults = new LinkFaults(n);
    this.linkUp = new Uint8Array(nn).fill(1);
    this.running = new Uint8Array(n).fill(1);
    this.frozen = new Uint8Array(n);
    this.epoch = new Int32Array(n);
    this.latencyUs = new Float64Array(nn).fill(options.latencyUs);
    this.jitterUs = new Float64Array(nn).fill(options.jitterUs);
    this.loss = new Float64Array(nn).fill(options.loss);
    this.lastArrivalUs = new Float64Array(nn);
    this.jumpFirstSeq = new Float64Array(n);
    this.held = Array.from({ length: n }, () => []);
    this.quiet = new QuietArrivals(n);
    this.inPlaceMsg = new Int32Array(n);
    this.inPlaceUs = new Float64Array(n);
    this.inPlaceSeq = new Float64Array(n);
    this.deliverHandler = kernel.register('network.deliver', (msg) => this.arrive(msg));
  }

  /** Sets the functions that receive delivered messages and quiet arrivals. */
  setReceiver(deliver: DeliverFn, deliverQuiet: QuietDeliverFn = () => {}): void {
    this.deliver = deliver;
    this.deliverQuiet = deliverQuiet;
  }

  /** Whether packets currently flow from → to. */
  isLinkUp(from: number, to: number): boolean {
    return this.linkUp[from * this.n + to] === 1;
  }

  /** Whether a TCP exchange (both directions) works between a and b. */
  isPathUp(a: number, b: number): boolean {
    const n = this.n;
    return this.linkUp[a * n + b] === 1 && this.linkUp[b * n + a] === 1;
  }

  /** Whether a process is running and not frozen. */
  isResponsive(i: number): boolean {
    return this.running[i] === 1 && this.frozen[i] === 0;
  }

  /** One-way latency of a link in microseconds (without jitter). */
  linkLatencyUs(from: number, to: number): number {
    return this.latencyUs[from * this.n + to] as number;
  }

  /** Jitter bound of a link in microseconds (each message adds a draw below it). */
  linkJitterUs(from: number, to: number): number {
    return this.jitterUs[from * this.n + to] as number;
  }

  /** The latest arrival scheduled on a link (TCP order: a message sent now arrives no earlier). */
  linkTailUs(from: number, to: number): number {
    return this.lastArrivalUs[from * this.n + to] as number;
  }

  /** Loss rate of a link (0: no TCP retransmission ever delays a message on it). */
  linkLoss(from: number, to: number): number {
    return this.loss[from * this.n + to] as number;
  }

  /** Number of messages held for frozen process `i` until its thaw. */
  heldCount(i: number): number {
    return (this.held[i] as number[]).length;
  }

  /**
   * Sends a message. Returns its arrival time, or -1 if the link is down (the message is lost).
   * The envelope is freed by the network after delivery or loss.
   */
  send(from: number, to: number, kind: number, a: number, b: number): number {
    const link = from * this.n + to;
    if (this.linkUp[link] === 0) return -1;
    this.drawArrival(link);
    this.scheduleArrival(from, to, -1, kind, a, b);
    return this.lastArrivalUs[link] as number;
  }

  /**
   * `send` whose delivery is not queued yet: the same draws, envelope and reserved place in the
   * order, but the message waits until `runArrivalsInPlace`, which the sender calls at the end of
   * the handler that sent it (a broadcast's learns: Consensus.onDecided). At most one per receiver
   * at a time. Returns false if the link is down (the message is lost).
   */
  sendInPlace(from: number, to: number, kind: number, a: number, b: number): boolean {
    const link = from * this.n + to;
    if (this.linkUp[link] === 0) return false;
    if (this.inPlaceRunning || this.inPlaceCount === this.n) throw new InvariantError('Network.sendInPlace: a send while the messages sent in place run, or more than one per receiver');
    this.drawArrival(link);
    const k = this.inPlaceCount++;
    this.inPlaceMsg[k] = this.fillEnvelope(from, to, kind, a, b);
    this.inPlaceUs[k] = this.lastArrivalUs[link] as number;
    // The place `schedule` would have reserved for the delivery event.
    this.inPlaceSeq[k] = this.kernel.reserve();
    return true;
  }

  /**
   * Delivers the messages of `sendInPlace`, in the kernel's order (arrival time, then reserved
   * place), each at once while it is certain to be the next event (Kernel.runInPlaceAt: nothing
   * queued or due on the lane by its arrival, the run not ending before it); from the first that is
   * not, it and the rest are queued in their reserved places, as `send` would have queued them all.
   * Either way the run is the one `send` gives, without a queue push and pop per delivery. The
   * caller must do nothing after this, up to the end of the handler being dispatched: the clock may
   * have moved on.
   */
  runArrivalsInPlace(): void {
    const count = this.inPlaceCount, msgs = this.inPlaceMsg, times = this.inPlaceUs, seqs = this.inPlaceSeq;
    if (count === 0) return;
    sortArrivals(count, msgs, times, seqs);
    const kernel = this.kernel;
    let k = 0, ran = false;
    this.inPlaceRunning = true;
    try {
      for (; k < count; k++) {
        ran = false;
        if (!kernel.runInPlaceAt(times[k] as number, PRIORITY.delivery, seqs[k] as number)) break;
        ran = true;
        const msg = msgs[k] as number, steady = this.steadyReceiver;
        if (steady === null || this.reachEpoch !== this.steadyEpoch) this.arrive(msg);
        else {
          steady(msg);
          this.free(msg);
        }
      }
    } finally {
      // The ones not run (or left behind by a handler that threw: the trace bound) are queued, as
      // `send` would have left them; one that threw has run.
      if (ran && k < count) k++;
      for (; k < count; k++) kernel.scheduleReserved(times[k] as number, PRIORITY.delivery, seqs[k] as number, this.deliverHandler, msgs[k] as number);
      this.inPlaceCount = 0;
      this.inPlaceRunning = false;
    }
  }

  /**
   * While `receiver` is set (a stretch of a steady group: Simulation, SimulationOptions.stretch), a
   * message sent in place is handed to it when it runs, instead of to `arrive` and then the
   * receiver, and its envelope freed after, as long as `reachEpoch` stays what it is now. The
   * caller has found every test of `arrive` passing for the messages it will send in place: every
   * link between them up, every receiver running and unfrozen (and a message sent in place goes to
   * the receiver's current incarnation). Every change of those moves `reachEpoch` (settleQuiet),
   * after which `arrive` runs again. null: none.
   */
  setSteadyReceiver(receiver: DeliverFn | null): void {
    this.steadyReceiver = receiver;
    this.steadyEpoch = this.reachEpoch;
  }

  /**
   * Sends a message whose arrival needs no kernel event: it waits on its link until a reader of the
   * receiver's state calls `collectQuiet`, which hands the latest arrival per link that has happened
   * by then (in the kernel's order) to the quiet receiver. Latency, jitter and loss draws, FIFO order
   * and the reserved order key are those `send` would have used, so the run is the same as if it had
   * been sent with `send`, provided the caller keeps this promise: until a network verb or a
   * `settleQuiet` call, the message would reach a running, unfrozen receiver, and receiving it would
   * only overwrite state that the next quiet arrival on the link overwrites too, with no reaction at
   * its arrival instant. Every network verb settles first; a layer above that changes what receiving
   * such a message would do calls `settleQuiet` before the change. Returns false if the link is down
   * (the message is lost).
   */
  sendQuiet(from: number, to: number, kind: number, a: number, b: number): boolean {
    if (this.linkUp[from * this.n + to] === 0) return false;
    const one = this.onePeer;
    one[0] = to;
    this.sendQuietEach(from, one, 1 << to, kind, a, b);
    return true;
  }

  /**
   * `sendQuiet(from, to, kind, a, b)` for each `to` of `peers` whose bit is set in `mask`, in the
   * order of `peers` (the same draws, reserved places and cells as those calls one by one); a link
   * that is down loses its message. One loop with the link and ring arrays in locals, for the alive
   * tick's sends to all its peers: a tick that calls it is smaller than one with each send inlined,
   * and an idle group's first simulated hour takes 40–48 M fewer instructions with it
   * (docs/speed.md, "The quiet sends in one call"); per send, V8 still checks each
   * array at each access, so the steady state is the same.
   */
  sendQuietEach(from: number, peers: readonly number[], mask: number, kind: number, a: number, b: number): void {
    const n = this.n, row = from * n, now = this.kernel.nowUs, kernel = this.kernel, rng = this.rng;
    const linkUp = this.linkUp, latencyUs = this.latencyUs, jitterUs = this.jitterUs, loss = this.loss;
    const lastArrivalUs = this.lastArrivalUs, q = this.quiet, head = q.head, len = q.len, lowestB = q.lowestB;
    const perReceiver = q.perReceiver, lowestBTo = q.lowestBTo;
    let room = q.room, timeUs = q.timeUs, seqs = q.seq, kinds = q.kind, as = q.a, bs = q.b;
    let sent = 0;
    for (let k = 0; k < peers.length; k++) {
      const to = peers[k] as number;
      if (((mask >>> to) & 1) === 0) continue;
      const link = row + to;
      if (linkUp[link] === 0) continue;
      // The arrival: latency, jitter, TCP retransmissions, then FIFO behind the link's previous message.
      let delay = latencyUs[link] as number;
      const jitter = jitterUs[link] as number;
      if (jitter > 0) delay += Math.floor(rng.next() * jitter);
      const lossRate = loss[link] as number;
      if (lossRate > 0) delay += this.retransmissionsUs(lossRate);
      let arrival = now + delay;
      const previous = lastArrivalUs[link] as number;
      if (arrival > previous) lastArrivalUs[link] = arrival;
      else arrival = previous;
      let cells = len[link] as number;
      if (cells === room) {
        // A full ring first hands over what has happened (receivers may collect only when they
        // must), and grows if nothing had; the arrays may be new ones afterwards.
        this.makeRoom(from, to);
        cells = len[link] as number;
        room = q.room;
        timeUs = q.timeUs;
        seqs = q.seq;
        kinds = q.kind;
        as = q.a;
        bs = q.b;
      }
      const cell = link * room + (((head[link] as number) + cells) & (room - 1));
      timeUs[cell] = arrival;
      seqs[cell] = kernel.reserve();
      kinds[cell] = kind;
      as[cell] = a;
      bs[cell] = b;
      if (b < (lowestB[link] as number)) lowestB[link] = b;
      if (b < (lowestBTo[to] as number)) lowestBTo[to] = b;
      len[link] = cells + 1;
      perReceiver[to] = (perReceiver[to] as number) + 1;
      sent++;
    }
    q.total += sent;
  }

  /** @internal Moves the random stream on by `count` draws (RandomStream.skip), for a jump over steady seconds (SteadyReplay). */
  skipDraws(count: number): void {
    this.rng.skip(count);
  }

  /**
   * @internal Whether every link between the processes holds a quiet arrival whose sequence number
   * is `sinceSeq` or later (a jump over steady seconds starts from a second in which every member
   * sent each peer one i_am_alive: SteadyReplay.jump).
   */
  quietEveryLinkSince(sinceSeq: number): boolean {
    const q = this.quiet, n = this.n, room = q.room;
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) {
        if (from === to) continue;
        const link = from * n + to, len = q.len[link] as number;
        if (len === 0 || !((q.seq[link * room + (((q.head[link] as number) + len - 1) & (room - 1))] as number) >= sinceSeq)) return false;
      }
    }
    return true;
  }

  /** Cells each link's quiet ring holds at most before it is collected (QuietArrivals.room). */
  get quietRoom(): number {
    return this.quiet.room;
  }

  /**
   * @internal A jump over `seconds` steady seconds (SteadyReplay.jump): every link between the
   * processes gets one quiet i_am_alive a second, as in the second before the jump, whose cell
   * (the newest on each link) each jumped second repeats `periodUs` later with both words `step`
   * higher and the sequence number `aliveSeq` says: `aliveSeq[(seconds − s) * n + from]` is the
   * number the sender's alive tick of jumped second s (1 … seconds) reserved first, for the last
   * `room` of them (the sender's cells take its numbers in the order of the second before). A full ring is
   * collected at a send, as sendQuietEach does, handing over its newest cell (the one of the second
   * before: all have arrived) through `collected`; the jump works out the last collection of each
   * link and writes only the cells left. Their arrival times stand for the draws not taken: the
   * newest cell's time plus whole periods, which the caller replaces by replaying exact seconds
   * after the jump before anything reads them (SteadyReplay.jump).
   */
  jumpQuiet(seconds: number, periodUs: number, step: number, aliveSeq: Float64Array, collected: (from: number, to: number, b: number) => void): void {
    const q = this.quiet, n = this.n, room = q.room, mask = room - 1;
    // The number each sender's alive tick reserved first in the second before: its lowest cell's.
    const firstSeq = this.jumpFirstSeq;
    firstSeq.fill(Infinity);
    for (let link = 0; link < n * n; link++) {
      const from = (link / n) | 0, len = q.len[link] as number;
      if (len === 0) continue;
      const seq = q.seq[link * room + (((q.head[link] as number) + len - 1) & mask)] as number;
      if (seq < (firstSeq[from] as number)) firstSeq[from] = seq;
    }
    let total = 0;
    for (let to = 0; to < n; to++) {
      let waiting = 0, lowestTo = Infinity;
      for (let from = 0; from < n; from++) {
        if (from === to) continue;
        const link = from * n + to, len0 = q.len[link] as number, head = q.head[link] as number;
        const newest = link * room + ((head + len0 - 1) & mask);
        const t0 = q.timeUs[newest] as number, seq0 = q.seq[newest] as number, kind = q.kind[newest] as number;
        const a0 = q.a[newest] as number, b0 = q.b[newest] as number, rank = seq0 - (firstSeq[from] as number);
        // The send of jumped second s finds len0 + s − 1 cells: the first full ring at s = room − len0 + 1.
        const first = room - len0 + 1;
        let len: number;
        if (first <= seconds) {
          const last = first + Math.floor((seconds - first) / room) * room;
          len = seconds - last + 1;
          collected(from, to, b0 + (last - 1) * step);
        } else {
          len = len0 + seconds;
        }
        // The cells of the last min(len, seconds) jumped seconds; older ones (no collection) stay.
        const fresh = Math.min(len, seconds);
        for (let k = 0; k < fresh; k++) {
          const s = seconds - fresh + 1 + k, cell = link * room + ((head + len - fresh + k) & mask);
          q.timeUs[cell] = t0 + s * periodUs;
          q.seq[cell] = (aliveSeq[(seconds - s) * n + from] as number) + rank;
          q.kind[cell] = kind;
          q.a[cell] = a0 + s * step;
          q.b[cell] = b0 + s * step;
        }
        // The oldest cell's second word is the ring's lowest (the words rise with the msgnos).
        const oldest = link * room + (head & mask);
        q.lowestB[link] = fresh === len ? b0 + (seconds - len + 1) * step : (q.b[oldest] as number);
        q.len[link] = len;
        waiting += len;
        if ((q.lowestB[link] as number) < lowestTo) lowestTo = q.lowestB[link] as number;
      }
      q.perReceiver[to] = waiting;
      q.lowestBTo[to] = waiting === 0 ? Infinity : lowestTo;
      total += waiting;
    }
    q.total = total;
  }

  /** @internal Moves every link's latest arrival time on by `shiftUs` (a jump over steady seconds: SteadyReplay.jump). */
  shiftLastArrivals(shiftUs: number): void {
    const n = this.n;
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) if (from !== to) this.lastArrivalUs[from * n + to] = (this.lastArrivalUs[from * n + to] as number) + shiftUs;
    }
  }

  /** Makes room for one more cell on the full ring from → to: collects it, and grows the rings if that freed nothing. */
  private makeRoom(from: number, to: number): void {
    this.collectLink(from, to);
    if (this.quiet.len[from * this.n + to] === this.quiet.room) this.quiet.grow();
  }

  /**
   * Hands the quiet receiver, per link into `to`, the latest quiet arrival that has happened by now
   * in the kernel's order, and forgets those. One loop over typed arrays with its times in locals,
   * so that no time value is boxed.
   */
  collectQuiet(to: number): void {
    if (this.quiet.perReceiver[to] === 0) return;
    const n = this.n;
    for (let from = 0; from < n; from++) this.collectLink(from, to);
  }

  /**
   * `collectQuiet` for the one link from → to: enough for a reader of what arrivals on that link
   * stamp (a message delivered on it must land after the quiet ones that arrived before it).
   */
  collectQuietFrom(from: number, to: number): void {
    if (this.quiet.len[from * this.n + to] !== 0) this.collectLink(from, to);
  }

  /**
   * At most the second word of every quiet arrival waiting for `to` (happened or not), Infinity
   * when none waits: a floor on what `collectQuiet(to)` could hand over, without collecting.
   */
  quietLowestB(to: number): number {
    return this.quiet.lowestBTo[to] as number;
  }

  /** Whether quiet arrivals to `to` wait to be collected (happened or not). */
  quietWaitingFor(to: number): boolean {
    return this.quiet.perReceiver[to] !== 0;
  }

  /**
   * Hands the quiet receiver the latest quiet arrival on from → to that has happened by now in the
   * kernel's order, and forgets those. Times stay in locals, so no time value is boxed.
   */
  private collectLink(from: number, to: number): void {
    const q = this.quiet, link = from * this.n + to;
    const len = q.len[link] as number;
    if (len === 0) return;
    const k = this.kernel;
    const now = k.nowUs, position = k.orderPosition, deliveryKey = k.orderKey(PRIORITY.delivery, 0);
    const room = q.room, mask = room - 1, base = link * room, head = q.head[link] as number;
    const times = q.timeUs, seqs = q.seq;
    // The cells that have happened are a prefix (a link's arrivals are in the kernel's order), and
    // usually all but the newest: found from the newest end.
    let taken = len;
    while (taken > 0) {
      const cell = base + ((head + taken - 1) & mask);
      const t = times[cell] as number;
      if (t < now || (t === now && deliveryKey + (seqs[cell] as number) < position)) break;
      taken--;
    }
    if (taken === 0) return;
    q.drop(link, to, taken);
    this.deliverQuiet(from, to, base + ((head + taken - 1) & mask));
  }

  /** Arrival time of a quiet arrival handed to the quiet receiver. */
  quietArrivalUs(cell: number): number {
    return this.quiet.timeUs[cell] as number;
  }

  /** First numeric word of a quiet arrival handed to the quiet receiver. */
  quietA(cell: number): number {
    return this.quiet.a[cell] as number;
  }

  /** Second numeric word of a quiet arrival handed to the quiet receiver. */
  quietB(cell: number): number {
    return this.quiet.b[cell] as number;
  }

  /**
   * Hands over the quiet arrivals that have happened, then turns those still in flight into ordinary
   * delivery events in the places reserved for them, so that what becomes of them is decided at
   * their arrival by `arrive`. Called before anything a quiet send relied on changes.
   */
  settleQuiet(): void {
    this.quietEpoch++;
    this.reachEpoch++;
    const q = this.quiet;
    if (q.total === 0) return;
    const n = this.n;
    for (let to = 0; to < n; to++) this.collectQuiet(to);
    for (let link = 0; link < n * n; link++) {
      const len = q.len[link] as number;
      for (let k = 0; k < len; k++) {
        const cell = link * q.room + (((q.head[link] as number) + k) & (q.room - 1));
        this.scheduleArrival((link / n) | 0, link % n, cell, q.kind[cell] as number, q.a[cell] as number, q.b[cell] as number);
      }
      q.drop(link, link % n, len);
    }
  }

  /**
   * Fills an envelope for the link from → to and schedules its delivery: at the link's latest
   * arrival time as a new event when `quietCell` is -1, else at that quiet arrival's time in its
   * reserved place.
   */
  private scheduleArrival(from: number, to: number, quietCell: number, kind: number, a: number, b: number): void {
    const link = from * this.n + to;
    const msg = this.fillEnvelope(from, to, kind, a, b);
    const q = this.quiet;
    // As a delay, so that no time value crosses the call (the arrival is never before now).
    if (quietCell < 0) this.kernel.schedule((this.lastArrivalUs[link] as number) - this.kernel.nowUs, this.deliverHandler, msg, PRIORITY.delivery);
    else this.kernel.scheduleReserved(q.timeUs[quietCell] as number, PRIORITY.delivery, q.seq[quietCell] as number, this.deliverHandler, msg);
  }

  /**
   * `sendInPlace`'s draw and arrival without the message, for a replay that runs the delivery's
   * effects itself (Consensus.decideInReplay, in the kernel's order: see sortArrivals): the link
   * from → to (up: the caller checked) takes its arrival as drawArrival gives it, which this returns.
   */
  drawArrivalOn(from: number, to: number): number {
    const link = from * this.n + to;
    this.drawArrival(link);
    return this.lastArrivalUs[link] as number;
  }

  /**
   * Draws a message's arrival time on `link` into `lastArrivalUs[link]`: latency, jitter, TCP
   * retransmissions, then FIFO behind the link's previous message.
   */
  private drawArrival(link: number): void {
    let delay = this.latencyUs[link] as number;
    const jitter = this.jitterUs[link] as number;
    if (jitter > 0) delay += Math.floor(this.rng.next() * jitter);
    const loss = this.loss[link] as number;
    if (loss > 0) delay += this.retransmissionsUs(loss);
    const arrival = this.kernel.nowUs + delay;
    if (arrival > (this.lastArrivalUs[link] as number)) this.lastArrivalUs[link] = arrival;
  }

  /**
   * The delay TCP's retransmissions add to a segment on a link that loses each try with
   * probability `loss`: the timeout doubles from TCP_RTO_MIN_US up to TCP_RTO_MAX_US. Apart from
   * drawArrival, which runs for every message, so that the lossless case stays small enough for
   * V8 to inline into its callers.
   */
  private retransmissionsUs(loss: number): number {
    let delay = 0, rto = TCP_RTO_MIN_US;
    while (this.rng.next() < loss) {
      delay += rto;
      rto = Math.min(rto * 2, TCP_RTO_MAX_US);
    }
    return delay;
  }

  /**
   * The sender closed its TCP connection on this directed link: the next connection is a new stream,
   * and its segments do not wait behind the old one's retransmissions (TCP orders bytes within a
   * connection only). Messages still in flight keep their arrival times; the receiver decides
   * whether a socket is left to read them.
   */
  endStream(from: number, to: number): void {
    this.lastArrivalUs[from * this.n + to] = 0;
  }

  /** An envelope for a message from → to, sent to `to`'s current incarnation. */
  private fillEnvelope(from: number, to: number, kind: number, a: number, b: number): number {
    const msg = this.alloc();
    this.msgFrom[msg] = from;
    this.msgTo[msg] = to;
    this.msgKind[msg] = kind;
    this.msgToEpoch[msg] = this.epoch[to] as number;
    this.msgA[msg] = a;
    this.msgB[msg] = b;
    return msg;
  }

  private arrive(msg: number): void {
    const to = this.msgTo[msg] as number;
    const from = this.msgFrom[msg] as number;
    // A packet in flight when its path is cut is lost; one sent to an old incarnation finds no socket.
    if (this.linkUp[from * this.n + to] === 0 || this.running[to] === 0 || this.epoch[to] !== this.msgToEpoch[msg]) {
      this.free(msg);
      return;
    }
    if (this.frozen[to] === 1) {
      (this.held[to] as number[]).push(msg);
      return;
    }
    this.deliver(msg);
    this.free(msg);
  }

  private alloc(): number {
    if (this.freeCount === 0) this.growPool();
    return this.freeList[--this.freeCount] as number;
  }

  private free(msg: number): void {
    this.freeList[this.freeCount++] = msg;
  }

  private growPool(): void {
    const old = this.msgFrom.length, cap = old * 2;
    const grow32 = (a: Int32Array): Int32Array => { const b = new Int32Array(cap); b.set(a); return b; };
    const grow64 = (a: Float64Array): Float64Array => { const b = new Float64Array(cap); b.set(a); return b; };
    this.msgFrom = grow32(this.msgFrom);
    this.msgTo = grow32(this.msgTo);
    this.msgKind = grow32(this.msgKind);
    this.msgToEpoch = grow32(this.msgToEpoch);
    this.msgA = grow64(this.msgA);
    this.msgB = grow64(this.msgB);
    this.freeList = grow32(this.freeList);
    for (let i = old; i < cap; i++) this.freeList[this.freeCount++] = i;
  }

  private recompute(): void {
    const n = this.n;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        const i = a * n + b;
        this.linkUp[i] = this.faults.isUp(a, b) ? 1 : 0;
      }
    }
    this.onChange();
  }

  /** Cuts every link between different groups, both ways. Inverse: repair(). */
  partition(groups: readonly (readonly number[])[]): void {
    this.settleQuiet();
    this.faults.partition(groups);
    this.recompute();
  }

  /** Undoes every partition(); one-way cuts and isolations stay. Inverse of partition(). */
  repair(): void {
    this.settleQuiet();
    this.faults.repair();
    this.recompute();
  }

  /** Drops every packet from → to (one way). Inverse: restore(from, to). */
  cut(from: number, to: number): void {
    this.settleQuiet();
    this.faults.cut(from, to);
    this.recompute();
  }

  /** Undoes cut(from, to); partitions and isolations stay. Inverse of cut(). */
  restore(from: number, to: number): void {
    this.settleQuiet();
    this.faults.restore(from, to);
    this.recompute();
  }

  /** Undoes every cut(); partitions and isolations stay. */
  restoreAll(): void {
    this.settleQuiet();
    this.faults.restoreAll();
    this.recompute();
  }

  /** Cuts a member off from everyone, both ways. Inverse: heal(). */
  isolate(m: number): void {
    this.settleQuiet();
    this.faults.isolate(m);
    this.recompute();
  }

  /**
   * Restores every link to and from `m` whatever verb cut it (isolate, partition, cut: `iptables -F`
   * on m's host), or every link of every member when `m` is omitted. Frozen and stopped processes
   * stay as they are (thaw/restart undo those). Inverse of isolate().
   */
  heal(m?: number): void {
    this.settleQuiet();
    if (m === undefined) this.faults.healAll();
    else this.faults.heal(m);
    this.recompute();
  }

  /** Whether isolate(m) is in force. */
  isIsolated(m: number): boolean {
    return this.faults.isIsolated(m);
  }

  /** A copy of the link faults now: which verb cut which link (for "the network after this action"). */
  linkFaults(): LinkFaults {
    return this.faults.copy();
  }

  /** Stops a process (SIGSTOP): it neither sends, receives nor runs timers. Inverse: thaw(). */
  freeze(m: number): void {
    this.settleQuiet();
    this.frozen[m] = 1;
    this.onChange();
  }

  /** Resumes a frozen process; messages that reached it meanwhile are read now, in order. Inverse of freeze(). */
  thaw(m: number): void {
    this.settleQuiet();
    this.frozen[m] = 0;
    const held = this.held[m] as number[];
    this.held[m] = [];
    for (const msg of held) {
      if (this.running[m] === 1 && this.epoch[m] === this.msgToEpoch[msg]) this.deliver(msg);
      this.free(msg);
    }
    this.onChange();
  }

  /** Marks a process as stopped (crash or shutdown); what was held for it is lost. */
  stopProcess(m: number): void {
    this.settleQuiet();
    this.running[m] = 0;
    this.frozen[m] = 0;
    for (const msg of this.held[m] as number[]) this.free(msg);
    this.held[m] = [];
    this.onChange();
  }

  /** Starts a new incarnation of a process. */
  startProcess(m: number): void {
    this.settleQuiet();
    this.running[m] = 1;
    this.frozen[m] = 0;
    this.epoch[m] = (this.epoch[m] as number) + 1;
    this.onChange();
  }

  /** Changes latency, jitter or loss of the given directed links (all links when none given). */
  setLinkProfile(profile: Partial<LinkProfile>, links?: readonly (readonly [number, number])[]): void {
    const n = this.n;
    this.reachEpoch++;
    const apply = (i: number): void => {
      if (profile.latencyUs !== undefined) this.latencyUs[i] = profile.latencyUs;
      if (profile.jitterUs !== undefined) this.jitterUs[i] = profile.jitterUs;
      if (profile.loss !== undefined) this.loss[i] = profile.loss;
    };
    if (links === undefined) for (let i = 0; i < n * n; i++) apply(i);
    else for (const [a, b] of links) apply(a * n + b);
  }
}

/**
 * Sorts the first `count` arrivals of a broadcast into the kernel's order of their deliveries
 * (arrival time, then the place each send reserved), moving `ids` along: an insertion sort, for a
 * handful of arrivals mostly in order already. Network.runArrivalsInPlace and a replay's decision
 * block (Consensus.decideInReplay) both order a decision's learns with it.
 */
export function sortArrivals(count: number, ids: Int32Array, times: Float64Array, seqs: Float64Array): void {
  for (let k = 1; k < count; k++) {
    const m = ids[k] as number, t = times[k] as number, s = seqs[k] as number;
    let j = k - 1;
    for (; j >= 0 && ((times[j] as number) > t || ((times[j] as number) === t && (seqs[j] as number) > s)); j--) {
      ids[j + 1] = ids[j] as number;
      times[j + 1] = times[j] as number;
      seqs[j + 1] = seqs[j] as number;
    }
    ids[j + 1] = m;
    times[j + 1] = t;
    seqs[j + 1] = s;
  }
}
