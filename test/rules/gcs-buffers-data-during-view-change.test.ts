/**
 * GCS hands data messages and views to the plugin in delivery order and buffers data messages while
 * a view change (its state exchange) is in progress (gcs_xcom_communication_interface.cc
 * buffer_incoming_packets). Scenario from `grsim explore` (one-primary-per-view, 8.0.20
 * single-primary, 50 % loss for 54.6 s, expel timeout 0): node5 rejoins; the view that removes the
 * primary node4 is ordered before node5's recovery-end message, so every member, node5 included,
 * elects at that view with node5 still RECOVERING. node5 used to process its own ONLINE message
 * first (delivered at once, while the view waited 2.2 ms in the GCS engine and state exchange),
 * then elected itself, while node1 and node2 elected node1.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario } from '../../src/index.js';

const FILE = new URL('./fixtures/joiner-online-after-view.yaml', import.meta.url);

describe('data messages wait for a view change in progress', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'joiner-online-after-view.yaml'));

  it('every member elects the same primary in the view that removes the old one', () => {
    expect(invariantByName('one-primary-per-view')!.check(runRecordOf(run.sim))).toBeNull();
    const elected = run.sim.trace.filter((e) => e.type === 'log' && e.code === 'MY-011507' && e.t > 190 * 1e6 && e.t < 193 * 1e6)
      .map((e) => (e as { message: string }).message);
    expect(elected.length).toBeGreaterThanOrEqual(3);
    expect(new Set(elected).size).toBe(1);
  });

  it('the rejoining member becomes ONLINE only after installing that view', () => {
    const node5 = run.sim.trace.filter((e) => e.type === 'log' && e.member === 'node5' && e.t > 190 * 1e6 && e.t < 193 * 1e6);
    const online = node5.find((e) => e.type === 'log' && e.code === 'MY-011490')!;
    const removal = node5.find((e) => e.type === 'log' && e.code === 'MY-011499')!;
    expect(removal.t).toBeLessThanOrEqual(online.t);
    expect(node5.some((e) => e.type === 'log' && e.code === 'MY-011510')).toBe(false); // never "working as primary"
  });
});
