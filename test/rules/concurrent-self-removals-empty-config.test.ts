/**
 * A value decided after the configuration that removes the last members counts the channels of the
 * site its slot belongs to. 8.0.20 profile, three members: node2 is frozen, node3 isolated, and
 * node1 and node3 both leave on the 10 s unreachable-majority timeout. Their self-removals (and a
 * remove of node2 proposed before) wait for a majority, then are decided together right after the
 * heal; the first two leave an empty configuration. grsim priced the third value with the channels
 * of that latest, empty configuration (0 slots, 0 bytes) and stopped on
 * `InvariantError: cache cell bytes must be > 0`. In XCom the value sits in a slot of the site in
 * force at its synode (find_site_def): a new configuration starts only an event horizon after the
 * slot that decided it (xcom_base.cc add_event_horizon), and a site with no nodes is still a site
 * whose slots are skipped (get_xcom_message: "The end of the world ?, fake message by skipping").
 *
 * Since a leaving member's GCS engine is held by do_leave (test/rules/leaving-member-takes-no-view),
 * node1 no longer re-requests node2's expel from a view after the heal, so node1's self-removal is
 * decided first and this fixture no longer reaches the empty configuration: the cache checks below
 * still hold but no longer exercise a site with no nodes.
 *
 * The second fixture, concurrent-self-removals-empty-config-both-stop.yaml, reaches the empty
 * configuration under the default model (issue 10): both members of a two-member group run STOP
 * GROUP_REPLICATION at the same instant. Each leave asks XCom to remove its own node
 * (gcs_xcom_control_interface.cc, do_leave: xcom_remove_node); both requests are decided in the
 * two-node site and applied one after the other to the newest site (xcom_base.cc,
 * handle_remove_node clones it), so the second leaves no node. node1's flow-control statistics
 * message, sent while its leave waits (the plugin's broadcast thread runs until the leave view), is
 * decided after that and cached in the two channels of the site in force at its slot.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario } from '../../src/index.js';
import { SIZEOF_PAX_MSG } from '../../src/xcom/constants.js';

const FILE = new URL('./fixtures/concurrent-self-removals-empty-config.yaml', import.meta.url);
const BOTH_STOP = new URL('./fixtures/concurrent-self-removals-empty-config-both-stop.yaml', import.meta.url);

/** A decided XCom log entry, as the consensus keeps it (internal: the empty site is installed by no member, so no trace event shows it). */
interface DecidedEntry { readonly index: number; readonly kind: string; readonly proposer: number; readonly config: { readonly nodes: readonly number[] } | null; readonly cacheSlots: number; readonly cacheBytes: number }

describe('self-removals of the last members decided together', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'concurrent-self-removals-empty-config.yaml'));
  const trace = run.sim.trace;

  it('runs to the end: node1 and node3 both left, node1 removed first (its leave requests no more expels)', () => {
    expect(run.sim.nowUs).toBe(60_000_000);
    expect(run.sim.member('node1').state).toBe('ERROR');
    expect(run.sim.member('node3').state).toBe('ERROR');
    const configs = trace.filter((e) => e.type === 'config' && e.member === 'node3').map((e) => (e.type === 'config' ? e.nodes.join(',') : ''));
    expect(configs).toEqual(['node2,node3']);
  });

  it('every slot the survivors cached counts at least one pax_msg, and the caches end empty', () => {
    for (const name of ['node1', 'node3']) {
      const row = run.sim.member(name).xcomCacheMemory();
      expect(row.COUNT_ALLOC, name).toBeGreaterThan(0);
      expect(row.SUM_NUMBER_OF_BYTES_ALLOC, name).toBeGreaterThanOrEqual(row.COUNT_ALLOC * SIZEOF_PAX_MSG);
      expect(row.CURRENT_NUMBER_OF_BYTES_USED, name).toBe(0);
    }
  });
});

describe('both members of a two-member group stop at once (default model)', () => {
  const run = runScenario(parseScenario(readFileSync(BOTH_STOP, 'utf8'), 'concurrent-self-removals-empty-config-both-stop.yaml'));
  const log = (run.sim as unknown as { xcom: { consensus: { log: readonly DecidedEntry[] } } }).xcom.consensus.log;
  const empty = log.findIndex((e) => e.kind === 'config' && e.config !== null && e.config.nodes.length === 0);

  it('decides both self-removals, the second leaving a configuration with no nodes', () => {
    expect(empty).toBeGreaterThan(0);
    const removals = log.filter((e) => e.kind === 'config').slice(-2).map((e) => e.config!.nodes);
    expect(removals).toEqual([[1], []]);
  });

  it('caches a value decided after the empty configuration in the two channels of the site in force at its slot', () => {
    const after = log.slice(empty + 1);
    expect(after.length).toBeGreaterThan(0);
    for (const e of after) {
      expect(e.cacheSlots).toBe(2);
      expect(e.cacheBytes).toBeGreaterThanOrEqual(2 * SIZEOF_PAX_MSG);
    }
  });

  it('runs to the end with both members OFFLINE and their caches empty', () => {
    expect(run.sim.nowUs).toBe(40_000_000);
    for (const name of ['node1', 'node2']) {
      expect(run.sim.member(name).state, name).toBe('OFFLINE');
      const row = run.sim.member(name).xcomCacheMemory();
      expect(row.SUM_NUMBER_OF_BYTES_ALLOC, name).toBeGreaterThanOrEqual(row.COUNT_ALLOC * SIZEOF_PAX_MSG);
      expect(row.CURRENT_NUMBER_OF_BYTES_USED, name).toBe(0);
    }
  });
});
