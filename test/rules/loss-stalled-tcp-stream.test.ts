/**
 * A TCP stream stalled by loss is repaired by a new connection. 50 % loss on every link for 72.6 s
 * (explore healed-group-converges, seed 10) left one segment of node1 -> node2 lost 12 times in a
 * row. Every later message of that connection waits behind it, so node2 no longer hears node1 and
 * pings it; node1 shuts its outgoing connection at the 3rd ping and redials (docs/mysql-behaviour.md §X1, "Pings can
 * reset a connection": "This is how one-sided/half-open links get repaired"). The redial is a new
 * TCP stream that does not queue behind the old one's retransmissions. grsim used to order
 * arrivals per directed link whatever the connection, with an uncapped RTO (the segment was due
 * 819 s later), so each reset, expel and rejoin of node1 reused the stalled stream: node1 was
 * expelled and rejoined every 73 s and was ERROR at the end of the run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario } from '../../src/index.js';

const FILE = new URL('./fixtures/loss-stalled-tcp-stream.yaml', import.meta.url);

describe('a TCP stream stalled by loss', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'loss-stalled-tcp-stream.yaml'));
  const healedUs = 230_209_000;

  it('after the loss ends, every member is ONLINE in one five-member view', () => {
    for (const m of run.sim.members) {
      expect(m.state, m.name).toBe('ONLINE');
      const rows = m.replicationGroupMembers();
      expect(rows.map((r) => r.MEMBER_STATE), m.name).toEqual(['ONLINE', 'ONLINE', 'ONLINE', 'ONLINE', 'ONLINE']);
    }
    expect(invariantByName('liveness-after-quiet-period')!.check(runRecordOf(run.sim))).toBeNull();
  });

  it('nobody is expelled once the loss has ended (a reset connection is heard again at once)', () => {
    const late = run.sim.trace.filter((e) => e.type === 'log' && e.t > healedUs && (e.code === 'MY-011505' || e.code === 'MY-011499'));
    expect(late).toEqual([]);
  });
});
