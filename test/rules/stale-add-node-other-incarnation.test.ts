/**
 * An add_node decided late for an earlier join attempt does not admit the current attempt's XCom.
 * Scenario from `grsim explore` (healed-group-converges, 8.0.21 multi-primary): node5 is killed and
 * restarted at once, so its first START is refused while its old incarnation is configured; a ring
 * then cuts the seed off for 81 s. The add_node of node5's second attempt (incarnation 3) stays
 * queued at the seed and is decided only after the heal, 5 s after that attempt timed out and a
 * third one (incarnation 4) started. Each attempt starts XCom with a new identity (GCS regenerates
 * the node's uuid on every join, Gcs_xcom_node_information::regenerate_member_uuid), and XCom finds
 * itself in a configuration by address and uuid, so that configuration admits the old instance,
 * not the running one. grsim booted the running instance into it anyway: node5 installed the view,
 * went RECOVERING, and its recovery-end message could never be decided (RECOVERING 675 s after the
 * last fault). Now the attempt times out, the stale incarnation is expelled as a non-member, and
 * a later START joins. (Since the START waits once, 60 s, for its join view as MySQL's does, node5's
 * first START gives up with MY-011640 at +61.1 s; the fixture has the operator START it again at
 * +300 s, after the stale incarnation's non-member expel.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario } from '../../src/index.js';
import { SEC } from './helpers.js';

const FILE = new URL('./fixtures/stale-add-node-other-incarnation.yaml', import.meta.url);

describe('a late add_node of an earlier join attempt', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'stale-add-node-other-incarnation.yaml'));
  const sim = run.sim;

  it('does not put the running attempt in a view as the old incarnation', () => {
    const node5Views = sim.trace.filter((e) => e.type === 'view' && e.member === 'node5' && e.viewId !== '');
    expect(node5Views.length).toBeGreaterThan(0);
    // The stale admission was decided at 101.5 s; node5 installs a view only after a later START.
    expect(node5Views[0]!.t).toBeGreaterThan(110 * SEC);
    expect(sim.trace.some((e) => e.type === 'log' && e.member === 'node5' && e.code === 'MY-011640' && e.t < 101 * SEC)).toBe(true);
  });

  it('node5 ends ONLINE in the same view as everyone', () => {
    expect(sim.member('node5').state).toBe('ONLINE');
    const ids = new Set(['node1', 'node2', 'node3', 'node4', 'node5'].map((m) => sim.member(m).viewId()));
    expect(ids.size).toBe(1);
    expect(invariantByName('liveness-after-quiet-period')!.check(runRecordOf(sim))).toBeNull();
  });
});
