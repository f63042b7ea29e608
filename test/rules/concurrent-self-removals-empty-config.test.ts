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
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario } from '../../src/index.js';
import { SIZEOF_PAX_MSG } from '../../src/xcom/constants.js';

const FILE = new URL('./fixtures/concurrent-self-removals-empty-config.yaml', import.meta.url);

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
