import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';

describe('XCom connection rules', () => {
  it('a one-way cut: the side that is not heard pings, and the 3rd ping shuts the other side\'s outgoing connection', () => {
    const sim = createSimulation({ seed: 5, members: ['node1', 'node2', 'node3'], mode: 'multi-primary' });
    sim.at('10s', (s) => s.network.cut('node1', 'node3'));
    sim.runFor('30s');
    const warn = sim.member('node1').logEvents().find((e) => e.message.startsWith('[GCS] Shutting down an outgoing connection'));
    expect(warn?.code).toBe('MY-011735');
    expect(warn?.message).toContain('node 10.0.0.13:33061');
    // node3 stopped hearing node1 about 5 s after the cut; pings start at 4 s of silence, one per second.
    expect(warn!.t).toBeGreaterThan(15_000_000);
    expect(warn!.t).toBeLessThan(20_000_000);
    const down = sim.trace.find((e) => e.type === 'connection' && e.from === 'node1' && e.to === 'node3' && !e.up);
    expect(down).toBeDefined();
    // With its outgoing connection down, node1 no longer counts node3's messages: both sides see each other unreachable.
    expect(sim.member('node1').logEvents().some((e) => e.code === 'MY-011493' && e.message.includes('10.0.0.13'))).toBe(true);
    expect(sim.member('node3').logEvents().some((e) => e.code === 'MY-011493' && e.message.includes('10.0.0.11'))).toBe(true);
  });

  it('a crashed peer: connections close and redials back off (refused connections)', () => {
    const sim = createSimulation({ seed: 5, members: ['a', 'b', 'c'], mode: 'multi-primary' });
    sim.at('10s', (s) => s.network.crash('c'));
    sim.runFor('20s');
    const closes = sim.trace.filter((e) => e.type === 'connection' && e.to === 'c' && !e.up);
    expect(closes.map((e) => (e as { from: string }).from).sort()).toEqual(['a', 'b']);
    expect(sim.member('c').running).toBe(false);
    expect(sim.member('c').replicationGroupMembers()).toEqual([]);
  });

  // xcom_transport.cc sender_task: after a failed dial the wait before the next one starts at 0.1 s
  // and grows ×1.1 up to 1 s up to 8.0.26, by 1 s up to 10 s from 8.0.27. A dial in flight at the
  // heal first times out (CONNECT_TIMEOUT, 1 s), so on 8.0.21 the reconnection comes at most 2 s
  // after the heal; under the later rule a minute of failed dials has grown the wait well past 1 s.
  const reconnectAfterHealUs = (version: '8.0.21' | '8.4', seed: number): number => {
    const sim = createSimulation({ seed, version, members: ['node1', 'node2', 'node3'], mode: 'multi-primary', options: { group_replication_member_expel_timeout: 3600 } });
    sim.at('10s', (s) => s.network.cut('node1', 'node3'));
    sim.at('70s', (s) => s.network.heal());
    sim.runFor('100s');
    const up = sim.trace.find((e) => e.type === 'connection' && e.up && e.from === 'node1' && e.to === 'node3' && e.t >= 70_000_000);
    expect(up).toBeDefined();
    return up!.t - 70_000_000;
  };

  it('redials after a one-way cut: 8.0.21 reconnects within 2 s of the heal on every seed, 8.4 later', () => {
    const old = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => reconnectAfterHealUs('8.0.21', seed));
    const later = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => reconnectAfterHealUs('8.4', seed));
    for (const us of old) expect(us).toBeLessThanOrEqual(2_000_000);
    expect(Math.max(...later)).toBeGreaterThan(2_000_000);
    expect(later.reduce((a, b) => a + b, 0)).toBeGreaterThan(old.reduce((a, b) => a + b, 0));
  });

  it('a frozen member is seen unreachable and, thawed within 15 s, is never expelled', () => {
    const sim = createSimulation({ seed: 9, members: ['a', 'b', 'c'], mode: 'multi-primary' });
    sim.at('10s', (s) => s.network.freeze('c'));
    sim.at('20s', (s) => s.network.thaw('c'));
    sim.runFor('120s');
    expect(sim.member('a').logEvents().map((e) => e.code)).toEqual(['MY-011493', 'MY-011494']);
    expect(sim.trace.some((e) => e.type === 'log' && e.code === 'MY-011499')).toBe(false);
    for (const m of sim.members) expect(m.replicationGroupMembers().every((r) => r.MEMBER_STATE === 'ONLINE')).toBe(true);
  });
});
