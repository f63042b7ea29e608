/**
 * Regression (docs/findings/README.md, "Resolved: minority-never-expels, a rejoiner's own removal
 * request"; explore seed 99, chunk 254, simulation seed 2147483114, 9.x): node1, rejoined for the
 * seventh time, booted its XCom into the add_node configuration that admitted it with the snapshot
 * (site_def.cc import_config), which the trace does not record as activated by node1. At the heal
 * of a [node3, node5] split node1 delivers a global view that marks itself and node4 failed and asks,
 * with the majority of that five-node configuration, to remove them (gcs_xcom_control_interface.cc,
 * Gcs_suspicions_manager::run_process_suspicions; 2 of 5 suspects). Three removals decided together
 * then take node3's configuration to [node3, node5, node1], [node3, node1] and [node3]: the last is
 * node1's own request. no-expel-without-majority dated that request by the last configuration the
 * trace showed node1 activate (none: the boot configuration), took it for a request about an older
 * incarnation of node1, and reported the removal as an expel nobody asked for.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { noExpelWithoutMajority, parseScenario, runRecordOf, runScenario } from '../../src/index.js';

const FILE = new URL('./fixtures/rejoiner-request-in-boot-configuration.yaml', import.meta.url);

describe('a rejoiner\'s removal request belongs to the configuration its XCom booted into', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'rejoiner-request-in-boot-configuration.yaml'));
  const record = runRecordOf(run.sim);
  const SEC = 1_000_000;

  it('reaches the case: node1 asks to remove itself, and node3 activates [node3] after [node3, node1]', () => {
    const own = run.sim.trace.filter((e) => e.type === 'suspicion' && e.action === 'expelRequested' && e.member === 'node1' && e.t > 283 * SEC);
    expect(own.map((e) => e.type === 'suspicion' && e.suspect)).toEqual(['node1']);
    // node1 activated no configuration of its current incarnation before that request.
    const node1Configs = run.sim.trace.filter((e) => e.type === 'config' && e.member === 'node1' && e.t > 79 * SEC && e.t < own[0]!.t);
    expect(node1Configs).toEqual([]);
    const node3 = run.sim.trace.filter((e) => e.type === 'config' && e.member === 'node3' && e.t > 283 * SEC && e.t < 284 * SEC);
    expect(node3.map((e) => e.type === 'config' && e.nodes.join(','))).toEqual(['node3,node5,node1', 'node3,node1', 'node3']);
  });

  it('no-expel-without-majority accepts the removal of node1 as its own request', () => {
    expect(noExpelWithoutMajority.check(record)).toBeNull();
  });

  it('without that request the same removal is still reported', () => {
    const trace = record.trace.filter((e) => !(e.type === 'suspicion' && e.action === 'expelRequested' && e.member === 'node1' && e.suspect === 'node1'));
    const v = noExpelWithoutMajority.check({ ...record, trace });
    expect(v?.message).toContain('node3 activated XCom configuration [node3] that removes node1 from [node3, node1]');
  });
});
