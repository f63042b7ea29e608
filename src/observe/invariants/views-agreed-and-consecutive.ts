import { memberIndex } from '../run-record.js';
import { type Invariant, violation } from './invariant.js';
import { viewNumber, viewPrefix, serverStopped } from './trace-reading.js';

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
    'consensus and state exchange (docs/mysql-behaviour.md; gcs_xcom_control_interface.cc ' +
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
