import type { MemberState } from '../types.js';
import {
  CONNECT_TIMEOUT_US, CONNECTION_ATTEMPTS, DETECTOR_LIVE_TIMEOUT_US, DETECTOR_TASK_PERIOD_US, EXECUTOR_MAX_WAIT_US,
  MAX_CONNECT_WAIT_US, REJOIN_TIMEOUT_US, SUSPICION_PROCESSING_THREAD_PERIOD_US, TERMINATE_DELAY_US,
  START_JOIN_ATTEMPTS, START_JOIN_SLEEP_US, VIEW_MODIFICATION_TIMEOUT_US, XCOM_EXIT_WAIT_US,
} from '../xcom/constants.js';
import type { ConfigEvent, SimEvent } from './events.js';
import { NetworkReplay } from './network-replay.js';
import { FIRST_INCARNATION } from '../xcom/xcom-config.js';
import {
  addressIndex, firstPerInstant, memberIndex, OptionTracker, type MemberStartOptions, type RunRecord,
} from './run-record.js';

/** A broken invariant: which one, when (virtual µs), who, and what happened. */
export interface Violation {
  readonly invariant: string;
  /** Virtual time of the event that broke it, in µs since time zero. */
  readonly t: number;
  readonly members: readonly string[];
  readonly message: string;
}

/** A named property of a run; `check` returns the first violation in trace order, or null. */
export interface Invariant {
  /** kebab-case, e.g. `no-expel-without-majority`; what `grsim explore --property` takes. */
  readonly name: string;
  readonly description: string;
  /** The MySQL rule it encodes, with the reference section and MySQL source file. */
  readonly mysqlRule: string;
  check(record: RunRecord): Violation | null;
}

function violation(invariant: string, t: number, members: readonly string[], message: string): Violation {
  return { invariant, t, members, message };
}

/** Numeric part of a view id `<fixed>:<n>`; NaN when malformed. */
function viewNumber(viewId: string): number {
  const k = viewId.lastIndexOf(':');
  return k < 0 ? NaN : Number(viewId.slice(k + 1));
}

function viewPrefix(viewId: string): string {
  const k = viewId.lastIndexOf(':');
  return k < 0 ? viewId : viewId.slice(0, k);
}

/** Whether a `flags` or `network` event says member `name`'s server stopped (crash, ABORT_SERVER). */
function serverStopped(e: SimEvent): string | null {
  if (e.type === 'flags' && !e.running) return e.member;
  if (e.type === 'network' && e.action === 'crash') return e.detail;
  return null;
}

// ------------------------------------------------------------------ no-expel-without-majority

const NO_EXPEL = 'no-expel-without-majority';

/**
 * Nobody is expelled by a minority: each XCom configuration removes fewer than half the nodes of
 * the one before, and a view that removes members is installed only after its configuration was
 * agreed. (The suspicion manager's own m_has_majority is recomputed on global views too, which the
 * trace does not show, so the expel request itself is not judged.)
 */
export const noExpelWithoutMajority: Invariant = {
  name: NO_EXPEL,
  description:
    'Every XCom configuration a member activates removes fewer than half of the previous configuration\'s nodes (members that asked to leave aside); a view ' +
    'that removes members lists exactly the nodes of a configuration the installing member activated.',
  mysqlRule:
    'Gcs_suspicions_manager acts only when m_has_majority: 2 × (suspects + expels in progress) < nodes in the XCom view, ' +
    'and XCom decides remove_node with a majority of the old configuration (reference/gcs-and-plugin.md §1.3, §2; ' +
    'gcs_xcom_control_interface.cc process_view / run_process_suspicions). A membership change reaches the plugin only ' +
    'after XCom really removed the node (§0, §1.2 xcom_receive_global_view).',
  check(record) {
    const idx = memberIndex(record);
    const n = record.members.length;
    const everyone = record.members.map((m) => m.name);
    const lastConfig: (readonly string[] | null)[] = record.members.map(() => everyone);
    // Configurations each member activated after the one its last view matched, in order: the views
    // consume them one by one (a catching-up node activates several at once while GCS still installs
    // the view of an earlier one).
    const activated: (readonly string[])[][] = record.members.map(() => []);
    const viewMembers: (readonly string[] | null)[] = record.members.map(() => everyone);
    const leaving = new Uint8Array(n);
    for (const e of record.trace) {
      const stopped = serverStopped(e);
      if (stopped !== null) {
        const i = idx.get(stopped);
        if (i !== undefined) { lastConfig[i] = null; activated[i] = []; viewMembers[i] = null; leaving[i] = 0; }
        continue;
      }
      switch (e.type) {
        case 'log': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          if (e.code === 'MY-011711') leaving[i] = 1; // leave_group_on_failure with a GCS leave (group_partition_handling.cc)
          else if (e.code === 'MY-011504') leaving[i] = 0;
          break;
        }
        case 'config': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          const prev = lastConfig[i];
          lastConfig[i] = e.nodes;
          activated[i]!.push(e.nodes);
          if (prev == null) break;
          let removed = 0;
          const names: string[] = [];
          for (const x of prev) {
            if (e.nodes.includes(x)) continue;
            const xi = idx.get(x);
            if (xi !== undefined && leaving[xi] === 1) continue;
            removed++;
            names.push(x);
          }
          if (removed > 0 && 2 * removed >= prev.length) {
            return violation(NO_EXPEL, e.t, [e.member, ...names],
              `${e.member} activated XCom configuration [${e.nodes.join(', ')}] that removes ${names.join(', ')} from [${prev.join(', ')}]: ` +
              `${removed} of ${prev.length} nodes, not fewer than half`);
          }
          break;
        }
        case 'view': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          if (e.viewId === '') { viewMembers[i] = null; lastConfig[i] = null; activated[i] = []; break; }
          const prev = viewMembers[i];
          viewMembers[i] = e.members;
          // The activated configurations form a queue the views consume in order: a node that
          // activated several at once installs their views one after the other.
          const candidates = activated[i]!;
          const cfg = lastConfig[i];
          const matches = (c: readonly string[]): boolean => c.length === e.members.length && c.every((x) => e.members.includes(x));
          const k = candidates.findIndex(matches);
          if (k >= 0) activated[i] = candidates.slice(k + 1);
          if (prev == null) break;
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

// ------------------------------------------------------------------ views-agreed-and-consecutive

const VIEWS = 'views-agreed-and-consecutive';

/** View ids share the group's fixed part, rise by one, and mean the same membership everywhere. */
export const viewsAgreedAndConsecutive: Invariant = {
  name: VIEWS,
  description:
    'Every installed view id has the group\'s fixed part; the first installation of each new view number is the previous ' +
    'highest number + 1; a member that stays in the group installs numbers rising by exactly one; two members that ' +
    'install the same view id list the same members.',
  mysqlRule:
    'View ids are <fixed>:<n>, the fixed part chosen at bootstrap and n + 1 for every installed view, agreed through ' +
    'consensus and state exchange (reference/gcs-and-plugin.md §6 "View ids", §1.2; gcs_xcom_control_interface.cc ' +
    'install_view, gcs_xcom_view_identifier.cc).',
  check(record) {
    const idx = memberIndex(record);
    const n = record.members.length;
    let prefix = record.initialViewId === undefined ? null : viewPrefix(record.initialViewId);
    let highest = record.initialViewId === undefined ? NaN : viewNumber(record.initialViewId);
    const last = new Float64Array(n).fill(Number.isNaN(highest) ? NaN : highest);
    const members = new Map<string, string>();
    for (const e of record.trace) {
      const stopped = serverStopped(e);
      if (stopped !== null) {
        const i = idx.get(stopped);
        if (i !== undefined) last[i] = NaN;
        continue;
      }
      if (e.type !== 'view') continue;
      const i = idx.get(e.member);
      if (i === undefined) continue;
      if (e.viewId === '') { last[i] = NaN; continue; }
      const num = viewNumber(e.viewId);
      const p = viewPrefix(e.viewId);
      if (prefix === null) prefix = p;
      if (p !== prefix || !Number.isInteger(num)) {
        return violation(VIEWS, e.t, [e.member], `${e.member} installed view ${e.viewId}, not of the form ${prefix}:<n>`);
      }
      const key = [...e.members].sort().join(',');
      const agreed = members.get(e.viewId);
      if (agreed === undefined) {
        if (!Number.isNaN(highest) && num !== highest + 1) {
          return violation(VIEWS, e.t, [e.member],
            `${e.member} installed new view ${e.viewId} after the highest view :${highest}; view numbers rise by one`);
        }
        highest = num;
        members.set(e.viewId, key);
      } else if (agreed !== key) {
        return violation(VIEWS, e.t, [e.member],
          `${e.member} installed view ${e.viewId} as [${e.members.join(', ')}], others installed it as [${agreed.split(',').join(', ')}]`);
      }
      const prev = last[i]!;
      if (!Number.isNaN(prev) && num !== prev + 1) {
        return violation(VIEWS, e.t, [e.member],
          `${e.member} went from view :${prev} to ${e.viewId} without leaving the group; each member installs every view`);
      }
      last[i] = num;
    }
    return null;
  },
};

// ------------------------------------------------------------------ one-primary-per-view

const ONE_PRIMARY = 'one-primary-per-view';

/** Single-primary mode: one PRIMARY per observer's table and per view id, at every instant. */
export const onePrimaryPerView: Invariant = {
  name: ONE_PRIMARY,
  description:
    'In single-primary mode, after all events of an instant: no member shows more than one PRIMARY in its ' +
    'replication_group_members, and among members that believe themselves PRIMARY at most one is in each view id.',
  mysqlRule:
    'The election runs inside on_view_changed only when no primary remains and picks one ONLINE member ' +
    '(reference/gcs-and-plugin.md §6 "Primary election"; primary_election_invocation_handler.cc pick_primary_member).',
  check(record) {
    const idx = memberIndex(record);
    const n = record.members.length;
    const opts = new OptionTracker(record, idx);
    const primary = new Uint8Array(n * n);
    const count = new Int32Array(n);
    const view: string[] = record.members.map(() => record.initialViewId ?? '(initial)');
    let dirty = false;
    const flush = (batchT: number): Violation | null => {
      if (!dirty || !opts.singlePrimary) { dirty = false; return null; }
      dirty = false;
      for (let o = 0; o < n; o++) {
        if (count[o]! > 1) {
          const names = record.members.filter((_, m) => primary[o * n + m] === 1).map((m) => m.name);
          return violation(ONE_PRIMARY, batchT, names,
            `${record.members[o]!.name} shows ${count[o]} PRIMARY members (${names.join(', ')}) in single-primary mode`);
        }
      }
      for (let a = 0; a < n; a++) {
        if (primary[a * n + a] === 0 || view[a] === '') continue;
        for (let b = a + 1; b < n; b++) {
          if (primary[b * n + b] === 1 && view[b] === view[a]) {
            const names = [record.members[a]!.name, record.members[b]!.name];
            return violation(ONE_PRIMARY, batchT, names, `${names[0]} and ${names[1]} both act as PRIMARY in view ${view[a]}`);
          }
        }
      }
      return null;
    };
    return firstPerInstant(record.trace, (e) => {
      opts.apply(e);
      if (e.type === 'option') { dirty = true; return null; }
      if (e.type === 'view') {
        const i = idx.get(e.member);
        if (i !== undefined) { view[i] = e.viewId; dirty = true; }
        return null;
      }
      if (e.type !== 'stateChange') return null;
      const o = idx.get(e.observer), m = idx.get(e.member);
      if (o === undefined || m === undefined) return null;
      const p = e.state !== null && e.role === 'PRIMARY' ? 1 : 0;
      const k = o * n + m;
      if (primary[k] !== p) {
        count[o] = count[o]! + (p === 1 ? 1 : -1);
        primary[k] = p;
        dirty = true;
      }
      return null;
    }, flush);
  },
};

// ------------------------------------------------------------------ writes-commit-with-majority

const WRITES = 'writes-commit-with-majority';

/**
 * How long after losing a majority a commit may still land, in µs: one consensus decision already
 * in flight (round trip plus the dead-channel stall, well under 1 s) when the fault hit.
 */
export const COMMIT_IN_FLIGHT_GRACE_US = 1_000_000;

/** Writes commit only on a writable ONLINE member that can reach a majority of its configuration. */
export const writesCommitWithMajority: Invariant = {
  name: WRITES,
  description:
    'A write commits only if it was submitted on a running ONLINE member with super_read_only and offline_mode OFF, the ' +
    'member is ONLINE when it commits, and at commit time (or within COMMIT_IN_FLIGHT_GRACE_US before) the network let it ' +
    'exchange messages with a majority of its XCom configuration.',
  mysqlRule:
    'A transaction is ordered by XCom consensus (a majority of the configuration) before it commits; in a minority ' +
    '"XCom can agree on nothing, so all writes block" (reference/gcs-and-plugin.md §2 "Effects of the minority state"; ' +
    'xcom/xcom_base.cc); writes are refused under super_read_only / offline_mode (§3, leave_group_on_failure.cc).',
  check(record) {
    const idx = memberIndex(record);
    const n = record.members.length;
    const net = new NetworkReplay(idx);
    const self: (MemberState | null)[] = record.members.map(() => 'ONLINE');
    const sro = new Uint8Array(n), offline = new Uint8Array(n);
    const config: number[][] = record.members.map(() => record.members.map((_, k) => k));
    const configRank = new Float64Array(n).fill(-1);
    const majorityNow = new Uint8Array(n).fill(1);
    const lostAt = new Float64Array(n);
    const writable = new Map<number, boolean>();
    const recompute = (t: number): void => {
      for (let i = 0; i < n; i++) {
        const cfg = config[i]!;
        let reach = 0;
        for (const j of cfg) if (net.canTalk(i, j)) reach++;
        const ok = 2 * reach > cfg.length ? 1 : 0;
        if (majorityNow[i] === 1 && ok === 0) lostAt[i] = t;
        majorityNow[i] = ok;
      }
    };
    let order = 0;
    // Commits are judged after every event of their instant: a thaw's held messages commit before the thaw is noted.
    const commits: { t: number; id: number; member: string; i: number }[] = [];
    const flush = (batchT: number): Violation | null => {
      for (const c of commits) {
        if (majorityNow[c.i] === 0 && c.t - lostAt[c.i]! > COMMIT_IN_FLIGHT_GRACE_US) {
          const cfg = config[c.i]!.map((k) => record.members[k]!.name);
          return violation(WRITES, c.t, [c.member],
            `write ${c.id} committed on ${c.member} while it could not reach a majority of [${cfg.join(', ')}] (since ${lostAt[c.i]} µs)`);
        }
      }
      commits.length = 0;
      return null;
    };
    return firstPerInstant(record.trace, (e) => {
      switch (e.type) {
        case 'network':
          if (net.apply(e)) recompute(e.t);
          break;
        case 'flags': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          sro[i] = e.superReadOnly ? 1 : 0;
          offline[i] = e.offlineMode ? 1 : 0;
          if (net.running[i] === 1 && !e.running) { net.setRunning(i, false); recompute(e.t); }
          break;
        }
        case 'stateChange':
          if (e.observer === e.member) {
            const i = idx.get(e.member);
            if (i !== undefined) self[i] = e.state;
          }
          break;
        case 'config': {
          order++;
          const rank = e.configId ?? order;
          const nodes = e.nodes.map((x) => idx.get(x)).filter((x): x is number => x !== undefined);
          for (const i of nodes) {
            if (rank > configRank[i]!) { configRank[i] = rank; config[i] = nodes; }
          }
          recompute(e.t);
          break;
        }
        case 'write': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          if (e.outcome === 'pending') {
            writable.set(e.id, net.running[i] === 1 && self[i] === 'ONLINE' && sro[i] === 0 && offline[i] === 0);
            break;
          }
          if (e.outcome !== 'committed') break;
          if (writable.get(e.id) === false) {
            return violation(WRITES, e.t, [e.member], `write ${e.id} committed on ${e.member} although it was submitted while the member was not writable`);
          }
          if (self[i] !== 'ONLINE') {
            return violation(WRITES, e.t, [e.member], `write ${e.id} committed on ${e.member} while its own state was ${self[i] ?? 'gone'}`);
          }
          commits.push({ t: e.t, id: e.id, member: e.member, i });
          break;
        }
        default:
          break;
      }
      return null;
    }, flush);
  },
};

// ------------------------------------------------------------------ expelled-member-returns-as-new-incarnation

const INCARNATION = 'expelled-member-returns-as-new-incarnation';

/** After the group removed a member, it is ONLINE again only once re-admitted as a new incarnation. */
export const expelledMemberReturnsAsNewIncarnation: Invariant = {
  name: INCARNATION,
  description:
    'Once an XCom configuration without member M (incarnation k) is activated by another member, neither M itself, once it ' +
    'has shown itself out of the group (ERROR, OFFLINE or no group), nor an observer that dropped M shows M ONLINE again ' +
    'until a later configuration re-admits M as an incarnation > k (a rejoin through ERROR / leave + join, or a restart). ' +
    'Before M leaves it may still deliver, in log order, its own ONLINE message decided before the removal.',
  mysqlRule:
    'An expelled member learns it was removed, goes to ERROR and can only come back through auto-rejoin or START, each a ' +
    'new GCS join and XCom incarnation; an old incarnation is refused ("Old incarnation found…") ' +
    '(reference/gcs-and-plugin.md §3, §5, §6 "Restarted node"; gcs_xcom_control_interface.cc, src/autorejoin.cc).',
  check(record) {
    const idx = memberIndex(record);
    const n = record.members.length;
    const everyone = record.members.map((m) => m.name);
    const lastNodes: (readonly string[] | null)[] = record.members.map(() => everyone);
    /** Incarnation the group removed (-1: not removed), and whether a later configuration re-admitted it. */
    const removedInc = new Float64Array(n).fill(-1);
    const removedRank = new Float64Array(n).fill(-1);
    const readmitted = new Uint8Array(n).fill(1);
    const dropped = new Uint8Array(n * n);
    const removedAt = new Float64Array(n);
    /** Whether M has shown itself out of the group since its removal (it learnt of it). */
    const leftSinceRemoval = new Uint8Array(n);
    /** Whether each observer is in a group (its latest view is not the leave view). */
    const observerInGroup = new Uint8Array(n).fill(1);
    const prevInc = new Map<string, number>();
    let order = 0;
    const incOf = (e: ConfigEvent, name: string): number => {
      const k = e.nodes.indexOf(name);
      return k < 0 || e.incarnations === undefined ? 0 : (e.incarnations[k] ?? 0);
    };
    for (const e of record.trace) {
      if (e.type === 'config') {
        order++;
        const rank = e.configId ?? order;
        const o = idx.get(e.member);
        if (o === undefined) continue;
        for (const x of e.nodes) {
          const m = idx.get(x);
          if (m === undefined || readmitted[m] === 1) continue;
          const newer = e.incarnations !== undefined ? incOf(e, x) > removedInc[m]! : rank > removedRank[m]!;
          if (newer) readmitted[m] = 1;
        }
        const prev = lastNodes[o];
        lastNodes[o] = e.nodes;
        for (const x of e.nodes) prevInc.set(`${e.member}|${x}`, incOf(e, x));
        if (prev == null) continue;
        for (const x of prev) {
          if (e.nodes.includes(x) || x === e.member) continue;
          const m = idx.get(x);
          if (m === undefined) continue;
          removedInc[m] = Math.max(removedInc[m]!, prevInc.get(`${e.member}|${x}`) ?? 1);
          removedRank[m] = rank;
          readmitted[m] = 0;
          removedAt[m] = e.t;
          leftSinceRemoval[m] = 0;
        }
        continue;
      }
      if (e.type === 'network' && e.action === 'crash') {
        const o = idx.get(e.detail);
        if (o !== undefined) lastNodes[o] = null;
        continue;
      }
      if (e.type === 'view') {
        // An observer that leaves clears its whole table: that is not dropping M, and once it
        // rejoins it installs the group's views in order, the first ones possibly still listing M.
        const o = idx.get(e.member);
        if (o === undefined) continue;
        observerInGroup[o] = e.viewId === '' ? 0 : 1;
        if (e.viewId === '') dropped.fill(0, o * n, o * n + n);
        continue;
      }
      if (e.type !== 'stateChange') continue;
      const o = idx.get(e.observer), m = idx.get(e.member);
      if (o === undefined || m === undefined) continue;
      if (o === m && readmitted[m] === 0 && (e.state === null || e.state === 'ERROR' || e.state === 'OFFLINE')) leftSinceRemoval[m] = 1;
      if (e.state === null) { if (readmitted[m] === 0 && observerInGroup[o] === 1) dropped[o * n + m] = 1; continue; }
      if (e.state !== 'ONLINE' || readmitted[m] === 1) {
        if (readmitted[m] === 1) dropped[o * n + m] = 0;
        continue;
      }
      if ((o === m && leftSinceRemoval[m] === 1) || (o !== m && dropped[o * n + m] === 1)) {
        const who = o === m ? `${e.member} declared itself ONLINE` : `${e.observer} shows ${e.member} ONLINE again`;
        return violation(INCARNATION, e.t, o === m ? [e.member] : [e.member, e.observer],
          `${who} after the group removed it at ${removedAt[m]} µs (incarnation ${removedInc[m]}) and before any configuration re-admitted it as a new incarnation`);
      }
    }
    return null;
  },
};

// ------------------------------------------------------------------ error-implies-super-read-only

const ERROR_SRO = 'error-implies-super-read-only';

/** A running member in ERROR always has super_read_only ON. */
export const errorImpliesSuperReadOnly: Invariant = {
  name: ERROR_SRO,
  description:
    'After all events of an instant, every member whose own state is ERROR and whose server is running has ' +
    'super_read_only ON (a stopped server, e.g. after ABORT_SERVER, is exempt).',
  mysqlRule:
    'leave_group_on_failure logs MY-011712 and sets super_read_only=ON in every failure path; READ_ONLY is applied ' +
    'always, before any exit action (reference/gcs-and-plugin.md §3 "Expel handling" step 4, "exit_state_action summary"; ' +
    'src/leave_group_on_failure.cc).',
  check(record) {
    const idx = memberIndex(record);
    const n = record.members.length;
    const error = new Uint8Array(n), sro = new Uint8Array(n), running = new Uint8Array(n).fill(1);
    const touched: number[] = [];
    const flush = (batchT: number): Violation | null => {
      for (const i of touched) {
        if (error[i] === 1 && running[i] === 1 && sro[i] === 0) {
          return violation(ERROR_SRO, batchT, [record.members[i]!.name], `${record.members[i]!.name} is in ERROR with super_read_only OFF`);
        }
      }
      touched.length = 0;
      return null;
    };
    return firstPerInstant(record.trace, (e) => {
      if (e.type === 'flags') {
        const i = idx.get(e.member);
        if (i === undefined) return null;
        sro[i] = e.superReadOnly ? 1 : 0;
        running[i] = e.running ? 1 : 0;
        touched.push(i);
      } else if (e.type === 'stateChange' && e.observer === e.member) {
        const i = idx.get(e.member);
        if (i === undefined) return null;
        error[i] = e.state === 'ERROR' ? 1 : 0;
        touched.push(i);
      } else if (e.type === 'network' && (e.action === 'crash' || e.action === 'restart')) {
        const i = idx.get(e.detail);
        if (i === undefined) return null;
        running[i] = e.action === 'restart' ? 1 : 0;
        touched.push(i);
      }
      return null;
    }, flush);
  },
};

// ------------------------------------------------------------------ log-consistent-with-state

const LOGS = 'log-consistent-with-state';

/** What a log line requires to have happened at the same instant, as keys of `facts`. */
interface LogNeed {
  readonly t: number;
  readonly member: string;
  readonly code: string;
  readonly anyOf: readonly string[];
  readonly what: string;
}

/** The `host:port` a plugin message names (MY-011492/011493/011494 print `… address %s:%u …`). */
function addressIn(message: string): string | null {
  const k = message.indexOf('address ');
  if (k < 0) return null;
  const end = message.indexOf(' ', k + 8);
  return end < 0 ? null : message.slice(k + 8, end);
}

/** Each member's error log agrees with its state changes, at the same virtual instant. */
export const logConsistentWithState: Invariant = {
  name: LOGS,
  description:
    'At the instant a member logs MY-011490 its own state goes ONLINE (and a RECOVERING → ONLINE change logs it); ' +
    'MY-011505 and MY-011712 come with its own state going ERROR; MY-011493 / MY-011494 / MY-011492 about a peer come ' +
    'with that peer shown UNREACHABLE / reachable (ONLINE or RECOVERING) / ONLINE; MY-011503 "on view X" and MY-011499 ' +
    'come with the member installing that view.',
  mysqlRule:
    'The plugin logs these lines in the same handler that changes the state: on_suspicions (MY-011493/4), on_view_changed ' +
    '(MY-011499/MY-011503), recovery completion (MY-011490/MY-011492), leave_group_on_failure (MY-011505, MY-011712) ' +
    '(reference/gcs-and-plugin.md §5 table "When / who prints"; src/gcs_event_handlers.cc, src/leave_group_on_failure.cc).',
  check(record) {
    const idx = memberIndex(record);
    const addr = addressIndex(record);
    const n = record.members.length;
    const self: (MemberState | null)[] = record.members.map(() => 'ONLINE');
    /** What each observer shows for each member now (1 = UNREACHABLE), for MY-011492 behind the flag. */
    const unreachableShown = new Uint8Array(n * n);
    const facts = new Set<string>();
    const needs: LogNeed[] = [];
    const need = (t: number, member: string, code: string, anyOf: readonly string[], what: string): void => {
      needs.push({ t, member, code, anyOf, what });
    };
    const flush = (batchT: number): Violation | null => {
      for (const q of needs) {
        if (!q.anyOf.some((k) => facts.has(k))) {
          return violation(LOGS, q.t, [q.member], `${q.member} logged ${q.code} but ${q.what} at that instant`);
        }
      }
      needs.length = 0;
      facts.clear();
      return null;
    };
    return firstPerInstant(record.trace, (e) => {
      switch (e.type) {
        case 'stateChange': {
          if (e.observer === e.member) {
            const i = idx.get(e.member);
            if (i === undefined) break;
            const before = self[i];
            self[i] = e.state;
            facts.add(`self|${e.member}|${e.state}`);
            if (before === 'RECOVERING' && e.state === 'ONLINE') {
              need(e.t, e.member, 'no MY-011490', [`log|${e.member}|MY-011490`], 'went RECOVERING → ONLINE without logging it');
            }
          } else {
            facts.add(`obs|${e.observer}|${e.member}|${e.state}`);
            const o = idx.get(e.observer), m = idx.get(e.member);
            if (o !== undefined && m !== undefined) unreachableShown[o * n + m] = e.state === 'UNREACHABLE' ? 1 : 0;
          }
          break;
        }
        case 'view':
          facts.add(`view|${e.member}|${e.viewId}`);
          facts.add(`view|${e.member}`);
          break;
        case 'log': {
          facts.add(`log|${e.member}|${e.code}`);
          switch (e.code) {
            case 'MY-011490':
              need(e.t, e.member, e.code, [`self|${e.member}|ONLINE`], 'its own state did not go ONLINE');
              break;
            case 'MY-011505':
            case 'MY-011712':
              need(e.t, e.member, e.code, [`self|${e.member}|ERROR`], 'its own state did not go ERROR');
              break;
            case 'MY-011493':
            case 'MY-011494':
            case 'MY-011492': {
              const a = addressIn(e.message);
              const m = a === null ? undefined : addr.get(a);
              if (m === undefined) break;
              const peer = record.members[m]!.name;
              const o = idx.get(e.member);
              // A peer flagged unreachable keeps showing UNREACHABLE when its stored state goes ONLINE (ps_information.cc).
              if (e.code === 'MY-011492' && o !== undefined && unreachableShown[o * n + m] === 1) break;
              const states = e.code === 'MY-011493' ? ['UNREACHABLE'] : e.code === 'MY-011492' ? ['ONLINE'] : ['ONLINE', 'RECOVERING'];
              need(e.t, e.member, e.code, states.map((s) => `obs|${e.member}|${peer}|${s}`), `it did not show ${peer} ${states.join(' or ')}`);
              break;
            }
            case 'MY-011503': {
              const k = e.message.lastIndexOf(' on view ');
              const viewId = k < 0 ? '' : e.message.slice(k + 9).replace(/\.$/, '');
              need(e.t, e.member, e.code, [`view|${e.member}|${viewId}`], `it did not install view ${viewId}`);
              break;
            }
            case 'MY-011499':
              need(e.t, e.member, e.code, [`view|${e.member}`], 'it installed no view');
              break;
            default:
              break;
          }
          break;
        }
        default:
          break;
      }
      return null;
    }, flush);
  },
};

// ------------------------------------------------------------------ liveness-after-quiet-period

const LIVENESS = 'liveness-after-quiet-period';

/**
 * Allowance for one successful (re)join, in µs: the model's XCom start-up, joiner lags and recovery
 * (≈2.2 s with DEFAULT_MODEL_PARAMETERS, fitted to the seed case) with room for overridden parameters.
 */
export const JOIN_AND_RECOVERY_ALLOWANCE_US = 10_000_000;
/** Safety margin added to the quiet period, in µs: message latencies, GCS engine and state-exchange delays. */
export const QUIET_PERIOD_MARGIN_US = 30_000_000;

/**
 * Quiet time after the last fault, in µs, after which a member with these options must be ONLINE
 * again; a conservative sum of every wait that can still be running when the network heals:
 * detection (DETECTOR_LIVE_TIMEOUT + one detector tick), an expel (the 15 s cadence rounded up to
 * cover member_expel_timeout, plus one re-armed period), the removal view (activation + leader
 * tick), learning the expel (dial back-off cap + executor read back-off cap + TERMINATE_DELAY), a
 * majority-timeout leave (the timeout + the 30 s XCom exit wait), one failed join attempt
 * (VIEW_MODIFICATION_TIMEOUT or CONNECTION_ATTEMPTS connect timeouts per seed) followed by the
 * 300 s rejoin_timeout when another attempt is left, a START retry sleep, one successful join and
 * recovery, and a margin.
 */
export function quietPeriodUs(options: Readonly<MemberStartOptions>, groupSize: number): number {
  const periods = Math.max(1, Math.ceil(options.group_replication_member_expel_timeout / 15));
  const detection = DETECTOR_LIVE_TIMEOUT_US + DETECTOR_TASK_PERIOD_US;
  const expel = SUSPICION_PROCESSING_THREAD_PERIOD_US * (periods + 1);
  const removalView = 2 * DETECTOR_TASK_PERIOD_US;
  const learn = MAX_CONNECT_WAIT_US + EXECUTOR_MAX_WAIT_US + TERMINATE_DELAY_US;
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
  for (let i = 0; i < record.members.length; i++) q = Math.max(q, quietPeriodUs(opts.of(i), record.members.length));
  return q;
}

/** After a long enough quiet period every member that has not given up is ONLINE in one view. */
export const livenessAfterQuietPeriod: Invariant = {
  name: LIVENESS,
  description:
    'If no fault is in force at the end of the run (no partition, cut, isolation, freeze or un-restarted crash), crashes ' +
    'never left half or more of the XCom configuration as crashed incarnations (no majority could ever remove them), and the ' +
    'last network event is at least requiredQuietPeriodUs(record) before the end, then every running member that has not ' +
    'given up (auto-rejoin attempts exhausted, autorejoin_tries 0 on an expel or majority timeout, 10 failed START joins) ' +
    'is ONLINE, and all of them have installed the same view, which lists them all. Otherwise it holds vacuously.',
  mysqlRule:
    'Detection 4–6 s, expel at the next 15 s suspicion tick after member_expel_timeout, the expelled member learns of it ' +
    'after reconnecting and auto-rejoins (attempts 300 s apart) or applies exit_state_action ' +
    '(reference/gcs-and-plugin.md §1.4, §2, §3; xcom/xcom_detector.cc, gcs_xcom_control_interface.cc, src/autorejoin.cc).',
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
    const stuckForGood = (): boolean => {
      let stuck = 0;
      for (let j = 0; j < n; j++) if (crashedInc[j]! >= 0) stuck++;
      return stuck > 0 && 2 * stuck >= groupConfig.length;
    };
    for (const e of record.trace) {
      opts.apply(e);
      switch (e.type) {
        case 'config': {
          order++;
          const rank = e.configId ?? order;
          if (rank < groupRank) break;
          groupRank = rank;
          groupConfig = e.nodes;
          groupIncarnations = e.incarnations;
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
            const k = groupConfig.indexOf(e.detail);
            // Before any configuration change every member runs its first incarnation.
            if (k >= 0) crashedInc[i] = groupIncarnations?.[k] ?? FIRST_INCARNATION;
            if (stuckForGood()) majorityLostForGood = true;
          }
          if (e.action === 'restart') { crashed[i] = 0; gaveUp[i] = 0; startFailures[i] = 0; rejoining[i] = 0; }
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
          if (i !== undefined) { view[i] = e.viewId; viewMembers[i] = e.members; }
          break;
        }
        case 'log': {
          const i = idx.get(e.member);
          if (i === undefined) break;
          const tries = opts.of(i).group_replication_autorejoin_tries;
          if ((e.code === 'MY-011505' || e.code === 'MY-011711') && tries === 0) gaveUp[i] = 1;
          else if (e.code === 'MY-013373') rejoining[i] = 1;
          else if (e.code === 'MY-013375') {
            rejoining[i] = 0;
            if (e.message.includes('was not able')) gaveUp[i] = 1;
          } else if (rejoining[i] === 0 && (e.code === 'MY-013374' || (e.code === 'MY-011735' && e.message.includes('unable to join the group')))) {
            startFailures[i] = startFailures[i]! + 1;
            if (startFailures[i]! >= START_JOIN_ATTEMPTS) gaveUp[i] = 1;
          }
          break;
        }
        default:
          break;
      }
    }
    if (!net.linksHealed || majorityLostForGood || crashed.some((c) => c === 1)) return null;
    let quiet = 0;
    for (let i = 0; i < n; i++) quiet = Math.max(quiet, quietPeriodUs(opts.of(i), n));
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

// ------------------------------------------------------------------ registry

/** Every built-in invariant, safety first, then liveness; `grsim explore --list` prints their names. */
export const BUILT_IN_INVARIANTS: readonly Invariant[] = [
  noExpelWithoutMajority,
  viewsAgreedAndConsecutive,
  onePrimaryPerView,
  writesCommitWithMajority,
  expelledMemberReturnsAsNewIncarnation,
  errorImpliesSuperReadOnly,
  logConsistentWithState,
  livenessAfterQuietPeriod,
];

/** The built-in invariant called `name`, or undefined. */
export function invariantByName(name: string): Invariant | undefined {
  return BUILT_IN_INVARIANTS.find((i) => i.name === name);
}

/** Runs `invariants` (all built-ins by default) and returns every violation found, one per invariant at most. */
export function checkInvariants(record: RunRecord, invariants: readonly Invariant[] = BUILT_IN_INVARIANTS): Violation[] {
  const out: Violation[] = [];
  for (const inv of invariants) {
    const v = inv.check(record);
    if (v !== null) out.push(v);
  }
  return out;
}
