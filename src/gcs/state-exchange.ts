/**
 * The GCS state exchange of every member (L4), shared like the group's messages are.
 *
 * When GCS accepts a global view (a membership change with no failed node) it starts a state
 * exchange: each member broadcasts a state message that carries the view id it has installed, or a
 * fresh view id with monotonic part 0 when it has none yet, and the view is installed only once the
 * state message of every member of the new configuration has arrived (gcs_xcom_state_exchange.cc,
 * Gcs_xcom_state_exchange::state_exchange, update_awaited_vector, process_member_state). A member
 * that never sends (it is not booted yet, or it died) holds the exchange until the next accepted
 * view restarts it (gcs_xcom_control_interface.cc, xcom_receive_global_view: reset_with_flush).
 *
 * The new view id is the one in the state of the first member, in address order, whose monotonic
 * part is not zero, or the last member's when all are zero (every member is joining), plus one
 * (Gcs_xcom_state_exchange::get_new_view_id, then increment_by_one in process_control_message).
 * So a group keeps its fixed part as long as one of its members has a view, and a group re-formed
 * only by joiners starts a fresh fixed part at :1.
 */

/** A view id `<fixed>:<monotonic>` (Gcs_xcom_view_identifier). */
export interface ViewId {
  /** The fixed part, as MySQL prints it (a decimal integer past 2^53, hence a string). */
  readonly fixed: string;
  readonly monotonic: number;
}

/** One member's state message for one configuration's exchange. */
interface MemberState {
  readonly incarnation: number;
  readonly viewId: ViewId;
}

/** Exchanges kept at most (older configurations are long decided; a bound, not a protocol rule). */
const MAX_EXCHANGES = 64;

export class StateExchanges {
  /** Per configuration id (the exchange's configuration): each member slot's state message. */
  private readonly byConfig = new Map<number, Map<number, MemberState>>();

  /**
   * @param address a member slot's GCS address ("host:port"): the state map GCS iterates in
   *   get_new_view_id is ordered by it
   * @param freshFixed a joiner's new fixed part: system time in 100 ns units plus rand() % 1000
   *   (Gcs_xcom_state_exchange::state_exchange)
   * @param sent called after a state message is recorded, so waiting members can complete
   */
  constructor(
    private readonly address: (slot: number) => string,
    private readonly freshFixed: () => string,
    private readonly sent: (configId: number) => void,
  ) {}

  /** A fresh view id for a member that has installed none: monotonic part 0. */
  freshViewId(): ViewId {
    return { fixed: this.freshFixed(), monotonic: 0 };
  }

  /** Member `slot` (running as `incarnation`) broadcasts its state for the exchange of `configId`. */
  send(configId: number, slot: number, incarnation: number, viewId: ViewId): void {
    let states = this.byConfig.get(configId);
    if (states === undefined) {
      states = new Map();
      this.byConfig.set(configId, states);
      if (this.byConfig.size > MAX_EXCHANGES) this.byConfig.delete(this.byConfig.keys().next().value as number);
    }
    states.set(slot, { incarnation, viewId });
    this.sent(configId);
  }

  /**
   * The id of the view the exchange installs, or null while a member of the configuration (these
   * slots as these incarnations) has not sent its state for it.
   */
  newViewId(configId: number, nodes: readonly number[], incarnations: readonly number[]): ViewId | null {
    const states = this.byConfig.get(configId);
    if (states === undefined) return null;
    for (let k = 0; k < nodes.length; k++) {
      const s = states.get(nodes[k] as number);
      if (s === undefined || s.incarnation !== incarnations[k]) return null;
    }
    const ordered = [...nodes].sort((a, b) => {
      const x = this.address(a), y = this.address(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    let chosen: ViewId | null = null;
    for (const slot of ordered) {
      chosen = (states.get(slot) as MemberState).viewId;
      if (chosen.monotonic !== 0) break;
    }
    if (chosen === null) return null;
    return { fixed: chosen.fixed, monotonic: chosen.monotonic + 1 };
  }
}
