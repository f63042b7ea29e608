import { InvariantError } from '../errors.js';
import type { SimEvent } from '../observe/events.js';
import { runScenario, type RunScenarioOptions, type ScenarioRun } from '../scenario/run-scenario.js';
import type { Scenario } from '../scenario/scenario.js';
import type { Simulation } from '../sim/simulation.js';
import { reportFold, STREAMED_SECTIONS, type ReportFold, type ScenarioReport, type StreamedEntry, type StreamedSection } from './json-report.js';
import type { Spool } from './report-spool.js';
import { textReportFold, type TextReportFold } from './text-report.js';

/** How a streamed report gets its spools and writes its output (the command line: temporary files and stdout). */
export interface ReportStreamIo {
  /** A new, empty spool. */
  readonly spool: () => Spool;
  /** Writes the next piece of the output. */
  readonly write: (text: string) => void;
}

/**
 * Runs a scenario without keeping its trace: `fold(sim)` observes every event (and then
 * `options.observer`'s function, when given); returns the run and the fold.
 */
function runObserved<F extends { observe(e: SimEvent): void }>(scenario: Scenario, options: RunScenarioOptions, fold: (sim: Simulation) => F): { run: ScenarioRun; folded: F } {
  let folded: F | null = null;
  const observer = (sim: Simulation): ((e: SimEvent) => void) => {
    const f = fold(sim);
    folded = f;
    const also = options.observer?.(sim);
    return also === undefined ? (e) => f.observe(e) : (e) => { f.observe(e); also(e); };
  };
  const run = runScenario(scenario, { ...options, observer });
  if (folded === null) throw new InvariantError('runScenario did not call its observer');
  return { run, folded };
}

/** `value` as JSON.stringify(…, null, 2) writes it at `depth` levels of nesting (its first line not indented). */
function jsonAt(value: unknown, depth: number): string {
  // JSON strings escape newlines, so every newline in the text is between two lines of the layout.
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/**
 * Runs a scenario and writes its JSON report (docs/report-format.md) byte for byte as
 * `JSON.stringify(buildReport(run), null, 2)` plus a newline would, without keeping the trace or
 * the report in memory: each entry of a section that grows with the run's events is serialised as
 * the run emits it, into that section's spool, and the report is written out in its order at the
 * end. Returns the finished run (its `sim.trace` is empty).
 */
export function streamReport(scenario: Scenario, options: RunScenarioOptions, grsimVersion: string, io: ReportStreamIo): ScenarioRun {
  const spools = new Map<StreamedSection, { spool: Spool; count: number }>();
  for (const s of STREAMED_SECTIONS) spools.set(s, { spool: io.spool(), count: 0 });
  const sink = <K extends StreamedSection>(section: K, entry: StreamedEntry[K]): void => {
    const s = spools.get(section) as { spool: Spool; count: number };
    s.spool.write(`${s.count === 0 ? '' : ',\n'}    ${jsonAt(entry, 2)}`);
    s.count++;
  };
  const { run, folded } = runObserved<ReportFold>(scenario, options, (sim) => reportFold(sim, scenario, grsimVersion, sink));
  const report: ScenarioReport = folded.finish(run, { log: [], states: [], views: [], cache: [], throughput: [], flags: [], suspicions: [] });
  const fields = Object.entries(report).filter(([, v]) => v !== undefined);
  io.write('{\n');
  fields.forEach(([key, value], i) => {
    io.write(`  ${JSON.stringify(key)}: `);
    const streamed = spools.get(key as StreamedSection);
    if (streamed === undefined) io.write(jsonAt(value, 1));
    else if (streamed.count === 0) io.write('[]');
    else {
      io.write('[\n');
      streamed.spool.drain(io.write);
      io.write('\n  ]');
    }
    io.write(i < fields.length - 1 ? ',\n' : '\n');
  });
  io.write('}\n');
  return run;
}

/**
 * Runs a scenario and writes its text report as renderRunText would, byte for byte, without
 * keeping the trace: each member's error-log lines go to a spool as they are logged, the rest is
 * folded, and the report is written out at the end. Returns the finished run (its `sim.trace` is empty).
 */
export function streamRunText(scenario: Scenario, options: RunScenarioOptions, grsimVersion: string, io: ReportStreamIo): ScenarioRun {
  const { run, folded } = runObserved<TextReportFold>(scenario, options, (sim) => textReportFold(sim, scenario, grsimVersion, () => io.spool()));
  folded.finish(run, io.write);
  return run;
}
