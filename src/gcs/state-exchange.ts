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

import { InvariantError } from '../errors.js';

/** A view id `<fixed>:<monotonic>` (Gcs_xcom_view_identifier). */
export interface ViewId {
  /** The fixed part, as MySQL prints it (a decimal integer past 2^53, hence a string). */
  readonly fixed: string;
  readonly monotonic: number;
}

/** One member's state message for one exchange. */
export interface MemberState {
  /** The XCom incarnation the sender runs as (a state names its sender's node, uuid included). */
  readonly incarnation: number;
  /** The view id the sender has installed, or a fresh one with monotonic part 0. */
  readonly viewId: ViewId;
  /**
   * Its place in the total order: the log index the next decided value gets when the state is sent.
   * grsim does not put state messages in the log (they would move every later message); a state
   * counts as delivered, on every member alike, after the values decided before it was sent and
   * before the ones decided after.
   */
  readonly position: number;
}

/** Exchanges kept at most (older ones are long over; a bound on memory, not a protocol rule). */
const MAX_EXCHANGES = 64;

/**
 * The id of the view an exchange installs, from the states of its members (get_new_view_id, plus
 * one): `address` orders them as the map GCS iterates does (by member address "host:port").
 */
export function newViewId(states: ReadonlyMap<number, MemberState>, address: (slot: number) => string): ViewId {
  const ordered = [...states.keys()].sort((a, b) => {
    const x = address(a), y = address(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  let chosen: ViewId | undefined;
  for (const slot of ordered) {
    chosen = (states.get(slot) as MemberState).viewId;
    if (chosen.monotonic !== 0) break;
  }
  if (chosen === undefined) throw new InvariantError('newViewId: an exchange with no state');
  return { fixed: chosen.fixed, monotonic: chosen.monotonic + 1 };
}

/** The state messages of every exchange, as every member's GCS delivers them. */
export class StateExchanges {
  /** Per exchange (the log index of its view message): each member slot's state. */
  private readonly byExchange = new Map<number, Map<number, MemberState>>();

  /**
   * @param address a member slot's GCS address ("host:port"): the state map GCS iterates in
   *   get_new_view_id is ordered by it
   * @param freshFixed a joiner's new fixed part: system time in 100 ns units plus rand() % 1000
   *   (Gcs_xcom_state_exchange::state_exchange)
   * @param sent called after a state is recorded, so that members waiting for it can go on
   */
  constructor(
    readonly address: (slot: number) => string,
    private readonly freshFixed: () => string,
    private readonly sent: (exchange: number) => void,
  ) {}

  /** A fresh view id for a member that has installed none: monotonic part 0. */
  freshViewId(): ViewId {
    return { fixed: this.freshFixed(), monotonic: 0 };
  }

  /** Member `slot` broadcasts its state for `exchange` (broadcast_state). */
  send(exchange: number, slot: number, state: MemberState): void {
    let states = this.byExchange.get(exchange);
    if (states === undefined) {
      states = new Map();
      this.byExchange.set(exchange, states);
      if (this.byExchange.size > MAX_EXCHANGES) this.byExchange.delete(this.byExchange.keys().next().value as number);
    }
    states.set(slot, state);
    this.sent(exchange);
  }

  /** The states of `exchange` from these members (slots as these incarnations), or null while one is missing. */
  statesOf(exchange: number, nodes: readonly number[], incarnations: readonly number[]): ReadonlyMap<number, MemberState> | null {
    const states = this.byExchange.get(exchange);
    if (states === undefined) return null;
    for (let k = 0; k < nodes.length; k++) {
      const s = states.get(nodes[k] as number);
      if (s === undefined || s.incarnation !== incarnations[k]) return null;
    }
    return states;
  }
}
