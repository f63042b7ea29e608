import { expect } from 'vitest';
import { createSimulation, type Simulation } from '../../src/index.js';
import { createStatementEngine, loadSqlEngine, type SimStatementEngine } from '../../src/serve/sql/engine.js';
import type { StatementOutcome } from '../../src/serve/statement-engine.js';

export type RowsOutcome = Extract<StatementOutcome, { kind: 'rows' }>;

/** A three-member single-primary group (a is the primary) and its statement engine. */
export async function threeMembers(seed = 14): Promise<{ sim: Simulation; engine: SimStatementEngine }> {
  await loadSqlEngine();
  const sim = createSimulation({ seed, members: ['a', 'b', 'c'], mode: 'single-primary' });
  return { sim, engine: createStatementEngine(sim) };
}

export function rows(o: StatementOutcome): RowsOutcome {
  if (o.kind !== 'rows') throw new Error(`expected rows, got ${JSON.stringify(o)}`);
  return o;
}

/** The rows as objects keyed by column name. */
export function records(o: StatementOutcome): Record<string, string | null>[] {
  const r = rows(o);
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, k) => [c.name, row[k] ?? null])));
}

export function expectError(o: StatementOutcome, code: number, sqlState: string): void {
  expect(o.kind).toBe('error');
  if (o.kind === 'error') {
    expect(o.code).toBe(code);
    expect(o.sqlState).toBe(sqlState);
  }
}

/**
 * Advances the simulation in 100 ms steps until a pending outcome resolves, as the server polls
 * after every advance of virtual time; undefined when it is still pending at `limitMs`.
 */
export function settle(sim: Simulation, o: StatementOutcome, limitMs: number): StatementOutcome | undefined {
  if (o.kind !== 'pending') return o;
  for (let t = 0; t < limitMs; t += 100) {
    sim.runFor('100ms');
    const r = o.poll();
    if (r !== undefined) return r;
  }
  return undefined;
}
