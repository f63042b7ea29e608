/**
 * The cache experiment of the reference case's article (docs/seed-case.md, "The same article's
 * cache experiment"): message cache at its 128 MiB minimum, member_expel_timeout 3600, node3 cut
 * off from node1 and node2 both ways, then `INSERT … SELECT … LIMIT 1000000` run repeatedly on node1
 * (each takes about 10 s). The survivors log MY-011735 "Messages that are needed to recover node
 * 192.168.244.30:33061 have been evicted …"; when the network is restored, node3 logs "[GCS] Node
 * … is unable to get message {…}, since the group is too far ahead. Node will now exit.", goes
 * ERROR (MY-011505), read only (MY-011712, super_read_only=ON) and starts auto-rejoin attempt 1 of 3.
 *
 * ⚠ The document gives neither the transaction size nor its compressibility: each INSERT is taken
 * as 48 MiB of row events, LZ4-compressed 2:1 above the 1,000,000-byte threshold and so split
 * into three 10 MiB fragments, one every 10 s for two minutes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, simulationOf, type LogEvent, type Simulation } from '../../src/index.js';

const SEC = 1_000_000;
/** The experiment ships as scenarios/seed-cache-experiment.yaml; cut at 13:03:01, heal at 13:06:50. */
const FILE = new URL('../../scenarios/seed-cache-experiment.yaml', import.meta.url);
const CUT = 11 * SEC;
const HEAL = 240 * SEC;

function experiment(seed: number): Simulation {
  const sim = simulationOf(parseScenario(readFileSync(FILE, 'utf8'), 'seed-cache-experiment.yaml', { seed }));
  sim.runFor('290s');
  return sim;
}

function memberLog(sim: Simulation, member: string): LogEvent[] {
  return sim.trace.filter((e): e is LogEvent => e.type === 'log' && e.member === member);
}

describe("the reference article's XCom cache experiment (128 MiB, expel timeout 3600, repeated large transactions)", () => {
  it.each([1, 2, 3])('seed %i: the survivors warn, node3 exits "too far ahead" on return, goes ERROR and rejoins', (seed) => {
    const sim = experiment(seed);
    const warning = '[GCS] Messages that are needed to recover node 192.168.244.30:33061 have been evicted from the message  cache. Consider resizing the maximum size of the cache by  setting group_replication_message_cache_size.';
    for (const m of ['node1', 'node2']) {
      const w = memberLog(sim, m).filter((e) => e.code === 'MY-011735' && e.message === warning);
      expect(w).toHaveLength(1);
      expect(w[0]!.level).toBe('Warning');
      expect(w[0]!.t).toBeGreaterThan(CUT);
      expect(w[0]!.t).toBeLessThan(HEAL);
      expect(sim.member(m).workload().committed).toBe(m === 'node1' ? 12 : 0);
      // COUNT_FREE moved: what node3 needs was evicted (the document's second signal).
      expect(sim.member(m).xcomCacheMemory().COUNT_FREE).toBeGreaterThan(0);
      // The group never expelled node3 by timeout: the suspicion had 3600 s to go.
      expect(sim.trace.some((e) => e.type === 'suspicion' && e.member === m && e.action === 'expelRequested')).toBe(false);
    }
    const n3 = memberLog(sim, 'node3').filter((e) => e.t > HEAL);
    const codes = n3.filter((e) => e.level !== 'Note').map((e) => e.code);
    const die = n3.find((e) => e.message.includes('since the group is too far ahead'));
    expect(die).toBeDefined();
    expect(die!.code).toBe('MY-011735');
    expect(die!.level).toBe('ERROR');
    expect(die!.message).toMatch(/^\[GCS\] Node 2 is unable to get message \{[0-9a-f]{8} \d+ 0\}, since the group is too far ahead\. Node will now exit\.$/);
    // The document's order: the die line, MY-011505, MY-011712, MY-011565, MY-013373 attempt 1 of 3.
    // On 8.0.21 node3's executor reads at most 3 s apart (wakeup_delay's cap up to 8.0.26), so its
    // first read after the heal can bring the die answer before its GCS logs the peers reachable
    // again (MY-011494); the document lists no MY-011494 line either.
    const from = codes.indexOf('MY-011735');
    expect(codes.slice(from, from + 5)).toEqual(['MY-011735', 'MY-011505', 'MY-011712', 'MY-011565', 'MY-013373']);
    expect(n3.find((e) => e.code === 'MY-013373')!.message).toBe('Started auto-rejoin procedure attempt 1 of 3');
    expect(n3.some((e) => e.code === 'MY-013375' && e.message.endsWith('Member was able to join the group.'))).toBe(true);
    expect(sim.member('node3').state).toBe('ONLINE');
    expect(sim.member('node3').superReadOnly).toBe(false);
  });
});
