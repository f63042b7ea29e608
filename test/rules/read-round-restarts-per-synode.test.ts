/**
 * An executor that moves on to a new synode waits for it afresh: its read rounds do not keep the
 * back-off they reached on an older synode. Scenario from `grsim explore` (healed-group-converges,
 * 8.4 single-primary, explore seed 99, chunk 119): node3 frozen, later isolated, then a 20.9 s ring
 * in which node1 (killer of [node1, node2, node5]) asks to remove node3 and node4 and node4 asks to
 * remove node1 and node2. After the heal node1 learns the first removal (slot 14) at 295.785 s
 * through a pushed learn and then, 0.11 s later, slots 16–18 (slot 15, node3's own removal, a no-op
 * by then, never reached it). XCom's executor starts every synode with get_xcom_message's wait and
 * delay at 0 (xcom_base.cc: find_value reads at once, then wakeup_delay from 0.1 s), so node1 reads
 * slot 15 from a peer within about 0.1 s. grsim kept the read round scheduled on the back-off the
 * ring had grown to (6.5 s): by then node2, node3 and node4 had executed the removals and exited
 * (TERMINATE_DELAY, 3 s), nobody held slot 15 any more, node1 and node5 stayed on it for good and
 * every rejoin timed out (node2 ERROR 780 s after the last fault). Now node1 reads slot 15 at
 * 295.995 s, executes node4's removal of node1 and node2 like the others, and the group re-forms.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario, type ConfigEvent, type LogEvent } from '../../src/index.js';
import { SEC } from './helpers.js';

const FILE = new URL('./fixtures/read-round-restarts-per-synode.yaml', import.meta.url);

describe('a read round on the back-off of an older synode', () => {
  const sim = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'read-round-restarts-per-synode.yaml')).sim;
  const configs = sim.trace.filter((e): e is ConfigEvent => e.type === 'config');

  it('does not keep node1 from the removal it missed: it executes node4\'s removal of node1 and node2 within a second of the others', () => {
    // Configuration 6 ([node1, node2, node5]) is node1's removal of node3 and node4, the next one node4's removal of node1 and node2.
    const six = configs.find((e) => e.member === 'node1' && e.configId === 6);
    expect(six?.nodes).toEqual(['node1', 'node2', 'node5']);
    const seven = configs.find((e) => e.member === 'node5' && e.configId === 7);
    expect(seven?.nodes).toEqual(['node5']);
    expect(seven!.t).toBeLessThan(297 * SEC);
    // node1 learns it was removed (it leaves its XCom) about 3 s after executing that removal.
    const expelled = sim.trace.find((e): e is LogEvent => e.type === 'log' && e.member === 'node1' && e.code === 'MY-011505');
    expect(expelled).toBeDefined();
    expect(expelled!.t).toBeLessThan(300 * SEC);
  });

  it('lets every member rejoin on its first attempt and the group converge', () => {
    for (const m of ['node1', 'node2', 'node3', 'node4']) {
      const rejoined = sim.member(m).logEvents(3).find((e) => e.code === 'MY-013375');
      expect(rejoined?.message, m).toContain('attempt 1 of 3 finished. Member was able to join');
    }
    for (const m of sim.members) expect(m.state, m.name).toBe('ONLINE');
    expect(new Set(sim.members.map((m) => m.viewId())).size).toBe(1);
    expect(invariantByName('liveness-after-quiet-period')!.check(runRecordOf(sim))).toBeNull();
  });
});
