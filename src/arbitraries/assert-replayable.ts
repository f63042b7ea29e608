import fc from 'fast-check';
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
  const { scenarioName = 'counterexample', ...runParams } = params;
  const details = fc.check(fc.property(schedules, SIMULATION_SEED, predicate), runParams);
  if (!details.failed) return;
  const report = fc.defaultReportMessage(details) ?? 'Property failed';
  if (details.counterexample === null) throw new Error(report);
  const [schedule, seed] = details.counterexample;
  const yaml = scheduleToYaml(schedule, seed, scenarioName);
  throw new Error(`${report}\n\nShrunk counterexample as a scenario file (save it and replay with \`grsim run <file>\`):\n\n${yaml}`, { cause: details.errorInstance });
}
