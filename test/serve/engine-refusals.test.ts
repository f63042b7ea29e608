import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { createStatementEngine, loadSqlEngine } from '../../src/serve/sql/engine.js';
import type { StatementOutcome } from '../../src/serve/statement-engine.js';

/**
 * Statements the member API refuses reach the client as the same MySQL error, and statements
 * common clients send are answered as MySQL 8.0 answers them (docs/serve-sql.md).
 */

async function group(version?: '8.0.20' | '8.0.21') {
  await loadSqlEngine();
  const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], ...(version === undefined ? {} : { version }) });
  sim.runFor('10s');
  return { sim, engine: createStatementEngine(sim) };
}

/** "ERROR 4118 (HY000): text" as the API gives it, from an engine outcome. */
function asClientError(o: StatementOutcome): string {
  if (o.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(o)}`);
  return `ERROR ${o.code} (${o.sqlState}): ${o.message}`;
}

describe('SET GLOBAL the member API refuses', () => {
  it('group_replication_force_members outside a blocked minority: the error the API returns, and nothing stored', async () => {
    const { sim, engine } = await group();
    const api = sim.member('node2').set('group_replication_force_members', 'banana');
    if (api.ok) throw new Error('the API accepted the forcing SET');
    const s = engine.openSession('node1', 'root', null);
    const o = s.execute("SET GLOBAL group_replication_force_members = 'banana'");
    expect(asClientError(o)).toBe(api.error);
    expect(sim.member('node1').options().group_replication_force_members).toBe('');
  });
});
