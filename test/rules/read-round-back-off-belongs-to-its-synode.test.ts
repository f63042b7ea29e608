/**
 * A read-round train that wakes on a synode its executor reached through a pushed learn, still on
 * the back-off it grew on an older synode, does not count as that synode's train: once a later value
 * is known, startRounds replaces it with a fresh one. XCom's executor calls get_xcom_message for
 * every synode, and get_xcom_message starts with wait and delay at 0, calls find_value at once and
 * then waits wakeup_delay from about 0.1 s (xcom_base.cc, executor_task and get_xcom_message), so a
 * member that has just executed a value reads the next one from its peers within a fraction of a
 * second, whatever it waited for on earlier synodes.
 *
 * Scenario from `grsim explore` (healed-group-converges, 20,000-run campaign at 863dc0b, chunk 713,
 * simulation seed 5, 9.x single-primary, expel timeout 21 s): node3 crashes and restarts, then a
 * 36.3 s ring. node1 (killer of [node1, node2, node5]) removes node3 and node4 (slot 8) and node4
 * removes node1 and node2 (slot 10); slot 9 is node3's request, a no-op by then. node5 learns slot 8
 * through node1's push at 629.114 s. Its read-round train, started during the ring and on its
 * 10–20 s waits (grsim's default back-off, xcomRetryBackoff 0, counts read rounds since the train
 * started), wakes at 629.536 s, 0.2 ms before the heal, finds no peer past slot 9, and took slot 9
 * as its own synode while keeping the old back-off: its next wake-up was 13 s later. So when the
 * pushed learns of slots 10 and 11 came at 629.66 s, startRounds saw a train already on slot 9 and
 * left it. By 633.5 s node1–node4 had executed the removals and exited (TERMINATE_DELAY), nobody
 * held slot 9, node5 stayed on it for good in [node1, node2, node5] without a majority, and every
 * auto-rejoin through it timed out (node1 ERROR 491 s after the last fault, attempt 3 still due).
 * Now the train keeps its older synode until its back-off restarts, node5's stale train is replaced
 * at 629.66 s and reads slots 9–11 from node2 at 629.765 s: it is left alone in [node5], as the
 * others already know, and the four others rejoin through it at their first attempt.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario, type ConfigEvent } from '../../src/index.js';
import { logsOf, SEC } from './helpers.js';

const FILE = new URL('./fixtures/read-round-back-off-belongs-to-its-synode.yaml', import.meta.url);
const HEAL_US = 629.536 * SEC;

describe('a read-round train on the back-off of an older synode', () => {
  const sim = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'read-round-back-off-belongs-to-its-synode.yaml')).sim;
  const configs = sim.trace.filter((e): e is ConfigEvent => e.type === 'config');

  it('is the run explore reported: node5 learns node1\'s removal of node3 and node4 through a push, before the heal', () => {
    const four = configs.find((e) => e.member === 'node5' && e.configId === 4);
    expect(four?.nodes).toEqual(['node1', 'node2', 'node5']);
    // node1 and node2 execute node4's removal of them and learn that they were expelled.
    for (const m of ['node1', 'node2']) {
      const expelled = logsOf(sim, m, 'MY-011505')[0];
      expect(expelled, m).toBeDefined();
      expect(expelled!.t, m).toBeLessThan(HEAL_US + 4 * SEC);
    }
  });

  it('gives way to a fresh train: node5 executes node4\'s removal within a second of the heal and is left alone in [node5]', () => {
    const alone = configs.find((e) => e.member === 'node5' && e.nodes.length === 1);
    expect(alone?.nodes).toEqual(['node5']);
    expect(alone!.t - HEAL_US).toBeGreaterThan(0);
    expect(alone!.t - HEAL_US).toBeLessThan(1 * SEC);
    // It never loses its majority: the configuration it runs is its own.
    expect(logsOf(sim, 'node5', 'MY-011495')).toEqual([]);
  });

  it('lets node1–node4 rejoin through node5 at their first attempt and the group converge', () => {
    for (const m of ['node1', 'node2', 'node3', 'node4']) {
      const rejoined = logsOf(sim, m, 'MY-013375')[0];
      expect(rejoined?.message, m).toContain('attempt 1 of 3 finished. Member was able to join');
    }
    for (const m of sim.members) expect(m.state, m.name).toBe('ONLINE');
    expect(new Set(sim.members.map((m) => m.viewId())).size).toBe(1);
    expect(invariantByName('liveness-after-quiet-period')!.check(runRecordOf(sim))).toBeNull();
  });
});
