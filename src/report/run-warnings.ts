import type { WorkloadHoldReason } from '../gr/workload.js';
import { CLIENT_ERROR_CONNECT, CLIENT_ERROR_HOOK, CLIENT_ERROR_OFFLINE_MODE, CLIENT_ERROR_SUPER_READ_ONLY } from '../observe/error-codes.js';
import type { Simulation } from '../sim/simulation.js';

/**
 * Something a run did not do as written, and why: so far, workload transactions a member refused
 * (or held back, waiting for a majority). One warning per member and reason, however many
 * transactions it covers, so a long run cannot grow the list without bound.
 */
export interface RunWarning {
  /** What the warning is about: transactions of the scenario's `workload`. */
  readonly kind: 'workload';
  readonly member: string;
  readonly reason: WorkloadHoldReason;
  /** Transactions concerned. */
  readonly count: number;
  /** Virtual time of the first and last of them, µs. */
  readonly firstUs: number;
  readonly lastUs: number;
  /** The error a MySQL client gets for such a statement; null when the statement hangs instead. */
  readonly error: string | null;
  /** The warning in words, naming the member, the count and the cause. */
  readonly message: string;
}

/** Per reason: what happened to the transactions, why, and the client error (null: none, the statement hangs). */
const WHY: Readonly<Record<WorkloadHoldReason, { readonly what: string; readonly why: string; readonly error: string | null }>> = {
  not_running: { what: 'refused', why: 'its mysqld was not running (crashed, shut down, or stopped by the exit state action ABORT_SERVER)', error: CLIENT_ERROR_CONNECT },
  frozen: { what: 'held until the thaw', why: 'its mysqld was frozen (SIGSTOP): a client connection is accepted but no statement runs until it resumes, so each client blocked; after the thaw they were checked like new statements (refused or ordered, see the other entries)', error: null },
  primary_election: { what: 'held until the new primary was ready', why: 'it was a new primary still running its election process and group_replication_consistency was BEFORE_ON_PRIMARY_FAILOVER or AFTER: each transaction waited until the process ended (its backlog applied), then ran', error: null },
  prepared_transaction: { what: 'held behind another member\'s AFTER transaction', why: 'its applier held another member\'s AFTER transaction prepared, waiting for every ONLINE member (an UNREACHABLE one included) to prepare it, and a transaction that begins meanwhile waits until that one commits, at any consistency level (transaction_begin_sync_prepared_transactions)', error: null },
  plugin_stopping: { what: 'rolled back', why: 'STOP GROUP_REPLICATION was running (it waits up to 51 s, TRANSACTION_KILL_TIMEOUT, for the transactions already in flight, then leaves): a commit meanwhile waits for the stop and then fails (MY-011599)', error: CLIENT_ERROR_HOOK },
  offline_mode: { what: 'refused', why: 'offline_mode was ON (exit state action OFFLINE_MODE): the server takes no client connection', error: CLIENT_ERROR_OFFLINE_MODE },
  read_only_secondary: { what: 'refused', why: 'it was a SECONDARY of a single-primary group, where Group Replication sets super_read_only=ON; writes go to the PRIMARY', error: CLIENT_ERROR_SUPER_READ_ONLY },
  read_only_error: { what: 'refused', why: 'it was in ERROR (out of the group), where Group Replication sets super_read_only=ON', error: CLIENT_ERROR_SUPER_READ_ONLY },
  read_only_not_online: { what: 'refused', why: 'it was not ONLINE (joining, recovering or OFFLINE), and Group Replication keeps super_read_only=ON until it is', error: CLIENT_ERROR_SUPER_READ_ONLY },
  read_only: { what: 'refused', why: 'super_read_only was ON', error: CLIENT_ERROR_SUPER_READ_ONLY },
  size_limit: {
    what: 'rolled back at commit',
    why: 'each was larger than group_replication_transaction_size_limit (transaction size before compression): Group Replication refuses such a transaction at commit, before sending anything to the group (MY-011608), so it took no GTID and no XCom cache space; raise the limit (0: no limit) or split the transaction',
    error: CLIENT_ERROR_HOOK,
  },
  no_majority: {
    what: 'held back',
    why: 'it could not reach a majority of its group, so the group could not order them: MySQL blocks such a statement until contact with the majority is restored, or rolls it back if the member leaves the group',
    error: null,
  },
  left_group: {
    what: 'rolled back',
    why: 'they were still waiting for the group (to be ordered, certified or acknowledged) when the member left the group on a failure (an expel, or the majority unreachable for group_replication_unreachable_majority_timeout): Group Replication releases every waiting session with an error (MY-011630)',
    error: CLIENT_ERROR_HOOK,
  },
  stop_timeout: {
    what: 'rolled back',
    why: 'they were still waiting for the group when STOP GROUP_REPLICATION gave up waiting for them (51 s, TRANSACTION_KILL_TIMEOUT): it releases every waiting session with an error (MY-011630), then leaves',
    error: CLIENT_ERROR_HOOK,
  },
};

/** The warnings of a finished run, members in scenario order, each member's reasons in order of first occurrence. */
export function runWarnings(sim: Simulation): RunWarning[] {
  const out: RunWarning[] = [];
  for (const m of sim.members) {
    for (const h of m.workload().holds) {
      const { what, why, error } = WHY[h.reason];
      const n = `${h.count} workload transaction${h.count === 1 ? '' : 's'}`;
      out.push({
        kind: 'workload', member: m.name, reason: h.reason, count: h.count, firstUs: h.firstUs, lastUs: h.lastUs, error,
        message: `${n} ${what} on ${m.name}: ${why}${error === null ? '' : ` (${error})`}`,
      });
    }
  }
  return out;
}
