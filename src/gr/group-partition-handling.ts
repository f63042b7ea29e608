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
  /** member_in_partition: set while the majority is lost. */
  inPartition = false;
  /** partition_handling_terminated: the countdown ended and the member is leaving. */
  terminated = false;
  private gen = 0;

  constructor(private readonly m: GrMember) {}

  /**
   * launch_partition_handler_thread: always marks the member in a partition; the countdown runs only
   * for a positive timeout, taken once now (a later SET does not change a running countdown), in
   * 2 s slices (partition_thread_handler).
   */
  launch(): void {
    this.inPartition = true;
    const timeoutS = this.m.opts.group_replication_unreachable_majority_timeout; // snapshot: later SETs do not apply
    if (timeoutS <= 0) return;
    const gen = ++this.gen;
    let remainingUs = timeoutS * 1_000_000;
    const slice = (): void => {
      if (gen !== this.gen) return;
      const step = remainingUs >= PARTITION_HANDLER_SLICE_US ? PARTITION_HANDLER_SLICE_US : remainingUs;
      this.m.ctx.later(this.m.slot, step, () => {
        if (gen !== this.gen) return;
        remainingUs -= step;
        if (remainingUs > 0) slice();
        else this.timeoutFired(timeoutS);
      });
    };
    slice();
  }

  /** abort_partition_handler_if_running: the majority is back before the countdown ended. */
  abort(): void {
    this.inPartition = false;
    this.gen++;
  }

  /** The process died: no partition state survives it. */
  reset(): void {
    this.inPartition = false;
    this.terminated = false;
    this.gen++;
  }

  /** The countdown ended: MY-011711, then leave_group_on_failure with a GCS leave. */
  private timeoutFired(timeoutS: number): void {
    this.terminated = true;
    this.inPartition = false;
    this.m.log(msg.unreachableMajorityTimeout(timeoutS));
    leaveGroupOnMajorityTimeout(this.m);
  }
}
