import { memberIndex } from '../run-record.js';
import { type Invariant, violation } from './invariant.js';
import { viewNumber, viewPrefix, serverStopped } from './trace-reading.js';

const VIEWS = 'views-agreed-and-consecutive';

/**
 * View ids rise by one within a group's fixed part, mean the same membership everywhere, and a new
 * fixed part appears only in a group re-formed by joiners.
 */
export const viewsAgreedAndConsecutive: Invariant = {
  name: VIEWS,
  description:
    'Every installed view id is <fixed>:<n>; the first installation of each new view id is the highest number of its ' +
    'fixed part + 1; a new fixed part starts at :1 and is installed only by members that had no view (every member of ' +
    'that view joined in it); a member that stays in the group keeps the fixed part and installs rising numbers; two ' +
    'members that install the same view id list the same members.',
  mysqlRule:
    'docs/mysql-behaviour.md "State exchange and the new view id": a view is installed after a state exchange in which each member sends the view id it has installed, or a fresh ' +
    'fixed part with monotonic part 0 if it has none; the new id is the first non-zero state in address order (all ' +
    'zero: the last one) plus one (gcs_xcom_state_exchange.cc state_exchange, get_new_view_id; ' +
    'gcs_xcom_control_interface.cc process_control_message). A newer view restarts an exchange in progress ' +
    '(xcom_receive_global_view, reset_with_flush), so a member may skip a view the others installed.',
  check(record) {
    const idx = memberIndex(record);
    const n = record.members.length;
    /** Highest number installed so far per fixed part. */
    const highest = new Map<string, number>();
    if (record.initialViewId !== undefined) highest.set(viewPrefix(record.initialViewId), viewNumber(record.initialViewId));
    const initialFixed = record.initialViewId === undefined ? null : viewPrefix(record.initialViewId);
    const initialNumber = record.initialViewId === undefined ? NaN : viewNumber(record.initialViewId);
    const last = new Float64Array(n).fill(initialNumber);
    const lastFixed: (string | null)[] = new Array<string | null>(n).fill(initialFixed);
    const members = new Map<string, string>();
    for (const e of record.trace) {
      const stopped = serverStopped(e);
      if (stopped !== null) {
        const i = idx.get(stopped);
        if (i !== undefined) { last[i] = NaN; lastFixed[i] = null; }
        continue;
      }
      if (e.type !== 'view') continue;
      const i = idx.get(e.member);
      if (i === undefined) continue;
      if (e.viewId === '') { last[i] = NaN; lastFixed[i] = null; continue; }
      const num = viewNumber(e.viewId);
      const p = viewPrefix(e.viewId);
      if (p === '' || !Number.isInteger(num)) {
        return violation(VIEWS, e.t, [e.member], `${e.member} installed view ${e.viewId}, not of the form <fixed>:<n>`);
      }
      const prev = last[i]!;
      const staying = !Number.isNaN(prev);
      const key = [...e.members].sort().join(',');
      const agreed = members.get(e.viewId);
      if (agreed === undefined) {
        const top = highest.get(p);
        if (top === undefined) {
          if (num !== 1) {
            return violation(VIEWS, e.t, [e.member], `${e.member} installed view ${e.viewId} with a new fixed part; a new fixed part starts at :1`);
          }
          if (staying) {
            return violation(VIEWS, e.t, [e.member],
              `${e.member} installed view ${e.viewId} with a new fixed part while in view ${lastFixed[i]}:${prev}; only a group of joiners takes a new fixed part`);
          }
        } else if (num !== top + 1) {
          return violation(VIEWS, e.t, [e.member],
            `${e.member} installed new view ${e.viewId} after the highest view ${p}:${top}; view numbers rise by one`);
        }
        highest.set(p, num);
        members.set(e.viewId, key);
      } else if (agreed !== key) {
        return violation(VIEWS, e.t, [e.member],
          `${e.member} installed view ${e.viewId} as [${e.members.join(', ')}], others installed it as [${agreed.split(',').join(', ')}]`);
      }
      if (staying && (p !== lastFixed[i] || num <= prev)) {
        return violation(VIEWS, e.t, [e.member],
          `${e.member} went from view ${lastFixed[i]}:${prev} to ${e.viewId} without leaving the group; a member keeps the fixed part and installs rising numbers`);
      }
      last[i] = num;
      lastFixed[i] = p;
    }
    return null;
  },
};
