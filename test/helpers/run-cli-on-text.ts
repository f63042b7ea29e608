import { runCli, type CliIo } from '../../src/cli/cli.js';

/** Runs `grsim run <file> …flags` in-process on a scenario given as text; returns the exit code and output. */
export async function runCliOnText(text: string, file: string, flags: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const io: CliIo = {
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; },
    readFile: () => text, version: '0.0.0-test', seedCasePath: '', isTty: false, nowMs: () => 0,
  };
  const code = await runCli(['run', file, ...flags], io);
  return { code, stdout, stderr };
}
