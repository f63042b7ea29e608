/**
 * The first primary (issue 10 item 2). In single-primary mode the primary of a formed group is the
 * member that bootstrapped it: it elected itself alone, and each member that joined arrived
 * RECOVERING and became a SECONDARY, because the election keeps an existing PRIMARY
 * (primary_election_handler.cc, Primary_election_handler::pick_primary_member). Weight, then the
 * lowest server_uuid, decide only when a primary leaves. grsim used to elect by weight and uuid at
 * time zero, so with default options node1 was primary in none of seeds 1..8.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, parseScenario, runScenario, scenarioToYaml, type Simulation } from '../../src/index.js';
import { rejects } from '../helpers/scenario-errors.js';
import { addr, firstLog } from './helpers.js';

const FILE = new URL('./fixtures/bootstrap-member.yaml', import.meta.url);

function primaryAsSeenBy(sim: Simulation, observer: string): string[] {
  return sim.member(observer).replicationGroupMembers().filter((r) => r.MEMBER_ROLE === 'PRIMARY').map((r) => r.MEMBER_HOST);
}

describe('the member that bootstrapped the group is the first primary', () => {
  it('by default the first member listed, whatever the seed and the uuids', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const sim = createSimulation({ seed, members: ['node1', 'node2', 'node3', 'node4', 'node5'] });
      for (const n of ['node1', 'node2', 'node3', 'node4', 'node5']) expect(primaryAsSeenBy(sim, n), `seed ${seed}, ${n}`).toEqual([sim.member('node1').host]);
      expect(sim.member('node1').superReadOnly).toBe(false);
      expect(sim.member('node2').superReadOnly).toBe(true);
    }
  });

  it('`bootstrap` names another member; when it leaves, weight then uuid elect the next', () => {
    const scenario = parseScenario(readFileSync(FILE, 'utf8'), 'bootstrap-member.yaml');
    expect(scenario.bootstrap).toBe('node2');
    expect(parseScenario(scenarioToYaml(scenario), 'again.yaml')).toEqual(scenario);
    const run = runScenario(scenario);
    const sim = run.sim;
    // node2 has the highest uuid and a default weight, node3 the highest weight: neither would win an election at time zero.
    // After node2 is expelled, node3 (weight 90) wins over node1 (lowest uuid).
    for (const n of ['node1', 'node3']) {
      expect(firstLog(sim, n, 'MY-011500').message).toContain(addr(sim, 'node2'));
      expect(firstLog(sim, n, 'MY-011507').message).toContain(addr(sim, 'node3'));
      expect(primaryAsSeenBy(sim, n)).toEqual([sim.member('node3').host]);
    }
  });

  it('at time zero, before any fault', () => {
    const sim = createSimulation({ seed: 3, bootstrap: 'node2', members: [
      { name: 'node1', uuid: '00000000-0000-0000-0000-000000000001' }, { name: 'node2', uuid: '00000000-0000-0000-0000-000000000009' },
      { name: 'node3', uuid: '00000000-0000-0000-0000-000000000005', options: { group_replication_member_weight: 90 } },
    ] });
    for (const n of ['node1', 'node2', 'node3']) expect(primaryAsSeenBy(sim, n)).toEqual([sim.member('node2').host]);
    expect(sim.member('node2').superReadOnly).toBe(false);
    expect(sim.member('node3').superReadOnly).toBe(true);
  });

  it('an unknown bootstrap member is refused, naming the field', () => {
    expect(() => createSimulation({ seed: 1, members: ['a', 'b'], bootstrap: 'c' })).toThrow(ConfigError);
    expect(() => createSimulation({ seed: 1, members: ['a', 'b'], bootstrap: 'c' })).toThrow(/bootstrap must name a member \(a, b\)/);
    const e = rejects('members: [a, b]\nbootstrap: c\n');
    expect(e.message).toMatch(/bootstrap/);
    expect(e.message).toMatch(/must name a member/);
  });
});
