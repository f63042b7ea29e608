// The cache task's ticks are skipped on the kernel's tick lane until the node's wake time
// (xcom-cluster.ts, cacheWakeUs): a wake later than the one cacheWakeUs gives would skip a tick
// that may evict or report. A learn of an armed task leaves the wake as it is while it stands until
// the next sample (cacheWakeSteady), which must not outlive a cache left above its limit (a pass
// stopped at a protected slot). Checked after every learn of a workload whose small caches evict
// and then, with a member frozen past the live timeout and thawed, stop at protected slots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { XcomCluster } from '../../src/xcom/xcom-cluster.js';
import type { MessageCache } from '../../src/xcom/message-cache.js';

interface WakeProbe {
  readonly booted: Uint8Array;
  readonly cacheArmed: Uint8Array;
  readonly cacheWakesHeld: boolean;
  readonly cacheLane: { wakeUs(slot: number): number };
  readonly caches: MessageCache[];
  cacheWakeUs(i: number): number;
  setCacheLimit(i: number, bytes: number): void;
}

const proto = XcomCluster.prototype as unknown as { cacheLearned(this: WakeProbe, i: number, entry: unknown): void };
const original = proto.cacheLearned;
let checked = 0;
let aboveLimit = 0;
const late: string[] = [];

beforeAll(() => {
  proto.cacheLearned = function (this: WakeProbe, i: number, entry: unknown): void {
    original.call(this, i, entry);
    if (this.booted[i] !== 1 || this.cacheArmed[i] !== 1 || this.cacheWakesHeld) return;
    checked++;
    if ((this.caches[i] as MessageCache).aboveLimit()) aboveLimit++;
    const wake = this.cacheLane.wakeUs(i), due = this.cacheWakeUs(i);
    if (!(wake <= due) && late.length < 5) late.push(`node ${i}: wake ${wake} µs, later than ${due} µs`);
  };
});
afterAll(() => {
  proto.cacheLearned = original;
});

describe('the cache task wake time after a learn', () => {
  it('is never later than cacheWakeUs, through steady eviction, passes stopped at protected slots and back', () => {
    // Caches of 4 MiB fill within half a second, before their first growth sample; caches of
    // 24 MiB grow for seconds, with samples, before they evict.
    for (const mib of [4, 24]) {
      const sim = createSimulation({
        seed: 7, members: ['node1', 'node2', 'node3'], mode: 'multi-primary',
        network: { latencyUs: 200, jitterUs: 100, loss: 0 },
        workload: [{ member: 'node1', rate: 10_000, size: 1024 }],
      });
      const x = (sim as unknown as { xcom: WakeProbe }).xcom;
      for (let i = 0; i < 3; i++) x.setCacheLimit(i, mib * 2 ** 20);
      sim.at('12s', (s) => s.network.freeze('node3'));
      sim.at('24s', (s) => s.network.thaw('node3'));
      sim.runUntil('40s');
      expect(late).toEqual([]);
      expect(checked).toBeGreaterThan(5_000);
      // Some learns left a cache above its limit (protected) with its task armed.
      expect(aboveLimit).toBeGreaterThan(10);
      expect(x.caches[0]?.freedSlots).toBeGreaterThan(0);
      checked = 0;
      aboveLimit = 0;
    }
  });
});
