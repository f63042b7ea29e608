import { buildReport } from '../report/json-report.js';
import { renderRunText } from '../report/text-report.js';
import type { ScenarioRun } from '../scenario/run-scenario.js';

/** One value of `grsim run|demo --format`: how a finished run becomes the text written to stdout. */
export interface RunFormat {
  /** One line for `--help` and the error that lists the formats. */
  readonly description: string;
  /** The whole stdout of the command, ending with a newline. */
  readonly render: (run: ScenarioRun, version: string) => string;
}

/**
 * The output formats of `grsim run` and `grsim demo`, in the order `--help` lists them; the first
 * is the default. A new format (an HTML timeline from report/, say) is one more entry here:
 * --format's parser, its help and its error message all read this table.
 */
export const RUN_FORMATS = {
  text: {
    description: "each member's error log and replication_group_members table",
    render: (run, version) => renderRunText(run, version),
  },
  json: {
    description: 'the report described in docs/report-format.md',
    render: (run, version) => `${JSON.stringify(buildReport(run, version), null, 2)}\n`,
  },
} as const satisfies Record<string, RunFormat>;

export type RunFormatName = keyof typeof RUN_FORMATS;

export const RUN_FORMAT_NAMES = Object.keys(RUN_FORMATS) as RunFormatName[];

export function isRunFormatName(name: string): name is RunFormatName {
  return Object.prototype.hasOwnProperty.call(RUN_FORMATS, name);
}
