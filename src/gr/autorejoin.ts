import { msg } from '../observe/error-codes.js';
import { REJOIN_TIMEOUT_US } from '../xcom/constants.js';
import type { GrMember } from './gr-member.js';
import { applyExitAction } from './leave-group-on-failure.js';
import { APPLIER_CHANNEL_RESET_AFTER_LEAVE_US, applierChannelReset } from './replication-channels.js';

/**
 * The auto-rejoin process of one member (autorejoin.cc, Autorejoin_thread::execute_rejoin_process,
 * and plugin.cc attempt_rejoin): up to group_replication_autorejoin_tries attempts, 300 s apart,
 * started only by an expel or the unreachable-majority timeout; the exit state action after the last
 * failed attempt.
 */
export class AutoRejoin {
  /** Whether an auto-rejoin process is running (a SET of autorejoin_tries is refused meanwhile). */
  running = false;
  /** The auto-rejoin thread of the running process (0 when none), which logs its attempts. */
  private thread = 0;
  /** Bumped by abort (STOP GROUP_REPLICATION): the pending steps of an aborted process do nothing. */
  private gen = 0;
  /** Attempts the running process has started, and how many it may make. */
  private attempts = 0;
  private tries = 0;

  constructor(private readonly m: GrMember) {}

  start(): void {
    const m = this.m;
    if (m.ctx.net.running[m.slot] === 0) return;
    this.running = true;
    this.thread = m.newThreadId(); // the auto-rejoin thread (autorejoin.cc), which logs its attempts
    const tries = m.opts.group_replication_autorejoin_tries;
    this.tries = tries;
    const gen = this.gen;
    const attempt = (k: number): void => {
      if (gen !== this.gen) return;
      this.attempts = k;
      m.log(msg.startedAutoRejoin(k, tries), this.thread);
      m.ctx.later(m.slot, m.ctx.params.rejoinLeaveUs, () => {
        if (gen !== this.gen) return;
        // The attempt's GCS leave and finalize: GCS has no current view until it joins.
        m.expelLeaveViewId = null;
        if (!m.leftLogged) {
          m.log(msg.memberLeftGroup());
          m.leftLogged = true;
        }
        // The attempt re-initialises the applier module, whose channel is created anew (plugin.cc
        // attempt_rejoin), from a thread of its own.
        m.ctx.later(m.slot, APPLIER_CHANNEL_RESET_AFTER_LEAVE_US, () => m.log(applierChannelReset(m.ctx.channelTerms), m.newThreadId()));
        m.ctx.later(m.slot, m.ctx.params.xcomJoinStartupUs, () => {
          if (gen !== this.gen) return;
          m.joinGroup(
            () => {
              this.running = false;
              const thread = this.thread;
              m.ctx.later(m.slot, m.ctx.params.joinerReadyLagUs, () => m.log(msg.finishedAutoRejoin(k, tries, true), thread));
            },
            () => {
              if (gen !== this.gen) return;
              if (k < tries) {
                m.ctx.later(m.slot, REJOIN_TIMEOUT_US, () => attempt(k + 1));
                return;
              }
              this.running = false;
              m.log(msg.finishedAutoRejoin(tries, tries, false), this.thread);
              m.setFlags(true, m.offlineMode);
              applyExitAction(m, `Could not rejoin the member to the group after ${tries} attempts`);
            },
          );
        });
      });
    };
    attempt(1);
  }

  /**
   * STOP GROUP_REPLICATION interrupts the process (the rejoin_timeout wait is interruptible): no
   * further attempt, no exit state action. The thread leaves its loop and logs that it did not
   * rejoin, numbering the attempts one short: `!m_abort && num_attempts++ < m_attempts` stops
   * before the increment (autorejoin.cc, execute_rejoin_process, after abort_rejoin).
   */
  abort(): void {
    this.gen++;
    if (this.running) this.m.log(msg.finishedAutoRejoin(this.attempts - 1, this.tries, false), this.thread);
    this.running = false;
  }
}
