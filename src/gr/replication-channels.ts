import { msg, type ChannelSource, type ChannelTerms, type LogMessage } from '../observe/error-codes.js';

/**
 * The server's replication-channel lines a member writes around a rejoin: the group_replication_applier
 * channel re-created by an auto-rejoin attempt, and the group_replication_recovery channel that
 * distributed recovery points at a donor and resets afterwards. grsim does not model relay logs or
 * the replication threads; it prints the lines MySQL prints, at the offsets the reference case shows.
 */

/** The applier channel has no source (sql/rpl_replica.cc prints a NULL host as `<NULL>`). */
const NO_SOURCE: ChannelSource = { host: '<NULL>', port: 0, logPos: 4 };

/** The applier channel's name (plugin/group_replication/include/plugin.h). */
export const APPLIER_CHANNEL = 'group_replication_applier';
/** The recovery channel's name (plugin/group_replication/src/recovery_state_transfer.cc). */
export const RECOVERY_CHANNEL = 'group_replication_recovery';

/**
 * The recovery channel's replication user (CHANGE MASTER TO MASTER_USER=… FOR CHANNEL
 * 'group_replication_recovery', set by the DBA). ⚠ An assumption: grsim takes the reference case's.
 */
export const RECOVERY_USER = 'repl';

/**
 * How long after "This member has left the group" an auto-rejoin attempt re-creates the applier
 * channel, µs: attempt_rejoin (src/plugin.cc) re-initialises the applier module, whose channel is
 * created anew with a purged relay log. Fitted to the reference case (2.3 ms).
 */
export const APPLIER_CHANNEL_RESET_AFTER_LEAVE_US = 2_300;

/**
 * The applier channel re-created: from its old relay position to a fresh one (4, the first event
 * after the header). grsim does not model relay log contents, so the previous position is printed
 * as 4 too (the reference case shows 351 after a few transactions).
 */
export function applierChannelReset(terms: ChannelTerms): LogMessage {
  return msg.channelChanged(terms, APPLIER_CHANNEL, NO_SOURCE, NO_SOURCE);
}

/** Which thread writes a recovery line: the recovery thread, or the channel's receiver (I/O) thread. */
export type RecoveryThread = 'recovery' | 'receiver';

/** One recovery-channel line, `at` a fraction of distributedRecoveryUs after the joiner handles its view. */
export interface RecoveryLine {
  readonly at: number;
  readonly thread: RecoveryThread;
  readonly message: LogMessage;
}

/**
 * Incremental recovery from `donor` (recovery_state_transfer.cc Recovery_state_transfer::
 * establish_donor_connection, start_recovery_donor_threads, then purge_recovery_slave_threads_repos):
 * the recovery thread points the channel at the donor, the receiver thread warns about stored
 * credentials and connects, and once the state transfer ends the recovery thread resets the
 * channel. The offsets are the reference case's (17, 29, 34 and 64 ms of its 80 ms recovery) as
 * fractions of distributedRecoveryUs, so the lines keep their order for any recovery duration.
 * From 8.0.23 the receiver's "connected" line has another id and names the donor's server_id, which
 * grsim does not model; it is left out there.
 */
export function recoveryChannelLines(terms: ChannelTerms, donor: { host: string; port: number }): RecoveryLine[] {
  const atDonor: ChannelSource = { host: donor.host, port: donor.port, logPos: 4 };
  const lines: RecoveryLine[] = [
    { at: 0.21, thread: 'recovery', message: msg.channelChanged(terms, RECOVERY_CHANNEL, NO_SOURCE, atDonor) },
    { at: 0.36, thread: 'receiver', message: msg.insecureChannelCredentials(terms) },
  ];
  if (terms === 'master') lines.push({ at: 0.42, thread: 'receiver', message: msg.receiverConnected(RECOVERY_CHANNEL, RECOVERY_USER, donor.host, donor.port) });
  lines.push({ at: 0.8, thread: 'recovery', message: msg.channelChanged(terms, RECOVERY_CHANNEL, atDonor, NO_SOURCE) });
  return lines;
}
