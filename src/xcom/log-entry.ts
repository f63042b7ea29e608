import type { XcomConfig } from './xcom-config.js';

/**
 * A value decided by consensus, at its place in the total order every node executes. Each entry
 * stands for one Paxos slot {msgno, node}: the proposer's channel at the next msgno; the skipped
 * slots of the other channels are implied. `bytes` is the payload size the message cache will
 * account (a later issue).
 */
export interface LogEntry {
  readonly index: number;
  /** 'noop': a decided slot with nothing to deliver (e.g. a remove_node whose nodes were already gone). */
  readonly kind: 'app' | 'view' | 'config' | 'gr' | 'noop';
  /** Slot of the proposing node. */
  readonly proposer: number;
  readonly decidedAtUs: number;
  readonly bytes: number;
  /** For 'view': the configuration the view was proposed in and its alive node set. */
  readonly configId: number;
  readonly mask: number;
  /** For 'config': the new configuration. */
  readonly config: XcomConfig | null;
  /** For 'app' and 'gr': what the upper layer sent. */
  readonly payload: unknown;
}
