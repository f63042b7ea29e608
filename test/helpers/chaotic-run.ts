import { createSimulation, type ModelParameters, type Simulation } from '../../src/index.js';

/**
 * A 5-member single-primary group with jitter and TCP loss through every network verb, a crash and
 * a restart (the paths the scenario fixtures exercise least), run until `until`.
 */
export function chaoticSimulation(seed: number, options: { loss?: number; until?: string; model?: Partial<ModelParameters> } = {}): Simulation {
  const sim = createSimulation({
    seed, members: ['a', 'b', 'c', 'd', 'e'], mode: 'single-primary',
    network: { latencyUs: 300, jitterUs: 200, loss: options.loss ?? 0.01 },
    ...(options.model === undefined ? {} : { model: options.model }),
  });
  sim.at('5s', (s) => s.network.partition(['a', 'b'], ['c', 'd', 'e']));
  sim.at('6s', (s) => { s.member('a').write(); s.member('c').write(); });
  sim.at('40s', (s) => s.network.repair());
  sim.at('50s', (s) => s.network.cut('c', 'd'));
  sim.at('70s', (s) => s.network.freeze('e'));
  sim.at('80s', (s) => s.network.thaw('e'));
  sim.at('90s', (s) => s.network.restore('c', 'd'));
  sim.at('100s', (s) => s.network.crash('b'));
  sim.at('130s', (s) => s.network.restart('b'));
  sim.runUntil(options.until ?? '900s');
  return sim;
}
