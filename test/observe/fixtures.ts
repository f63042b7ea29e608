/** Builders for hand-made traces and the real runs the invariant and metric tests share (not a test file). */
import { createSimulation, type SimEvent, type Simulation } from '../../src/index.js';
import { runRecordOf, type RunRecord } from '../../src/observe/run-record.js';

export const SEC = 1_000_000;

/** A hand-built record of members a, b, c (hosts 10.0.0.1–3:3306) in `mode`, ending at `endUs`. */
export function handRecord(trace: SimEvent[], opts: { mode?: 'single-primary' | 'multi-primary'; endUs?: number; names?: string[] } = {}): RunRecord {
  const names = opts.names ?? ['a', 'b', 'c'];
  return {
    trace,
    members: names.map((name, i) => ({ name, host: `10.0.0.${i + 1}`, port: 3306 })),
    mode: opts.mode ?? 'multi-primary',
    endUs: opts.endUs ?? (trace.length === 0 ? 0 : trace[trace.length - 1]!.t),
    initialViewId: '100:2',
  };
}

export const ev = {
  self: (t: number, m: string, state: 'ONLINE' | 'RECOVERING' | 'ERROR' | 'OFFLINE' | null, role: 'PRIMARY' | 'SECONDARY' | '' = 'PRIMARY'): SimEvent =>
    ({ type: 'stateChange', t, observer: m, member: m, state, role }),
  sees: (t: number, observer: string, member: string, state: 'ONLINE' | 'RECOVERING' | 'ERROR' | 'OFFLINE' | 'UNREACHABLE' | null, role: 'PRIMARY' | 'SECONDARY' | '' = 'PRIMARY'): SimEvent =>
    ({ type: 'stateChange', t, observer, member, state, role }),
  view: (t: number, member: string, viewId: string, members: string[]): SimEvent => ({ type: 'view', t, member, viewId, members }),
  config: (t: number, member: string, nodes: string[], configId?: number, incarnations?: number[]): SimEvent =>
    ({ type: 'config', t, member, action: 'installed', nodes, ...(configId === undefined ? {} : { configId }), ...(incarnations === undefined ? {} : { incarnations }) }),
  net: (t: number, action: string, detail: string): SimEvent => ({ type: 'network', t, action, detail }),
  log: (t: number, member: string, code: string, message = ''): SimEvent => ({ type: 'log', t, member, level: 'System', code, message }),
  flags: (t: number, member: string, superReadOnly: boolean, running = true, offlineMode = false): SimEvent =>
    ({ type: 'flags', t, member, superReadOnly, offlineMode, running }),
  write: (t: number, member: string, id: number, outcome: 'pending' | 'committed' | 'rolled_back' | 'refused'): SimEvent =>
    ({ type: 'write', t, member, id, outcome }),
};

/** Three members multi-primary, node3 isolated at 10 s (writes on both sides), healed at 60 s, run to `endS`. */
export function isolateAndHeal(endS = 700, seed = 7): Simulation {
  const sim = createSimulation({ seed, members: ['node1', 'node2', 'node3'], mode: 'multi-primary', options: { group_replication_member_expel_timeout: 5 } });
  sim.at('5s', (s) => { s.member('node1').write(); s.member('node3').write(); });
  sim.at('10s', (s) => s.network.isolate('node3'));
  sim.at('15s', (s) => { s.member('node1').write(); s.member('node3').write(); });
  sim.at('60s', (s) => s.network.heal('node3'));
  sim.at('120s', (s) => { s.member('node2').write(); s.member('node3').write(); });
  sim.runUntil(`${endS}s`);
  return sim;
}

/** Four members single-primary: the primary crashes at 5 s and restarts at 60 s; a 2+2 split from 100 s to 130 s. */
export function primaryCrashAndSplit(endS = 700, seed = 3): Simulation {
  const sim = createSimulation({ seed, members: ['a', 'b', 'c', 'd'], mode: 'single-primary' });
  sim.runFor('1s');
  const primary = sim.members.find((m) => !m.superReadOnly)!.name;
  sim.at('5s', (s) => s.network.crash(primary));
  sim.at('60s', (s) => s.network.restart(primary));
  sim.at('100s', (s) => s.network.partition(['a', 'b'], ['c', 'd']));
  sim.at('110s', (s) => { for (const m of s.members) if (m.running) m.write(); });
  sim.at('130s', (s) => s.network.repair());
  sim.runUntil(`${endS}s`);
  return sim;
}

/** Five members multi-primary, a 2+3 partition with unreachable_majority_timeout 10 on the minority, repaired at 90 s. */
export function minorityTimeout(endS = 800, seed = 11): Simulation {
  const sim = createSimulation({
    seed, mode: 'multi-primary',
    members: ['m1', 'm2', 'm3', 'm4', { name: 'm5', options: { group_replication_unreachable_majority_timeout: 10 } }],
    options: { group_replication_unreachable_majority_timeout: 10 },
  });
  sim.at('10s', (s) => s.network.partition(['m4', 'm5'], ['m1', 'm2', 'm3']));
  sim.at('20s', (s) => { s.member('m5').write(); s.member('m1').write(); });
  sim.at('90s', (s) => s.network.repair());
  sim.runUntil(`${endS}s`);
  return sim;
}

export function recordOf(sim: Simulation): RunRecord {
  return runRecordOf(sim);
}
