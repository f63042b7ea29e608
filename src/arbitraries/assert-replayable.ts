import fc from 'fast-check';
import { ConfigError } from '../errors.js';
import { checkLabel } from '../sim/simulation-options.js';
import type { FaultSchedule } from '../scenario/fault-schedule.js';
import { scheduleToYaml } from './schedule-to-yaml.js';

/** fast-check's run parameters for a property over (schedule, simulation seed) pairs, plus the replay file's name. */
export type ReplayableParameters = fc.Parameters<[FaultSchedule, number]> & {
  /** `name:` of the printed scenario file. @defaultValue 'counterexample' */
  readonly scenarioName?: string;
};

/** Simulation seeds drawn for each schedule: any 31-bit integer, like `grsim explore`'s. */
const SIMULATION_SEED = fc.integer({ min: 0, max: 0x7fffffff });

/**
 * Checks `predicate` on generated fault schedules, each with a generated simulation seed, like
 * `fc.assert(fc.property(schedules, seed, predicate), params)`. A failure throws an Error whose
 * message is fast-check's report followed by the shrunk counterexample as a scenario file (see
 * `scheduleToYaml`), so the test runner prints a file that `grsim run` replays without fast-check.
 * The predicate fails by returning false or throwing (an `expect` inside it works).
 */
export function assertReplayable(
  schedules: fc.Arbitrary<FaultSchedule>,
  predicate: (schedule: FaultSchedule, seed: number) => boolean | void,
  params: ReplayableParameters = {},
): void {
  // Duck-typed: a test may load another copy of fast-check than grsim's (their classes differ).
  if (typeof (schedules as Partial<fc.Arbitrary<FaultSchedule>> | null)?.generate !== 'function') {
    throw new ConfigError('assertReplayable.schedules', 'must be a fast-check arbitrary of fault schedules (e.g. faultSchedule())', schedules);
  }
  if (typeof predicate !== 'function') throw new ConfigError('assertReplayable.predicate', 'must be a function (schedule, seed) => boolean | void', predicate);
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new ConfigError('assertReplayable.params', "must be an object of fast-check parameters (and scenarioName)", params);
  const { scenarioName = 'counterexample', ...runParams } = params;
  if (typeof scenarioName !== 'string' || scenarioName.length === 0) throw new ConfigError('assertReplayable.params.scenarioName', 'must be a non-empty string', scenarioName);
  checkLabel(scenarioName, 'assertReplayable.params.scenarioName');
  const details = fc.check(fc.property(schedules, SIMULATION_SEED, predicate), runParams);
  if (!details.failed) return;
  const report = fc.defaultReportMessage(details) ?? 'Property failed';
  if (details.counterexample === null) throw new Error(report);
  const [schedule, seed] = details.counterexample;
  const yaml = scheduleToYaml(schedule, seed, scenarioName);
  throw new Error(`${report}\n\nShrunk counterexample as a scenario file (save it and replay with \`grsim run <file>\`):\n\n${yaml}`, { cause: details.errorInstance });
}
