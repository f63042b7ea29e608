import { buildReport } from '../report/json-report.js';
import { renderRunText } from '../report/text-report.js';
import { renderTimelineHtml } from '../report/timeline-html.js';
import type { RunScenarioOptions, ScenarioRun } from '../scenario/run-scenario.js';
import type { Scenario } from '../scenario/scenario.js';
import { streamReport, streamRunText, type ReportStreamIo } from '../report/report-stream.js';

/** What a format needs besides the run: the package version and the command line that replays the run. */
export interface RunFormatContext {
  readonly version: string;
  /** e.g. `grsim run my-case.yaml --seed 8` (shown in the HTML timeline's header). */
  readonly replayCommand: string;
}

/** One value of `grsim run|demo --format`: how a finished run becomes the text written to stdout. */
export interface RunFormat {
  /** One line for `--help` and the error that lists the formats. */
  readonly description: string;
  /** The whole stdout of the command, ending with a newline. */
  readonly render: (run: ScenarioRun, context: RunFormatContext) => string;
  /**
   * Runs the scenario without keeping its trace and writes the same bytes as `render` would, as
   * the run goes (docs/report-format.md, "Long runs"); absent for a format that needs the whole run.
   */
  readonly stream?: (scenario: Scenario, options: RunScenarioOptions, context: RunFormatContext, io: ReportStreamIo) => ScenarioRun;
}

/** The run as one self-contained HTML timeline page (docs/timeline.md). */
export function renderRunHtml(run: ScenarioRun, context: RunFormatContext): string {
  return renderTimelineHtml(buildReport(run, context.version), { replayCommand: context.replayCommand });
}

/**
 * The output formats of `grsim run` and `grsim demo`, in the order `--help` lists them; the first
 * is the default. A new format (an HTML timeline from report/, say) is one more entry here:
 * --format's parser, its help and its error message all read this table.
 */
export const RUN_FORMATS = {
  text: {
    description: "each member's error log and replication_group_members table",
    render: (run, { version }) => renderRunText(run, version),
    stream: (scenario, options, { version }, io) => streamRunText(scenario, options, version, io),
  },
  json: {
    description: 'the report described in docs/report-format.md',
    render: (run, { version }) => `${JSON.stringify(buildReport(run, version), null, 2)}\n`,
    stream: (scenario, options, { version }, io) => streamReport(scenario, options, version, io),
  },
  html: {
    description: 'a self-contained HTML timeline page, docs/timeline.md',
    render: renderRunHtml,
  },
} as const satisfies Record<string, RunFormat> as Record<'text' | 'json' | 'html', RunFormat>;

export type RunFormatName = keyof typeof RUN_FORMATS;

export const RUN_FORMAT_NAMES = Object.keys(RUN_FORMATS) as RunFormatName[];

export function isRunFormatName(name: string): name is RunFormatName {
  return Object.prototype.hasOwnProperty.call(RUN_FORMATS, name);
}
