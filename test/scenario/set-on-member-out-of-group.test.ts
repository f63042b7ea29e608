/**
 * `set` on a member that is out of the group. A member in ERROR still runs its mysqld, so SET
 * GLOBAL works there: the value is stored and used when Group Replication next reads it (here the
 * primary election after a STOP/START rejoin reads group_replication_member_weight,
 * primary_election_utils.cc). A crashed or aborted server has no mysqld to run the statement on:
 * the run stops with a ScenarioError naming the event, its line, the member and why it is down
 * (before the run when a `crash` event downed it, when the event fires when ABORT_SERVER did).
 */
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, ScenarioError } from '../../src/index.js';

/** node3 loses its majority at 5 s and leaves to ERROR at ~15 s (no auto-rejoin), unless its exit state action says otherwise. */
const HEAD = (exitStateAction: string): string => `name: out-of-group
seed: 2
members: [node1, node2, node3]
options: { group_replication_autorejoin_tries: 0, group_replication_unreachable_majority_timeout: 10, group_replication_exit_state_action: ${exitStateAction} }
events:
  - { at: "+5s", isolate: node3 }
`;

function refusal(text: string): ScenarioError {
  try {
    runScenario(parseScenario(text, 'f.yaml'), { source: 'f.yaml' });
  } catch (err) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error('the run was not refused');
}

describe('set on a member in ERROR', () => {
  /** node3 in ERROR gets `weight` (or keeps 50), rejoins by STOP and START, then the primary node1 crashes. */
  const run = (weight: string) => runScenario(parseScenario(`${HEAD('READ_ONLY')}${weight}
  - { at: "+40s", heal: node3 }
  - { at: "+50s", stop: node3 }
  - { at: "+51s", start: node3 }
  - { at: "+120s", crash: node1 }
until: "+200s"
`, 'f.yaml'), { source: 'f.yaml', snapshotsAtUs: [35_000_000] });

  const withSet = run('  - { at: "+30s", set: { member: node3, option: group_replication_member_weight, value: 10 } }');
  const without = run('');

  it('is stored while the member is in ERROR', () => {
    expect(withSet.snapshots.find((s) => s.member === 'node3')?.state).toBe('ERROR');
    expect(withSet.sim.trace.some((e) => e.type === 'option' && e.member === 'node3' && e.name === 'group_replication_member_weight' && e.value === 10 && e.t === 30_000_000)).toBe(true);
    expect(withSet.sim.member('node3').options().group_replication_member_weight).toBe(10);
  });

  it('takes effect once the member is back: the election after the primary crashes passes it over', () => {
    const primary = (r: typeof withSet): string[] => r.sim.members.filter((m) => m.running && m.state === 'ONLINE' && !m.superReadOnly).map((m) => m.name);
    expect(primary(withSet)).toEqual(['node2']);
    // Without the SET, equal weights leave the choice to the uuids, which pick node3 with this seed.
    expect(primary(without)).toEqual(['node3']);
  });
});

describe('set on a member whose server is down is refused at its line', () => {
  it('a crashed server: names the event, the member and the crash', () => {
    const err = refusal(`${HEAD('READ_ONLY')}  - { at: "+6s", crash: node3 }
  - { at: "+10s", set: { member: node3, option: group_replication_member_weight, value: 90 } }
`);
    expect(err.file).toBe('f.yaml');
    expect(err.line).toBe(8);
    expect(err.field).toBe('events[2].set');
    expect(err.value).toBe('node3');
    // Known from the schedule, so refused before the run.
    expect(err.message).toBe('f.yaml:8: events[2].set names a member whose server events[1] crashed at 6 s, with no restart since: ' +
      'a stopped server runs no SET GLOBAL (restart it first), got "node3"');
    // A restart in between makes the same SET valid.
    const restarted = runScenario(parseScenario(`${HEAD('READ_ONLY')}  - { at: "+6s", crash: node3 }
  - { at: "+8s", restart: node3 }
  - { at: "+10s", set: { member: node3, option: group_replication_member_weight, value: 90 } }
until: "+20s"
`, 'f.yaml'));
    expect(restarted.sim.member('node3').options().group_replication_member_weight).toBe(90);
  });

  it('a server Group Replication aborted (exit state action ABORT_SERVER): refused when the event fires', () => {
    const err = refusal(`${HEAD('ABORT_SERVER')}  - { at: "+60s", set: { member: node3, option: group_replication_consistency, value: AFTER } }
`);
    expect(err.message).toBe('f.yaml:7: events[1].set names a member whose server is not running (Group Replication stopped node3\'s mysqld, ' +
      'as group_replication_exit_state_action ABORT_SERVER does, or it crashed; its error log says when): a stopped server runs no SET GLOBAL ' +
      '(restart it first) when it fires at 60.000000 s, got "node3"');
  });

  it('start and stop on a crashed server are refused alike', () => {
    const head = `${HEAD('READ_ONLY')}  - { at: "+6s", crash: node3 }\n`;
    expect(refusal(`${head}  - { at: "+7s", stop: node3 }\n`).message).toContain('events[2].stop names a member whose server events[1] crashed at 6 s, with no restart since: a stopped server runs no STOP GROUP_REPLICATION (restart it first)');
    expect(refusal(`${head}  - { at: "+7s", start: node3 }\n`).message).toContain('a stopped server runs no START GROUP_REPLICATION');
  });

  it('a SET the running server refuses names the option and the member', () => {
    const err = refusal(`name: rejoin
seed: 2
members: [node1, node2, node3]
options: { group_replication_autorejoin_tries: 3, group_replication_unreachable_majority_timeout: 10 }
events:
  - { at: "+5s", isolate: node3 }
  - { at: "+60s", set: { member: node3, option: group_replication_autorejoin_tries, value: 1 } }
`);
    expect(err.message).toMatch(/^f\.yaml:7: events\[1\]\.set is refused on node3: group_replication_autorejoin_tries cannot be changed while an auto-rejoin is running/);
  });
});
