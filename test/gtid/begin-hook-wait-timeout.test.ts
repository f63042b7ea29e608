/**
 * The session's wait_timeout bounds each wait of Group Replication's begin hook: sql/rpl_handler.cc
 * passes thd->variables.net_wait_timeout as Trans_param hold_timeout, and consistency_manager.cc
 * before_transaction_begin hands it to
 * - transaction_begin_sync_before_execution → wait_for_gtid_set_committed (BEFORE's wait for the
 *   applier; ER_GRP_TRX_CONSISTENCY_BEFORE, 3797),
 * - transaction_begin_sync_prepared_transactions → Wait_ticket::waitTicket (the wait behind another
 *   member's prepared AFTER transaction; ER_GRP_TRX_CONSISTENCY_AFTER_ON_TRX_BEGIN, 3798),
 * - Hold_transactions::wait_until_primary_failover_complete (a new primary's hold, one-second
 *   waits counted up to the timeout; ER_GR_HOLD_WAIT_TIMEOUT, 3781).
 * The wait for BEFORE's own Sync_before_execution_message has no timeout.
 */
import { describe, expect, it } from 'vitest';
import { failoverWithBacklog } from '../helpers/failover-backlog.js';
import { ConfigError, createSimulation, parseScenario, runScenario, ScenarioError, scenarioToYaml, type Simulation, type WriteRecord } from '../../src/index.js';

const SEC = 1_000_000;

/** node2 applies 1,000 transactions a second while node1 writes 2,000 a second for 3 s: at 3 s node2 is about 3,000 behind. */
function node2Behind(): Simulation {
  const sim = createSimulation({
    seed: 9, mode: 'multi-primary', members: ['node1', 'node2', 'node3'],
    model: { applierTransactionUs: 1000 },
    workload: [{ member: 'node1', rate: 2000, size: 512, from: 0, to: 3 * SEC }],
  });
  sim.runUntil(3 * SEC + 10_000);
  expect(sim.member('node2').transactionCounters().remoteInApplierQueue).toBeGreaterThan(2_500);
  return sim;
}

describe('BEFORE: the wait for the applier is bounded by wait_timeout', () => {
  it('a BEFORE write whose applier wait outlasts its session\'s wait_timeout fails with 3797; with the default it commits', () => {
    const sim = node2Behind();
    const submittedUs = sim.nowUs;
    const short = sim.member('node2').write({ consistency: 'BEFORE', wait_timeout: 1 });
    const patient = sim.member('node2').write({ consistency: 'BEFORE' });
    expect(patient.waitTimeoutS).toBe(28_800);
    sim.runUntil(10 * SEC);
    expect(short.outcome).toBe('refused');
    expect(short.error).toBe("ERROR 3797 (HY000): Error while waiting for group transactions commit on group_replication_consistency= 'BEFORE'.");
    // One second after the Sync_before_execution_message came back (a group round trip, well under 10 ms).
    expect(short.atUs! - submittedUs).toBeGreaterThanOrEqual(1 * SEC);
    expect(short.atUs! - submittedUs).toBeLessThan(1 * SEC + 10_000);
    expect(patient.outcome).toBe('committed');
    expect(patient.atUs! - submittedUs).toBeGreaterThan(2 * SEC);
    // The refused one never reached the group: node2 proposed only the patient one.
    expect(sim.member('node2').transactionCounters().localProposed).toBe(1);
  });
});

describe('behind a prepared AFTER transaction: the wait is bounded by wait_timeout', () => {
  it('an EVENTUAL write waiting behind node1\'s held AFTER transaction fails with 3798 after its wait_timeout', () => {
    const sim = createSimulation({
      seed: 5, mode: 'multi-primary', members: ['node1', 'node2', 'node3'],
      options: { group_replication_member_expel_timeout: 3600 },
    });
    sim.at(10 * SEC, (s) => s.network.isolate('node3'));
    sim.runUntil(20 * SEC);
    sim.member('node1').write({ consistency: 'AFTER' });
    sim.runUntil(25 * SEC);
    const waits: WriteRecord = sim.member('node2').write({ consistency: 'EVENTUAL', wait_timeout: 2 });
    const patient: WriteRecord = sim.member('node2').write({ consistency: 'EVENTUAL', wait_timeout: 60 });
    sim.runUntil(40 * SEC);
    expect(waits.outcome).toBe('refused');
    expect(waits.error).toBe("ERROR 3798 (HY000): Error while waiting for transactions with group_replication_consistency= 'AFTER' to commit.");
    expect(waits.atUs).toBe(25 * SEC + 2 * SEC);
    expect(patient.outcome).toBe('pending');
    sim.network.heal('node3');
    sim.runUntil(50 * SEC);
    expect(patient.outcome).toBe('committed');
  });
});

describe('a new primary\'s hold is bounded by wait_timeout', () => {
  /** The failover of seed 21 (failoverWithBacklog), the client's write with `waitTimeoutS`. */
  function failover(waitTimeoutS: number): { readonly write: WriteRecord; readonly electedUs: number } {
    return failoverWithBacklog({ group_replication_consistency: 'BEFORE_ON_PRIMARY_FAILOVER' }, (m) => m.write({ wait_timeout: waitTimeoutS }));
  }

  it('a held write fails with 3781 after wait_timeout seconds; with a longer one it commits once the primary is ready', () => {
    const short = failover(3);
    expect(short.write.outcome).toBe('refused');
    expect(short.write.error).toBe('ERROR 3781 (HY000): Timeout exceeded for held statement while new Group Replication primary member is applying backlog.');
    expect(short.write.atUs).toBe(short.electedUs + 3 * SEC);
    const long = failover(60);
    expect(long.write.outcome).toBe('committed');
    expect(long.write.atUs! - long.electedUs).toBeGreaterThan(5 * SEC);
  });
});

describe('wait_timeout in the API and in scenarios', () => {
  it('refuses a wait_timeout that MySQL would not hold, naming the field', () => {
    const sim = createSimulation({ seed: 1, members: ['a', 'b', 'c'] });
    for (const bad of [0, 1.5, 31_536_001, '60'] as unknown[]) {
      expect(() => sim.member('a').write({ wait_timeout: bad as number })).toThrow(ConfigError);
      expect(() => sim.member('a').write({ wait_timeout: bad as number })).toThrow(/wait_timeout/);
    }
  });

  it('a scenario\'s write takes wait_timeout, checks it, and writes it back to YAML', () => {
    const yaml = (w: string): string => `name: t\nseed: 1\nmembers: [a, b, c]\nevents:\n  - at: "+1s"\n    write: ${w}\nuntil: "+5s"\n`;
    const s = parseScenario(yaml('{ member: a, consistency: BEFORE, wait_timeout: 30 }'), 't.yaml');
    expect(scenarioToYaml(s)).toContain('wait_timeout: 30');
    expect(parseScenario(scenarioToYaml(s), 'again.yaml')).toEqual(s);
    const run = runScenario(s);
    expect(run.sim.writes[0]!.waitTimeoutS).toBe(30);
    expect(run.sim.writes[0]!.outcome).toBe('committed');
    expect(() => parseScenario(yaml('{ member: a, wait_timeout: 0 }'), 'bad.yaml')).toThrow(ScenarioError);
    expect(() => parseScenario(yaml('{ member: a, wait_timeout: 0 }'), 'bad.yaml')).toThrow(/events\[0\]\.write\.wait_timeout/);
  });
});
