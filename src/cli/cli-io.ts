import type { CacheSizeIo } from './cache-size.js';
import type { ExploreIo } from './explore.js';
import type { ServeIo } from './serve-command.js';

/** What the command line needs from the outside world; main.ts binds it to the process. */
export interface CliIo extends ExploreIo, CacheSizeIo, ServeIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads a UTF-8 file; throws (with a Node error code) when it cannot. */
  readonly readFile: (path: string) => string;
  /** The package version (package.json). */
  readonly version: string;
  /** Path of the seed case scenario shipped with the package. */
  readonly seedCasePath: string;
  /** Whether stderr is a terminal (the progress bar draws only then). */
  readonly isTty: boolean;
  /** Monotonic milliseconds (progress and run times; never used inside a simulation). */
  readonly nowMs: () => number;
  /** Writes a UTF-8 file (cache-size --plot). @defaultValue node:fs writeFileSync */
  readonly writeFile?: (path: string, text: string) => void;
}

/** Exit codes, as `grsim --help` and docs/cli.md document them. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

/** What a subcommand's action reports back to runCli. */
export interface CliOutcome {
  /** The exit code; set by the action that ran. */
  exitCode: number;
  /** The seed an internal error report names, once the action knows it. */
  seed?: string | number;
}
