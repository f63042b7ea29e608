/**
 * Issue 11, "It does what the user wrote, or says why not": `heal: all` after a partition restores
 * every link (it used to leave the partition in place while the schedule said "every isolation is
 * healed"), `heal: <member>` every link of that member, and the printed schedule states the
 * network the action really left.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario, renderRunText, runScenario, type ScenarioRun } from '../../src/index.js';

function run(events: string, members = '[node1, node2, node3, node4, node5]', until = '+200s'): ScenarioRun {
  return runScenario(parseScenario(`name: heal\nseed: 5\nmembers: ${members}\nevents:\n${events}\nuntil: "${until}"\n`, 'heal.yaml'));
}

/** The schedule lines of the text report (between "start" and "end of the run"). */
function scheduleLines(r: ScenarioRun): string[] {
  const lines = renderRunText(r, 'test').split('\n');
  return lines.slice(2, lines.findIndex((l) => l.endsWith('end of the run')));
}

describe('heal: all after a partition', () => {
  const r = run('  - { at: "+10s", partition: [[node1, node2, node3], [node4, node5]] }\n  - { at: "+40s", heal: all }');

  it('brings every link up', () => {
    const net = r.sim._net;
    for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) expect(net.isLinkUp(a, b)).toBe(true);
    expect(r.networkAfter[1]!.links.allUp).toBe(true);
  });

  it('lets the group converge: every member ONLINE in one five-member view', () => {
    const views = new Set(r.sim.members.map((m) => m.viewId()));
    expect(views.size).toBe(1);
    for (const m of r.sim.members) {
      expect(m.state).toBe('ONLINE');
      expect(m.replicationGroupMembers()).toHaveLength(5);
    }
    // Every member shows all five ONLINE: the later rejoiner handles the first one's recovery-end
    // message after its own join view (it used to keep it RECOVERING for good).
    for (const m of r.sim.members) {
      expect(m.replicationGroupMembers().map((row) => row.MEMBER_STATE)).toEqual(['ONLINE', 'ONLINE', 'ONLINE', 'ONLINE', 'ONLINE']);
    }
  });

  it('leaves no member with its majority still lost at the end, and the schedule says every link is up', () => {
    const text = renderRunText(r, 'test');
    expect(text).not.toContain('still lost at the end');
    expect(text).toMatch(/regained at/);
    expect(scheduleLines(r)[1]).toMatch(/ every partition, one-way cut and isolation is removed; every link is up$/);
  });
});

describe('heal: <member> during a partition', () => {
  it('restores both directions of every link of the member: its peers are reachable and ONLINE', () => {
    const r = run('  - { at: "+10s", partition: [[node1, node2], [node3]] }\n  - { at: "+40s", heal: node3 }', '[node1, node2, node3]', '+70s');
    const net = r.sim._net;
    for (const p of [0, 1]) expect(net.isPathUp(2, p)).toBe(true);
    const node3 = r.sim.member('node3');
    const seen = node3.replicationGroupMembers().filter((row) => row.MEMBER_HOST !== node3.host).map((row) => row.MEMBER_STATE);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).not.toContain('UNREACHABLE');
    // node1 and node2 see node3 back in the group (it rejoined after being expelled).
    expect(r.sim.member('node1').replicationGroupMembers().map((row) => row.MEMBER_STATE)).toEqual(['ONLINE', 'ONLINE', 'ONLINE']);
    expect(scheduleLines(r)[1]).toMatch(/ every link to and from node3 is restored; every link is up$/);
  });

  it('says which cuts the partition still holds between the other members', () => {
    const r = run('  - { at: "+10s", partition: [[node1], [node2], [node3]] }\n  - { at: "+20s", heal: node3 }', '[node1, node2, node3]', '+30s');
    expect(r.sim._net.isPathUp(0, 1)).toBe(false);
    expect(r.sim._net.isPathUp(0, 2)).toBe(true);
    expect(scheduleLines(r)[1]).toMatch(/ every link to and from node3 is restored; still cut: node1 ↔ node2 by a partition$/);
  });
});

describe('the printed schedule states the network after each action', () => {
  it('repair leaves an isolation and a one-way cut in force, and says so', () => {
    const r = run([
      '  - { at: "+1s", isolate: node3 }',
      '  - { at: "+2s", cut: { from: node1, to: node2 } }',
      '  - { at: "+3s", partition: [[node1], [node2, node3]] }',
      '  - { at: "+4s", repair: all }',
      '  - { at: "+5s", restore: { from: node1, to: node3 } }',
      '  - { at: "+6s", restore: all }',
      '  - { at: "+7s", heal: all }',
    ].join('\n'), '[node1, node2, node3]', '+10s');
    const lines = scheduleLines(r).map((l) => l.slice(l.indexOf('  ') + 2));
    expect(lines).toEqual([
      'node3 is cut off from every other member (both ways)',
      'messages from node1 to node2 are dropped (one way); still cut: node3 is isolated (cut off from everyone)',
      'the network is partitioned into [node1] [node2, node3]; also cut: node3 is isolated (cut off from everyone); node1 → node2 (one way)',
      'every partition is repaired; still cut: node3 is isolated (cut off from everyone); node1 → node2 (one way)',
      'the one-way cut node1 → node3 is removed, but messages from node1 to node3 are still dropped: node3 is isolated',
      'every one-way cut is removed; still cut: node3 is isolated (cut off from everyone)',
      'every partition, one-way cut and isolation is removed; every link is up',
    ]);
  });

  it('a heal does not thaw a frozen mysqld, and the line says it is still frozen', () => {
    const r = run('  - { at: "+1s", isolate: node2 }\n  - { at: "+2s", freeze: node2 }\n  - { at: "+3s", heal: node2 }', '[node1, node2, node3]', '+5s');
    expect(r.sim._net.frozen[1]).toBe(1);
    expect(scheduleLines(r)[2]).toMatch(/every link to and from node2 is restored; every link is up; node2's mysqld is still frozen \(SIGSTOP\)$/);
  });

  it('a thaw of a member whose links are still cut says so', () => {
    const r = run('  - { at: "+1s", freeze: node2 }\n  - { at: "+2s", isolate: node2 }\n  - { at: "+3s", thaw: node2 }', '[node1, node2, node3]', '+5s');
    expect(scheduleLines(r)[2]).toMatch(/node2's mysqld resumes \(SIGCONT\); still cut: node2 is isolated \(cut off from everyone\)$/);
  });
});
