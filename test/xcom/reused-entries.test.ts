/**
 * Consensus reuses the decided entries of the flow-control statistics messages once they leave the
 * log (Consensus.reuseEntriesOf, dropLogPrefix), as it reuses 'load' entries: an entry object is
 * rewritten for a later message. These tests check that nothing reads one after it was reused: every entry GCS buffers during a view change
 * (GcsNode.deliverData keeps copyHeldEntry's copy) still has the values it was executed with when
 * GCS hands it on, every member executes an entry with the values it was decided with, the log holds
 * every entry with its own values, and the run is the one it is without reuse. The run is a random
 * fault schedule of explore (one-primary-per-view, 5 members, 10 min) in which GCS buffers
 * statistics messages for tens of seconds (node4 restarts while node5 is frozen and a partition
 * follows) while the log is trimmed and the trimmed entries reused.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, parseScenario, runScenario, type Simulation } from '../../src/index.js';
import type { LogEntry } from '../../src/xcom/log-entry.js';

const SCENARIO = `
seed: 1314098040
version: "8.4"
start: 2024-01-01T00:00:00Z
mode: single-primary
members:
  - { name: node1, host: 10.0.0.11, port: 3306, xcomPort: 33061 }
  - { name: node2, host: 10.0.0.12, port: 3306, xcomPort: 33061 }
  - { name: node3, host: 10.0.0.13, port: 3306, xcomPort: 33061 }
  - { name: node4, host: 10.0.0.14, port: 3306, xcomPort: 33061 }
  - { name: node5, host: 10.0.0.15, port: 3306, xcomPort: 33061 }
options:
  group_replication_member_expel_timeout: 17
  group_replication_autorejoin_tries: 1
  group_replication_unreachable_majority_timeout: 30
  group_replication_exit_state_action: READ_ONLY
  group_replication_member_weight: 37
network: { latency: 200us, jitter: 100us, loss: 0 }
events:
  - { at: +88.224s, cut: { from: node1, to: node4 } }
  - { at: +168.949s, restore: { from: node1, to: node4 } }
  - { at: +377.964s, freeze: node5 }
  - { at: +390.455s, crash: node4 }
  - { at: +435.608s, restart: node4 }
  - { at: +436.778s, partition: [ [ node2, node3 ], [ node1, node4, node5 ] ] }
  - { at: +459.635s, thaw: node5 }
  - { at: +488.459s, repair: all }
until: +10m
`;

/** The fields a consumer reads, as they were when the entry was handed over. */
function snapshot(e: LogEntry): string {
  return JSON.stringify([e.index, e.kind, e.proposer, e.decidedAtUs, e.firstMsgno, e.msgnos, e.bytes, e.cacheBytes, e.acceptors, e.acceptedAtUs, e.payload]);
}

/** Internals the test reaches into (the simulation's XCom, consensus and GCS nodes). */
interface Internals {
  readonly xcom: {
    readonly up: { execute(i: number, e: LogEntry): void };
    readonly consensus: {
      readonly logEnd: number;
      entry(index: number): LogEntry | undefined;
      reuseEntriesOf(payload: object): void;
      dropLogPrefix(drop: number, low: number): void;
      proposeMessage(i: number, kind: 'app' | 'gr', bytes: number, payload: unknown): void;
      pendingCount(i: number): number;
    };
  };
  readonly gcsNodes: GcsInternals[];
}

interface Buffered { readonly entry: LogEntry }

interface GcsInternals {
  readonly buffered: Buffered[];
  deliverData(entry: LogEntry, cacheLastRemoved: number): void;
  globalViewDone(): void;
}

interface Watched {
  readonly sim: Simulation;
  /** Entries read with values other than those they were decided or buffered with. */
  readonly wrong: string[];
  /** Buffered entries found below the log's new start when it was trimmed, and buffered entries handed on. */
  trimmedWhileBuffered: number;
  released: number;
  /** Distinct entry objects XCom executed. */
  readonly objects: Set<LogEntry>;
  /** What every decided entry held when first executed, by index. */
  readonly decided: Map<number, string>;
  readonly trace: string[];
}

function run(reuse: boolean): Watched {
  const trace: string[] = [];
  let w: Watched | undefined;
  const out = runScenario(parseScenario(SCENARIO, 'reused-entries'), {
    observer: (sim) => {
      const s = sim as unknown as Internals;
      const consensus = s.xcom.consensus;
      // A payload no message has: no entry is reused.
      if (!reuse) consensus.reuseEntriesOf({});
      const watched: Watched = { sim, wrong: [], trimmedWhileBuffered: 0, released: 0, objects: new Set(), decided: new Map(), trace };
      w = watched;
      const execute = s.xcom.up.execute.bind(s.xcom.up);
      s.xcom.up.execute = (i, e) => {
        const snap = snapshot(e);
        const first = watched.decided.get(e.index);
        if (first === undefined) watched.decided.set(e.index, snap);
        else if (first !== snap) watched.wrong.push(`member ${i} executed entry ${e.index} as ${snap}, decided as ${first}`);
        watched.objects.add(e);
        execute(i, e);
      };
      for (const g of s.gcsNodes) {
        const taken = new WeakMap<Buffered, string>();
        const deliver = g.deliverData.bind(g), done = g.globalViewDone.bind(g);
        g.deliverData = (entry, last) => {
          const n = g.buffered.length;
          deliver(entry, last);
          if (g.buffered.length > n) taken.set(g.buffered[n] as Buffered, snapshot(entry));
        };
        g.globalViewDone = () => {
          for (const b of g.buffered) {
            const snap = taken.get(b);
            if (snap === undefined) continue;
            watched.released++;
            if (snapshot(b.entry) !== snap) watched.wrong.push(`a buffered entry, taken as ${snap}, was handed on as ${snapshot(b.entry)}`);
          }
          done();
        };
      }
      const drop = consensus.dropLogPrefix.bind(consensus);
      consensus.dropLogPrefix = (n, low) => {
        for (const g of s.gcsNodes) for (const b of g.buffered) if (b.entry.index < low) watched.trimmedWhileBuffered++;
        drop(n, low);
      };
      return (e) => { trace.push(JSON.stringify(e)); };
    },
  });
  if (w === undefined || w.sim !== out.sim) throw new Error('the observer did not see the simulation');
  return w;
}

describe('reused statistics entries', () => {
  const on = run(true);

  it('GCS hands on a buffered entry with the values it was executed with', () => {
    // The run exercises what the test is about: GCS held entries that left the log before it handed them on.
    expect(on.trimmedWhileBuffered).toBeGreaterThan(0);
    expect(on.released).toBeGreaterThan(on.trimmedWhileBuffered);
    expect(on.wrong).toEqual([]);
  });

  it('are reused only once out of the log: each entry in the log is the one decided at its place', () => {
    // Entries were reused (fewer objects than entries executed).
    expect(on.objects.size).toBeLessThan(on.decided.size / 2);
    const consensus = (on.sim as unknown as Internals).xcom.consensus;
    let checked = 0;
    for (let k = consensus.logEnd - 1; k >= 0; k--) {
      const e = consensus.entry(k);
      if (e === undefined) break;
      if (on.decided.has(k)) {
        expect(snapshot(e)).toBe(on.decided.get(k));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('leave the run as it is without reuse', () => {
    const off = run(false);
    expect(off.objects.size).toBe(off.decided.size);
    expect(off.wrong).toEqual([]);
    expect(on.trace.length).toBeGreaterThan(1000);
    // Every decided entry, its proposer and times included, is the one decided without reuse.
    expect(on.decided.size).toBeGreaterThan(1000);
    expect([...on.decided]).toEqual([...off.decided]);
    expect(on.trace).toEqual(off.trace);
    for (const name of ['node1', 'node2', 'node3', 'node4', 'node5']) {
      expect(on.sim.member(name).replicationGroupMemberStats()).toEqual(off.sim.member(name).replicationGroupMemberStats());
    }
  });
});

/**
 * The decided entries (index → what they held when first executed) of a run whose member n3
 * freezes while its statistics message is in flight (the proposer collects the acks, so the value
 * goes back to its proposer, Consensus.onDecided) and whose member n2 is cut off for 3 s (its
 * messages wait in its proposer tasks and are decided once it is back). `reuse` false: no entry is
 * reused.
 */
function frozenAndCutOffRun(reuse: boolean): { decided: Map<number, string>; waitingWhileFrozen: number } {
  const sim = createSimulation({ seed: 44, members: ['n1', 'n2', 'n3', 'n4', 'n5'], mode: 'single-primary', traceSink: () => {} });
  const consensus = (sim as unknown as Internals).xcom.consensus;
  const x = (sim as unknown as Internals).xcom;
  if (!reuse) consensus.reuseEntriesOf({});
  const decided = new Map<number, string>();
  const execute = x.up.execute.bind(x.up);
  x.up.execute = (i, e) => {
    if (!decided.has(e.index)) decided.set(e.index, snapshot(e));
    execute(i, e);
  };
  let n3Proposed = false;
  const propose = consensus.proposeMessage.bind(consensus);
  consensus.proposeMessage = (i, kind, bytes, payload) => {
    if (i === 2) n3Proposed = true;
    propose(i, kind, bytes, payload);
  };
  sim.runFor('30s');
  n3Proposed = false;
  sim.runUntil(() => n3Proposed, { limit: '2s' });
  sim.network.freeze('n3');
  sim.runFor('1s');
  const waitingWhileFrozen = consensus.pendingCount(2);
  sim.runFor('9s');
  sim.network.thaw('n3');
  sim.runFor('5s');
  sim.network.isolate('n2');
  sim.runFor('3s');
  sim.network.heal('n2');
  sim.runFor('60s');
  return { decided, waitingWhileFrozen };
}

describe('reused statistics entries, with a frozen and a cut-off proposer', () => {
  it('a message that went back to its frozen proposer, or waited in a cut-off one, is decided as without reuse', () => {
    const on = frozenAndCutOffRun(true), off = frozenAndCutOffRun(false);
    // The run exercises both: n3's value went back to it while frozen, and some of n2's waited.
    expect(on.waitingWhileFrozen).toBeGreaterThan(0);
    expect(on.decided.size).toBeGreaterThan(300);
    expect([...on.decided]).toEqual([...off.decided]);
  });
});
