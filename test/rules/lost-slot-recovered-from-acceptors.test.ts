/**
 * A value decided by a majority is not lost when its proposer dies before its learns arrive.
 * 8.0.20 profile, five members: node5 is split off until 37.038 s and every link has 1764 ms of
 * latency until 40.567 s. node5 leaves on the 7 s unreachable-majority timeout (12.3 s) and its
 * self-removal waits in its proposer. After the heal its accept reaches the four others (they
 * accept it at ~38.8 s) and the acks come back at 40.566 s: decided, one round trip after the heal.
 * node5 sends the learns, but its XCom stops at 42.33 s, just before they arrive, and no one else
 * learned the value. grsim only let nodes fetch values a peer had learned, so every member's
 * executor stayed on that synode for good: no configuration or view was executed after 36 s,
 * node5's new incarnation was never admitted and the group kept it UNREACHABLE.
 * In XCom the four acceptors hold the value accepted; a node whose executor keeps waiting on the
 * synode runs a Paxos round of its own there (xcom_base.cc get_xcom_message → find_value: read on
 * the first two waits, propose_missing_values from the third on the lowest live node, the fourth
 * on every node), the acceptors answer its prepare with the accepted value (handle_simple_prepare,
 * create_ack_prepare_msg), the round decides that value and teaches it to the site.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, type SimEvent } from '../../src/index.js';
import { SEC } from './helpers.js';

const FILE = new URL('./fixtures/lost-slot-recovered-from-acceptors.yaml', import.meta.url);
const SURVIVORS = ['node1', 'node2', 'node3', 'node4'];
/** node5's accept leaves at the heal (37.038 s) and its acks come back one 2 × 1764 ms round trip later. */
const DECIDED_US = 37_038_000 + 2 * 1_764_000;
/** The executor's wait is at most 20 s (wakeup_delay, xcom_base.cc); the site starts ~0.5 s after execution. */
const RECOVERED_BY_US = DECIDED_US + 21 * SEC;

type ConfigEvent = Extract<SimEvent, { type: 'config' }>;

describe("a self-removal whose proposer stopped before its learns arrived", () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'lost-slot-recovered-from-acceptors.yaml'));
  const configs = run.sim.trace.filter((e): e is ConfigEvent => e.type === 'config');

  it('is executed by every survivor, recovered from the acceptors within one executor wait of its decision', () => {
    for (const m of SURVIVORS) {
      const removal = configs.find((e) => e.member === m && e.nodes.join(',') === SURVIVORS.join(','));
      expect(removal, m).toBeDefined();
      expect(removal!.t, m).toBeGreaterThan(DECIDED_US);
      expect(removal!.t, m).toBeLessThan(RECOVERED_BY_US);
    }
  });

  it("lets the group admit node5's next incarnation: every survivor executes the add after the removal", () => {
    for (const m of SURVIVORS) {
      const mine = configs.filter((e) => e.member === m).map((e) => `${e.nodes.join(',')}/${(e.incarnations ?? []).join(',')}`);
      expect(mine, m).toEqual(['node1,node2,node3,node4/1,1,1,1', 'node1,node2,node3,node4,node5/1,1,1,1,2']);
    }
  });

  it('ends with all five members ONLINE', () => {
    for (const m of [...SURVIVORS, 'node5']) expect(run.sim.member(m).state, m).toBe('ONLINE');
  });
});
