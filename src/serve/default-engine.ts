import type { Simulation } from '../sim/simulation.js';
import { createStatementEngine, loadSqlEngine, type SimStatementEngine } from './sql/engine.js';

/**
 * The statement engine `grsim serve` and serve() use unless told otherwise: the one that answers
 * SQL from the simulated state (src/serve/sql). Asynchronous because sql.js compiles its
 * WebAssembly only asynchronously; loaded on first use so that importing grsim does not load it.
 */
export async function defaultEngine(sim: Simulation, timeouts: { readonly waitTimeoutS?: number; readonly interactiveTimeoutS?: number } = {}): Promise<SimStatementEngine> {
  await loadSqlEngine();
  return createStatementEngine(sim, timeouts);
}
