/**
 * The errant-transactions incident of docs/runbooks.md (scenarios/runbook-errant-transactions.yaml),
 * its claims checked: the refusal lines, node3 OFFLINE again with super_read_only as the operator
 * left it, the group seeing it join and leave, and every member's gtid_executed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport, parseScenario, runScenario } from '../../src/index.js';

const FILE = new URL('../../scenarios/runbook-errant-transactions.yaml', import.meta.url);
const SEC = 1_000_000;

describe('runbook: errant transactions refuse a START', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'runbook-errant-transactions.yaml'));
  const sim = run.sim;
  const g = sim.groupName;
  const uuid3 = sim.member('node3').uuid;
  const local = [`${g}:1-5`, `${uuid3}:1-2`].sort().join(',\n');

  it('node3 logs MY-011526 with both sets and MY-011522, then leaves (MY-011504) and is OFFLINE', () => {
    const lines = sim.member('node3').logEvents(2).filter((e) => e.t > 30 * SEC);
    const codes = lines.map((e) => e.code);
    expect(codes.indexOf('MY-011526')).toBeGreaterThanOrEqual(0);
    expect(codes.slice(codes.indexOf('MY-011526'), codes.indexOf('MY-011526') + 4)).toEqual(['MY-011526', 'MY-011522', 'MY-011503', 'MY-011504']);
    expect(lines[codes.indexOf('MY-011526')]!.message).toBe(
      `This member has more executed transactions than those present in the group. Local transactions: ${local} > Group transactions: ${g}:1-6`);
    expect(sim.member('node3').state).toBe('OFFLINE');
    expect(sim.member('node3').superReadOnly).toBe(false);
  });

  it('the group sees node3 join and leave again, and keeps its two members and its transactions', () => {
    const node1 = sim.member('node1').logEvents(2).filter((e) => e.t > 30 * SEC).map((e) => e.code);
    expect(node1).toEqual(['MY-011503', 'MY-011499', 'MY-011503']);
    expect(sim.member('node1').replicationGroupMembers()).toHaveLength(2);
    const report = buildReport(run, 'test');
    expect(report.final.node1!.gtidExecuted).toBe(`${g}:1-6`);
    expect(report.final.node2!.gtidExecuted).toBe(`${g}:1-6`);
    expect(report.final.node3!.gtidExecuted).toBe(local);
  });
});
