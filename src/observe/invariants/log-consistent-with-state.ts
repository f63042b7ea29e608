import { type MemberState } from '../../types.js';
import { addressIndex, firstPerInstant, memberIndex } from '../run-record.js';
import { type Violation, type Invariant, violation } from './invariant.js';

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
    '(docs/mysql-behaviour.md; src/gcs_event_handlers.cc, src/leave_group_on_failure.cc).',
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
