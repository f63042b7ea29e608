import { VERSION_NAMES, VERSION_PROFILES, wakeupDelayMaxUs } from '../../gr/version-profiles.js';
import { type MemberState, type VersionName } from '../../types.js';
import { CONNECT_TIMEOUT_US, CONNECTION_ATTEMPTS, DETECTOR_LIVE_TIMEOUT_US, DETECTOR_TASK_PERIOD_US, MAX_CONNECT_WAIT_US, REJOIN_TIMEOUT_US, SUSPICION_PROCESSING_THREAD_PERIOD_US, TERMINATE_DELAY_US, START_JOIN_ATTEMPTS, START_JOIN_SLEEP_US, VIEW_MODIFICATION_TIMEOUT_US, XCOM_EXIT_WAIT_US } from '../../xcom/constants.js';
import { NetworkReplay } from '../network-replay.js';
import { FIRST_INCARNATION } from '../../xcom/xcom-config.js';
import { memberIndex, OptionTracker, type MemberStartOptions, type RunRecord } from '../run-record.js';
import { type Invariant, violation } from './invariant.js';

const LIVENESS = 'liveness-after-quiet-period';

/**
 * Allowance for one successful (re)join, in µs: the model's XCom start-up, joiner lags and recovery
 * (≈2.2 s with DEFAULT_MODEL_PARAMETERS, fitted to the seed case) with room for overridden parameters.
 */
export const JOIN_AND_RECOVERY_ALLOWANCE_US = 10_000_000;
/** Safety margin added to the quiet period, in µs: message latencies, GCS engine and state-exchange delays. */
export const QUIET_PERIOD_MARGIN_US = 30_000_000;
/** The longest executor read wait of any version (xcom_base.cc wakeup_delay): the bound when a record names none. */
const LONGEST_WAKEUP_DELAY_US = Math.max(...VERSION_NAMES.map((v) => wakeupDelayMaxUs(VERSION_PROFILES[v].wakeupDelayCap)));

/**
 * Quiet time after the last fault, in µs, after which a member with these options must be ONLINE
 * again; a conservative sum of every wait that can still be running when the network heals:
 * detection (DETECTOR_LIVE_TIMEOUT + one detector tick), an expel (the 15 s cadence rounded up to
 * cover member_expel_timeout, plus one re-armed period), the removal view (activation + leader
 * tick), learning the expel (dial back-off cap + the version's executor read back-off cap, 3 s up to
 * 8.0.26 and 20 s from 8.0.27, the longer one when the version is not given + TERMINATE_DELAY), a
 * majority-timeout leave (the timeout + the 30 s XCom exit wait), one failed join attempt
 * (VIEW_MODIFICATION_TIMEOUT or CONNECTION_ATTEMPTS connect timeouts per seed) followed by the
 * 300 s rejoin_timeout when another attempt is left, a START retry sleep, one successful join and
 * recovery, and a margin.
 */
export function quietPeriodUs(options: Readonly<MemberStartOptions>, groupSize: number, version?: VersionName): number {
  const periods = Math.max(1, Math.ceil(options.group_replication_member_expel_timeout / 15));
  const detection = DETECTOR_LIVE_TIMEOUT_US + DETECTOR_TASK_PERIOD_US;
  const expel = SUSPICION_PROCESSING_THREAD_PERIOD_US * (periods + 1);
  const removalView = 2 * DETECTOR_TASK_PERIOD_US;
  const readWait = version === undefined ? LONGEST_WAKEUP_DELAY_US : wakeupDelayMaxUs(VERSION_PROFILES[version].wakeupDelayCap);
  const learn = MAX_CONNECT_WAIT_US + readWait + TERMINATE_DELAY_US;
  const umt = options.group_replication_unreachable_majority_timeout;
  const majorityLeave = umt > 0 ? umt * 1_000_000 + XCOM_EXIT_WAIT_US : 0;
  const failedJoin = Math.max(VIEW_MODIFICATION_TIMEOUT_US, CONNECTION_ATTEMPTS * Math.max(1, groupSize - 1) * CONNECT_TIMEOUT_US);
  const tries = options.group_replication_autorejoin_tries;
  const rejoinWait = tries > 1 ? REJOIN_TIMEOUT_US : 0;
  return detection + expel + removalView + learn + majorityLeave + failedJoin + rejoinWait + START_JOIN_SLEEP_US +
    JOIN_AND_RECOVERY_ALLOWANCE_US + QUIET_PERIOD_MARGIN_US;
}

/** The quiet period a record's members need (the largest over members, with options as they are at the end). */
export function requiredQuietPeriodUs(record: RunRecord): number {
  const idx = memberIndex(record);
  const opts = new OptionTracker(record, idx);
  for (const e of record.trace) opts.apply(e);
  let q = 0;
  for (let i = 0; i < record.members.length; i++) q = Math.max(q, quietPeriodUs(opts.of(i), record.members.length, record.version));
  return q;
}

/**
 * After a long enough quiet period every member that has not given up is ONLINE in one view, as long
 * as the group still exists. A group every member left at once (all of them leaving on the
 * unreachable-majority timeout in a ring, say) is gone: a join that does not bootstrap is sent to a
 * seed in the group (gcs_xcom_control_interface.cc, Gcs_xcom_control::retry_do_join logs "Error
 * connecting to all peers. Member join failed." when no seed answers) and auto-rejoin always joins
 * without bootstrapping (src/plugin.cc, attempt_rejoin adds bootstrap_group "false"), so the
 * members' attempts fail until an operator bootstraps the group again. So is a group whose running
 * members are all stranded: each one's own configuration has lost half or more of its instances for
 * good (crashed, killed, never run, or exited after executing their removal), so none of them can
 * decide anything or learn what it lacks, and no join through them can succeed (strandedAtEnd).
 */
export const livenessAfterQuietPeriod: Invariant = {
  name: LIVENESS,
  description:
    'If no fault is in force at the end of the run (no partition, cut, isolation, freeze or un-restarted crash), crashes ' +
    '(or XCom instances GCS killed after a leave it could not complete, or instances whose join attempt ended before they ran) ' +
    'do not leave, at the end of the run, half or more of the XCom configuration as ' +
    'dead incarnations (no majority could ever remove them), and the ' +
    'last network event is at least requiredQuietPeriodUs(record) before the end, then every running member that has not ' +
    'given up (auto-rejoin attempts exhausted, autorejoin_tries 0 on an expel or majority timeout, 10 failed START joins, ' +
    'a START that timed out waiting for its view: MY-011640) ' +
    'is ONLINE, and all of them have installed the same view, which lists them all — unless the group dissolved: every ' +
    'member was out of it at once (left, expelled or crashed) and none installed a view since, so there is no group left ' +
    'to join; or unless it is stranded: every running member still in a group has, in its own newest executed XCom ' +
    'configuration (the newest it activated, else the one that added its incarnation), half or more dead incarnations, ' +
    'counting as dead besides the above an incarnation whose member was expelled (MY-011505: its XCom executed its ' +
    'removal or was told the group is too far ahead, and exited). Otherwise it holds vacuously.',
  mysqlRule:
    'Detection 4–6 s, expel at the next 15 s suspicion tick after member_expel_timeout, the expelled member learns of it ' +
    'after reconnecting and auto-rejoins (attempts 300 s apart) or applies exit_state_action ' +
    '(docs/mysql-behaviour.md; xcom/xcom_detector.cc, gcs_xcom_control_interface.cc, src/autorejoin.cc). A START that times out ' +
    'waiting for its view logs MY-011640, leaves and is not retried (src/plugin.cc, initialize_plugin_and_join). A join ' +
    'that does not bootstrap needs a seed that is in the group (gcs_xcom_control_interface.cc, Gcs_xcom_control::retry_do_join: ' +
    '"Error connecting to all peers"), and auto-rejoin never bootstraps (src/plugin.cc, attempt_rejoin sets bootstrap_group ' +
    'false), so once every member has left only an operator\'s bootstrap re-forms the group. An XCom instance that ' +
    'executes a configuration without it exits TERMINATE_DELAY later (xcom/xcom_base.cc, executor_task: ' +
    'delayed_terminate_and_exit, terminate_and_exit) and a rejoin is a new instance (Gcs_xcom_control::init_me, a new ' +
    'uuid); a node decides only with more than half of its configuration answering (xcom_base.cc, majority()) and ' +
    'learns a missing value only from a node that learned or accepted it (docs/mysql-behaviour.md X3), so a member ' +
    'whose configuration has lost half or more of its instances never moves again, and with every member in a group ' +
    'stranded so no add_node is ever decided: only group_replication_force_members (or a bootstrap) recovers it.',
  check(record) {
    const idx = memberIndex(record);
    const n = record.members.length;
    const net = new NetworkReplay(idx);
    const opts = new OptionTracker(record, idx);
    const crashed = new Uint8Array(n);
    const gaveUp = new Uint8Array(n);
    const startFailures = new Int32Array(n);
    const rejoining = new Uint8Array(n);
    const self: (MemberState | null)[] = record.members.map(() => 'ONLINE');
    const initial = record.initialViewId ?? '(initial)';
    const view: string[] = record.members.map(() => initial);
    const viewMembers: (readonly string[])[] = record.members.map(() => record.members.map((m) => m.name));
    let lastFaultUs = 0;
    // Crashed incarnations still configured: when they are half the configuration or more, no
    // majority can ever remove them and the group stays blocked (MySQL then needs force_members).
    let groupConfig: readonly string[] = record.members.map((m) => m.name);
    let groupIncarnations: readonly number[] | undefined;
    let groupRank = 0;
    let order = 0;
    const crashedInc = new Float64Array(n).fill(-1);
    let majorityLostForGood = false;
    // The group dissolves when no member is in it any more (each one left, was expelled or
    // crashed): nothing re-forms it but a bootstrap, which only an operator asks for. A member that
    // installs a view afterwards (a bootstrap, or a join through an XCom still running) revives it.
    const inGroup = new Uint8Array(n).fill(1);
    let membersInGroup = n;
    let dissolved = false;
    const setInGroup = (i: number, v: 0 | 1): void => {
      if (inGroup[i] === v) return;
      inGroup[i] = v;
      membersInGroup += v === 1 ? 1 : -1;
      if (v === 1) dissolved = false;
      else if (membersInGroup === 0) dissolved = true;
    };
    const stuckForGood = (): boolean => {
      let stuck = 0;
      for (let j = 0; j < n; j++) if (crashedInc[j]! >= 0) stuck++;
      return stuck > 0 && 2 * stuck >= groupConfig.length;
    };
    // An incarnation whose join attempt ended before it ever ran never runs either: each attempt
    // starts XCom with a new identity (Gcs_xcom_control::retry_do_join regenerates the node's uuid),
    // and a seed's proposer keeps the add_node until it is decided however long that takes
    // (xcom_base.cc proposer_task), so a request stranded by a partition can configure an instance
    // that has stopped (decided after the attempt ended), or one that never got its snapshot. It
    // blocks its node's later joins ("Old incarnation found") and counts as dead until a majority
    // removes it. A join attempt is open from an auto-rejoin attempt's start (MY-013373), a restart
    // (start_on_boot) or a START's retry until it ends (MY-013374, MY-011640, a GCS join failure,
    // MY-013375) or the member installs its join view; a crash ends it. An incarnation configured
    // while no attempt of its node is open, or still not seen to run when the attempt fails, is
    // marked dead; it is unmarked when it shows that it runs (a configuration of its own member that
    // lists it, or its join view). A START the operator issues leaves no trace event: an instance it
    // adds is marked until it shows that it runs, which a live one does at its join view.
    const joinOpen = new Uint8Array(n);
    const newestConfigured = new Float64Array(n).fill(FIRST_INCARNATION);
    const ranInc = new Float64Array(n).fill(FIRST_INCARNATION);
    const lateDeadInc = new Float64Array(n).fill(-1);
    const awaitingJoinView = new Uint8Array(n);
    const seenRunning = (i: number, inc: number): void => {
      if (inc > ranInc[i]!) ranInc[i] = inc;
      if (lateDeadInc[i] === inc) lateDeadInc[i] = -1;
    };
    const joinFailed = (i: number): void => {
      joinOpen[i] = 0;
      if (newestConfigured[i]! > ranInc[i]!) lateDeadInc[i] = newestConfigured[i]!;
    };
    // An XCom instance that executed a configuration without it (or was told by die_op that the
    // group is too far ahead) exits: xcom_base.cc executor_task reaches the exit synode and calls
    // delayed_terminate_and_exit(TERMINATE_DELAY), and terminate_and_exit stops XCom (xa_terminate,
    // xa_exit) and fires the expel callback, which GR logs as MY-011505. That instance never runs
    // again: a later join starts a new one under a new uuid (Gcs_xcom_control::init_me from
    // retry_do_join), a new incarnation once added. A configuration that still lists the old one
    // (one its own member executed before the others learned its removal, say) counts it as dead.
    // One XCom instance runs per server, so every incarnation of the member up to the newest one
    // configured when it was expelled has exited.
    const exitedUpTo = new Float64Array(n).fill(-1);
    // Each member's own newest executed configuration for its current incarnation: the newest one
    // it activated itself, or, before that, the one that added the incarnation (a joiner boots from
    // a snapshot and may never activate a configuration of its own; it is at least at the one that
    // added it).
    const ownRank = new Float64Array(n).fill(0);
    const ownInc = new Float64Array(n).fill(FIRST_INCARNATION);
    const ownNodes: (readonly string[])[] = record.members.map((m) => record.members.map((x) => x.name));
    const ownIncarnations: (readonly number[] | undefined)[] = record.members.map(() => undefined);
    // Crashed, or configured after its join attempt ended: the incarnations deadAtEnd counts.
    const crashedOrNeverRan = (j: number, inc: number): boolean => crashedInc[j] === inc || lateDeadInc[j] === inc;
    const deadInc = (j: number, inc: number): boolean => crashedOrNeverRan(j, inc) || exitedUpTo[j]! >= inc;
    // A member stranded in its own configuration: half or more of that configuration's incarnations
    // are dead, so it can decide nothing there (xcom_base.cc majority(): more than half of the site's
    // nodes must answer), and a value it lacks is available only from a node that learned or
    // accepted it (docs/mysql-behaviour.md X3, "A value whose acceptors are all gone"). When every
    // running member still in a group is stranded, no live XCom instance can ever decide anything,
    // an add_node included: no join through a seed succeeds (Gcs_xcom_control::retry_do_join) and
    // only group_replication_force_members or a bootstrap re-forms the group. A live member that
    // has executed further (a newer configuration with a live majority) is not stranded, so the
    // check then applies to everyone.
    const strandedAtEnd = (): boolean => {
      let inGroupRunning = 0;
      for (let i = 0; i < n; i++) {
        if (inGroup[i] === 0 || crashed[i] === 1 || net.running[i] === 0) continue;
        inGroupRunning++;
        const nodes = ownNodes[i]!;
        let dead = 0;
        nodes.forEach((x, k) => {
          const j = idx.get(x);
          if (j !== undefined && deadInc(j, ownIncarnations[i]?.[k] ?? FIRST_INCARNATION)) dead++;
        });
        if (dead === 0 || 2 * dead < nodes.length) return false;
      }
      return inGroupRunning > 0;
    };
    const deadAtEnd = (): boolean => {
      let dead = 0;
      for (let j = 0; j < n; j++) {
        const k = groupConfig.indexOf(record.members[j]!.name);
        if (k < 0) continue;
        const inc = groupIncarnations?.[k] ?? FIRST_INCARNATION;
        if (crashedOrNeverRan(j, inc)) dead++;
      }
      return dead > 0 && 2 * dead >= groupConfig.length;
    };
    for (const e of record.trace) {
      opts.apply(e);
      switch (e.type) {
        case 'config': {
          order++;
          const own = idx.get(e.member);
          const ownAt = e.nodes.indexOf(e.member);
          if (own !== undefined && ownAt >= 0) seenRunning(own, e.incarnations?.[ownAt] ?? FIRST_INCARNATION);
          const rank = e.configId ?? order;
          e.nodes.forEach((x, k) => {
            const j = idx.get(x);
            if (j === undefined) return;
            const inc = e.incarnations?.[k] ?? FIRST_INCARNATION;
            if (inc > ownInc[j]! || (inc === ownInc[j] && j === own && rank >= ownRank[j]!)) {
              ownInc[j] = inc; ownRank[j] = rank; ownNodes[j] = e.nodes; ownIncarnations[j] = e.incarnations;
            }
          });
          if (rank < groupRank) break;
          groupRank = rank;
          groupConfig = e.nodes;
          groupIncarnations = e.incarnations;
          e.nodes.forEach((x, k) => {
            const j = idx.get(x);
            const inc = e.incarnations?.[k] ?? FIRST_INCARNATION;
            if (j === undefined || inc <= newestConfigured[j]!) return;
            newestConfigured[j] = inc;
            if (joinOpen[j] === 0 && ranInc[j]! < inc) lateDeadInc[j] = inc;
          });
          for (let i = 0; i < n; i++) {
            if (crashedInc[i]! < 0) continue;
            const k = e.nodes.indexOf(record.members[i]!.name);
            if (k < 0 || (e.incarnations !== undefined && (e.incarnations[k] ?? 0) > crashedInc[i]!)) crashedInc[i] = -1;
          }
          if (stuckForGood()) majorityLostForGood = true;
          break;
        }
        case 'network': {
          lastFaultUs = e.t;
          net.apply(e);
          const i = idx.get(e.detail);
          if (i === undefined) break;
          if (e.action === 'crash') {
            crashed[i] = 1;
            joinOpen[i] = 0;
            awaitingJoinView[i] = 1;
            setInGroup(i, 0);
            const k = groupConfig.indexOf(e.detail);
            // Before any configuration change every member runs its first incarnation.
            if (k >= 0) crashedInc[i] = groupIncarnations?.[k] ?? FIRST_INCARNATION;
            if (stuckForGood()) majorityLostForGood = true;
          }
          if (e.action === 'restart') { crashed[i] = 0; gaveUp[i] = 0; startFailures[i] = 0; rejoining[i] = 0; joinOpen[i] = 1; }
          break;
        }
        case 'flags': {
          const i = idx.get(e.member);
          if (i !== undefined && !e.running) net.setRunning(i, false);
          break;
        }
        case 'stateChange':
          if (e.observer === e.member) {
            const i = idx.get(e.member);
            if (i === undefined) break;
            self[i] = e.state;
            if (e.state === 'ONLINE') startFailures[i] = 0;
          }
          break;
        case 'view': {
          const i = idx.get(e.member);
          if (i !== undefined) {
            view[i] = e.viewId; viewMembers[i] = e.members; setInGroup(i, e.viewId === '' ? 0 : 1);
            if (e.viewId === '') awaitingJoinView[i] = 1;
            else if (awaitingJoinView[i] === 1) { awaitingJoinView[i] = 0; joinOpen[i] = 0; seenRunning(i, newestConfigured[i]!); }
          }
          break;
        }
        case 'log': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          const tries = opts.of(i).group_replication_autorejoin_tries;
          if (e.code === 'MY-011505') exitedUpTo[i] = Math.max(exitedUpTo[i]!, newestConfigured[i]!);
          if ((e.code === 'MY-011505' || e.code === 'MY-011711') && tries === 0) gaveUp[i] = 1;
          // A START whose join view did not come in time fails for good: plugin.cc
          // initialize_plugin_and_join logs MY-011640 after wait_for_view_modification times out
          // and leaves, and nothing retries it (only a restart brings a new incarnation). So does a
          // member the operator stopped (STOP GROUP_REPLICATION, MY-011651) until a new START.
          else if (e.code === 'MY-011640' || e.code === 'MY-011651') gaveUp[i] = 1;
          else if (e.code === 'MY-013373') { rejoining[i] = 1; joinOpen[i] = 1; }
          if (e.code === 'MY-013374' || e.code === 'MY-011640' || (e.code === 'MY-011735' && e.message.includes('unable to join the group')) ||
            (e.code === 'MY-013375' && e.message.includes('was not able'))) joinFailed(i);
          else if (e.code === 'MY-013375') joinOpen[i] = 0;
          // GCS gave up waiting for XCom to execute this member's own removal and killed its XCom
          // (gcs_xcom_control_interface.cc, Gcs_xcom_control::do_leave: "The member has failed to
          // gracefully leave the group"): the instance stays configured but will never run again,
          // like a crashed one, so it counts towards a configuration no majority can ever change.
          if (e.code === 'MY-011735' && e.message.includes('failed to gracefully leave the group')) {
            const k = groupConfig.indexOf(e.member);
            if (k >= 0 && crashedInc[i]! < 0) {
              crashedInc[i] = groupIncarnations?.[k] ?? FIRST_INCARNATION;
              if (stuckForGood()) majorityLostForGood = true;
            }
          }
          else if (e.code === 'MY-013375') {
            rejoining[i] = 0;
            if (e.message.includes('was not able')) gaveUp[i] = 1;
          } else if (rejoining[i] === 0 && (e.code === 'MY-013374' || (e.code === 'MY-011735' && e.message.includes('unable to join the group')))) {
            startFailures[i] = startFailures[i]! + 1;
            if (startFailures[i]! >= START_JOIN_ATTEMPTS) gaveUp[i] = 1;
            // A START's GCS retries a failed join 5 s later, up to join_attempts in all
            // (Gcs_xcom_control::do_join, join_sleep_time); it logs the retry only to the GCS debug
            // file (MYSQL_GCS_LOG_DEBUG), so the count of failures stands for it.
            else if (e.code === 'MY-011735') joinOpen[i] = 1;
          }
          // The START is over (timed out, or stopped): the next one counts its failed joins afresh.
          if (e.code === 'MY-011640' || e.code === 'MY-011651') startFailures[i] = 0;
          break;
        }
        default:
          break;
      }
    }
    if (!net.linksHealed || majorityLostForGood || deadAtEnd() || strandedAtEnd() || dissolved || crashed.some((c) => c === 1)) return null;
    let quiet = 0;
    for (let i = 0; i < n; i++) quiet = Math.max(quiet, quietPeriodUs(opts.of(i), n, record.version));
    if (record.endUs - lastFaultUs < quiet) return null;
    const eligible: number[] = [];
    for (let i = 0; i < n; i++) if (net.running[i] === 1 && gaveUp[i] === 0) eligible.push(i);
    if (eligible.length === 0) return null;
    const names = eligible.map((i) => record.members[i]!.name);
    const first = eligible[0]!;
    for (const i of eligible) {
      const name = record.members[i]!.name;
      const why = self[i] !== 'ONLINE' ? `is ${self[i] ?? 'not in a group'}`
        : view[i] === '' || view[i] !== view[first] ? `is in view ${view[i] || '(none)'} while ${record.members[first]!.name} is in ${view[first] || '(none)'}`
          : names.some((x) => !viewMembers[i]!.includes(x)) ? `has view ${view[i]} [${viewMembers[i]!.join(', ')}] that misses some of ${names.join(', ')}`
            : null;
      if (why !== null) {
        return violation(LIVENESS, record.endUs, [name],
          `${name} ${why} ${((record.endUs - lastFaultUs) / 1e6).toFixed(1)} s after the last fault (quiet period needed ${(quiet / 1e6).toFixed(0)} s)`);
      }
    }
    return null;
  },
};
