import { ConfigError, ScenarioError } from '../errors.js';
import { FAULT_KINDS, scheduleToScenario, type Fault, type FaultSchedule } from '../scenario/fault-schedule.js';
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

/** The members a fault names ('all' for an option change on every member). */
function membersNamed(f: Fault): readonly string[] {
  switch (f.kind) {
    case 'isolate': case 'freeze': case 'crash': case 'option': return [f.member];
    case 'split': return f.side;
    case 'bridge': return [f.bridge, ...f.side];
    case 'one-way': return [f.from, f.to];
    case 'flapping': return [f.a, f.b];
    case 'ring': case 'loss': case 'latency': return [];
  }
}

/**
 * Prints a schedule as a scenario file (with its faults as comments) that `grsim run` replays.
 * The file is read back as `grsim run` reads it, so a seed, a name or a schedule that would make a
 * file `grsim run` refuses throws a ConfigError here instead (`scheduleToYaml.seed`,
 * `scheduleToYaml.name`, or `scheduleToYaml.schedule` with the file's field).
 */
export function scheduleToYaml(schedule: FaultSchedule, seed: number | string, name = 'counterexample'): string {
  const s = schedule as Partial<FaultSchedule> | null;
  if (s === null || typeof s !== 'object' || typeof s.setup !== 'object' || s.setup === null || !Array.isArray(s.setup.members) || !Array.isArray(s.faults) || typeof s.durationUs !== 'number') {
    throw new ConfigError('scheduleToYaml.schedule', 'must be a fault schedule { setup, faults, durationUs } (as faultSchedule() draws them)', schedule);
  }
  s.faults.forEach((f: Fault, i) => {
    const field = `scheduleToYaml.schedule.faults[${i}]`;
    if (!(FAULT_KINDS as readonly unknown[]).includes((f as Partial<Fault> | null)?.kind)) throw new ConfigError(`${field}.kind`, `must be one of ${FAULT_KINDS.join(', ')}`, (f as Partial<Fault> | null)?.kind);
    const unknown = membersNamed(f).find((m) => !s.setup!.members.includes(m) && !(f.kind === 'option' && m === 'all'));
    if (unknown !== undefined) throw new ConfigError(field, `must name members of the schedule's setup (${s.setup!.members.join(', ')})`, f);
  });
  const header = s.faults.length === 0 ? ['# no faults'] : s.faults.map((f) => `# fault: ${describeFault(f)}`);
  const text = `${header.join('\n')}\n${scenarioToYaml(scheduleToScenario(schedule, seed, name))}`;
  try {
    parseScenario(text, 'scheduleToYaml');
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const field = e.field === 'seed' || e.field === 'name' ? `scheduleToYaml.${e.field}` : `scheduleToYaml.schedule (the file's ${e.field})`;
    throw new ConfigError(field, e.rule, e.value);
  }
  return text;
}
