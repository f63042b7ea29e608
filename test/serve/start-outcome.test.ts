import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation } from '../../src/index.js';
import { createStatementEngine, loadSqlEngine } from '../../src/serve/sql/engine.js';
import type { StatementOutcome } from '../../src/serve/statement-engine.js';

/**
 * A START GROUP_REPLICATION that gives up: the API's lastStartOutcome() carries the client error
 * the command returns (plugin.cc initialize_plugin_and_join → ER_GROUP_REPLICATION_CONFIGURATION),
 * and the façade answers the client with that same error.
 */

const CONFIGURATION = 'ERROR 3092 (HY000): The server is not configured properly to be an active member of the group. Please see more details on error log.';

function stoppedThird(): Simulation {
  const sim = createSimulation({ seed: 5, members: ['node1', 'node2', 'node3'] });
  sim.runFor('5s');
  expect(sim.member('node3').lastStartOutcome()).toBeNull();
  sim.member('node3').stopGroupReplication();
  sim.runFor('5s');
  expect(sim.member('node3').state).toBe('OFFLINE');
  return sim;
}

/** Runs the simulation in 1 s steps until the last START on `member` is no longer pending (at most `limitS`). */
function untilStarted(sim: Simulation, member: string, limitS: number): void {
  for (let k = 0; k < limitS && sim.member(member).lastStartOutcome()?.outcome === 'pending'; k++) sim.runFor('1s');
}

function asClientError(o: StatementOutcome | undefined): string {
  if (o === undefined || o.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(o)}`);
  return `ERROR ${o.code} (${o.sqlState}): ${o.message}`;
}

describe('lastStartOutcome() of a START that gives up', () => {
  it('an errant transaction (MY-011526, MY-011522): failed with ERROR 3092, the error the client gets', () => {
    const sim = stoppedThird();
    sim.member('node3').writeLocal();
    expect(sim.member('node3').startGroupReplication()).toEqual({ ok: true });
    untilStarted(sim, 'node3', 30);
    expect(sim.member('node3').errorLog().some((line) => line.includes('[MY-011522]'))).toBe(true);
    expect(sim.member('node3').lastStartOutcome()).toEqual({ outcome: 'failed', error: CONFIGURATION });
  });

  it('no join view within 60 s (MY-011640): failed with ERROR 3092', () => {
    const sim = stoppedThird();
    sim.network.isolate('node3');
    sim.member('node3').startGroupReplication();
    untilStarted(sim, 'node3', 90);
    expect(sim.member('node3').errorLog().some((line) => line.includes('[MY-011640]'))).toBe(true);
    expect(sim.member('node3').lastStartOutcome()).toEqual({ outcome: 'failed', error: CONFIGURATION });
  });

  it('a server that dies while its START waits for the join view: failed with the lost connection (ERROR 2013)', () => {
    const sim = stoppedThird();
    sim.network.isolate('node3');
    sim.member('node3').startGroupReplication();
    sim.runFor('5s');
    sim.network.crash('node3');
    expect(sim.member('node3').lastStartOutcome()).toEqual({ outcome: 'failed', error: 'ERROR 2013 (HY000): Lost connection to MySQL server during query' });
  });

  it('a START that joins: joined, error null', () => {
    const sim = stoppedThird();
    sim.member('node3').startGroupReplication();
    untilStarted(sim, 'node3', 30);
    expect(sim.member('node3').lastStartOutcome()).toEqual({ outcome: 'joined', error: null });
  });

  it('through the façade the client gets the error the API outcome carries', async () => {
    await loadSqlEngine();
    const sim = stoppedThird();
    const session = createStatementEngine(sim).openSession('node3', 'root', null);
    sim.member('node3').writeLocal();
    let o: StatementOutcome | undefined = session.execute('START GROUP_REPLICATION');
    for (let k = 0; k < 300 && o?.kind === 'pending'; k++) {
      sim.runFor('100ms');
      o = o.poll() ?? o;
    }
    expect(asClientError(o)).toBe(sim.member('node3').lastStartOutcome()!.error);
  });
});
