import { memberIndex } from '../run-record.js';
import { type Invariant, violation } from './invariant.js';
import { serverStopped } from './trace-reading.js';

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
    'and XCom decides remove_node with a majority of the old configuration (docs/mysql-behaviour.md; ' +
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
