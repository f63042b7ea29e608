import { type MemberState } from '../../types.js';
import { NetworkReplay } from '../network-replay.js';
import { firstPerInstant, memberIndex } from '../run-record.js';
import { type Violation, type Invariant, violation } from './invariant.js';

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
    '"XCom can agree on nothing, so all writes block" (docs/mysql-behaviour.md; ' +
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
