import type { Kernel } from '../kernel/kernel.js';
import type { Network } from '../network/network.js';
import type { RandomStream } from '../rng/random-stream.js';
import type { MemberState } from '../types.js';
import type { XcomCluster } from '../xcom/xcom-cluster.js';
import type { PipelineStats } from './pipeline-stats.js';

/** Flow-control period granularity: the certifier broadcast thread runs the flow-control step every second (certifier.cc Certifier_broadcast_thread::dispatcher). */
const FLOW_CONTROL_STEP_US = 1_000_000;

/**
 * Bytes of one flow-control statistics message as GCS hands it to XCom: the plugin message's
 * fixed header (16: version 4, header length 2, message length 8, cargo type 2;
 * gcs_plugin_messages.cc WIRE_FIXED_HEADER_SIZE) and its payload items
 * (pipeline_stats.cc Pipeline_stats_member_message::encode_payload: 2 int4, 6 int8, 2 strings
 * empty unless transaction identifiers are sent, 2 chars, each after a 10-byte item header =
 * 178), plus the GCS message framing (12: header and payload lengths, gcs_message.cc). ⚠ The
 * GCS internal header in front of it is not counted.
 */
export const FLOW_CONTROL_STATS_MESSAGE_BYTES = 206;

/**
 * The payload of a flow-control statistics message. Every member receives and digests it
 * (Flow_control_module::handle_stats_data); grsim models no throttling, so delivering it changes
 * nothing above XCom. One shared object: identical queued messages batch into one proposal.
 */
export const FLOW_CONTROL_STATS_PAYLOAD: Readonly<{ flowControlStats: true }> = Object.freeze({ flowControlStats: true });

/** What the generator reads of each member (injected by the composition root). */
export interface FlowControlStatsMembers {
  /** The member's own state as its plugin sees it. */
  state(slot: number): Exclude<MemberState, 'UNREACHABLE'>;
  /** group_replication_flow_control_period in seconds (read at every send: the variable is dynamic). */
  periodSeconds(slot: number): number;
  /** The slots `observer`'s plugin holds in its member table, as a bit mask (it digests only group members' stats). */
  tableMask(observer: number): number;
}

/**
 * GR's own traffic: every member broadcasts its pipeline statistics every
 * group_replication_flow_control_period seconds, through consensus like any GCS message
 * (pipeline_stats.cc Flow_control_module::flow_control_step →
 * Pipeline_stats_member_collector::send_stats_member_message), but only while it is ONLINE or
 * RECOVERING. So a group is never idle at the XCom level: each member decides a value every
 * period, every member learns it (proof of life: XCom stamps any message from a peer) and caches
 * the slot. A stopped (frozen) or crashed server sends nothing.
 *
 * Each send snapshots the sender's collector (PipelineStats.send). With `traffic` (the model
 * parameter flowControlStatsTraffic) the message goes through consensus and each member stores the
 * copy when it delivers it (onDelivered). Without it no message is simulated: the copy reaches at
 * once every running member the sender has a link to and that holds it in its table, provided the
 * sender could get a value decided now (a majority reachable), since a message XCom cannot decide
 * is delivered nowhere. ⚠ That shortcut skips the decision delay (well under a period).
 */
export class FlowControlStats {
  private readonly handler: number;
  /** Without traffic: per member, ticks of the shared 1 s step left before its next broadcast. */
  private readonly secondsToSkip: Int32Array;
  /** Without traffic, within one shared step: per member, the slots its member table holds (a bit mask). */
  private readonly tableMasks: Int32Array;
  /**
   * Without traffic: per sender, the observers its last broadcast reached, valid while what they
   * were worked out from (which members listen, the links, the member tables) stays as it was at
   * `observersEpoch` (-1: work them out again). An idle group's steps then reuse them.
   */
  private readonly observers: Int32Array;
  private observersEpoch = -1;
  private observersListening = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly net: Network,
    private readonly xcom: XcomCluster,
    private readonly members: FlowControlStatsMembers,
    rng: RandomStream,
    private readonly pipeline: PipelineStats,
    private readonly traffic: boolean,
  ) {
    this.secondsToSkip = new Int32Array(xcom.n).fill(1);
    this.tableMasks = new Int32Array(xcom.n);
    this.observers = new Int32Array(xcom.n).fill(-1);
    if (traffic) {
      // The bound method, not an arrow function calling it (see XcomCluster's once-a-second tasks).
      this.handler = kernel.register('gr.flowControlStats', this.onStep.bind(this));
      // Every statistics message shares its payload and nothing keeps its entry past the delivery
      // (onDelivered reads its sender): consensus reuses the entries once trimmed.
      xcom.consensus.reuseEntriesOf(FLOW_CONTROL_STATS_PAYLOAD);
      // Each server's broadcast thread started at its own moment: a random phase per member.
      for (let slot = 0; slot < xcom.n; slot++) kernel.schedule(rng.int(FLOW_CONTROL_STEP_US), this.handler, slot);
    } else {
      // No message is simulated, only the copies: one shared 1 s step counts down each member's
      // period as flow_control_step does (seconds_to_skip), one kernel event a second for the group.
      this.handler = kernel.register('gr.flowControlStatsShared', () => this.onSharedStep());
      kernel.schedule(rng.int(FLOW_CONTROL_STEP_US), this.handler, 0);
    }
  }

  private onStep(slot: number): void {
    this.kernel.schedule(this.members.periodSeconds(slot) * FLOW_CONTROL_STEP_US, this.handler, slot);
    this.sendStep(slot);
  }

  /**
   * @internal What a step does after it schedules the next one: `slot`'s statistics message, when
   * it can send (a replay of steady seconds, SteadyReplay, calls it in the step's place).
   */
  sendStep(slot: number): void {
    if (!this.canSend(slot)) return;
    this.pipeline.send(slot);
    this.xcom.consensus.proposeMessage(slot, 'gr', FLOW_CONTROL_STATS_MESSAGE_BYTES, FLOW_CONTROL_STATS_PAYLOAD);
  }

  private onSharedStep(): void {
    this.kernel.schedule(FLOW_CONTROL_STEP_US, this.handler, 0);
    const net = this.net, n = this.xcom.n, skip = this.secondsToSkip, tables = this.tableMasks;
    // Nothing a broadcast or a receipt does changes which members listen or what their tables
    // hold: both are read once, at the step's first broadcast (-1 until then).
    let listening = -1;
    for (let slot = 0; slot < n; slot++) {
      skip[slot] = (skip[slot] as number) - 1;
      if ((skip[slot] as number) > 0) continue;
      skip[slot] = this.members.periodSeconds(slot);
      if (!this.canSend(slot) || this.xcom.consensus.decisionDelayUs(slot) < 0) continue;
      this.pipeline.send(slot);
      if (listening < 0) listening = this.readListeners();
      let observers = this.observers[slot] as number;
      if (observers < 0) {
        const bit = 1 << slot, row = slot * n, linkUp = net.linkUp;
        observers = 0;
        for (let o = 0; o < n; o++) {
          if (((listening >> o) & 1) === 1 && linkUp[row + o] === 1 && ((tables[o] as number) & bit) !== 0) observers |= 1 << o;
        }
        observers &= ~bit;
        this.observers[slot] = observers;
      }
      this.pipeline.receiveAll(slot, observers);
    }
  }

  /**
   * Which members listen now (running, not frozen), as a bit mask, and each member's table into
   * `tableMasks`; forgets the observers worked out before when any of it, or the links (the
   * network's reachEpoch moves with every verb), changed since.
   */
  private readListeners(): number {
    const net = this.net, n = this.xcom.n, tables = this.tableMasks;
    let listening = 0, same = net.reachEpoch === this.observersEpoch;
    for (let o = 0; o < n; o++) {
      if (net.running[o] === 1 && net.frozen[o] === 0) listening |= 1 << o;
      const table = this.members.tableMask(o);
      if (table !== tables[o]) same = false;
      tables[o] = table;
    }
    if (!same || listening !== this.observersListening) {
      this.observers.fill(-1);
      this.observersEpoch = net.reachEpoch;
      this.observersListening = listening;
    }
    return listening;
  }

  /** Whether `slot`'s broadcast thread sends now: its server runs, is not stopped, and it is ONLINE or RECOVERING with XCom up. */
  private canSend(slot: number): boolean {
    if (this.net.running[slot] === 0 || this.net.frozen[slot] === 1 || this.xcom.booted[slot] === 0) return false;
    const state = this.members.state(slot);
    return state === 'ONLINE' || state === 'RECOVERING';
  }

  /**
   * `observer` delivered a statistics message `sender` proposed: stored whoever sent it
   * (Flow_control_module::handle_stats_data keeps a map by sender address; the table reads only
   * its members' entries).
   */
  onDelivered(observer: number, sender: number): void {
    if (observer !== sender) this.pipeline.receive(observer, sender);
  }
}
