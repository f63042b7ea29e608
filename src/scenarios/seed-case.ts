import { createSimulation, type Simulation } from '../sim/simulation.js';

/**
 * The reference case (reference/seed-case.md): three members, multi-primary, 8.0.21 defaults.
 * node3 is cut off at 13:03:01 (+11 s), a DELETE is run on node3 while it is cut off, and the
 * network heals at 13:07:30 (+280 s). Returns the simulation before it has run.
 */
export function seedCaseSimulation(seed: number | string = 7): Simulation {
  const sim = createSimulation({
    seed,
    version: '8.0.21',
    mode: 'multi-primary',
    start: '2022-07-31T13:02:50Z',
    members: [
      { name: 'node1', host: '192.168.244.10', uuid: '207db264-0192-11ed-92c9-02001700754e' },
      { name: 'node2', host: '192.168.244.20', uuid: '2cee229d-0192-11ed-8eff-02001700f110' },
      { name: 'node3', host: '192.168.244.30', uuid: '4cbfdc79-0192-11ed-8b01-02001701bd0a' },
    ],
  });
  sim.at('11s', (s) => s.network.isolate('node3'));
  sim.at('30s', (s) => { s.member('node3').write(); });
  sim.at('280s', (s) => s.network.heal('node3'));
  return sim;
}

/** Virtual times of the seed case's actions, in microseconds. */
export const SEED_CASE_TIMES = { cutUs: 11_000_000, writeUs: 30_000_000, healUs: 280_000_000, endUs: 320_000_000 } as const;
