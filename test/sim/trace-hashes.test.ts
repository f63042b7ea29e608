// Whole-run trace fingerprints pinned in a golden file. The file was written by the code as it was
// before the speed work on the hot path (heartbeat arrivals without kernel events, allocation-free
// scheduling, the cache model's per-tick objects); every change there must leave these bytes alone.
// A deliberate behaviour change regenerates the file: GRSIM_UPDATE_TRACE_HASHES=1 npx vitest run test/sim/trace-hashes.test.ts
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule, scheduleToScenario } from '../../src/arbitraries/index.js';
import { createSimulation, parseScenario, runScenario, simulationOf, traceToJsonLines, type ModelParameters, type Scenario, type Simulation } from '../../src/index.js';
import { chaoticSimulation } from '../helpers/chaotic-run.js';

const GOLDEN = new URL('./trace-hashes.golden.json', import.meta.url);
const UPDATE = process.env.GRSIM_UPDATE_TRACE_HASHES === '1';

/** Every scenario file the project ships or tests with, by directory relative to the repository. */
const SCENARIO_DIRS = ['scenarios', 'test/observe/scenarios', 'test/rules/fixtures', 'docs/findings'];

/**
 * `withState`: the fingerprint also covers what every member holds at the end that no trace event
 * shows (gtid_executed, the applier's counters, the workload counters, the cache state), so speed
 * work on the GTID and applier bookkeeping is held to the same bytes.
 */
interface Case { readonly name: string; readonly run: () => Simulation; readonly withState?: boolean }

function fileCases(): Case[] {
  const cases: Case[] = [];
  for (const dir of SCENARIO_DIRS) {
    const url = new URL(`../../${dir}/`, import.meta.url);
    for (const f of readdirSync(url).filter((x) => x.endsWith('.yaml')).sort()) {
      cases.push({
        name: `${dir}/${f}`,
        run: () => {
          return runScenario(parseScenario(readFileSync(new URL(f, url), 'utf8'), f)).sim;
        },
      });
    }
  }
  return cases;
}

/**
 * The earlier model: no flow-control statistics traffic and the earlier XCom retry approximation
 * (both flags 0; the defaults are 1, as MySQL's source has it). The cases run with it pin that
 * path, which pinned fixtures and users who turn the flags off still take.
 */
const FLAGS_OFF: Partial<ModelParameters> = { flowControlStatsTraffic: 0, xcomRetryBackoff: 0 };

/** `scenario` with FLAGS_OFF over its own model parameters. */
function withFlagsOff(scenario: Scenario): Scenario {
  return { ...scenario, model: { ...scenario.model, ...FLAGS_OFF } };
}

/** A workload that keeps a small cache evicting, with a member frozen and cut off meanwhile. */
function workload(seed: number, model: Partial<ModelParameters> = {}): Simulation {
  const sim = createSimulation({
    seed, members: ['node1', 'node2', 'node3'], mode: 'multi-primary', model,
    network: { latencyUs: 200, jitterUs: 100, loss: 0 },
    options: { group_replication_message_cache_size: 134_217_728 },
    workload: [{ member: 'node1', rate: 10_000, size: 1024 }, { member: 'node2', rate: 200, size: 4096 }],
  });
  sim.at('20s', (s) => s.network.freeze('node3'));
  sim.at('31s', (s) => s.network.thaw('node3'));
  sim.at('40s', (s) => s.network.isolate('node2'));
  sim.at('52s', (s) => s.network.heal('node2'));
  sim.runUntil('90s');
  return sim;
}

/**
 * The speed bench's workload (bench/cache-workload.mjs: 3 members, 10,000 tx/s of 1 KiB on node1,
 * 128 MiB cache), undisturbed long enough for the caches to fill (~13 s) and evict for minutes.
 */
function benchWorkload(flowControlStatsTraffic: number): Simulation {
  return createSimulation({
    seed: 4, members: ['node1', 'node2', 'node3'], mode: 'multi-primary',
    options: { group_replication_message_cache_size: 134_217_728 },
    model: { flowControlStatsTraffic },
    workload: [{ member: 'node1', rate: 10_000, size: 1024 }],
  }).runFor('150s');
}

/** Generated fault schedules (the explore command's input), fixed by fast-check's seed. */
function generatedCases(): Case[] {
  const samples = fc.sample(fc.tuple(faultSchedule({ maxFaults: 6 }), fc.integer({ min: 0, max: 1e6 })), { seed: 20240601, numRuns: 80 });
  return samples.map(([schedule, seed], k) => ({
    name: `generated #${k} (${schedule.setup.members.length} members, ${schedule.faults.map((f) => f.kind).join(',') || 'no faults'})`,
    run: () => {
      return runScenario(scheduleToScenario(schedule, seed)).sim;
    },
  }));
}

/** Other generated schedules (another fast-check seed) run with FLAGS_OFF. */
function generatedFlagsOffCases(): Case[] {
  const samples = fc.sample(fc.tuple(faultSchedule({ maxFaults: 6 }), fc.integer({ min: 0, max: 1e6 })), { seed: 20261130, numRuns: 40 });
  return samples.map(([schedule, seed], k) => ({
    name: `flags off: generated #${k} (${schedule.setup.members.length} members, ${schedule.faults.map((f) => f.kind).join(',') || 'no faults'})`,
    run: () => runScenario(withFlagsOff(scheduleToScenario(schedule, seed))).sim,
  }));
}

const CASES: Case[] = [
  ...fileCases(),
  ...[1, 7, 42].map((seed) => ({
    name: `scenarios/seed-case.yaml seed ${seed}`,
    run: () => simulationOf(parseScenario(readFileSync(new URL('../../scenarios/seed-case.yaml', import.meta.url), 'utf8'), 'seed-case.yaml', { seed })).runFor('320s'),
  })),
  ...[42, 43].map((seed) => ({ name: `chaotic seed ${seed}`, run: () => chaoticSimulation(seed, { loss: 0.01, until: '600s' }) })),
  { name: 'chaotic seed 44, 5 % loss', run: () => chaoticSimulation(44, { loss: 0.05, until: '600s' }) },
  ...[4, 5].map((seed) => ({ name: `workload seed ${seed}`, run: () => workload(seed) })),
  { name: 'workload seed 4, flow-control statistics traffic', run: () => workload(4, { flowControlStatsTraffic: 1 }), withState: true },
  ...[0, 1].map((stats) => ({ name: `bench workload 10,000 tx/s 150 s, flowControlStatsTraffic ${stats}`, run: () => benchWorkload(stats), withState: true })),
  { name: 'idle 9 members 10 min', run: () => createSimulation({ seed: 12345, members: Array.from({ length: 9 }, (_, i) => `node${i + 1}`), mode: 'multi-primary' }).runFor('10m') },
  ...generatedCases(),
  ...[1, 7, 42, 99].map((seed) => ({
    name: `flags off: scenarios/seed-case.yaml seed ${seed}`,
    run: () => {
      const scenario = withFlagsOff(parseScenario(readFileSync(new URL('../../scenarios/seed-case.yaml', import.meta.url), 'utf8'), 'seed-case.yaml', { seed }));
      return simulationOf(scenario).runFor('320s');
    },
  })),
  ...[42, 43].map((seed) => ({ name: `flags off: chaotic seed ${seed}`, run: () => chaoticSimulation(seed, { loss: 0.01, until: '600s', model: FLAGS_OFF }) })),
  { name: 'flags off: chaotic seed 44, 5 % loss', run: () => chaoticSimulation(44, { loss: 0.05, until: '600s', model: FLAGS_OFF }) },
  ...[4, 5].map((seed) => ({ name: `flags off: workload seed ${seed}`, run: () => workload(seed, FLAGS_OFF) })),
  ...[5, 9].map((n) => ({
    name: `flags off: idle ${n} members 30 min`,
    run: () => createSimulation({ seed: 12345, members: Array.from({ length: n }, (_, i) => `node${i + 1}`), mode: 'multi-primary', model: FLAGS_OFF }).runFor('30m'),
  })),
  ...generatedFlagsOffCases(),
];

function fingerprint(sim: Simulation, withState = false): string {
  const s = traceToJsonLines(sim.trace);
  const trace = `${sim.trace.length} events, sha256 ${createHash('sha256').update(s).digest('hex')}`;
  if (!withState) return trace;
  const state = sim.members.map((m) => JSON.stringify({
    name: m.name, gtidExecuted: m.gtidExecuted(), transactions: m.transactionCounters(), workload: m.workload(),
    cache: m.xcomCache(), cacheMemory: m.xcomCacheMemory(), stats: m.replicationGroupMemberStats(),
  })).join('\n');
  return `${trace}; end state sha256 ${createHash('sha256').update(state).digest('hex')}`;
}

describe('trace hashes against the golden file', () => {
  const golden: Record<string, string> = !UPDATE && existsSync(GOLDEN) ? JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, string> : {};
  const fresh: Record<string, string> = {};

  it('covers at least the shipped and test scenario files, the seed case and generated schedules', () => {
    expect(CASES.length).toBeGreaterThan(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    it(c.name, () => {
      const fp = fingerprint(c.run(), c.withState);
      fresh[c.name] = fp;
      if (UPDATE) return;
      expect(golden[c.name], `no golden hash for ${c.name}; regenerate with GRSIM_UPDATE_TRACE_HASHES=1`).toBeDefined();
      expect(fp).toBe(golden[c.name]);
    }, 120_000);
  }

  it.runIf(UPDATE)('writes the golden file', () => {
    writeFileSync(GOLDEN, JSON.stringify(fresh, null, 2) + '\n');
  });
});
