import type { VersionProfile } from '../gr/version-profiles.js';
import { NON_MEMBER_EXPEL_TIMEOUT_US } from '../xcom/constants.js';

/** One suspicion held by a node's suspicion manager (gcs_xcom_control_interface.cc Gcs_xcom_node_information). */
export interface Suspicion {
  readonly slot: number;
  /** When the suspicion was created, in virtual microseconds. */
  readonly createdUs: number;
  /** A member suspect (in the current GCS view) or a non-member one. */
  readonly isMember: boolean;
  /** XCom max_synode when the suspicion was created (for the cache warning, a later issue). */
  readonly maxSynode: number;
  cacheWarned: boolean;
}

/** What process_view was told. */
export interface ViewInput {
  readonly self: number;
  /** Config nodes in XCom order. */
  readonly configNodes: readonly number[];
  readonly aliveMask: number;
  /** Slots of the current GCS view. */
  readonly viewMask: number;
  /** Id of the XCom configuration the view comes from (its synode in MySQL; grsim counts configurations). */
  readonly configId: number;
  readonly maxSynode: number;
  readonly nowUs: number;
}

export interface ProcessViewResult {
  readonly created: Suspicion[];
  /** The suspicions removed: their suspect is alive again or no longer in the configuration. */
  readonly cleared: Suspicion[];
  /** A new member suspicion was added: the processing thread must be signalled. */
  readonly signal: boolean;
}

export interface ProcessSuspicionsResult {
  readonly timedOut: Suspicion[];
  /** Slots to expel in one xcom_remove_nodes call (killer node), or [self] for a self-removal. */
  readonly expel: number[];
}

/**
 * Gcs_suspicions_manager as a pure state machine (gcs_xcom_control_interface.cc, MySQL 8.0.41 =
 * 9.7.2): process_view bookkeeping, the majority rule including expels in progress, the strict
 * timeout test and the killer-node rule. The thread cadence (15 s, signals) lives in gcs-node.ts.
 */
export class SuspicionsManager {
  readonly suspicions = new Map<number, Suspicion>();
  /**
   * Expels issued by this node and not yet in effect, each with the configuration of the view that
   * triggered it (Gcs_xcom_expels_in_progress: a list of (member, config synode) pairs, so a node
   * expelled twice counts twice).
   */
  readonly expelsInProgress: { readonly slot: number; readonly configId: number }[] = [];
  hasMajority = true;
  isKiller = false;
  /** The configuration of the last view processed (m_config_id), where an expel sent now is issued. */
  private configId = 0;

  constructor(private readonly rules: Pick<VersionProfile, 'countsExpelsInProgress' | 'forgetsExpelsOfAliveNodes'>) {}

  processView(v: ViewInput): ProcessViewResult {
    const alive: number[] = [];
    const failed: number[] = [];
    for (const s of v.configNodes) ((v.aliveMask >>> s) & 1 ? alive : failed).push(s);
    let configMask = 0;
    for (const s of v.configNodes) configMask |= 1 << s;
    // is_killer_node: this node is the first alive entry in XCom node order.
    this.isKiller = alive[0] === v.self;
    this.configId = v.configId;
    // Forget the expel of a node that has left (from 8.0.41 and in 8.4: or is alive again) only once
    // a configuration newer than the one the expel was issued in is installed
    // (gcs_xcom_expels_in_progress.cc, forget_expels_that_have_taken_effect: synode_lt(expel
    // config, current config); VersionProfile.forgetsExpelsOfAliveNodes). A node that merely looks
    // alive again in the same configuration still counts: its removal may yet be decided.
    const aliveCounts = this.rules.forgetsExpelsOfAliveNodes;
    for (let k = this.expelsInProgress.length - 1; k >= 0; k--) {
      const e = this.expelsInProgress[k] as { slot: number; configId: number };
      // Gone from the XCom configuration. Up to 8.0.39 that is "left" as build_left_members computes
      // it (current GCS view − (alive ∪ failed)), so a node never in the view (a joiner) never left;
      // the newer rule is kept as grsim had it, any node gone from the configuration.
      const gone = (configMask & (1 << e.slot)) === 0 && (aliveCounts || (v.viewMask & (1 << e.slot)) !== 0);
      const underEffect = gone || (aliveCounts && (v.aliveMask & (1 << e.slot)) !== 0);
      if (underEffect && e.configId < v.configId) this.expelsInProgress.splice(k, 1);
    }
    let inProgressNotSuspect = 0;
    if (this.rules.countsExpelsInProgress) for (const e of this.expelsInProgress) if (!failed.includes(e.slot)) inProgressNotSuspect++;
    this.hasMajority = 2 * (failed.length + inProgressNotSuspect) < v.configNodes.length;
    const cleared: Suspicion[] = [];
    for (const sus of [...this.suspicions.values()]) {
      const s = sus.slot;
      if ((configMask & (1 << s)) === 0 || (v.aliveMask & (1 << s)) !== 0) {
        this.suspicions.delete(s);
        cleared.push(sus);
      }
    }
    const created: Suspicion[] = [];
    let signal = false;
    for (const s of failed) {
      if (this.suspicions.has(s)) continue;
      const isMember = (v.viewMask & (1 << s)) !== 0;
      const sus: Suspicion = { slot: s, createdUs: v.nowUs, isMember, maxSynode: v.maxSynode, cacheWarned: false };
      this.suspicions.set(s, sus);
      created.push(sus);
      if (isMember) signal = true;
    }
    return { created, cleared, signal };
  }

  /**
   * run_process_suspicions: suspects whose creation + timeout < now (strictly) are removed from the
   * suspicion list at once; they are expelled only with a majority, by the killer node, or by the
   * suspect itself (force_remove).
   */
  processSuspicions(self: number, nowUs: number, memberExpelTimeoutUs: number): ProcessSuspicionsResult {
    const timedOut: Suspicion[] = [];
    for (const sus of [...this.suspicions.values()]) {
      const timeout = sus.isMember ? memberExpelTimeoutUs : NON_MEMBER_EXPEL_TIMEOUT_US;
      if (sus.createdUs + timeout < nowUs) {
        timedOut.push(sus);
        this.suspicions.delete(sus.slot);
      }
    }
    let expel: number[] = [];
    if (timedOut.length > 0 && this.hasMajority) {
      if (this.isKiller) {
        expel = timedOut.map((s) => s.slot);
        for (const s of expel) this.expelsInProgress.push({ slot: s, configId: this.configId });
      } else if (timedOut.some((s) => s.slot === self)) {
        expel = [self];
      }
    }
    return { timedOut, expel };
  }
}
