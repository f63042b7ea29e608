/**
 * A join with no seed to connect to: Gcs_xcom_control::connect_to_peer (gcs_xcom_control_interface.cc)
 * logs an ERROR for every seed whose connection fails, on every one of send_add_node_request's
 * CONNECTION_ATTEMPTS (10) passes, before "Error connecting to all peers. Member join failed.". The
 * text is "Error on opening a connection to %s:%d on local port: %d." in the 8.0.22, 8.0.26 and
 * 8.0.27 sources and "Error on opening a connection to peer node %s:%d when joining a group. My
 * local port is: %d." in a newer one. Regression: grsim logged only the last two lines.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type LogEvent, type VersionName } from '../../src/index.js';
import { SEC } from './helpers.js';

function startWithoutSeeds(version: VersionName): LogEvent[] {
  const sim = createSimulation({ seed: 1, version, members: ['node1', 'node2', 'node3'], mode: 'multi-primary' });
  sim.at(5 * SEC, (s) => s.member('node3').stopGroupReplication());
  // node1's host is down (its connection is refused); node2 is cut off (its connection times out).
  sim.at(20 * SEC, (s) => { s.network.crash('node1'); s.network.isolate('node2'); });
  sim.at(30 * SEC, (s) => s.member('node3').startGroupReplication());
  sim.runFor('50s');
  return sim.member('node3').logEvents(3).filter((e) => e.t >= 30 * SEC);
}

const TEXTS: Record<string, (peer: string) => string> = {
  '8.0.20': (peer) => `[GCS] Error on opening a connection to ${peer} on local port: 33061.`,
  '8.0.21': (peer) => `[GCS] Error on opening a connection to ${peer} on local port: 33061.`,
  '8.4': (peer) => `[GCS] Error on opening a connection to peer node ${peer} when joining a group. My local port is: 33061.`,
  '9.x': (peer) => `[GCS] Error on opening a connection to peer node ${peer} when joining a group. My local port is: 33061.`,
};

describe('a join that cannot connect to any seed', () => {
  it.each(['8.0.20', '8.0.21', '8.4', '9.x'] as const)('%s: one ERROR per seed per pass, each when its connection fails, then "Error connecting to all peers"', (version) => {
    const logs = startWithoutSeeds(version);
    const allFailed = logs.findIndex((e) => e.message === '[GCS] Error connecting to all peers. Member join failed. Local port: 33061');
    expect(allFailed).toBeGreaterThan(0);
    const before = logs.slice(0, allFailed);
    const text = TEXTS[version]!;
    // 10 passes over node1 then node2 (the order of the seeds); nothing else in between.
    expect(before.map((e) => e.message)).toEqual(Array.from({ length: 20 }, (_, k) => text(k % 2 === 0 ? '10.0.0.11:33061' : '10.0.0.12:33061')));
    expect(before.every((e) => e.level === 'ERROR' && e.code === 'MY-011735')).toBe(true);
    // node2's connection times out after 1 s; node1's refusal takes a round trip (well under 1 s).
    for (let k = 1; k < 20; k += 2) expect(before[k]!.t - before[k - 1]!.t).toBe(SEC);
    for (let k = 2; k < 20; k += 2) {
      expect(before[k]!.t - before[k - 1]!.t).toBeGreaterThan(0);
      expect(before[k]!.t - before[k - 1]!.t).toBeLessThan(SEC / 10);
    }
    expect(logs[allFailed]!.t).toBe(before[19]!.t);
    expect(logs[allFailed + 1]!.message).toBe('[GCS] The member was unable to join the group. Local port: 33061');
  });
});
