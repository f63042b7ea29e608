/**
 * How a joiner asks its seeds (group_replication_group_seeds). GCS keeps the list in the order
 * given (Gcs_xcom_utils::process_peer_nodes, Gcs_xcom_interface::initialize_peer_nodes) and
 * Gcs_xcom_control::try_send_add_node_request_to_seeds goes through it in that order, skipping the
 * member's own address (connect_to_peer, skip_own_peer_address); connect_to_peer logs an ERROR
 * for every connection that fails, also when a later seed of the same pass then takes the
 * add_node request (8.0.2x, 8.0.41 and a 2025 source alike, only the text differs).
 * Regressions: grsim asked the seeds in slot order whatever the list said, and logged the failed
 * connections only when every seed failed (a join through the second seed logged nothing and
 * sent its add_node at once, without the first seed's connect timeout).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, DEFAULT_MODEL_PARAMETERS, type LogEvent, type Simulation, type VersionName } from '../../src/index.js';
import { globalVariables } from '../../src/serve/sql/member-tables.js';
import { SEC } from './helpers.js';

const OPENING = 'Error on opening a connection to';
/** A START asks its first seed once the plugin's modules have started (model.xcomJoinStartupUs). */
const JOIN_AFTER_START_US = DEFAULT_MODEL_PARAMETERS.xcomJoinStartupUs;
const NODE1 = '10.0.0.11:33061', NODE2 = '10.0.0.12:33061', NODE4 = '10.0.0.14:33061';

/** The [GCS] connect errors and the join outcome of `member`'s log from `fromUs` on. */
function joinLines(sim: Simulation, member: string, fromUs: number): LogEvent[] {
  return sim.member(member).logEvents(3).filter((e) => e.t >= fromUs);
}

/**
 * Four members; node4 leaves, node1's host goes down (its connections are refused) and the group
 * of node2 and node3 expels it; node4 then starts again with `seeds`.
 */
function rejoinWithNode1Down(seeds: string): { sim: Simulation; startUs: number } {
  const sim = createSimulation({
    seed: 3, version: '8.0.21', mode: 'multi-primary', members: ['node1', 'node2', 'node3', { name: 'node4', options: { group_replication_group_seeds: seeds } }],
  });
  sim.at(5 * SEC, (s) => s.member('node4').stopGroupReplication());
  sim.at(20 * SEC, (s) => s.network.crash('node1'));
  const startUs = 60 * SEC;
  sim.at(startUs, (s) => s.member('node4').startGroupReplication());
  sim.runFor('90s');
  return { sim, startUs };
}

describe('the order a joiner asks its seeds in', () => {
  it('is the order group_replication_group_seeds lists them, not the servers\' order', () => {
    // node3 restarts while its old incarnation is still configured: each seed its add_node request
    // reaches refuses it and says so ("Old incarnation found", xcom_base.cc allow_add_node), and the
    // joiner asks the next one (try_send_add_node_request_to_seeds), pass after pass.
    const seeds = (list: string) => {
      const sim = createSimulation({
        seed: 1, version: '8.0.21', mode: 'multi-primary', members: ['node1', 'node2', { name: 'node3', options: { group_replication_group_seeds: list } }],
        options: { group_replication_member_expel_timeout: 60 },
      });
      sim.at(10 * SEC, (s) => s.network.crash('node3'));
      sim.at(11 * SEC, (s) => s.network.restart('node3'));
      sim.runFor('40s');
      return sim.trace.filter((e): e is LogEvent => e.type === 'log' && e.message.startsWith('[GCS] Old incarnation found')).map((e) => e.member);
    };
    expect(seeds(`${NODE2},${NODE1}`).slice(0, 4)).toEqual(['node2', 'node1', 'node2', 'node1']);
    expect(seeds(`${NODE1},${NODE2}`).slice(0, 4)).toEqual(['node1', 'node2', 'node1', 'node2']);
  });

  it('node1 listed first: one ERROR for it, a round trip later node2 takes the request', () => {
    const { sim, startUs } = rejoinWithNode1Down(`${NODE1}, ${NODE2}`);
    const errors = joinLines(sim, 'node4', startUs).filter((e) => e.message.includes(OPENING));
    expect(errors.map((e) => [e.level, e.code, e.message])).toEqual([
      ['ERROR', 'MY-011735', `[GCS] ${OPENING} ${NODE1} on local port: 33061.`],
    ]);
    // A refused connection: a round trip, well under the 1 s connect timeout.
    expect(errors[0]!.t - startUs - JOIN_AFTER_START_US).toBeGreaterThan(0);
    expect(errors[0]!.t - startUs - JOIN_AFTER_START_US).toBeLessThan(SEC / 10);
    expect(sim.member('node4').state).toBe('ONLINE');
    expect(joinLines(sim, 'node4', startUs).some((e) => e.message.includes('Error connecting to all peers'))).toBe(false);
  });

  it('the member\'s own address in the list is skipped without a connection or a line; an address of no server times out', () => {
    const { sim, startUs } = rejoinWithNode1Down(`${NODE4},10.0.0.99:33061,${NODE2}`);
    const errors = joinLines(sim, 'node4', startUs).filter((e) => e.message.includes(OPENING));
    expect(errors.map((e) => e.message)).toEqual([`[GCS] ${OPENING} 10.0.0.99:33061 on local port: 33061.`]);
    expect(errors[0]!.t - startUs - JOIN_AFTER_START_US).toBe(SEC);
    expect(sim.member('node4').state).toBe('ONLINE');
  });

  it('the option takes only lists of host:port', () => {
    const make = (seeds: unknown) => () => createSimulation({ seed: 1, members: ['a', 'b', 'c'], options: { group_replication_group_seeds: seeds as string } });
    expect(make('10.0.0.12:33061, 10.0.0.11:33061')).not.toThrow();
    expect(make('')).not.toThrow();
    expect(make('10.0.0.12')).toThrow(ConfigError);
    expect(make('10.0.0.12:0')).toThrow(/options\.group_replication_group_seeds must be '' or a comma-separated list of XCom addresses 'host:port'/);
    expect(make(33061)).toThrow(ConfigError);
  });
});

const TEXTS: Record<string, (peer: string) => string> = {
  '8.0.20': (peer) => `[GCS] ${OPENING} ${peer} on local port: 33061.`,
  '8.0.21': (peer) => `[GCS] ${OPENING} ${peer} on local port: 33061.`,
  '8.4': (peer) => `[GCS] ${OPENING} peer node ${peer} when joining a group. My local port is: 33061.`,
  '9.x': (peer) => `[GCS] ${OPENING} peer node ${peer} when joining a group. My local port is: 33061.`,
};

describe('an unreachable first seed and a reachable second one', () => {
  it.each(['8.0.20', '8.0.21', '8.4', '9.x'] as const)('%s: one ERROR for the first seed after its connect timeout, then the join through the second', (version: VersionName) => {
    // Default seeds (every other server, in slot order): node1 first, cut off from everyone (its
    // connections time out) and expelled by node2 and node3 before node4 starts again.
    const sim = createSimulation({ seed: 2, version, members: ['node1', 'node2', 'node3', 'node4'], mode: 'multi-primary' });
    sim.at(5 * SEC, (s) => s.member('node4').stopGroupReplication());
    sim.at(20 * SEC, (s) => s.network.isolate('node1'));
    const startUs = 60 * SEC;
    sim.at(startUs, (s) => s.member('node4').startGroupReplication());
    let addedAtUs = -1;
    sim.on('view', (e) => { if (addedAtUs < 0 && e.t > startUs && e.member === 'node2' && e.members.includes('node4')) addedAtUs = e.t; });
    sim.runFor('90s');
    const lines = joinLines(sim, 'node4', startUs);
    const errors = lines.filter((e) => e.message.includes(OPENING));
    expect(errors.map((e) => [e.level, e.message])).toEqual([['ERROR', TEXTS[version]!(NODE1)]]);
    // The connect to node1 times out after 1 s; only then is node2 asked.
    expect(errors[0]!.t).toBe(startUs + JOIN_AFTER_START_US + SEC);
    expect(addedAtUs).toBeGreaterThan(errors[0]!.t);
    expect(lines.some((e) => e.message.includes('Error connecting to all peers'))).toBe(false);
    expect(sim.member('node4').state).toBe('ONLINE');
  });
});

describe('@@group_replication_group_seeds as the served server shows it', () => {
  it('the list configured, or for \'\' every other server in member order', () => {
    const sim = createSimulation({ seed: 1, members: ['node1', 'node2', { name: 'node3', options: { group_replication_group_seeds: `${NODE2},${NODE1}` } }] });
    expect(globalVariables(sim, sim.member('node1')).get('group_replication_group_seeds')?.value).toBe('10.0.0.12:33061,10.0.0.13:33061');
    expect(globalVariables(sim, sim.member('node3')).get('group_replication_group_seeds')?.value).toBe(`${NODE2},${NODE1}`);
  });
});
