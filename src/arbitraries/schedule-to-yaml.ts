import { scheduleToScenario, type Fault, type FaultSchedule } from '../scenario/fault-schedule.js';
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
  }
}

/** Prints a schedule as a scenario file (with its faults as comments) that `grsim run` replays. */
export function scheduleToYaml(schedule: FaultSchedule, seed: number | string, name = 'counterexample'): string {
  const header = schedule.faults.length === 0 ? ['# no faults'] : schedule.faults.map((f) => `# fault: ${describeFault(f)}`);
  return `${header.join('\n')}\n${scenarioToYaml(scheduleToScenario(schedule, seed, name))}`;
}
