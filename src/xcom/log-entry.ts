import type { XcomConfig } from './xcom-config.js';

/**
 * A value decided by consensus, at its place in the total order every node executes. An entry
 * stands for `msgnos` consecutive msgnos starting at `firstMsgno` (docs/mysql-behaviour.md §X5 "Synodes and
 * channels"): the proposer's channel carries its messages there and the other channels' slots are
 * skips. Most entries take one msgno; a workload batch ('load') takes as many as the proposer
 * pipeline used in one tick, and batches of several writers decided in the same tick share msgnos.
 * `cacheBytes`/`cacheSlots` are what the entry adds to each node's message cache when learned.
 *
 * A 'load' entry and its batch are rewritten for a later batch once trimmed from the decided log
 * (one is decided every load tick, and entries outlive many young-generation collections), and so
 * is the entry of a message whose payload Consensus.reuseEntriesOf names (the flow-control
 * statistics, one a second per member): a consumer that keeps an entry beyond the call that hands
 * it over must keep a copy (copyHeldEntry).
 */
export interface LogEntry {
  readonly index: number;
  /** 'noop': a decided slot with nothing to deliver (e.g. a remove_node whose nodes were already gone). */
  readonly kind: 'app' | 'view' | 'config' | 'gr' | 'noop' | 'load';
  /** Slot of the proposing node. */
  readonly proposer: number;
  readonly decidedAtUs: number;
  readonly bytes: number;
  /** For 'view': the configuration the view was proposed in and its alive node set. */
  readonly configId: number;
  readonly mask: number;
  /**
   * For 'config': the new configuration. For 'view': the configuration in force at the view's
   * place in the order (its site, find_site_def); the view is delivered only if it was proposed in it.
   */
  readonly config: XcomConfig | null;
  /** For 'app' and 'gr': what the upper layer sent; for 'load': a LoadBatch. */
  readonly payload: unknown;
  /** The first msgno of the entry's slots. */
  readonly firstMsgno: number;
  /** Msgnos the entry spans (≥ 1). */
  readonly msgnos: number;
  /** Bytes the entry adds to a message cache (pax_msg per new slot, app_data + payload per message). */
  readonly cacheBytes: number;
  /** XCom slots the entry adds (channels × new msgnos; 0 when it only filled slots of msgnos already counted). */
  readonly cacheSlots: number;
  /**
   * Bit mask of the slots that accepted the value: the acceptors the proposer's accept reached over
   * established connections when it pushed the value (a majority of its site, or it would not be
   * decided). They keep it in their Paxos instance until they learn it, so a node that missed the
   * learn can recover it from them (handle_simple_prepare answers with the accepted value).
   */
  readonly acceptors: number;
  /** When the proposer pushed the accepted value (µs); an acceptor whose XCom booted later does not hold it. */
  readonly acceptedAtUs: number;
}

/** The payload of a 'load' entry: a batch of workload transactions of one member. */
export interface LoadBatch {
  /** Transactions in the batch. */
  readonly transactions: number;
  /** GCS messages (app_data) in the batch: one per transaction, or one per fragment. */
  readonly messages: number;
  /** Payload bytes after compression. */
  readonly payloadBytes: number;
  /** Sum of the transactions' submission times (µs), for commit latency. */
  readonly submittedSumUs: number;
}

/** A copy of a 'load' entry with a batch of its own, for a consumer that holds it past the call (see LogEntry). */
export function copyLoadEntry(entry: LogEntry): LogEntry {
  return { ...entry, payload: { ...(entry.payload as LoadBatch) } };
}

/**
 * A copy of any entry for a consumer that holds it past the call (see LogEntry): the entry's own
 * fields, and a 'load' entry's batch (copyLoadEntry); other payloads are never rewritten.
 */
export function copyHeldEntry(entry: LogEntry): LogEntry {
  return entry.kind === 'load' ? copyLoadEntry(entry) : { ...entry };
}
