import { firstPerInstant, memberIndex, OptionTracker } from '../run-record.js';
import { type Violation, type Invariant, violation } from './invariant.js';

const ONE_PRIMARY = 'one-primary-per-view';

/** Single-primary mode: one PRIMARY per observer's table and per view id, at every instant. */
export const onePrimaryPerView: Invariant = {
  name: ONE_PRIMARY,
  description:
    'In single-primary mode, after all events of an instant: no member shows more than one PRIMARY in its ' +
    'replication_group_members, and among members that believe themselves PRIMARY at most one is in each view id.',
  mysqlRule:
    'The election runs inside on_view_changed only when no primary remains and picks one ONLINE member ' +
    '(docs/mysql-behaviour.md; primary_election_invocation_handler.cc pick_primary_member).',
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
