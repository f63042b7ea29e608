import { describe, expect, it } from 'vitest';
import { buildReport, parseScenario, runScenario } from '../../src/index.js';
import { validateReport as validate } from '../helpers/report-schema.js';

/** Every kind of fault, one still in force at the end, an expel, a majority loss and writes. */
const FILE = `name: all-faults
seed: 9
members: [node1, node2, node3, node4, node5]
workload:
  - { member: node1, rate: 100/s, size: 1KiB }
events:
  - { at: "+5s", cut: { from: node1, to: node2 } }
  - { at: "+8s", restore: all }
  - { at: "+10s", link: { loss: 0.05 } }
  - { at: "+20s", link: { loss: 0 } }
  - { at: "+25s", freeze: node5 }
  - { at: "+30s", thaw: node5 }
  - { at: "+40s", partition: [[node1, node2], [node3, node4, node5]] }
  - { at: "+45s", write: { member: node1 } }
  - { at: "+90s", repair: all }
  - { at: "+100s", isolate: node4 }
  - { at: "+150s", crash: node3 }
until: "+200s"
`;

describe('the report\'s faults, metrics, flags and suspicions', () => {
  const report = JSON.parse(JSON.stringify(buildReport(runScenario(parseScenario(FILE, 'all-faults.yaml')), 'test'))) as ReturnType<typeof buildReport>;

  it('satisfy docs/report.schema.json', () => {
    expect(validate(report), JSON.stringify(validate.errors, null, 1)).toBe(true);
  });

  it('list every fault with its end (null while in force) and the members it touches', () => {
    expect(report.faults.map((f) => [f.kind, f.start, f.end, f.members])).toEqual([
      ['cut', 5, 8, ['node1', 'node2']],
      ['link', 10, 20, ['node1', 'node2', 'node3', 'node4', 'node5']],
      ['freeze', 25, 30, ['node5']],
      ['partition', 40, 90, ['node1', 'node2', 'node3', 'node4', 'node5']],
      ['isolate', 100, null, ['node4']],
      ['crash', 150, null, ['node3']],
    ]);
    expect(report.faults[1]!.detail).toBe('loss 5 % on every link');
  });

  it('metrics agree with the series they summarise', () => {
    // node1 and node2, the minority of the partition, lose the majority.
    expect(report.metrics.majority.map((m) => m.member).sort()).toEqual(expect.arrayContaining(['node1', 'node2']));
    expect(report.metrics.writes.submitted - report.metrics.writes.workload.submitted).toBe(report.writes.length);
    expect(report.metrics.writes.workload.submitted).toBe(Object.values(report.workload ?? {}).reduce((n, w) => n + (w as { submitted: number }).submitted, 0));
    for (const x of report.metrics.expels) expect(report.views.some((v) => v.member === x.remover && v.t === x.removed && !v.members.includes(x.member))).toBe(true);
    expect(report.flags.filter((f) => f.member === 'node3' && !f.running).map((f) => f.t)).toContain(150);
    expect(report.suspicions.some((s) => s.suspect === 'node4' && s.action === 'created')).toBe(true);
    expect(report.cache.every((p) => p.limit > 0)).toBe(true);
  });
});
