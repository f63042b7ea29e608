import { ConfigError } from './errors.js';

/**
 * Timings the reference marks uncertain or inferred, as parameters with the best estimate as the
 * default (ARCHITECTURE.md: "Where the reference marks a behaviour uncertain, make it a parameter").
 * All values are integer microseconds.
 */
export interface ModelParameters {
  /** GCS engine thread latency between XCom delivering a view and GCS processing it. @defaultValue 200 */
  gcsEngineDelayUs: number;
  /** Latency of the suspicions thread waking after a signal (why T = 15 expels at the first tick, docs/mysql-behaviour.md §G1.4). @defaultValue 50 */
  suspicionThreadWakeUs: number;
  /**
   * From executing a remove/add-node configuration to the new site being active: the event horizon
   * of no-op/skip slots (docs/mysql-behaviour.md §X5; "sub-second", docs/mysql-behaviour.md §G1.4 (U)). The seed case's
   * 16.0 s UNREACHABLE→removed gap bounds it below 1 s. @defaultValue 500000
   */
  configActivationDelayUs: number;
  /**
   * Extra ordering delay of each decided value while some configured node is unreachable and its
   * channel must be filled with no-ops by the executor back-off (docs/mysql-behaviour.md §X5 ⚠ INFERRED: waits
   * 0.1 + 0.141 + 0.2 s before the 3rd-wait no-op). @defaultValue 440000
   */
  deadChannelStallUs: number;
  /** From GCS installing a membership view (every member's state in) to the plugin's view callbacks. @defaultValue 2000 */
  stateExchangeUs: number;
  /** XCom start-up of a (re)joining node before its add_node request reaches a seed (seed case: rejoin 2.06 s). @defaultValue 1000000 */
  xcomJoinStartupUs: number;
  /** Auto-rejoin: from MY-013373 to the old membership's leave (MY-011504) (seed case: 31 ms). @defaultValue 31000 */
  rejoinLeaveUs: number;
  /** Auto-rejoin start after the expel handling (seed case: MY-011565 → MY-013373, 6 ms). @defaultValue 6000 */
  autoRejoinStartUs: number;
  /** Joiner: from the group installing its join view to "Member was able to join" (seed case: 97 ms). @defaultValue 97000 */
  joinerReadyLagUs: number;
  /** Joiner: from "able to join" to its own view install and RECOVERING (seed case: 1.0 s). @defaultValue 1000000 */
  joinerViewLagUs: number;
  /** Distributed recovery duration, RECOVERING → ONLINE (seed case: 78 ms; grows with the backlog). @defaultValue 80000 */
  distributedRecoveryUs: number;
  /**
   * Workload batching period: a writer's queued transactions leave in batches at most this often
   * (the simulation's granularity for workloads, not a MySQL constant; 10 ms keeps a 10,000 tx/s
   * stream at ~100 transactions per entry). @defaultValue 10000
   */
  loadTickUs: number;
  /**
   * Catch-up speed: msgnos a lagging node fetches per round trip (docs/mysql-behaviour.md §X3 ⚠ INFERRED: one
   * event-horizon window, 10 msgnos × N channels, per round trip). A count, not a time. @defaultValue 10
   */
  catchUpMsgnosPerRoundTrip: number;
  /**
   * Bytes an outgoing XCom connection can write to a peer that is not reading (path cut, process
   * stopped) before the writes block: the kernel socket buffer (Linux tcp_wmem max 4 MiB). After
   * that, sends stop succeeding and tcp_reaper_task closes the connection 10 s later (docs/mysql-behaviour.md §X3
   * "What closes a connection", ⚠ INFERRED, OS-dependent). A count of bytes. @defaultValue 4194304
   */
  tcpBufferBytes: number;
  /** Time a failed GCS join takes when a seed answers but the group cannot add the node. @defaultValue 60000000 (VIEW_MODIFICATION_TIMEOUT) */
  joinViewTimeoutUs: number;
  /**
   * Whether GR's flow-control statistics traffic is modelled (1) or not (0): every ONLINE or
   * RECOVERING member broadcasts a statistics message through consensus every
   * group_replication_flow_control_period (pipeline_stats.cc flow_control_step). MySQL always
   * sends it; 0 keeps the XCom level of an idle group silent, as grsim modelled it before issue 10
   * (the statistics then reach the members at once). A flag, not a time. @defaultValue 1
   */
  flowControlStatsTraffic: number;
  /**
   * How values waiting in a proposer and a lagging executor retry (1: as xcom_base.cc does: each
   * proposer task pushes its value again on its own wakeup_delay back-off, 0.1 s ×√2 up to 20 s,
   * then 10–20 s, and acceptors answer, so a cut-off member is heard at its next push after a
   * heal; the executor's read rounds back off from its last execution, proposer_task,
   * get_xcom_message. 0: grsim's earlier approximation: waiting values are tried again on every
   * alive tick and connectivity change, and the read back-off starts at failure detection; the
   * default before issue 10, kept by regression fixtures shrunk under it).
   * A flag, not a time. @defaultValue 1
   */
  xcomRetryBackoff: number;
  /**
   * Time the group_replication_applier takes to apply one certified remote transaction, µs (its
   * throughput is 1e6 / this per second; applier.cc). ⚠ An estimate, not a MySQL constant: small
   * row-based transactions on a multi-threaded applier (replica_parallel_workers 4) run at about
   * 20,000 per second; set it from a real secondary's COUNT_TRANSACTIONS_REMOTE_APPLIED rate.
   * It sets how far a secondary's gtid_executed lags and how long a new primary applies its
   * backlog before it takes writes (docs/mysql-behaviour.md §T2, §T6). @defaultValue 50
   */
  applierTransactionUs: number;
  /**
   * Distributed recovery's cost per missing transaction, µs: a joiner's state transfer takes
   * distributedRecoveryUs + missing × this (recovery_state_transfer.cc: the recovery channel
   * replicates every GTID the donor has and the joiner lacks). ⚠ An estimate: the recovery channel
   * applies already-certified binary log events with parallel workers, faster than the group's
   * applier (about 50,000 small transactions per second). @defaultValue 20
   */
  recoveryTransactionUs: number;
  /**
   * How a new single-primary primary becomes writable (1: in MySQL's stages,
   * primary_election_primary_process.cc: it applies its backlog, then its PRIMARY_READY and
   * QUEUE_APPLIED messages go through the group, super_read_only OFF after the first and MY-011510
   * after the second, and the other members log MY-011511 after one of them (primary-election.ts
   * SecondaryElectionProcess); 0: grsim's earlier approximation, MY-011510 and writable at once
   * when the view is handled, MY-011511 at once on the others, no messages). 0 keeps the course of runs recorded before issue 13 (regression
   * fixtures found by explore). A flag, not a time. @defaultValue 1
   */
  primaryElectionStages: number;
  /**
   * How a member's detector counts a node its new configuration adds (1: as XCom does, not alive
   * until the member hears it: the stamp lives on the server entry of the address, 0 for a new one
   * and cleared when an earlier removal of that address took effect, xcom_transport.cc mksrv,
   * xcom_detector.cc reset_disjunct_servers and update_detected; so the member suspects the joiner
   * as a non-member meanwhile and the detector leader's global views leave it out; 0: grsim's
   * earlier approximation, heard at the activation, which let a joiner nobody had heard enter the
   * views). ⚠ Inferred from the source, not observed. 0 keeps the course of runs recorded before
   * (regression fixtures found by explore). A flag, not a time. @defaultValue 1
   */
  addedNodeUnheard: number;
}

export const DEFAULT_MODEL_PARAMETERS: ModelParameters = {
  gcsEngineDelayUs: 200,
  suspicionThreadWakeUs: 50,
  configActivationDelayUs: 500_000,
  deadChannelStallUs: 440_000,
  stateExchangeUs: 2_000,
  xcomJoinStartupUs: 1_000_000,
  rejoinLeaveUs: 31_000,
  autoRejoinStartUs: 6_000,
  joinerReadyLagUs: 97_000,
  joinerViewLagUs: 1_000_000,
  distributedRecoveryUs: 80_000,
  joinViewTimeoutUs: 60_000_000,
  loadTickUs: 10_000,
  catchUpMsgnosPerRoundTrip: 10,
  tcpBufferBytes: 4_194_304,
  flowControlStatsTraffic: 1,
  xcomRetryBackoff: 1,
  applierTransactionUs: 50,
  recoveryTransactionUs: 20,
  primaryElectionStages: 1,
  addedNodeUnheard: 1,
};

/** Parameters that are counts, not times, and their ranges. */
const COUNT_PARAMETERS: Readonly<Record<string, readonly [number, number, string]>> = {
  catchUpMsgnosPerRoundTrip: [1, 1_000_000, 'msgnos'],
  tcpBufferBytes: [1, 1_073_741_824, 'bytes'],
  flowControlStatsTraffic: [0, 1, 'flag values (0 off, 1 on)'],
  xcomRetryBackoff: [0, 1, 'flag values (0 off, 1 on)'],
  primaryElectionStages: [0, 1, 'flag values (0 off, 1 on)'],
  addedNodeUnheard: [0, 1, 'flag values (0 off, 1 on)'],
};

/** Whether `key` names a model parameter (an own key: `toString` or `constructor` is not one). */
export function isModelParameterName(key: string): key is keyof ModelParameters {
  return Object.hasOwn(DEFAULT_MODEL_PARAMETERS, key);
}

export function resolveModelParameters(input: unknown): ModelParameters {
  if (input === undefined) return { ...DEFAULT_MODEL_PARAMETERS };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError('model', 'must be an object of timing parameters in microseconds', input);
  }
  const out: ModelParameters = { ...DEFAULT_MODEL_PARAMETERS };
  for (const [key, value] of Object.entries(input)) {
    if (!isModelParameterName(key)) {
      throw new ConfigError(`model.${key}`, `is not a known parameter; known parameters are ${Object.keys(DEFAULT_MODEL_PARAMETERS).join(', ')}`, value);
    }
    const count = COUNT_PARAMETERS[key];
    if (count !== undefined) {
      const [lo, hi, unit] = count;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
        throw new ConfigError(`model.${key}`, `must be an integer number of ${unit} in ${lo}..${hi}`, value);
      }
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < (key === 'loadTickUs' ? 1 : 0) || value > 3_600_000_000) {
      throw new ConfigError(`model.${key}`, `must be an integer number of microseconds in ${key === 'loadTickUs' ? 1 : 0}..3600000000`, value);
    }
    (out as unknown as Record<string, number>)[key] = value;
  }
  return out;
}
