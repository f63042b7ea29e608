import { type ConfigEvent } from '../events.js';
import { memberIndex } from '../run-record.js';
import { type Invariant, violation } from './invariant.js';

const INCARNATION = 'expelled-member-returns-as-new-incarnation';

/**
 * After the group removed a member, it is ONLINE again only once re-admitted as a new incarnation.
 * XCom's configurations form one order that every member executes (each site_def starts at its own
 * synode, xcom_base.cc handle_config / execute_msg), so a removal is the group's once the first member
 * activates it; a member whose executor lags activates the same removal later, possibly after a later
 * configuration re-admitted a newer incarnation, and that late activation removes nothing new.
 */
export const expelledMemberReturnsAsNewIncarnation: Invariant = {
  name: INCARNATION,
  description:
    'Once an XCom configuration without member M (incarnation k) is activated by another member, neither M itself, once it ' +
    'has shown itself out of the group (ERROR, OFFLINE or no group), nor an observer that dropped M shows M ONLINE again ' +
    'until a later configuration re-admits M as an incarnation > k (a rejoin through ERROR / leave + join, or a restart). ' +
    'Before M leaves it may still deliver, in log order, its own ONLINE message decided before the removal. A lagging ' +
    'member activating a removal of incarnation k after a configuration already listed M as an incarnation > k removes nothing new, ' +
    'and an observer that dropped incarnation k may show a later incarnation, admitted and removed while it lagged, as it replays ' +
    'those views and messages in log order.',
  mysqlRule:
    'An expelled member learns it was removed, goes to ERROR and can only come back through auto-rejoin or START, each a ' +
    'new GCS join and XCom incarnation; an old incarnation is refused ("Old incarnation found…") ' +
    '(docs/mysql-behaviour.md; gcs_xcom_control_interface.cc, src/autorejoin.cc).',
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
    /** The removed incarnation each observer's drop of a member followed (an observer drops one incarnation at a time). */
    const droppedInc = new Float64Array(n * n);
    const removedAt = new Float64Array(n);
    /** Whether M has shown itself out of the group since its removal (it learnt of it). */
    const leftSinceRemoval = new Uint8Array(n);
    /** Whether each observer is in a group (its latest view is not the leave view). */
    const observerInGroup = new Uint8Array(n).fill(1);
    const prevInc = new Map<string, number>();
    /** Highest incarnation of each member any member's installed configuration listed. */
    const highestInc = new Float64Array(n);
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
          if (m === undefined) continue;
          highestInc[m] = Math.max(highestInc[m]!, incOf(e, x));
          if (readmitted[m] === 1) continue;
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
          const inc = prevInc.get(`${e.member}|${x}`) ?? 1;
          // A member whose executor lags installs, late, a configuration that removed an incarnation
          // a later configuration has already replaced: that is not a new removal.
          if (e.incarnations !== undefined && highestInc[m]! > inc) continue;
          removedInc[m] = Math.max(removedInc[m]!, inc);
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
      if (e.state === null) {
        if (readmitted[m] === 0 && observerInGroup[o] === 1) { dropped[o * n + m] = 1; droppedInc[o * n + m] = removedInc[m]!; }
        continue;
      }
      if (e.state !== 'ONLINE' || readmitted[m] === 1) {
        if (readmitted[m] === 1) dropped[o * n + m] = 0;
        continue;
      }
      // An observer that dropped an older incarnation and, executing its backlog in log order, shows
      // the incarnation a later configuration admitted (before that one's removal reaches its view)
      // has not shown a removed member again.
      if ((o === m && leftSinceRemoval[m] === 1) || (o !== m && dropped[o * n + m] === 1 && droppedInc[o * n + m]! >= removedInc[m]!)) {
        const who = o === m ? `${e.member} declared itself ONLINE` : `${e.observer} shows ${e.member} ONLINE again`;
        return violation(INCARNATION, e.t, o === m ? [e.member] : [e.member, e.observer],
          `${who} after the group removed it at ${removedAt[m]} µs (incarnation ${removedInc[m]}) and before any configuration re-admitted it as a new incarnation`);
      }
    }
    return null;
  },
};
