/**
 * PipelineStats: each member's store of the copies it received (pipeline_stats.cc
 * Flow_control_module::handle_stats_data). A delivery stores a reference to the sender's latest
 * broadcast, written out only when the sender's next broadcast changes it; what a reader sees must
 * be what a copy taken at each delivery would show.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PipelineStats, type PipelineMemberStats } from '../../src/gr/pipeline-stats.js';

const N = 4;

/** The store as a plain copy at every delivery: the behaviour the references must match. */
class CopyingStore {
  readonly certified = new Array<number>(N).fill(0);
  readonly applied = new Array<number>(N).fill(0);
  readonly local = new Array<number>(N).fill(0);
  readonly sent = new Array<PipelineMemberStats | null>(N).fill(null);
  readonly received = new Map<number, PipelineMemberStats>();

  constructor(private readonly waiting: (slot: number) => number) {}

  current(slot: number): PipelineMemberStats {
    return {
      waitingCertification: 0, waitingApply: this.waiting(slot), certified: this.certified[slot]!, applied: this.applied[slot]!,
      local: this.local[slot]!, localRollback: 0, negativeCertified: 0, rowsValidating: 0, committedAllMembers: '', lastConflictFree: '',
    };
  }
}

describe('PipelineStats received copies', () => {
  it('an observer keeps the copy it received when the sender broadcasts new counts it has not received', () => {
    const stats = new PipelineStats(3);
    stats.delivered(0, 0, 5);
    stats.send(0);
    stats.receive(1, 0);
    stats.receive(2, 0);
    stats.delivered(0, 1, 3);
    stats.send(0);
    stats.receive(2, 0);
    expect(stats.receivedFrom(1, 0)).toMatchObject({ certified: 5, local: 5, applied: 0 });
    expect(stats.receivedFrom(2, 0)).toMatchObject({ certified: 8, local: 5, applied: 3 });
    stats.receive(1, 0);
    expect(stats.receivedFrom(1, 0)).toMatchObject({ certified: 8, local: 5, applied: 3 });
  });

  it('a restarted sender\'s zeroed counts do not reach an observer until it receives them', () => {
    const stats = new PipelineStats(2);
    stats.delivered(0, 0, 4);
    stats.send(0);
    stats.receive(1, 0);
    stats.restartModules(0);
    expect(stats.receivedFrom(1, 0)).toMatchObject({ certified: 4 });
    stats.send(0);
    expect(stats.receivedFrom(1, 0)).toMatchObject({ certified: 4 });
    stats.receive(1, 0);
    expect(stats.receivedFrom(1, 0)).toMatchObject({ certified: 0 });
    stats.restartModules(1);
    expect(stats.receivedFrom(1, 0)).toBeNull();
  });

  it('any sequence of deliveries, broadcasts, receipts (one or many at once) and restarts reads as copies taken at each receipt', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('delivered' as const), slot: fc.nat(N - 1), proposer: fc.nat(N - 1), tx: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('send' as const), slot: fc.nat(N - 1) }),
      fc.record({ kind: fc.constant('receive' as const), observer: fc.nat(N - 1), sender: fc.nat(N - 1) }),
      fc.record({ kind: fc.constant('receiveAll' as const), sender: fc.nat(N - 1), observers: fc.nat((1 << N) - 1) }),
      fc.record({ kind: fc.constant('restart' as const), slot: fc.nat(N - 1) }),
      fc.record({ kind: fc.constant('queue' as const), slot: fc.nat(N - 1), waiting: fc.integer({ min: 0, max: 2 }) }),
    );
    fc.assert(fc.property(fc.array(op, { minLength: 20, maxLength: 80 }), (ops) => {
      const waiting = new Array<number>(N).fill(0);
      const stats = new PipelineStats(N, { waitingApply: (s) => waiting[s]!, committedAllMembers: () => '', lastConflictFree: () => '' });
      const model = new CopyingStore((s) => waiting[s]!);
      for (const o of ops) {
        switch (o.kind) {
          case 'delivered':
            stats.delivered(o.slot, o.proposer, o.tx);
            model.certified[o.slot]! += o.tx;
            if (o.proposer === o.slot) model.local[o.slot]! += o.tx;
            else model.applied[o.slot]! += o.tx;
            break;
          case 'send':
            stats.send(o.slot);
            model.sent[o.slot] = model.current(o.slot);
            break;
          case 'receive': {
            stats.receive(o.observer, o.sender);
            const copy = model.sent[o.sender];
            if (copy !== null && copy !== undefined) model.received.set(o.observer * N + o.sender, copy);
            break;
          }
          case 'receiveAll': {
            stats.receiveAll(o.sender, o.observers);
            const copy = model.sent[o.sender];
            for (let observer = 0; observer < N; observer++) {
              if (copy !== null && copy !== undefined && ((o.observers >> observer) & 1) === 1) model.received.set(observer * N + o.sender, copy);
            }
            break;
          }
          case 'restart':
            stats.restartModules(o.slot);
            model.certified[o.slot] = 0;
            model.applied[o.slot] = 0;
            model.local[o.slot] = 0;
            model.sent[o.slot] = null;
            for (let s = 0; s < N; s++) model.received.delete(o.slot * N + s);
            break;
          case 'queue':
            waiting[o.slot] = o.waiting;
            break;
        }
        for (let observer = 0; observer < N; observer++) {
          expect(stats.current(observer)).toEqual(model.current(observer));
          for (let sender = 0; sender < N; sender++) {
            expect(stats.receivedFrom(observer, sender)).toEqual(model.received.get(observer * N + sender) ?? null);
          }
        }
      }
    }), { numRuns: 100 });
  });
});
