// shrinkCache runs its pass first on a floor of the protection bound (xcom-cluster.ts,
// deliveredFloor): while the floor covers the node's configuration it must be at most every
// delivered msgno the node has heard from that configuration's nodes, itself included, whatever
// was heard since it was worked out (a restarted member, a joiner or a lagging one may announce a
// lower msgno than before). Checked before every shrink_cache of runs with evicting caches and
// faults: crashes and restarts, freezes, isolations, generated fault schedules.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultSchedule, scheduleToScenario } from '../../src/arbitraries/index.js';
import { createSimulation, parseScenario, runScenario } from '../../src/index.js';
import { XcomCluster } from '../../src/xcom/xcom-cluster.js';
import type { XcomConfig } from '../../src/xcom/xcom-config.js';

interface FloorProbe {
  readonly n: number;
  seeDelivered(i: number, p: number, msgno: number): void;
  readonly config: (XcomConfig | null)[];
  readonly deliveredSeen: Float64Array;
  readonly deliveredFloor: Float64Array;
  readonly deliveredFloorCfg: (XcomConfig | null)[];
}

const proto = XcomCluster.prototype as unknown as { shrinkCache(this: FloorProbe, i: number): void };
const original = proto.shrinkCache;
/** shrink_cache calls that found a floor for their node's configuration, and the violations seen. */
let checked = 0;
let violations: string[] = [];

beforeAll(() => {
  proto.shrinkCache = function (this: FloorProbe, i: number): void {
    const cfg = this.config[i];
    if (cfg != null && this.deliveredFloorCfg[i] === cfg) {
      checked++;
      const floor = this.deliveredFloor[i] as number;
      if (!cfg.nodes.includes(i)) violations.push(`node ${i} has a floor for a configuration without it`);
      for (const j of cfg.nodes) {
        const heard = this.deliveredSeen[i * this.n + j] as number;
        if (!(floor <= heard) && violations.length < 5) violations.push(`node ${i}: floor ${floor} above ${j}'s delivered msgno ${heard}`);
      }
    }
    original.call(this, i);
  };
});
afterAll(() => {
  proto.shrinkCache = original;
});

function expectFloorsHeld(minChecked: number): void {
  expect(violations).toEqual([]);
  expect(checked).toBeGreaterThan(minChecked);
  checked = 0;
  violations = [];
}

describe('the delivered floor of shrink_cache', () => {
  it('stays at or below what each node heard while members crash, restart, freeze and are cut off under a workload that keeps the caches evicting', () => {
    for (const seed of [5, 11]) {
      const sim = createSimulation({
        seed, members: ['node1', 'node2', 'node3', 'node4', 'node5'], mode: 'multi-primary',
        network: { latencyUs: 200, jitterUs: 100, loss: 0 },
        options: { group_replication_message_cache_size: 134_217_728 },
        workload: [{ member: 'node1', rate: 10_000, size: 1024 }, { member: 'node2', rate: 500, size: 4096 }],
      });
      sim.at('15s', (s) => s.network.freeze('node3'));
      sim.at('24s', (s) => s.network.thaw('node3'));
      sim.at('30s', (s) => s.network.isolate('node2'));
      sim.at('41s', (s) => s.network.heal('node2'));
      sim.at('50s', (s) => s.network.crash('node4'));
      sim.at('56s', (s) => s.network.restart('node4'));
      sim.runUntil('110s');
      expect(sim.member('node5').xcomCache().evicted).toBeGreaterThan(0);
    }
    expectFloorsHeld(10_000);
  });

  it('on restarts and regroupings of the rules fixtures, and on generated fault schedules (with the earlier model, as the trace hashes run them)', () => {
    // Among these, members hear a delivered msgno below the floor they hold (a restarted member's,
    // a regrouped one's), and shrink_cache runs on that floor before it is worked out again.
    for (const f of ['regrouped-view-id.yaml', 'state-exchange-in-total-order-restart-5.yaml']) {
      runScenario(parseScenario(readFileSync(new URL(`../rules/fixtures/${f}`, import.meta.url), 'utf8'), f));
    }
    const samples = fc.sample(fc.tuple(faultSchedule({ maxFaults: 6 }), fc.integer({ min: 0, max: 1e6 })), { seed: 20261130, numRuns: 40 });
    for (const [schedule, seed] of samples) {
      const scenario = scheduleToScenario(schedule, seed);
      runScenario({ ...scenario, model: { ...scenario.model, flowControlStatsTraffic: 0, xcomRetryBackoff: 0 } });
    }
    expectFloorsHeld(100);
  });

  it('goes down with a delivered msgno heard below it, before the next pass runs on it', () => {
    // The bench group with its caches evicting; node2 then hears node1 announce a delivered msgno
    // below node2's floor (as receive records an i_am_alive, or a collected quiet one): the floor
    // the next learns' passes run on must be at most that.
    const sim = createSimulation({
      seed: 4, members: ['node1', 'node2', 'node3'], mode: 'multi-primary',
      options: { group_replication_message_cache_size: 134_217_728 },
      workload: [{ member: 'node1', rate: 10_000, size: 1024 }],
    });
    sim.runFor('20s');
    const x = (sim as unknown as { xcom: FloorProbe }).xcom;
    expect(x.deliveredFloorCfg[1]).toBe(x.config[1]);
    const below = (x.deliveredFloor[1] as number) - 1_000;
    x.seeDelivered(1, 1 * x.n + 0, below);
    expect(x.deliveredFloor[1]).toBe(below);
    sim.runFor('50ms');
    expectFloorsHeld(10);
  });
});
