/**
 * What each network inverse undoes (issue 11): repair() only partitions, restore() only one-way
 * cuts, heal(m) every cut touching m whatever verb made it, heal() every cut; none of them thaws or
 * restarts a process. The trace replay used by metrics and invariants agrees with the network.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../src/kernel/kernel.js';
import { CUT_BY_ISOLATED_TO, CUT_BY_ONE_WAY, CUT_BY_PARTITION, LinkFaults } from '../../src/network/link-faults.js';
import { DEFAULT_NETWORK } from '../../src/network/network-options.js';
import { Network } from '../../src/network/network.js';
import { NetworkReplay } from '../../src/observe/network-replay.js';
import { RandomStream } from '../../src/rng/random-stream.js';

function upPairs(isUp: (a: number, b: number) => boolean, n: number): string[] {
  const out: string[] = [];
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b && isUp(a, b)) out.push(`${a}->${b}`);
  return out;
}

describe('LinkFaults inverses', () => {
  it('heal of every member after a partition brings every link up', () => {
    const f = new LinkFaults(5);
    f.partition([[0, 1, 2], [3, 4]]);
    expect(f.isUp(0, 3)).toBe(false);
    expect(f.causes(3, 0)).toBe(CUT_BY_PARTITION);
    f.healAll();
    expect(f.allUp).toBe(true);
    expect(upPairs((a, b) => f.isUp(a, b), 5)).toHaveLength(20);
  });

  it('heal(m) during a partition restores both directions of every link of m, and only those', () => {
    const f = new LinkFaults(3);
    f.partition([[0], [1], [2]]);
    f.heal(2);
    for (const p of [0, 1]) {
      expect(f.isUp(2, p)).toBe(true);
      expect(f.isUp(p, 2)).toBe(true);
    }
    // The partition still separates the two other members.
    expect(f.isUp(0, 1)).toBe(false);
    expect(f.isUp(1, 0)).toBe(false);
    expect(f.allUp).toBe(false);
  });

  it('heal(m) removes one-way cuts to and from m and its isolation, not cuts between others', () => {
    const f = new LinkFaults(3);
    f.isolate(2);
    f.cut(0, 2);
    f.cut(2, 1);
    f.cut(0, 1);
    f.heal(2);
    expect(f.isIsolated(2)).toBe(false);
    expect(f.isUp(0, 2)).toBe(true);
    expect(f.isUp(2, 1)).toBe(true);
    expect(f.causes(0, 1)).toBe(CUT_BY_ONE_WAY);
  });

  it('repair() undoes partitions only: isolations and one-way cuts stay', () => {
    const f = new LinkFaults(3);
    f.partition([[0, 1], [2]]);
    f.isolate(1);
    f.cut(0, 1);
    f.repair();
    expect(f.isUp(0, 2)).toBe(true);
    expect(f.isUp(2, 0)).toBe(true);
    expect(f.causes(0, 1)).toBe(CUT_BY_ONE_WAY | CUT_BY_ISOLATED_TO);
    expect(f.isPartitioned(0, 2)).toBe(false);
  });

  it('restoreAll() undoes one-way cuts only: partitions and isolations stay', () => {
    const f = new LinkFaults(3);
    f.partition([[0, 1], [2]]);
    f.isolate(1);
    f.cut(0, 2);
    f.restoreAll();
    expect(f.causes(0, 2)).toBe(CUT_BY_PARTITION);
    expect(f.isIsolated(1)).toBe(true);
  });

  it('a link cut by two verbs stays down until both are undone (or heal removes both)', () => {
    const f = new LinkFaults(2);
    f.partition([[0], [1]]);
    f.cut(0, 1);
    f.repair();
    expect(f.isUp(0, 1)).toBe(false);
    expect(f.isUp(1, 0)).toBe(true);
    f.partition([[0], [1]]);
    f.heal(0);
    expect(f.allUp).toBe(true);
  });

  it('copy() is independent of the original', () => {
    const f = new LinkFaults(2);
    f.isolate(0);
    const c = f.copy();
    f.healAll();
    expect(c.isIsolated(0)).toBe(true);
    expect(c.allUp).toBe(false);
    expect(f.allUp).toBe(true);
  });
});

describe('Network heal', () => {
  const network = (n: number): Network => new Network(new Kernel(), new RandomStream('links'), n, DEFAULT_NETWORK);

  it('heal() after a partition lets messages through again', () => {
    const net = network(3);
    net.partition([[0, 1], [2]]);
    expect(net.send(0, 2, 0, 0, 0)).toBe(-1);
    net.heal();
    expect(net.isPathUp(0, 2)).toBe(true);
    expect(net.send(0, 2, 0, 0, 0)).toBeGreaterThan(0);
  });

  it('heal() leaves a frozen process frozen and a stopped one stopped', () => {
    const net = network(3);
    net.freeze(1);
    net.stopProcess(2);
    net.isolate(1);
    net.heal();
    expect(net.isPathUp(0, 1)).toBe(true);
    expect(net.frozen[1]).toBe(1);
    expect(net.running[2]).toBe(0);
  });
});

/** A verb on three members, as the Network applies it and as a trace records it. */
type Verb =
  | { v: 'partition'; groups: readonly (readonly number[])[] } | { v: 'repair' } | { v: 'cut'; a: number; b: number }
  | { v: 'restore'; a: number; b: number } | { v: 'restoreAll' } | { v: 'isolate'; m: number }
  | { v: 'heal'; m: number } | { v: 'healAll' };

const NAMES = ['a', 'b', 'c'];
const member = fc.integer({ min: 0, max: 2 });
const pair = fc.tuple(member, member).filter(([a, b]) => a !== b);
const verb: fc.Arbitrary<Verb> = fc.oneof(
  fc.constantFrom([[0], [1, 2]], [[0, 1], [2]], [[1], [0, 2]], [[0], [1], [2]]).map((groups) => ({ v: 'partition' as const, groups })),
  fc.constant({ v: 'repair' as const }),
  pair.map(([a, b]) => ({ v: 'cut' as const, a, b })),
  pair.map(([a, b]) => ({ v: 'restore' as const, a, b })),
  fc.constant({ v: 'restoreAll' as const }),
  member.map((m) => ({ v: 'isolate' as const, m })),
  member.map((m) => ({ v: 'heal' as const, m })),
  fc.constant({ v: 'healAll' as const }),
);

describe('NetworkReplay', () => {
  it('replaying the trace events of any verb sequence gives the network\'s links', () => {
    fc.assert(fc.property(fc.array(verb, { maxLength: 12 }), (verbs) => {
      const net = new Network(new Kernel(), new RandomStream('replay'), 3, DEFAULT_NETWORK);
      const replay = new NetworkReplay(new Map(NAMES.map((x, i) => [x, i])));
      const t = 0;
      for (const x of verbs) {
        switch (x.v) {
          case 'partition':
            net.partition(x.groups);
            replay.apply({ type: 'network', t, action: 'partition', detail: x.groups.map((g) => `[${g.map((i) => NAMES[i]).join(',')}]`).join(' ') });
            break;
          case 'repair': net.repair(); replay.apply({ type: 'network', t, action: 'repair', detail: 'all' }); break;
          case 'cut': net.cut(x.a, x.b); replay.apply({ type: 'network', t, action: 'cut', detail: `${NAMES[x.a]}->${NAMES[x.b]}` }); break;
          case 'restore': net.restore(x.a, x.b); replay.apply({ type: 'network', t, action: 'restore', detail: `${NAMES[x.a]}->${NAMES[x.b]}` }); break;
          case 'restoreAll': net.restoreAll(); replay.apply({ type: 'network', t, action: 'restore', detail: 'all' }); break;
          case 'isolate': net.isolate(x.m); replay.apply({ type: 'network', t, action: 'isolate', detail: NAMES[x.m]! }); break;
          case 'heal': net.heal(x.m); replay.apply({ type: 'network', t, action: 'heal', detail: NAMES[x.m]! }); break;
          case 'healAll': net.heal(); replay.apply({ type: 'network', t, action: 'heal', detail: 'all' }); break;
        }
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(replay.linkUp(a, b)).toBe(net.isLinkUp(a, b));
        expect(replay.linksHealed).toBe(upPairs((a, b) => net.isLinkUp(a, b), 3).length === 6);
      }
      // heal() always ends every link fault.
      net.heal();
      expect(upPairs((a, b) => net.isLinkUp(a, b), 3)).toHaveLength(6);
    }));
  });
});
