/**
 * Errant transactions from a scenario file (writeLocal), in the JSON report's gtidExecuted, and
 * deterministic: the same seed gives the same trace byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, parseScenario, runScenario } from '../../src/index.js';

const FILE = `
name: errant-then-refused
seed: 7
members: [node1, node2, node3]
options: { group_replication_consistency: AFTER }
events:
  - { at: +1s, write: { member: node1, count: 3 } }
  - { at: +5s, stop: node3 }
  - { at: +10s, write: { member: node1 } }
  - { at: +12s, writeLocal: { member: node3, count: 2 } }
  - { at: +15s, start: node3 }
until: +40s
`;

describe('writeLocal in a scenario file', () => {
  it('node3 holds two errant GTIDs, its START is refused and the report shows every gtid_executed', () => {
    const run = runScenario(parseScenario(FILE, 'errant.yaml'));
    const report = buildReport(run, 'test');
    const g = run.sim.groupName;
    const uuid3 = run.sim.member('node3').uuid;
    expect(report.final.node1!.gtidExecuted).toBe(`${g}:1-4`);
    expect(report.final.node2!.gtidExecuted).toBe(`${g}:1-4`);
    expect(report.final.node3!.gtidExecuted).toBe([`${g}:1-3`, `${uuid3}:1-2`].sort().join(',\n'));
    expect(report.final.node3!.state).toBe('OFFLINE');
    const refused = report.log.filter((l) => l.member === 'node3' && (l.code === 'MY-011526' || l.code === 'MY-011522'));
    expect(refused.map((l) => l.code)).toEqual(['MY-011526', 'MY-011522']);
    expect(refused[0]!.message).toContain(`> Group transactions: ${g}:1-4`);
  });

  it('is deterministic: the same seed gives a byte-identical trace', () => {
    const a = runScenario(parseScenario(FILE, 'errant.yaml')).sim;
    const b = runScenario(parseScenario(FILE, 'errant.yaml')).sim;
    expect(JSON.stringify(a.trace)).toBe(JSON.stringify(b.trace));
    expect(a.groupName).toBe(b.groupName);
  });
});
