import { ConfigError, ScenarioError } from '../errors.js';
import { compileSchedule, validateSchedule, FAULT_KINDS, type Fault, type FaultSchedule } from '../scenario/fault-schedule.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import { scenarioToYaml } from '../scenario/scenario-yaml.js';

/** One line per fault, for a counterexample's header. */
export function describeFault(f: Fault): string {
  const when = `at +${f.atUs / 1e6}s`;
  const dur = `for ${f.durationUs / 1e6}s`;
  switch (f.kind) {
    case 'isolate': return `isolate ${f.member} ${when} ${dur}`;
    case 'split': return `split [${f.side.join(', ')}] from the rest ${when} ${dur}`;
    case 'ring': return `ring (each member reaches only its neighbours) ${when} ${dur}`;
    case 'bridge': return `bridge: [${f.side.join(', ')}] and the rest meet only through ${f.bridge} ${when} ${dur}`;
    case 'one-way': return `drop ${f.from} → ${f.to} ${when} ${dur}`;
    case 'flapping': return `flap ${f.a} ↔ ${f.b} (down ${f.dutyCycle * 100}% of every ${f.periodUs / 1e6}s) ${when} ${dur}`;
    case 'freeze': return `freeze ${f.member} ${when} ${dur}`;
    case 'crash': return `crash ${f.member} ${when}, restart ${dur} later`;
    case 'loss': return `loss ${f.loss} on every link ${when} ${dur}`;
    case 'latency': return `latency ${f.latencyUs / 1000} ms on every link ${when} ${dur}`;
    case 'option': return `SET GLOBAL ${f.option} = ${JSON.stringify(f.value)} on ${f.member} ${when}`;
    default: throw new ConfigError('describeFault.kind', `must be one of ${FAULT_KINDS.join(', ')}`, (f as { kind?: unknown }).kind);
  }
}

/**
 * Prints a schedule as a scenario file (with its faults as comments) that `grsim run` replays.
 * The file is read back as `grsim run` reads it, so a seed, a name or a schedule that would make a
 * file `grsim run` refuses throws a ConfigError here instead (`scheduleToYaml.seed`,
 * `scheduleToYaml.name`, or `scheduleToYaml.schedule` with the file's field).
 */
export function scheduleToYaml(schedule: FaultSchedule, seed: number | string, name = 'counterexample'): string {
  validateSchedule(schedule, 'scheduleToYaml.schedule');
  const s = schedule;
  const header = s.faults.length === 0 ? ['# no faults'] : s.faults.map((f) => `# fault: ${describeFault(f)}`);
  const text = `${header.join('\n')}\n${scenarioToYaml(compileSchedule(schedule, seed, name))}`;
  try {
    parseScenario(text, 'scheduleToYaml');
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const field = e.field === 'seed' || e.field === 'name' ? `scheduleToYaml.${e.field}` : `scheduleToYaml.schedule (the file's ${e.field})`;
    throw new ConfigError(field, e.rule, e.value);
  }
  return text;
}
