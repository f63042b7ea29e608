import { msg } from '../observe/error-codes.js';
import { PARTITION_HANDLER_SLICE_US } from '../xcom/constants.js';
import type { GrMember } from './gr-member.js';
import { leaveGroupOnMajorityTimeout } from './leave-group-on-failure.js';

/**
 * The majority-loss handler of one member (group_partition_handling.cc, Group_partition_handling):
 * member_in_partition while the majority is unreachable, and the unreachable_majority_timeout
 * countdown that makes the member leave when the majority does not come back.
 */
export class GroupPartitionHandler {
  /** member_in_partition: set while the majority is lost, also when no countdown runs (timeout 0). */
  inPartition = false;
  /** partition_handling_terminated: the countdown ended and the member is leaving. */
  terminated = false;
  /** The partition handler thread is running: a countdown was started and has neither ended nor been aborted. */
  private counting = false;
  private gen = 0;

  constructor(private readonly m: GrMember) {}

  /** is_partition_handler_running: a countdown is under way. */
  isCounting(): boolean {
    return this.counting;
  }

  /**
   * launch_partition_handler_thread: always marks the member in a partition; the countdown runs only
   * for a positive timeout, taken once now (a later SET does not change a running countdown), in
   * 2 s slices (partition_thread_handler). With the timeout 0 no thread starts, so the plugin calls
   * this again at every later minority view (Plugin_gcs_events_handler::on_suspicions launches
   * whenever none is running and none has ended): a SET of the timeout made meanwhile starts the
   * countdown then.
   */
  launch(): void {
    this.inPartition = true;
    const timeoutS = this.m.opts.group_replication_unreachable_majority_timeout; // snapshot: later SETs do not apply
    if (timeoutS <= 0 || this.counting) return;
    this.counting = true;
    const gen = ++this.gen;
    let remainingUs = timeoutS * 1_000_000;
    const slice = (): void => {
      if (gen !== this.gen) return;
      const step = remainingUs >= PARTITION_HANDLER_SLICE_US ? PARTITION_HANDLER_SLICE_US : remainingUs;
      this.m.ctx.later(this.m.slot, step, () => {
        if (gen !== this.gen) return;
        remainingUs -= step;
        if (remainingUs > 0) slice();
        else this.timeoutFired();
      });
    };
    slice();
  }

  /** abort_partition_handler_if_running: the majority is back before the countdown ended. */
  abort(): void {
    this.inPartition = false;
    this.counting = false;
    this.gen++;
  }

  /** The process died: no partition state survives it. */
  reset(): void {
    this.inPartition = false;
    this.terminated = false;
    this.counting = false;
    this.gen++;
  }

  /**
   * The countdown ended: MY-011711, then leave_group_on_failure with a GCS leave. The line names the
   * timeout as it is now (partition_thread_handler logs timeout_on_unreachable, which a SET during
   * the countdown updated), not the one the countdown ran.
   */
  private timeoutFired(): void {
    this.terminated = true;
    this.inPartition = false;
    this.counting = false;
    this.m.log(msg.unreachableMajorityTimeout(this.m.opts.group_replication_unreachable_majority_timeout));
    leaveGroupOnMajorityTimeout(this.m);
  }
}
