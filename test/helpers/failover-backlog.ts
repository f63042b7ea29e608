import { createSimulation, type GroupReplicationOptions, type MemberHandle, type Simulation, type WriteRecord } from '../../src/index.js';

const SEC = 1_000_000;

/** A failover whose new primary is elected with a backlog, and the write a client made on it then. */
export interface FailoverWithBacklog {
  readonly sim: Simulation;
  /** The new primary. */
  readonly member: string;
  /** When its MY-011507 (the view that elected it) was logged, µs. */
  readonly electedUs: number;
  /** Transactions in its applier queue then. */
  readonly backlog: number;
  readonly write: WriteRecord;
}

/**
 * Seed 21 on 8.4, three single-primary members: node1 writes 2,000 tx/s for 32 s while the
 * secondaries apply 1,000 tx/s; node1 crashes at 32 s with 32,000 transactions queued on each
 * secondary. Its removal takes about 21.7 s (detection, expel timeout, the suspicion thread's
 * period), so the new primary still has about 10,000 to apply when it is elected. A client writes
 * on the new primary (`write`) as soon as the view that elected it is handled, then `act` runs;
 * the run goes on to 90 s. `members` may add members (node1 stays the writer that crashes).
 */
export function failoverWithBacklog(
  options: Partial<GroupReplicationOptions>,
  write: (m: MemberHandle) => WriteRecord = (m) => m.write(),
  act: (sim: Simulation, member: string, electedUs: number) => void = () => {},
  members: readonly string[] = ['node1', 'node2', 'node3'],
): FailoverWithBacklog {
  const sim = createSimulation({
    seed: 21, version: '8.4', members: [...members], options,
    model: { applierTransactionUs: 1000 },
    workload: [{ member: 'node1', rate: 2000, size: 512, from: 0, to: 32 * SEC }],
  });
  let elected: { member: string; electedUs: number; backlog: number } | null = null;
  let written: WriteRecord | null = null;
  sim.on('log', (e) => {
    if (e.code !== 'MY-011507' || elected !== null) return;
    const m = sim.member(e.member);
    if (!e.message.includes(`${m.host}:${m.port}`)) return;
    elected = { member: e.member, electedUs: e.t, backlog: m.transactionCounters().remoteInApplierQueue };
    sim.at(e.t, () => {
      written = write(m);
      act(sim, e.member, e.t);
    });
  });
  sim.at(32 * SEC, (s) => s.network.crash('node1'));
  sim.runUntil(90 * SEC);
  if (elected === null || written === null) throw new Error('failoverWithBacklog: no new primary was elected by 90 s');
  const e = elected as { member: string; electedUs: number; backlog: number };
  return { sim, member: e.member, electedUs: e.electedUs, backlog: e.backlog, write: written };
}
