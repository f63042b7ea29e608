import { memberIndex } from '../run-record.js';
import { type Invariant, violation } from './invariant.js';
import { serverStopped } from './trace-reading.js';
import { startsOwnLeave } from '../leave-lines.js';

const NO_EXPEL = 'no-expel-without-majority';

/** Configuration number of the boot configuration every member starts in (the first decided change is 2). */
const BOOT_CONFIG_ID = 1;

/** One xcom_remove_nodes call, as the trace shows it: the `expelRequested` lines one member wrote at one instant. */
interface RemovalRequest {
  readonly by: string;
  readonly t: number;
  /** Nodes in the requester's XCom configuration when it asked. */
  readonly configSize: number;
  /** The requester's configuration number when it asked; undefined when the trace does not number configurations. */
  readonly configId: number | undefined;
  /** Nodes named in this call (grows while the call's lines are read). */
  size: number;
  /** For a leave: the incarnation (`name#n`) that asked, the newest one configured when it did. */
  readonly incarnation?: string;
}

/**
 * Nobody is expelled by a minority, stated as exactly what MySQL guarantees (8.0.20 and later):
 *
 * 1. A member asks XCom to remove others only as the killer node and only while it has the
 *    majority: 2 × (suspects + expels in progress) < nodes of its XCom configuration, and it names
 *    every timed-out suspect in one xcom_remove_nodes call; a non-killer only ever removes itself
 *    (gcs_xcom_control_interface.cc, Gcs_suspicions_manager::process_view computes m_has_majority,
 *    run_process_suspicions acts on it, force_remove for a self-suspicion).
 * 2. XCom decides that remove_node by a majority of the configuration in force at its slot, but
 *    executes it against the newest configuration: xcom_base.cc handle_remove_node clones
 *    get_site_def() and drops the named nodes with no check against the configuration the value
 *    was proposed in. A request the proposer kept retrying while cut off is decided after the heal
 *    (xcom_base.cc proposer_task), and two killers on either side of a ring each remove fewer than
 *    half of the same five-node configuration; applied one after the other they can take it to a
 *    single node. So one activated configuration may remove half or more of the one before, as long
 *    as each removal was asked for with the majority of the requester's own configuration.
 * 3. A node that removes itself (a self-suspicion with force_remove, or a GCS leave: see
 *    leave-lines.ts OWN_LEAVE_LINES) is not expelled by anyone.
 * 4. The operator's group_replication_force_members (MY-011722) installs the listed nodes as the
 *    new configuration whatever the old majority says: XCom accepts a forced configuration when
 *    every node of the new one answers (xcom_base.cc majority(), force flag). The nodes it leaves
 *    out are not expelled by a minority.
 *
 * The check: each node a configuration drops is dropped by itself, or by a removal request for its
 * current incarnation that named fewer than half of the requester's configuration; the nodes dropped
 * without such a request must be fewer than half of the previous configuration (the rule any single
 * majority decision obeys). A view that removes members lists exactly the nodes of a configuration
 * the installing member activated.
 *
 * Which configuration a request is judged by: the one m_has_majority was computed on. process_view
 * sets it from the node set of the view it handles, and run_process_suspicions reads the stored value
 * (gcs_xcom_control_interface.cc). Views come only when XCom delivers one: a local view at a
 * detector run (xcom_detector.cc detector_task: a configuration change forces one at its next run,
 * the 1 s tick or sooner when a node is heard again, not at once) or a global view when a view_msg is
 * executed. So a suspicions pass that runs
 * after XCom activated a smaller configuration and before the next view still uses the majority of
 * the configuration before: a member that had 3 of 5 alive (two suspects) keeps asking with that
 * majority for a few milliseconds after the fifth node's removal took effect (explore, seed 4242).
 * The trace shows local views (their alive and failed nodes are the configuration's nodes) but not
 * global views, whose configuration is one the member activated since its last local view; a
 * request is judged by the largest of these.
 */
export const noExpelWithoutMajority: Invariant = {
  name: NO_EXPEL,
  description:
    'Every node an XCom configuration drops left by itself (self-removal, or a leave its log shows: STOP, the unreachable-majority ' +
    'timeout, a join that timed out or was refused, XCom\'s die_op exit), was left out of an operator\'s group_replication_force_members, or was named in a removal ' +
    'request for its current incarnation that named fewer than half of the requester\'s own configuration; removals decided in one ' +
    'configuration may be applied cumulatively, and the nodes dropped without such a request are fewer than half of the previous ' +
    'configuration. A view that removes members lists exactly the nodes of a configuration the installing member activated.',
  mysqlRule:
    'Gcs_suspicions_manager acts only when m_has_majority: 2 × (suspects + expels in progress) < nodes in the XCom view it last ' +
    'processed (a local view comes at the detector\'s next run after a configuration change, not at once), the killer ' +
    'names all timed-out suspects in one request and others only remove themselves (docs/mysql-behaviour.md; ' +
    'gcs_xcom_control_interface.cc process_view / run_process_suspicions). XCom decides remove_node with a majority of the ' +
    'configuration at its slot and applies it to the newest one (xcom_base.cc handle_remove_node, proposer_task). A membership ' +
    'change reaches the plugin only after XCom really removed the node (§0, §1.2 xcom_receive_global_view).',
  check(record) {
    const idx = memberIndex(record);
    const everyone = record.members.map((m) => m.name);
    const lastConfig: (readonly string[] | null)[] = record.members.map(() => everyone);
    const lastIncarnations: (readonly number[] | undefined)[] = record.members.map(() => undefined);
    // Configurations each member activated after the one its last view matched, in order: the views
    // consume them one by one (a catching-up node activates several at once while GCS still installs
    // the view of an earlier one).
    const activated: (readonly string[])[][] = record.members.map(() => []);
    const viewMembers: (readonly string[] | null)[] = record.members.map(() => everyone);
    // The number of the last configuration each member's XCom activated, kept across its leave
    // view: it dates the member's requests (a leave is asked for after GR already left the view).
    const requestConfigId: (number | undefined)[] = record.members.map(() => BOOT_CONFIG_ID);
    // The nodes of the configuration of each member's last local view, and the largest
    // configuration it activated since: the views m_has_majority may have been computed on when it
    // asks (0: none since its start or its leave).
    const localViewNodes: number[] = record.members.map(() => 0);
    const activatedSinceLocalView: number[] = record.members.map(() => 0);
    const addRequest = (suspect: string, r: RemovalRequest): void => {
      const list = requests.get(suspect);
      if (list === undefined) requests.set(suspect, [r]);
      else list.push(r);
    };
    // Removal requests naming each node, and the first configuration each incarnation of a node
    // appeared in (a request made before that was about an older incarnation).
    const requests = new Map<string, RemovalRequest[]>();
    const firstConfigOf = new Map<string, number>();
    for (const x of everyone) firstConfigOf.set(`${x}#1`, BOOT_CONFIG_ID);
    const newestIncarnation = new Map<string, number>();
    let batch: RemovalRequest | null = null;
    const incarnationKey = (node: string, nodes: readonly string[], incarnations: readonly number[] | undefined): string =>
      `${node}#${incarnations?.[nodes.indexOf(node)] ?? 1}`;
    // Whether `x`, dropped from `prev` by a configuration, removed itself or was named in a request
    // that had the majority of its requester's configuration (a self-removal is no expel at all).
    const removalAllowed = (x: string, prev: readonly string[], prevIncarnations: readonly number[] | undefined): boolean => {
      const key = incarnationKey(x, prev, prevIncarnations);
      const since = firstConfigOf.get(key);
      for (const r of requests.get(x) ?? []) {
        if (r.incarnation !== undefined ? r.incarnation !== key : since !== undefined && r.configId !== undefined && r.configId < since) continue;
        if (r.by === x || 2 * r.size < r.configSize) return true;
      }
      return false;
    };
    for (const e of record.trace) {
      if (e.type !== 'suspicion' || e.action !== 'expelRequested') batch = null;
      const stopped = serverStopped(e);
      if (stopped !== null) {
        const i = idx.get(stopped);
        if (i !== undefined) { lastConfig[i] = null; activated[i] = []; viewMembers[i] = null; localViewNodes[i] = 0; activatedSinceLocalView[i] = 0; }
        continue;
      }
      switch (e.type) {
        case 'log': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          // A leave is this incarnation's request to remove itself, however long XCom takes to decide it.
          // (Its own XCom may never have activated a configuration: a join that timed out.)
          if (startsOwnLeave(e.code, e.message)) {
            addRequest(e.member, { by: e.member, t: e.t, configSize: 1, configId: undefined, size: 1, incarnation: `${e.member}#${newestIncarnation.get(e.member) ?? 1}` });
          }
          // SET group_replication_force_members (MY-011722): the operator's forced configuration
          // drops whichever nodes the list leaves out, accepted by the listed nodes alone
          // (xcom_base.cc majority() with force counts answers against the forced configuration;
          // gcs_operations.cc Gcs_operations::force_members). An override, not an expel: every node
          // of the forcing member's configuration may go, in its current incarnation.
          if (e.code === 'MY-011722') {
            const nodes = lastConfig[i] ?? everyone;
            for (const x of nodes) {
              addRequest(x, { by: e.member, t: e.t, configSize: Infinity, configId: undefined, size: 1, incarnation: incarnationKey(x, nodes, lastIncarnations[i]) });
            }
          }
          break;
        }
        case 'suspicion': {
          if (e.action !== 'expelRequested') break;
          const i = idx.get(e.member);
          if (i === undefined) break;
          if (batch === null || batch.by !== e.member || batch.t !== e.t) {
            // A (re)joined member's XCom booted into the add_node configuration that admitted this
            // incarnation, with the snapshot (site_def.cc import_config), and the trace records no
            // activation of it by the joiner: its requests are made in that configuration at least.
            const booted = firstConfigOf.get(`${e.member}#${newestIncarnation.get(e.member) ?? 1}`);
            const own = requestConfigId[i];
            const configId = own === undefined || booted === undefined ? own : Math.max(own, booted);
            const configSize = Math.max((lastConfig[i] ?? everyone).length, localViewNodes[i]!, activatedSinceLocalView[i]!);
            batch = { by: e.member, t: e.t, configSize, configId, size: 0 };
          }
          batch.size++;
          addRequest(e.suspect, batch);
          break;
        }
        case 'config': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          const own = e.nodes.indexOf(e.member);
          const prevOwn = lastConfig[i]?.indexOf(e.member) ?? -1;
          // A new incarnation of this member (a rejoin or restart boots a new XCom into the group)
          // starts from its first configuration, not from where its previous incarnation stopped.
          const sameInstance = prevOwn >= 0 && (own < 0 || (e.incarnations?.[own] ?? 1) === (lastIncarnations[i]?.[prevOwn] ?? 1));
          const prev = sameInstance ? lastConfig[i] : null;
          const prevIncarnations = lastIncarnations[i];
          e.nodes.forEach((x, k) => {
            const inc = e.incarnations?.[k] ?? 1;
            if (inc > (newestIncarnation.get(x) ?? 1)) newestIncarnation.set(x, inc);
          });
          if (e.configId !== undefined) {
            for (const x of e.nodes) {
              const key = incarnationKey(x, e.nodes, e.incarnations);
              const seen = firstConfigOf.get(key);
              if (seen === undefined || e.configId < seen) firstConfigOf.set(key, e.configId);
            }
          }
          lastConfig[i] = e.nodes;
          activatedSinceLocalView[i] = Math.max(activatedSinceLocalView[i]!, e.nodes.length);
          lastIncarnations[i] = e.incarnations;
          requestConfigId[i] = e.configId;
          activated[i]!.push(e.nodes);
          if (prev == null) break;
          const unrequested: string[] = [];
          for (const x of prev) {
            if (e.nodes.includes(x)) continue;
            if (removalAllowed(x, prev, prevIncarnations)) continue;
            unrequested.push(x);
          }
          if (unrequested.length > 0 && 2 * unrequested.length >= prev.length) {
            return violation(NO_EXPEL, e.t, [e.member, ...unrequested],
              `${e.member} activated XCom configuration [${e.nodes.join(', ')}] that removes ${unrequested.join(', ')} from [${prev.join(', ')}]: ` +
              `${unrequested.length} of ${prev.length} nodes, not fewer than half, and no removal request with the majority of its requester's configuration named them`);
          }
          break;
        }
        case 'localView': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          localViewNodes[i] = e.alive.length + e.failed.length;
          activatedSinceLocalView[i] = 0;
          break;
        }
        case 'view': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          if (e.viewId === '') { viewMembers[i] = null; lastConfig[i] = null; activated[i] = []; localViewNodes[i] = 0; activatedSinceLocalView[i] = 0; break; }
          const prev = viewMembers[i];
          viewMembers[i] = e.members;
          // The activated configurations form a queue the views consume in order: a node that
          // activated several at once installs their views one after the other.
          const candidates = activated[i]!;
          const cfg = lastConfig[i];
          const matches = (c: readonly string[]): boolean => c.length === e.members.length && c.every((x) => e.members.includes(x));
          if (prev == null) {
            // A (re)joined member's first view is its join view. Its XCom booted into the add_node
            // configuration, which the trace does not record as activated by the joiner (it comes
            // with the snapshot, site_def.cc import_config), so the view belongs to that one or, if
            // the joiner had already started the next one, to the first configuration it activated.
            // Matching any later configuration by its node set would take a configuration away from
            // the removal view that really follows it.
            if (candidates.length > 0 && matches(candidates[0]!)) activated[i] = candidates.slice(1);
            break;
          }
          const k = candidates.findIndex(matches);
          if (k >= 0) activated[i] = candidates.slice(k + 1);
          const left = prev.filter((x) => !e.members.includes(x));
          if (left.length === 0) break;
          if (k < 0) {
            return violation(NO_EXPEL, e.t, [e.member, ...left],
              `${e.member} installed view ${e.viewId} removing ${left.join(', ')} without having activated a matching XCom configuration ` +
              `(last activated: ${cfg == null ? 'none' : `[${cfg.join(', ')}]`})`);
          }
          break;
        }
        default:
          break;
      }
    }
    return null;
  },
};
