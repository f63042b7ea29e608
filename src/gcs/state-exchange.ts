/**
 * The GCS state exchange (L4): state messages and the choice of a new view id.
 *
 * When GCS accepts a global view (a membership change with no failed node) it starts a state
 * exchange: each member broadcasts, through XCom like any other message, a state message that
 * carries the view id it has installed, or a fresh view id with monotonic part 0 when it has none
 * yet, and the synode of the view message that started the exchange (gcs_xcom_state_exchange.cc,
 * Gcs_xcom_state_exchange::state_exchange, broadcast_state; gcs_xcom_control_interface.cc,
 * xcom_receive_global_view passes its message_id). A state whose synode is not the one of the
 * exchange in progress belongs to an older exchange and is ignored (process_member_state), so the
 * state messages are matched to one exchange in the total order every member delivers. The view is
 * installed once the state of every member of the new configuration has been delivered
 * (update_awaited_vector, process_member_state; process_control_message). A newer accepted view
 * restarts an exchange still waiting (xcom_receive_global_view: reset_with_flush): a member that
 * never sends (it died, or its GCS has left) holds the exchange until then.
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

/** The payload of a state message (Xcom_member_state, sent as CT_INTERNAL_STATE_EXCHANGE). */
export class StateMessage {
  constructor(
    /** The exchange it belongs to: the log index of the view message that started it (its synode). */
    readonly exchange: number,
    /** The sender's slot and the XCom incarnation it runs as. */
    readonly slot: number,
    readonly incarnation: number,
    /** The view id the sender has installed, or a fresh one with monotonic part 0. */
    readonly viewId: ViewId,
  ) {}
}

/**
 * Bytes of a state message: its header (fixed and monotonic parts of the view id, the configuration
 * synode: 8 + 4 + 4 + 8 + 4, Xcom_member_state::encode_header). The plugin's exchangeable data
 * (member information, executed GTIDs) and the recovery snapshot are not modelled.
 */
export const STATE_MESSAGE_BYTES = 28;

/**
 * The id of the view an exchange installs, from the states of its members (get_new_view_id, plus
 * one): `address` orders them as the map GCS iterates does (by member address "host:port").
 */
export function newViewId(states: ReadonlyMap<number, ViewId>, address: (slot: number) => string): ViewId {
  const ordered = [...states.keys()].sort((a, b) => {
    const x = address(a), y = address(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  let chosen: ViewId | undefined;
  for (const slot of ordered) {
    chosen = states.get(slot) as ViewId;
    if (chosen.monotonic !== 0) break;
  }
  if (chosen === undefined) throw new Error('newViewId: an exchange with no state');
  return { fixed: chosen.fixed, monotonic: chosen.monotonic + 1 };
}

/** What the members' GCS share about state exchange: addresses and each joiner's fresh view id. */
export class StateExchanges {
  /**
   * @param address a member slot's GCS address ("host:port"): the state map GCS iterates in
   *   get_new_view_id is ordered by it
   * @param freshFixed a joiner's new fixed part: system time in 100 ns units plus rand() % 1000
   *   (Gcs_xcom_state_exchange::state_exchange)
   */
  constructor(
    readonly address: (slot: number) => string,
    private readonly freshFixed: () => string,
  ) {}

  /** A fresh view id for a member that has installed none: monotonic part 0. */
  freshViewId(): ViewId {
    return { fixed: this.freshFixed(), monotonic: 0 };
  }
}
