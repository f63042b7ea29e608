import type { Simulation } from '../sim/simulation.js';
import type { StatementEngine } from './statement-engine.js';

/**
 * The statement engine `grsim serve` uses: the one that answers SQL from the simulated state
 * (src/serve/sql, createStatementEngine). Until that engine is merged this throws, so the command
 * says plainly why it cannot serve instead of answering every statement with an error.
 */
export function defaultEngine(sim: Simulation): StatementEngine {
  void sim;
  throw new Error('statement engine not merged yet');
}
