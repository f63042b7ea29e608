import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport, parseScenario, renderRunText, runScenario } from '../../src/index.js';
import { CONSISTENCY_LEVELS } from '../../src/gr/options.js';

const SCHEMA = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8')) as {
  properties: { writes: { items: { properties: { consistency: { enum: string[] } } } } };
};

/**
 * Writes under each source of their level: the session's (`write.consistency`), the member's
 * option, a `set` of the global value between two writes, and a frozen server: its SET and then its
 * write wait for the thaw and run in that order, so the write begins under the new global value
 * although the value was still the old one when it was submitted.
 */
const FILE = `name: write-consistency
seed: 3
version: "8.4"
mode: multi-primary
members: [node1, node2, node3]
memberOptions: { node2: { group_replication_consistency: BEFORE } }
events:
  - { at: "+1s", write: { member: node1 } }
  - { at: "+2s", write: { member: node1, consistency: AFTER } }
  - { at: "+3s", write: { member: node2 } }
  - { at: "+4s", set: { member: node1, option: group_replication_consistency, value: EVENTUAL } }
  - { at: "+5s", write: { member: node1 } }
  - { at: "+5s", write: { member: node1, consistency: BEFORE_AND_AFTER } }
  - { at: "+6s", freeze: node1 }
  - { at: "+7s", set: { member: node1, option: group_replication_consistency, value: AFTER } }
  - { at: "+8s", write: { member: node1 } }
  - { at: "+9s", thaw: node1 }
until: "+20s"
`;

describe('the report shows the consistency level each write began with', () => {
  const run = runScenario(parseScenario(FILE, 'write-consistency.yaml'));
  const report = buildReport(run, 'test');

  it('in the JSON report: the session level, else the member global value when the transaction began', () => {
    expect(report.writes.map((w) => [w.id, w.member, w.submitted, w.consistency])).toEqual([
      [1, 'node1', 1, 'BEFORE_ON_PRIMARY_FAILOVER'], // the 8.4 default
      [2, 'node1', 2, 'AFTER'], // its session's
      [3, 'node2', 3, 'BEFORE'], // node2's option
      [4, 'node1', 5, 'EVENTUAL'], // the global value after the set
      [5, 'node1', 5, 'BEFORE_AND_AFTER'],
      [6, 'node1', 8, 'AFTER'], // begun after the thaw, once the SET that waited before it had run
    ]);
    // Every write of this healthy group commits, so the level is the one it ran under.
    expect(report.writes.every((w) => w.outcome === 'committed')).toBe(true);
  });

  it('in the text report, after the submission time', () => {
    const text = renderRunText(run, 'test');
    expect(text).toMatch(/^#2 on node1 at \S+, consistency AFTER: committed at /m);
    expect(text).toMatch(/^#3 on node2 at \S+, consistency BEFORE: committed at /m);
    expect(text).toMatch(/^#6 on node1 at \S+, consistency AFTER: committed at /m);
  });

  it('docs/report.schema.json lists exactly the levels MySQL has', () => {
    expect(SCHEMA.properties.writes.items.properties.consistency.enum).toEqual([...CONSISTENCY_LEVELS]);
  });
});
